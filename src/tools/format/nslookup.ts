/**
 * The text of BIND 9.18's nslookup in its one-shot form (`nslookup [-type=T] NAME
 * [SERVER]`), as pure functions of the answers it got. Lines without '\n'.
 *
 * Rules from bin/dig/nslookup.c (printmessage, printsection, printrdata, printsoa):
 *
 * - `Server:` and `Address:` (server#port) lines and a blank line, once the first answer
 *   arrives; a final blank line.
 * - The default lookups are A, then AAAA of the name at the end of the A answer's CNAME
 *   chain (only when the A query succeeded). `Non-authoritative answer:` precedes a
 *   non-AA answer (for the default lookups, only the A one).
 * - A and AAAA records of the answer section print as `Name:<TAB>owner` then
 *   `Address: a.b.c.d`; an SOA as the owner, then `<TAB>origin = ...` and the other
 *   fields; anything else as `owner<TAB>mail exchanger = 10 mail.example.com.` with
 *   nslookup's text for the type (`nameserver = `, `canonical name = `, `text = `,
 *   `name = ` for PTR...; `rdata_N = ` past its table). Owners are written without the
 *   final dot, data as dig writes it (with it).
 * - An error rcode gives `** server can't find NAME: NXDOMAIN` (exit status 1) and ends
 *   the default lookups; an empty answer gives `*** Can't find NAME: No answer` (for the
 *   default lookups only when A and AAAA were both empty).
 * - For a non-AA answer to a type other than A or AAAA, `Authoritative answers can be
 *   found from:` follows, with the authority and additional sections.
 * - No answer at all: one `;; communications error ...` line per try, or the timeout
 *   line, then `;; no servers could be reached`.
 *
 * Left out: interactive mode, `set debug` output, the search list.
 */
import { rcodeName } from '../../application/dns/dns-constants.ts';
import type { DnsMessage, DnsRecord } from '../../application/dns/dns-message.ts';
import { formatRdata } from '../../application/dns/dns-presentation.ts';

/** nslookup's rtypetext: what precedes the data of a record of type N (index N). */
const RTYPE_TEXT = [
  'rtype_0 = ',
  'internet address = ',
  'nameserver = ',
  'md = ',
  'mf = ',
  'canonical name = ',
  'soa = ',
  'mb = ',
  'mg = ',
  'mr = ',
  'rtype_10 = ',
  'protocol = ',
  'name = ',
  'hinfo = ',
  'minfo = ',
  'mail exchanger = ',
  'text = ',
  'rp = ',
  'afsdb = ',
  'x25 address = ',
  'isdn address = ',
  'rt = ',
  'nsap = ',
  'nsap_ptr = ',
  'signature = ',
  'key = ',
  'px = ',
  'gpos = ',
  'has AAAA address ',
  'loc = ',
  'next = ',
  'rtype_31 = ',
  'rtype_32 = ',
  'service = ',
  'rtype_34 = ',
  'naptr = ',
  'kx = ',
  'cert = ',
  'v6 address = ',
  'dname = ',
  'rtype_40 = ',
  'optional = ',
];

/** A name as dns_name_format writes it: no final dot (except the root). */
export function bareName(n: string): string {
  return n.length > 1 && n.endsWith('.') ? n.slice(0, -1) : n;
}

/** `Server:` / `Address:` and the blank line. `name` is the server as given (default its address). */
export function nslookupServerLines(server: { address: string; port: number }, name?: string): string[] {
  return [`Server:\t\t${name ?? server.address}`, `Address:\t${server.address}#${server.port}`, ''];
}

/** The lines of one record, as printsection prints it in `section`. */
export function nslookupRecordLines(r: DnsRecord, section: 'answer' | 'authority' | 'additional'): string[] {
  const owner = bareName(r.name);
  if ((r.data.kind === 'a' || r.data.kind === 'aaaa') && section === 'answer')
    return [`Name:\t${owner}`, `Address: ${r.data.address}`];
  if (r.data.kind === 'soa') {
    const s = r.data;
    return [
      owner,
      `\torigin = ${bareName(s.mname)}`,
      `\tmail addr = ${bareName(s.rname)}`,
      `\tserial = ${s.serial}`,
      `\trefresh = ${s.refresh}`,
      `\tretry = ${s.retry}`,
      `\texpire = ${s.expire}`,
      `\tminimum = ${s.minimum}`,
    ];
  }
  const label = RTYPE_TEXT[r.type] ?? `rdata_${r.type} = `;
  return [`${owner}\t${label}${formatRdata(r.data)}`];
}

/** Where the default lookups stand between queries. */
export interface NslookupState {
  /** The A query had an empty answer (so an empty AAAA one says "No answer"). */
  aNoAnswer: boolean;
}

/**
 * The lines for one answered query (`textname` as the query was written) and whether
 * it counts as a failure (an error rcode: exit status 1).
 */
export function nslookupMessageLines(
  m: DnsMessage,
  query: { readonly textname: string; readonly type: number; readonly defaultLookups: boolean },
  state: NslookupState,
): { lines: string[]; failed: boolean } {
  const lines: string[] = [];
  const rcode = m.rcode | ((m.edns?.extendedRcode ?? 0) << 4);
  if (rcode !== 0) {
    const name = bareName(query.textname);
    const text =
      ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][rcode] ?? rcodeName(rcode);
    return { lines: [`** server can't find ${name}: ${text}`], failed: true };
  }
  const isA = query.type === 1;
  const isAAAA = query.type === 28;
  if (!m.aa && (!query.defaultLookups || isA)) lines.push('Non-authoritative answer:');
  if (m.answers.length > 0) {
    for (const r of m.answers) lines.push(...nslookupRecordLines(r, 'answer'));
  } else if (query.defaultLookups && isA) {
    state.aNoAnswer = true;
  } else if (!query.defaultLookups || (isAAAA && state.aNoAnswer)) {
    lines.push(`*** Can't find ${query.textname}: No answer`);
  }
  if (!m.aa && !isA && !isAAAA) {
    lines.push('', 'Authoritative answers can be found from:');
    for (const r of m.authority) lines.push(...nslookupRecordLines(r, 'authority'));
    for (const r of m.additional) lines.push(...nslookupRecordLines(r, 'additional'));
  }
  return { lines, failed: false };
}

/** The end of the CNAME chain in an answer, from `name` (nslookup asks AAAA for it). */
export function cnameTarget(m: DnsMessage, name: string): string {
  let target = name;
  for (let i = 0; i < 16; i++) {
    const c = m.answers.find((a) => a.type === 5 && a.name.toLowerCase() === target.toLowerCase());
    if (c?.data.kind !== 'name') break;
    target = c.data.target;
  }
  return target;
}

export interface NslookupRun {
  /** The name as typed. */
  readonly name: string;
  readonly server: { readonly address: string; readonly port: number };
  /** Answers in query order (A, then AAAA); missing when that query got no answer. */
  readonly responses: readonly (DnsMessage | undefined)[];
}

/** The output of the default lookups (A then AAAA) and the exit status. */
export function nslookupLines(run: NslookupRun): { lines: string[]; status: number } {
  const first = run.responses.find((r) => r !== undefined);
  if (!first) {
    return { lines: [';; connection timed out; no servers could be reached', '', ''], status: 1 };
  }
  const lines = nslookupServerLines(run.server);
  const state: NslookupState = { aNoAnswer: false };
  let status = 0;
  let textname = run.name;
  for (const [i, m] of run.responses.entries()) {
    if (!m) continue;
    const r = nslookupMessageLines(m, { textname, type: i === 0 ? 1 : 28, defaultLookups: true }, state);
    lines.push(...r.lines);
    if (r.failed) {
      status = 1;
      break;
    }
    if (i === 0) textname = bareName(cnameTarget(m, m.questions[0]?.name ?? run.name));
  }
  lines.push('');
  return { lines, status };
}
