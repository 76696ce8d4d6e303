/**
 * TCP (RFC 9293 §3.1): ports, sequence and acknowledgment numbers, flags, window,
 * checksum over the pseudo-header, and the options of RFC 9293 §3.2, RFC 7323 and RFC 2018.
 * Sequence numbers are shown as they are on the wire (Wireshark's "raw"); relative numbers
 * need the conversation and are the packet list's business. The payload's application
 * protocol (DNS, HTTP, HTTP/2, TLS) is decided from the segment alone: tcp-payload.ts.
 */
import { internetChecksum } from '../../internet/checksum.ts';
import { pseudoHeaderSum } from '../../internet/pseudo-header.ts';
import type { DissectionBuilder } from './builder.ts';
import type { IpContext } from './ipv4.ts';
import { dissectTcpPayload } from './tcp-payload.ts';
import { field, hex, type TcpOptionView } from './types.ts';

const FLAG_NAMES = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;

export function tcpFlagNames(flags: number): string[] {
  return FLAG_NAMES.filter((_, i) => (flags & (1 << i)) !== 0);
}

/** Options between `from` and `to`; undefined when a length is impossible. */
export function readTcpOptions(f: Uint8Array, from: number, to: number): TcpOptionView[] | undefined {
  const out: TcpOptionView[] = [];
  let i = from;
  while (i < to) {
    const kind = f[i]!;
    if (kind === 0) {
      out.push({ kind: 'eol' });
      break;
    }
    if (kind === 1) {
      out.push({ kind: 'nop' });
      i++;
      continue;
    }
    if (i + 1 >= to) return undefined;
    const len = f[i + 1]!;
    if (len < 2 || i + len > to) return undefined;
    const u16 = (o: number) => (f[o]! << 8) | f[o + 1]!;
    const u32 = (o: number) => ((f[o]! << 24) | (f[o + 1]! << 16) | (f[o + 2]! << 8) | f[o + 3]!) >>> 0;
    if (kind === 2 && len === 4) out.push({ kind: 'mss', value: u16(i + 2) });
    else if (kind === 3 && len === 3) out.push({ kind: 'wscale', value: f[i + 2]! });
    else if (kind === 4 && len === 2) out.push({ kind: 'sackOK' });
    else if (kind === 5 && len >= 10 && (len - 2) % 8 === 0) {
      const blocks: [number, number][] = [];
      for (let o = i + 2; o < i + len; o += 8) blocks.push([u32(o), u32(o + 4)]);
      out.push({ kind: 'sack', blocks });
    } else if (kind === 8 && len === 10) out.push({ kind: 'ts', value: u32(i + 2), echo: u32(i + 6) });
    else if (kind === 2 || kind === 3 || kind === 4 || kind === 5 || kind === 8) return undefined;
    else out.push({ kind: 'unknown', type: kind, length: len });
    i += len;
  }
  return out;
}

function optionText(o: TcpOptionView): string {
  switch (o.kind) {
    case 'nop':
      return 'No-Operation (NOP)';
    case 'eol':
      return 'End of Option List (EOL)';
    case 'mss':
      return `Maximum segment size: ${o.value} bytes`;
    case 'wscale':
      return `Window scale: ${o.value} (multiply by ${2 ** o.value})`;
    case 'sackOK':
      return 'SACK permitted';
    case 'sack':
      return `SACK: ${o.blocks.map(([l, r]) => `${l}-${r}`).join(' ')}`;
    case 'ts':
      return `Timestamps: TSval ${o.value}, TSecr ${o.echo}`;
    case 'unknown':
      return `Unknown option ${o.type}, length ${o.length}`;
  }
}

export function dissectTcp(b: DissectionBuilder, at: number, ip: IpContext): void {
  const f = b.frame;
  const avail = ip.end - at;
  if (avail < 20) {
    b.addMalformed(
      { protocol: 'TCP', title: 'Transmission Control Protocol', offset: at, length: avail },
      'shorter than 20 bytes',
    );
    return;
  }
  const u32 = (o: number) => ((f[o]! << 24) | (f[o + 1]! << 16) | (f[o + 2]! << 8) | f[o + 3]!) >>> 0;
  const sport = (f[at]! << 8) | f[at + 1]!;
  const dport = (f[at + 2]! << 8) | f[at + 3]!;
  const seq = u32(at + 4);
  const ack = u32(at + 8);
  const hl = (f[at + 12]! >> 4) * 4;
  const flags = ((f[at + 12]! & 1) << 8) | f[at + 13]!;
  const window = (f[at + 14]! << 8) | f[at + 15]!;
  const checksum = (f[at + 16]! << 8) | f[at + 17]!;
  const urgent = (f[at + 18]! << 8) | f[at + 19]!;
  const offsetOk = hl >= 20 && hl <= avail;
  const options = offsetOk ? readTcpOptions(f, at + 20, at + hl) : undefined;
  const checksumOk =
    internetChecksum(f, at, ip.end, pseudoHeaderSum(ip.source, ip.destination, 6, avail)) === 0;
  const payloadLength = offsetOk ? avail - hl : 0;
  const names = tcpFlagNames(flags);
  const fields = [
    field('Source Port', sport, at, 2),
    field('Destination Port', dport, at + 2, 2),
    field('Sequence Number (raw)', seq, at + 4, 4),
    field('Acknowledgment Number (raw)', ack, at + 8, 4),
    field('Header Length', `${hl} bytes (${hl / 4})`, at + 12, 1),
    field('Flags', `${hex(flags, 3)} (${names.join(', ')})`, at + 12, 2),
    field('Window', window, at + 14, 2),
    field('Checksum', `${hex(checksum, 4)} [${checksumOk ? 'correct' : 'incorrect'}]`, at + 16, 2),
    field('Urgent Pointer', urgent, at + 18, 2),
  ];
  if (options && options.length > 0) {
    fields.push(
      field(
        'Options',
        `(${hl - 20} bytes), ${options.map((o) => o.kind).join(', ')}`,
        at + 20,
        hl - 20,
        options.map((o) => field(o.kind, optionText(o), at + 20, hl - 20)),
      ),
    );
  }
  if (payloadLength > 0) fields.push(field('TCP payload', `${payloadLength} bytes`, at + hl, payloadLength));
  const problem = !offsetOk
    ? 'Malformed: bad data offset'
    : !options
      ? 'Malformed: bad option length'
      : checksumOk
        ? undefined
        : 'Bad checksum';
  const extra = (options ?? [])
    .map((o) =>
      o.kind === 'mss'
        ? `MSS=${o.value}`
        : o.kind === 'wscale'
          ? `WS=${2 ** o.value}`
          : o.kind === 'sackOK'
            ? 'SACK_PERM'
            : o.kind === 'ts'
              ? `TSval=${o.value} TSecr=${o.echo}`
              : o.kind === 'sack'
                ? `SLE=${o.blocks[0]![0]} SRE=${o.blocks[0]![1]}`
                : '',
    )
    .filter((t) => t !== '');
  const ackPart = flags & 0x10 ? ` Ack=${ack}` : '';
  b.add(
    {
      protocol: 'TCP',
      title: `Transmission Control Protocol, Src Port: ${sport}, Dst Port: ${dport}, Seq: ${seq}${flags & 0x10 ? `, Ack: ${ack}` : ''}, Len: ${payloadLength}`,
      offset: at,
      length: offsetOk ? hl : avail,
      fields,
      problem,
      decoded: {
        kind: 'tcp',
        sourcePort: sport,
        destinationPort: dport,
        seq,
        ack,
        flags,
        window,
        urgent,
        payloadLength,
        options: options ?? [],
      },
    },
    `${sport} → ${dport} [${names.join(', ')}] Seq=${seq}${ackPart} Win=${window} Len=${payloadLength}${extra.length ? ` ${extra.join(' ')}` : ''}`,
  );
  if (payloadLength > 0) dissectTcpPayload(b, at + hl, ip.end, sport, dport);
}
