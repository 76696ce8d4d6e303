/**
 * `netlab curl`: curl's transfers (src/tools/commands/curl-transfers.ts, the same code the
 * simulator's `curl` command runs) over real sockets: the host's DNS resolver
 * (getaddrinfo order, IPv4 first, `--resolve` pins), real TCP connections
 * (src/real/net-stream.ts, TCP_NODELAY as curl sets it), the host's clock, and for
 * https:// the project's TLS (src/application/tls) trusting `--cacert FILE` or the system
 * bundle (/etc/ssl/certs/ca-certificates.crt; roots netlab cannot parse are skipped),
 * with an optional client certificate (--cert/--key) and SSLKEYLOGFILE lines.
 *
 * The result holds both streams: standard error line by line, standard output as bytes,
 * and the two interleaved in the order a terminal shows them.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { type Certificate, parseCertificate } from '../application/pki/certificate.ts';
import { decodePem } from '../application/pki/pem.ts';
import { TrustStore } from '../application/pki/trust-store.ts';
import { tlsConnect } from '../application/tls/tls-stream.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { plainDeferred } from '../sim/plain-deferred.ts';
import type { CurlOutputPiece } from '../tools/format/curl.ts';
import { type CurlOptions, type CurlTls, runCurl } from '../tools/commands/curl-transfers.ts';
import { loadCredential } from './https-server.ts';
import { connectNet } from './net-stream.ts';
import { realClock, realDeadlineClock } from './real-clock.ts';
import { hostRandom, hostWallClock } from './tls-host.ts';

export interface RealCurlOptions extends CurlOptions {
  /** --cacert: PEM file of trusted CA certificates (default: the system bundle). */
  readonly cacert?: string;
  /** --cert / --key: a client certificate (PEM). */
  readonly cert?: string;
  readonly key?: string;
  /** --resolve host:port:address. */
  readonly resolve?: readonly { readonly host: string; readonly port: number; readonly address: string }[];
  /** SSLKEYLOGFILE: appends NSS key log lines. */
  readonly keyLogFile?: string;
  /** Registers what to do on Ctrl-C. */
  readonly onInterrupt?: (fn: () => void) => void;
  /** Also hands each piece of output over the moment curl writes it (a terminal's view). */
  readonly live?: {
    stderr(line: string): void;
    stdout(bytes: Uint8Array): void;
  };
}

export interface RealCurlResult {
  /** curl's exit status (0, 6, 7, 18, 28, 35, 52, 60...; 130 when interrupted). */
  readonly exitCode: number;
  /** Standard error, line by line. */
  readonly stderr: readonly string[];
  /** Standard output: bodies (and heads with -i / -I, -w text), concatenated. */
  readonly stdout: Uint8Array;
  /** Both streams in the order a terminal shows them. */
  readonly output: readonly (CurlOutputPiece | { readonly stream: 'stdout'; readonly bytes: Uint8Array })[];
}

export const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';

/** Every root of a PEM bundle netlab can parse (the others are skipped). */
export function loadPemBundle(file: string): TrustStore {
  const blocks = decodePem(readFileSync(file, 'utf8'));
  const roots: Certificate[] = [];
  if (!(blocks instanceof ProtocolError)) {
    for (const b of blocks) {
      if (b.label !== 'CERTIFICATE') continue;
      const c = parseCertificate(b.der);
      if (!(c instanceof ProtocolError)) roots.push(c);
    }
  }
  return new TrustStore(file, roots);
}

/** The addresses curl would try for a host, in order (IPv4 first, as getaddrinfo gives them here). */
async function addressesOf(host: string): Promise<string[]> {
  if (isIP(host)) return [host];
  try {
    const all = await lookup(host, { all: true });
    return [...all.filter((a) => a.family === 4), ...all.filter((a) => a.family === 6)].map((a) => a.address);
  } catch {
    return [];
  }
}

/** The project's TLS with the host's randomness and clock, trusting --cacert or the system store. */
function realTls(options: RealCurlOptions): CurlTls {
  const cafile = options.cacert ?? SYSTEM_CA;
  const unreadable = options.cacert !== undefined && !existsSync(options.cacert);
  let store: TrustStore | undefined;
  const clientCert = options.cert ? loadCredential(options.cert, options.key ?? options.cert) : undefined;
  return {
    // Debian's curl is built with a CA path, which it names with --cacert too (checked against curl 7.88.1).
    trust: { cafile, capath: '/etc/ssl/certs' },
    ...(unreadable ? { problem: { kind: 'cafile', file: options.cacert! } } : {}),
    connect: (transport, r) => {
      if (r.verify) store ??= loadPemBundle(cafile);
      return tlsConnect(transport, {
        random: hostRandom,
        now: hostWallClock,
        clock: realDeadlineClock, // bounds the close linger without holding the process
        serverName: r.serverName,
        hostname: r.serverName,
        verify: r.verify,
        ...(store && r.verify ? { trustStore: store } : {}),
        versions: r.versions,
        suites: r.suites,
        alpn: r.alpn,
        middleboxCompat: r.middleboxCompat,
        ...(clientCert ? { certificate: clientCert } : {}),
        ...(options.keyLogFile
          ? { keyLog: (line: string) => appendFileSync(options.keyLogFile!, `${line}\n`) }
          : {}),
        trace: r.trace,
        describe: true,
      });
    },
  };
}

/** curl over real sockets (http://, https://, HTTP/2 by prior knowledge or ALPN). */
export async function realCurl(options: RealCurlOptions): Promise<RealCurlResult> {
  const output: RealCurlResult['output'][number][] = [];
  const stderr: string[] = [];
  const chunks: Uint8Array[] = [];
  const exitCode = await runCurl(options, {
    clock: realClock,
    deferred: plainDeferred,
    resolve: async (host, port) => {
      const pinned = options.resolve?.find((r) => r.host === host && r.port === port);
      return pinned ? [pinned.address] : addressesOf(host);
    },
    connect: async (address, port) => {
      const s = await connectNet(address, port);
      // curl sets TCP_NODELAY on every connection.
      s.socket.setNoDelay(true);
      return s;
    },
    tls: realTls(options),
    ...(options.onInterrupt ? { onInterrupt: options.onInterrupt } : {}),
    stderr: (text) => {
      stderr.push(text);
      output.push({ stream: 'stderr', text });
      options.live?.stderr(text);
    },
    stdout: (bytes) => {
      chunks.push(bytes);
      output.push({ stream: 'stdout', bytes });
      options.live?.stdout(bytes);
    },
    writeFile: (name, bytes) => writeFileSync(name, bytes),
  });
  const stdout = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    stdout.set(c, at);
    at += c.length;
  }
  return { exitCode, stderr, stdout, output };
}
