/**
 * Octets to and from JS strings, one character per octet (ISO-8859-1), see
 * header-field.ts. TextDecoder cannot do this: its 'latin1' label is windows-1252, which
 * maps 0x80-0x9F elsewhere.
 */

/** Largest argument list handed to String.fromCharCode at once (engines cap it near 65536). */
const CHUNK = 8192;

/** The string whose character codes are `bytes[start..end)`. */
export function octetsToString(bytes: Uint8Array, start: number, end: number): string {
  const n = end - start;
  if (n <= CHUNK) return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  let out = '';
  for (let at = start; at < end; at += CHUNK) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(at, Math.min(end, at + CHUNK)) as unknown as number[],
    );
  }
  return out;
}

/** Whether every character of `s` is an octet (U+0000 to U+00FF). */
export function isOctetString(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return false;
  return true;
}

/** Writes the octets of `s` into `out` at `at` (the caller checked `isOctetString`). */
export function writeOctets(s: string, out: Uint8Array, at: number): void {
  for (let i = 0; i < s.length; i++) out[at + i] = s.charCodeAt(i);
}

/** The octets of `s` as a new array (characters above U+00FF are truncated to 8 bits). */
export function stringToOctets(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  writeOctets(s, out, 0);
  return out;
}
