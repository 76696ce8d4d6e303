/**
 * TCP segments (RFC 9293 §3.1): the header of ports, sequence and acknowledgment numbers,
 * data offset, control bits, window, checksum and urgent pointer, then options
 * (tcp-options.ts) and data. The checksum covers the IPv4 pseudo-header (RFC 9293 §3.1,
 * src/internet/pseudo-header.ts), the header and the data.
 *
 * `parseTcp` returns a value with the payload as a view into the input; `writeTcp`
 * writes a segment straight into a frame buffer (the per-packet path), building the data
 * in place when it is already there.
 *
 * Left out: the urgent mechanism is parsed and written but never interpreted by netlab's
 * TCP (RFC 6093 recommends new applications not use it); the four reserved bits (which
 * include the historic NS bit) are written as zero and ignored when read.
 */
import { checkFieldRange } from '../../bytes/field-range.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { finishChecksum, onesComplementSum } from '../../internet/checksum.ts';
import type { Ipv4Address } from '../../internet/ipv4-address.ts';
import { pseudoHeaderSum } from '../../internet/pseudo-header.ts';
import {
  NO_OPTIONS,
  parseTcpOptions,
  TCP_MAX_OPTIONS_LENGTH,
  type TcpOptions,
  tcpOptionsLength,
  writeTcpOptions,
} from './tcp-options.ts';

export const TCP_HEADER_LENGTH = 20;
export const TCP_MAX_HEADER_LENGTH = 60;
export const PROTOCOL_TCP = 6;

/** Control bits (RFC 9293 §3.1; ECE and CWR from RFC 3168 §6.1). */
export const TcpFlag = {
  FIN: 0x01,
  SYN: 0x02,
  RST: 0x04,
  PSH: 0x08,
  ACK: 0x10,
  URG: 0x20,
  ECE: 0x40,
  CWR: 0x80,
} as const;

export interface TcpSegment {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly seq: number;
  /** Meaningful only with the ACK bit. */
  readonly ack: number;
  /** Data offset * 4, in bytes (20..60). */
  readonly headerLength: number;
  /** The 8 control bits (TcpFlag). */
  readonly flags: number;
  /** The Window field as sent (not yet scaled). */
  readonly window: number;
  readonly checksum: number;
  readonly urgentPointer: number;
  readonly options: TcpOptions;
  /** The data: a view into the parsed bytes. */
  readonly payload: Uint8Array;
}

/** What a sender chooses; data offset and checksum are computed. */
export interface TcpHeaderInit {
  readonly sourcePort: number;
  readonly destinationPort: number;
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly window: number;
  readonly urgentPointer?: number;
  readonly options?: TcpOptions;
}

export interface TcpInit extends TcpHeaderInit {
  readonly payload?: Uint8Array;
}

/**
 * Parses a segment (the IPv4 payload, all of it: TCP has no length field of its own).
 * When both addresses are given the checksum is verified with the pseudo-header (RFC 9293
 * §3.1; a segment that fails is discarded). Errors: 'truncated' (under 20 bytes),
 * 'bad-offset' (data offset below 5 words or past the end), 'bad-checksum', 'bad-option'.
 * Throws if only one address is given.
 */
export function parseTcp(
  bytes: Uint8Array,
  source?: Ipv4Address,
  destination?: Ipv4Address,
): TcpSegment | ProtocolError {
  if ((source === undefined) !== (destination === undefined)) {
    throw new NetlabError('bad-tcp', 'give both addresses to verify the checksum, or neither');
  }
  const n = bytes.length;
  if (n < TCP_HEADER_LENGTH) {
    return new ProtocolError('tcp', 'truncated', `${n} bytes is shorter than the 20-byte header`, 0);
  }
  const headerLength = (bytes[12]! >> 4) * 4;
  if (headerLength < TCP_HEADER_LENGTH || headerLength > n) {
    return new ProtocolError(
      'tcp',
      'bad-offset',
      `data offset ${headerLength / 4} words with ${n} bytes available`,
      12,
    );
  }
  if (source !== undefined && destination !== undefined) {
    const sum = onesComplementSum(bytes, 0, n, pseudoHeaderSum(source, destination, PROTOCOL_TCP, n));
    if (finishChecksum(sum) !== 0)
      return new ProtocolError('tcp', 'bad-checksum', 'checksum does not verify', 16);
  }
  const options =
    headerLength === TCP_HEADER_LENGTH ? NO_OPTIONS : parseTcpOptions(bytes, TCP_HEADER_LENGTH, headerLength);
  if (options instanceof ProtocolError) return options;
  return {
    sourcePort: (bytes[0]! << 8) | bytes[1]!,
    destinationPort: (bytes[2]! << 8) | bytes[3]!,
    seq: ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) >>> 0,
    ack: ((bytes[8]! << 24) | (bytes[9]! << 16) | (bytes[10]! << 8) | bytes[11]!) >>> 0,
    headerLength,
    flags: bytes[13]!,
    window: (bytes[14]! << 8) | bytes[15]!,
    checksum: (bytes[16]! << 8) | bytes[17]!,
    urgentPointer: (bytes[18]! << 8) | bytes[19]!,
    options,
    payload: bytes.subarray(headerLength),
  };
}

function check32(name: string, v: number): void {
  if (!Number.isInteger(v) || v < -0x8000_0000 || v > 0xffff_ffff)
    throw new NetlabError('bad-tcp', `${name} must be a 32-bit integer, got ${v}`);
}

/** The header length `writeTcpHeader` produces for these options. */
export function tcpHeaderLength(options: TcpOptions | undefined): number {
  return TCP_HEADER_LENGTH + (options ? tcpOptionsLength(options) : 0);
}

/**
 * Writes the header (with the checksum field zeroed) at `out[offset]`; returns its length.
 * Throws NetlabError('bad-tcp') for out-of-range fields or options over 40 bytes.
 */
export function writeTcpHeader(out: Uint8Array, offset: number, h: TcpHeaderInit): number {
  checkFieldRange('bad-tcp', 'sourcePort', h.sourcePort, 0xffff);
  checkFieldRange('bad-tcp', 'destinationPort', h.destinationPort, 0xffff);
  check32('seq', h.seq);
  check32('ack', h.ack);
  checkFieldRange('bad-tcp', 'window', h.window, 0xffff);
  const urg = h.urgentPointer ?? 0;
  checkFieldRange('bad-tcp', 'urgentPointer', urg, 0xffff);
  checkFieldRange('bad-tcp', 'flags', h.flags, 0xff);
  const options = h.options ?? NO_OPTIONS;
  const optLen = tcpOptionsLength(options);
  if (optLen > TCP_MAX_OPTIONS_LENGTH)
    throw new NetlabError('bad-tcp', `${optLen} bytes of options exceed the 40 a header can hold`);
  const hl = TCP_HEADER_LENGTH + optLen;
  if (!Number.isInteger(offset) || offset < 0 || offset + hl > out.length)
    throw new NetlabError('bad-tcp', `no room for a ${hl}-byte header at offset ${offset}`);
  out[offset] = h.sourcePort >>> 8;
  out[offset + 1] = h.sourcePort & 0xff;
  out[offset + 2] = h.destinationPort >>> 8;
  out[offset + 3] = h.destinationPort & 0xff;
  const seq = h.seq >>> 0;
  out[offset + 4] = seq >>> 24;
  out[offset + 5] = (seq >>> 16) & 0xff;
  out[offset + 6] = (seq >>> 8) & 0xff;
  out[offset + 7] = seq & 0xff;
  const ack = h.ack >>> 0;
  out[offset + 8] = ack >>> 24;
  out[offset + 9] = (ack >>> 16) & 0xff;
  out[offset + 10] = (ack >>> 8) & 0xff;
  out[offset + 11] = ack & 0xff;
  out[offset + 12] = (hl / 4) << 4;
  out[offset + 13] = h.flags;
  out[offset + 14] = h.window >>> 8;
  out[offset + 15] = h.window & 0xff;
  out[offset + 16] = 0;
  out[offset + 17] = 0;
  out[offset + 18] = urg >>> 8;
  out[offset + 19] = urg & 0xff;
  if (optLen > 0) writeTcpOptions(out, offset + TCP_HEADER_LENGTH, options);
  return hl;
}

/**
 * Computes and stores the checksum of the `length`-byte segment at `out[offset]` (header
 * already written, checksum field zero).
 */
export function fillTcpChecksum(
  out: Uint8Array,
  offset: number,
  length: number,
  source: Ipv4Address,
  destination: Ipv4Address,
): void {
  const sum = onesComplementSum(
    out,
    offset,
    offset + length,
    pseudoHeaderSum(source, destination, PROTOCOL_TCP, length),
  );
  const c = finishChecksum(sum);
  out[offset + 16] = c >>> 8;
  out[offset + 17] = c & 0xff;
}

/**
 * Writes header, options and data at `out[offset]` with the checksum for these addresses;
 * returns the segment's length. Data already in place (`init.payload` is the view right
 * after the header in `out`) is not copied.
 */
export function writeTcp(
  out: Uint8Array,
  offset: number,
  init: TcpInit,
  source: Ipv4Address,
  destination: Ipv4Address,
): number {
  const hl = writeTcpHeader(out, offset, init);
  const payload = init.payload;
  const len = hl + (payload ? payload.length : 0);
  if (payload && payload.length > 0) {
    if (offset + len > out.length)
      throw new NetlabError('bad-tcp', `no room for ${len} bytes at offset ${offset}`);
    const inPlace = payload.buffer === out.buffer && payload.byteOffset === out.byteOffset + offset + hl;
    if (!inPlace) out.set(payload, offset + hl);
  }
  fillTcpChecksum(out, offset, len, source, destination);
  return len;
}

/** A new segment with its checksum computed over the pseudo-header for these addresses. */
export function serializeTcp(init: TcpInit, source: Ipv4Address, destination: Ipv4Address): Uint8Array {
  const out = new Uint8Array(tcpHeaderLength(init.options) + (init.payload?.length ?? 0));
  writeTcp(out, 0, init, source, destination);
  return out;
}

/** Flag names in header bit order (CWR first), for traces and tests; the dissector prints Wireshark's `[SYN, ACK]` order. */
export function tcpFlagNames(flags: number): string[] {
  const out: string[] = [];
  if (flags & TcpFlag.CWR) out.push('CWR');
  if (flags & TcpFlag.ECE) out.push('ECE');
  if (flags & TcpFlag.URG) out.push('URG');
  if (flags & TcpFlag.ACK) out.push('ACK');
  if (flags & TcpFlag.PSH) out.push('PSH');
  if (flags & TcpFlag.RST) out.push('RST');
  if (flags & TcpFlag.SYN) out.push('SYN');
  if (flags & TcpFlag.FIN) out.push('FIN');
  return out;
}
