/**
 * The text of BIND 9.18's `host`, as pure functions of the answers it got. Lines
 * without '\n'. Checked against host 9.18 (Debian 12) asking netlab's server.
 *
 * Rules from bin/dig/host.c (printsection, say_message, rtype table):
 *
 * - With a server given, a `Using domain server:` block (Name, Address server#port,
 *   Aliases) and a blank line come first.
 * - Each answer record prints as `owner TEXT data`: `has address`, `has IPv6 address`,
 *   `is an alias for`, `mail is handled by`, `name server`, `domain name pointer`,
 *   `descriptive text`...; other types `has TYPE record`. Owners lose their final dot,
 *   data is written as dig writes it.
 * - Without `-t`, host asks for A, AAAA and MX in turn; a CNAME prints with the first
 *   of them only, and an empty answer prints nothing. With `-t TYPE` an empty answer
 *   is `NAME has no TYPE record`.
 * - An error rcode is `Host NAME not found: 3(NXDOMAIN)`, exit status 1, and ends the
 *   lookups.
 *
 * Left out: the -v/-a (long, dig-like) and -l (zone transfer) outputs.
 */
import { rcodeName, typeName } from '../../application/dns/dns-constants.ts';
import type { DnsMessage, DnsRecord } from '../../application/dns/dns-message.ts';
import { formatRdata } from '../../application/dns/dns-presentation.ts';
import { bareName } from './nslookup.ts';

/** host.c's rtypes table: what a record of each type "is". */
const RTYPE_TEXT: Record<number, string> = {
  1: 'has address',
  2: 'name server',
  5: 'is an alias for',
  13: 'host information',
  15: 'mail is handled by',
  12: 'domain name pointer',
  16: 'descriptive text',
  17: 'responsible person',
  28: 'has IPv6 address',
  39: 'is an alias for',
};

/** The `Using domain server:` block. */
export function hostServerLines(server: { address: string; port: number }, name?: string): string[] {
  return [
    'Using domain server:',
    `Name: ${name ?? server.address}`,
    `Address: ${server.address}#${server.port}`,
    'Aliases: ',
    '',
  ];
}

/** One answer record: `www.example.com has address 192.0.2.80`. */
export function hostRecordLine(r: DnsRecord): string {
  const text = RTYPE_TEXT[r.type] ?? `has ${typeName(r.type)} record`;
  return `${bareName(r.name)} ${text} ${formatRdata(r.data)}`;
}

/**
 * The lines for one answered query, and whether it failed (an error rcode). `typeGiven`
 * is -t's type, undefined for the default lookups; `first` says whether this is the
 * first of them (CNAMEs print only there).
 */
export function hostMessageLines(
  m: DnsMessage,
  query: {
    readonly name: string;
    readonly type: number;
    readonly typeGiven: boolean;
    readonly first: boolean;
  },
): { lines: string[]; failed: boolean } {
  const rcode = m.rcode | ((m.edns?.extendedRcode ?? 0) << 4);
  if (rcode !== 0) {
    const name = bareName(m.questions[0]?.name ?? query.name);
    return { lines: [`Host ${name} not found: ${rcode}(${rcodeName(rcode)})`], failed: true };
  }
  const shown = m.answers.filter((r) => query.first || r.type !== 5);
  if (shown.length === 0 && m.answers.length === 0 && query.typeGiven)
    return { lines: [`${bareName(query.name)} has no ${typeName(query.type)} record`], failed: false };
  return { lines: shown.map(hostRecordLine), failed: false };
}
