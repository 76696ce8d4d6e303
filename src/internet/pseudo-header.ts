/**
 * The IPv4 pseudo-header that UDP (RFC 768 "Fields: Checksum") and TCP (RFC 9293 §3.1)
 * include in their checksums: source address, destination address, a zero byte, the
 * protocol number and the transport length. It is never sent; it binds the segment to
 * the addresses it was sent between.
 *
 * Left out: the IPv6 pseudo-header (RFC 8200 §8.1).
 */
import type { Ipv4Address } from './ipv4-address.ts';

/**
 * The un-folded one's complement sum of the 12-byte pseudo-header, to pass as the
 * `initial` argument of `onesComplementSum` / `internetChecksum` in checksum.ts.
 * `length` is the transport header plus data, in bytes.
 */
export function pseudoHeaderSum(
  source: Ipv4Address,
  destination: Ipv4Address,
  protocol: number,
  length: number,
): number {
  return (
    (source >>> 16) +
    (source & 0xffff) +
    (destination >>> 16) +
    (destination & 0xffff) +
    (protocol & 0xff) +
    (length & 0xffff)
  );
}
