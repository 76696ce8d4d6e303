/**
 * HttpClient: requests to origins over a pool of HTTP/1.x connections, the three ways
 * the course compares:
 *
 * - 'http1.0': HTTP/1.0, a new connection for every request (and its handshake, and its
 *   slow start), up to `maxConnectionsPerHost` at once.
 * - 'keep-alive': HTTP/1.1 persistent connections, one request at a time on each, up to
 *   `maxConnectionsPerHost` (6, what browsers use).
 * - 'pipelining': HTTP/1.1 with up to `pipelineDepth` requests sent back to back on a
 *   connection before the first response comes; responses come back in order, so one
 *   slow response delays the ones behind it (head-of-line blocking).
 *
 * It opens connections through the `connect` function it is given (simulated TCP, real
 * sockets, a TLS session...): resolving names is that function's business. Requests a
 * closing server left unanswered are retried once on a new connection when their method
 * is idempotent (RFC 9112 §9.3.2, RFC 9110 §9.2.2).
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Clock } from '../../sim/clock.ts';
import type { Time } from '../../sim/time.ts';
import { TraceBus } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import {
  ClientConnection,
  HttpRequestError,
  type HttpRequestSpec,
  type HttpResult,
} from './client-connection.ts';
import { HeaderList } from './header-list.ts';
import { parseHttpUrl } from './http-url.ts';
import type { HttpLimits } from './limits.ts';

export type HttpClientMode = 'http1.0' | 'keep-alive' | 'pipelining';

export interface HttpClientOptions {
  /** Opens a connection to `host:port` (`scheme` says whether TLS is wanted). */
  readonly connect: (host: string, port: number, scheme: 'http' | 'https') => Promise<ByteStream>;
  readonly clock: Clock;
  readonly trace?: TraceBus;
  readonly node?: string;
  /** Default 'keep-alive'. */
  readonly mode?: HttpClientMode;
  /** Connections per origin at once. Default 6. */
  readonly maxConnectionsPerHost?: number;
  /** Requests in flight per connection in 'pipelining' mode. Default 8. */
  readonly pipelineDepth?: number;
  readonly limits?: Partial<HttpLimits>;
  /** Sent as User-Agent unless a request sets its own; '' for none. Default 'netlab'. */
  readonly userAgent?: string;
}

/** A request by origin; `fetch` also takes a URL string. */
export interface HttpFetchSpec extends Omit<HttpRequestSpec, 'host' | 'target' | 'version'> {
  readonly scheme?: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  readonly target: string;
  /** Default: host, plus ':port' when not the default port. */
  readonly hostHeader?: string;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

interface Job {
  readonly spec: HttpFetchSpec;
  readonly queued: Time;
  readonly resolve: (r: HttpResult) => void;
  readonly reject: (e: unknown) => void;
  attempts: number;
}

interface PooledConnection {
  readonly cc: ClientConnection;
  pending: number;
}

interface Origin {
  readonly key: string;
  readonly spec: HttpFetchSpec;
  readonly conns: PooledConnection[];
  readonly queue: Job[];
  opening: number;
}

export class HttpClient {
  readonly mode: HttpClientMode;
  readonly trace: TraceBus;
  private readonly origins = new Map<string, Origin>();
  private readonly maxPerHost: number;
  private readonly depth: number;
  private nextConnection = 1;
  private closed = false;
  /** Connections opened so far. */
  connectionsOpened = 0;

  constructor(private readonly options: HttpClientOptions) {
    this.mode = options.mode ?? 'keep-alive';
    this.trace = options.trace ?? new TraceBus();
    this.maxPerHost = options.maxConnectionsPerHost ?? 6;
    this.depth = options.pipelineDepth ?? 8;
    if (!(this.maxPerHost >= 1) || !(this.depth >= 1)) {
      throw new NetlabError('http-bad-option', 'maxConnectionsPerHost and pipelineDepth must be >= 1');
    }
  }

  /** Fetches a URL ('http://host:port/path') or a request by origin. */
  fetch(
    request: string | HttpFetchSpec,
    init: Omit<HttpFetchSpec, 'host' | 'port' | 'target'> = {},
  ): Promise<HttpResult> {
    let spec: HttpFetchSpec;
    if (typeof request === 'string') {
      const url = parseHttpUrl(request);
      if (!url) return Promise.reject(new NetlabError('http-bad-url', `not an http URL: ${request}`));
      spec = {
        ...init,
        scheme: url.scheme,
        host: url.host,
        port: url.port,
        target: url.target,
        hostHeader: url.hostHeader,
      };
    } else spec = request;
    if (this.closed) return Promise.reject(new NetlabError('http-client-closed', 'the client is closed'));
    const scheme = spec.scheme ?? 'http';
    const key = `${scheme}://${spec.host}:${spec.port}`;
    let origin = this.origins.get(key);
    if (!origin) {
      origin = { key, spec, conns: [], queue: [], opening: 0 };
      this.origins.set(key, origin);
    }
    const o = origin;
    return new Promise((resolve, reject) => {
      o.queue.push({ spec, queued: this.options.clock.now(), resolve, reject, attempts: 0 });
      this.schedule(o);
    });
  }

  /** Closes every connection; queued requests reject. */
  close(): void {
    this.closed = true;
    for (const o of this.origins.values()) {
      for (const c of o.conns) c.cc.close();
      for (const j of o.queue.splice(0))
        j.reject(new NetlabError('http-client-closed', 'the client is closed'));
    }
  }

  private schedule(o: Origin): void {
    while (o.queue.length > 0 && !this.closed) {
      const pc = this.pick(o);
      if (pc) {
        this.dispatch(o, pc, o.queue.shift()!);
        continue;
      }
      // Open as many connections as there are waiting requests, within the limit.
      const waitingForNew = o.queue.length - o.opening;
      if (waitingForNew > 0 && o.conns.length + o.opening < this.maxPerHost) {
        void this.open(o);
        continue;
      }
      return;
    }
  }

  private pick(o: Origin): PooledConnection | undefined {
    const live = o.conns.filter((c) => c.cc.usable);
    if (this.mode === 'http1.0') return live.find((c) => c.pending === 0 && c.cc.completed === 0);
    const idle = live.find((c) => c.pending === 0);
    if (idle) return idle;
    if (this.mode === 'keep-alive') return undefined;
    if (o.conns.length + o.opening < this.maxPerHost) return undefined; // a new connection first
    let best: PooledConnection | undefined;
    for (const c of live) if (c.pending < this.depth && (!best || c.pending < best.pending)) best = c;
    return best;
  }

  private async open(o: Origin): Promise<void> {
    o.opening++;
    const clock = this.options.clock;
    const connectStart = clock.now();
    let stream: ByteStream;
    try {
      stream = await this.options.connect(o.spec.host, o.spec.port, o.spec.scheme ?? 'http');
    } catch (e) {
      o.opening--;
      // The request that asked for this connection fails with the connect error.
      o.queue.shift()?.reject(e);
      this.schedule(o);
      return;
    }
    o.opening--;
    const cc = new ClientConnection(stream, {
      clock,
      trace: this.trace,
      node: this.options.node,
      id: this.nextConnection++,
      limits: this.options.limits,
      maxPipelined: this.mode === 'pipelining' ? this.depth : 1,
      connectStart,
      connectEnd: clock.now(),
    });
    this.connectionsOpened++;
    const pc: PooledConnection = { cc, pending: 0 };
    o.conns.push(pc);
    if (this.closed) cc.close();
    this.schedule(o);
  }

  private dispatch(o: Origin, pc: PooledConnection, job: Job): void {
    pc.pending++;
    const s = job.spec;
    let headers = HeaderList.from(s.headers);
    const ua = this.options.userAgent ?? 'netlab';
    if (ua !== '' && !headers.has('user-agent')) headers = headers.with('User-Agent', ua);
    const defaultPort = (s.scheme ?? 'http') === 'https' ? 443 : 80;
    const host = s.hostHeader ?? (s.port === defaultPort ? s.host : `${s.host}:${s.port}`);
    const spec: HttpRequestSpec = {
      method: s.method,
      target: s.target,
      host,
      headers,
      body: s.body,
      version: this.mode === 'http1.0' ? '1.0' : '1.1',
      expectContinue: s.expectContinue,
      timeout: s.timeout,
    };
    pc.cc.request(spec, job.queued).then(
      (r) => {
        pc.pending--;
        job.resolve(r);
        this.tidy(o, pc);
      },
      (e) => {
        pc.pending--;
        const retry =
          e instanceof HttpRequestError &&
          e.retryable &&
          job.attempts === 0 &&
          IDEMPOTENT.has(s.method ?? 'GET');
        if (retry) {
          job.attempts++;
          o.queue.unshift(job);
        } else job.reject(e);
        this.tidy(o, pc);
      },
    );
  }

  private tidy(o: Origin, pc: PooledConnection): void {
    if (!pc.cc.usable && pc.pending === 0) {
      const i = o.conns.indexOf(pc);
      if (i >= 0) o.conns.splice(i, 1);
      pc.cc.close();
    }
    this.schedule(o);
  }
}
