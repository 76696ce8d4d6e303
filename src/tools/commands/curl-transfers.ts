/**
 * curl's transfers, once, for every network: the simulator's `curl` shell command
 * (curl.ts) and real-mode `netlab curl` (src/real/http-client.ts) both run `runCurl`, which
 * resolves the host, connects (trying each address), speaks TLS for https:// (netlab's
 * own, src/application/tls), sends the request with curl's headers over HTTP/1.0, 1.1 or
 * HTTP/2 (prior knowledge for http://, ALPN h2 for https://), follows redirects, and says
 * every step in curl 7.88.1's words (src/tools/format/curl.ts, curl-extras.ts,
 * curl-tls.ts). Several URLs, and the redirects of one, share a kept-alive connection
 * to the same scheme, host and port, as curl's connection cache does.
 *
 * Lines are written the moment they happen on the environment's clock — simulated time
 * in the lab, the host's in real mode: the connection lines once connected, each TLS
 * message line as the message goes or comes, the request once sent, the rest when the
 * response is complete. The body goes to standard output (or to a file with -o, with
 * the progress meter's header and final line on standard error).
 *
 * The network comes in as a `CurlEnvironment`: the shell gives the node's resolver,
 * simulated TCP and the node's TLS service (its trust store, seeded randomness, wall
 * clock); `netlab curl` the host's DNS, real sockets and a trust store read from
 * --cacert or the system bundle.
 *
 * Exit codes as curl's: 1 unsupported protocol, 3 bad URL, 6 could not resolve host, 7
 * failed to connect, 8 weird server reply, 18 partial file, 22
 * HTTP error with -f, 23 binary output refused (on a terminal), 28 timeout, 35 TLS
 * handshake failed, 47 too many redirects, 52 empty reply, 60 certificate not verified,
 * 77 CA file unreadable, 130 interrupted.
 *
 * Left out: cookies, uploads from files (-T, -F, `-d @file`), proxies, authentication,
 * --compressed, globbing and parallel transfers, the h2c upgrade of `--http2` over
 * http:// (curl then speaks HTTP/1.1 here), TLS session tickets lines.
 */
import { ClientConnection, HttpRequestError } from '../../application/http/client-connection.ts';
import { parseHttpUrl } from '../../application/http/http-url.ts';
import { type ResponseHead, reasonPhrase } from '../../application/http/message.ts';
import { connectHttp2, type Http2Client } from '../../application/http2/client.ts';
import { type CipherSuiteName, suiteByName } from '../../application/tls/cipher-suites.ts';
import type { TlsVersion } from '../../application/tls/code-points.ts';
import type { TlsStream } from '../../application/tls/tls-stream.ts';
import type { TraceTarget } from '../../application/pki/trace-events.ts';
import type { Clock } from '../../sim/clock.ts';
import type { Deferred } from '../../sim/simulator.ts';
import { MICROSECOND, MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { TraceBus, type TraceEvent } from '../../sim/trace.ts';
import { type ByteStream, StreamError } from '../../transport/byte-stream.ts';
import {
  type CurlConnectStep,
  type CurlMessageHead,
  type CurlOutcome,
  type CurlOutputPiece,
  curlIncludedHead,
  curlRequestHeaders,
} from '../format/curl.ts';
import {
  CURL_BINARY_WARNING,
  CURL_PROGRESS_HEADER,
  type CurlHop,
  curlHopError,
  curlHopExitCode,
  curlHopOutput,
  curlProgressLine,
  curlWriteOut,
  looksBinary,
} from '../format/curl-extras.ts';
import {
  type CurlTlsFailure,
  type CurlTlsTrust,
  curlTlsError,
  curlTlsHandshakeLines,
  curlTlsSessionLines,
  curlTlsStepLine,
} from '../format/curl-tls.ts';
import { AlertDescription } from '../../application/tls/alert.ts';
import { CurlTlsSteps, curlServerCertificate, curlTlsFailureOf } from './curl-tls-session.ts';

export interface CurlOptions {
  /** One URL, or several fetched in turn (reusing the connection when they can). */
  readonly url: string | readonly string[];
  /** -v */
  readonly verbose?: boolean;
  /** -i: the response head before the body on standard output. */
  readonly include?: boolean;
  /** -I: HEAD, and the head on standard output. */
  readonly head?: boolean;
  /** -X */
  readonly method?: string;
  /** -H, in order. */
  readonly headers?: readonly (readonly [string, string])[];
  /** -d / --data-binary: sends a POST (unless -X) with this body. */
  readonly data?: string | Uint8Array;
  /** -A */
  readonly userAgent?: string;
  /** -f */
  readonly fail?: boolean;
  /** -L */
  readonly location?: boolean;
  /** --max-redirs (default 50; -1 for no limit). */
  readonly maxRedirs?: number;
  /** -o FILE */
  readonly output?: string;
  /** -w FORMAT */
  readonly writeOut?: string;
  /** -m, in milliseconds. */
  readonly maxTimeMs?: number;
  /** --connect-timeout, in milliseconds (default 300 s). */
  readonly connectTimeoutMs?: number;
  /** --http1.0 */
  readonly http10?: boolean;
  /** --http1.1: also offers only http/1.1 by ALPN. */
  readonly http11?: boolean;
  /** --http2-prior-knowledge: HTTP/2 from the first byte on http://. */
  readonly http2PriorKnowledge?: boolean;
  /** Whether standard output is a terminal (no `{ [N bytes data]` lines; binary refused). Default false. */
  readonly tty?: boolean;
  /** -s */
  readonly silent?: boolean;
  /** -S */
  readonly showError?: boolean;
  /** Keep the CR at the end of header lines, as curl writes them. Default false. */
  readonly keepCr?: boolean;
  /** -k: do not verify the server's certificate. */
  readonly insecure?: boolean;
  /** --tlsv1.2 / --tlsv1.3: the lowest version. */
  readonly tlsMin?: TlsVersion;
  /** --tls-max. */
  readonly tlsMax?: TlsVersion;
  /** --ciphers: TLS 1.2 suites (OpenSSL names). */
  readonly ciphers?: readonly string[];
  /** --tls13-ciphers. */
  readonly tls13Ciphers?: readonly string[];
}

/** What a TLS client needs to be told per connection; the environment adds trust and randomness. */
export interface CurlTlsRequest {
  readonly serverName: string;
  readonly alpn: readonly string[];
  readonly versions: readonly TlsVersion[];
  readonly suites: readonly CipherSuiteName[];
  /** false with -k. */
  readonly verify: boolean;
  /**
   * TLS 1.3 middlebox compatibility (RFC 8446 Appendix D.4): a 32-byte legacy_session_id
   * and a ChangeCipherSpec before the client's second flight. OpenSSL's default
   * (SSL_OP_ENABLE_MIDDLEBOX_COMPAT), so curl prints "(OUT), TLS change cipher" in 1.3 too.
   */
  readonly middleboxCompat: boolean;
  /** Where this handshake's trace events go (curl prints its lines from them). */
  readonly trace: TraceTarget;
}

export interface CurlTls {
  /** How curl names its trust anchors (`*  CAfile: ...`). */
  readonly trust: CurlTlsTrust;
  /** A problem found before any handshake (--cacert unreadable: 77). */
  readonly problem?: CurlTlsFailure;
  connect(transport: ByteStream, request: CurlTlsRequest): Promise<TlsStream>;
}

export interface CurlEnvironment {
  readonly clock: Clock;
  /** Promises settled by the environment's events (`() => sim.deferred()` in a simulation). */
  readonly deferred: <T>() => Deferred<T>;
  /** The addresses to try for a host name, in order, or why it does not resolve. */
  resolve(host: string, port: number): Promise<readonly string[] | { readonly error: string }>;
  /** Opens a TCP connection; rejects with a StreamError (refused, unreachable, timed out). */
  connect(address: string, port: number): Promise<ByteStream>;
  /** TLS for https://; without it https:// is "not supported or disabled" (1). */
  readonly tls?: CurlTls;
  /** Where HTTP, HTTP/2 and TLS trace events go, and the node named in them. */
  readonly trace?: TraceBus;
  readonly node?: string;
  /** Registers what to do on Ctrl-C: curl stops where it is (130). */
  readonly onInterrupt?: (fn: () => void) => void;
  /** A line of standard error. */
  stderr(line: string): void;
  /** Bytes of standard output. */
  stdout(bytes: Uint8Array): void;
  /** -o FILE. */
  writeFile(name: string, bytes: Uint8Array): void;
}

/** curl's default --max-redirs. */
const DEFAULT_MAX_REDIRS = 50;
/** curl waits 300 s for a connection at most (Linux's connect() gives up after about 127 s). */
const DEFAULT_CONNECT_TIMEOUT = 300 * SECOND;
/** What curl prints as `(easy handle %p)`: one fixed, plausible pointer. */
const EASY_HANDLE = '0x55d0c1e3f2b0';
/** curl 7.88.1's default TLS 1.3 suites, then TLS 1.2's (OpenSSL 3.0's defaults). */
const DEFAULT_TLS13_SUITES = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
];
const DEFAULT_TLS12_SUITES = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'AES256-GCM-SHA384',
  'AES128-GCM-SHA256',
];

const encoder = new TextEncoder();

/** strerror(3) of a failed connect, as curl prints it. */
export function connectFailureText(e: unknown): string {
  if (e instanceof StreamError) {
    switch (e.code) {
      case 'connection-refused':
        return 'Connection refused';
      case 'timed-out':
        return 'Connection timed out';
      case 'unreachable':
        return 'No route to host';
      default:
        return 'Connection reset by peer';
    }
  }
  return 'Connection refused';
}

interface Conn {
  readonly id: number;
  readonly key: string;
  readonly address: string;
  readonly h1?: ClientConnection;
  readonly h2?: Http2Client;
  readonly stream: ByteStream;
  /** TLS handshake done, for %{time_appconnect}. */
  readonly appconnect: Time;
  nextStream: number;
}

interface Stats {
  connects: number;
  redirects: number;
  namelookup: Time;
  connect: Time;
  appconnect: Time;
  starttransfer: Time;
  headerBytes: number;
  requestBytes: number;
}

type ExchangeResult =
  | {
      readonly status: number;
      readonly startLine: string;
      readonly headers: [string, string][];
      readonly interim: readonly CurlMessageHead[];
      readonly body: Uint8Array;
      readonly firstDataBytes: number;
      readonly keep: boolean;
      readonly firstByte: Time;
      readonly headBytes: number;
      readonly requestBytes: number;
      readonly expected: number | undefined;
      readonly sentAfterContinue: boolean;
    }
  | {
      readonly error: true;
      readonly received: number;
      readonly response?: CurlHop['response'];
      outcome(elapsedMs: number): CurlOutcome;
    };

class Interrupted extends Error {}

/** Runs curl over `env` and resolves with its exit status. */
export async function runCurl(options: CurlOptions, env: CurlEnvironment): Promise<number> {
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  const session = new CurlSession(options, env);
  let status = 0;
  try {
    for (const url of urls) {
      const s = await session.transfer(url);
      if (s !== 0) status = s;
    }
  } catch (e) {
    if (!(e instanceof Interrupted)) throw e;
    status = 130;
  }
  session.close();
  return status;
}

class CurlSession {
  private readonly conns = new Map<string, Conn>();
  /** The fatal alert each TLS connection received after its handshake, if any. */
  private readonly readAlerts = new WeakMap<ByteStream, number>();
  private readonly resolved = new Set<string>();
  private nextConnection = 0;
  private readonly verbose: boolean;
  private readonly silent: boolean;
  private readonly showErrors: boolean;
  private readonly clock: Clock;
  private readonly interrupted: Promise<never>;

  constructor(
    private readonly o: CurlOptions,
    private readonly env: CurlEnvironment,
  ) {
    this.verbose = o.verbose === true;
    this.silent = o.silent === true;
    this.showErrors = !this.silent || o.showError === true;
    this.clock = env.clock;
    let interrupt: (() => void) | undefined;
    this.interrupted = new Promise<never>((_, reject) => {
      interrupt = () => reject(new Interrupted());
    });
    this.interrupted.catch(() => undefined);
    env.onInterrupt?.(() => {
      this.close();
      interrupt?.();
    });
  }

  private race<T>(p: Promise<T>): Promise<T> {
    return this.env.onInterrupt ? Promise.race([p, this.interrupted]) : p;
  }

  close(): void {
    for (const c of [...this.conns.values()]) this.closeConn(c);
  }

  private closeConn(c: Conn): void {
    this.conns.delete(c.key);
    if (c.h1) c.h1.close();
    else void c.h2!.close().catch(() => {});
  }

  /** Writes the stderr pieces from index `from` (verbose only); returns the new index. */
  private print(pieces: readonly CurlOutputPiece[], from: number): number {
    for (let i = from; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (p.stream === 'stderr' && this.verbose) this.env.stderr(p.text);
    }
    return pieces.length;
  }

  private printLines(lines: readonly string[]): void {
    if (this.verbose) for (const l of lines) this.env.stderr(l);
  }

  private errorLine(hop: CurlHop): void {
    const message = curlHopError(hop);
    if (message !== undefined && this.showErrors)
      this.env.stderr(`curl: (${curlHopExitCode(hop)}) ${message}`);
  }

  private outputOptions() {
    return {
      tty: this.o.tty ?? false,
      keepCr: this.o.keepCr,
      silent: this.silent,
      showError: this.o.showError === true,
    };
  }

  private versions(): TlsVersion[] {
    return (['1.3', '1.2'] as const).filter(
      (v) =>
        (this.o.tlsMin === undefined || v >= this.o.tlsMin) &&
        (this.o.tlsMax === undefined || v <= this.o.tlsMax),
    );
  }

  private suites(versions: readonly TlsVersion[]): CipherSuiteName[] {
    return [
      ...(this.o.tls13Ciphers ?? DEFAULT_TLS13_SUITES),
      ...(this.o.ciphers ?? DEFAULT_TLS12_SUITES),
    ].flatMap((n) => {
      const s = suiteByName(n);
      return s && versions.includes(s.version) ? [s.name as CipherSuiteName] : [];
    });
  }

  /** One URL, with its redirects under -L. Returns the exit status. */
  async transfer(first: string): Promise<number> {
    const o = this.o;
    const start = this.clock.now();
    const maxTime = o.maxTimeMs === undefined ? undefined : Math.round(o.maxTimeMs * MILLISECOND);
    const stats: Stats = {
      connects: 0,
      redirects: 0,
      namelookup: 0,
      connect: 0,
      appconnect: 0,
      starttransfer: 0,
      headerBytes: 0,
      requestBytes: 0,
    };
    let body: Uint8Array | undefined = typeof o.data === 'string' ? encoder.encode(o.data) : o.data;
    let method = o.method ?? (o.head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
    const maxRedirs = o.maxRedirs ?? DEFAULT_MAX_REDIRS;
    const progress = !this.silent && (o.output !== undefined || o.tty === false);
    if (progress) for (const l of CURL_PROGRESS_HEADER) this.env.stderr(l);
    let url = first;
    for (;;) {
      const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
      if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') {
        if (this.showErrors)
          this.env.stderr(`curl: (1) Protocol "${scheme}" not supported or disabled in libcurl`);
        return 1;
      }
      const u = parseHttpUrl(url);
      if (!u) {
        if (this.showErrors) this.env.stderr('curl: (3) URL using bad/illegal format or missing URL');
        return 3;
      }
      if (u.scheme === 'https' && !this.env.tls) {
        if (this.showErrors)
          this.env.stderr('curl: (1) Protocol "https" not supported or disabled in libcurl');
        return 1;
      }
      const https = u.scheme === 'https';
      const host = u.host;
      const key = `${u.scheme}://${host}:${u.port}`;
      const version = o.http10 ? '1.0' : '1.1';
      // ---- connection: reuse or open ----
      let conn = this.conns.get(key);
      if (conn && !(conn.h1 ? conn.h1.usable : conn.h2!.conn.state === 'open')) {
        this.closeConn(conn);
        conn = undefined;
      }
      let connect: CurlConnectStep;
      let alreadyPrinted = 0;
      const dnsCached = !conn && this.resolved.has(host);
      const connectionId = conn ? conn.id : this.nextConnection;
      const hopBase = { host, port: u.port, connectionId, dnsCached };
      if (conn) connect = { kind: 'reused' };
      else {
        const r = await this.race(this.env.resolve(host, u.port));
        stats.namelookup = this.clock.now() - start;
        if ('error' in r || r.length === 0) {
          const hop: CurlHop = {
            ...hopBase,
            dnsCached: false,
            connect: { kind: 'unresolved' },
            outcome: { kind: 'done', keep: false },
          };
          this.print(curlHopOutput(hop, this.outputOptions()), 0);
          if (!this.verbose) this.errorLine(hop);
          return 6;
        }
        this.resolved.add(host);
        const t0 = this.clock.now();
        const limit = Math.min(
          o.connectTimeoutMs === undefined
            ? DEFAULT_CONNECT_TIMEOUT
            : Math.round(o.connectTimeoutMs * MILLISECOND),
          maxTime === undefined
            ? Number.POSITIVE_INFINITY
            : Math.max(0, maxTime - (this.clock.now() - start)),
        );
        const failedFirst: { address: string; reason: string }[] = [];
        let opened: { stream: ByteStream; address: string } | undefined;
        let printed = 0;
        for (const address of r) {
          // '*   Trying A:P...' goes out as the SYN does.
          const preview = curlHopOutput(
            {
              ...hopBase,
              connect: { kind: 'connected', address, failedFirst },
              outcome: { kind: 'done', keep: true },
            },
            this.outputOptions(),
          );
          const upTo = preview.findIndex((p) => p.text.startsWith('* Connected to '));
          printed = this.print(preview.slice(0, Math.max(0, upTo)), printed);
          const attempt = await this.race(this.open(address, u.port, limit));
          if ('stream' in attempt) {
            opened = { stream: attempt.stream, address };
            break;
          }
          if (attempt.reason === 'timeout') {
            const hop: CurlHop = {
              ...hopBase,
              connect: {
                kind: 'failed',
                attempts: [{ address, reason: 'Connection timed out' }],
                elapsedMs: Math.floor((this.clock.now() - t0) / MILLISECOND),
              },
              connectTimeoutMs: Math.floor((this.clock.now() - start) / MILLISECOND),
              outcome: { kind: 'done', keep: false },
            };
            this.print(curlHopOutput(hop, this.outputOptions()), printed);
            if (!this.verbose) this.errorLine(hop);
            return curlHopExitCode(hop);
          }
          failedFirst.push({ address, reason: attempt.reason });
        }
        if (!opened) {
          const hop: CurlHop = {
            ...hopBase,
            connect: {
              kind: 'failed',
              attempts: failedFirst,
              elapsedMs: Math.floor((this.clock.now() - t0) / MILLISECOND),
            },
            outcome: { kind: 'done', keep: false },
          };
          this.print(curlHopOutput(hop, this.outputOptions()), printed);
          if (!this.verbose) this.errorLine(hop);
          return curlHopExitCode(hop);
        }
        this.nextConnection++;
        stats.connects++;
        stats.connect = this.clock.now() - start;
        connect = {
          kind: 'connected',
          address: opened.address,
          ...(failedFirst.length > 0 ? { failedFirst } : {}),
        };
        const connectedLines = curlHopOutput(
          { ...hopBase, connect, outcome: { kind: 'done', keep: true } },
          this.outputOptions(),
        );
        const through = connectedLines.findIndex((p) => p.text.startsWith('* Connected to '));
        alreadyPrinted = this.print(connectedLines.slice(0, through + 1), printed);
        let stream: ByteStream = opened.stream;
        let alpn: string | undefined;
        if (https) {
          const secured = await this.secure(opened.stream, host, connectionId);
          if ('exitCode' in secured) return secured.exitCode;
          stream = secured.stream;
          alpn = secured.stream.alpnProtocol;
          stats.appconnect = this.clock.now() - start;
        }
        const h2 = https ? alpn === 'h2' : o.http2PriorKnowledge === true;
        conn = this.adopt(key, u.scheme, u.port, opened.address, stream, connectionId, h2, stats.appconnect);
      }
      // ---- request ----
      const headers = curlRequestHeaders(u.hostHeader, o.headers ?? [], {
        userAgent: o.userAgent,
        ...(body !== undefined ? { body: { length: body.length } } : {}),
      });
      const h2 = conn.h2 !== undefined;
      const shown = h2
        ? headers.map(([n, v]) => [n.toLowerCase() === 'host' ? n : n.toLowerCase(), v] as [string, string])
        : headers;
      const expectContinue =
        !h2 && headers.some(([n, v]) => n.toLowerCase() === 'expect' && v.toLowerCase() === '100-continue');
      const base: Omit<CurlHop, 'outcome'> = {
        ...hopBase,
        connectionId: conn.id,
        connect,
        request: {
          startLine: `${method} ${u.target} HTTP/${h2 ? '2' : version}`,
          headers: shown,
          ...(body !== undefined ? { firstBodyBytes: Math.min(body.length, 65536) } : {}),
        },
        ...(h2 ? { http2: { streamId: conn.nextStream, handle: EASY_HANDLE, scheme: u.scheme } } : {}),
      };
      // The connection lines as soon as connected...
      const early = curlHopOutput({ ...base, outcome: { kind: 'done', keep: true } }, this.outputOptions());
      const firstRequestLine = early.findIndex((p) => p.text.startsWith('> '));
      let printed = this.print(early.slice(0, Math.max(firstRequestLine, 0)), alreadyPrinted);
      // ...the request head as it is handed to the connection (with a body, once it is sent).
      const afterRequest = early.findIndex(
        (p, i) => i > firstRequestLine && !p.text.startsWith('> ') && !p.text.startsWith('} ['),
      );
      if (firstRequestLine >= 0 && body === undefined) {
        printed = this.print(early.slice(0, afterRequest < 0 ? early.length : afterRequest), printed);
      }
      const exchangeStart = this.clock.now();
      const timeout = maxTime === undefined ? undefined : Math.max(0, maxTime - (exchangeStart - start));
      const result = await this.race(
        this.exchange(conn, method, u.target, headers, body, version, timeout, expectContinue),
      );
      const elapsedMs = Math.floor((this.clock.now() - start) / MILLISECOND);
      let status = 0;
      let response: CurlHop['response'];
      let responseBody: Uint8Array | undefined;
      let location: string | undefined;
      let contentType: string | undefined;
      let outcome: CurlOutcome;
      let interim: readonly CurlMessageHead[] = [];
      if ('error' in result) {
        const alert = this.readAlerts.get(conn.stream);
        outcome = alert !== undefined ? { kind: 'tls-alert', description: alert } : result.outcome(elapsedMs);
        response = result.response;
        this.closeConn(conn);
      } else {
        response = {
          startLine: result.startLine,
          headers: result.headers,
          firstDataBytes: result.firstDataBytes,
        };
        interim = result.interim;
        responseBody = result.body;
        status = result.status;
        location = result.headers.find(([n]) => n.toLowerCase() === 'location')?.[1];
        contentType = result.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1];
        stats.starttransfer = result.firstByte - start;
        stats.headerBytes += result.headBytes;
        stats.requestBytes += result.requestBytes;
        outcome = { kind: 'done', keep: result.keep };
        if (!result.keep) this.closeConn(conn);
        else if (conn.h2) conn.nextStream += 2;
      }
      const redirect =
        o.location === true && location !== undefined && status >= 300 && status < 400 && status !== 304;
      let nextUrl: string | undefined;
      if (redirect) {
        try {
          nextUrl = new URL(location!, `${u.scheme}://${u.hostHeader}${u.target}`).href;
        } catch {
          nextUrl = undefined;
        }
      }
      const tooMany = nextUrl !== undefined && maxRedirs >= 0 && stats.redirects >= maxRedirs;
      const switchToGet =
        nextUrl !== undefined &&
        method === 'POST' &&
        [301, 302, 303].includes(status) &&
        o.method === undefined;
      const sentAfterContinue = !('error' in result) && result.sentAfterContinue;
      const hop: CurlHop = {
        ...base,
        ...(base.request ? { request: { ...base.request, sentAfterContinue } } : {}),
        interim,
        ...(response ? { response } : {}),
        outcome,
        ...(o.fail && status >= 400 ? { failStatus: status } : {}),
        ...(nextUrl !== undefined ? { ignoreBody: true } : {}),
        ...(nextUrl !== undefined && body !== undefined ? { rewind: true } : {}),
        ...(nextUrl !== undefined && !tooMany ? { follow: { url: nextUrl, switchToGet } } : {}),
        ...(tooMany ? { maxRedirects: maxRedirs } : {}),
      };
      const pieces = curlHopOutput(hop, this.outputOptions());
      // The request lines went out before the response: print up to the first response line now...
      const firstResponseLine = pieces.findIndex(
        (p, i) => i >= printed && !p.text.startsWith('> ') && !p.text.startsWith('} ['),
      );
      printed = this.print(
        pieces.slice(0, firstResponseLine < 0 ? pieces.length : firstResponseLine),
        printed,
      );
      // ...then the rest, with the body where curl writes it.
      const bodyAt = pieces.findIndex((p) => p.stream === 'stdout');
      const exit = curlHopExitCode(hop);
      let exitStatus = exit;
      const writeBody = (): number => {
        if (!responseBody || hop.failStatus !== undefined || nextUrl !== undefined) return 0;
        const head =
          o.include || o.head
            ? encoder.encode(
                [...interim, { startLine: response!.startLine, headers: response!.headers }]
                  .map((h) => curlIncludedHead(h))
                  .join(''),
              )
            : new Uint8Array(0);
        const content = o.head ? new Uint8Array(0) : responseBody;
        if (o.output !== undefined) {
          const all = new Uint8Array(head.length + content.length);
          all.set(head);
          all.set(content, head.length);
          this.env.writeFile(o.output, all);
          return 0;
        }
        if (head.length > 0) this.env.stdout(head);
        if (content.length === 0) return 0;
        if (o.tty && looksBinary(content)) {
          if (!this.silent) for (const l of CURL_BINARY_WARNING) this.env.stderr(l);
          return 23;
        }
        this.env.stdout(content);
        return 0;
      };
      if (bodyAt >= 0) {
        this.print(pieces.slice(0, bodyAt), printed);
        if (progress && nextUrl === undefined) this.env.stderr(this.meter(result, start));
        const w = writeBody();
        if (w !== 0) exitStatus = w;
        this.print(pieces, bodyAt + 1);
      } else {
        this.print(pieces, printed);
        if (progress && nextUrl === undefined && !('error' in result))
          this.env.stderr(this.meter(result, start));
        const w = writeBody();
        if (w !== 0 && exitStatus === 0) exitStatus = w;
      }
      if (!this.verbose && exit !== 0) this.errorLine(hop);
      if (nextUrl === undefined || tooMany || exit !== 0) {
        if (o.writeOut !== undefined) {
          const vars = this.writeOutVars(
            stats,
            start,
            status,
            result,
            nextUrl,
            u,
            conn,
            version,
            contentType,
            exitStatus,
            url,
            responseBody,
            method,
          );
          const w = curlWriteOut(o.writeOut, vars);
          for (const name of w.unknown) this.env.stderr(`curl: unknown --write-out variable: '${name}'`);
          if (w.text !== '') this.env.stdout(encoder.encode(w.text));
        }
        return exitStatus;
      }
      stats.redirects++;
      if (switchToGet) {
        method = 'GET';
        body = undefined;
      }
      url = nextUrl;
    }
  }

  /**
   * The TLS handshake over a fresh connection, its lines printed as each message goes or
   * comes. On failure: curl's lines and exit status, the connection closed.
   */
  private async secure(
    transport: ByteStream,
    host: string,
    connectionId: number,
  ): Promise<{ stream: TlsStream } | { exitCode: number }> {
    const tls = this.env.tls!;
    const o = this.o;
    const trust: CurlTlsTrust = { ...tls.trust, insecure: o.insecure === true };
    const alpnOffered = o.http10 || o.http11 ? ['http/1.1'] : ['h2', 'http/1.1'];
    const fail = (f: CurlTlsFailure, shown: number): { exitCode: number } => {
      transport.close();
      const e = curlTlsError(f);
      if (this.verbose) {
        this.printLines(lines().slice(shown));
        this.env.stderr(e.info);
        this.env.stderr(`* Closing connection ${connectionId}`);
      }
      if (this.showErrors) for (const l of e.final) this.env.stderr(l);
      return { exitCode: e.exitCode };
    };
    const versions = this.versions();
    const steps = new CurlTlsSteps(versions[0] ?? '1.3');
    const selection = {
      ...(o.ciphers ? { ciphers: o.ciphers.join(':') } : {}),
      ...(o.tls13Ciphers ? { tls13Ciphers: o.tls13Ciphers.join(':') } : {}),
    };
    const lines = () => curlTlsHandshakeLines(alpnOffered, steps.steps, trust, selection);
    if (tls.problem) return fail(tls.problem, 0);
    // --tlsv1.3 with --tls-max 1.2 leaves nothing; libcurl says so before any ClientHello.
    if (versions.length === 0) return fail({ kind: 'version-range' }, 0);
    let shown = 0;
    this.printLines(lines());
    shown = lines().length;
    const events: TraceEvent[] = [];
    const outer = this.env.trace;
    const bus = new TraceBus();
    let handshaking = true;
    let secured: TlsStream | undefined;
    bus.onAny((e) => {
      if (outer?.wants(e.type)) outer.emit(e);
      // After the handshake curl prints no more of these lines (session tickets, close_notify)
      // but a fatal alert, which fails the next SSL_read (56).
      if (!handshaking) {
        if (e.type !== 'tls.alert' || e.direction !== 'received' || e.level !== 'fatal' || !secured) return;
        const description = (AlertDescription as Record<string, number>)[e.alert] ?? 0;
        this.readAlerts.set(secured, description);
        if (this.verbose)
          this.printLines([
            curlTlsStepLine({
              kind: 'alert',
              direction: 'in',
              version: secured.version,
              level: 'fatal',
              description,
            }),
          ]);
        return;
      }
      events.push(e);
      if (steps.add(e)) {
        const all = lines();
        this.printLines(all.slice(shown));
        shown = all.length;
      }
    });
    const clock = this.clock;
    const target: TraceTarget = {
      trace: bus,
      get now() {
        return clock.now();
      },
    };
    let stream: TlsStream;
    try {
      stream = await this.race(
        tls.connect(transport, {
          serverName: host,
          alpn: alpnOffered,
          versions,
          suites: this.suites(versions),
          verify: o.insecure !== true,
          middleboxCompat: true,
          trace: target,
        }),
      );
    } catch (e) {
      if (e instanceof Interrupted) throw e;
      return fail(curlTlsFailureOf(e, host, events), shown);
    }
    handshaking = false;
    secured = stream;
    const leaf = stream.peerCertificates[0];
    this.printLines(
      curlTlsSessionLines(
        {
          version: stream.version,
          cipher: suiteByName(stream.cipherSuite)?.opensslName ?? stream.cipherSuite,
          alpnOffered: true,
          ...(stream.alpnProtocol ? { alpn: stream.alpnProtocol } : {}),
          ...(leaf ? { certificate: curlServerCertificate(leaf, host) } : {}),
          verified: o.insecure !== true,
        },
        trust,
      ),
    );
    return { stream };
  }

  private meter(result: ExchangeResult, start: Time): string {
    const received = 'error' in result ? result.received : result.body.length;
    const expected = 'error' in result ? undefined : result.expected;
    return curlProgressLine({
      expected,
      received,
      elapsedUs: Math.floor((this.clock.now() - start) / MICROSECOND),
    });
  }

  private async open(
    address: string,
    port: number,
    limit: Time,
  ): Promise<{ stream: ByteStream } | { reason: string }> {
    const attempt = this.env.connect(address, port).then(
      (stream) => ({ stream }) as { stream: ByteStream },
      (e: unknown) => ({ reason: connectFailureText(e) }),
    );
    if (!Number.isFinite(limit)) return attempt;
    const d = this.env.deferred<{ stream: ByteStream } | { reason: string }>();
    const cancel = this.clock.setTimer(limit, () => d.resolve({ reason: 'timeout' }));
    void attempt.then((r) => {
      cancel();
      d.resolve(r);
    });
    const r = await d.promise;
    if (!('stream' in r) && r.reason === 'timeout')
      void attempt.then((late) => 'stream' in late && late.stream.abort());
    return r;
  }

  private adopt(
    key: string,
    scheme: 'http' | 'https',
    port: number,
    address: string,
    stream: ByteStream,
    id: number,
    h2: boolean,
    appconnect: Time,
  ): Conn {
    const env = this.env;
    const host = key.slice(key.indexOf('://') + 3, key.lastIndexOf(':'));
    const common = { id, key, address, stream, nextStream: 1, appconnect };
    const conn: Conn = h2
      ? {
          ...common,
          h2: connectHttp2(stream, {
            clock: this.clock,
            authority: port === (scheme === 'https' ? 443 : 80) ? host : `${host}:${port}`,
            scheme,
            deferred: env.deferred,
            enablePush: false,
            ...(env.trace ? { trace: { bus: env.trace, node: env.node ?? 'curl', connection: id + 1 } } : {}),
          }),
        }
      : {
          ...common,
          h1: new ClientConnection(stream, {
            clock: this.clock,
            trace: env.trace,
            node: env.node,
            id: id + 1,
          }),
        };
    this.conns.set(key, conn);
    return conn;
  }

  private async exchange(
    conn: Conn,
    method: string,
    target: string,
    headers: readonly [string, string][],
    body: Uint8Array | undefined,
    version: '1.0' | '1.1',
    timeout: Time | undefined,
    expectContinue: boolean,
  ): Promise<ExchangeResult> {
    if (conn.h1) {
      try {
        const r = await conn.h1.request({
          method,
          target,
          host: headers[0]![1],
          headers: headers.slice(1),
          body,
          version,
          expectContinue,
          ...(timeout !== undefined ? { timeout } : {}),
        });
        const h = r.response;
        return {
          status: r.status,
          startLine: startLineOf(h),
          headers: h.headers.entries(),
          interim: r.informational.map((i) => ({ startLine: startLineOf(i), headers: i.headers.entries() })),
          body: r.body,
          firstDataBytes: r.firstDataBytes,
          keep: r.keptAlive,
          firstByte: r.timing.firstByte,
          headBytes: r.headBytes,
          requestBytes: r.requestHeadBytes + r.requestBodyBytes,
          expected: framedLength(h.headers.get('content-length')),
          sentAfterContinue: expectContinue && r.informational.some((i) => i.status === 100),
        };
      } catch (e) {
        return failure(e, timeout);
      }
    }
    const h2 = conn.h2!;
    const request = h2.request({
      method,
      path: target,
      headers: headers.slice(1).map(([n, v]) => ({ name: n.toLowerCase(), value: v })),
      ...(body !== undefined ? { body } : {}),
      usePushCache: false,
    });
    const d = this.env.deferred<ExchangeResult>();
    const cancel =
      timeout === undefined
        ? undefined
        : this.clock.setTimer(timeout, () =>
            d.resolve(failure(new HttpRequestError('http-timeout', 'timed out', 0, false), timeout)),
          );
    request.then(
      (r) => {
        cancel?.();
        const fields = r.headers
          .filter((f) => !f.name.startsWith(':'))
          .map((f) => [f.name, f.value] as [string, string]);
        d.resolve({
          status: r.status,
          startLine: `HTTP/2 ${r.status} `,
          headers: fields,
          interim: [],
          body: r.body,
          firstDataBytes: Math.min(r.body.length, 16384),
          keep: h2.conn.state === 'open',
          firstByte: r.timing.firstByte,
          headBytes: fields.reduce((n, [a, b]) => n + a.length + b.length + 4, 13),
          requestBytes: body?.length ?? 0,
          expected: framedLength(r.header('content-length')),
          sentAfterContinue: false,
        });
      },
      (e: unknown) => {
        cancel?.();
        d.resolve(failure(e, timeout));
      },
    );
    return d.promise;
  }

  private writeOutVars(
    stats: Stats,
    start: Time,
    status: number,
    result: ExchangeResult,
    redirectUrl: string | undefined,
    u: NonNullable<ReturnType<typeof parseHttpUrl>>,
    conn: Conn,
    version: string,
    contentType: string | undefined,
    exitcode: number,
    url: string,
    body: Uint8Array | undefined,
    method: string,
  ): Record<string, string | number> {
    const sec = (t: Time) => (t / SECOND).toFixed(6);
    const total = this.clock.now() - start;
    const size = body?.length ?? 0;
    const effective = new URL(u.target, `${u.scheme}://${u.hostHeader}`).href;
    return {
      http_code: String(status).padStart(3, '0'),
      response_code: String(status).padStart(3, '0'),
      http_version: 'error' in result ? '0' : conn.h2 ? '2' : version,
      time_namelookup: sec(stats.namelookup),
      time_connect: sec(stats.connect),
      time_appconnect: sec(stats.appconnect),
      time_pretransfer: sec(Math.max(stats.connect, stats.appconnect)),
      time_starttransfer: sec(stats.starttransfer),
      time_redirect: sec(0),
      time_total: sec(total),
      size_download: size,
      size_header: stats.headerBytes,
      size_request: stats.requestBytes,
      size_upload: 0,
      speed_download: Math.floor(size / Math.max(total / SECOND, 1e-6)),
      speed_upload: 0,
      num_connects: stats.connects,
      num_redirects: stats.redirects,
      url_effective: url === effective ? url : effective,
      redirect_url: redirectUrl ?? '',
      remote_ip: conn.address,
      remote_port: u.port,
      local_ip: conn.stream.local.address,
      local_port: conn.stream.local.port,
      content_type: contentType ?? '',
      exitcode,
      method,
      scheme: u.scheme.toUpperCase(),
      url,
    };
  }
}

function startLineOf(h: ResponseHead): string {
  return `HTTP/${h.version} ${h.status} ${h.reason}`.trimEnd();
}

function framedLength(v: string | undefined): number | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
}

/** An exchange failure as curl's outcome. */
function failure(e: unknown, timeout: Time | undefined): ExchangeResult {
  if (e instanceof HttpRequestError) {
    const partial = e.partial;
    const response = partial
      ? {
          startLine: `HTTP/${partial.response.version} ${partial.response.status} ${partial.response.reason || reasonPhrase(partial.response.status)}`,
          headers: partial.response.headers.entries(),
          firstDataBytes: partial.bodyBytes,
        }
      : undefined;
    return {
      error: true,
      received: e.received,
      ...(response ? { response } : {}),
      outcome: (elapsedMs) => {
        switch (e.code) {
          case 'http-timeout':
            return {
              kind: 'timeout',
              elapsedMs:
                timeout === undefined ? elapsedMs : Math.max(elapsedMs, Math.floor(timeout / MILLISECOND)),
              received: partial?.bodyBytes ?? 0,
              ...(partial?.remaining !== undefined
                ? { expected: partial.bodyBytes + partial.remaining }
                : {}),
            };
          case 'http-protocol-error':
            return { kind: 'weird-reply' };
          default:
            if (partial?.remaining !== undefined) return { kind: 'partial', remaining: partial.remaining };
            return e.received === 0 ? { kind: 'empty-reply' } : { kind: 'done', keep: false };
        }
      },
    };
  }
  return { error: true, received: 0, outcome: () => ({ kind: 'empty-reply' }) };
}
