/**
 * Zone master files (RFC 1035 §5.1 and §5.2, RFC 2308 §4 `$TTL`), as BIND and NSD read
 * them: `$ORIGIN`, `$TTL`, `@` for the origin, names relative to the origin, an empty
 * owner field (a line starting with white space) meaning the previous owner, TTL and
 * class in either order, parentheses continuing a record over several lines, `;`
 * comments, quoted strings with `\X` and `\DDD` escapes, BIND's TTL units (`1h30m`, `2d`,
 * `1w`), and RFC 3597's generic `TYPE99` / `\# len hex` syntax for any type.
 *
 * Errors are thrown as ZoneFileError naming the file, the line and the problem. A record
 * without an explicit TTL takes `$TTL`, else the last explicit TTL, else (as BIND does)
 * the SOA minimum.
 *
 * Left out: `$INCLUDE` and `$GENERATE` (rejected with a clear error), classes other than
 * IN, and the presentation syntax of types other than A, AAAA, NS, CNAME, PTR, MX, SOA and
 * TXT (write those in the generic `\#` form).
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { classNumber, RecordClass, RecordType, typeName, typeNumber } from './dns-constants.ts';
import type { DnsRdata, DnsRecord } from './dns-message.ts';
import { isSubdomain, labelsToName, nameLabels } from './dns-name.ts';
import { readRdata } from './dns-rdata.ts';
import { formatIpv6, parseIpv6 } from './ipv6-text.ts';

export class ZoneFileError extends NetlabError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super('zone-file', `${file}:${line}: ${problem}`, { file, line });
    this.name = 'ZoneFileError';
  }
}

interface Token {
  readonly text: string;
  readonly quoted: boolean;
  readonly line: number;
}

interface Entry {
  readonly line: number;
  /** The line began with white space: the owner is the previous one. */
  readonly blankOwner: boolean;
  readonly tokens: Token[];
}

/** The largest zone file accepted, in characters (bounds memory on hostile input). */
export const MAX_ZONE_FILE_CHARS = 16 * 1024 * 1024;

/** Splits the text into entries (one per logical line, parentheses joined). */
function tokenize(text: string, file: string): Entry[] {
  const entries: Entry[] = [];
  let line = 1;
  let depth = 0;
  let openLine = 0;
  let current: Entry | null = null;
  let atLineStart = true;
  let i = 0;
  const n = text.length;
  const fail = (l: number, msg: string) => new ZoneFileError(file, l, msg);
  const push = (t: Token) => {
    if (!current) {
      current = { line: t.line, blankOwner: false, tokens: [] };
      entries.push(current);
    }
    current.tokens.push(t);
  };
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      if (depth === 0) {
        current = null;
        atLineStart = true;
      }
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (atLineStart && depth === 0 && current === null) {
        // A record whose owner field is blank.
        let j = i;
        while (j < n && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
        if (j < n && text[j] !== '\n' && text[j] !== ';') {
          current = { line, blankOwner: true, tokens: [] };
          entries.push(current);
        }
        i = j;
        atLineStart = false;
        continue;
      }
      i++;
      continue;
    }
    atLineStart = false;
    if (c === ';') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === '(') {
      if (depth > 0) throw fail(line, 'nested parentheses');
      depth++;
      openLine = line;
      i++;
      continue;
    }
    if (c === ')') {
      if (depth === 0) throw fail(line, "')' without '('");
      depth--;
      i++;
      continue;
    }
    if (c === '"') {
      const start = line;
      let out = '';
      i++;
      for (;;) {
        if (i >= n) throw fail(start, 'unterminated quoted string');
        const d = text[i]!;
        if (d === '"') break;
        if (d === '\\' && i + 1 < n) {
          out += d + text[i + 1]!;
          if (text[i + 1] === '\n') line++;
          i += 2;
          continue;
        }
        if (d === '\n') line++;
        out += d;
        i++;
      }
      i++;
      push({ text: out, quoted: true, line: start });
      continue;
    }
    let out = '';
    while (i < n) {
      const d = text[i]!;
      if (
        d === ' ' ||
        d === '\t' ||
        d === '\r' ||
        d === '\n' ||
        d === ';' ||
        d === '(' ||
        d === ')' ||
        d === '"'
      )
        break;
      if (d === '\\' && i + 1 < n) {
        out += d + text[i + 1]!;
        i += 2;
        continue;
      }
      out += d;
      i++;
    }
    push({ text: out, quoted: false, line });
  }
  if (depth > 0) throw fail(openLine, "'(' is never closed");
  return entries;
}

const TTL_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** `3600`, `1h`, `1h30m`, `2D` -> seconds; undefined when not a TTL. */
export function parseTtl(text: string): number | undefined {
  if (/^\d+$/.test(text)) {
    const v = Number(text);
    return v <= 0xffffffff ? v : undefined;
  }
  if (!/^(\d+[smhdwSMHDW])+$/.test(text)) return undefined;
  let total = 0;
  for (const m of text.matchAll(/(\d+)([smhdwSMHDW])/g))
    total += Number(m[1]) * TTL_UNITS[m[2]!.toLowerCase()]!;
  return total <= 0xffffffff ? total : undefined;
}

/** Bytes of a character-string token, escapes resolved. */
function characterString(token: string): Uint8Array | string {
  const out: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if (c === '\\') {
      const d = /^\d{3}/.exec(token.slice(i + 1, i + 4));
      if (d) {
        if (Number(d[0]) > 255) return `bad escape \\${d[0]}`;
        out.push(Number(d[0]));
        i += 3;
        continue;
      }
      if (i + 1 >= token.length) return 'dangling backslash';
      i++;
      out.push(...utf8.encode(token[i]!));
      continue;
    }
    out.push(...utf8.encode(c));
  }
  if (out.length > 255) return `character-string of ${out.length} octets exceeds 255`;
  return Uint8Array.from(out);
}

export interface ZoneFileOptions {
  /** Origin before any `$ORIGIN` (the zone's name, as in named.conf). Default: the first `$ORIGIN`. */
  readonly origin?: string;
  /** Used in error messages. Default 'zone'. */
  readonly fileName?: string;
  /** Most records accepted. Default 100000. */
  readonly maxRecords?: number;
}

export interface ParsedZoneFile {
  /** The zone's origin (absolute). */
  readonly origin: string;
  /** Records in file order, names absolute. */
  readonly records: readonly DnsRecord[];
}

/** Reads a master file. Throws ZoneFileError. */
export function parseZoneFile(text: string, options: ZoneFileOptions = {}): ParsedZoneFile {
  const file = options.fileName ?? 'zone';
  const maxRecords = options.maxRecords ?? 100_000;
  if (text.length > MAX_ZONE_FILE_CHARS)
    throw new ZoneFileError(file, 1, `file larger than ${MAX_ZONE_FILE_CHARS} characters`);
  const entries = tokenize(text, file);
  let origin: string | undefined;
  if (options.origin !== undefined) {
    const labels = nameLabels(options.origin);
    if (typeof labels === 'string') throw new ZoneFileError(file, 1, `bad origin: ${labels}`);
    origin = labelsToName(labels);
  }
  let zoneOrigin = origin;
  let defaultTtl: number | undefined;
  let lastTtl: number | undefined;
  let soaMinimum: number | undefined;
  let lastOwner: string | undefined;
  const records: DnsRecord[] = [];

  for (const entry of entries) {
    const line = entry.line;
    const fail = (msg: string, at = line) => new ZoneFileError(file, at, msg);
    const toks = entry.tokens;
    const first = toks[0]!;

    const absolute = (token: Token): string => {
      const t = token.text;
      if (t === '@') {
        if (origin === undefined) throw fail("'@' used before any $ORIGIN", token.line);
        return origin;
      }
      const labels = nameLabels(t);
      if (typeof labels === 'string') throw fail(labels, token.line);
      const rel = labelsToName(labels);
      if (/(^|[^\\])(\\\\)*\.$/.test(t)) return rel;
      if (origin === undefined) throw fail(`relative name '${t}' before any $ORIGIN`, token.line);
      const joined = origin === '.' ? rel : `${rel}${origin}`;
      const check = nameLabels(joined);
      if (typeof check === 'string') throw fail(check, token.line);
      return joined;
    };

    if (!entry.blankOwner && !first.quoted && first.text.startsWith('$')) {
      const directive = first.text.toUpperCase();
      if (directive === '$ORIGIN') {
        if (toks.length !== 2) throw fail('$ORIGIN takes one name');
        origin = absolute(toks[1]!);
        zoneOrigin ??= origin;
      } else if (directive === '$TTL') {
        if (toks.length !== 2) throw fail('$TTL takes one value');
        const v = parseTtl(toks[1]!.text);
        if (v === undefined) throw fail(`bad TTL '${toks[1]!.text}'`);
        defaultTtl = v;
      } else if (directive === '$INCLUDE' || directive === '$GENERATE') {
        throw fail(`${first.text} is not supported; put the records in this file`);
      } else {
        throw fail(`unknown directive ${first.text}`);
      }
      continue;
    }

    let k = 0;
    let owner: string;
    if (entry.blankOwner) {
      if (lastOwner === undefined) throw fail('no owner name: the first record must name one');
      owner = lastOwner;
    } else {
      owner = absolute(toks[0]!);
      k = 1;
    }
    let ttl: number | undefined;
    let cls: number | undefined;
    for (let round = 0; round < 2 && k < toks.length; round++) {
      const t = toks[k]!;
      if (t.quoted) break;
      const asTtl = ttl === undefined ? parseTtl(t.text) : undefined;
      if (asTtl !== undefined) {
        ttl = asTtl;
        k++;
        continue;
      }
      const asClass = cls === undefined && typeNumber(t.text) === undefined ? classNumber(t.text) : undefined;
      if (asClass !== undefined) {
        cls = asClass;
        k++;
        continue;
      }
      break;
    }
    if (cls !== undefined && cls !== RecordClass.IN) throw fail('only class IN is supported');
    const typeToken = toks[k];
    if (!typeToken) throw fail('missing record type');
    const type = typeNumber(typeToken.text);
    if (type === undefined || typeToken.quoted)
      throw fail(`unknown record type '${typeToken.text}'`, typeToken.line);
    if (type === RecordType.OPT || type === RecordType.ANY || type === RecordType.AXFR)
      throw fail(`${typeName(type)} is not a record type a zone can hold`, typeToken.line);
    const rdata = toks.slice(k + 1);
    const data = readData(type, rdata, absolute, fail);
    if (data.kind === 'soa') soaMinimum = data.minimum;
    if (ttl !== undefined) lastTtl = ttl;
    const effective = ttl ?? defaultTtl ?? lastTtl ?? soaMinimum;
    if (effective === undefined) throw fail('no TTL: give one, or a $TTL line before the first record');
    if (effective > 0x7fffffff) throw fail(`TTL ${effective} exceeds 2147483647 (RFC 2181 §8)`);
    if (zoneOrigin !== undefined && !isSubdomain(owner, zoneOrigin))
      throw fail(`'${owner}' is outside the zone ${zoneOrigin}`);
    lastOwner = owner;
    records.push({ name: owner, type, class: RecordClass.IN, ttl: effective, data });
    if (records.length > maxRecords) throw fail(`more than ${maxRecords} records`);
  }
  if (zoneOrigin === undefined)
    throw new ZoneFileError(file, 1, 'no origin: give one, or start with $ORIGIN');
  return { origin: zoneOrigin, records };
}

type Fail = (msg: string, at?: number) => ZoneFileError;

function readData(type: number, toks: Token[], absolute: (t: Token) => string, fail: Fail): DnsRdata {
  const name = typeName(type);
  const line = toks[0]?.line;
  if (toks[0] && !toks[0].quoted && toks[0].text === '\\#') return generic(type, toks, fail);
  const want = (count: number) => {
    if (toks.length !== count)
      throw fail(`${name} takes ${count} field${count === 1 ? '' : 's'}, got ${toks.length}`, line);
  };
  const number = (t: Token, max: number, what: string): number => {
    const v = what === 'time' ? parseTtl(t.text) : /^\d+$/.test(t.text) ? Number(t.text) : undefined;
    if (v === undefined || v > max) throw fail(`bad ${name} ${what} '${t.text}'`, t.line);
    return v;
  };
  switch (type) {
    case RecordType.A: {
      want(1);
      const a = parseIpv4Address(toks[0]!.text);
      if (a === undefined) throw fail(`bad IPv4 address '${toks[0]!.text}'`, line);
      return { kind: 'a', address: toks[0]!.text.trim() };
    }
    case RecordType.AAAA: {
      want(1);
      const a = parseIpv6(toks[0]!.text);
      if (a === undefined) throw fail(`bad IPv6 address '${toks[0]!.text}'`, line);
      return { kind: 'aaaa', address: formatIpv6(a) };
    }
    case RecordType.NS:
    case RecordType.CNAME:
    case RecordType.PTR:
      want(1);
      return { kind: 'name', target: absolute(toks[0]!) };
    case RecordType.MX:
      want(2);
      return { kind: 'mx', preference: number(toks[0]!, 0xffff, 'preference'), exchange: absolute(toks[1]!) };
    case RecordType.SOA:
      want(7);
      return {
        kind: 'soa',
        mname: absolute(toks[0]!),
        rname: absolute(toks[1]!),
        serial: number(toks[2]!, 0xffffffff, 'serial'),
        refresh: number(toks[3]!, 0xffffffff, 'time'),
        retry: number(toks[4]!, 0xffffffff, 'time'),
        expire: number(toks[5]!, 0xffffffff, 'time'),
        minimum: number(toks[6]!, 0xffffffff, 'time'),
      };
    case RecordType.TXT: {
      if (toks.length === 0) throw fail('TXT needs at least one string', line);
      const strings: Uint8Array[] = [];
      for (const t of toks) {
        const s = characterString(t.text);
        if (typeof s === 'string') throw fail(`TXT: ${s}`, t.line);
        strings.push(s);
      }
      return { kind: 'txt', strings };
    }
  }
  throw fail(`write ${name} data in the generic form '\\# <length> <hex>' (RFC 3597)`, line);
}

function generic(type: number, toks: Token[], fail: Fail): DnsRdata {
  const line = toks[0]!.line;
  const length = toks[1] && /^\d+$/.test(toks[1].text) ? Number(toks[1].text) : undefined;
  if (length === undefined || length > 0xffff) throw fail("'\\#' must be followed by the RDATA length", line);
  const hex = toks
    .slice(2)
    .map((t) => t.text)
    .join('');
  if (!/^([0-9a-fA-F]{2})*$/.test(hex)) throw fail('generic RDATA must be hex octets', line);
  if (hex.length / 2 !== length)
    throw fail(`generic RDATA has ${hex.length / 2} octets, not ${length}`, line);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  // Known types given generically are decoded, so the zone holds one form of each.
  const data = readRdata(bytes, type, RecordClass.IN, 0, length);
  if (data instanceof ProtocolError)
    throw fail(`generic RDATA is not valid ${typeName(type)} data: ${data.message}`, line);
  if (data.kind === 'raw') return { kind: 'raw', bytes: bytes.slice() };
  return data;
}
