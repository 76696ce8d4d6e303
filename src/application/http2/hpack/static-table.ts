/**
 * The HPACK static table, RFC 7541 Appendix A: 61 header fields every HTTP/2 endpoint
 * knows, addressed by indexes 1 to 61. Index 0 is not used (RFC 7541 §2.3.3). Lookups for
 * the encoder (exact field, then name only) are precomputed once.
 */

/** Entries in order; `STATIC_TABLE[i - 1]` is index i. */
export const STATIC_TABLE: readonly (readonly [name: string, value: string])[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** Number of static entries; dynamic indexes start after it (RFC 7541 §2.3.3). */
export const STATIC_TABLE_LENGTH = 61;

/** name -> the entries with that name, as [value, index] in index order. */
const byName = new Map<string, [string, number][]>();
STATIC_TABLE.forEach(([name, value], i) => {
  const list = byName.get(name);
  if (list) list.push([value, i + 1]);
  else byName.set(name, [[value, i + 1]]);
});

/** The static index of exactly (name, value), or 0. */
export function staticIndexOf(name: string, value: string): number {
  const list = byName.get(name);
  if (list) for (const [v, index] of list) if (v === value) return index;
  return 0;
}

/** The lowest static index whose name is `name`, or 0. */
export function staticNameIndexOf(name: string): number {
  const list = byName.get(name);
  return list ? list[0]![1] : 0;
}

/** The static entries named `name` as [value, index] in index order, or undefined. */
export function staticEntriesNamed(name: string): readonly (readonly [string, number])[] | undefined {
  return byName.get(name);
}
