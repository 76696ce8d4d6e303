/**
 * The TCP segment an Ethernet frame carries, read just far enough to reassemble the
 * stream: IPv4 addresses (RFC 791 §3.1), ports, sequence number, flags and payload (RFC
 * 9293 §3.1). The payload ends where the IPv4 Total Length says, so the padding of a
 * short Ethernet frame is not taken for data. Fragments are not reassembled here (netlab's
 * TCP sends segments that fit the MTU); a fragment is not a segment.
 */

export interface Segment {
  /** `10.0.0.1:40000`: the sender and the receiver. */
  readonly from: string;
  readonly to: string;
  readonly seq: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

export const TCP_SYN = 0x02;
export const TCP_ACK = 0x10;

function dotted(f: Uint8Array, at: number): string {
  return `${f[at]}.${f[at + 1]}.${f[at + 2]}.${f[at + 3]}`;
}

/** The segment in `frame`, or undefined when it is not an unfragmented IPv4 TCP segment. */
export function segmentOf(frame: Uint8Array): Segment | undefined {
  if (frame.length < 14 + 20 || frame[12] !== 0x08 || frame[13] !== 0x00) return undefined;
  const ip = 14;
  if (frame[ip]! >> 4 !== 4) return undefined;
  const ihl = (frame[ip]! & 15) * 4;
  const total = (frame[ip + 2]! << 8) | frame[ip + 3]!;
  const fragment = ((frame[ip + 6]! << 8) | frame[ip + 7]!) & 0x3fff;
  if (ihl < 20 || frame[ip + 9] !== 6 || fragment !== 0) return undefined;
  const end = Math.min(frame.length, ip + total);
  const tcp = ip + ihl;
  if (tcp + 20 > end) return undefined;
  const dataOffset = (frame[tcp + 12]! >> 4) * 4;
  if (dataOffset < 20 || tcp + dataOffset > end) return undefined;
  const sport = (frame[tcp]! << 8) | frame[tcp + 1]!;
  const dport = (frame[tcp + 2]! << 8) | frame[tcp + 3]!;
  const seq =
    ((frame[tcp + 4]! << 24) | (frame[tcp + 5]! << 16) | (frame[tcp + 6]! << 8) | frame[tcp + 7]!) >>> 0;
  return {
    from: `${dotted(frame, ip + 12)}:${sport}`,
    to: `${dotted(frame, ip + 16)}:${dport}`,
    seq,
    flags: frame[tcp + 13]!,
    payload: frame.subarray(tcp + dataOffset, end),
  };
}
