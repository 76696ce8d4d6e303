/**
 * The header fields the display filter and the sequence view test, read straight from a
 * frame's bytes into one reusable record: no allocation per packet, so filtering a
 * million stored frames takes a fraction of a second. The full layered decode with every
 * field located in the bytes is the dissector's job (src/tools/dissect); this reads only
 * what a filter can name, and marks a layer absent when its header is cut short.
 *
 * Above TCP, the application protocol and its decoded values come from the dissector's
 * own decisions (src/tools/dissect/tcp-payload.ts), asked only when a filter names them
 * (`appProtocol`, `appLayer`) and kept for the packet being tested, so a filter on
 * `ip.addr` pays nothing for them and `tls` and the packet list's Protocol column agree.
 */
import {
  type AppProtocol,
  appProtocolOf,
  type Decoded,
  decodeTcpPayload,
} from '../../../src/tools/dissect/index.ts';

export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_ARP = 0x0806;
export const PROTO_ICMP = 1;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export interface PacketFields {
  /** Layers present (the header was long enough to read). */
  eth: boolean;
  arp: boolean;
  ip: boolean;
  icmp: boolean;
  udp: boolean;
  tcp: boolean;
  frameLength: number;
  ethSrc: number;
  ethDst: number;
  ethType: number;
  arpOp: number;
  arpSenderMac: number;
  arpSenderIp: number;
  arpTargetMac: number;
  arpTargetIp: number;
  ipSrc: number;
  ipDst: number;
  ipProto: number;
  ipTtl: number;
  ipId: number;
  ipLength: number;
  ipHeaderLength: number;
  ipDf: boolean;
  ipMf: boolean;
  /** Fragment offset in bytes. */
  ipFragOffset: number;
  icmpType: number;
  icmpCode: number;
  icmpIdent: number;
  icmpSeq: number;
  srcPort: number;
  dstPort: number;
  udpLength: number;
  tcpSeq: number;
  tcpAck: number;
  tcpFlags: number;
  tcpWindow: number;
  /** TCP payload bytes in this segment. */
  tcpLength: number;
  /** Offset of the transport payload in the frame (UDP data, TCP data), or -1. */
  payloadOffset: number;
  payloadLength: number;
  /** The frame read (a view: valid while the caller keeps it). */
  frame: Uint8Array;
  /** Cache of `appProtocol` and `appLayer` for this frame. */
  appAsked: boolean;
  app: AppProtocol | undefined;
  layerAsked: boolean;
  layer: Decoded | undefined;
}

const NO_FRAME = new Uint8Array(0);

export function emptyFields(): PacketFields {
  return {
    eth: false,
    arp: false,
    ip: false,
    icmp: false,
    udp: false,
    tcp: false,
    frameLength: 0,
    ethSrc: 0,
    ethDst: 0,
    ethType: 0,
    arpOp: 0,
    arpSenderMac: 0,
    arpSenderIp: 0,
    arpTargetMac: 0,
    arpTargetIp: 0,
    ipSrc: 0,
    ipDst: 0,
    ipProto: 0,
    ipTtl: 0,
    ipId: 0,
    ipLength: 0,
    ipHeaderLength: 0,
    ipDf: false,
    ipMf: false,
    ipFragOffset: 0,
    icmpType: 0,
    icmpCode: 0,
    icmpIdent: 0,
    icmpSeq: 0,
    srcPort: 0,
    dstPort: 0,
    udpLength: 0,
    tcpSeq: 0,
    tcpAck: 0,
    tcpFlags: 0,
    tcpWindow: 0,
    tcpLength: 0,
    payloadOffset: -1,
    payloadLength: 0,
    frame: NO_FRAME,
    appAsked: false,
    app: undefined,
    layerAsked: false,
    layer: undefined,
  };
}

/** The application protocol the dissector finds in the TCP payload (undefined for none). */
export function appProtocol(p: PacketFields): AppProtocol | undefined {
  if (!p.appAsked) {
    p.appAsked = true;
    p.app =
      p.tcp && p.payloadLength > 0
        ? appProtocolOf(p.frame, p.payloadOffset, p.payloadOffset + p.payloadLength, p.srcPort, p.dstPort)
        : undefined;
  }
  return p.app;
}

/** The decoded application layer of the TCP payload (TLS records, HTTP messages, HTTP/2 frames). */
export function appLayer(p: PacketFields): Decoded | undefined {
  if (!p.layerAsked) {
    p.layerAsked = true;
    p.layer =
      appProtocol(p) === undefined
        ? undefined
        : decodeTcpPayload(p.frame, p.payloadOffset, p.payloadOffset + p.payloadLength, p.srcPort, p.dstPort);
  }
  return p.layer;
}

const u16 = (f: Uint8Array, o: number) => (f[o]! << 8) | f[o + 1]!;
const u32 = (f: Uint8Array, o: number) =>
  ((f[o]! << 24) | (f[o + 1]! << 16) | (f[o + 2]! << 8) | f[o + 3]!) >>> 0;
const mac = (f: Uint8Array, o: number) => u16(f, o) * 2 ** 32 + u32(f, o + 2);

/** Fills `out` from `frame` (Ethernet II) and returns it. Never throws. */
export function readPacketFields(frame: Uint8Array, out: PacketFields): PacketFields {
  out.eth = out.arp = out.ip = out.icmp = out.udp = out.tcp = false;
  out.appAsked = out.layerAsked = false;
  out.frame = frame;
  out.frameLength = frame.length;
  out.payloadOffset = -1;
  out.payloadLength = 0;
  if (frame.length < 14) return out;
  out.eth = true;
  out.ethDst = mac(frame, 0);
  out.ethSrc = mac(frame, 6);
  out.ethType = u16(frame, 12);
  if (out.ethType === ETHERTYPE_ARP) {
    if (frame.length < 14 + 28) return out;
    out.arp = true;
    out.arpOp = u16(frame, 20);
    out.arpSenderMac = mac(frame, 22);
    out.arpSenderIp = u32(frame, 28);
    out.arpTargetMac = mac(frame, 32);
    out.arpTargetIp = u32(frame, 38);
    return out;
  }
  if (out.ethType !== ETHERTYPE_IPV4 || frame.length < 34) return out;
  const ihl = (frame[14]! & 15) * 4;
  if (frame[14]! >> 4 !== 4 || ihl < 20 || frame.length < 14 + ihl) return out;
  out.ip = true;
  out.ipHeaderLength = ihl;
  out.ipLength = u16(frame, 16);
  out.ipId = u16(frame, 18);
  const ff = u16(frame, 20);
  out.ipDf = (ff & 0x4000) !== 0;
  out.ipMf = (ff & 0x2000) !== 0;
  out.ipFragOffset = (ff & 0x1fff) * 8;
  out.ipTtl = frame[22]!;
  out.ipProto = frame[23]!;
  out.ipSrc = u32(frame, 26);
  out.ipDst = u32(frame, 30);
  // Only the first fragment carries the transport header.
  if (out.ipFragOffset !== 0) return out;
  const at = 14 + ihl;
  const end = Math.min(frame.length, 14 + Math.max(out.ipLength, ihl));
  if (out.ipProto === PROTO_ICMP && end - at >= 8) {
    out.icmp = true;
    out.icmpType = frame[at]!;
    out.icmpCode = frame[at + 1]!;
    out.icmpIdent = u16(frame, at + 4);
    out.icmpSeq = u16(frame, at + 6);
  } else if (out.ipProto === PROTO_UDP && end - at >= 8) {
    out.udp = true;
    out.srcPort = u16(frame, at);
    out.dstPort = u16(frame, at + 2);
    out.udpLength = u16(frame, at + 4);
    out.payloadOffset = at + 8;
    out.payloadLength = Math.max(0, end - at - 8);
  } else if (out.ipProto === PROTO_TCP && end - at >= 20) {
    const dataOffset = (frame[at + 12]! >> 4) * 4;
    if (dataOffset < 20 || at + dataOffset > end) return out;
    out.tcp = true;
    out.srcPort = u16(frame, at);
    out.dstPort = u16(frame, at + 2);
    out.tcpSeq = u32(frame, at + 4);
    out.tcpAck = u32(frame, at + 8);
    out.tcpFlags = frame[at + 13]!;
    out.tcpWindow = u16(frame, at + 14);
    out.payloadOffset = at + dataOffset;
    out.tcpLength = out.payloadLength = end - at - dataOffset;
  }
  return out;
}
