/**
 * `host` (BIND 9.18 bin/dig/host.c) in its everyday form, over any DnsIo:
 *
 *   host [-t TYPE] [-p PORT] [-W WAIT] [-R RETRIES] [-T] [-r] [-4] NAME [SERVER]
 *
 * Without -t: A, AAAA, then MX; an IPv4 address as NAME asks for its PTR record. The
 * output is format/host.ts. Exit status 1 after an error rcode or when no server
 * answered, 2 for a type host does not know (host's own).
 *
 * Left out: -v/-a/-d (dig-like output), -l (zone transfers), -C, -N, -w, -6.
 */
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { RecordType, typeNumber } from '../../application/dns/dns-constants.ts';
import type { DnsIo } from '../../application/dns/dns-io.ts';
import { canonicalName } from '../../application/dns/dns-name.ts';
import { hostMessageLines, hostServerLines } from '../format/host.ts';
import { integerValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { reverseName } from './dig-options.ts';
import {
  askServers,
  buildQuery,
  communicationsError,
  type DnsToolEnvironment,
  type ToolServer,
} from './query-loop.ts';

export const HOST_USAGE: readonly string[] = [
  'Usage: host [-aCdilrTvVw] [-c class] [-N ndots] [-t type] [-W time]',
  '            [-R number] [-m flag] [-p port] hostname [server]',
  '       -a is equivalent to -v -t ANY',
  '       -A is like -a but omits RRSIG, NSEC, NSEC3',
  '       -c specifies query class for non-IN data',
  '       -C compares SOA records on authoritative nameservers',
  '       -d is equivalent to -v',
  '       -l lists all hosts in a domain, using AXFR',
  '       -m set memory debugging flag (trace|record|usage)',
  '       -N changes the number of dots allowed before root lookup is done',
  '       -p specifies the port on the server to query',
  '       -r disables recursive processing',
  '       -R specifies number of retries for UDP packets',
  '       -s a SERVFAIL response should stop query',
  '       -t specifies the query type',
  '       -T enables TCP/IP mode',
  '       -U enables UDP mode',
  '       -v enables verbose output',
  '       -V print version number and exit',
  '       -w specifies to wait forever for a reply',
  '       -W specifies how long to wait for a reply',
  '       -4 use IPv4 query transport only',
  '       -6 use IPv6 query transport only',
];

const SPEC = {
  program: 'host',
  options: {
    type: { short: 't', value: stringValue() },
    port: { short: 'p', value: integerValue({ label: 'invalid port', min: 1, max: 65535 }) },
    wait: { short: 'W', value: integerValue({ label: 'invalid wait', min: 0 }) },
    retries: { short: 'R', value: integerValue({ label: 'invalid retries', min: 0, max: 100 }) },
    tcp: { short: 'T' },
    udp: { short: 'U' },
    norecurse: { short: 'r' },
    ipv4: { short: '4' },
  },
} as const;

export async function runHost(io: DnsIo, argv: readonly string[], env: DnsToolEnvironment): Promise<number> {
  const parsed = parseOptions(argv, SPEC);
  if ('error' in parsed) {
    env.err(parsed.error);
    for (const l of HOST_USAGE) env.err(l);
    return 1;
  }
  const o = parsed.options;
  if (parsed.positionals.length === 0 || parsed.positionals.length > 2) {
    for (const l of HOST_USAGE) env.err(l);
    return 1;
  }
  const [name, serverText] = parsed.positionals as [string, string | undefined];
  let typeGiven: number | undefined;
  if (o.type !== undefined) {
    typeGiven = typeNumber(o.type);
    if (typeGiven === undefined) {
      env.err(`host: invalid type: ${o.type}`);
      env.err('');
      return 2;
    }
  }
  const port = o.port ?? 53;
  let servers: ToolServer[];
  if (serverText !== undefined) {
    const address =
      parseIpv4Address(serverText) !== undefined ? serverText : await env.resolveServer(serverText);
    if (address === undefined) {
      env.err(`host: couldn't get address for '${serverText}': not found`);
      return 1;
    }
    servers = [{ address, port, name: serverText }];
  } else servers = env.nameservers.map((address) => ({ address, port, name: address }));

  const reverse = parseIpv4Address(name) !== undefined ? reverseName(name) : undefined;
  let qname: string;
  try {
    qname = canonicalName(reverse ?? name);
  } catch {
    env.err(`host: '${name}' is not a legal name`);
    return 1;
  }
  const types =
    typeGiven !== undefined
      ? [typeGiven]
      : reverse
        ? [RecordType.PTR]
        : [RecordType.A, RecordType.AAAA, RecordType.MX];
  const options = { timeout: Math.max(1, o.wait ?? 5), tries: 1 + (o.retries ?? 1), tcp: o.tcp === true };
  let headed = false;
  for (const [i, type] of types.entries()) {
    const got = await askServers(
      io,
      buildQuery(qname, type, 1, { rd: !o.norecurse }),
      servers,
      options,
      (f, server) => env.out(communicationsError(f, server)),
    );
    if (!got) {
      env.out(';; no servers could be reached');
      return 1;
    }
    if (!headed && serverText !== undefined)
      for (const l of hostServerLines(got.server, got.server.name)) env.out(l);
    headed = true;
    const r = hostMessageLines(got.answer.response, {
      name: reverse ?? name,
      type,
      typeGiven: typeGiven !== undefined || reverse !== undefined,
      first: i === 0,
    });
    for (const l of r.lines) env.out(l);
    if (r.failed) return 1;
  }
  return 0;
}
