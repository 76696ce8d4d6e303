/**
 * HttpServer: the HTTP/1.x connection machine (connection.ts) run over ByteStreams. It
 * does not listen: whoever accepts connections (simulated TCP, a memory pipe, a real
 * socket via src/real/http-server.ts) hands each one to `serve(stream)`.
 *
 * Per connection it reads (only while the machine wants bytes: back-pressure on clients
 * that pipeline too deep), runs the handler of each complete request, and writes the
 * answers. Handlers of pipelined requests run concurrently; the machine releases their
 * responses in request order, and the trace shows a response `held` behind a slow one and
 * `released` after it (HTTP/1.1 head-of-line blocking).
 *
 * Bad input gets its status (400, 413, 414, 431, 501, 505) and the connection closes;
 * slow clients get 408 (head or body too slow) or are closed (idle keep-alive), from the
 * machine's deadlines run on the `Clock`; a client that stops reading its responses is
 * aborted after `sendTimeout`. After the last response the server half-closes and drains
 * what the client still sends for `lingerTimeout` before closing (a close with unread
 * data would reset the connection and could destroy the response: Apache's "lingering
 * close").
 *
 * Every server adds Date (RFC 9110 §6.6.1) from `wallClock` and a Server header.
 */
import { joinBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Clock } from '../../sim/clock.ts';
import { SECOND, simWallClockMs, type Time } from '../../sim/time.ts';
import { TraceBus, type TraceEventMap } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { HttpConnection, type HttpConnectionOptions } from './connection.ts';
import { peerOf, traceHttpConnection } from './connection-trace.ts';
import { HeaderList } from './header-list.ts';
import { formatHttpDate } from './http-date.ts';
import type { HttpLimits } from './limits.ts';
import { reasonPhrase, type RequestHead, type ResponseHead } from './message.ts';
import { serializeResponse } from './message-serializer.ts';
import { parseRequestTarget } from './request-target.ts';
import {
  type HttpHandler,
  type HttpServerRequest,
  type HttpServerResponse,
  Router,
  textResponse,
} from './router.ts';
import type { HttpCloseReason } from './trace-events.ts';
import './trace-events.ts';

export interface HttpServerOptions {
  /** What answers requests: a handler function or a Router. */
  readonly handler: HttpHandler | Router;
  readonly clock: Clock;
  /** Where trace events go (a simulation's `sim.trace`); none by default. */
  readonly trace?: TraceBus;
  /** The node name in trace events. Default 'server'. */
  readonly node?: string;
  readonly limits?: Partial<HttpLimits>;
  /** Requests parsed ahead per connection. Default 16. */
  readonly maxPipelined?: number;
  readonly idleTimeout?: Time;
  readonly headerTimeout?: Time;
  readonly bodyTimeout?: Time;
  /** A write the client does not take within this time aborts the connection. Default 30 s. */
  readonly sendTimeout?: Time;
  /** After the last response, how long to drain the client's bytes before closing. Default 2 s. */
  readonly lingerTimeout?: Time;
  /** Connections served at once; more are answered 503 and closed. Default 1024. */
  readonly maxConnections?: number;
  /** The Server header; '' sends none. Default 'netlab'. */
  readonly serverName?: string;
  /** Wall-clock time for Date, ms since the epoch. Default the simulated wall clock (src/sim/time.ts). */
  readonly wallClock?: () => number;
}

export interface HttpServerStats {
  connections: number;
  requests: number;
  responses: number;
  errors: number;
  timeouts: number;
}

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);

/** The small answers the server itself gives (bad requests, timeouts, handler failures). */
function errorResponse(status: number): HttpServerResponse {
  return textResponse(status, `${status} ${reasonPhrase(status)}`);
}

export class HttpServer {
  readonly node: string;
  readonly trace: TraceBus;
  readonly stats: HttpServerStats = { connections: 0, requests: 0, responses: 0, errors: 0, timeouts: 0 };
  private readonly handler: HttpHandler;
  private readonly active = new Set<ServedConnection>();
  private nextConnection = 1;
  private closed = false;
  readonly sendTimeout: Time;
  readonly lingerTimeout: Time;
  readonly maxConnections: number;
  readonly serverName: string;
  readonly wallClock: () => number;
  readonly machineOptions: Omit<HttpConnectionOptions, 'now'>;

  constructor(readonly options: HttpServerOptions) {
    const h = options.handler;
    this.handler = h instanceof Router ? h.handle : h;
    this.node = options.node ?? 'server';
    this.trace = options.trace ?? new TraceBus();
    this.sendTimeout = options.sendTimeout ?? 30 * SECOND;
    this.lingerTimeout = options.lingerTimeout ?? 2 * SECOND;
    this.maxConnections = options.maxConnections ?? 1024;
    if (!(this.maxConnections >= 1)) throw new NetlabError('http-bad-option', 'maxConnections must be >= 1');
    this.serverName = options.serverName ?? 'netlab';
    const clock = options.clock;
    this.wallClock = options.wallClock ?? (() => simWallClockMs(clock.now()));
    this.machineOptions = {
      limits: options.limits,
      maxPipelined: options.maxPipelined,
      idleTimeout: options.idleTimeout,
      headerTimeout: options.headerTimeout,
      bodyTimeout: options.bodyTimeout,
    };
    // Checks the options now rather than on the first connection.
    new HttpConnection('server', this.machineOptions);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Connections being served now. */
  get connections(): number {
    return this.active.size;
  }

  /** Serves one connection until it closes. Never rejects. */
  serve(stream: ByteStream): Promise<void> {
    const id = this.nextConnection++;
    this.stats.connections++;
    if (this.closed || this.active.size >= this.maxConnections) {
      return refuse(stream, this, id);
    }
    const c = new ServedConnection(this, stream, id);
    this.active.add(c);
    return c.run().finally(() => this.active.delete(c));
  }

  /** Stops serving: closes every connection (requests in progress are abandoned). */
  close(): void {
    this.closed = true;
    for (const c of this.active) c.shutdown();
  }

  /** Runs the handler, turning a throw or rejection into a 500. */
  runHandler(req: HttpServerRequest): HttpServerResponse | Promise<HttpServerResponse> {
    try {
      const r = this.handler(req);
      if (r instanceof Promise) return r.catch(() => errorResponse(500));
      return r;
    } catch {
      return errorResponse(500);
    }
  }

  /** The final head for a handler's response: defaults, Date, Server. */
  /**
   * The final head for a handler's response: its headers (validated once), then Date,
   * Server and, when `contentLength` is given and the handler set no framing, the
   * Content-Length, all built in one list.
   */
  responseHead(res: HttpServerResponse, contentLength?: number): ResponseHead {
    const status = res.status ?? 200;
    const given = HeaderList.from(res.headers);
    const names = given.names.slice();
    const values = given.values.slice();
    const keys = given.keys.slice();
    const add = (name: string, value: string) => {
      names.push(name);
      values.push(value);
      keys.push(name.toLowerCase());
    };
    if (!keys.includes('date')) add('Date', this.httpDate());
    if (this.serverName !== '' && !keys.includes('server')) add('Server', this.serverName);
    if (
      contentLength !== undefined &&
      !keys.includes('content-length') &&
      !keys.includes('transfer-encoding')
    ) {
      add('Content-Length', String(contentLength));
    }
    return {
      version: '1.1',
      status,
      reason: res.reason ?? reasonPhrase(status),
      headers: new HeaderList(names, values, keys),
    };
  }

  private dateSecond = Number.NaN;
  private dateText = '';

  /** The Date header's value, formatted once per second of `wallClock`. */
  private httpDate(): string {
    const ms = this.wallClock();
    const second = Math.floor(ms / 1000);
    if (second !== this.dateSecond) {
      this.dateSecond = second;
      this.dateText = formatHttpDate(ms);
    }
    return this.dateText;
  }
}

async function refuse(stream: ByteStream, server: HttpServer, id: number): Promise<void> {
  const body = encoder.encode('503 Service Unavailable\n');
  const head = server.responseHead(errorResponse(503), body.length);
  const headers = head.headers.with('Connection', 'close');
  try {
    await stream.write(serializeResponse({ head: { ...head, headers }, body }));
    await stream.end();
  } catch {
    // the client is gone
  }
  stream.close();
  traceHttpConnection(server.trace, server.clock.now(), {
    node: server.node,
    side: 'server',
    connection: id,
    phase: 'close',
    peer: peerOf(stream),
    exchanges: 0,
    reason: 'local',
  });
}

interface Collected {
  readonly head: RequestHead;
  readonly headBytes: number;
  readonly chunks: Uint8Array[];
}

interface Sent {
  method: string;
  target: string;
  status: number;
  reason: string;
  headBytes: number;
  bodyBytes: number;
  keepAlive: boolean;
  heldAt?: Time;
}

/** One connection being served. */
class ServedConnection {
  private readonly conn: HttpConnection;
  private readonly clock: Clock;
  private readonly trace: TraceBus;
  private readonly bodies = new Map<number, Collected>();
  private readonly sent = new Map<number, Sent>();
  private exchanges = 0;
  private cancelTimer: (() => void) | null = null;
  private timerAt = -1;
  private wakeReader: (() => void) | null = null;
  private writeQueue: Uint8Array[] = [];
  private writing = false;
  private cancelSendTimer: (() => void) | null = null;
  private drainWaiters: (() => void)[] = [];
  private turnWaiters = new Map<number, () => void>();
  private finishing = false;
  private done = false;
  private pumping = false;
  private reason: HttpCloseReason = 'not-persistent';
  private switchTo: { upgrade: NonNullable<HttpServerResponse['upgrade']> } | null = null;

  constructor(
    private readonly server: HttpServer,
    private readonly stream: ByteStream,
    readonly id: number,
  ) {
    this.clock = server.clock;
    this.trace = server.trace;
    this.conn = new HttpConnection('server', { ...server.machineOptions, now: this.clock.now() });
  }

  async run(): Promise<void> {
    this.traceConnection('open');
    this.armTimer();
    try {
      while (!this.done) {
        if (this.finishing) {
          // Lingering close: read and discard until the client closes or the linger timer does.
          const chunk = await this.stream.read();
          if (chunk === null) break;
          continue;
        }
        if (!this.conn.wantsRead) {
          await new Promise<void>((resolve) => {
            this.wakeReader = resolve;
          });
          continue;
        }
        const chunk = await this.stream.read(65536);
        if (this.done || this.finishing) {
          if (chunk === null) break;
          continue;
        }
        const now = this.clock.now();
        if (chunk === null) this.conn.receiveEnd(now);
        else this.conn.receive(chunk, now);
        this.pump();
      }
    } catch {
      this.reason = this.finishing ? this.reason : 'reset';
    }
    this.end();
    if (this.switchTo) {
      // The upgrade handler owns the stream now.
      return;
    }
  }

  /** Closes the connection from outside (server shutdown). */
  shutdown(): void {
    this.reason = 'local';
    this.stream.close();
    this.end();
  }

  private end(): void {
    if (this.done) return;
    this.done = true;
    this.cancelTimer?.();
    this.cancelSendTimer?.();
    this.wakeReader?.();
    if (!this.switchTo) this.stream.close();
    this.conn.close();
    for (const w of this.drainWaiters) w();
    for (const w of this.turnWaiters.values()) w();
    this.drainWaiters = [];
    this.turnWaiters.clear();
    this.traceConnection('close');
  }

  /** The connection's open or close in the trace; a close also says how many exchanges and why. */
  private traceConnection(phase: 'open' | 'close'): void {
    traceHttpConnection(this.trace, this.clock.now(), {
      node: this.server.node,
      side: 'server',
      connection: this.id,
      phase,
      peer: peerOf(this.stream),
      ...(phase === 'open' ? { exchanges: 0 } : { exchanges: this.exchanges, reason: this.reason }),
    });
  }

  /** A timer of `phase` ran out: counted, traced, and the reason the connection ends. */
  private timedOut(phase: TraceEventMap['http.timeout']['phase']): void {
    this.server.stats.timeouts++;
    this.reason = 'timeout';
    if (this.trace.wants('http.timeout')) {
      this.trace.emit({
        type: 'http.timeout',
        time: this.clock.now(),
        node: this.server.node,
        connection: this.id,
        phase,
      });
    }
  }

  /** Writing a response failed: the connection cannot be trusted any more and ends. */
  private broken(reason: 'protocol-error' | 'reset'): void {
    this.server.stats.errors++;
    this.reason = reason;
    this.end();
  }

  // ---- the machine's events ---------------------------------------------------------------

  /** Processes everything the machine has to say, synchronously, then writes and re-arms. */
  private pump(): void {
    if (this.done || this.pumping) return;
    this.pumping = true;
    try {
      this.drainEvents();
    } finally {
      this.pumping = false;
    }
    this.flush();
    if (this.conn.wantsRead && this.wakeReader) {
      const w = this.wakeReader;
      this.wakeReader = null;
      w();
    }
    this.armTimer();
    this.maybeFinish();
  }

  private drainEvents(): void {
    for (let ev = this.conn.nextEvent(); ev; ev = this.conn.nextEvent()) {
      switch (ev.type) {
        case 'request':
          this.exchanges++;
          this.bodies.set(ev.exchange, { head: ev.head, headBytes: ev.headBytes, chunks: [] });
          if (ev.expectContinue && ev.framing.kind !== 'none') {
            this.conn.send(
              {
                type: 'informational',
                exchange: ev.exchange,
                head: { version: '1.1', status: 100, reason: 'Continue', headers: HeaderList.EMPTY },
              },
              this.clock.now(),
            );
          }
          break;
        case 'data': {
          const b = this.bodies.get(ev.exchange);
          if (b) b.chunks.push(ev.data);
          break;
        }
        case 'end':
          this.dispatch(ev.exchange, ev.trailers);
          break;
        case 'error': {
          this.server.stats.errors++;
          this.reason = 'protocol-error';
          const e = ev.error;
          const status = 'status' in e ? e.status : 400;
          if (this.trace.wants('http.error')) {
            this.trace.emit({
              type: 'http.error',
              time: this.clock.now(),
              node: this.server.node,
              side: 'server',
              connection: this.id,
              exchange: ev.exchange,
              code: e.code,
              status,
              message: e.message,
            });
          }
          if (ev.exchange !== undefined) this.respond(ev.exchange, '', '', errorResponse(status));
          break;
        }
        case 'timeout':
          this.timedOut(ev.phase);
          if (ev.exchange !== undefined) this.respond(ev.exchange, '', '', errorResponse(408));
          break;
        case 'closed':
          if (this.reason === 'not-persistent') this.reason = 'peer-closed';
          break;
        case 'informational':
        case 'response':
          break;
      }
    }
  }

  private dispatch(exchange: number, trailers: HeaderList): void {
    const b = this.bodies.get(exchange)!;
    this.bodies.delete(exchange);
    const head = b.head;
    const body = b.chunks.length === 0 ? EMPTY : joinBytes(b.chunks);
    this.server.stats.requests++;
    if (this.trace.wants('http.request')) {
      this.trace.emit({
        type: 'http.request',
        time: this.clock.now(),
        node: this.server.node,
        side: 'server',
        connection: this.id,
        exchange,
        method: head.method,
        target: head.target,
        version: head.version,
        headBytes: b.headBytes,
        bodyBytes: body.length,
      });
    }
    const target = parseRequestTarget(head.target);
    if (!target) {
      this.respond(exchange, head.method, head.target, errorResponse(400));
      return;
    }
    const req: HttpServerRequest = {
      method: head.method,
      target: head.target,
      path: target.path,
      query: target.query,
      version: head.version,
      headers: head.headers,
      body,
      trailers,
      params: {},
      local: this.stream.local,
      remote: this.stream.remote,
      connection: this.id,
      exchange,
    };
    const r = this.server.runHandler(req);
    if (r instanceof Promise) {
      r.then(
        (res) => this.respond(exchange, head.method, head.target, res),
        () => this.respond(exchange, head.method, head.target, errorResponse(500)),
      );
    } else this.respond(exchange, head.method, head.target, r);
  }

  // ---- answering --------------------------------------------------------------------------

  private respond(exchange: number, method: string, target: string, res: HttpServerResponse): void {
    if (this.done || !this.conn.exchangeStates(exchange)) return; // dropped behind a close
    let head: ResponseHead;
    let bytes: Uint8Array | null = null;
    let stream: AsyncIterable<Uint8Array> | null = null;
    try {
      const body = res.body;
      if (typeof body === 'string') bytes = encoder.encode(body);
      else if (body instanceof Uint8Array) bytes = body;
      else if (body !== undefined) stream = body;
      const status = res.status ?? 200;
      const bodiless = status === 204 || status === 304 || status < 200;
      const length = bodiless ? undefined : (res.contentLength ?? bytes?.length ?? (stream ? undefined : 0));
      head = this.server.responseHead(res, length);
      if (method === 'HEAD' || bodiless) {
        bytes = null;
        stream = null;
      }
    } catch {
      bytes = encoder.encode('500 Internal Server Error\n');
      head = this.server.responseHead(errorResponse(500), bytes.length);
    }
    if (head.status === 101) {
      if (!res.upgrade) {
        res = errorResponse(500);
        bytes = encoder.encode(String(res.body));
        head = this.server.responseHead(res, bytes.length);
      } else this.switchTo = { upgrade: res.upgrade };
    }
    if (stream) {
      void this.respondStreaming(exchange, method, target, head, stream);
      return;
    }
    try {
      const info = this.sendHead(exchange, method, target, head);
      if (head.status === 101) {
        this.flush();
        void this.handOver();
        return;
      }
      if (bytes && bytes.length > 0) {
        this.conn.send({ type: 'data', exchange, data: bytes });
        info.bodyBytes = bytes.length;
      }
      this.conn.send({ type: 'end', exchange }, this.clock.now());
    } catch {
      // The handler's headers contradict its body (a bad Content-Length...): the connection cannot be trusted.
      this.broken('protocol-error');
      return;
    }
    this.completed(exchange);
    this.pump();
  }

  private async respondStreaming(
    exchange: number,
    method: string,
    target: string,
    head: ResponseHead,
    body: AsyncIterable<Uint8Array>,
  ): Promise<void> {
    // A streamed body is pulled only when it is this exchange's turn on the wire, so a
    // long download does not pile up in memory behind a slow response.
    if (this.conn.blockedBy(exchange) !== undefined) {
      await new Promise<void>((resolve) => this.turnWaiters.set(exchange, resolve));
    }
    if (this.done || !this.conn.exchangeStates(exchange)) return;
    try {
      const info = this.sendHead(exchange, method, target, head);
      this.flush();
      for await (const chunk of body) {
        if (this.done) return;
        this.conn.send({ type: 'data', exchange, data: chunk });
        info.bodyBytes += chunk.length;
        this.flush();
        if (this.writing) await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      }
      this.conn.send({ type: 'end', exchange }, this.clock.now());
    } catch {
      this.broken('reset');
      return;
    }
    this.completed(exchange);
    this.pump();
  }

  /** Hands the stream to the upgrade handler once the 101 is written. */
  private async handOver(): Promise<void> {
    while (this.writing || this.writeQueue.length > 0) {
      await new Promise<void>((resolve) => this.drainWaiters.push(resolve));
      if (this.done && !this.switchTo) return;
    }
    const upgrade = this.switchTo!.upgrade;
    const buffered = this.conn.takeBuffered();
    this.reason = 'local';
    this.end();
    this.wakeReader?.();
    try {
      await upgrade(this.stream, buffered);
    } catch {
      this.stream.abort();
    }
  }

  /** Gives the machine a response head and keeps what was sent, to trace once the response is complete. */
  private sendHead(exchange: number, method: string, target: string, head: ResponseHead): Sent {
    const sent = this.conn.send({ type: 'response', exchange, head }, this.clock.now());
    return this.record(exchange, method, target, sent.head as ResponseHead, sent.headBytes ?? 0);
  }

  private record(
    exchange: number,
    method: string,
    target: string,
    head: ResponseHead,
    headBytes: number,
  ): Sent {
    const info: Sent = {
      method,
      target,
      status: head.status,
      reason: head.reason,
      headBytes,
      bodyBytes: 0,
      keepAlive: !head.headers.hasToken('connection', 'close'),
    };
    this.sent.set(exchange, info);
    return info;
  }

  /** A response is complete in the machine: trace it now, or as held behind an earlier one. */
  private completed(exchange: number): void {
    const now = this.clock.now();
    const behind = this.conn.blockedBy(exchange);
    const info = this.sent.get(exchange);
    if (behind !== undefined && info) {
      info.heldAt = now;
      if (this.trace.wants('http.pipeline')) {
        this.trace.emit({
          type: 'http.pipeline',
          time: now,
          node: this.server.node,
          connection: this.id,
          exchange,
          phase: 'held',
          behind,
        });
      }
    } else this.responded(exchange, now);
    for (const id of this.conn.takeReleased()) {
      const held = this.sent.get(id);
      if (held && this.trace.wants('http.pipeline')) {
        this.trace.emit({
          type: 'http.pipeline',
          time: now,
          node: this.server.node,
          connection: this.id,
          exchange: id,
          phase: 'released',
          waited: now - (held.heldAt ?? now),
        });
      }
      this.responded(id, now);
    }
    for (const [id, wake] of this.turnWaiters) {
      if (this.conn.blockedBy(id) === undefined) {
        this.turnWaiters.delete(id);
        wake();
      }
    }
  }

  private responded(exchange: number, now: Time): void {
    const info = this.sent.get(exchange);
    this.sent.delete(exchange);
    if (!info) return;
    this.server.stats.responses++;
    if (this.trace.wants('http.response')) {
      this.trace.emit({
        type: 'http.response',
        time: now,
        node: this.server.node,
        side: 'server',
        connection: this.id,
        exchange,
        method: info.method,
        target: info.target,
        status: info.status,
        reason: info.reason,
        version: '1.1',
        headBytes: info.headBytes,
        bodyBytes: info.bodyBytes,
        keepAlive: info.keepAlive,
      });
    }
  }

  // ---- writing ----------------------------------------------------------------------------

  private flush(): void {
    const out = this.conn.takeOutput();
    for (const b of out) this.writeQueue.push(b);
    this.kickWrites();
  }

  private kickWrites(): void {
    if (this.writing || this.done || this.writeQueue.length === 0) return;
    const queue = this.writeQueue;
    this.writeQueue = [];
    const data = joinBytes(queue);
    this.writing = true;
    const timeout = this.server.sendTimeout;
    if (timeout > 0) {
      this.cancelSendTimer = this.clock.setTimer(timeout, () => {
        this.timedOut('send');
        this.stream.abort();
        this.end();
      });
    }
    this.stream.write(data).then(
      () => {
        this.cancelSendTimer?.();
        this.cancelSendTimer = null;
        this.writing = false;
        this.kickWrites();
        if (!this.writing) {
          const waiters = this.drainWaiters;
          this.drainWaiters = [];
          for (const w of waiters) w();
          this.maybeFinish();
        }
      },
      () => {
        this.cancelSendTimer?.();
        this.writing = false;
        this.reason = 'reset';
        this.end();
      },
    );
  }

  // ---- timers and closing -----------------------------------------------------------------

  /**
   * Keeps one clock timer at or before the machine's next deadline. Deadlines that move
   * later (the idle deadline does after every exchange) leave the timer alone: when it
   * fires early it just re-arms, so a busy keep-alive connection costs one timer per idle
   * period, not two timer calls per request.
   */
  private armTimer(): void {
    if (this.done || this.finishing) return;
    const at = this.conn.pollAt();
    if (at === null) return;
    if (this.cancelTimer && this.timerAt <= at) return;
    this.cancelTimer?.();
    this.timerAt = at;
    this.cancelTimer = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.cancelTimer = null;
      this.timerAt = -1;
      const due = this.conn.pollAt();
      if (due === null) return;
      if (due > this.clock.now()) {
        this.armTimer();
        return;
      }
      this.conn.handleTimeout(this.clock.now());
      this.pump();
    });
  }

  private maybeFinish(): void {
    if (this.finishing || this.done || !this.conn.mustClose || this.switchTo) return;
    if (this.writing || this.writeQueue.length > 0) return;
    this.finishing = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.wakeReader?.();
    this.stream.end().catch(() => undefined);
    const linger = this.server.lingerTimeout;
    if (linger > 0) {
      this.cancelTimer = this.clock.setTimer(linger, () => {
        this.cancelTimer = null;
        this.end();
      });
    } else this.end();
  }
}
