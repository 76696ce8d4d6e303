/**
 * The character classes of HTTP's grammar (RFC 9110 §5.6, RFC 9112 §2), as one 256-entry
 * table so that parsers and serialisers check a byte with one lookup.
 *
 * - tchar: the characters of a token (method, field name, transfer coding):
 *   "!" / "#" / "$" / "%" / "&" / "'" / "*" / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
 *   / DIGIT / ALPHA (RFC 9110 §5.6.2).
 * - field-vchar: VCHAR / obs-text (0x21-0x7E, 0x80-0xFF), what a field value is made of,
 *   with SP and HTAB allowed between them (RFC 9110 §5.5).
 * - target: what a request-target may contain on the wire: visible ASCII only
 *   (RFC 9112 §3.2; anything else must be percent-encoded).
 *
 * Field values are octets; netlab holds them as "binary strings" (one char per octet,
 * U+0000-U+00FF), which is what `latin1()` decodes and `writeLatin1()` encodes.
 */

export const TCHAR = 1;
export const FIELD_VCHAR = 2;
export const WHITESPACE = 4;
export const TARGET_CHAR = 8;
export const DIGIT = 16;
export const HEXDIG = 32;

/** Bit flags per octet. */
export const CHAR_CLASS: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const tokenSpecials = "!#$%&'*+-.^_`|~";
  for (let c = 0; c < 256; c++) {
    let f = 0;
    const isAlpha = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    const isDigit = c >= 0x30 && c <= 0x39;
    if (isAlpha || isDigit || tokenSpecials.includes(String.fromCharCode(c))) f |= TCHAR;
    if ((c >= 0x21 && c <= 0x7e) || c >= 0x80) f |= FIELD_VCHAR;
    if (c === 0x20 || c === 0x09) f |= WHITESPACE;
    if (c >= 0x21 && c <= 0x7e) f |= TARGET_CHAR;
    if (isDigit) f |= DIGIT | HEXDIG;
    if ((c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) f |= HEXDIG;
    t[c] = f;
  }
  return t;
})();

/** Whether `text` is a non-empty token (RFC 9110 §5.6.2). */
export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || (CHAR_CLASS[c]! & TCHAR) === 0) return false;
  }
  return true;
}

/**
 * Whether `text` may be sent as a field value: field-vchar, SP and HTAB only, neither
 * starting nor ending with whitespace (RFC 9110 §5.5). This is what keeps a header value
 * from smuggling a CRLF into the message.
 */
export function isFieldValue(text: string): boolean {
  const n = text.length;
  if (n === 0) return true;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || (CHAR_CLASS[c]! & (FIELD_VCHAR | WHITESPACE)) === 0) return false;
  }
  return !isWhitespaceCode(text.charCodeAt(0)) && !isWhitespaceCode(text.charCodeAt(n - 1));
}

function isWhitespaceCode(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Whether `text` may be sent as a request-target (visible ASCII, non-empty). */
export function isTargetText(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7e || (CHAR_CLASS[c]! & TARGET_CHAR) === 0) return false;
  }
  return true;
}

/** Whether `text` may be sent as a reason-phrase: HTAB / SP / VCHAR / obs-text (RFC 9112 §4). */
export function isReasonText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || (CHAR_CLASS[c]! & (FIELD_VCHAR | WHITESPACE)) === 0) return false;
  }
  return true;
}

/** Octets `start..end` of `bytes` as a binary string (one char per octet). */
export function latin1(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= 0) return '';
  if (n <= 4096) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let out = '';
  for (let i = start; i < end; i += 4096) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(end, i + 4096)) as unknown as number[]);
  }
  return out;
}

/** Writes a binary string's chars as octets at `at`; returns the offset after them. */
export function writeLatin1(out: Uint8Array, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) out[at++] = text.charCodeAt(i);
  return at;
}

/** Encodes a binary string to bytes (chars above U+00FF are a caller bug: checked first). */
export function latin1Bytes(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  writeLatin1(out, 0, text);
  return out;
}

/**
 * The elements of a comma-separated list field (RFC 9110 §5.6.1), trimmed, empty ones
 * dropped, as `#element` recipients must: `"close, , Upgrade"` -> ['close', 'Upgrade'].
 * Quoted strings are not split (a comma inside quotes is data).
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i <= value.length; i++) {
    const c = i < value.length ? value.charCodeAt(i) : 0x2c;
    if (quoted) {
      if (c === 0x5c) i++;
      else if (c === 0x22) quoted = false;
      continue;
    }
    if (c === 0x22) quoted = true;
    else if (c === 0x2c) {
      const item = value.slice(start, i).trim();
      if (item !== '') out.push(item);
      start = i + 1;
    }
  }
  return out;
}
