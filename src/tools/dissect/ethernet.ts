/** Ethernet II: destination, source, type — then the payload's dissector by EtherType. */
import { EtherType } from '../../link/ethernet.ts';
import { formatMac, isGroupMac, readMac } from '../../link/mac-address.ts';
import { dissectArp } from './arp.ts';
import type { DissectionBuilder } from './builder.ts';
import { dissectIpv4 } from './ipv4.ts';
import { field, hex } from './types.ts';

const TYPE_NAMES: Record<number, string> = {
  [EtherType.IPv4]: 'IPv4',
  [EtherType.ARP]: 'ARP',
  [EtherType.IPv6]: 'IPv6',
};

export function macName(mac: number): string {
  return mac === 0xffff_ffff_ffff ? 'Broadcast (ff:ff:ff:ff:ff:ff)' : formatMac(mac);
}

export function dissectEthernet(b: DissectionBuilder): void {
  const f = b.frame;
  if (f.length < 14) {
    b.addMalformed(
      { protocol: 'ETH', title: 'Ethernet II', offset: 0, length: f.length },
      'frame shorter than 14 bytes',
    );
    return;
  }
  const dst = readMac(f, 0);
  const src = readMac(f, 6);
  const type = (f[12]! << 8) | f[13]!;
  b.source = formatMac(src);
  b.destination = isGroupMac(dst) && dst === 0xffff_ffff_ffff ? 'Broadcast' : formatMac(dst);
  const typeName = TYPE_NAMES[type];
  b.add(
    {
      protocol: 'ETH',
      title: `Ethernet II, Src: ${formatMac(src)}, Dst: ${formatMac(dst)}`,
      offset: 0,
      length: 14,
      fields: [
        field('Destination', macName(dst), 0, 6),
        field('Source', formatMac(src), 6, 6),
        field('Type', `${typeName ?? 'Unknown'} (${hex(type, 4)})`, 12, 2),
      ],
    },
    `Ethernet II, type ${hex(type, 4)}`,
  );
  if (type === EtherType.ARP) dissectArp(b, 14);
  else if (type === EtherType.IPv4) dissectIpv4(b, 14);
}
