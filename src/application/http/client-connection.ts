/**
 * The client side of one HTTP/1.x connection: the connection machine run over a
 * ByteStream someone else opened. `request()` sends a request as soon as the machine
 * allows (so calling it several times without waiting pipelines them) and resolves with
 * the complete response and its timing marks, the numbers a browser's waterfall shows.
 *
 * Expect: 100-continue waits for the 100 (or a final answer, or `continueTimeout`, 1 s
 * like curl) before sending the body. When the server closes with requests unanswered,
 * those reject with `http-connection-closed` and `retryable: true` (RFC 9112 §9.3.2: a
 * client retries them on a new connection; HttpClient does).
 */
import { joinBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Clock } from '../../sim/clock.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import { TraceBus } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { HttpConnection } from './connection.ts';
import { peerOf, traceHttpConnection } from './connection-trace.ts';
import { type HeaderInit, HeaderList } from './header-list.ts';
import type { HttpLimits } from './limits.ts';
import type { HttpVersion, RequestHead, ResponseHead } from './message.ts';
import './trace-events.ts';

export interface HttpRequestSpec {
  /** Default GET. */
  readonly method?: string;
  /** Origin-form target: '/index.html?x=1'. */
  readonly target: string;
  /** The Host header: 'example.com', '10.0.0.2:8080'. */
  readonly host: string;
  /** More header fields, sent after Host in this order. */
  readonly headers?: HeaderInit;
  /** The body (text is sent as UTF-8, with Content-Length). */
  readonly body?: Uint8Array | string;
  /** Default '1.1'. */
  readonly version?: HttpVersion;
  /** Send `Expect: 100-continue` and hold the body until the server says so. */
  readonly expectContinue?: boolean;
  /** Give up (and abort the connection) when the response is not complete within this. */
  readonly timeout?: Time;
}

/** Instants of one exchange, as the clock gave them (ns). */
export interface HttpTiming {
  /** When the request was handed to the client (queueing starts). */
  readonly queued: Time;
  /** Connection setup, when this request opened the connection. */
  readonly connectStart?: Time;
  readonly connectEnd?: Time;
  /** First byte of the request handed to the stream. */
  readonly requestStart: Time;
  /** The whole request taken by the stream. */
  readonly requestSent: Time;
  /** First byte of the (final) response received: time to first byte. */
  readonly firstByte: Time;
  /** Response head complete. */
  readonly headersDone: Time;
  /** Response complete. */
  readonly done: Time;
}

export interface HttpResult {
  readonly connection: number;
  readonly exchange: number;
  /** Whether the connection had carried an exchange before this one. */
  readonly reused: boolean;
  /** The request as sent (with the headers the client added). */
  readonly request: RequestHead;
  readonly requestHeadBytes: number;
  readonly requestBodyBytes: number;
  /** 1xx responses received before the final one. */
  readonly informational: readonly ResponseHead[];
  readonly response: ResponseHead;
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: Uint8Array;
  readonly trailers: HeaderList;
  readonly headBytes: number;
  /** Body bytes (as framed on the wire) in the first read that carried body data: curl's `{ [N bytes data]`. */
  readonly firstDataBytes: number;
  /** Whether the connection stays open for another request. */
  readonly keptAlive: boolean;
  readonly timing: HttpTiming;
}

export type HttpRequestErrorCode =
  /** The server closed before the response was complete (curl: "Empty reply from server", "transfer closed ..."). */
  | 'http-connection-closed'
  /** The response did not parse (HttpParseError in `details.cause`). */
  | 'http-protocol-error'
  /** `timeout` passed. */
  | 'http-timeout'
  /** The transport failed (reset, refused...). */
  | 'http-stream-error';

export class HttpRequestError extends NetlabError {
  constructor(
    override readonly code: HttpRequestErrorCode,
    message: string,
    /** Bytes of the response received before the failure. */
    readonly received: number,
    /** Whether retrying on another connection is safe: the request got no answer at all. */
    readonly retryable: boolean,
    /** The response head, when it had arrived; with `remaining` body bytes still expected (Content-Length). */
    readonly partial?: {
      readonly response: ResponseHead;
      readonly bodyBytes: number;
      readonly remaining?: number;
    },
    override readonly cause?: unknown,
  ) {
    super(code, message);
    this.name = 'HttpRequestError';
  }
}

export interface ClientConnectionOptions {
  readonly clock: Clock;
  readonly trace?: TraceBus;
  readonly node?: string;
  /** Number of the connection in traces. Default 1. */
  readonly id?: number;
  /** Parser limits; the body limit defaults to DEFAULT_CLIENT_MAX_BODY (64 MiB). */
  readonly limits?: Partial<HttpLimits>;
  /** Requests in flight at once. Default 16. */
  readonly maxPipelined?: number;
  /** How long to wait for 100 Continue. Default 1 s. */
  readonly continueTimeout?: Time;
  /** Connection setup times, stamped on the first exchange's timing. */
  readonly connectStart?: Time;
  readonly connectEnd?: Time;
}

interface Pending {
  readonly spec: HttpRequestSpec;
  readonly queued: Time;
  readonly resolve: (r: HttpResult) => void;
  readonly reject: (e: unknown) => void;
  exchange: number;
  request?: RequestHead;
  requestHeadBytes: number;
  body: Uint8Array;
  requestStart: Time;
  requestSent: Time;
  informational: ResponseHead[];
  response?: ResponseHead;
  headBytes: number;
  firstByte: Time;
  headersDone: Time;
  chunks: Uint8Array[];
  size: number;
  firstDataBytes: number;
  framedLength?: number;
  bodyStart: number;
  reused: boolean;
  settled: boolean;
  continueWake?: () => void;
}

const encoder = new TextEncoder();

/** A client downloads more than a server accepts in a request: 64 MiB unless `limits` says otherwise. */
export const DEFAULT_CLIENT_MAX_BODY = 64 * 1024 * 1024;

export class ClientConnection {
  readonly id: number;
  private readonly conn: HttpConnection;
  private readonly clock: Clock;
  private readonly trace: TraceBus;
  private readonly node: string;
  private readonly waiting: Pending[] = [];
  private readonly inFlight = new Map<number, Pending>();
  private sending: Pending | null = null;
  private writeQueue: { data: Uint8Array; start?: Pending; done?: Pending }[] = [];
  private writing = false;
  private exchangesDone = 0;
  private exchangesStarted = 0;
  private closed = false;
  private readonly continueTimeout: Time;
  private firstConnect: { start?: Time; end?: Time } | null;
  /** Stream offsets of the current read: [readStart, received). */
  private readStart = 0;
  private received = 0;
  /** A final answer came before a held (100-continue) body was sent: close after it. */
  private closeAfterResponse = false;

  constructor(
    readonly stream: ByteStream,
    options: ClientConnectionOptions,
  ) {
    this.clock = options.clock;
    this.trace = options.trace ?? new TraceBus();
    this.node = options.node ?? 'client';
    this.id = options.id ?? 1;
    this.continueTimeout = options.continueTimeout ?? SECOND;
    this.firstConnect = { start: options.connectStart, end: options.connectEnd };
    this.conn = new HttpConnection('client', {
      limits: { maxBodyBytes: DEFAULT_CLIENT_MAX_BODY, ...options.limits },
      maxPipelined: options.maxPipelined,
    });
    traceHttpConnection(this.trace, this.clock.now(), {
      node: this.node,
      side: 'client',
      connection: this.id,
      phase: 'open',
      peer: peerOf(this.stream),
      exchanges: 0,
    });
    void this.readLoop();
  }

  /** Requests sent or queued whose response is not complete. */
  get pending(): number {
    return (
      this.inFlight.size +
      this.waiting.length +
      (this.sending && !this.inFlight.has(this.sending.exchange) ? 1 : 0)
    );
  }

  /** Whether more requests can go on this connection (no close decided, not failed). */
  get usable(): boolean {
    return !this.closed && !this.closeAfterResponse && this.conn.acceptsRequests;
  }

  /** Exchanges completed on this connection. */
  get completed(): number {
    return this.exchangesDone;
  }

  /**
   * Sends a request (right away when the connection allows, else after the ones before it).
   * `queuedAt` is when the caller got the request, if earlier than now (a pool's queue).
   */
  request(spec: HttpRequestSpec, queuedAt?: Time): Promise<HttpResult> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.conn.mustClose) {
        reject(new HttpRequestError('http-connection-closed', 'the connection is closed', 0, true));
        return;
      }
      const body =
        spec.body === undefined
          ? new Uint8Array(0)
          : typeof spec.body === 'string'
            ? encoder.encode(spec.body)
            : spec.body;
      const p: Pending = {
        spec,
        queued: queuedAt ?? this.clock.now(),
        resolve,
        reject,
        exchange: 0,
        requestHeadBytes: 0,
        body,
        requestStart: -1,
        requestSent: -1,
        informational: [],
        headBytes: 0,
        firstByte: -1,
        headersDone: -1,
        chunks: [],
        size: 0,
        firstDataBytes: -1,
        bodyStart: 0,
        reused: false,
        settled: false,
      };
      this.waiting.push(p);
      if (spec.timeout !== undefined) {
        void this.clock.sleep(spec.timeout).then(() => {
          if (p.settled) return;
          if (this.trace.wants('http.timeout')) {
            this.trace.emit({
              type: 'http.timeout',
              time: this.clock.now(),
              node: this.node,
              connection: this.id,
              phase: 'response',
            });
          }
          this.fail(
            p,
            new HttpRequestError('http-timeout', 'the response did not complete in time', p.size, false),
          );
          this.abort();
        });
      }
      this.sendNext();
    });
  }

  /** Closes the connection; requests not answered reject. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.close();
    this.conn.close();
    this.failAll(true);
    this.traceClose('local');
  }

  private abort(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream.abort();
    this.conn.close();
    this.failAll(false);
    this.traceClose('reset');
  }

  private traceClose(reason: 'local' | 'reset' | 'peer-closed' | 'not-persistent' | 'protocol-error'): void {
    traceHttpConnection(this.trace, this.clock.now(), {
      node: this.node,
      side: 'client',
      connection: this.id,
      phase: 'close',
      peer: peerOf(this.stream),
      exchanges: this.exchangesDone,
      reason,
    });
  }

  // ---- sending ----------------------------------------------------------------------------

  private sendNext(): void {
    while (!this.sending && this.waiting.length > 0 && this.conn.canSendRequest && !this.closed) {
      const p = this.waiting.shift()!;
      this.startRequest(p);
    }
  }

  private startRequest(p: Pending): void {
    const spec = p.spec;
    const version = spec.version ?? '1.1';
    let headers = HeaderList.from([['Host', spec.host]]);
    for (const [n, v] of HeaderList.from(spec.headers).entries()) headers = headers.with(n, v);
    const method = spec.method ?? 'GET';
    const expect = spec.expectContinue === true && version === '1.1' && p.body.length > 0;
    if (expect && !headers.has('expect')) headers = headers.with('Expect', '100-continue');
    // RFC 9110 §8.6: a body gets its length; so does an explicitly empty POST/PUT body.
    const explicitEmpty = spec.body !== undefined && (method === 'POST' || method === 'PUT');
    if (
      (p.body.length > 0 || explicitEmpty) &&
      !headers.has('content-length') &&
      !headers.has('transfer-encoding')
    ) {
      headers = headers.with('Content-Length', String(p.body.length));
    }
    const head: RequestHead = { method, target: spec.target, version, headers };
    let sent: ReturnType<HttpConnection['send']>;
    try {
      sent = this.conn.send({ type: 'request', head }, this.clock.now());
    } catch (e) {
      p.settled = true;
      p.reject(e);
      this.sendNext();
      return;
    }
    p.exchange = sent.exchange;
    p.request = sent.head as RequestHead;
    p.requestHeadBytes = sent.headBytes ?? 0;
    p.reused = this.exchangesStarted > 0;
    this.exchangesStarted++;
    this.inFlight.set(p.exchange, p);
    if (this.trace.wants('http.request')) {
      this.trace.emit({
        type: 'http.request',
        time: this.clock.now(),
        node: this.node,
        side: 'client',
        connection: this.id,
        exchange: p.exchange,
        method,
        target: spec.target,
        version,
        headBytes: p.requestHeadBytes,
        bodyBytes: p.body.length,
      });
    }
    if (expect) {
      // The head goes now; the body waits for 100 Continue.
      this.sending = p;
      this.queueOutput(p, undefined);
      void this.sendBodyAfterContinue(p);
      return;
    }
    this.finishBody(p);
  }

  private async sendBodyAfterContinue(p: Pending): Promise<void> {
    await Promise.race([
      new Promise<void>((resolve) => {
        p.continueWake = resolve;
      }),
      this.clock.sleep(this.continueTimeout),
    ]);
    p.continueWake = undefined;
    if (p.settled || this.closed || p.response) {
      // A final answer came first: the body is not sent and the connection cannot be reused.
      if (this.sending === p) this.sending = null;
      if (!p.settled && !this.closed) this.closeAfterResponse = true;
      this.sendNext();
      return;
    }
    this.finishBody(p);
  }

  private finishBody(p: Pending): void {
    try {
      if (p.body.length > 0) this.conn.send({ type: 'data', exchange: p.exchange, data: p.body });
      this.conn.send({ type: 'end', exchange: p.exchange }, this.clock.now());
    } catch (e) {
      this.fail(p, e);
      this.abort();
      return;
    }
    if (this.sending === p) this.sending = null;
    this.queueOutput(p.requestStart < 0 && !this.writeQueue.some((w) => w.start === p) ? p : undefined, p);
    this.sendNext();
  }

  private queueOutput(start: Pending | undefined, done: Pending | undefined): void {
    const data = joinBytes(this.conn.takeOutput());
    this.writeQueue.push({ data, start, done });
    this.kickWrites();
  }

  private kickWrites(): void {
    if (this.writing || this.closed || this.writeQueue.length === 0) return;
    const item = this.writeQueue.shift()!;
    this.writing = true;
    if (item.start && item.start.requestStart < 0) item.start.requestStart = this.clock.now();
    this.stream.write(item.data).then(
      () => {
        this.writing = false;
        if (item.done && item.done.requestSent < 0) item.done.requestSent = this.clock.now();
        this.kickWrites();
      },
      (e) => {
        this.writing = false;
        this.failAll(false, e);
        this.abort();
      },
    );
  }

  // ---- receiving --------------------------------------------------------------------------

  private async readLoop(): Promise<void> {
    try {
      for (;;) {
        const chunk = await this.stream.read(65536);
        if (this.closed) return;
        const now = this.clock.now();
        this.readStart = this.received;
        if (chunk === null) this.conn.receiveEnd(now);
        else {
          this.received += chunk.length;
          this.conn.receive(chunk, now);
        }
        this.pump();
        if (chunk === null || this.closed) return;
      }
    } catch (e) {
      if (this.closed) return;
      this.failAll(false, e);
      this.abort();
    }
  }

  private pump(): void {
    for (let ev = this.conn.nextEvent(); ev; ev = this.conn.nextEvent()) {
      switch (ev.type) {
        case 'informational': {
          const p = this.inFlight.get(ev.exchange);
          if (!p) break;
          p.informational.push(ev.head);
          if (ev.head.status === 100) p.continueWake?.();
          break;
        }
        case 'response': {
          const p = this.inFlight.get(ev.exchange);
          if (!p) break;
          p.response = ev.head;
          p.headBytes = ev.headBytes;
          p.firstByte = ev.firstByteAt;
          p.headersDone = this.clock.now();
          if (ev.framing.kind === 'length') p.framedLength = ev.framing.length;
          p.bodyStart = ev.offset + ev.headBytes;
          p.continueWake?.();
          break;
        }
        case 'data': {
          const p = this.inFlight.get(ev.exchange);
          if (!p) break;
          if (p.firstDataBytes < 0) {
            // curl's debug callback sees the body part of the read, chunk framing included.
            let end = this.received;
            if (p.framedLength !== undefined) end = Math.min(end, p.bodyStart + p.framedLength);
            p.firstDataBytes = end - Math.max(this.readStart, p.bodyStart);
          }
          p.chunks.push(ev.data);
          p.size += ev.data.length;
          break;
        }
        case 'end': {
          const p = this.inFlight.get(ev.exchange);
          if (!p) break;
          this.inFlight.delete(ev.exchange);
          this.complete(p, ev.trailers);
          break;
        }
        case 'error': {
          const p = ev.exchange === undefined ? undefined : this.inFlight.get(ev.exchange);
          if (this.trace.wants('http.error')) {
            this.trace.emit({
              type: 'http.error',
              time: this.clock.now(),
              node: this.node,
              side: 'client',
              connection: this.id,
              exchange: ev.exchange,
              code: ev.error.code,
              status: 0,
              message: ev.error.message,
            });
          }
          const closedEarly = ev.error.code === 'incomplete-message';
          if (p) {
            this.inFlight.delete(p.exchange);
            const remaining = p.framedLength === undefined ? undefined : p.framedLength - p.size;
            const partial = p.response ? { response: p.response, bodyBytes: p.size, remaining } : undefined;
            this.fail(
              p,
              closedEarly
                ? new HttpRequestError(
                    'http-connection-closed',
                    'the server closed in the middle of the response',
                    p.headBytes + p.size,
                    false,
                    partial,
                    ev.error,
                  )
                : new HttpRequestError(
                    'http-protocol-error',
                    ev.error.message,
                    p.headBytes + p.size,
                    false,
                    partial,
                    ev.error,
                  ),
            );
          }
          this.failAll(true);
          this.closed = true;
          this.stream.close();
          this.traceClose(closedEarly ? 'peer-closed' : 'protocol-error');
          return;
        }
        case 'closed':
          this.failAll(true);
          if (!this.closed) {
            this.closed = true;
            this.stream.close();
            this.traceClose('peer-closed');
          }
          return;
        case 'request':
        case 'timeout':
          break;
      }
    }
    if ((this.conn.mustClose || this.closeAfterResponse) && this.inFlight.size === 0 && !this.closed) {
      this.closed = true;
      this.stream.close();
      this.failAll(true);
      this.traceClose('not-persistent');
    }
    this.sendNext();
  }

  private complete(p: Pending, trailers: HeaderList): void {
    this.exchangesDone++;
    const done = this.clock.now();
    const body = joinBytes(p.chunks);
    const response = p.response!;
    const keptAlive = !this.conn.mustClose && !this.closeAfterResponse;
    const first = p.reused ? null : this.firstConnect;
    const timing: HttpTiming = {
      queued: p.queued,
      ...(first?.start !== undefined ? { connectStart: first.start } : {}),
      ...(first?.end !== undefined ? { connectEnd: first.end } : {}),
      requestStart: p.requestStart < 0 ? p.queued : p.requestStart,
      requestSent: p.requestSent < 0 ? done : p.requestSent,
      firstByte: p.firstByte,
      headersDone: p.headersDone,
      done,
    };
    if (this.trace.wants('http.response')) {
      this.trace.emit({
        type: 'http.response',
        time: done,
        node: this.node,
        side: 'client',
        connection: this.id,
        exchange: p.exchange,
        method: p.request!.method,
        target: p.request!.target,
        status: response.status,
        reason: response.reason,
        version: response.version,
        headBytes: p.headBytes,
        bodyBytes: body.length,
        keepAlive: keptAlive,
      });
    }
    p.settled = true;
    p.resolve({
      connection: this.id,
      exchange: p.exchange,
      reused: p.reused,
      request: p.request!,
      requestHeadBytes: p.requestHeadBytes,
      requestBodyBytes: p.body.length,
      informational: p.informational,
      response,
      status: response.status,
      headers: response.headers,
      body,
      trailers,
      headBytes: p.headBytes,
      firstDataBytes: Math.max(0, p.firstDataBytes),
      keptAlive,
      timing,
    });
  }

  private fail(p: Pending, e: unknown): void {
    if (p.settled) return;
    p.settled = true;
    this.inFlight.delete(p.exchange);
    p.reject(e);
  }

  /** Rejects every request not answered; `retryable` when they got no byte of response. */
  private failAll(retryable: boolean, cause?: unknown): void {
    const all = [...this.inFlight.values(), ...this.waiting];
    this.inFlight.clear();
    this.waiting.length = 0;
    for (const p of all) {
      if (p.settled) continue;
      const started = p.response !== undefined || p.size > 0;
      const err =
        cause === undefined
          ? new HttpRequestError(
              'http-connection-closed',
              started
                ? 'the server closed in the middle of the response'
                : 'the connection closed before a response',
              p.headBytes + p.size,
              retryable && !started,
              p.response ? { response: p.response, bodyBytes: p.size } : undefined,
            )
          : new HttpRequestError(
              'http-stream-error',
              String((cause as Error)?.message ?? cause),
              p.headBytes + p.size,
              false,
              undefined,
              cause,
            );
      this.fail(p, err);
    }
  }
}
