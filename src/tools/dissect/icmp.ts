/** ICMP (RFC 792): type and code by name, checksum, echo fields, and the quoted datagram of errors. */
import { internetChecksum } from '../../internet/checksum.ts';
import { formatIpv4Address, readIpv4 } from '../../internet/ipv4-address.ts';
import type { DissectionBuilder } from './builder.ts';
import type { IpContext } from './ipv4.ts';
import { type Decoded, type Field, field, hex } from './types.ts';

const TYPE_NAMES: Record<number, string> = {
  0: 'Echo (ping) reply',
  3: 'Destination unreachable',
  4: 'Source quench',
  5: 'Redirect',
  8: 'Echo (ping) request',
  11: 'Time-to-live exceeded',
  12: 'Parameter problem',
  13: 'Timestamp request',
  14: 'Timestamp reply',
};

export const UNREACHABLE_NAMES: Record<number, string> = {
  0: 'Network unreachable',
  1: 'Host unreachable',
  2: 'Protocol unreachable',
  3: 'Port unreachable',
  4: 'Fragmentation needed',
  5: 'Source route failed',
  6: 'Destination network unknown',
  7: 'Destination host unknown',
  9: 'Network administratively prohibited',
  10: 'Host administratively prohibited',
  13: 'Communication administratively filtered',
};

const EXCEEDED_NAMES: Record<number, string> = {
  0: 'Time to live exceeded in transit',
  1: 'Fragment reassembly time exceeded',
};

export function dissectIcmp(b: DissectionBuilder, at: number, ip: IpContext): void {
  const f = b.frame;
  const end = ip.end;
  if (end - at < 8) {
    b.addMalformed(
      { protocol: 'ICMP', title: 'Internet Control Message Protocol', offset: at, length: end - at },
      'shorter than 8 bytes',
    );
    return;
  }
  const type = f[at]!;
  const code = f[at + 1]!;
  const checksum = (f[at + 2]! << 8) | f[at + 3]!;
  const ok = internetChecksum(f, at, end) === 0;
  const typeName = TYPE_NAMES[type] ?? `Unknown ICMP type ${type}`;
  const codeName = type === 3 ? UNREACHABLE_NAMES[code] : type === 11 ? EXCEEDED_NAMES[code] : undefined;
  const fields: Field[] = [
    field('Type', `${type} (${typeName})`, at, 1),
    field('Code', codeName ? `${code} (${codeName})` : code, at + 1, 1),
    field('Checksum', `${hex(checksum, 4)} [${ok ? 'correct' : 'incorrect'}]`, at + 2, 2),
  ];
  let info = codeName ? `${typeName} (${codeName})` : typeName;
  let decoded: Decoded = { kind: 'icmp', type, code, length: end - at };
  if (type === 0 || type === 8) {
    const id = (f[at + 4]! << 8) | f[at + 5]!;
    const seq = (f[at + 6]! << 8) | f[at + 7]!;
    fields.push(
      field('Identifier (BE)', `${id} (${hex(id, 4)})`, at + 4, 2),
      field('Sequence Number (BE)', `${seq} (${hex(seq, 4)})`, at + 6, 2),
      field('Data', `${end - at - 8} bytes`, at + 8, end - at - 8),
    );
    info = `${typeName}  id=${hex(id, 4)}, seq=${seq}/${((seq & 0xff) << 8) | (seq >> 8)}, ttl=${ip.ttl}`;
    decoded = { kind: 'icmp', type, code, length: end - at, id, sequence: seq };
  } else if (type === 3 || type === 11) {
    const mtu = type === 3 && code === 4 ? (f[at + 6]! << 8) | f[at + 7]! : undefined;
    if (mtu !== undefined) fields.push(field('MTU of next hop', mtu, at + 6, 2));
    const q = at + 8;
    if (end - q >= 20 && f[q]! >> 4 === 4) {
      const qhl = (f[q]! & 15) * 4;
      const qproto = f[q + 9]!;
      const qsrc = readIpv4(f, q + 12);
      const qdst = readIpv4(f, q + 16);
      const ports = end - (q + qhl) >= 4 && (qproto === 6 || qproto === 17);
      const sport = ports ? (f[q + qhl]! << 8) | f[q + qhl + 1]! : undefined;
      const dport = ports ? (f[q + qhl + 2]! << 8) | f[q + qhl + 3]! : undefined;
      fields.push(
        field(
          'Quoted datagram',
          `${formatIpv4Address(qsrc)} → ${formatIpv4Address(qdst)}, protocol ${qproto}${ports ? `, ports ${sport} → ${dport}` : ''}`,
          q,
          end - q,
        ),
      );
      decoded = {
        kind: 'icmp',
        type,
        code,
        length: end - at,
        nextHopMtu: mtu,
        quoted: {
          source: qsrc,
          destination: qdst,
          protocol: qproto,
          sourcePort: sport,
          destinationPort: dport,
        },
      };
    } else {
      decoded = { kind: 'icmp', type, code, length: end - at, nextHopMtu: mtu };
    }
  }
  b.add(
    {
      protocol: 'ICMP',
      title: 'Internet Control Message Protocol',
      offset: at,
      length: end - at,
      fields,
      problem: ok ? undefined : 'Bad checksum',
      decoded,
    },
    info,
  );
}
