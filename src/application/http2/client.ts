/**
 * The HTTP/2 client adapter: many requests multiplexed on one connection over a
 * ByteStream (h2c with prior knowledge, or TLS with ALPN "h2"), with the server's
 * concurrency limit respected (requests beyond it wait their turn), a push cache that
 * later requests are served from, and timing marks per request (queued, sent, first
 * response byte, end) for the browser's waterfall.
 *
 * Responses are buffered whole (up to `maxResponseBody`). Errors are NetlabErrors with
 * stable codes: 'h2-stream-reset' (details.errorCode), 'h2-refused' (not processed, safe
 * to retry: REFUSED_STREAM or above a GOAWAY's last stream id), 'h2-connection-closed',
 * 'h2-body-too-large'.
 */
import { joinBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Deferred } from '../../sim/simulator.ts';
import type { Time } from '../../sim/time.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { Http2Connection } from './connection.ts';
import type { Http2Event } from './connection-events.ts';
import type { Http2ConnectionOptions } from './connection-options.ts';
import { ErrorCode, errorCodeName } from './error-codes.ts';
import type { HeaderField } from './hpack/header-field.ts';
import { formatPriority, type Priority } from './priority.ts';
import { PushCache } from './push-cache.ts';
import { Http2Endpoint } from './endpoint.ts';
import type { Http2SessionOptions, SessionTrace } from './session.ts';

export interface H2ClientRequest {
  /** Default GET. */
  readonly method?: string;
  /** Path and query: `/index.html?x=1`. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>> | readonly HeaderField[];
  readonly body?: Uint8Array | string;
  /** Sent as the RFC 9218 Priority header. */
  readonly priority?: Priority;
  /** Use a pushed response for this URL when there is one (default true for GET). */
  readonly usePushCache?: boolean;
}

/** Simulated (or real) instants of one exchange, for waterfalls. */
export interface H2Timing {
  /** request() was called. */
  readonly queued: Time;
  /** Its HEADERS were handed to the transport (undefined for pushed responses). */
  readonly sent: Time | undefined;
  /** The response header section arrived. */
  readonly firstByte: Time;
  /** The last octet of the response arrived. */
  readonly end: Time;
}

export interface H2ClientResponse {
  readonly streamId: number;
  readonly status: number;
  /** Response fields, `:status` first. */
  readonly headers: readonly HeaderField[];
  readonly informational: readonly (readonly HeaderField[])[];
  readonly body: Uint8Array;
  readonly trailers: readonly HeaderField[];
  /** Served from the push cache. */
  readonly pushed: boolean;
  readonly timing: H2Timing;
  /** The first value of a field, by lower-case name. */
  header(name: string): string | undefined;
}

export interface H2ClientOptions extends Omit<Http2SessionOptions, 'trace'> {
  /** `:authority` of every request (host[:port]). */
  readonly authority: string;
  readonly scheme?: 'http' | 'https';
  readonly connection?: Omit<Http2ConnectionOptions, 'role'>;
  readonly trace?: SessionTrace;
  /** Announce SETTINGS_ENABLE_PUSH = 1. Default true. */
  readonly enablePush?: boolean;
  /** Largest response body kept. Default 64 MiB. */
  readonly maxResponseBody?: number;
  /** Unclaimed pushed responses kept. Default 32. */
  readonly maxPushed?: number;
}

const encoder = new TextEncoder();

interface Pending {
  readonly streamId: number;
  readonly queued: Time;
  readonly sent: Time | undefined;
  readonly pushed: boolean;
  readonly method: string;
  readonly path: string;
  readonly done: Deferred<H2ClientResponse>;
  /** The request, to retry it when refused; undefined for pushes. */
  readonly queuedAs: Queued | undefined;
  headers: HeaderField[] | null;
  informational: HeaderField[][];
  chunks: Uint8Array[];
  size: number;
  trailers: HeaderField[];
  firstByte: Time;
  /** END_STREAM arrived: the response is complete even if the stream is reset after. */
  ended: boolean;
}

interface Queued {
  readonly request: H2ClientRequest;
  readonly queued: Time;
  readonly done: Deferred<H2ClientResponse>;
  /** Times the server refused the stream unprocessed (REFUSED_STREAM); retried up to 3. */
  readonly retries: number;
}

export class Http2Client extends Http2Endpoint {
  readonly pushCache: PushCache<H2ClientResponse>;
  private readonly pending = new Map<number, Pending>();
  private readonly queue: Queued[] = [];
  private readonly pings: Deferred<Time>[] = [];
  private readonly maxBody: number;
  private readonly scheme: string;
  private ended: NetlabError | null = null;

  constructor(
    stream: ByteStream,
    private readonly options: H2ClientOptions,
  ) {
    const settings = { ...options.connection?.settings, enablePush: options.enablePush ?? true };
    super(new Http2Connection({ ...options.connection, settings, role: 'client' }), stream, options);
    this.pushCache = new PushCache(options.maxPushed ?? 32);
    this.maxBody = options.maxResponseBody ?? 64 << 20;
    this.scheme = options.scheme ?? 'http';
  }

  /** Sends a request (or takes its response from the push cache) and resolves with the response. */
  request(req: H2ClientRequest): Promise<H2ClientResponse> {
    const queued = this.session.clock.now();
    const method = req.method ?? 'GET';
    if ((method === 'GET' || method === 'HEAD') && req.usePushCache !== false) {
      const hit = this.pushCache.take(this.options.authority, req.path);
      if (hit) return hit.response;
    }
    const done = this.session.deferred<H2ClientResponse>();
    if (this.ended) {
      done.reject(this.ended);
      return done.promise;
    }
    if (this.conn.state === 'going-away') {
      done.reject(new NetlabError('h2-refused', 'the connection is going away (GOAWAY): open a new one'));
      return done.promise;
    }
    this.queue.push({ request: req, queued, done, retries: 0 });
    this.pump();
    return done.promise;
  }

  /** Round-trip time of a PING. */
  ping(): Promise<Time> {
    const d = this.session.deferred<Time>();
    this.pings.push(d);
    const data = new Uint8Array(8);
    new DataView(data.buffer).setUint32(4, this.pings.length);
    this.conn.ping(this.session.clock.now(), data);
    this.session.kick();
    return d.promise;
  }

  /** GOAWAY, let requests in flight finish, close. */
  close(): Promise<void> {
    return this.session.close();
  }

  /** Opens streams for queued requests while the server's concurrency limit allows. */
  private pump(): void {
    while (this.queue.length > 0 && this.conn.canOpenStream) {
      const q = this.queue.shift()!;
      const r = q.request;
      const method = r.method ?? 'GET';
      const body = typeof r.body === 'string' ? encoder.encode(r.body) : r.body;
      const headers: HeaderField[] = [
        { name: ':method', value: method },
        { name: ':scheme', value: this.scheme },
        { name: ':authority', value: this.options.authority },
        { name: ':path', value: r.path },
      ];
      const extra: readonly HeaderField[] = Array.isArray(r.headers)
        ? (r.headers as readonly HeaderField[])
        : Object.entries((r.headers ?? {}) as Record<string, string>).map(([name, value]) => ({
            name,
            value,
          }));
      for (const f of extra) headers.push({ ...f, name: f.name.toLowerCase() });
      if (r.priority) {
        const value = formatPriority(r.priority);
        if (value) headers.push({ name: 'priority', value });
      }
      if (body && body.length > 0 && !headers.some((f) => f.name === 'content-length')) {
        headers.push({ name: 'content-length', value: String(body.length) });
      }
      let id: number;
      try {
        id = this.conn.request(headers, { endStream: !body || body.length === 0, head: method === 'HEAD' });
      } catch (err) {
        q.done.reject(err);
        continue;
      }
      if (body && body.length > 0) this.conn.sendData(id, body, true);
      this.pending.set(
        id,
        this.newPending(id, q.queued, this.session.clock.now(), false, method, r.path, q.done, q),
      );
    }
    this.session.kick();
  }

  private newPending(
    streamId: number,
    queued: Time,
    sent: Time | undefined,
    pushed: boolean,
    method: string,
    path: string,
    done: Deferred<H2ClientResponse>,
    queuedAs?: Queued,
  ): Pending {
    return {
      queuedAs,
      streamId,
      queued,
      sent,
      pushed,
      method,
      path,
      done,
      headers: null,
      informational: [],
      chunks: [],
      size: 0,
      trailers: [],
      firstByte: 0,
      ended: false,
    };
  }

  protected onEvent(e: Http2Event): void {
    const now = this.session.clock.now();
    switch (e.type) {
      case 'headers': {
        const p = this.pending.get(e.streamId);
        if (!p) return;
        if (e.endStream) p.ended = true;
        if (e.kind === 'informational') p.informational.push(e.headers);
        else if (e.kind === 'response') {
          p.headers = e.headers;
          p.firstByte = now;
        } else if (e.kind === 'trailers') p.trailers = e.headers;
        return;
      }
      case 'data': {
        const p = this.pending.get(e.streamId);
        this.conn.consume(e.streamId, e.data.length);
        this.session.kick();
        if (p && e.endStream) p.ended = true;
        if (!p || e.data.length === 0) return;
        p.size += e.data.length;
        if (p.size > this.maxBody) {
          this.conn.resetStream(e.streamId, ErrorCode.CANCEL);
          this.session.kick();
          this.settle(p, new NetlabError('h2-body-too-large', `response body above ${this.maxBody} octets`));
          return;
        }
        p.chunks.push(e.data);
        return;
      }
      case 'push-promise': {
        this.onPushPromise(e.promisedStreamId, e.headers, now);
        return;
      }
      case 'stream-closed': {
        const p = this.pending.get(e.streamId);
        if (p) {
          if (e.reset && e.reset.errorCode === ErrorCode.NO_ERROR && p.ended && p.headers) {
            // A complete response, then "stop sending the request body" (RFC 9113 §8.1).
            this.complete(p, now);
          } else if (e.reset) {
            if (p.pushed) this.pushCache.forget(p.streamId);
            const refused = e.reset.errorCode === ErrorCode.REFUSED_STREAM && e.reset.by === 'remote';
            const q = p.queuedAs;
            if (refused && q && q.retries < 3 && this.conn.state === 'open') {
              // Not processed (§8.7): safe to send again once a slot is free.
              this.pending.delete(p.streamId);
              this.queue.unshift({ ...q, retries: q.retries + 1 });
              this.pump();
              return;
            }
            this.settle(
              p,
              new NetlabError(
                refused ? 'h2-refused' : 'h2-stream-reset',
                `stream ${e.streamId} reset (${errorCodeName(e.reset.errorCode)}${e.reset.reason ? `: ${e.reset.reason}` : ''})`,
                { errorCode: e.reset.errorCode, by: e.reset.by },
              ),
            );
          } else {
            this.complete(p, now);
          }
        }
        this.pump();
        return;
      }
      case 'ping-ack': {
        this.pings.shift()?.resolve(e.rtt);
        return;
      }
      case 'goaway': {
        const err = new NetlabError('h2-refused', `the server sent GOAWAY (${errorCodeName(e.errorCode)})`);
        this.failQueue(err);
        return;
      }
      case 'closed': {
        const err = new NetlabError('h2-connection-closed', 'the HTTP/2 connection closed');
        this.ended = err;
        this.failQueue(err);
        for (const p of [...this.pending.values()]) this.settle(p, err);
        for (const d of this.pings.splice(0)) d.reject(err);
        return;
      }
      default:
        return;
    }
  }

  private onPushPromise(promisedId: number, headers: HeaderField[], now: Time): void {
    const get = (n: string) => headers.find((f) => f.name === n)?.value ?? '';
    // §8.4.1: the server must be authoritative for the pushed URL.
    if (get(':authority') !== this.options.authority || get(':scheme') !== this.scheme) {
      this.conn.resetStream(promisedId, ErrorCode.PROTOCOL_ERROR);
      this.session.kick();
      return;
    }
    if (this.pushCache.full) {
      this.conn.resetStream(promisedId, ErrorCode.CANCEL);
      this.session.kick();
      return;
    }
    const done = this.session.deferred<H2ClientResponse>();
    // A pushed response nobody claims must not become an unhandled rejection.
    done.promise.catch(() => {});
    const p = this.newPending(promisedId, now, undefined, true, get(':method'), get(':path'), done);
    if (
      !this.pushCache.add({
        promisedStreamId: promisedId,
        authority: get(':authority'),
        path: p.path,
        response: done.promise,
      })
    ) {
      this.conn.resetStream(promisedId, ErrorCode.CANCEL);
      this.session.kick();
      return;
    }
    this.pending.set(promisedId, p);
  }

  private complete(p: Pending, now: Time): void {
    this.pending.delete(p.streamId);
    const headers = p.headers ?? [];
    const body = joinBytes(p.chunks);
    const response: H2ClientResponse = {
      streamId: p.streamId,
      status: Number(headers.find((f) => f.name === ':status')?.value ?? 0),
      headers,
      informational: p.informational,
      body,
      trailers: p.trailers,
      pushed: p.pushed,
      timing: { queued: p.queued, sent: p.sent, firstByte: p.firstByte, end: now },
      header: (name) => headers.find((f) => f.name === name)?.value,
    };
    this.traceExchange(p.streamId, p.method, p.path, response.status, p.pushed, response.body.length);
    p.done.resolve(response);
  }

  private settle(p: Pending, err: NetlabError): void {
    this.pending.delete(p.streamId);
    p.done.reject(err);
  }

  private failQueue(err: NetlabError): void {
    for (const q of this.queue.splice(0)) q.done.reject(err);
  }
}

/** Starts an HTTP/2 client on a connected stream (h2c prior knowledge, or TLS with ALPN h2). */
export function connectHttp2(stream: ByteStream, options: H2ClientOptions): Http2Client {
  return new Http2Client(stream, options).start();
}
