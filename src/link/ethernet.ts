/**
 * Ethernet II framing (IEEE 802.3 clause 3, "DIX" type field).
 *
 * A frame on a simulated link is exactly what a capture shows: destination MAC, source
 * MAC, EtherType, payload, padded with zeros to the 60-byte minimum. The 4-byte FCS, the
 * preamble and the inter-frame gap are not in the bytes (pcap LINKTYPE_ETHERNET carries
 * no FCS) but are counted in the time a frame occupies the wire: see `wireBytes`.
 *
 * Left out: 802.1Q VLAN tags and 802.3 length/LLC frames (a type field below 0x0600 is
 * reported as `unsupported`).
 */
import { ProtocolError } from '../bytes/protocol-error.ts';
import { type MacAddress, readMac, writeMac } from './mac-address.ts';

export const ETHERNET_HEADER_LENGTH = 14;
/** Minimum frame length without the FCS (64 with it). */
export const ETHERNET_MIN_FRAME = 60;
/** Largest frame for a 1500-byte MTU, without FCS. */
export const ETHERNET_MAX_FRAME = 1514;
/**
 * Bytes a frame costs on the wire beyond its captured bytes: FCS 4, preamble 7, start
 * delimiter 1, inter-frame gap 12 (IEEE 802.3 §4.4.2). This is why TCP over gigabit
 * Ethernet tops out near 941 Mbit/s of goodput.
 */
export const ETHERNET_WIRE_OVERHEAD = 24;

export const EtherType = {
  IPv4: 0x0800,
  ARP: 0x0806,
  IPv6: 0x86dd,
} as const;

export interface EthernetFrame {
  readonly destination: MacAddress;
  readonly source: MacAddress;
  readonly etherType: number;
  /** A view into the frame: includes any padding after the upper layer's own length. */
  readonly payload: Uint8Array;
}

export function parseEthernet(bytes: Uint8Array): EthernetFrame | ProtocolError {
  if (bytes.length < ETHERNET_HEADER_LENGTH) {
    return new ProtocolError(
      'ethernet',
      'truncated',
      `frame of ${bytes.length} bytes is shorter than the 14-byte header`,
      0,
    );
  }
  const etherType = (bytes[12]! << 8) | bytes[13]!;
  if (etherType < 0x0600) {
    return new ProtocolError(
      'ethernet',
      'unsupported',
      `802.3 length field ${etherType} (only Ethernet II is supported)`,
      12,
    );
  }
  return {
    destination: readMac(bytes, 0),
    source: readMac(bytes, 6),
    etherType,
    payload: bytes.subarray(ETHERNET_HEADER_LENGTH),
  };
}

/** Writes the 14-byte header at the start of `frame`. */
export function writeEthernetHeader(
  frame: Uint8Array,
  destination: MacAddress,
  source: MacAddress,
  etherType: number,
): void {
  writeMac(frame, 0, destination);
  writeMac(frame, 6, source);
  frame[12] = etherType >>> 8;
  frame[13] = etherType & 0xff;
}

/** A new frame, padded with zeros to the 60-byte minimum. */
export function serializeEthernet(frame: EthernetFrame): Uint8Array {
  const len = Math.max(ETHERNET_MIN_FRAME, ETHERNET_HEADER_LENGTH + frame.payload.length);
  const out = new Uint8Array(len);
  writeEthernetHeader(out, frame.destination, frame.source, frame.etherType);
  out.set(frame.payload, ETHERNET_HEADER_LENGTH);
  return out;
}

/** Bytes the frame occupies on the wire, for serialisation delay: padded length plus overhead. */
export function wireBytes(frameLength: number): number {
  return Math.max(frameLength, ETHERNET_MIN_FRAME) + ETHERNET_WIRE_OVERHEAD;
}

/** Quick accessors for the per-frame path (no allocation). */
export function frameDestination(frame: Uint8Array): MacAddress {
  return readMac(frame, 0);
}
export function frameEtherType(frame: Uint8Array): number {
  return (frame[12]! << 8) | frame[13]!;
}
