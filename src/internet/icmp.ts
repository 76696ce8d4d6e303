/**
 * ICMP messages for IPv4 (RFC 792): echo request and reply (what ping sends), destination
 * unreachable with the next-hop MTU of "fragmentation needed" (RFC 1191 §4), and time
 * exceeded (what traceroute listens for). Other types are kept as raw `other` messages so
 * they survive a parse/serialize round trip.
 *
 * `quoteOriginal` picks how much of an offending datagram an error message quotes: as
 * much as keeps the error's own IP datagram within 576 bytes (RFC 1812 §4.3.2.3), which
 * is more than RFC 792's "internet header + 64 bits" minimum.
 *
 * Left out: the RFC 4884 extension structure (its length byte in destination unreachable
 * and time exceeded is not read; those unused bytes are written as zero), redirect,
 * parameter problem and timestamp decoding (they come out as `other`).
 */
import { checkFieldRange } from '../bytes/field-range.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { internetChecksum } from './checksum.ts';

/** ICMP type numbers (RFC 792, IANA "ICMP Type Numbers"). */
export const IcmpType = {
  EchoReply: 0,
  DestinationUnreachable: 3,
  Redirect: 5,
  EchoRequest: 8,
  TimeExceeded: 11,
  ParameterProblem: 12,
} as const;

/** Destination unreachable codes (RFC 792, RFC 1812 §5.2.7.1 for 13). */
export const UnreachableCode = {
  Net: 0,
  Host: 1,
  Protocol: 2,
  Port: 3,
  FragmentationNeeded: 4,
  AdminProhibited: 13,
} as const;

/** Time exceeded codes (RFC 792). */
export const TimeExceededCode = {
  /** TTL reached 0 in transit: what traceroute counts on. */
  Ttl: 0,
  /** A host gave up reassembling a fragmented datagram. */
  Reassembly: 1,
} as const;

export const ICMP_HEADER_LENGTH = 8;
/** The datagram size every host must accept (RFC 791 §3.1), the cap for ICMP errors (RFC 1812 §4.3.2.3). */
export const ICMP_ERROR_MAX_DATAGRAM = 576;

export interface IcmpEcho {
  readonly kind: 'echo-request' | 'echo-reply';
  readonly identifier: number;
  readonly sequence: number;
  /** A view into the parsed bytes. */
  readonly data: Uint8Array;
}

export interface IcmpDestinationUnreachable {
  readonly kind: 'destination-unreachable';
  readonly code: number;
  /** The next-hop MTU (RFC 1191 §4); meaningful for code 4, 0 otherwise. */
  readonly nextHopMtu: number;
  /** The quoted start of the offending datagram (its IP header first). */
  readonly original: Uint8Array;
}

export interface IcmpTimeExceeded {
  readonly kind: 'time-exceeded';
  readonly code: number;
  readonly original: Uint8Array;
}

export interface IcmpOther {
  readonly kind: 'other';
  readonly type: number;
  readonly code: number;
  /** Everything after the checksum (at least 4 bytes on the wire). */
  readonly rest: Uint8Array;
}

export type IcmpMessage = IcmpEcho | IcmpDestinationUnreachable | IcmpTimeExceeded | IcmpOther;

/**
 * Parses an ICMP message (the IPv4 payload) and verifies its checksum, which covers the
 * whole message (RFC 792). Errors: 'truncated' (under 8 bytes), 'bad-checksum'. Echo
 * messages with a non-zero code, which RFC 792 does not define, come out as `other`.
 */
export function parseIcmp(bytes: Uint8Array): IcmpMessage | ProtocolError {
  if (bytes.length < ICMP_HEADER_LENGTH) {
    return new ProtocolError(
      'icmp',
      'truncated',
      `${bytes.length} bytes is shorter than the 8-byte header`,
      0,
    );
  }
  if (internetChecksum(bytes) !== 0) {
    return new ProtocolError('icmp', 'bad-checksum', 'checksum does not verify', 2);
  }
  const type = bytes[0]!;
  const code = bytes[1]!;
  switch (type) {
    case IcmpType.EchoRequest:
    case IcmpType.EchoReply:
      if (code !== 0) break;
      return {
        kind: type === IcmpType.EchoRequest ? 'echo-request' : 'echo-reply',
        identifier: (bytes[4]! << 8) | bytes[5]!,
        sequence: (bytes[6]! << 8) | bytes[7]!,
        data: bytes.subarray(ICMP_HEADER_LENGTH),
      };
    case IcmpType.DestinationUnreachable:
      return {
        kind: 'destination-unreachable',
        code,
        nextHopMtu: (bytes[6]! << 8) | bytes[7]!,
        original: bytes.subarray(ICMP_HEADER_LENGTH),
      };
    case IcmpType.TimeExceeded:
      return { kind: 'time-exceeded', code, original: bytes.subarray(ICMP_HEADER_LENGTH) };
  }
  return { kind: 'other', type, code, rest: bytes.subarray(4) };
}

/**
 * A new message with its checksum. Throws NetlabError('bad-icmp') for out-of-range fields
 * or an `other` whose `rest` is shorter than the 4 bytes every ICMP header has.
 */
export function serializeIcmp(msg: IcmpMessage): Uint8Array {
  let out: Uint8Array;
  switch (msg.kind) {
    case 'echo-request':
    case 'echo-reply':
      checkFieldRange('bad-icmp', 'identifier', msg.identifier, 0xffff);
      checkFieldRange('bad-icmp', 'sequence', msg.sequence, 0xffff);
      out = new Uint8Array(ICMP_HEADER_LENGTH + msg.data.length);
      out[0] = msg.kind === 'echo-request' ? IcmpType.EchoRequest : IcmpType.EchoReply;
      out[4] = msg.identifier >> 8;
      out[5] = msg.identifier & 0xff;
      out[6] = msg.sequence >> 8;
      out[7] = msg.sequence & 0xff;
      out.set(msg.data, ICMP_HEADER_LENGTH);
      break;
    case 'destination-unreachable':
      checkFieldRange('bad-icmp', 'code', msg.code, 0xff);
      checkFieldRange('bad-icmp', 'nextHopMtu', msg.nextHopMtu, 0xffff);
      out = new Uint8Array(ICMP_HEADER_LENGTH + msg.original.length);
      out[0] = IcmpType.DestinationUnreachable;
      out[1] = msg.code;
      out[6] = msg.nextHopMtu >> 8;
      out[7] = msg.nextHopMtu & 0xff;
      out.set(msg.original, ICMP_HEADER_LENGTH);
      break;
    case 'time-exceeded':
      checkFieldRange('bad-icmp', 'code', msg.code, 0xff);
      out = new Uint8Array(ICMP_HEADER_LENGTH + msg.original.length);
      out[0] = IcmpType.TimeExceeded;
      out[1] = msg.code;
      out.set(msg.original, ICMP_HEADER_LENGTH);
      break;
    case 'other':
      checkFieldRange('bad-icmp', 'type', msg.type, 0xff);
      checkFieldRange('bad-icmp', 'code', msg.code, 0xff);
      if (msg.rest.length < 4)
        throw new NetlabError('bad-icmp', 'an ICMP message has at least 4 bytes after the checksum');
      out = new Uint8Array(4 + msg.rest.length);
      out[0] = msg.type;
      out[1] = msg.code;
      out.set(msg.rest, 4);
      break;
  }
  const checksum = internetChecksum(out);
  out[2] = checksum >> 8;
  out[3] = checksum & 0xff;
  return out;
}

/**
 * The part of an offending datagram to quote in an ICMP error: its start, as long as the
 * error's IP datagram (20-byte header, 8-byte ICMP header, quote) stays within `maxTotal`
 * bytes (RFC 1812 §4.3.2.3; 548 bytes for the default 576). Bytes beyond the datagram's
 * Total Length (link padding) are never quoted. Returns a view; throws
 * NetlabError('bad-icmp') for a `maxTotal` below 68 (RFC 791's minimum datagram).
 */
export function quoteOriginal(ipPacketBytes: Uint8Array, maxTotal = ICMP_ERROR_MAX_DATAGRAM): Uint8Array {
  if (!Number.isInteger(maxTotal) || maxTotal < 68) {
    throw new NetlabError('bad-icmp', `maxTotal must be an integer of at least 68, got ${maxTotal}`);
  }
  let length = ipPacketBytes.length;
  if (length >= 4 && ipPacketBytes[0]! >> 4 === 4) {
    const totalLength = (ipPacketBytes[2]! << 8) | ipPacketBytes[3]!;
    // A bogus Total Length below the header's own size is ignored: quote what there is.
    if (totalLength >= (ipPacketBytes[0]! & 0x0f) * 4 && totalLength < length) length = totalLength;
  }
  return ipPacketBytes.subarray(0, Math.min(length, maxTotal - 20 - ICMP_HEADER_LENGTH));
}
