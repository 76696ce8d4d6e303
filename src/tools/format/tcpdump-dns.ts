/**
 * tcpdump's one-line DNS decode (print-domain.c, tcpdump 4.99), from a parsed message:
 *
 *   query:     6879+ [1au] A? www.example.com. (44)
 *   response:  6879 1/0/1 A 203.0.113.10 (60)
 *              6879 NXDomain*- 0/1/1 (96)
 *              6879 2/0/0 CNAME www.example.com., A 192.0.2.80 (66)
 *
 * A query is its ID, `+` for RD, `%` for CD, then `[Na]` `[Nq]` `[Nn]` `[Nau]` for the
 * answer, question (when not 1), authority and additional counts that a query does not
 * usually carry, then each question as `TYPE? name.`. A response is its ID, the rcode when
 * not NOERROR (` NXDomain`, ` ServFail`...), `*` for AA, `-` when RA is clear, `|` for TC,
 * `$` for AD, then `an/ns/ar` and the answer records (`A 192.0.2.1`, `MX mail. 10`,
 * `CNAME x.`, `TXT "..."`; SOA data only with -v). Last, the length in parentheses. With
 * -v each record also shows its owner. The additional count includes the OPT record.
 *
 * Left out: the -vv output (questions of responses, authority and additional records,
 * EDNS options).
 */
import { typeName } from '../../application/dns/dns-constants.ts';
import type { DnsMessage, DnsRecord } from '../../application/dns/dns-message.ts';

const OPS = [
  '',
  ' inv_q',
  ' stat',
  ' op3',
  ' notify',
  ' update',
  ' op6',
  ' op7',
  ' op8',
  ' updateA',
  ' updateD',
  ' updateDA',
  ' updateM',
  ' updateMA',
  ' zoneInit',
  ' zoneRef',
];
const RCODES = [
  '',
  ' FormErr',
  ' ServFail',
  ' NXDomain',
  ' NotImp',
  ' Refused',
  ' YXDomain',
  ' YXRRSet',
  ' NXRRSet',
  ' NotAuth',
  ' NotZone',
  ' Resp11',
  ' Resp12',
  ' Resp13',
  ' Resp14',
  ' NoChange',
];
const CLASSES: Record<number, string> = { 3: 'CHAOS', 4: 'HS', 255: 'ANY' };

/** tcpdump's name for a type: the mnemonic, or `Type99`. */
function typeText(type: number): string {
  const t = typeName(type);
  return t.startsWith('TYPE') ? `Type${type}` : t;
}

function classText(cls: number): string {
  return cls === 1 ? '' : ` ${CLASSES[cls] ?? `(Class ${cls})`}`;
}

/** A character-string as tcpdump's nd_printjn shows it (`M-`/`^` for what is not printable). */
function printable(bytes: Uint8Array): string {
  let out = '';
  for (let c of bytes) {
    if (c >= 0x80) {
      out += 'M-';
      c &= 0x7f;
    }
    out += c < 0x20 || c === 0x7f ? `^${String.fromCharCode(c ^ 0x40)}` : String.fromCharCode(c);
  }
  return out;
}

function recordText(r: DnsRecord, verbose: boolean): string {
  const head = `${verbose ? ` ${r.name}` : ''}${classText(r.class)} ${typeText(r.type)}`;
  const d = r.data;
  switch (d.kind) {
    case 'a':
    case 'aaaa':
      return `${head} ${d.address}`;
    case 'name':
      return `${head} ${d.target}`;
    case 'mx':
      return `${head} ${d.exchange} ${d.preference}`;
    case 'soa':
      return verbose
        ? `${head} ${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`
        : head;
    case 'txt':
      return head + d.strings.map((s) => ` "${printable(s)}"`).join('');
    case 'raw':
      return head;
  }
}

/** The DNS part of tcpdump's line for a message of `length` octets. */
export function tcpdumpDnsText(m: DnsMessage, length: number, verbose = false): string {
  const additional = m.additional.length + (m.edns ? 1 : 0);
  let out: string;
  if (m.qr) {
    out = `${m.id}${OPS[m.opcode] ?? ''}${RCODES[m.rcode] ?? ''}${m.aa ? '*' : ''}${m.ra ? '' : '-'}${m.tc ? '|' : ''}${m.ad ? '$' : ''}`;
    if (m.questions.length !== 1) out += ` [${m.questions.length}q]`;
    out += ` ${m.answers.length}/${m.authority.length}/${additional}`;
    out += m.answers.map((r) => recordText(r, verbose)).join(',');
  } else {
    out = `${m.id}${OPS[m.opcode] ?? ''}${m.rd ? '+' : ''}${m.cd ? '%' : ''}`;
    // print-domain.c: "any weirdness?" — AA, TC, RA, Z or an rcode set in a query: the
    // whole flags word is shown.
    const word =
      ((m.opcode & 0xf) << 11) |
      (m.aa ? 0x400 : 0) |
      (m.tc ? 0x200 : 0) |
      (m.rd ? 0x100 : 0) |
      (m.ra ? 0x80 : 0) |
      (m.z ? 0x40 : 0) |
      (m.ad ? 0x20 : 0) |
      (m.cd ? 0x10 : 0) |
      (m.rcode & 0xf);
    if (word & 0x6cf) out += ` [b2&3=0x${word.toString(16)}]`;
    if (m.answers.length) out += ` [${m.answers.length}a]`;
    if (m.questions.length !== 1) out += ` [${m.questions.length}q]`;
    if (m.authority.length) out += ` [${m.authority.length}n]`;
    if (additional) out += ` [${additional}au]`;
    for (const q of m.questions) out += ` ${typeText(q.type)}${classText(q.class)}? ${q.name}`;
  }
  return `${out} (${length})`;
}
