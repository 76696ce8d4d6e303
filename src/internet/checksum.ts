/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum
 * of the data taken as big-endian 16-bit words. IPv4, ICMP, UDP and TCP all use it.
 * Also RFC 1624's incremental update, used by routers when they decrement the TTL.
 */

/**
 * One's complement sum of `bytes[start..end)` added to `initial`, not yet folded or
 * complemented. An odd trailing byte is padded with a zero byte on the right (RFC 1071 §4.1).
 *
 * Long ranges are summed four bytes at a time through a native-order Uint32Array view:
 * the one's complement sum does not depend on byte order (RFC 1071 §2 (B)), so the
 * little-endian sum is folded and byte-swapped back. This is the per-packet cost of every
 * TCP and UDP segment, so it matters.
 */
export function onesComplementSum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  let sum = initial;
  let i = start;
  const abs = bytes.byteOffset + i;
  if (end - start >= 64 && (abs & 1) === 0 && LITTLE_ENDIAN) {
    if (abs & 2) {
      sum += (bytes[i]! << 8) | bytes[i + 1]!;
      i += 2;
    }
    const words = (end - i) >>> 2;
    const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    let le = 0;
    for (let k = 0; k < words; k++) le += view[k]!;
    i += words * 4;
    // Fold the little-endian sum to 16 bits, then swap its bytes to big-endian order.
    while (le > 0xffff) le = (le & 0xffff) + Math.floor(le / 0x10000);
    sum += ((le & 0xff) << 8) | (le >>> 8);
  }
  // Sum 16-bit words; a JS number holds the un-folded sum exactly for any realistic length.
  const evenEnd = end - ((end - i) & 1);
  for (; i < evenEnd; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Folds carries into 16 bits and complements: the value that goes in the header. */
export function finishChecksum(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** The Internet checksum of a byte range. Verifying a header that includes its checksum gives 0. */
export function internetChecksum(bytes: Uint8Array, start = 0, end = bytes.length, initial = 0): number {
  return finishChecksum(onesComplementSum(bytes, start, end, initial));
}

/**
 * RFC 1624 equation 3: the new checksum HC' = ~(~HC + ~m + m') after the 16-bit word m
 * changed to m'. Used to update the IPv4 header checksum after a TTL decrement without
 * summing the whole header again.
 */
export function updateChecksum16(checksum: number, oldWord: number, newWord: number): number {
  let sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
  sum = (sum & 0xffff) + (sum >>> 16);
  sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
