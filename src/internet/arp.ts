/**
 * ARP packets (RFC 826) for the one pairing netlab uses: Ethernet hardware addresses and
 * IPv4 protocol addresses, 28 bytes, carried in Ethernet II with EtherType 0x0806 (the
 * frame pads them to the 60-byte minimum).
 *
 * Left out: other hardware or protocol types (reported as 'unsupported'), RARP and
 * InARP opcodes (reported as 'bad-op'). Gratuitous ARP (RFC 5227 §3) is a normal request
 * or reply whose sender and target IP are the same.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { type MacAddress, readMac, writeMac } from '../link/mac-address.ts';
import { type Ipv4Address, readIpv4, writeIpv4 } from './ipv4-address.ts';

export const ArpOp = {
  Request: 1,
  Reply: 2,
} as const;
export type ArpOp = (typeof ArpOp)[keyof typeof ArpOp];

export const ARP_PACKET_LENGTH = 28;
/** ar$hrd for Ethernet (IANA "Hardware Types"). */
const HTYPE_ETHERNET = 1;
/** ar$pro: the EtherType of IPv4. */
const PTYPE_IPV4 = 0x0800;

export interface ArpPacket {
  readonly op: ArpOp;
  readonly senderMac: MacAddress;
  readonly senderIp: Ipv4Address;
  /** Ignored in a request (RFC 826 sends zeros; some stacks send the broadcast address). */
  readonly targetMac: MacAddress;
  readonly targetIp: Ipv4Address;
}

/**
 * Parses an ARP packet; bytes after the first 28 (Ethernet padding) are ignored. Errors:
 * 'truncated', 'unsupported' (not Ethernet/IPv4: hardware type 1, protocol type 0x0800,
 * address lengths 6 and 4), 'bad-op' (neither request nor reply).
 */
export function parseArp(bytes: Uint8Array): ArpPacket | ProtocolError {
  if (bytes.length < ARP_PACKET_LENGTH) {
    return new ProtocolError(
      'arp',
      'truncated',
      `${bytes.length} bytes is shorter than the 28-byte packet`,
      0,
    );
  }
  const htype = (bytes[0]! << 8) | bytes[1]!;
  const ptype = (bytes[2]! << 8) | bytes[3]!;
  if (htype !== HTYPE_ETHERNET || ptype !== PTYPE_IPV4 || bytes[4] !== 6 || bytes[5] !== 4) {
    return new ProtocolError(
      'arp',
      'unsupported',
      `hardware type ${htype} (length ${bytes[4]}), protocol type 0x${ptype.toString(16)} (length ${bytes[5]}): only Ethernet/IPv4 is supported`,
      0,
    );
  }
  const op = (bytes[6]! << 8) | bytes[7]!;
  if (op !== ArpOp.Request && op !== ArpOp.Reply) {
    return new ProtocolError('arp', 'bad-op', `opcode ${op} is neither request (1) nor reply (2)`, 6);
  }
  return {
    op,
    senderMac: readMac(bytes, 8),
    senderIp: readIpv4(bytes, 14),
    targetMac: readMac(bytes, 18),
    targetIp: readIpv4(bytes, 24),
  };
}

/** The 28-byte packet. Throws NetlabError('bad-arp') for an opcode other than 1 or 2. */
export function serializeArp(p: ArpPacket): Uint8Array {
  if (p.op !== ArpOp.Request && p.op !== ArpOp.Reply) {
    throw new NetlabError('bad-arp', `opcode must be 1 (request) or 2 (reply), got ${p.op}`);
  }
  const out = new Uint8Array(ARP_PACKET_LENGTH);
  out[1] = HTYPE_ETHERNET;
  out[2] = PTYPE_IPV4 >> 8;
  out[4] = 6;
  out[5] = 4;
  out[7] = p.op;
  writeMac(out, 8, p.senderMac);
  writeIpv4(out, 14, p.senderIp);
  writeMac(out, 18, p.targetMac);
  writeIpv4(out, 24, p.targetIp);
  return out;
}

/** A gratuitous ARP announces or defends an address: sender IP equals target IP (RFC 5227 §3). */
export function isGratuitousArp(p: ArpPacket): boolean {
  return p.senderIp >>> 0 === p.targetIp >>> 0;
}
