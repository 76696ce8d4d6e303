/**
 * The certificate extensions netlab issues and checks (RFC 5280 §4.2): subject alternative
 * name (DNS names and IP addresses), key usage, extended key usage, basic constraints with
 * a path length, and the subject / authority key identifiers that link a certificate to
 * its issuer's key.
 *
 * Each codec reads the extnValue OCTET STRING's contents. Other extensions are kept raw;
 * a critical one that is not understood makes chain validation fail (§4.2: "MUST reject").
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { DerReader, parseDer, readBitString, Tag } from './der.ts';
import * as der from './der-encode.ts';
import { bytesToIp } from './ip-address-bytes.ts';
import { Oid } from './oid.ts';

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** The extnValue contents (DER of the extension's own structure). */
  readonly value: Uint8Array;
}

export type GeneralName =
  | { readonly kind: 'dns'; readonly name: string }
  | { readonly kind: 'ip'; readonly bytes: Uint8Array; readonly text: string }
  | { readonly kind: 'email'; readonly address: string }
  | { readonly kind: 'uri'; readonly uri: string }
  /** otherName, x400Address, directoryName, ediPartyName, registeredID: kept by tag only. */
  | { readonly kind: 'other'; readonly tag: number };

export interface BasicConstraints {
  readonly ca: boolean;
  /** How many CA certificates may follow this one below it (RFC 5280 §4.2.1.9). */
  readonly pathLength?: number;
}

/** Key usage bits in RFC 5280 §4.2.1.3 order. */
export const KEY_USAGE_BITS = [
  'digitalSignature',
  'contentCommitment',
  'keyEncipherment',
  'dataEncipherment',
  'keyAgreement',
  'keyCertSign',
  'cRLSign',
  'encipherOnly',
  'decipherOnly',
] as const;

export type KeyUsage = (typeof KEY_USAGE_BITS)[number];

function parseValue(value: Uint8Array, what: string): DerReader | ProtocolError {
  const el = parseDer(value);
  if (el instanceof ProtocolError)
    return new ProtocolError('x509', 'bad-extension', `${what}: ${el.message}`);
  return new DerReader([el], { error: null, protocol: 'x509' });
}

function done<T>(r: DerReader, value: T): T | ProtocolError {
  return r.sink.error ?? value;
}

// ---------------------------------------------------------------- subjectAltName

export function encodeGeneralName(n: GeneralName): Uint8Array {
  const enc = new TextEncoder();
  switch (n.kind) {
    case 'dns':
      return der.contextPrimitive(2, enc.encode(n.name));
    case 'ip':
      return der.contextPrimitive(7, n.bytes);
    case 'email':
      return der.contextPrimitive(1, enc.encode(n.address));
    case 'uri':
      return der.contextPrimitive(6, enc.encode(n.uri));
    case 'other':
      throw new TypeError('cannot encode an opaque GeneralName');
  }
}

export function encodeSubjectAltName(names: readonly GeneralName[]): Uint8Array {
  return der.sequence(...names.map(encodeGeneralName));
}

function ia5(c: Uint8Array): string | null {
  let s = '';
  for (const b of c) {
    if (b > 0x7f) return null;
    s += String.fromCharCode(b);
  }
  return s;
}

/** Reads GeneralNames (a SEQUENCE of GeneralName). */
export function readGeneralNames(r: DerReader, what: string): GeneralName[] {
  const seq = r.sequence(what);
  const out: GeneralName[] = [];
  while (!seq.done && !seq.failed) {
    const el = seq.any(what)!;
    if (el.tagClass !== 'context') {
      seq.fail('bad-extension', `${what}: GeneralName must be context-tagged`, el.offset);
      break;
    }
    const text = el.constructed ? null : ia5(el.content);
    switch (el.tag) {
      case 1:
      case 2:
      case 6:
        if (text === null) {
          seq.fail('bad-extension', `${what}: name is not IA5String`, el.offset);
          break;
        }
        out.push(
          el.tag === 2
            ? { kind: 'dns', name: text }
            : el.tag === 1
              ? { kind: 'email', address: text }
              : { kind: 'uri', uri: text },
        );
        break;
      case 7:
        if (el.constructed || (el.content.length !== 4 && el.content.length !== 16)) {
          seq.fail('bad-extension', `${what}: iPAddress must be 4 or 16 octets`, el.offset);
          break;
        }
        out.push({ kind: 'ip', bytes: el.content, text: bytesToIp(el.content) });
        break;
      default:
        out.push({ kind: 'other', tag: el.tag });
    }
  }
  return out;
}

export function parseSubjectAltName(value: Uint8Array): GeneralName[] | ProtocolError {
  const r = parseValue(value, 'subjectAltName');
  if (r instanceof ProtocolError) return r;
  const names = readGeneralNames(r, 'subjectAltName');
  if (!r.failed && names.length === 0) r.fail('bad-extension', 'subjectAltName is empty (RFC 5280 §4.2.1.6)');
  return done(r, names);
}

// ---------------------------------------------------------------- keyUsage

export function encodeKeyUsage(usages: readonly KeyUsage[]): Uint8Array {
  const bits = new Set(usages.map((u) => KEY_USAGE_BITS.indexOf(u)));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(highest >= 8 ? 2 : 1);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  // DER named bit lists drop trailing zero bits (X.690 §11.2.2).
  const unused = 7 - (highest & 7);
  return der.bitString(bytes, unused);
}

export function parseKeyUsage(value: Uint8Array): KeyUsage[] | ProtocolError {
  const el = parseDer(value);
  if (el instanceof ProtocolError || el.tagClass !== 'universal' || el.tag !== Tag.BitString) {
    return new ProtocolError('x509', 'bad-extension', 'keyUsage is not a BIT STRING');
  }
  const bits = readBitString(el.content);
  if (!bits) return new ProtocolError('x509', 'bad-extension', 'keyUsage: malformed BIT STRING');
  const out: KeyUsage[] = [];
  KEY_USAGE_BITS.forEach((name, i) => {
    const byte = bits.bytes[i >> 3];
    if (byte !== undefined && byte & (0x80 >> (i & 7))) out.push(name);
  });
  return out;
}

// ---------------------------------------------------------------- extKeyUsage

export function encodeExtKeyUsage(oids: readonly string[]): Uint8Array {
  return der.sequence(...oids.map((o) => der.oid(o)));
}

export function parseExtKeyUsage(value: Uint8Array): string[] | ProtocolError {
  const r = parseValue(value, 'extKeyUsage');
  if (r instanceof ProtocolError) return r;
  const seq = r.sequence('extKeyUsage');
  const out: string[] = [];
  while (!seq.done && !seq.failed) out.push(seq.oid('KeyPurposeId'));
  if (!r.failed && out.length === 0) r.fail('bad-extension', 'extKeyUsage is empty');
  return done(r, out);
}

// ---------------------------------------------------------------- basicConstraints

export function encodeBasicConstraints(bc: BasicConstraints): Uint8Array {
  const items: Uint8Array[] = [];
  if (bc.ca) items.push(der.boolean(true)); // DEFAULT FALSE is omitted in DER
  if (bc.pathLength !== undefined) items.push(der.integer(bc.pathLength));
  return der.sequence(...items);
}

export function parseBasicConstraints(value: Uint8Array): BasicConstraints | ProtocolError {
  const r = parseValue(value, 'basicConstraints');
  if (r instanceof ProtocolError) return r;
  const seq = r.sequence('basicConstraints');
  const first = seq.peek();
  const ca = first?.tagClass === 'universal' && first.tag === Tag.Boolean ? seq.boolean('cA') : false;
  const pathLength = seq.done ? undefined : seq.smallInteger('pathLenConstraint', 255);
  seq.end('basicConstraints');
  return done(r, pathLength === undefined ? { ca } : { ca, pathLength });
}

// ---------------------------------------------------------------- key identifiers

export function encodeSubjectKeyId(id: Uint8Array): Uint8Array {
  return der.octetString(id);
}

export function parseSubjectKeyId(value: Uint8Array): Uint8Array | ProtocolError {
  const r = parseValue(value, 'subjectKeyIdentifier');
  if (r instanceof ProtocolError) return r;
  const id = r.octetString('subjectKeyIdentifier');
  return done(r, id);
}

export function encodeAuthorityKeyId(keyId: Uint8Array): Uint8Array {
  return der.sequence(der.contextPrimitive(0, keyId));
}

/** The keyIdentifier of an AuthorityKeyIdentifier (issuer name and serial are skipped). */
export function parseAuthorityKeyId(value: Uint8Array): Uint8Array | undefined | ProtocolError {
  const r = parseValue(value, 'authorityKeyIdentifier');
  if (r instanceof ProtocolError) return r;
  const seq = r.sequence('authorityKeyIdentifier');
  const keyId = seq.optionalContext(0);
  seq.optionalContext(1);
  seq.optionalContext(2);
  seq.end('authorityKeyIdentifier');
  if (keyId?.constructed) seq.fail('bad-extension', 'authorityKeyIdentifier keyIdentifier must be primitive');
  return done(r, keyId?.content);
}

/** Extensions this code understands (so a critical one of them is processed, not rejected). */
export const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  Oid.subjectAltName,
  Oid.keyUsage,
  Oid.extKeyUsage,
  Oid.basicConstraints,
  Oid.subjectKeyIdentifier,
  Oid.authorityKeyIdentifier,
]);
