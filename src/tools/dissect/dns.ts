/**
 * DNS over UDP port 53 (RFC 1035 §4.1): the header with its flags, then every question
 * and resource record located in the bytes, decoded by the project's codec
 * (src/application/dns/dns-message.ts). The packet list's info reads as Wireshark's:
 *
 *   Standard query 0x1a2b A www.example.com OPT
 *   Standard query response 0x1a2b A www.example.com A 203.0.113.10 OPT
 *   Standard query response 0x1a2b No such name A nope.example.com SOA ns1.example.com OPT
 *
 * A message the codec refuses is a layer with a `problem` (`[Malformed Packet]`).
 * DNS over TCP (RFC 1035 §4.2.2) is decoded when a segment holds one whole message after
 * its two-byte length; a message split over segments stays TCP (no reassembly).
 * Left out: mDNS/LLMNR specifics.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { className, typeName } from '../../application/dns/dns-constants.ts';
import { type DnsMessage, type DnsRecord, parseDnsMessage } from '../../application/dns/dns-message.ts';
import { readName } from '../../application/dns/dns-name.ts';
import { formatRdata } from '../../application/dns/dns-presentation.ts';
import type { DissectionBuilder } from './builder.ts';
import { type Field, field, hex } from './types.ts';

export const DNS_PORT = 53;

const OPCODE_NAMES: Record<number, string> = {
  0: 'Standard query',
  1: 'Inverse query',
  2: 'Server status request',
  4: 'Zone change notification',
  5: 'Dynamic update',
};

/** Wireshark's rcode names (packet-dns.c rcode_vals). */
const RCODE_NAMES: Record<number, string> = {
  0: 'No error',
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
  6: 'Name exists',
  7: 'RRset exists',
  8: 'RRset does not exist',
  9: 'Not authoritative',
  10: 'Name out of zone',
};

/** A type as Wireshark names it: the mnemonic, or `Unknown (65534)`. */
function wsType(type: number): string {
  const t = typeName(type);
  return t.startsWith('TYPE') ? `Unknown (${type})` : t;
}

/** A name as Wireshark shows it: no final dot, the root as `<Root>`. */
function shown(name: string): string {
  return name === '.' ? '<Root>' : name.endsWith('.') ? name.slice(0, -1) : name;
}

/** What Wireshark appends to the info column for one record: `A 192.0.2.1`, `MX 10 mail`. */
function infoOf(r: DnsRecord): string {
  const t = wsType(r.type);
  switch (r.data.kind) {
    case 'a':
    case 'aaaa':
      return `${t} ${r.data.address}`;
    case 'name':
      return `${t} ${shown(r.data.target)}`;
    case 'mx':
      return `${t} ${r.data.preference} ${shown(r.data.exchange)}`;
    case 'soa':
      return `${t} ${shown(r.data.mname)}`;
    default:
      return t;
  }
}

/** The record's line in the tree: `www.example.com: type A, class IN, addr 192.0.2.1`. */
function recordText(r: DnsRecord): string {
  const base = `${shown(r.name)}: type ${wsType(r.type)}, class ${className(r.class)}`;
  switch (r.data.kind) {
    case 'a':
    case 'aaaa':
      return `${base}, addr ${r.data.address}`;
    case 'name': {
      const what = r.type === 2 ? 'ns' : r.type === 5 ? 'cname' : r.type === 12 ? 'ptr' : 'name';
      return `${base}, ${what} ${shown(r.data.target)}`;
    }
    case 'mx':
      return `${base}, preference ${r.data.preference}, mx ${shown(r.data.exchange)}`;
    case 'soa':
      return `${base}, mname ${shown(r.data.mname)}`;
    default:
      return `${base}, ${formatRdata(r.data)}`;
  }
}

/** Where each question and record sits in the message (offsets relative to its start). */
function recordSpans(msg: Uint8Array, counts: readonly number[]): [number, number][] | undefined {
  const spans: [number, number][] = [];
  let at = 12;
  for (let section = 0; section < 4; section++) {
    for (let i = 0; i < counts[section]!; i++) {
      const name = readName(msg, at);
      if (name instanceof ProtocolError) return undefined;
      let end = name.next + 4;
      if (section > 0) {
        if (end + 6 > msg.length) return undefined;
        end += 6 + ((msg[end + 4]! << 8) | msg[end + 5]!);
      }
      if (end > msg.length) return undefined;
      spans.push([at, end]);
      at = end;
    }
  }
  return spans;
}

function flagFields(m: DnsMessage, at: number): Field[] {
  const bit = (name: string, on: boolean, yes: string, no: string) => field(name, `${on ? yes : no}`, at, 2);
  const fields = [
    bit('Response', m.qr, 'Message is a response', 'Message is a query'),
    field('Opcode', `${OPCODE_NAMES[m.opcode] ?? 'Unknown'} (${m.opcode})`, at, 2),
  ];
  if (m.qr)
    fields.push(
      bit(
        'Authoritative',
        m.aa,
        'Server is an authority for domain',
        'Server is not an authority for domain',
      ),
    );
  fields.push(
    bit('Truncated', m.tc, 'Message is truncated', 'Message is not truncated'),
    bit('Recursion desired', m.rd, 'Do query recursively', "Don't do query recursively"),
  );
  if (m.qr)
    fields.push(
      bit(
        'Recursion available',
        m.ra,
        'Server can do recursive queries',
        "Server can't do recursive queries",
      ),
    );
  fields.push(field('Z', m.z ? 'reserved (1)' : 'reserved (0)', at, 2));
  if (m.qr)
    fields.push(
      bit(
        'Answer authenticated',
        m.ad,
        'Answer/authority portion was authenticated by the server',
        'Answer/authority portion was not authenticated by the server',
      ),
    );
  fields.push(bit('Non-authenticated data', m.cd, 'Acceptable', 'Unacceptable'));
  if (m.qr) fields.push(field('Reply code', `${RCODE_NAMES[m.rcode] ?? 'Unknown'} (${m.rcode})`, at, 2));
  return fields;
}

/** Whether a TCP segment `f[at, end)` to or from port 53 is one whole length-prefixed message. */
export function isWholeDnsOverTcp(f: Uint8Array, at: number, end: number): boolean {
  return end - at >= 14 && ((f[at]! << 8) | f[at + 1]!) === end - at - 2;
}

/**
 * Dissects the DNS message in `f[at, end)`: a UDP payload, or with `overTcp` a TCP
 * segment's, whose first two bytes are the message's length.
 */
export function dissectDns(b: DissectionBuilder, start: number, end: number, overTcp = false): void {
  const at = overTcp ? start + 2 : start;
  const msg = b.frame.subarray(at, end);
  const m = parseDnsMessage(msg);
  if (m instanceof ProtocolError) {
    b.addMalformed(
      { protocol: 'DNS', title: 'Domain Name System', offset: start, length: end - start },
      m.message,
    );
    return;
  }
  const counts = [0, 1, 2, 3].map((i) => (msg[4 + 2 * i]! << 8) | msg[5 + 2 * i]!);
  const spans = recordSpans(msg, counts) ?? [];
  const word = (msg[2]! << 8) | msg[3]!;
  const op = OPCODE_NAMES[m.opcode] ?? `Unknown operation (${m.opcode})`;
  const flagsText = `${hex(word, 4)} ${op}${m.qr ? ' response' : ''}${m.qr && m.rcode !== 0 ? `, ${RCODE_NAMES[m.rcode] ?? `Unknown error (${m.rcode})`}` : m.qr ? ', No error' : ''}`;
  const fields: Field[] = [
    ...(overTcp ? [field('Length', end - at, start, 2)] : []),
    field('Transaction ID', hex(m.id, 4), at, 2),
    field('Flags', flagsText, at + 2, 2, flagFields(m, at + 2)),
    field('Questions', counts[0]!, at + 4, 2),
    field('Answer RRs', counts[1]!, at + 6, 2),
    field('Authority RRs', counts[2]!, at + 8, 2),
    field('Additional RRs', counts[3]!, at + 10, 2),
  ];
  // One tree entry per question and record, each over its own bytes. The codec keeps the
  // OPT record apart (m.edns); it was the additional record the others are not.
  const opt = m.edns
    ? `<Root>: type OPT, UDP payload size ${m.edns.udpSize}, version ${m.edns.version}${m.edns.dnssecOk ? ', DO' : ''}`
    : undefined;
  const sections: [string, string, string[]][] = [
    [
      'Queries',
      'Query',
      m.questions.map((q) => `${shown(q.name)}: type ${wsType(q.type)}, class ${className(q.class)}`),
    ],
    ['Answers', 'Answer', m.answers.map(recordText)],
    ['Authoritative nameservers', 'Authority', m.authority.map(recordText)],
    ['Additional records', 'Additional', [...m.additional.map(recordText), ...(opt ? [opt] : [])]],
  ];
  let k = 0;
  for (const [title, label, texts] of sections) {
    if (texts.length === 0) continue;
    const children = texts.map((text) => {
      const span = spans[k++];
      return field(label, text, span ? at + span[0] : at, span ? span[1] - span[0] : 0);
    });
    const from = children[0]!.offset;
    const to = children.at(-1)!.offset + children.at(-1)!.length;
    fields.push(field(title, texts.length, from, Math.max(0, to - from), children));
  }
  const q = m.questions[0];
  let info = `${op}${m.qr ? ' response' : ''} ${hex(m.id, 4)}`;
  if (m.qr && m.rcode !== 0) info += ` ${RCODE_NAMES[m.rcode] ?? `Unknown error (${m.rcode})`}`;
  if (q) info += ` ${wsType(q.type)} ${shown(q.name)}`;
  for (const r of [...m.answers, ...m.authority, ...m.additional]) info += ` ${infoOf(r)}`;
  if (m.edns) info += ' OPT';
  b.add(
    {
      protocol: 'DNS',
      title: `Domain Name System (${m.qr ? 'response' : 'query'})`,
      offset: start,
      length: end - start,
      fields,
      decoded: { kind: 'dns', message: m, length: end - at },
    },
    info,
  );
}
