/**
 * nslookup in its one-shot form (BIND 9.18 bin/dig/nslookup.c), over any DnsIo — the
 * shell's `nslookup` and `netlab nslookup` run this code:
 *
 *   nslookup [-type=T] [-port=P] [-timeout=S] [-retry=N] [-[no]recurse] [-[no]vc] NAME [SERVER]
 *
 * Without `-type`, A then AAAA (of the CNAME target) are asked; an IPv4 address as NAME
 * asks for its PTR record. Unknown options and types are reported on stdout and ignored,
 * as nslookup does; more than two words give the usage (stderr, exit status 1). The
 * output is format/nslookup.ts; exit status 1 after an error rcode or no answer.
 *
 * Left out: interactive mode, `-debug`, `-class`, the search list.
 */
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { Rcode, RecordType, typeNumber } from '../../application/dns/dns-constants.ts';
import type { DnsIo } from '../../application/dns/dns-io.ts';
import { canonicalName } from '../../application/dns/dns-name.ts';
import {
  bareName,
  cnameTarget,
  type NslookupState,
  nslookupMessageLines,
  nslookupServerLines,
} from '../format/nslookup.ts';
import { reverseName } from './dig-options.ts';
import {
  askServers,
  buildQuery,
  communicationsError,
  type DnsToolEnvironment,
  type ToolServer,
} from './query-loop.ts';

export const NSLOOKUP_USAGE: readonly string[] = [
  'Usage:',
  '   nslookup [-opt ...]             # interactive mode using default server',
  "   nslookup [-opt ...] - server    # interactive mode using 'server'",
  "   nslookup [-opt ...] host        # just look up 'host' using default server",
  "   nslookup [-opt ...] host server # just look up 'host' using 'server'",
];

interface NslookupOptions {
  type?: number;
  port: number;
  timeout: number;
  tries: number;
  recurse: boolean;
  tcp: boolean;
}

export async function runNslookup(
  io: DnsIo,
  argv: readonly string[],
  env: DnsToolEnvironment,
): Promise<number> {
  const o: NslookupOptions = { port: 53, timeout: 5, tries: 3, recurse: true, tcp: false };
  const words: string[] = [];
  for (const a of argv) {
    if (!a.startsWith('-') || a === '-') {
      words.push(a);
      continue;
    }
    const [rawKey, value] = a.slice(1).split('=', 2) as [string, string | undefined];
    const key = rawKey.toLowerCase();
    const n = value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined;
    if ((key === 'type' || key === 'query' || key === 'q' || key === 'querytype') && value !== undefined) {
      const t = typeNumber(value);
      if (t === undefined) env.out(`unknown query type: ${value}`);
      else o.type = t;
    } else if (key === 'port' && n !== undefined && n > 0 && n < 65536) o.port = n;
    else if (key === 'timeout' && n !== undefined) o.timeout = Math.max(1, n);
    else if (key === 'retry' && n !== undefined) o.tries = Math.max(1, n);
    else if (key === 'recurse' || key === 'norecurse') o.recurse = key === 'recurse';
    else if (key === 'vc' || key === 'novc') o.tcp = key === 'vc';
    else env.out(`*** Invalid option: ${a.slice(1)}`);
  }
  if (words.length === 0 || words.length > 2 || words[0] === '-') {
    for (const l of NSLOOKUP_USAGE) env.err(l);
    return 1;
  }
  const [name, serverText] = words as [string, string | undefined];

  let servers: ToolServer[];
  if (serverText !== undefined) {
    const literal = parseIpv4Address(serverText) !== undefined;
    const address = literal ? serverText : await env.resolveServer(serverText);
    if (address === undefined) {
      env.err(`nslookup: couldn't get address for '${serverText}': not found`);
      return 1;
    }
    servers = [{ address, port: o.port, name: serverText }];
  } else {
    servers = env.nameservers.map((address) => ({ address, port: o.port, name: address }));
  }

  const reverse = parseIpv4Address(name) !== undefined ? reverseName(name) : undefined;
  const defaultLookups = o.type === undefined && reverse === undefined;
  let qname: string;
  try {
    qname = canonicalName(reverse ?? name);
  } catch {
    env.out(`*** Invalid option: ${name}`);
    return 1;
  }
  const queue: { name: string; textname: string; type: number }[] = [
    {
      name: qname,
      textname: reverse ? bareName(reverse) : name,
      type: o.type ?? (reverse ? RecordType.PTR : RecordType.A),
    },
  ];
  const state: NslookupState = { aNoAnswer: false };
  let headed = false;
  let status = 0;
  while (queue.length > 0) {
    const q = queue.shift()!;
    const got = await askServers(
      io,
      buildQuery(q.name, q.type, 1, { rd: o.recurse }),
      servers,
      { timeout: o.timeout, tries: o.tries, tcp: o.tcp },
      (f, server) => env.out(communicationsError(f, server)),
    );
    if (!got) {
      env.out(';; no servers could be reached');
      status = 1;
      break;
    }
    const m = got.answer.response;
    // A server that refuses or fails gets no Server: heading (nslookup moves on from it).
    if (!headed && m.rcode !== Rcode.SERVFAIL && m.rcode !== Rcode.REFUSED) {
      for (const l of nslookupServerLines(got.server, got.server.name)) env.out(l);
      headed = true;
    }
    const r = nslookupMessageLines(m, { textname: q.textname, type: q.type, defaultLookups }, state);
    for (const l of r.lines) env.out(l);
    if (r.failed) {
      status = 1;
      break;
    }
    if (defaultLookups && q.type === RecordType.A) {
      const target = cnameTarget(m, q.name);
      queue.push({ name: target, textname: bareName(target), type: RecordType.AAAA });
    }
  }
  env.out('');
  return status;
}
