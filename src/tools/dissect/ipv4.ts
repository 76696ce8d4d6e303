/** IPv4 (RFC 791): every header field, the checksum verified, then ICMP/UDP/TCP. */
import { internetChecksum } from '../../internet/checksum.ts';
import { formatIpv4Address, readIpv4 } from '../../internet/ipv4-address.ts';
import type { DissectionBuilder } from './builder.ts';
import { dissectIcmp } from './icmp.ts';
import { dissectTcp } from './tcp.ts';
import { field, hex } from './types.ts';
import { dissectUdp } from './udp.ts';

export const IP_PROTOCOL_NAMES: Record<number, string> = { 1: 'ICMP', 6: 'TCP', 17: 'UDP' };

/** What upper layers need from the IP header (pseudo-header checksums, addresses). */
export interface IpContext {
  readonly source: number;
  readonly destination: number;
  readonly ttl: number;
  /** End of the IP datagram in the frame (padding after it is not payload). */
  readonly end: number;
}

export function dissectIpv4(b: DissectionBuilder, at: number): void {
  const f = b.frame;
  if (f.length < at + 20) {
    b.addMalformed(
      { protocol: 'IPv4', title: 'Internet Protocol Version 4', offset: at, length: f.length - at },
      'shorter than a 20-byte header',
    );
    return;
  }
  const version = f[at]! >> 4;
  const hl = (f[at]! & 15) * 4;
  const total = (f[at + 2]! << 8) | f[at + 3]!;
  const id = (f[at + 4]! << 8) | f[at + 5]!;
  const flagsFrag = (f[at + 6]! << 8) | f[at + 7]!;
  const df = (flagsFrag & 0x4000) !== 0;
  const mf = (flagsFrag & 0x2000) !== 0;
  const fragOffset = (flagsFrag & 0x1fff) * 8;
  const ttl = f[at + 8]!;
  const proto = f[at + 9]!;
  const checksum = (f[at + 10]! << 8) | f[at + 11]!;
  const src = readIpv4(f, at + 12);
  const dst = readIpv4(f, at + 16);
  const srcText = formatIpv4Address(src);
  const dstText = formatIpv4Address(dst);
  b.source = srcText;
  b.destination = dstText;
  const bad = version !== 4 || hl < 20 || total < hl || at + total > f.length;
  const checksumOk = !bad && internetChecksum(f, at, at + hl) === 0;
  const protoName = IP_PROTOCOL_NAMES[proto] ?? 'Unknown';
  const fields = [
    field('Version', version, at, 1),
    field('Header Length', `${hl} bytes (${hl / 4})`, at, 1),
    field(
      'Differentiated Services Field',
      `${hex(f[at + 1]!, 2)} (DSCP: ${f[at + 1]! >> 2}, ECN: ${f[at + 1]! & 3})`,
      at + 1,
      1,
    ),
    field('Total Length', total, at + 2, 2),
    field('Identification', `${hex(id, 4)} (${id})`, at + 4, 2),
    field(
      'Flags',
      `${hex(flagsFrag >> 13, 1)}${df ? ", Don't fragment" : ''}${mf ? ', More fragments' : ''}`,
      at + 6,
      1,
      [
        field("Don't fragment", df ? 'Set' : 'Not set', at + 6, 1),
        field('More fragments', mf ? 'Set' : 'Not set', at + 6, 1),
      ],
    ),
    field('Fragment Offset', fragOffset, at + 6, 2),
    field('Time to Live', ttl, at + 8, 1),
    field('Protocol', `${protoName} (${proto})`, at + 9, 1),
    field('Header Checksum', `${hex(checksum, 4)} [${checksumOk ? 'correct' : 'incorrect'}]`, at + 10, 2),
    field('Source Address', srcText, at + 12, 4),
    field('Destination Address', dstText, at + 16, 4),
  ];
  const problem = bad
    ? 'Malformed: bad version, header length or total length'
    : checksumOk
      ? undefined
      : 'Bad checksum';
  b.add(
    {
      protocol: 'IPv4',
      title: `Internet Protocol Version 4, Src: ${srcText}, Dst: ${dstText}`,
      offset: at,
      length: bad ? f.length - at : hl,
      fields,
      problem,
      decoded: {
        kind: 'ipv4',
        source: src,
        destination: dst,
        protocol: proto,
        ttl,
        id,
        totalLength: total,
        fragmentOffset: fragOffset,
        moreFragments: mf,
        dontFragment: df,
      },
    },
    bad ? '[Malformed Packet]' : `${protoName} ${srcText} → ${dstText}`,
  );
  if (bad) return;
  if (fragOffset > 0 || mf) {
    b.info = `Fragmented IP protocol (proto=${protoName} ${proto}, off=${fragOffset}, ID=${id.toString(16).padStart(4, '0')})`;
    return;
  }
  const ctx: IpContext = { source: src, destination: dst, ttl, end: at + total };
  const payload = at + hl;
  if (proto === 1) dissectIcmp(b, payload, ctx);
  else if (proto === 17) dissectUdp(b, payload, ctx);
  else if (proto === 6) dissectTcp(b, payload, ctx);
}
