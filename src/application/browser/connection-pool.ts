/**
 * The browser's connections: a pool per origin (scheme, host, port), at most
 * `maxPerOrigin` at once (6, what every major browser uses for HTTP/1.x), run with the
 * protocol chosen for the origin:
 *
 * - 'http1.0': one request per connection (HTTP/1.0 without keep-alive): every request
 *   pays a TCP handshake, and the server closes after the response.
 * - 'http1.1': persistent connections, one request at a time on each (keep-alive).
 * - 'http1.1-pipelining': persistent connections carrying up to `pipelineDepth` requests
 *   at once; responses come back in order (head-of-line blocking). An idle connection is
 *   used first, then a new one while under the limit; at the limit each connection (open
 *   or being opened) takes its fair share of the outstanding requests, least loaded first.
 * - 'h2': one connection per origin, every request a stream on it (multiplexing); the
 *   server's concurrency limit is the HTTP/2 client's business.
 *
 * Each request records the instants the waterfall needs; the first request on a new
 * connection carries its connect (and TLS) times. A request a closing HTTP/1.x server
 * left unanswered, or an HTTP/2 stream refused unprocessed, is retried once on another
 * connection (RFC 9112 §9.3.2, RFC 9113 §8.7). Failures are BrowserErrors.
 *
 * HTTPS goes through the `secure` connector (a TLS client over the TCP stream, offering
 * ALPN h2 when the origin's protocol is h2); without one, https origins fail with
 * 'browser-no-tls'. This is the seam where TLS slots in.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Clock } from '../../sim/clock.ts';
import type { Deferred } from '../../sim/simulator.ts';
import type { Time } from '../../sim/time.ts';
import type { TraceBus } from '../../sim/trace.ts';
import { type ByteStream, StreamError } from '../../transport/byte-stream.ts';
import { ClientConnection, HttpRequestError } from '../http/client-connection.ts';
import type { HttpLimits } from '../http/limits.ts';
import { connectHttp2, type Http2Client } from '../http2/client.ts';
import { BrowserError } from './browser-error.ts';
import { tlsBrowserError } from './secure-connector.ts';
import { TlsError } from '../tls/tls-error.ts';
import type { BrowserProtocol, ConnectionRecord, WireProtocol } from './resource-timing.ts';
import './trace-events.ts';

/** Opens a TCP connection (simulated or real) to an address. */
export type StreamConnect = (address: string, port: number) => Promise<ByteStream>;

/** Secures a connected stream (TLS), offering `alpn`; says which protocol was chosen. */
export type SecureConnector = (
  stream: ByteStream,
  serverName: string,
  alpn: readonly string[],
) => Promise<{ readonly stream: ByteStream; readonly alpn?: string }>;

export interface OriginKey {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
}

export interface PoolRequest {
  readonly method: string;
  /** Origin-form target: '/a/b?c'. */
  readonly target: string;
  /** Host header / :authority. */
  readonly authority: string;
  /** Header fields other than Host, in order. */
  readonly headers: readonly (readonly [string, string])[];
  /** The address to connect to (resolved by the caller). */
  readonly address: string;
}

export interface PoolResponse {
  readonly status: number;
  /** Fields as received (HTTP/2 names are lower case). */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Uint8Array;
  readonly protocol: WireProtocol;
  readonly connection: number;
  readonly reused: boolean;
  readonly connectStart?: Time;
  readonly connectEnd?: Time;
  readonly tlsStart?: Time;
  readonly tlsEnd?: Time;
  /** When the request went out; undefined for a pushed response (no request was sent). */
  readonly requestStart: Time | undefined;
  readonly responseStart: Time;
  readonly end: Time;
  /** Taken from the HTTP/2 push cache: the server pushed it (RFC 9113 §8.4). */
  readonly pushed?: boolean;
}

export interface ConnectionPoolOptions {
  readonly clock: Clock;
  readonly connect: StreamConnect;
  readonly secure?: SecureConnector;
  readonly deferred?: <T>() => Deferred<T>;
  readonly trace?: TraceBus;
  readonly node?: string;
  /** Default 6. */
  readonly maxPerOrigin?: number;
  /** Requests in flight per connection when pipelining. Default 8. */
  readonly pipelineDepth?: number;
  /** Largest response body. Default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** Give up connecting after this long. Default 30 s. */
  readonly connectTimeout: Time;
  /** Give up on a response after this long. Default 30 s. */
  readonly responseTimeout: Time;
  /** Per-connection HTTP/1.x limits beyond the body size. */
  readonly limits?: Partial<HttpLimits>;
  /** Accept HTTP/2 server push and use pushed responses from the push cache. Default true. */
  readonly push?: boolean;
}

interface Job {
  readonly req: PoolRequest;
  readonly queued: Time;
  readonly resolve: (r: PoolResponse) => void;
  readonly reject: (e: BrowserError) => void;
  attempts: number;
}

interface Conn {
  readonly record: ConnectionRecord;
  readonly h1?: ClientConnection;
  readonly h2?: Http2Client;
  readonly tls?: { readonly start: Time; readonly end: Time };
  pending: number;
  started: number;
  dead: boolean;
}

interface Origin {
  readonly key: string;
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly protocol: BrowserProtocol;
  readonly conns: Conn[];
  readonly queue: Job[];
  opening: number;
}

const HTTP_VERSION: Record<Exclude<BrowserProtocol, 'h2'>, WireProtocol> = {
  'http1.0': 'http/1.0',
  'http1.1': 'http/1.1',
  'http1.1-pipelining': 'http/1.1',
};

/** The TlsError at the bottom of `e`'s causes, if any (at most 8 deep). */
function tlsCause(e: unknown): TlsError | undefined {
  let x = e;
  for (let depth = 0; depth < 8 && x instanceof Error; depth++) {
    if (x instanceof TlsError) return x;
    x = (x as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A transport or HTTP failure as the browser's typed error. */
export function toBrowserError(e: unknown): BrowserError {
  if (e instanceof BrowserError) return e;
  // A TLS failure after the handshake (TLS 1.3's certificate_required comes while the
  // response is read), however the HTTP layer wrapped it.
  const tls = tlsCause(e);
  if (tls) return tlsBrowserError(tls);
  if (e instanceof StreamError) {
    switch (e.code) {
      case 'connection-refused':
        return new BrowserError('browser-connection-refused', e.message, e);
      case 'timed-out':
        return new BrowserError('browser-timed-out', e.message, e);
      case 'unreachable':
        return new BrowserError('browser-unreachable', e.message, e);
      default:
        return new BrowserError('browser-connection-closed', e.message, e);
    }
  }
  if (e instanceof HttpRequestError) {
    switch (e.code) {
      case 'http-timeout':
        return new BrowserError('browser-timed-out', 'the response did not complete in time', e);
      case 'http-protocol-error': {
        const cause = e.cause as { code?: string } | undefined;
        if (cause?.code === 'body-too-large')
          return new BrowserError('browser-response-too-large', e.message, e);
        return new BrowserError('browser-invalid-response', e.message, e);
      }
      case 'http-stream-error':
        return e.cause instanceof StreamError
          ? toBrowserError(e.cause)
          : new BrowserError('browser-connection-closed', e.message, e);
      default:
        return new BrowserError('browser-connection-closed', e.message, e);
    }
  }
  if (e instanceof NetlabError) {
    if (e.code === 'h2-body-too-large') return new BrowserError('browser-response-too-large', e.message, e);
    if (e.code === 'h2-stream-reset') return new BrowserError('browser-invalid-response', e.message, e);
    return new BrowserError('browser-connection-closed', e.message, e);
  }
  return new BrowserError('browser-connection-closed', String((e as Error)?.message ?? e), e);
}

export class ConnectionPool {
  /** Every connection opened (or tried), in order. */
  readonly records: ConnectionRecord[] = [];
  private readonly origins = new Map<string, Origin>();
  private readonly maxPerOrigin: number;
  private readonly depth: number;
  private readonly maxBody: number;
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ConnectionPoolOptions) {
    this.maxPerOrigin = options.maxPerOrigin ?? 6;
    this.depth = options.pipelineDepth ?? 8;
    this.maxBody = options.maxBodyBytes ?? 10 * 1024 * 1024;
    if (!(this.maxPerOrigin >= 1 && this.depth >= 1 && this.maxBody >= 0)) {
      throw new NetlabError('browser-bad-option', 'maxPerOrigin and pipelineDepth must be >= 1');
    }
  }

  /** Sends a request to the origin with its protocol; resolves with the whole response. */
  fetch(origin: OriginKey, protocol: BrowserProtocol, req: PoolRequest): Promise<PoolResponse> {
    if (this.closed) return Promise.reject(new BrowserError('browser-aborted', 'the browser is closed'));
    const key = `${origin.scheme}://${origin.host}:${origin.port}|${protocol}`;
    let o = this.origins.get(key);
    if (!o) {
      o = { key, ...origin, protocol, conns: [], queue: [], opening: 0 };
      this.origins.set(key, o);
    }
    const target = o;
    return new Promise((resolve, reject) => {
      target.queue.push({ req, queued: this.options.clock.now(), resolve, reject, attempts: 0 });
      this.schedule(target);
    });
  }

  /** Connections open now. */
  get openConnections(): number {
    let n = 0;
    for (const o of this.origins.values()) n += o.conns.filter((c) => !c.dead).length;
    return n;
  }

  /** Closes every connection; queued requests fail with 'browser-aborted'. */
  close(): void {
    this.closed = true;
    for (const o of this.origins.values()) {
      for (const c of o.conns) this.retire(c);
      o.conns.length = 0;
      for (const j of o.queue.splice(0))
        j.reject(new BrowserError('browser-aborted', 'the browser is closed'));
    }
  }

  private schedule(o: Origin): void {
    // Idle HTTP/1.x connections the server closed meanwhile (its keep-alive timeout) go.
    for (const c of [...o.conns]) {
      if (!c.dead && c.h1 && !c.h1.usable && c.pending === 0) {
        this.retire(c);
        o.conns.splice(o.conns.indexOf(c), 1);
      }
    }
    while (o.queue.length > 0 && !this.closed) {
      const c = this.pick(o);
      if (c) {
        this.dispatch(o, c, o.queue.shift()!);
        continue;
      }
      if (this.canOpen(o)) {
        void this.open(o);
        continue;
      }
      return;
    }
  }

  private live(o: Origin): Conn[] {
    return o.conns.filter((c) => !c.dead && (c.h2 ? c.h2.conn.state === 'open' : c.h1!.usable));
  }

  private pick(o: Origin): Conn | undefined {
    const live = this.live(o);
    if (o.protocol === 'h2' || live.some((c) => c.h2)) return live.find((c) => c.h2) ?? live[0];
    if (o.protocol === 'http1.0') return live.find((c) => c.started === 0 && c.pending === 0);
    const idle = live.find((c) => c.pending === 0);
    if (idle) return idle;
    if (o.protocol === 'http1.1') return undefined;
    // Pipelining: a new connection before a deeper pipeline, and then each connection (open
    // or being opened) its fair share of the work, so that one does not take it all.
    const slots = live.length + o.opening;
    if (slots < this.maxPerOrigin) return undefined;
    let outstanding = o.queue.length;
    for (const c of live) outstanding += c.pending;
    const share = Math.min(this.depth, Math.max(1, Math.ceil(outstanding / slots)));
    let best: Conn | undefined;
    for (const c of live) if (c.pending < share && (!best || c.pending < best.pending)) best = c;
    return best;
  }

  private canOpen(o: Origin): boolean {
    const live = o.conns.filter((c) => !c.dead).length;
    if (o.protocol === 'h2' && live + o.opening > 0) return false;
    return live + o.opening < this.maxPerOrigin && o.queue.length > o.opening;
  }

  private async open(o: Origin): Promise<void> {
    o.opening++;
    const { clock } = this.options;
    const address = o.queue[0]!.req.address;
    const id = this.nextId++;
    const h2Wanted = o.protocol === 'h2';
    const record: ConnectionRecord = {
      id,
      origin: `${o.scheme}://${o.host}:${o.port}`,
      address,
      port: o.port,
      protocol: h2Wanted ? 'h2' : HTTP_VERSION[o.protocol as Exclude<BrowserProtocol, 'h2'>],
      connectStart: clock.now(),
      connectEnd: undefined,
      requests: 0,
      closedAt: undefined,
    };
    this.records.push(record);
    this.traceConnection(record, 'connecting');
    let stream: ByteStream;
    let tls: { start: Time; end: Time } | undefined;
    let alpn: string | undefined;
    try {
      if (o.scheme === 'https' && !this.options.secure) {
        throw new BrowserError('browser-no-tls', `no TLS in this browser: cannot open ${record.origin}`);
      }
      stream = await this.withTimeout(this.options.connect(address, o.port), this.options.connectTimeout);
      record.connectEnd = clock.now();
      if (o.scheme === 'https') {
        const start = clock.now();
        const offer = h2Wanted ? ['h2', 'http/1.1'] : ['http/1.1'];
        const secured = await this.withTimeout(
          this.options.secure!(stream, o.host, offer),
          this.options.connectTimeout,
        );
        stream = secured.stream;
        alpn = secured.alpn;
        tls = { start, end: clock.now() };
      }
    } catch (e) {
      o.opening--;
      const err = toBrowserError(e);
      record.closedAt = clock.now();
      this.traceConnection(record, 'failed', err.netError);
      // The request that asked for this connection fails with the connect error.
      o.queue.shift()?.reject(err);
      this.schedule(o);
      return;
    }
    o.opening--;
    if (this.closed) {
      stream.close();
      return;
    }
    // Over TLS the server's ALPN choice decides; an h2 origin that answered http/1.1 gets HTTP/1.1.
    const useH2 = o.scheme === 'https' ? alpn === 'h2' : h2Wanted;
    if (!useH2 && h2Wanted) record.protocol = 'http/1.1';
    const trace = this.options.trace;
    const node = this.options.node ?? 'browser';
    let conn: Conn;
    if (useH2) {
      const h2 = connectHttp2(stream, {
        clock,
        authority: o.port === (o.scheme === 'https' ? 443 : 80) ? o.host : `${o.host}:${o.port}`,
        scheme: o.scheme,
        deferred: this.options.deferred,
        maxResponseBody: this.maxBody,
        enablePush: this.options.push ?? true,
        ...(trace ? { trace: { bus: trace, node, connection: id } } : {}),
      });
      conn = { record, h2, tls, pending: 0, started: 0, dead: false };
      void h2.closed.then(
        () => this.onClosed(o, conn),
        () => this.onClosed(o, conn),
      );
    } else {
      const h1 = new ClientConnection(stream, {
        clock,
        trace,
        node,
        id,
        limits: { ...this.options.limits, maxBodyBytes: this.maxBody },
        maxPipelined: o.protocol === 'http1.1-pipelining' ? this.depth : 1,
      });
      conn = { record, h1, tls, pending: 0, started: 0, dead: false };
    }
    o.conns.push(conn);
    this.traceConnection(record, 'connected');
    this.schedule(o);
  }

  private dispatch(o: Origin, c: Conn, job: Job): void {
    c.pending++;
    const first = c.started === 0;
    c.started++;
    c.record.requests++;
    const { clock } = this.options;
    const done = (r: Omit<PoolResponse, 'connection' | 'reused' | 'protocol'>) => {
      c.pending--;
      const withConnect = first
        ? {
            connectStart: c.record.connectStart,
            connectEnd: c.record.connectEnd,
            ...(c.tls ? { tlsStart: c.tls.start, tlsEnd: c.tls.end } : {}),
          }
        : {};
      job.resolve({
        ...r,
        ...withConnect,
        protocol: c.record.protocol,
        connection: c.record.id,
        reused: !first,
      });
      this.tidy(o, c);
    };
    const failed = (e: unknown) => {
      c.pending--;
      const retry =
        job.attempts === 0 &&
        ((e instanceof HttpRequestError && e.retryable) ||
          (e instanceof NetlabError && e.code === 'h2-refused'));
      if (retry) {
        job.attempts++;
        o.queue.unshift(job);
      } else job.reject(toBrowserError(e));
      this.tidy(o, c);
    };
    const req = job.req;
    if (c.h1) {
      c.h1
        .request(
          {
            method: req.method,
            target: req.target,
            host: req.authority,
            headers: req.headers.map(([n, v]) => [n, v] as [string, string]),
            version: o.protocol === 'http1.0' ? '1.0' : '1.1',
            timeout: this.options.responseTimeout,
          },
          job.queued,
        )
        .then(
          (r) =>
            done({
              status: r.status,
              headers: r.headers.entries(),
              body: r.body,
              requestStart: r.timing.requestStart,
              responseStart: r.timing.firstByte,
              end: r.timing.done,
            }),
          failed,
        );
      return;
    }
    const h2 = c.h2!;
    let settled = false;
    const cancel = clock.setTimer(this.options.responseTimeout, () => {
      if (settled) return;
      settled = true;
      failed(new BrowserError('browser-timed-out', 'the response did not complete in time'));
    });
    h2.request({
      method: req.method,
      path: req.target,
      headers: req.headers.map(([name, value]) => ({ name: name.toLowerCase(), value })),
    }).then(
      (r) => {
        if (settled) return;
        settled = true;
        cancel();
        // A pushed response may have arrived before the page referred to it: it counts
        // from when the browser asked, and no request of the browser's was sent.
        const asked = job.queued;
        done({
          status: r.status,
          headers: r.headers.filter((f) => !f.name.startsWith(':')).map((f) => [f.name, f.value] as const),
          body: r.body,
          requestStart: r.pushed ? undefined : (r.timing.sent ?? r.timing.queued),
          responseStart: r.pushed ? Math.max(r.timing.firstByte, asked) : r.timing.firstByte,
          end: r.pushed ? Math.max(r.timing.end, asked) : r.timing.end,
          ...(r.pushed ? { pushed: true } : {}),
        });
      },
      (e) => {
        if (settled) return;
        settled = true;
        cancel();
        failed(e);
      },
    );
  }

  private tidy(o: Origin, c: Conn): void {
    if (!c.dead && c.h1 && !c.h1.usable && c.pending === 0) {
      this.retire(c);
      o.conns.splice(o.conns.indexOf(c), 1);
    }
    this.schedule(o);
  }

  private onClosed(o: Origin, c: Conn): void {
    if (c.dead) return;
    this.retire(c);
    const i = o.conns.indexOf(c);
    if (i >= 0) o.conns.splice(i, 1);
    this.schedule(o);
  }

  private retire(c: Conn): void {
    if (c.dead) return;
    c.dead = true;
    if (c.h1) c.h1.close();
    else void c.h2!.close().catch(() => {});
    c.record.closedAt = this.options.clock.now();
    this.traceConnection(c.record, 'closed');
  }

  private withTimeout<T>(p: Promise<T>, timeout: Time): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const cancel = this.options.clock.setTimer(timeout, () => {
        if (done) return;
        done = true;
        reject(new BrowserError('browser-timed-out', 'connecting took too long'));
        // A connection that succeeds after all is not wanted any more.
        p.then(
          (v) => (v as { close?: () => void } | undefined)?.close?.(),
          () => {},
        );
      });
      p.then(
        (v) => {
          if (done) return;
          done = true;
          cancel();
          resolve(v);
        },
        (e) => {
          if (done) return;
          done = true;
          cancel();
          reject(e);
        },
      );
    });
  }

  private traceConnection(
    r: ConnectionRecord,
    phase: 'connecting' | 'connected' | 'failed' | 'closed',
    error?: string,
  ) {
    const t = this.options.trace;
    if (!t?.wants('browser.connection')) return;
    t.emit({
      type: 'browser.connection',
      time: this.options.clock.now(),
      node: this.options.node ?? 'browser',
      connection: r.id,
      origin: r.origin,
      address: r.address,
      port: r.port,
      phase,
      protocol: r.protocol,
      ...(error ? { error } : {}),
    });
  }
}
