/**
 * The Ethernet and IPv4 wrapping of the test frames (dns-test-frames.ts, tcp-test-frames.ts):
 * 02:00:00:00:00:01 to 02:00:00:00:00:02, an IPv4 header with TTL 64, identification 7 and
 * its checksum, and the frame padded to Ethernet's 60-byte minimum (IEEE 802.3 §3.2.8)
 * as a capture holds a short frame.
 */
import { writeIpv4Header } from '../../internet/ipv4.ts';
import { writeEthernetHeader } from '../../link/ethernet.ts';

/** An Ethernet frame carrying `segment` (UDP 17, TCP 6, ...) from `source` to `destination`. */
export function ipv4TestFrame(
  protocol: number,
  source: number,
  destination: number,
  segment: Uint8Array,
): Uint8Array {
  const frame = new Uint8Array(Math.max(60, 34 + segment.length));
  writeEthernetHeader(frame, 0x020000000002, 0x020000000001, 0x0800);
  writeIpv4Header(frame, 14, { protocol, source, destination, ttl: 64, identification: 7 }, segment.length);
  frame.set(segment, 34);
  return frame;
}
