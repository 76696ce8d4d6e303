/** ARP (RFC 826) for Ethernet/IPv4. */
import { parseArp } from '../../internet/arp.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { formatMac } from '../../link/mac-address.ts';
import type { DissectionBuilder } from './builder.ts';
import { field } from './types.ts';

export function dissectArp(b: DissectionBuilder, at: number): void {
  const bytes = b.frame.subarray(at);
  const p = parseArp(bytes);
  if (p instanceof ProtocolError) {
    b.addMalformed(
      { protocol: 'ARP', title: 'Address Resolution Protocol', offset: at, length: bytes.length },
      p.message,
    );
    return;
  }
  const request = p.op === 1;
  const sip = formatIpv4Address(p.senderIp);
  const tip = formatIpv4Address(p.targetIp);
  const gratuitous = p.senderIp === p.targetIp;
  const info = gratuitous
    ? `Gratuitous ARP for ${sip} (${request ? 'Request' : 'Reply'})`
    : request
      ? `Who has ${tip}? Tell ${sip}`
      : `${sip} is at ${formatMac(p.senderMac)}`;
  b.add(
    {
      protocol: 'ARP',
      title: `Address Resolution Protocol (${request ? 'request' : 'reply'}${gratuitous ? '/gratuitous ARP' : ''})`,
      offset: at,
      length: 28,
      fields: [
        field('Hardware type', 'Ethernet (1)', at, 2),
        field('Protocol type', 'IPv4 (0x0800)', at + 2, 2),
        field('Hardware size', 6, at + 4, 1),
        field('Protocol size', 4, at + 5, 1),
        field('Opcode', `${request ? 'request' : 'reply'} (${p.op})`, at + 6, 2),
        field('Sender MAC address', formatMac(p.senderMac), at + 8, 6),
        field('Sender IP address', sip, at + 14, 4),
        field('Target MAC address', formatMac(p.targetMac), at + 18, 6),
        field('Target IP address', tip, at + 24, 4),
      ],
      decoded: { kind: 'arp', op: p.op, senderIp: p.senderIp, senderMac: p.senderMac, targetIp: p.targetIp },
    },
    info,
  );
}
