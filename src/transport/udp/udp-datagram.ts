/**
 * UDP datagrams (RFC 768, with RFC 1122 §4.1.3): an 8-byte header of source port,
 * destination port, length and checksum, then the data. The checksum covers the IPv4
 * pseudo-header, the header and the data; 0 on the wire means "no checksum", so a
 * computed 0 is sent as 0xffff.
 *
 * Left out: UDP over IPv6 (where the checksum is mandatory), UDP-Lite (RFC 3828) and
 * jumbograms. Checksums are always sent.
 */
import { checkFieldRange } from '../../bytes/field-range.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { finishChecksum, onesComplementSum } from '../../internet/checksum.ts';
import type { Ipv4Address } from '../../internet/ipv4-address.ts';
import { pseudoHeaderSum } from '../../internet/pseudo-header.ts';

export const UDP_HEADER_LENGTH = 8;
/** The Length field is 16 bits; over IPv4 the datagram must also fit in 65535 - 20. */
export const UDP_MAX_LENGTH = 65_535;
const PROTOCOL_UDP = 17;

export interface UdpDatagram {
  readonly sourcePort: number;
  readonly destinationPort: number;
  /** Header plus data, as the Length field says. */
  readonly length: number;
  /** As found on the wire; 0 means the sender computed none. */
  readonly checksum: number;
  /** `length - 8` bytes: a view into the parsed bytes. */
  readonly payload: Uint8Array;
}

/** What a sender chooses; length and checksum are computed. */
export interface UdpInit {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly payload: Uint8Array;
}

/**
 * Parses a UDP datagram (the IPv4 payload). Bytes after Length are ignored. When both
 * addresses are given, a non-zero checksum is verified with the pseudo-header (RFC 1122
 * §4.1.3.4: a datagram with a bad checksum is discarded silently). Errors: 'truncated'
 * (under 8 bytes), 'bad-length' (Length below 8 or beyond the bytes given),
 * 'bad-checksum'. Throws if only one address is given.
 */
export function parseUdp(
  bytes: Uint8Array,
  source?: Ipv4Address,
  destination?: Ipv4Address,
): UdpDatagram | ProtocolError {
  if ((source === undefined) !== (destination === undefined)) {
    throw new NetlabError('bad-udp', 'give both addresses to verify the checksum, or neither');
  }
  if (bytes.length < UDP_HEADER_LENGTH) {
    return new ProtocolError(
      'udp',
      'truncated',
      `${bytes.length} bytes is shorter than the 8-byte header`,
      0,
    );
  }
  const length = (bytes[4]! << 8) | bytes[5]!;
  if (length < UDP_HEADER_LENGTH || length > bytes.length) {
    return new ProtocolError('udp', 'bad-length', `length ${length} with ${bytes.length} bytes available`, 4);
  }
  const checksum = (bytes[6]! << 8) | bytes[7]!;
  if (source !== undefined && destination !== undefined && checksum !== 0) {
    const sum = onesComplementSum(
      bytes,
      0,
      length,
      pseudoHeaderSum(source, destination, PROTOCOL_UDP, length),
    );
    if (finishChecksum(sum) !== 0) {
      return new ProtocolError('udp', 'bad-checksum', 'checksum does not verify', 6);
    }
  }
  return {
    sourcePort: (bytes[0]! << 8) | bytes[1]!,
    destinationPort: (bytes[2]! << 8) | bytes[3]!,
    length,
    checksum,
    payload: bytes.subarray(UDP_HEADER_LENGTH, length),
  };
}

/**
 * Writes header and data at `out[offset]` and returns the bytes written (8 + data). If
 * `init.payload` already is the view `out.subarray(offset + 8, ...)` it is not copied,
 * so a sender can build the data in place first. Throws NetlabError('bad-udp') for a bad
 * port, a datagram over 65535 bytes, or too little room in `out`.
 */
export function writeUdp(
  out: Uint8Array,
  offset: number,
  init: UdpInit,
  source: Ipv4Address,
  destination: Ipv4Address,
): number {
  checkFieldRange('bad-udp', 'sourcePort', init.sourcePort, 0xffff);
  checkFieldRange('bad-udp', 'destinationPort', init.destinationPort, 0xffff);
  const payload = init.payload;
  const length = UDP_HEADER_LENGTH + payload.length;
  if (length > UDP_MAX_LENGTH)
    throw new NetlabError('bad-udp', `a datagram of ${length} bytes exceeds 65535`);
  if (!Number.isInteger(offset) || offset < 0 || offset + length > out.length) {
    throw new NetlabError('bad-udp', `no room for ${length} bytes at offset ${offset}`);
  }
  const inPlace =
    payload.buffer === out.buffer && payload.byteOffset === out.byteOffset + offset + UDP_HEADER_LENGTH;
  if (!inPlace) out.set(payload, offset + UDP_HEADER_LENGTH);
  out[offset] = init.sourcePort >> 8;
  out[offset + 1] = init.sourcePort & 0xff;
  out[offset + 2] = init.destinationPort >> 8;
  out[offset + 3] = init.destinationPort & 0xff;
  out[offset + 4] = length >> 8;
  out[offset + 5] = length & 0xff;
  out[offset + 6] = 0;
  out[offset + 7] = 0;
  const sum = onesComplementSum(
    out,
    offset,
    offset + length,
    pseudoHeaderSum(source, destination, PROTOCOL_UDP, length),
  );
  // RFC 768: "If the computed checksum is zero, it is transmitted as all ones".
  const checksum = finishChecksum(sum) || 0xffff;
  out[offset + 6] = checksum >> 8;
  out[offset + 7] = checksum & 0xff;
  return length;
}

/** A new datagram with its checksum computed over the pseudo-header for these addresses. */
export function serializeUdp(init: UdpInit, source: Ipv4Address, destination: Ipv4Address): Uint8Array {
  const out = new Uint8Array(UDP_HEADER_LENGTH + init.payload.length);
  writeUdp(out, 0, init, source, destination);
  return out;
}
