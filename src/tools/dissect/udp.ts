/** UDP (RFC 768): ports, length, checksum over the pseudo-header; DNS on port 53 above it. */
import { internetChecksum } from '../../internet/checksum.ts';
import { pseudoHeaderSum } from '../../internet/pseudo-header.ts';
import type { DissectionBuilder } from './builder.ts';
import { DNS_PORT, dissectDns } from './dns.ts';
import type { IpContext } from './ipv4.ts';
import { field, hex } from './types.ts';

export function dissectUdp(b: DissectionBuilder, at: number, ip: IpContext): void {
  const f = b.frame;
  const avail = ip.end - at;
  if (avail < 8) {
    b.addMalformed(
      { protocol: 'UDP', title: 'User Datagram Protocol', offset: at, length: avail },
      'shorter than 8 bytes',
    );
    return;
  }
  const sport = (f[at]! << 8) | f[at + 1]!;
  const dport = (f[at + 2]! << 8) | f[at + 3]!;
  const length = (f[at + 4]! << 8) | f[at + 5]!;
  const checksum = (f[at + 6]! << 8) | f[at + 7]!;
  const lengthOk = length >= 8 && length <= avail;
  const checksumOk =
    checksum === 0 ||
    (lengthOk &&
      internetChecksum(f, at, at + length, pseudoHeaderSum(ip.source, ip.destination, 17, length)) === 0);
  const status = checksum === 0 ? 'not present' : checksumOk ? 'correct' : 'incorrect';
  b.add(
    {
      protocol: 'UDP',
      title: `User Datagram Protocol, Src Port: ${sport}, Dst Port: ${dport}`,
      offset: at,
      length: 8,
      fields: [
        field('Source Port', sport, at, 2),
        field('Destination Port', dport, at + 2, 2),
        field('Length', length, at + 4, 2),
        field('Checksum', `${hex(checksum, 4)} [${status}]`, at + 6, 2),
        field(
          'UDP payload',
          `${Math.max(0, length - 8)} bytes`,
          at + 8,
          Math.max(0, Math.min(length, avail) - 8),
        ),
      ],
      problem: !lengthOk ? 'Malformed: bad length' : checksumOk ? undefined : 'Bad checksum',
      decoded: { kind: 'udp', sourcePort: sport, destinationPort: dport, length },
    },
    `${sport} → ${dport} Len=${Math.max(0, length - 8)}`,
  );
  if (lengthOk && length > 8 && (sport === DNS_PORT || dport === DNS_PORT))
    dissectDns(b, at + 8, at + length);
}
