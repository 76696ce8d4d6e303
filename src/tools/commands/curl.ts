/**
 * `curl`: HTTP/1.x transfers from a node, printing what curl 7.88.1 prints (Debian 12):
 * `-v` shows the connection, the request and response heads (`*   Trying 10.0.2.80:80...`,
 * `> GET / HTTP/1.1`, `< HTTP/1.1 200 OK`, `* Connection #0 to host web left intact`);
 * the body goes to standard output. Names resolve as the other tools resolve them (the
 * lab's hosts, then the node's DNS resolver); connections are the node's simulated TCP.
 *
 * Options: -v, -i, -I, -X METHOD, -H 'Name: value' (repeatable), -d DATA (repeatable,
 * joined by '&' as curl does), --data-binary DATA, -A AGENT, -0/--http1.0, -m SECONDS,
 * -s, -S, -o FILE (the lab has no files: the body is discarded). Exit statuses are curl's:
 * 6 unresolved, 7 cannot connect, 18 partial body, 28 timeout, 52 empty reply.
 *
 * Left out: https (TLS), HTTP/2 (--http2), redirects (-L), cookies (-b/-c), -w formats,
 * uploads from files (-T, -d @file), the progress meter.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { simClock } from '../../sim/clock.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import type { Command } from '../shell/command.ts';
import { numberValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost } from '../shell/resolve-host.ts';
import { runCurl } from './curl-transfers.ts';

const SPEC = {
  program: 'curl',
  options: {
    verbose: { short: 'v', long: 'verbose' },
    include: { short: 'i', long: 'include' },
    head: { short: 'I', long: 'head' },
    request: { short: 'X', long: 'request', value: stringValue() },
    header: { short: 'H', long: 'header', value: stringValue(), multiple: true },
    data: { short: 'd', long: 'data', value: stringValue(), multiple: true },
    dataBinary: { long: 'data-binary', value: stringValue() },
    userAgent: { short: 'A', long: 'user-agent', value: stringValue() },
    http10: { short: '0', long: 'http1.0' },
    http11: { long: 'http1.1' },
    maxTime: {
      short: 'm',
      long: 'max-time',
      value: numberValue({ label: 'expected a proper numerical parameter', min: 0 }),
    },
    silent: { short: 's', long: 'silent' },
    showError: { short: 'S', long: 'show-error' },
    output: { short: 'o', long: 'output', value: stringValue() },
    help: { short: 'h', long: 'help' },
  },
} as const;

const USAGE = [
  'Usage: curl [options...] <url>',
  ' -d, --data <data>          HTTP POST data',
  ' -H, --header <header/@file> Pass custom header(s) to server',
  ' -i, --include              Include protocol response headers in the output',
  ' -I, --head                 Show document info only',
  ' -o, --output <file>        Write to file instead of stdout',
  ' -s, --silent               Silent mode',
  ' -v, --verbose              Make the operation more talkative',
  ' -X, --request <method>     Specify request method to use',
];

const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information";

export const curl: Command = {
  name: 'curl',
  summary: 'transfer a URL (HTTP/1.0 and 1.1)',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      ctx.err(TRY_HELP);
      return 2;
    }
    const o = parsed.options;
    if (o.help) {
      for (const l of USAGE) ctx.out(l);
      return 0;
    }
    if (parsed.positionals.length === 0) {
      ctx.err(TRY_HELP);
      return 2;
    }
    const headers: [string, string][] = [];
    for (const h of o.header ?? []) {
      const colon = h.indexOf(':');
      if (colon <= 0) continue; // curl ignores a header without a colon
      headers.push([h.slice(0, colon).trim(), h.slice(colon + 1).trim()]);
    }
    const data = o.dataBinary ?? (o.data ? o.data.join('&') : undefined);
    const node = ctx.node!;
    const sim = ctx.sim;
    const result = await runCurl(
      {
        url: parsed.positionals,
        verbose: o.verbose === true,
        include: o.include === true,
        head: o.head === true,
        method: o.request,
        headers,
        data,
        userAgent: o.userAgent,
        http10: o.http10 === true,
        maxTimeMs: o.maxTime === undefined ? undefined : Math.round(o.maxTime * 1000),
        tty: true,
        silent: o.silent === true,
        showError: o.showError === true,
      },
      {
        clock: simClock(sim),
        trace: sim.trace,
        node: node.name,
        resolve: async (host) => {
          const r = await resolveHost(ctx, host);
          return 'error' in r ? [] : [formatIpv4Address(r.address)];
        },
        connect: (address, port) => {
          const tcp = node.service(TCP);
          if (!tcp) return Promise.reject(new Error('no TCP on this node'));
          return tcp.connect(address, port);
        },
        onInterrupt: (fn) => ctx.onInterrupt(fn),
      },
    );
    const discard = o.output !== undefined && o.output !== '-';
    const decoder = new TextDecoder();
    for (const piece of result.output) {
      if ('bytes' in piece) {
        if (discard) continue;
        const text = decoder.decode(piece.bytes);
        const lines = text.split('\n');
        if (lines[lines.length - 1] === '') lines.pop();
        for (const l of lines) ctx.out(l.endsWith('\r') ? l.slice(0, -1) : l);
      } else if (piece.stream === 'stderr') ctx.err(piece.text);
    }
    return result.exitCode;
  },
};
