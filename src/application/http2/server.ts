/**
 * The HTTP/2 server adapter: one connection over a ByteStream (cleartext h2c with prior
 * knowledge, or a TLS session that negotiated ALPN "h2"), answering each request stream
 * with a handler, and pushing what the handler lists (RFC 9113 §8.4) when the client
 * allows it.
 *
 * A handler receives the request as soon as its header section arrived (the body can be
 * awaited) and returns a response value; bodies may be bytes, text or an async iterable
 * of chunks, which is written with back-pressure. Responses are scheduled by the
 * machine's RFC 9218 priority scheduler.
 *
 * Left out: CONNECT, and 100-continue (HTTP/2 clients rarely wait for it).
 */
import { joinBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { Http2Connection } from './connection.ts';
import type { Http2Event } from './connection-events.ts';
import type { Http2ConnectionOptions } from './connection-options.ts';
import { ErrorCode } from './error-codes.ts';
import type { HeaderField } from './hpack/header-field.ts';
import type { Priority } from './priority.ts';
import { Http2Endpoint } from './endpoint.ts';
import type { Http2SessionOptions, SessionTrace } from './session.ts';

export interface H2ServerRequest {
  readonly streamId: number;
  readonly method: string;
  readonly scheme: string;
  readonly authority: string;
  /** Path and query, as sent (`/a/b?c`). */
  readonly path: string;
  /** Every field as received, pseudo-headers first. */
  readonly headers: readonly HeaderField[];
  readonly priority: Priority;
  /** True for the request a pushed response answers (built by the server, never sent). */
  readonly pushed: boolean;
  /** The first value of a regular field, by lower-case name. */
  header(name: string): string | undefined;
  /** The whole request body (rejects if the stream is reset or the body is too large). */
  body(): Promise<Uint8Array>;
}

export interface H2ServerResponse {
  readonly status: number;
  /** Lower-case names; connection-specific fields (RFC 9113 §8.2.2) are dropped. */
  readonly headers?: Readonly<Record<string, string>> | readonly HeaderField[];
  readonly body?: Uint8Array | string | AsyncIterable<Uint8Array>;
  readonly trailers?: readonly HeaderField[];
  /** Paths to push alongside this response, fetched from the same handler with GET. */
  readonly push?: readonly string[];
}

export type H2Handler = (request: H2ServerRequest) => H2ServerResponse | Promise<H2ServerResponse>;

export interface H2ServerOptions extends Omit<Http2SessionOptions, 'trace'> {
  readonly handler: H2Handler;
  readonly connection?: Omit<Http2ConnectionOptions, 'role'>;
  readonly trace?: SessionTrace;
  /** Largest request body buffered for `body()`. Default 1 MiB. */
  readonly maxRequestBody?: number;
  /** Push what handlers list (the client's SETTINGS_ENABLE_PUSH decides too). Default true. */
  readonly push?: boolean;
}

const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);
const encoder = new TextEncoder();

interface Exchange {
  readonly streamId: number;
  readonly request: H2ServerRequest;
  chunks: Uint8Array[];
  size: number;
  ended: boolean;
  aborted: boolean;
  tooLarge: boolean;
  waiters: { resolve: (b: Uint8Array) => void; reject: (e: unknown) => void }[];
}

/** Normalises response headers to a field list. */
export function responseFields(status: number, headers: H2ServerResponse['headers']): HeaderField[] {
  const out: HeaderField[] = [{ name: ':status', value: String(status) }];
  const list: readonly HeaderField[] = Array.isArray(headers)
    ? (headers as readonly HeaderField[])
    : Object.entries((headers ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value }));
  for (const f of list) {
    const name = f.name.toLowerCase();
    if (CONNECTION_SPECIFIC.has(name) || name.startsWith(':')) continue;
    out.push(f.sensitive ? { name, value: f.value, sensitive: true } : { name, value: f.value });
  }
  return out;
}

function bodyBytes(body: H2ServerResponse['body']): Uint8Array | undefined {
  if (body === undefined) return new Uint8Array(0);
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  return undefined;
}

/** One HTTP/2 server connection. */
export class Http2ServerConnection extends Http2Endpoint {
  private readonly exchanges = new Map<number, Exchange>();
  private readonly maxBody: number;

  constructor(
    stream: ByteStream,
    private readonly options: H2ServerOptions,
  ) {
    super(new Http2Connection({ ...options.connection, role: 'server' }), stream, options);
    this.maxBody = options.maxRequestBody ?? 1 << 20;
  }

  /** Graceful shutdown: GOAWAY, finish open streams, close. */
  close(): Promise<void> {
    return this.session.close();
  }

  protected onEvent(e: Http2Event): void {
    switch (e.type) {
      case 'headers': {
        if (e.kind === 'request') this.onRequest(e.streamId, e.headers, e.endStream, e.priority!);
        else if (e.endStream) this.onEnd(e.streamId);
        return;
      }
      case 'data': {
        const x = this.exchanges.get(e.streamId);
        if (!x) {
          // The response is already complete and the client is still sending: keep the
          // connection window open, and ask it to stop, without error (RFC 9113 §8.1).
          this.conn.consume(e.streamId, e.data.length);
          if (!e.endStream && this.conn.streamState(e.streamId) === 'half-closed-local') {
            this.conn.resetStream(e.streamId, ErrorCode.NO_ERROR);
          }
          this.session.kick();
          return;
        }
        if (!x.tooLarge && e.data.length > 0) {
          x.size += e.data.length;
          if (x.size > this.maxBody) {
            x.tooLarge = true;
            x.chunks = [];
            this.failBody(
              x,
              new NetlabError('h2-body-too-large', `request body above ${this.maxBody} octets`),
            );
          } else {
            x.chunks.push(e.data);
          }
        }
        this.conn.consume(e.streamId, e.data.length);
        this.session.kick();
        if (e.endStream) this.onEnd(e.streamId);
        return;
      }
      case 'stream-closed': {
        const x = this.exchanges.get(e.streamId);
        if (x && e.reset) {
          x.aborted = true;
          this.failBody(x, new NetlabError('h2-stream-reset', `stream ${e.streamId} was reset`));
        }
        if (x && !e.reset && !x.ended) this.onEnd(e.streamId);
        return;
      }
      case 'request-rejected':
        this.traceExchange(e.streamId, '', '', e.status, false, 0);
        return;
      default:
        return;
    }
  }

  private onRequest(streamId: number, headers: HeaderField[], endStream: boolean, priority: Priority): void {
    const pseudo = (n: string) => headers.find((f) => f.name === n)?.value ?? '';
    const x: Exchange = {
      streamId,
      request: undefined as unknown as H2ServerRequest,
      chunks: [],
      size: 0,
      ended: endStream,
      aborted: false,
      tooLarge: false,
      waiters: [],
    };
    const request: H2ServerRequest = {
      streamId,
      method: pseudo(':method'),
      scheme: pseudo(':scheme'),
      authority: pseudo(':authority') || (headers.find((f) => f.name === 'host')?.value ?? ''),
      path: pseudo(':path'),
      headers,
      priority,
      pushed: false,
      header: (name) => headers.find((f) => f.name === name)?.value,
      body: () => this.bodyOf(x),
    };
    (x as { request: H2ServerRequest }).request = request;
    this.exchanges.set(streamId, x);
    void this.run(x);
  }

  private bodyOf(x: Exchange): Promise<Uint8Array> {
    if (x.tooLarge)
      return Promise.reject(new NetlabError('h2-body-too-large', `request body above ${this.maxBody}`));
    if (x.aborted)
      return Promise.reject(new NetlabError('h2-stream-reset', `stream ${x.streamId} was reset`));
    if (x.ended) return Promise.resolve(joinBytes(x.chunks));
    const d = this.session.deferred<Uint8Array>();
    x.waiters.push(d);
    return d.promise;
  }

  private onEnd(streamId: number): void {
    const x = this.exchanges.get(streamId);
    if (!x || x.ended) return;
    x.ended = true;
    if (x.tooLarge) return;
    const body = joinBytes(x.chunks);
    for (const w of x.waiters) w.resolve(body);
    x.waiters = [];
  }

  private failBody(x: Exchange, err: Error): void {
    for (const w of x.waiters) w.reject(err);
    x.waiters = [];
  }

  private async run(x: Exchange): Promise<void> {
    let response: H2ServerResponse;
    try {
      response = await this.options.handler(x.request);
    } catch {
      response = {
        status: 500,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: 'internal error\n',
      };
    }
    if (x.tooLarge) response = { status: 413, body: '' };
    if (x.aborted || this.conn.isClosed) {
      this.exchanges.delete(x.streamId);
      return;
    }
    const pushes: [number, string][] = [];
    if (this.options.push !== false && response.push && !x.request.pushed) {
      for (const path of response.push) {
        const promised = this.conn.push(x.streamId, pushRequest(x.request, path));
        if (promised === 0) break;
        pushes.push([promised, path]);
      }
    }
    await this.send(x.streamId, x.request, response);
    this.exchanges.delete(x.streamId);
    await Promise.all(pushes.map(([id, path]) => this.sendPushed(id, x.request, path)));
  }

  private async sendPushed(streamId: number, parent: H2ServerRequest, path: string): Promise<void> {
    const headers = pushRequest(parent, path);
    const request: H2ServerRequest = {
      streamId,
      method: 'GET',
      scheme: parent.scheme,
      authority: parent.authority,
      path,
      headers,
      priority: parent.priority,
      pushed: true,
      header: (name) => headers.find((f) => f.name === name)?.value,
      body: () => Promise.resolve(new Uint8Array(0)),
    };
    let response: H2ServerResponse;
    try {
      response = await this.options.handler(request);
    } catch {
      response = { status: 500, body: '' };
    }
    await this.send(streamId, request, response);
  }

  /** Writes a response (headers, body with back-pressure, trailers) on a stream. */
  private async send(streamId: number, request: H2ServerRequest, response: H2ServerResponse): Promise<void> {
    const conn = this.conn;
    const fixed = bodyBytes(response.body);
    const head = request.method === 'HEAD';
    const fields = responseFields(response.status, response.headers);
    if (
      fixed &&
      !fields.some((f) => f.name === 'content-length') &&
      response.status !== 204 &&
      response.status !== 304
    ) {
      fields.push({ name: 'content-length', value: String(fixed.length) });
    }
    const noBody = head || response.status === 204 || response.status === 304;
    const trailers = response.trailers && response.trailers.length > 0 ? response.trailers : undefined;
    try {
      if (conn.streamState(streamId) === 'closed') return;
      if (noBody || (fixed && fixed.length === 0 && !trailers)) {
        conn.respond(streamId, fields, true);
        this.session.kick();
        this.traceExchange(streamId, request.method, request.path, response.status, request.pushed, 0);
        return;
      }
      conn.respond(streamId, fields, false);
      let sent = 0;
      if (fixed) {
        if (!conn.sendData(streamId, fixed, !trailers)) return;
        sent = fixed.length;
        this.session.kick();
      } else {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
          if (conn.streamState(streamId) === 'closed') return;
          if (!conn.sendData(streamId, chunk, false)) return;
          sent += chunk.length;
          this.session.kick();
          await this.session.waitWritable(streamId);
        }
        if (!trailers && !conn.sendData(streamId, new Uint8Array(0), true)) return;
      }
      if (trailers) conn.sendTrailers(streamId, trailers);
      this.session.kick();
      this.traceExchange(streamId, request.method, request.path, response.status, request.pushed, sent);
    } catch {
      // A handler's bad header text (NetlabError from HPACK) or a body iterator that threw:
      // this stream fails, the connection goes on.
      if (conn.streamState(streamId) !== 'closed') conn.resetStream(streamId, ErrorCode.INTERNAL_ERROR);
      this.session.kick();
    }
  }
}

/** The request a push answers: GET of `path` on the parent's scheme and authority. */
function pushRequest(parent: H2ServerRequest, path: string): HeaderField[] {
  return [
    { name: ':method', value: 'GET' },
    { name: ':scheme', value: parent.scheme },
    { name: ':authority', value: parent.authority },
    { name: ':path', value: path },
  ];
}

/** Starts serving HTTP/2 on an accepted stream (cleartext prior knowledge, or TLS with ALPN h2). */
export function serveHttp2(stream: ByteStream, options: H2ServerOptions): Http2ServerConnection {
  return new Http2ServerConnection(stream, options).start();
}
