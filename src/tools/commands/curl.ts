/**
 * `curl`: transfer URLs over HTTP/1.0, HTTP/1.1 or HTTP/2 (prior knowledge on http://,
 * ALPN h2 on https://), over TLS for https://, printing what curl 7.88.1 prints.
 *
 *   curl [-v] [-i] [-I] [-s] [-S] [-f] [-L] [--max-redirs N] [-o FILE] [-H 'Name: value']... [-h]
 *        [-X METHOD] [-d DATA]... [-A AGENT] [-w FORMAT] [-m SECONDS] [--connect-timeout SECONDS]
 *        [-0 | --http1.0 | --http1.1 | --http2 | --http2-prior-knowledge]
 *        [-k] [--cacert FILE] [--tlsv1.2 | --tlsv1.3] [--tls-max VERSION] [--ciphers LIST]
 *        [-E | --cert NAME] [--key NAME] URL...
 *
 * This file is the shell command and the argument parser; the transfers are
 * curl-transfers.ts, which real-mode `netlab curl` runs too (src/cli/curl-command.ts
 * parses its arguments with `parseCurlArguments`, below). In the lab, names resolve as on
 * the node (address literals, the lab's host names, then its DNS resolver), connections
 * are the node's TCP, and https:// uses the node's TLS service (`installTls`: its trust
 * store, seeded randomness and wall clock), so a certificate the node does not trust
 * fails with curl's exit 60. `--cacert FILE` trusts the PEM certificates of a lab file
 * instead (files written by the lab's commands), `-k` trusts anything.
 *
 * `--cert` and `--key` name the node's client certificates (`pki.clients`), which the lab
 * keeps as if each were the files NAME.crt (the chain), NAME.key (its key) and NAME.pem
 * (both in one file): `--cert alice` or `--cert alice.pem` alone, or `--cert alice.crt
 * --key alice.key`. Anything else is what curl says of a file it cannot use, exit 58:
 * a name the node does not hold ("could not load PEM client certificate"), a .crt without
 * its key or a key of another certificate ("unable to set private key file").
 */
import { keepLabFile } from '../shell/lab-files.ts';
import { parseCertificatesPem } from '../../application/pki/certificate.ts';
import { TrustStore } from '../../application/pki/trust-store.ts';
import type { TlsVersion } from '../../application/tls/code-points.ts';
import { NODE_TLS } from '../../application/tls/node-tls.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { simClock } from '../../sim/clock.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import { CURL_USER_AGENT } from '../format/curl.ts';
import type { Command, CommandContext } from '../shell/command.ts';
import { choiceValue, integerValue, numberValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost } from '../shell/resolve-host.ts';
import type { Credential } from '../../application/tls/config.ts';
import type { CurlTlsFailure } from '../format/curl-tls.ts';
import { type CurlOptions, type CurlTls, runCurl } from './curl-transfers.ts';

const TLS_VERSION = choiceValue('unsupported TLS version', ['1.2', '1.3']);

export const CURL_SPEC = {
  program: 'curl',
  options: {
    verbose: { short: 'v', long: 'verbose' },
    include: { short: 'i', long: 'include' },
    head: { short: 'I', long: 'head' },
    silent: { short: 's', long: 'silent' },
    showError: { short: 'S', long: 'show-error' },
    fail: { short: 'f', long: 'fail' },
    location: { short: 'L', long: 'location' },
    maxRedirs: {
      long: 'max-redirs',
      value: integerValue({ label: 'expected a proper numerical parameter', min: -1 }),
    },
    output: { short: 'o', long: 'output', value: stringValue() },
    header: { short: 'H', long: 'header', value: stringValue(), multiple: true },
    request: { short: 'X', long: 'request', value: stringValue() },
    data: { short: 'd', long: 'data', value: stringValue(), multiple: true },
    dataBinary: { long: 'data-binary', value: stringValue(), multiple: true },
    userAgent: { short: 'A', long: 'user-agent', value: stringValue() },
    writeOut: { short: 'w', long: 'write-out', value: stringValue() },
    maxTime: {
      short: 'm',
      long: 'max-time',
      value: numberValue({ label: 'expected a proper numerical parameter', min: 0 }),
    },
    connectTimeout: {
      long: 'connect-timeout',
      value: numberValue({ label: 'expected a proper numerical parameter', min: 0 }),
    },
    http10: { short: '0', long: 'http1.0' },
    help: { short: 'h', long: 'help' },
    http11: { long: 'http1.1' },
    http2: { long: 'http2' },
    http2PriorKnowledge: { long: 'http2-prior-knowledge' },
    insecure: { short: 'k', long: 'insecure' },
    cacert: { long: 'cacert', value: stringValue() },
    tlsv12: { long: 'tlsv1.2' },
    tlsv13: { long: 'tlsv1.3' },
    tlsMax: { long: 'tls-max', value: TLS_VERSION },
    ciphers: { long: 'ciphers', value: stringValue() },
    tls13Ciphers: { long: 'tls13-ciphers', value: stringValue() },
    cert: { short: 'E', long: 'cert', value: stringValue() },
    key: { long: 'key', value: stringValue() },
    resolve: { long: 'resolve', value: stringValue(), multiple: true },
  },
} as const;

/** `curl --help` (7.88.1). */
export const CURL_HELP: readonly string[] = [
  'Usage: curl [options...] <url>',
  ' -d, --data <data>          HTTP POST data',
  ' -f, --fail                 Fail fast with no output on HTTP errors',
  ' -h, --help <category>      Get help for commands',
  ' -i, --include              Include protocol response headers in the output',
  ' -o, --output <file>        Write to file instead of stdout',
  ' -O, --remote-name          Write output to a file named as the remote file',
  ' -s, --silent               Silent mode',
  ' -T, --upload-file <file>   Transfer local FILE to destination',
  ' -u, --user <user:password> Server user and password',
  ' -A, --user-agent <name>    Send User-Agent <name> to server',
  ' -v, --verbose              Make the operation more talkative',
  ' -V, --version              Show version number and quit',
  '',
  'This is not the full help, this menu is stripped into categories.',
  'Use "--help category" to get an overview of all categories.',
  'For all options use the manual or "--help all".',
];

const TRY_HELP = "curl: try 'curl --help' or 'curl --manual' for more information";

/** What the command line asks for, beyond the transfers: where trust and client keys come from. */
export interface CurlArguments {
  readonly options: CurlOptions;
  /** --cacert */
  readonly cacert?: string;
  /** --cert / --key */
  readonly cert?: string;
  readonly key?: string;
  /** --resolve HOST:PORT:ADDRESS */
  readonly resolve: readonly { readonly host: string; readonly port: number; readonly address: string }[];
}

/**
 * curl's command line as options; `{ exit, lines }` for help, usage errors (2) and bad
 * values. `tty`: whether standard output is a terminal.
 */
export function parseCurlArguments(
  argv: readonly string[],
  tty: boolean,
):
  | CurlArguments
  | { readonly exit: number; readonly out?: readonly string[]; readonly err?: readonly string[] } {
  const parsed = parseOptions(argv, CURL_SPEC);
  if ('error' in parsed) return { exit: 2, err: [parsed.error, TRY_HELP] };
  const o = parsed.options;
  if (o.help) return { exit: 0, out: CURL_HELP };
  if (parsed.positionals.length === 0) return { exit: 2, err: ['curl: no URL specified!', TRY_HELP] };
  const resolve: { host: string; port: number; address: string }[] = [];
  for (const r of o.resolve ?? []) {
    const m = /^([^:]+):(\d+):(.+)$/.exec(r);
    if (!m) return { exit: 49, err: [`curl: (49) Couldn't parse CURLOPT_RESOLVE entry '${r}'`] };
    resolve.push({ host: m[1]!, port: Number(m[2]), address: m[3]!.replace(/^\[|\]$/g, '') });
  }
  const headers = (o.header ?? []).flatMap((h): [string, string][] => {
    const colon = h.indexOf(':');
    return colon > 0 ? [[h.slice(0, colon).trim(), h.slice(colon + 1).trim()]] : [];
  });
  const bodyParts = [...(o.data ?? []), ...(o.dataBinary ?? [])];
  const tlsMin: TlsVersion | undefined = o.tlsv13 ? '1.3' : o.tlsv12 ? '1.2' : undefined;
  const split = (list: string | undefined) => list?.split(':').filter((c) => c !== '');
  const options: CurlOptions = {
    url: parsed.positionals,
    verbose: o.verbose === true,
    include: o.include === true,
    head: o.head === true,
    silent: o.silent === true,
    showError: o.showError === true,
    fail: o.fail === true,
    location: o.location === true,
    ...(o.maxRedirs !== undefined ? { maxRedirs: o.maxRedirs } : {}),
    ...(o.output !== undefined ? { output: o.output } : {}),
    headers,
    ...(o.request !== undefined ? { method: o.request } : {}),
    ...(bodyParts.length > 0 ? { data: bodyParts.join('&') } : {}),
    ...(o.userAgent !== undefined ? { userAgent: o.userAgent } : {}),
    ...(o.writeOut !== undefined ? { writeOut: o.writeOut } : {}),
    ...(o.maxTime !== undefined ? { maxTimeMs: o.maxTime * 1000 } : {}),
    ...(o.connectTimeout !== undefined ? { connectTimeoutMs: o.connectTimeout * 1000 } : {}),
    http10: o.http10 === true,
    http11: o.http11 === true,
    http2PriorKnowledge: o.http2PriorKnowledge === true,
    insecure: o.insecure === true,
    ...(tlsMin ? { tlsMin } : {}),
    ...(o.tlsMax ? { tlsMax: o.tlsMax as TlsVersion } : {}),
    ...(o.ciphers ? { ciphers: split(o.ciphers)! } : {}),
    ...(o.tls13Ciphers ? { tls13Ciphers: split(o.tls13Ciphers)! } : {}),
    tty,
  };
  return {
    options,
    ...(o.cacert !== undefined ? { cacert: o.cacert } : {}),
    ...(o.cert !== undefined ? { cert: o.cert } : {}),
    ...(o.key !== undefined ? { key: o.key } : {}),
    resolve,
  };
}

export const curl: Command = {
  name: 'curl',
  summary: 'transfer a URL (curl 7.88)',
  scope: 'node',
  async run(argv, ctx) {
    const args = parseCurlArguments(argv, true);
    if ('exit' in args) {
      for (const l of args.out ?? []) ctx.out(l);
      for (const l of args.err ?? []) ctx.err(l);
      return args.exit;
    }
    const node = ctx.node!;
    if (!node.service(TCP)) {
      ctx.err('curl: (7) this node has no TCP');
      return 7;
    }
    const sim = ctx.sim;
    const status = await runCurl(args.options, {
      clock: simClock(sim),
      deferred: () => sim.deferred(),
      resolve: async (host, port) => {
        const pinned = args.resolve.find((r) => r.host === host && r.port === port);
        if (pinned) return [pinned.address];
        const r = await resolveHost(ctx, host);
        return 'error' in r ? r : [formatIpv4Address(r.address)];
      },
      connect: (address, port) => node.requireService(TCP).connect(address, port, { noDelay: true }),
      ...(nodeTls(ctx, args) ? { tls: nodeTls(ctx, args)! } : {}),
      trace: sim.trace,
      node: node.name,
      onInterrupt: (fn) => {
        ctx.onInterrupt(fn);
      },
      stderr: (line) => ctx.err(line),
      stdout: (bytes) => writeLines(ctx, decoder.decode(bytes)),
      writeFile: (name, bytes) => keepLabFile(ctx.files, name, bytes),
    });
    return status;
  },
};

/** The base name of a client certificate file: `alice.crt` → alice, when it ends so. */
function baseName(file: string, endings: readonly string[]): string {
  const ending = endings.find((e) => file.endsWith(e) && file.length > e.length);
  return ending ? file.slice(0, -ending.length) : file;
}

/**
 * The client certificate --cert (and --key) name among the node's, or the failure curl
 * reports for it (58).
 */
export function clientCredential(
  held: ReadonlyMap<string, Credential>,
  cert: string,
  key: string | undefined,
): Credential | CurlTlsFailure {
  const name = baseName(cert, ['.pem', '.crt']);
  const credential = held.get(name);
  if (!credential) return { kind: 'client-cert', file: cert };
  if (key === undefined) return cert.endsWith('.crt') ? { kind: 'client-key', file: cert } : credential;
  return baseName(key, ['.pem', '.key']) === name && !key.endsWith('.crt')
    ? credential
    : { kind: 'client-key', file: key };
}

/** The node's TLS as curl's: its trust store, or the PEM lab file --cacert names. */
function nodeTls(ctx: CommandContext, args: CurlArguments): CurlTls | undefined {
  const tls = ctx.node?.service(NODE_TLS);
  if (!tls) return undefined;
  const cacert = args.cacert;
  const client =
    args.cert === undefined ? undefined : clientCredential(tls.clientCertificates, args.cert, args.key);
  let trustStore = tls.trustStore;
  let problem: CurlTls['problem'];
  if (cacert !== undefined) {
    const file = ctx.files.get(cacert);
    const certs = file ? parseCertificatesPem(decoder.decode(file)) : undefined;
    if (!certs || certs instanceof ProtocolError || certs.length === 0)
      problem = { kind: 'cafile', file: cacert };
    else trustStore = new TrustStore(cacert, certs);
  }
  if (!problem && client && 'kind' in client) problem = client;
  const certificate = client && !('kind' in client) ? client : undefined;
  return {
    trust: { cafile: cacert ?? `/etc/ssl/certs/ca-certificates.crt`, capath: '/etc/ssl/certs' },
    ...(problem ? { problem } : {}),
    connect: (transport, r) =>
      tls.connect(transport, {
        serverName: r.serverName,
        alpn: r.alpn,
        versions: r.versions,
        suites: r.suites,
        verify: r.verify,
        trustStore,
        ...(certificate ? { certificate } : {}),
        middleboxCompat: r.middleboxCompat,
        trace: r.trace,
        describe: true,
      }),
  };
}

const decoder = new TextDecoder();

/** Standard output as the shell's lines (without CR); a last line without newline too. */
function writeLines(ctx: CommandContext, text: string): void {
  if (text === '') return;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) ctx.out(l.endsWith('\r') ? l.slice(0, -1) : l);
}

export { CURL_USER_AGENT };
