/**
 * `curl`: transfer URLs over HTTP/1.0, HTTP/1.1 or HTTP/2 (prior knowledge), printing what
 * curl 7.88.1 prints (src/tools/format/curl.ts and curl-extras.ts).
 *
 *   curl [-v] [-i] [-I] [-s] [-S] [-f] [-L] [--max-redirs N] [-o FILE] [-H 'Name: value']... [-h]
 *        [-X METHOD] [-d DATA]... [-A AGENT] [-w FORMAT] [-m SECONDS] [--connect-timeout SECONDS]
 *        [-0 | --http1.0 | --http1.1 | --http2-prior-knowledge] URL...
 *
 * Names resolve as on the node (address literals, the lab's host names, then its DNS
 * resolver); connections are the node's TCP; a connection kept alive serves the next URL
 * or redirect to the same host and port, as curl's connection cache does. The body goes
 * to standard output line by line, or to FILE with -o (then the progress meter's header
 * and final line go to standard error unless -s). Verbose lines are printed when they
 * happen in simulated time: the connection lines once connected, the request once sent,
 * the rest when the response is complete.
 *
 * Exit codes as curl's: 1 unsupported protocol (https, until TLS arrives), 3 bad URL,
 * 6 could not resolve host, 7 failed to connect, 8 weird server reply, 18 partial file,
 * 22 HTTP error with -f, 23 binary output refused, 28 timeout, 47 too many redirects,
 * 52 empty reply, 2 usage errors.
 *
 * Left out: TLS (https), cookies (-b/-c), uploads (-T, -F), proxies, authentication,
 * --compressed, globbing and parallel transfers; `-d @file`.
 *
 * Real mode (`netlab curl`, src/real/http-client.ts) runs src/tools/commands/curl-transfers.ts
 * over real sockets; this shell command runs its own transfer loop over simulated TCP
 * because it also does HTTP/2, -L, -f, -w and the progress meter. Folding these into
 * curl-transfers.ts, so both share one loop, is the next step.
 */
import { ClientConnection, HttpRequestError } from '../../application/http/client-connection.ts';
import { reasonPhrase } from '../../application/http/message.ts';
import { parseHttpUrl } from '../../application/http/http-url.ts';
import { connectHttp2, type Http2Client } from '../../application/http2/client.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { simClock } from '../../sim/clock.ts';
import { MICROSECOND, MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { type ByteStream, StreamError } from '../../transport/byte-stream.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import {
  CURL_USER_AGENT,
  type CurlConnectStep,
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
import type { Command, CommandContext } from '../shell/command.ts';
import { integerValue, numberValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost } from '../shell/resolve-host.ts';

const SPEC = {
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
    http2: { long: 'http2-prior-knowledge' },
  },
} as const;

/** `curl --help` (7.88.1). */
const HELP = [
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

/** curl's default --max-redirs. */
const DEFAULT_MAX_REDIRS = 50;
/** Linux's connect() gives up after its SYN retries (about 127 s); curl waits 300 s at most. */
const DEFAULT_CONNECT_TIMEOUT = 300 * SECOND;
/** What curl prints as `(easy handle %p)`: one fixed, plausible pointer. */
const EASY_HANDLE = '0x55d0c1e3f2b0';

interface Conn {
  readonly id: number;
  readonly key: string;
  readonly address: string;
  readonly h1?: ClientConnection;
  readonly h2?: Http2Client;
  readonly stream: ByteStream;
  nextStream: number;
}

interface Stats {
  connects: number;
  redirects: number;
  namelookup: Time;
  connect: Time;
  starttransfer: Time;
  headerBytes: number;
  requestBytes: number;
}

type Opts = Extract<ReturnType<typeof parseOptions<typeof SPEC>>, { options: unknown }>['options'];

export const curl: Command = {
  name: 'curl',
  summary: 'transfer a URL (curl 7.88)',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(`${parsed.error}`);
      ctx.err("curl: try 'curl --help' or 'curl --manual' for more information");
      return 2;
    }
    if (parsed.options.help) {
      for (const line of HELP) ctx.out(line);
      return 0;
    }
    if (parsed.positionals.length === 0) {
      ctx.err('curl: no URL specified!');
      ctx.err("curl: try 'curl --help' or 'curl --manual' for more information");
      return 2;
    }
    const node = ctx.node!;
    if (!node.service(TCP)) {
      ctx.err('curl: (7) this node has no TCP');
      return 7;
    }
    const session = new CurlSession(ctx, parsed.options);
    let status = 0;
    for (const url of parsed.positionals) {
      const s = await session.transfer(url);
      if (s !== 0) status = s;
    }
    session.close();
    return status;
  },
};

class CurlSession {
  private readonly conns = new Map<string, Conn>();
  private readonly resolved = new Set<string>();
  private nextConnection = 0;
  private readonly verbose: boolean;
  private readonly silent: boolean;
  private readonly clock;

  constructor(
    private readonly ctx: CommandContext,
    private readonly o: Opts,
  ) {
    this.verbose = o.verbose === true;
    this.silent = o.silent === true;
    this.clock = simClock(ctx.sim);
  }

  close(): void {
    for (const c of this.conns.values()) this.closeConn(c);
  }

  private closeConn(c: Conn): void {
    this.conns.delete(c.key);
    if (c.h1) c.h1.close();
    else void c.h2!.close().catch(() => {});
  }

  private print(pieces: readonly CurlOutputPiece[], from: number): number {
    for (let i = from; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (p.stream === 'stderr' && this.verbose) this.ctx.err(p.text);
    }
    return pieces.length;
  }

  private errorLine(hop: CurlHop): void {
    const message = curlHopError(hop);
    if (message !== undefined && (!this.silent || this.o.showError)) {
      this.ctx.err(`curl: (${curlHopExitCode(hop)}) ${message}`);
    }
  }

  /** One URL, with its redirects under -L. Returns the exit status. */
  async transfer(first: string): Promise<number> {
    const o = this.o;
    const start = this.clock.now();
    const maxTime = o.maxTime === undefined ? undefined : Math.round(o.maxTime * SECOND);
    const stats: Stats = {
      connects: 0,
      redirects: 0,
      namelookup: 0,
      connect: 0,
      starttransfer: 0,
      headerBytes: 0,
      requestBytes: 0,
    };
    const bodyParts = [...(o.data ?? []), ...(o.dataBinary ?? [])];
    let body: string | undefined = bodyParts.length > 0 ? bodyParts.join('&') : undefined;
    let method = o.request ?? (o.head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
    const maxRedirs = o.maxRedirs ?? DEFAULT_MAX_REDIRS;
    const progress = o.output !== undefined && !this.silent;
    if (progress) for (const l of CURL_PROGRESS_HEADER) this.ctx.err(l);
    let url = first;
    for (;;) {
      const u = parseHttpUrl(url);
      if (!u) {
        if (!this.silent || o.showError)
          this.ctx.err('curl: (3) URL using bad/illegal format or missing URL');
        return 3;
      }
      if (u.scheme === 'https') {
        if (!this.silent || o.showError)
          this.ctx.err('curl: (1) Protocol "https" not supported or disabled in libcurl');
        return 1;
      }
      const host = u.host;
      const key = `${host}:${u.port}`;
      const version = o.http2 ? '2' : o.http10 ? '1.0' : '1.1';
      // ---- connection: reuse or open ----
      let conn = this.conns.get(key);
      if (conn && !(conn.h1 ? conn.h1.usable : conn.h2!.conn.state === 'open')) {
        this.closeConn(conn);
        conn = undefined;
      }
      let connect: CurlConnectStep;
      let alreadyPrinted = 0;
      const dnsCached = !conn && this.resolved.has(host);
      if (conn) connect = { kind: 'reused' };
      else {
        const t0 = this.clock.now();
        const r = await resolveHost(this.ctx, host);
        stats.namelookup = this.clock.now() - start;
        const connectionId = this.nextConnection;
        if ('error' in r) {
          const hop: CurlHop = {
            host,
            port: u.port,
            connectionId,
            connect: { kind: 'unresolved' },
            outcome: { kind: 'done', keep: false },
          };
          this.print(curlHopOutput(hop, this.outputOptions()), 0);
          if (!this.verbose) this.errorLine(hop);
          return 6;
        }
        this.resolved.add(host);
        const address = formatIpv4Address(r.address);
        const limit = Math.min(
          o.connectTimeout === undefined ? DEFAULT_CONNECT_TIMEOUT : Math.round(o.connectTimeout * SECOND),
          maxTime === undefined
            ? Number.POSITIVE_INFINITY
            : Math.max(0, maxTime - (this.clock.now() - start)),
        );
        // '*   Trying A:P...' goes out as the SYN does.
        const preview = curlHopOutput(
          {
            host,
            port: u.port,
            connectionId,
            dnsCached,
            connect: { kind: 'connected', address },
            outcome: { kind: 'done', keep: true },
          },
          this.outputOptions(),
        );
        const trying = this.print(
          preview.slice(
            0,
            Math.max(
              0,
              preview.findIndex((p) => p.text.startsWith('* Connected to ')),
            ),
          ),
          0,
        );
        const opened = await this.open(address, u.port, limit);
        if (!('stream' in opened)) {
          const elapsedMs = Math.floor((this.clock.now() - t0) / MILLISECOND);
          const hop: CurlHop =
            opened.reason === 'timeout'
              ? {
                  host,
                  port: u.port,
                  connectionId,
                  dnsCached,
                  connect: {
                    kind: 'failed',
                    attempts: [{ address, reason: 'Connection timed out' }],
                    elapsedMs,
                  },
                  connectTimeoutMs: Math.floor((this.clock.now() - start) / MILLISECOND),
                  outcome: { kind: 'done', keep: false },
                }
              : {
                  host,
                  port: u.port,
                  connectionId,
                  dnsCached,
                  connect: { kind: 'failed', attempts: [{ address, reason: opened.reason }], elapsedMs },
                  outcome: { kind: 'done', keep: false },
                };
          this.print(curlHopOutput(hop, this.outputOptions()), trying);
          if (!this.verbose) this.errorLine(hop);
          return curlHopExitCode(hop);
        }
        this.nextConnection++;
        stats.connects++;
        stats.connect = this.clock.now() - start;
        conn = this.adopt(key, address, opened.stream, connectionId, version === '2');
        connect = { kind: 'connected', address };
        alreadyPrinted = trying;
      }
      // ---- request ----
      const extra = (o.header ?? []).flatMap((h): [string, string][] => {
        const colon = h.indexOf(':');
        return colon > 0 ? [[h.slice(0, colon).trim(), h.slice(colon + 1).trim()]] : [];
      });
      const headers = curlRequestHeaders(u.hostHeader, extra, {
        userAgent: o.userAgent,
        ...(body !== undefined ? { body: { length: new TextEncoder().encode(body).length } } : {}),
      });
      const h2 = conn.h2 !== undefined;
      const shown = h2
        ? headers.map(([n, v]) => [n.toLowerCase() === 'host' ? n : n.toLowerCase(), v] as [string, string])
        : headers;
      const base: Omit<CurlHop, 'outcome'> = {
        host,
        port: u.port,
        connectionId: conn.id,
        connect,
        dnsCached,
        request: {
          startLine: `${method} ${u.target} HTTP/${h2 ? '2' : version}`,
          headers: shown,
          ...(body !== undefined ? { firstBodyBytes: new TextEncoder().encode(body).length } : {}),
        },
        ...(h2 ? { http2: { streamId: conn.nextStream, handle: EASY_HANDLE } } : {}),
      };
      // The connection lines as soon as connected.
      const early = curlHopOutput({ ...base, outcome: { kind: 'done', keep: true } }, this.outputOptions());
      const firstRequestLine = early.findIndex((p) => p.text.startsWith('> '));
      let printed = this.print(early.slice(0, Math.max(firstRequestLine, 0)), alreadyPrinted);
      // The request head as it is handed to the connection.
      const afterRequest = early.findIndex(
        (p, i) => i > firstRequestLine && !p.text.startsWith('> ') && !p.text.startsWith('} ['),
      );
      if (firstRequestLine >= 0 && body === undefined) {
        printed = this.print(early.slice(0, afterRequest < 0 ? early.length : afterRequest), printed);
      }
      const remaining = maxTime === undefined ? undefined : Math.max(0, maxTime - (this.clock.now() - start));
      const result = await this.exchange(conn, method, u.target, headers, body, version, remaining);
      // ---- outcome ----
      const elapsedMs = Math.floor((this.clock.now() - start) / MILLISECOND);
      let outcome: CurlOutcome;
      let response: CurlHop['response'];
      let responseBody: Uint8Array | undefined;
      let status = 0;
      let location: string | undefined;
      let contentType: string | undefined;
      if ('error' in result) {
        outcome = result.outcome(elapsedMs);
        response = result.response;
        if (!conn.h2 || outcome.kind !== 'done') this.closeConn(conn);
      } else {
        response = {
          startLine: result.startLine,
          headers: result.headers,
          firstDataBytes: result.firstDataBytes,
        };
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
          nextUrl = new URL(location!, `http://${u.hostHeader}${u.target}`).href;
        } catch {
          nextUrl = undefined;
        }
      }
      const tooMany = nextUrl !== undefined && maxRedirs >= 0 && stats.redirects >= maxRedirs;
      const switchToGet =
        nextUrl !== undefined &&
        method === 'POST' &&
        [301, 302, 303].includes(status) &&
        o.request === undefined;
      const hop: CurlHop = {
        ...base,
        ...(response ? { response } : {}),
        outcome,
        ...(o.fail && status >= 400 ? { failStatus: status } : {}),
        ...(nextUrl !== undefined ? { ignoreBody: true } : {}),
        ...(nextUrl !== undefined && body !== undefined ? { rewind: true } : {}),
        ...(nextUrl !== undefined && !tooMany ? { follow: { url: nextUrl, switchToGet } } : {}),
        ...(tooMany ? { maxRedirects: maxRedirs } : {}),
      };
      const pieces = curlHopOutput(hop, this.outputOptions());
      // The request lines went out before the response: print up to the first '<' line now...
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
        if (o.include || o.head) {
          const head = curlIncludedHead({ startLine: response!.startLine, headers: response!.headers });
          if (o.output === undefined) for (const l of head.split('\r\n').slice(0, -1)) this.ctx.out(l);
        }
        if (o.head) return 0;
        if (o.output !== undefined) {
          const prefix = o.include
            ? new TextEncoder().encode(
                curlIncludedHead({ startLine: response!.startLine, headers: response!.headers }),
              )
            : new Uint8Array(0);
          const all = new Uint8Array(prefix.length + responseBody.length);
          all.set(prefix);
          all.set(responseBody, prefix.length);
          this.ctx.files.set(o.output, all);
          return 0;
        }
        if (looksBinary(responseBody)) {
          if (!this.silent) for (const l of CURL_BINARY_WARNING) this.ctx.err(l);
          return 23;
        }
        writeLines(this.ctx, responseBody);
        return 0;
      };
      if (bodyAt >= 0) {
        this.print(pieces.slice(0, bodyAt), printed);
        if (progress && nextUrl === undefined) this.ctx.err(this.meter(result, start));
        const w = writeBody();
        if (w !== 0) exitStatus = w;
        this.print(pieces, bodyAt + 1);
      } else {
        this.print(pieces, printed);
        if (progress && nextUrl === undefined && !('error' in result))
          this.ctx.err(this.meter(result, start));
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
            nextUrl === undefined ? undefined : nextUrl,
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
          for (const name of w.unknown) this.ctx.err(`curl: unknown --write-out variable: '${name}'`);
          writeText(this.ctx, w.text);
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

  private outputOptions() {
    return { tty: true, silent: this.silent, showError: this.o.showError === true };
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
    const tcp = this.ctx.node!.requireService(TCP);
    const attempt = tcp.connect(address, port, { noDelay: true }).then(
      (stream) => ({ stream }) as { stream: ByteStream },
      (e: unknown) => ({ reason: strerror(e) }),
    );
    if (!Number.isFinite(limit)) return attempt;
    const d = this.ctx.sim.deferred<{ stream: ByteStream } | { reason: string }>();
    const timer = this.ctx.sim.after(limit, () => d.resolve({ reason: 'timeout' }));
    void attempt.then((r) => {
      timer.cancel();
      d.resolve(r);
    });
    const r = await d.promise;
    if (!('stream' in r) && r.reason === 'timeout')
      void attempt.then((late) => 'stream' in late && late.stream.abort());
    return r;
  }

  private adopt(key: string, address: string, stream: ByteStream, id: number, h2: boolean): Conn {
    const ctx = this.ctx;
    const conn: Conn = h2
      ? {
          id,
          key,
          address,
          stream,
          nextStream: 1,
          h2: connectHttp2(stream, {
            clock: this.clock,
            authority: key.endsWith(':80') ? key.slice(0, -3) : key,
            deferred: () => ctx.sim.deferred(),
            enablePush: false,
            trace: { bus: ctx.sim.trace, node: ctx.node!.name, connection: id + 1 },
          }),
        }
      : {
          id,
          key,
          address,
          stream,
          nextStream: 1,
          h1: new ClientConnection(stream, {
            clock: this.clock,
            trace: ctx.sim.trace,
            node: ctx.node!.name,
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
    body: string | undefined,
    version: '1.0' | '1.1' | '2',
    timeout: Time | undefined,
  ): Promise<ExchangeResult> {
    if (conn.h1) {
      try {
        const r = await conn.h1.request({
          method,
          target,
          host: headers[0]![1],
          headers: headers.slice(1),
          body,
          version: version === '1.0' ? '1.0' : '1.1',
          ...(timeout !== undefined ? { timeout } : {}),
        });
        const h = r.response;
        return {
          status: r.status,
          startLine: `HTTP/${h.version} ${h.status}${h.reason === '' ? '' : ` ${h.reason}`}`,
          headers: h.headers.entries(),
          body: r.body,
          firstDataBytes: r.firstDataBytes,
          keep: r.keptAlive,
          firstByte: r.timing.firstByte,
          headBytes: r.headBytes,
          requestBytes: r.requestHeadBytes + r.requestBodyBytes,
          expected: framedLength(h.headers.get('content-length')),
          remote: conn.address,
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
    });
    const d = this.ctx.sim.deferred<ExchangeResult>();
    const timer =
      timeout === undefined
        ? undefined
        : this.ctx.sim.after(timeout, () =>
            d.resolve(failure(new HttpRequestError('http-timeout', 'timed out', 0, false), timeout)),
          );
    request.then(
      (r) => {
        timer?.cancel();
        const fields = r.headers
          .filter((f) => !f.name.startsWith(':'))
          .map((f) => [f.name, f.value] as [string, string]);
        d.resolve({
          status: r.status,
          startLine: `HTTP/2 ${r.status} `,
          headers: fields,
          body: r.body,
          firstDataBytes: Math.min(r.body.length, 16384),
          keep: h2.conn.state === 'open',
          firstByte: r.timing.firstByte,
          headBytes: fields.reduce((n, [a, b]) => n + a.length + b.length + 4, 13),
          requestBytes: body?.length ?? 0,
          expected: framedLength(r.header('content-length')),
          remote: conn.address,
        });
      },
      (e: unknown) => {
        timer?.cancel();
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
    const effective = new URL(u.target, `http://${u.hostHeader}`).href;
    return {
      http_code: String(status).padStart(3, '0'),
      response_code: String(status).padStart(3, '0'),
      http_version: 'error' in result ? '0' : conn.h2 ? '2' : version,
      time_namelookup: sec(stats.namelookup),
      time_connect: sec(stats.connect),
      time_appconnect: sec(0),
      time_pretransfer: sec(stats.connect),
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
      scheme: 'HTTP',
      url: url,
    };
  }
}

type ExchangeResult =
  | {
      readonly status: number;
      readonly startLine: string;
      readonly headers: [string, string][];
      readonly body: Uint8Array;
      readonly firstDataBytes: number;
      readonly keep: boolean;
      readonly firstByte: Time;
      readonly headBytes: number;
      readonly requestBytes: number;
      readonly expected: number | undefined;
      readonly remote: string;
    }
  | {
      readonly error: true;
      readonly received: number;
      readonly response?: CurlHop['response'];
      outcome(elapsedMs: number): CurlOutcome;
    };

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
            return { kind: 'empty-reply' };
        }
      },
    };
  }
  return { error: true, received: 0, outcome: () => ({ kind: 'empty-reply' }) };
}

/** strerror(3) text of a failed connect. */
function strerror(e: unknown): string {
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
  return String((e as Error)?.message ?? e);
}

const decoder = new TextDecoder();

/** A body on standard output: one line per line of text (a last line without newline too). */
function writeLines(ctx: CommandContext, body: Uint8Array): void {
  writeText(ctx, decoder.decode(body));
}

function writeText(ctx: CommandContext, text: string): void {
  if (text === '') return;
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  for (const l of lines) ctx.out(l.endsWith('\r') ? l.slice(0, -1) : l);
}

export { CURL_USER_AGENT };
