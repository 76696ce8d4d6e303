/**
 * Header names seen in nearly every message, as an immutable lookup table: the parser
 * finds a name here by its bytes and reuses the strings (as sent, and lower-cased) instead
 * of building two new ones per field line. Names not in the table are decoded normally.
 * The table is fixed at load time: no state is shared between parsers.
 */

const NAMES = [
  'Host',
  'User-Agent',
  'Accept',
  'Accept-Encoding',
  'Accept-Language',
  'Accept-Ranges',
  'Connection',
  'Content-Length',
  'Content-Type',
  'Content-Encoding',
  'Transfer-Encoding',
  'Date',
  'Server',
  'Last-Modified',
  'ETag',
  'Etag',
  'Cache-Control',
  'Expires',
  'Pragma',
  'Referer',
  'Origin',
  'Cookie',
  'Set-Cookie',
  'Location',
  'Vary',
  'Upgrade',
  'Upgrade-Insecure-Requests',
  'Expect',
  'Keep-Alive',
  'If-None-Match',
  'If-Modified-Since',
  'Authorization',
  'Content-type',
  'Sec-Fetch-Site',
  'Sec-Fetch-Mode',
  'Sec-Fetch-Dest',
  'Sec-Fetch-User',
  'sec-ch-ua',
  'sec-ch-ua-mobile',
  'sec-ch-ua-platform',
  'DNT',
  'X-Forwarded-For',
  'X-Requested-With',
  'Priority',
  'Trailer',
];

export interface KnownName {
  readonly bytes: Uint8Array;
  readonly name: string;
  readonly key: string;
}

/** The hash the parser computes while scanning a name: h = h * 31 + byte, 32 bits. */
export function nameHash(bytes: Uint8Array, start: number, end: number): number {
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + bytes[i]!) | 0;
  return h;
}

/** Hash -> the names with that hash (almost always one). */
export const KNOWN_NAMES: ReadonlyMap<number, readonly KnownName[]> = (() => {
  const map = new Map<number, KnownName[]>();
  const enc = new TextEncoder();
  const add = (name: string) => {
    const bytes = enc.encode(name);
    const h = nameHash(bytes, 0, bytes.length);
    const list = map.get(h) ?? [];
    if (list.some((k) => k.name === name)) return;
    list.push({ bytes, name, key: name.toLowerCase() });
    map.set(h, list);
  };
  for (const n of NAMES) {
    add(n);
    add(n.toLowerCase());
  }
  return map;
})();

/** The known name spelled exactly as bytes[start..end), if any. */
export function knownName(
  bytes: Uint8Array,
  start: number,
  end: number,
  hash: number,
): KnownName | undefined {
  const list = KNOWN_NAMES.get(hash);
  if (!list) return undefined;
  const n = end - start;
  outer: for (const k of list) {
    if (k.bytes.length !== n) continue;
    for (let i = 0; i < n; i++) if (k.bytes[i] !== bytes[start + i]) continue outer;
    return k;
  }
  return undefined;
}
