/**
 * X.501 distinguished names as X.509 uses them (RFC 5280 §4.1.2.4): a sequence of relative
 * distinguished names, each a set of attribute type/value pairs, such as
 * `C = KR, O = netlab, CN = www.example.com`. The issuer of one certificate must match the
 * subject of the next one up the chain; that match is `namesMatch` (RFC 5280 §7.1, with the
 * usual simplification: case-insensitive, white space folded).
 *
 * Strings are written the way OpenSSL does by default (`string_mask = utf8only`):
 * UTF8String, except countryName (PrintableString, X.520) and emailAddress (IA5String).
 */
import { type DerReader, Tag } from './der.ts';
import * as der from './der-encode.ts';
import { Oid, oidName } from './oid.ts';

export interface NameAttribute {
  /** The attribute type, dotted (`2.5.4.3` for commonName). */
  readonly type: string;
  readonly value: string;
  /** The string type it was encoded with (a universal tag number). */
  readonly stringTag: number;
}

export interface Name {
  readonly rdns: readonly (readonly NameAttribute[])[];
  /** The DER encoding (the exact bytes when parsed). */
  readonly der: Uint8Array;
}

/** The common attributes of a site's or an authority's name. */
export interface NameFields {
  readonly country?: string;
  readonly state?: string;
  readonly locality?: string;
  readonly organization?: string;
  readonly organizationalUnit?: string;
  readonly commonName?: string;
  readonly emailAddress?: string;
}

/** The order OpenSSL's `req` writes them in: broadest first, common name last. */
const FIELD_ORDER: readonly [keyof NameFields, string][] = [
  ['country', Oid.country],
  ['state', Oid.state],
  ['locality', Oid.locality],
  ['organization', Oid.organization],
  ['organizationalUnit', Oid.organizationalUnit],
  ['commonName', Oid.commonName],
  ['emailAddress', Oid.emailAddress],
];

function stringTagFor(type: string): number {
  if (type === Oid.country) return Tag.PrintableString;
  if (type === Oid.emailAddress || type === Oid.domainComponent) return Tag.Ia5String;
  return Tag.Utf8String;
}

function encodeValue(a: NameAttribute): Uint8Array {
  switch (a.stringTag) {
    case Tag.PrintableString:
      return der.printableString(a.value);
    case Tag.Ia5String:
      return der.ia5String(a.value);
    default:
      return der.utf8String(a.value);
  }
}

function encodeRdns(rdns: readonly (readonly NameAttribute[])[]): Uint8Array {
  return der.sequence(
    ...rdns.map((rdn) => der.setOf(...rdn.map((a) => der.sequence(der.oid(a.type), encodeValue(a))))),
  );
}

/** A name from its fields (one attribute per RDN, OpenSSL's order). */
export function buildName(fields: NameFields): Name {
  const rdns: NameAttribute[][] = [];
  for (const [key, type] of FIELD_ORDER) {
    const value = fields[key];
    if (value === undefined) continue;
    if (key === 'country' && !/^[A-Z]{2}$/.test(value)) {
      throw new TypeError(`country must be two capital letters (ISO 3166), got ${value}`);
    }
    rdns.push([{ type, value, stringTag: stringTagFor(type) }]);
  }
  return { rdns, der: encodeRdns(rdns) };
}

/** A name given either way: built from its fields, or taken as it is. */
export function asName(name: NameFields | Name): Name {
  return 'rdns' in name ? name : buildName(name);
}

/** A name from explicit RDNs (for names that are not in the common order). */
export function nameFromRdns(rdns: readonly (readonly { type: string; value: string }[])[]): Name {
  const full = rdns.map((rdn) => rdn.map((a) => ({ ...a, stringTag: stringTagFor(a.type) })));
  return { rdns: full, der: encodeRdns(full) };
}

/** Reads a Name; `el` bytes are kept for exact matching. */
export function readName(r: DerReader, what: string): Name {
  const el = r.peek();
  const seq = r.sequence(what);
  const rdns: NameAttribute[][] = [];
  while (!seq.done && !seq.failed) {
    const set = seq.set(`${what} RDN`);
    const rdn: NameAttribute[] = [];
    while (!set.done && !set.failed) {
      const atv = set.sequence(`${what} attribute`);
      const type = atv.oid(`${what} attribute type`);
      const { text, tag } = atv.string(`${what} ${oidName(type)} value`);
      atv.end(`${what} attribute`);
      rdn.push({ type, value: text, stringTag: tag });
    }
    if (rdn.length === 0) set.fail('bad-name', `${what}: empty RDN`);
    rdns.push(rdn);
  }
  return { rdns, der: el?.der ?? new Uint8Array(0) };
}

function fold(s: string): string {
  return s.trim().replace(/\s+/g, ' ').toLowerCase();
}

/**
 * Whether two names are the same (RFC 5280 §7.1): equal bytes, or the same attributes in
 * the same order with values equal after case folding and white-space compression.
 */
export function namesMatch(a: Name, b: Name): boolean {
  if (a.der.length === b.der.length && a.der.every((x, i) => x === b.der[i])) return true;
  if (a.rdns.length !== b.rdns.length) return false;
  return a.rdns.every((rdn, i) => {
    const other = b.rdns[i]!;
    if (rdn.length !== other.length) return false;
    const key = (x: NameAttribute) => `${x.type}=${fold(x.value)}`;
    const want = new Set(other.map(key));
    return rdn.every((x) => want.has(key(x)));
  });
}

/** The last common name (the most specific one), if any. */
export function commonNameOf(name: Name): string | undefined {
  let cn: string | undefined;
  for (const rdn of name.rdns) for (const a of rdn) if (a.type === Oid.commonName) cn = a.value;
  return cn;
}

/** `C = KR, O = netlab, CN = www.example.com`, as `openssl x509 -text` prints names. */
export function formatName(name: Name): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${oidName(a.type)} = ${a.value}`).join(' + ')).join(', ');
}

/** `CN=www.example.com,O=netlab,C=KR` (RFC 4514: most specific first, specials escaped). */
export function formatNameRfc4514(name: Name): string {
  const esc = (v: string) =>
    v
      .replace(/([,+"\\<>;=])/g, '\\$1')
      .replace(/^([ #])/, '\\$1')
      .replace(/ $/, '\\ ');
  return [...name.rdns]
    .reverse()
    .map((rdn) => rdn.map((a) => `${oidName(a.type)}=${esc(a.value)}`).join('+'))
    .join(',');
}
