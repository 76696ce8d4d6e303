/**
 * dig's lookups (BIND 9.18 dighost.c), over any DnsIo: the shell's `dig` on a simulated
 * node and `netlab dig` on real sockets run this same code, and print the same text.
 *
 * For each lookup: the servers are `@server` (a name is resolved first, as dig does with
 * getaddrinfo) or resolv.conf's; each gets `+tries` tries of `+timeout` seconds; the
 * answer prints as dig prints it (format/dig.ts), a try without one as
 * `;; communications error to 10.0.0.53#53: timed out` (or `connection refused` after an
 * ICMP port unreachable), and over TCP a refused connection as
 * `;; Connection to 10.0.0.53#53(10.0.0.53) for NAME failed: connection refused.` with
 * `;; no servers could be reached`. When nothing answered, the banner (if it was not
 * printed yet) and `;; no servers could be reached` end the lookup.
 *
 * Exit status as dig's: 0 when every lookup got an answer (NXDOMAIN is an answer), 9 when
 * one got none, 1 for usage errors, 10 for a name that is not a domain name.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { DnsIo } from '../../application/dns/dns-io.ts';
import { canonicalName } from '../../application/dns/dns-name.ts';
import { digBannerLines, digLines } from '../format/dig.ts';
import type { DigCommandLine, DigLookup } from './dig-options.ts';
import {
  askServers,
  buildQuery,
  communicationsError,
  type DnsToolEnvironment,
  searchCandidates,
  type ToolServer,
} from './query-loop.ts';

/** Exit statuses of dig(1). */
export const DIG_EXIT = { ok: 0, usage: 1, noReply: 9, internal: 10 } as const;

/** The servers a lookup asks, or the error dig prints when `@name` does not resolve. */
async function serversOf(
  lookup: DigLookup,
  env: DnsToolEnvironment,
): Promise<ToolServer[] | { error: string }> {
  if (lookup.server !== undefined) {
    const literal = parseIpv4Address(lookup.server) !== undefined;
    const address = literal ? lookup.server : await env.resolveServer(lookup.server);
    if (address === undefined)
      return { error: `dig: couldn't get address for '${lookup.server}': not found` };
    return [{ address, port: lookup.port, name: lookup.server }];
  }
  return env.nameservers.map((address) => ({ address, port: lookup.port, name: address }));
}

/** Runs every lookup of a parsed command line; resolves with dig's exit status. */
export async function runDig(io: DnsIo, cmd: DigCommandLine, env: DnsToolEnvironment): Promise<number> {
  for (const w of cmd.warnings) env.err(w);
  let bannerDue = cmd.cmd;
  let status: number = DIG_EXIT.ok;
  for (const lookup of cmd.lookups) {
    const servers = await serversOf(lookup, env);
    if ('error' in servers) {
      env.err(servers.error);
      return DIG_EXIT.usage;
    }
    const serverGiven = lookup.server !== undefined;
    let names: string[];
    try {
      const candidates = lookup.search ? searchCandidates(lookup.name, env.search, env.ndots) : [lookup.name];
      names = candidates.map(canonicalName);
    } catch (e) {
      if (!(e instanceof NetlabError)) throw e;
      env.err(`dig: '${lookup.name}' is not a legal name (${e.message.replace(/ in '.*$/, '')})`);
      return DIG_EXIT.internal;
    }
    let answered = false;
    for (const [i, name] of names.entries()) {
      const message = buildQuery(name, lookup.type, lookup.qclass, {
        rd: lookup.recurse,
        ad: lookup.adflag,
        cd: lookup.cdflag,
        ...(lookup.edns === undefined ? {} : { edns: { version: lookup.edns, udpSize: lookup.bufsize } }),
      });
      let onlyTcpRefusals = true;
      const got = await askServers(
        io,
        message,
        servers,
        { timeout: lookup.timeout, tries: lookup.tries, tcp: lookup.tcp, ignoreTc: lookup.ignoreTc },
        (f, server) => {
          if (f.transport === 'tcp' && !lookup.tcp) env.out(';; Truncated, retrying in TCP mode.');
          if (f.transport === 'tcp' && f.error === 'refused') {
            env.out(
              `;; Connection to ${server.address}#${server.port}(${server.name}) for ${lookup.name} failed: connection refused.`,
            );
            env.out(';; no servers could be reached');
            return;
          }
          onlyTcpRefusals = false;
          env.out(communicationsError(f, server));
        },
      );
      if (!got) {
        if (!onlyTcpRefusals || servers.length === 0) {
          if (bannerDue)
            for (const l of digBannerLines(cmd.args, { serverGiven, version: env.version })) env.out(l);
          env.out(';; no servers could be reached');
        }
        bannerDue = false;
        break;
      }
      // With +search, an NXDOMAIN moves on to the next candidate (dig's next_origin).
      if (got.answer.response.rcode === 3 && i < names.length - 1) continue;
      const r = got.answer;
      const display = { ...lookup.display, cmd: bannerDue && lookup.display.cmd };
      bannerDue = false;
      for (const l of digLines({
        args: cmd.args,
        serverGiven,
        response: r.response,
        server: r.server,
        serverName: got.server.name,
        transport: r.transport,
        retriedOverTcp: r.retriedOverTcp,
        rttNs: r.rtt,
        whenMs: env.whenMs(),
        size: r.bytes.length,
        display,
        ...(env.version === undefined ? {} : { version: env.version }),
      }))
        env.out(l);
      answered = true;
      break;
    }
    if (!answered) status = DIG_EXIT.noReply;
  }
  return status;
}
