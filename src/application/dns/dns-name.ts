/**
 * Domain names (RFC 1035 §2.3.4, §3.1, §4.1.4; RFC 4343 case rules).
 *
 * A name is held as its presentation text, absolute, with the trailing dot
 * (`www.example.com.`; the root is `.`), in the canonical escaping BIND's dig prints:
 * the characters `" ( ) . ; \ @ $` inside a label are backslash-escaped and bytes outside
 * 0x21..0x7e are `\DDD`. Case is preserved (it is data) but never significant: compare
 * with `nameKey`.
 *
 * Wire limits: a label is 1..63 octets, a whole name at most 255 octets including the
 * length octets and the final zero. Compression pointers are read with loop protection:
 * every pointer must point strictly before the start of the segment being read, so each
 * jump goes further back and a name can never be read twice (the walk ends in at most
 * offset/2 jumps), and the 255-octet limit bounds the work.
 *
 * Left out: extended label types (RFC 6891 deprecates them; they are rejected) and
 * internationalised names (IDNA): labels are bytes, shown escaped.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';

export const MAX_LABEL_LENGTH = 63;
export const MAX_NAME_LENGTH = 255;

/** Characters BIND escapes with a backslash inside a label (dns_name_totext). */
function isSpecial(c: number): boolean {
  return (
    c === 0x22 ||
    c === 0x28 ||
    c === 0x29 ||
    c === 0x2e ||
    c === 0x3b ||
    c === 0x5c ||
    c === 0x40 ||
    c === 0x24
  );
}

/** One label's bytes as presentation text. */
export function formatLabel(bytes: Uint8Array, start = 0, end = bytes.length): string {
  let out = '';
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c > 0x20 && c < 0x7f) out += isSpecial(c) ? `\\${String.fromCharCode(c)}` : String.fromCharCode(c);
    else out += `\\${String(c).padStart(3, '0')}`;
  }
  return out;
}

/** Case-insensitive key for a name (RFC 4343: ASCII letters only fold). */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

/** Whether two names are the same name. */
export function sameName(a: string, b: string): boolean {
  return a === b || a.toLowerCase() === b.toLowerCase();
}

export type NameResult = { readonly name: string; readonly next: number };

/**
 * Reads the (possibly compressed) name at `offset` of `message`. `next` is where the
 * name ends in place (after its first pointer, or its zero octet). Errors: 'truncated',
 * 'bad-pointer' (a pointer not strictly backwards), 'bad-label-type', 'name-too-long'.
 */
export function readName(
  message: Uint8Array,
  offset: number,
  end = message.length,
): NameResult | ProtocolError {
  let pos = offset;
  let segmentStart = offset;
  let next = -1;
  let wireLength = 1;
  let out = '';
  for (;;) {
    if (pos >= end)
      return new ProtocolError('dns', 'truncated', 'name runs past the end of the message', pos);
    const len = message[pos]!;
    if (len === 0) {
      if (next < 0) next = pos + 1;
      break;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= end) return new ProtocolError('dns', 'truncated', 'compression pointer cut short', pos);
      const target = ((len & 0x3f) << 8) | message[pos + 1]!;
      if (next < 0) next = pos + 2;
      if (target >= segmentStart) {
        return new ProtocolError(
          'dns',
          'bad-pointer',
          `compression pointer to ${target} does not point before ${segmentStart} (loop or forward pointer)`,
          pos,
        );
      }
      pos = segmentStart = target;
      continue;
    }
    if (kind !== 0) {
      return new ProtocolError(
        'dns',
        'bad-label-type',
        `label type 0x${kind.toString(16)} is not supported`,
        pos,
      );
    }
    if (pos + 1 + len > end) return new ProtocolError('dns', 'truncated', 'label runs past the end', pos);
    wireLength += len + 1;
    if (wireLength > MAX_NAME_LENGTH) {
      return new ProtocolError('dns', 'name-too-long', `name longer than ${MAX_NAME_LENGTH} octets`, pos);
    }
    out += `${formatLabel(message, pos + 1, pos + 1 + len)}.`;
    pos += len + 1;
  }
  return { name: out === '' ? '.' : out, next };
}

/**
 * Splits presentation text into label bytes, resolving `\X` and `\DDD` escapes. A name
 * without the final dot is taken as absolute (relative names are the zone reader's
 * business). Returns an error message for empty labels, bad escapes and length limits.
 */
export function nameLabels(text: string): Uint8Array[] | string {
  if (text === '.' || text === '') return [];
  const labels: Uint8Array[] = [];
  let cur: number[] = [];
  let total = 1;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 0x2e) {
      if (cur.length === 0) return `empty label in '${text}'`;
      labels.push(Uint8Array.from(cur));
      total += cur.length + 1;
      cur = [];
      continue;
    }
    if (ch === 0x5c) {
      const d = /^\d{3}/.exec(text.slice(i + 1, i + 4));
      if (d) {
        const v = Number(d[0]);
        if (v > 255) return `bad escape \\${d[0]} in '${text}'`;
        cur.push(v);
        i += 3;
      } else if (i + 1 < n) {
        const e = text.charCodeAt(i + 1);
        if (e > 0xff) return `non-Latin-1 character in '${text}'`;
        cur.push(e);
        i += 1;
      } else {
        return `dangling backslash in '${text}'`;
      }
    } else {
      if (ch > 0xff) return `non-ASCII character in '${text}' (IDNA is not supported)`;
      cur.push(ch);
    }
    if (cur.length > MAX_LABEL_LENGTH) return `label longer than ${MAX_LABEL_LENGTH} octets in '${text}'`;
  }
  if (cur.length > 0) {
    labels.push(Uint8Array.from(cur));
    total += cur.length + 1;
  }
  if (total > MAX_NAME_LENGTH) return `name longer than ${MAX_NAME_LENGTH} octets: '${text}'`;
  return labels;
}

/** Canonical presentation text for labels. */
export function labelsToName(labels: readonly Uint8Array[]): string {
  if (labels.length === 0) return '.';
  let out = '';
  for (const l of labels) out += `${formatLabel(l)}.`;
  return out;
}

/**
 * The canonical absolute form of a name typed by a person or a program
 * (`Example.COM` -> `Example.COM.`). Throws NetlabError('bad-name') when it is not a name.
 */
export function canonicalName(text: string): string {
  const labels = nameLabels(text);
  if (typeof labels === 'string') throw new NetlabError('bad-name', labels);
  return labelsToName(labels);
}

/** Label count (the root has 0). */
export function labelCount(name: string): number {
  if (name === '.') return 0;
  let count = 0;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x2e) count++;
  }
  return count;
}

/** The name with its first label removed (`www.example.com.` -> `example.com.`); the root's parent is undefined. */
export function parentName(name: string): string | undefined {
  if (name === '.') return undefined;
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x2e) return i + 1 >= name.length ? '.' : name.slice(i + 1);
  }
  return '.';
}

/** Whether `name` is `ancestor` or below it (`www.example.com.` is below `com.` and `.`). */
export function isSubdomain(name: string, ancestor: string): boolean {
  if (ancestor === '.') return true;
  const n = name.toLowerCase();
  const a = ancestor.toLowerCase();
  if (n === a) return true;
  if (!n.endsWith(a) || n.length <= a.length) return false;
  // The character before the suffix must be an unescaped label separator.
  const at = n.length - a.length - 1;
  if (n.charCodeAt(at) !== 0x2e) return false;
  let backslashes = 0;
  for (let i = at - 1; i >= 0 && n.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** The ancestors of a name from itself up to the root: `a.b.` -> [`a.b.`, `b.`, `.`]. */
export function nameAndAncestors(name: string): string[] {
  const out: string[] = [];
  let cur: string | undefined = name;
  while (cur !== undefined) {
    out.push(cur);
    cur = parentName(cur);
  }
  return out;
}
