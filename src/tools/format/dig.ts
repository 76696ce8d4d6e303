/**
 * The text of BIND 9.18's dig, as pure functions of what happened. Each function returns
 * lines without their '\n'. Checked against dig 9.18 (Debian 12) talking to netlab's
 * server: the same lines, save the timing fields.
 *
 * Rules taken from bin/dig/dig.c and lib/dns/masterdump.c:
 *
 * - Record lines are name, TTL, class, type and data, moved to columns 24, 32, 40 and 48
 *   by BIND's `indent`: tabs to the column's tab stop, at least one space when a field
 *   runs past its column. The question line has no TTL: class at 32, type at 40.
 * - Flags print in the order qr aa tc rd ra ad cd; ADDITIONAL counts the OPT record.
 * - `;; WARNING: recursion requested but not available` follows the flags line when RD
 *   was set and RA is clear.
 * - The OPT pseudo-section (EDNS version, flags, UDP size, options) comes right before
 *   the question section, without the blank line the other sections get.
 * - WHEN is strftime's `%a %b %d %H:%M:%S %Z %Y`; netlab prints UTC, from the simulated
 *   clock in simulations.
 * - The display options (+[no]cmd, +[no]comments, +[no]question, +[no]answer,
 *   +[no]authority, +[no]additional, +[no]stats, +short) drop their parts as dig 9.18
 *   does: without comments go the header, the OPT pseudo-section, the section titles and
 *   the blank line after each section; the blank line after the stats stays.
 *
 * Left out: +multiline, +yaml, +trace and +nssearch output, DNSSEC presentation.
 */
import { className, opcodeName, rcodeName, typeName } from '../../application/dns/dns-constants.ts';
import type { DnsMessage, DnsQuestion, DnsRecord, Edns } from '../../application/dns/dns-message.ts';
import { formatRdata } from '../../application/dns/dns-presentation.ts';

/** BIND's masterdump indent: from column `from` to column `to` with 8-wide tabs. */
function indent(from: number, to: number): string {
  const target = Math.max(to, from + 1);
  const tabs = Math.floor(target / 8) - Math.floor(from / 8);
  if (tabs > 0) return '\t'.repeat(tabs) + ' '.repeat(target - Math.floor(target / 8) * 8);
  return ' '.repeat(target - from);
}

/** Appends fields at BIND's columns, starting after `text` (no tabs in it). */
function columns(text: string, fields: readonly (readonly [string, number])[]): string {
  let line = text;
  let col = text.length;
  for (const [field, column] of fields) {
    line += indent(col, column) + field;
    col = Math.max(column, col + 1) + field.length;
  }
  return line;
}

/** One record line: `www.example.com.\t3600\tIN\tA\t192.0.2.80`. */
export function digRecordLine(r: DnsRecord): string {
  return columns(r.name, [
    [String(r.ttl), 24],
    [className(r.class), 32],
    [typeName(r.type), 40],
    [formatRdata(r.data), 48],
  ]);
}

/** The question line: `;www.example.com.\t\tIN\tA`. */
export function digQuestionLine(q: DnsQuestion): string {
  return columns(`;${q.name}`, [
    [className(q.class), 32],
    [typeName(q.type), 40],
  ]);
}

const FLAG_ORDER = ['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const;

/** `;; ->>HEADER<<- ...` and `;; flags: ...` (and the recursion warning). */
export function digHeaderLines(m: DnsMessage): string[] {
  const rcode = m.rcode | ((m.edns?.extendedRcode ?? 0) << 4);
  const flags = FLAG_ORDER.filter((f) => m[f]).join(' ');
  const lines = [
    `;; ->>HEADER<<- opcode: ${opcodeName(m.opcode)}, status: ${rcodeName(rcode)}, id: ${m.id}`,
    `;; flags: ${flags}; QUERY: ${m.questions.length}, ANSWER: ${m.answers.length}, AUTHORITY: ${m.authority.length}, ADDITIONAL: ${m.additional.length + (m.edns ? 1 : 0)}`,
  ];
  if (m.rd && !m.ra) lines.push(';; WARNING: recursion requested but not available');
  return lines;
}

function hex(b: Uint8Array): string {
  let out = '';
  for (const x of b) out += x.toString(16).padStart(2, '0');
  return out;
}

/** `;; OPT PSEUDOSECTION:` and its lines. */
export function digOptLines(e: Edns): string[] {
  const flags = e.dnssecOk ? ' do' : '';
  const lines = [';; OPT PSEUDOSECTION:', `; EDNS: version: ${e.version}, flags:${flags}; udp: ${e.udpSize}`];
  if (e.flags) lines.push(`; MBZ: 0x${e.flags.toString(16).padStart(4, '0')}, udp: ${e.udpSize}`);
  for (const o of e.options) {
    if (o.code === 10) lines.push(`; COOKIE: ${hex(o.data)}`);
    else if (o.code === 3) lines.push(`; NSID: ${hex(o.data)}`);
    else
      lines.push(
        `; OPT=${o.code}: ${[...o.data].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')}`,
      );
  }
  return lines;
}

/** The header comment, sections and nothing else (dig +nostats +nocmd's middle part). */
export function digMessageLines(m: DnsMessage): string[] {
  const lines = [...digHeaderLines(m), ''];
  if (m.edns) lines.push(...digOptLines(m.edns));
  if (m.questions.length) lines.push(';; QUESTION SECTION:', ...m.questions.map(digQuestionLine), '');
  const sections: [string, readonly DnsRecord[]][] = [
    ['ANSWER', m.answers],
    ['AUTHORITY', m.authority],
    ['ADDITIONAL', m.additional],
  ];
  for (const [name, list] of sections) {
    if (list.length) lines.push(`;; ${name} SECTION:`, ...list.map(digRecordLine), '');
  }
  return lines;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** strftime `%a %b %d %H:%M:%S UTC %Y` of milliseconds since the Unix epoch. */
export function digWhen(epochMs: number): string {
  const d = new Date(epochMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

/** Which parts of the output dig prints (its display options). */
export interface DigDisplay {
  /** The banner (`; <<>> DiG ...`), `; (1 server found)`, `;; global options: +cmd`. */
  readonly cmd: boolean;
  /** `;; Got answer:`, the header, the OPT pseudo-section, section titles and blank lines. */
  readonly comments: boolean;
  readonly question: boolean;
  readonly answer: boolean;
  readonly authority: boolean;
  readonly additional: boolean;
  /** Query time, SERVER, WHEN, MSG SIZE. */
  readonly stats: boolean;
  /** `+short`: only the data of the answer records. */
  readonly short: boolean;
}

/** dig's default display: everything, in the long form. */
export const DIG_FULL_DISPLAY: DigDisplay = {
  cmd: true,
  comments: true,
  question: true,
  answer: true,
  authority: true,
  additional: true,
  stats: true,
  short: false,
};

/** dig's banner: `; <<>> DiG 9.18 <<>> ARGS`, the server count, the global options. */
export function digBannerLines(
  args: readonly string[],
  options: { readonly serverGiven: boolean; readonly version?: string },
): string[] {
  return [
    '',
    `; <<>> DiG ${options.version ?? '9.18-netlab'} <<>> ${args.join(' ')}`,
    ...(options.serverGiven ? ['; (1 server found)'] : []),
    ';; global options: +cmd',
  ];
}

export interface DigRun {
  /** The arguments as typed after `dig`. */
  readonly args: readonly string[];
  /** Shown after `DiG`. Default '9.18-netlab'. */
  readonly version?: string;
  /** Whether the server came from `@server` (dig then prints `; (1 server found)`). */
  readonly serverGiven: boolean;
  readonly response: DnsMessage;
  readonly server: { readonly address: string; readonly port: number };
  /** The server as the user named it (`@ns1`), for the SERVER line; default its address. */
  readonly serverName?: string;
  readonly transport: 'udp' | 'tcp';
  /** The UDP answer was truncated and the query retried over TCP. */
  readonly retriedOverTcp?: boolean;
  /** Round trip, ns (printed in whole milliseconds, truncated). */
  readonly rttNs: number;
  /** Wall-clock (or simulated) time of the answer, ms since the epoch. */
  readonly whenMs: number;
  /** Octets received. */
  readonly size: number;
  /** What to print; default everything (`DIG_FULL_DISPLAY`). */
  readonly display?: DigDisplay;
}

/** The whole output of `dig` for one answered query. */
export function digLines(run: DigRun): string[] {
  const d = run.display ?? DIG_FULL_DISPLAY;
  const m = run.response;
  const lines: string[] = [];
  if (run.retriedOverTcp) lines.push(';; Truncated, retrying in TCP mode.');
  if (d.short) return [...lines, ...digShortLines(m)];
  if (d.cmd) lines.push(...digBannerLines(run.args, run));
  if (d.comments) {
    lines.push(';; Got answer:', ...digHeaderLines(m), '');
    if (m.edns) lines.push(...digOptLines(m.edns));
  }
  const sections: [string, boolean, readonly string[]][] = [
    ['QUESTION', d.question, m.questions.map(digQuestionLine)],
    ['ANSWER', d.answer, m.answers.map(digRecordLine)],
    ['AUTHORITY', d.authority, m.authority.map(digRecordLine)],
    ['ADDITIONAL', d.additional, m.additional.map(digRecordLine)],
  ];
  for (const [name, shown, list] of sections) {
    if (!shown || list.length === 0) continue;
    if (d.comments) lines.push(`;; ${name} SECTION:`);
    lines.push(...list);
    if (d.comments) lines.push('');
  }
  if (d.stats)
    lines.push(
      `;; Query time: ${Math.floor(run.rttNs / 1_000_000)} msec`,
      `;; SERVER: ${run.server.address}#${run.server.port}(${run.serverName ?? run.server.address}) (${run.transport.toUpperCase()})`,
      `;; WHEN: ${digWhen(run.whenMs)}`,
      `;; MSG SIZE  rcvd: ${run.size}`,
      '',
    );
  return lines;
}

/** `dig +short`: the data of the answer records only. */
export function digShortLines(m: DnsMessage): string[] {
  return m.answers.map((r) => formatRdata(r.data));
}

/**
 * What dig prints when no server answered: one `communications error` line per try
 * (`timed out`, or `connection refused` after an ICMP port unreachable), then the header.
 */
export function digFailureLines(
  args: readonly string[],
  server: { readonly address: string; readonly port: number },
  errors: readonly ('timed out' | 'connection refused')[],
  options: { readonly serverGiven: boolean; readonly version?: string },
): string[] {
  return [
    ...errors.map((e) => `;; communications error to ${server.address}#${server.port}: ${e}`),
    ...digBannerLines(args, options),
    ';; no servers could be reached',
  ];
}
