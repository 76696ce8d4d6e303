/**
 * The text of BIND 9.18's nslookup in its one-shot form (`nslookup NAME [SERVER]`), as a
 * pure function of the answers to the A and AAAA queries it sends. Lines without '\n'.
 *
 * Rules from bin/dig/nslookup.c: `Server:` and `Address:` (server#port) lines and a blank
 * line; `Non-authoritative answer:` when the answer did not have AA; CNAMEs as
 * `name<TAB>canonical name = target.`; each address as `Name:<TAB>host` then
 * `Address: a.b.c.d` (names without the final dot); a final blank line. A name that does
 * not exist gives `** server can't find NAME: NXDOMAIN` (exit status 1), as do SERVFAIL
 * and REFUSED with their names.
 *
 * Left out: interactive mode, `set type=...` output for other types, reverse lookups.
 */
import type { DnsMessage } from '../../application/dns/dns-message.ts';

export interface NslookupRun {
  /** The name as typed. */
  readonly name: string;
  readonly server: { readonly address: string; readonly port: number };
  /** Answers in query order (A, then AAAA); missing when that query got no answer. */
  readonly responses: readonly (DnsMessage | undefined)[];
}

const bare = (n: string) => (n.length > 1 && n.endsWith('.') ? n.slice(0, -1) : n);

/** The output lines and the exit status. */
export function nslookupLines(run: NslookupRun): { lines: string[]; status: number } {
  const lines = [
    `Server:\t\t${run.server.address}`,
    `Address:\t${run.server.address}#${run.server.port}`,
    '',
  ];
  const first = run.responses.find((r) => r !== undefined);
  if (!first) {
    return { lines: [';; connection timed out; no servers could be reached', '', ''], status: 1 };
  }
  if (first.rcode !== 0) {
    const status =
      ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][first.rcode] ??
      `RCODE${first.rcode}`;
    lines.push(`** server can't find ${bare(run.name)}: ${status}`, '');
    return { lines, status: 1 };
  }
  let headed = false;
  run.responses.forEach((m, i) => {
    if (m?.rcode !== 0) return;
    for (const r of m.answers) {
      if (!headed && !m.aa) lines.push('Non-authoritative answer:');
      headed = true;
      if (r.data.kind === 'name' && r.type === 5) {
        if (i === 0) lines.push(`${bare(r.name)}\tcanonical name = ${r.data.target}`);
      } else if (r.data.kind === 'a' || r.data.kind === 'aaaa') {
        lines.push(`Name:\t${bare(r.name)}`, `Address: ${r.data.address}`);
      }
    }
  });
  lines.push('');
  return { lines, status: 0 };
}
