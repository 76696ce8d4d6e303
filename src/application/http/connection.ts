/**
 * An HTTP/1.0 / HTTP/1.1 connection as a sans-I/O machine, in the style of h11: it never
 * touches a socket or a clock. Feed it what arrived (`receive(bytes, now)`), pull what it
 * understood (`nextEvent()`); hand it what you want to say (`send(event)`), take the bytes
 * to write (`takeOutput()`). Server timeouts come out of `pollAt()` / `handleTimeout(now)`.
 *
 * What it implements (RFC 9112 §9, RFC 9110):
 * - The state table of connection-states.ts, per exchange; an illegal move by local code
 *   throws HttpStateError, one by the peer becomes an 'error' event.
 * - Persistence: HTTP/1.1 keeps the connection by default, `Connection: close` ends it;
 *   HTTP/1.0 keeps it only with `Connection: keep-alive` (§9.3). The server adds
 *   `Connection: close` or `Connection: keep-alive` to its responses so the client knows.
 * - Framing of what it sends: Content-Length is honoured and counted, a response without a
 *   length is chunked for HTTP/1.1 clients and close-delimited for HTTP/1.0 ones, HEAD /
 *   1xx / 204 / 304 responses carry no body (§6.3).
 * - Pipelining. A server parses up to `maxPipelined` requests ahead and lets the
 *   application answer them in any order, but releases the bytes strictly in request order:
 *   a response ready early is held behind the ones before it. That is HTTP/1.1's
 *   head-of-line blocking, and `blockedBy()` / `takeReleased()` let adapters trace it.
 *   A client may send requests back to back; responses are matched in order.
 * - Expect: 100-continue (RFC 9110 §10.1.1): flagged on the request event; a final
 *   response sent before the request body arrived makes the connection close afterwards.
 * - After `Connection: close` in a request, further pipelined requests are not processed
 *   (§9.6); after a protocol error or a timeout the connection reads nothing more.
 * - Upgrade / CONNECT: parsing pauses after such a request until the response says
 *   whether the protocol switches (101, or 2xx to CONNECT): then `takeBuffered()` returns
 *   the bytes that belong to the new protocol.
 * - Server timeouts: idle keep-alive connections, a head that takes too long to arrive
 *   (slowloris), a body that takes too long. Deadlines are totals, not inactivity timers,
 *   so trickling one byte at a time does not extend them.
 *
 * Left out: HTTP/0.9, proxy behaviour (absolute-form handling, hop-by-hop header
 * stripping), request bodies without a length (chunked requests from HTTP/1.0 clients).
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Time } from '../../sim/time.ts';
import { SECOND } from '../../sim/time.ts';
import type { BodyFraming } from './body-framing.ts';
import { type HttpHalf, type HttpState, type HttpStateEvent, transition } from './connection-states.ts';
import type { HeaderList } from './header-list.ts';
import { HttpParseError, HttpStateError } from './http-error.ts';
import type { HttpLimits } from './limits.ts';
import { type HttpVersion, type RequestHead, type ResponseHead, wantsPersistence } from './message.ts';
import { RequestParser, ResponseParser } from './message-parser.ts';
import {
  serializeChunk,
  serializeLastChunk,
  serializeRequestHead,
  serializeResponseHead,
} from './message-serializer.ts';

export type HttpRole = 'client' | 'server';

export interface HttpConnectionOptions {
  readonly limits?: Partial<HttpLimits>;
  /** Exchanges in flight at once: requests parsed (server) or sent (client) but not yet answered. Default 16. */
  readonly maxPipelined?: number;
  /** Server: close a keep-alive connection idle this long. Default 5 s; 0 disables. */
  readonly idleTimeout?: Time;
  /** Server: a request head must arrive within this time of its first byte (else 408). Default 10 s; 0 disables. */
  readonly headerTimeout?: Time;
  /** Server: a request body must arrive within this time of its head (else 408). Default 30 s; 0 disables. */
  readonly bodyTimeout?: Time;
  /** When the connection opened (the idle clock starts there). Default 0. */
  readonly now?: Time;
}

export type TimeoutPhase = 'idle' | 'head' | 'body';

/** What the machine understood from the peer. */
export type HttpConnectionEvent =
  | {
      readonly type: 'request';
      readonly exchange: number;
      readonly head: RequestHead;
      readonly framing: BodyFraming;
      /** The client sent `Expect: 100-continue` and waits before sending the body. */
      readonly expectContinue: boolean;
      readonly headBytes: number;
    }
  | {
      readonly type: 'informational';
      readonly exchange: number;
      readonly head: ResponseHead;
      readonly headBytes: number;
    }
  | {
      readonly type: 'response';
      readonly exchange: number;
      readonly head: ResponseHead;
      readonly framing: BodyFraming;
      readonly headBytes: number;
      /** When the first byte of this response arrived (the `now` of that receive). */
      readonly firstByteAt: Time;
      /** Stream offset of that first byte (bytes received on the connection before it). */
      readonly offset: number;
    }
  | { readonly type: 'data'; readonly exchange: number; readonly data: Uint8Array }
  | { readonly type: 'end'; readonly exchange: number; readonly trailers: HeaderList }
  | {
      readonly type: 'error';
      readonly error: HttpParseError | HttpStateError;
      /**
       * Server: the exchange to answer with `error.status` (absent when a response is
       * already under way). Client: the exchange that failed.
       */
      readonly exchange?: number;
    }
  | {
      readonly type: 'timeout';
      readonly phase: TimeoutPhase;
      /** The exchange to answer with 408, when one can be sent. */
      readonly exchange?: number;
    }
  | {
      readonly type: 'closed';
      /** Client: exchanges sent that got no complete response (retry them elsewhere). */
      readonly unanswered: readonly number[];
    };

/** What local code says. `exchange` defaults to the one the role would naturally address. */
export type HttpSendEvent =
  | { readonly type: 'request'; readonly head: RequestHead }
  | { readonly type: 'informational'; readonly exchange?: number; readonly head: ResponseHead }
  | { readonly type: 'response'; readonly exchange?: number; readonly head: ResponseHead }
  | { readonly type: 'data'; readonly exchange?: number; readonly data: Uint8Array }
  | { readonly type: 'end'; readonly exchange?: number; readonly trailers?: HeaderList };

export interface SendResult {
  readonly exchange: number;
  /** For request and response events: the head as written, with the framing and Connection headers added. */
  readonly head?: RequestHead | ResponseHead;
  /** Bytes of that head on the wire. */
  readonly headBytes?: number;
}

type SendKind = 'none' | 'length' | 'chunked' | 'until-close';

interface Exchange {
  readonly id: number;
  client: HttpState;
  server: HttpState;
  method: string;
  target: string;
  requestVersion: HttpVersion;
  requestPersistent: boolean;
  expectContinue: boolean;
  /** The request asked to change protocol (Upgrade header, or CONNECT). */
  upgrade: boolean;
  /** Decided when the response head is sent or received. */
  persistent: boolean;
  /** Framing of the message this side is sending in this exchange. */
  sendKind: SendKind;
  sendRemaining: number;
  /** Server: bytes written for this exchange, not released yet (earlier exchanges unfinished). */
  held: Uint8Array[];
  /** Server: the response was complete while still held behind an earlier one. */
  heldWhenDone: boolean;
  /** Client: when the first byte of the response arrived. */
  firstByteAt: Time;
  /** Server: when the request body started (for the body timeout). */
  bodyStartedAt: Time;
}

const DEFAULTS = {
  maxPipelined: 16,
  idleTimeout: 5 * SECOND,
  headerTimeout: 10 * SECOND,
  bodyTimeout: 30 * SECOND,
};

function checkTime(name: string, v: number): number {
  if (!Number.isSafeInteger(v) || v < 0)
    throw new NetlabError('http-bad-option', `${name} must be a non-negative integer`);
  return v;
}

/** Content-Length given by local code: one decimal value. */
function localContentLength(headers: HeaderList): number | undefined {
  const keys = headers.keys;
  const at = keys.indexOf('content-length');
  if (at < 0) return undefined;
  // The common case, one plain value, without building lists.
  const first = headers.values[at]!;
  if (keys.indexOf('content-length', at + 1) < 0 && /^\d{1,15}$/.test(first)) return Number(first);
  const values = headers.getAll('content-length');
  if (values.length === 0) return undefined;
  const unique = new Set(values.flatMap((v) => v.split(',').map((s) => s.trim())));
  const [only] = unique;
  if (unique.size !== 1 || only === undefined || !/^\d{1,15}$/.test(only)) {
    throw new NetlabError(
      'http-bad-content-length',
      `cannot send Content-Length ${JSON.stringify(values.join(', '))}`,
    );
  }
  return Number(only);
}

function checkLocalTransferEncoding(headers: HeaderList): void {
  const codings = headers.tokens('transfer-encoding');
  if (codings.length !== 1 || codings[0] !== 'chunked') {
    throw new NetlabError('http-unsupported-coding', 'netlab sends no transfer coding but chunked');
  }
}

export class HttpConnection {
  private readonly requestParser: RequestParser | null;
  private readonly responseParser: ResponseParser | null;
  private readonly maxPipelined: number;
  private readonly idleTimeout: Time;
  private readonly headerTimeout: Time;
  private readonly bodyTimeout: Time;

  /** Exchanges in flight, oldest first. */
  private readonly exchanges: Exchange[] = [];
  private nextId = 1;
  private readonly queued: HttpConnectionEvent[] = [];
  private output: Uint8Array[] = [];
  private released: number[] = [];

  /** The exchange whose request is being received (server) or sent (client). */
  private current: Exchange | null = null;
  /** Client: the exchange whose response is being received. */
  private answering: Exchange | null = null;

  /** No more exchanges will start: a close was decided. */
  private closing = false;
  /** Server: the exchange after which the connection closes (earlier ones stay persistent). */
  private closeAfter = Number.POSITIVE_INFINITY;
  /** Parse nothing more (server: after close/error/timeout; both: after a switch). */
  private readStopped = false;
  private peerEnded = false;
  private reportedClosed = false;
  private connState: 'OPEN' | 'MUST_CLOSE' | 'CLOSED' | 'SWITCHED_PROTOCOL' | 'ERROR' = 'OPEN';
  /** Server: an Upgrade/CONNECT request waits for its response before parsing goes on. */
  private upgradePending = false;

  private lastTime: Time;
  private idleSince: Time;
  /**
   * When the bytes not parsed yet arrived: (stream offset just past a received chunk, the
   * `now` it came with), oldest first. Parsing is lazy, so this is how a head's first byte
   * gets its arrival time. Entries before the message being parsed are dropped.
   */
  private arrivals: { end: number; time: Time }[] = [];
  private fed = 0;
  /** Stream offset where the message being parsed started. */
  private messageStart = 0;

  constructor(
    readonly role: HttpRole,
    options: HttpConnectionOptions = {},
  ) {
    this.requestParser = role === 'server' ? new RequestParser(options.limits) : null;
    this.responseParser = role === 'client' ? new ResponseParser(options.limits) : null;
    const max = options.maxPipelined ?? DEFAULTS.maxPipelined;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new NetlabError('http-bad-option', 'maxPipelined must be >= 1');
    this.maxPipelined = max;
    this.idleTimeout = checkTime('idleTimeout', options.idleTimeout ?? DEFAULTS.idleTimeout);
    this.headerTimeout = checkTime('headerTimeout', options.headerTimeout ?? DEFAULTS.headerTimeout);
    this.bodyTimeout = checkTime('bodyTimeout', options.bodyTimeout ?? DEFAULTS.bodyTimeout);
    this.lastTime = this.idleSince = options.now ?? 0;
  }

  private get parser(): RequestParser | ResponseParser {
    return (this.requestParser ?? this.responseParser)!;
  }

  // ---- observing -------------------------------------------------------------------------

  /**
   * The two halves as h11 shows them: the client half of the newest exchange and the server
   * half of the oldest unfinished one (IDLE between exchanges), or the connection's own state
   * once it must close, has closed, switched protocol or failed.
   */
  get states(): { readonly client: HttpState; readonly server: HttpState } {
    if (this.connState !== 'OPEN') return { client: this.connState, server: this.connState };
    const newest = this.exchanges[this.exchanges.length - 1];
    const oldest = this.exchanges[0];
    return { client: newest?.client ?? 'IDLE', server: oldest?.server ?? 'IDLE' };
  }

  /** The states of one exchange, or undefined once it is over (or never existed). */
  exchangeStates(id: number): { readonly client: HttpState; readonly server: HttpState } | undefined {
    const ex = this.find(id);
    return ex ? { client: ex.client, server: ex.server } : undefined;
  }

  /** Exchanges in flight, oldest first. */
  get inFlight(): readonly number[] {
    return this.exchanges.map((e) => e.id);
  }

  /** True once no further exchange can happen: flush the output, then close the transport. */
  get mustClose(): boolean {
    return this.connState === 'MUST_CLOSE' || this.connState === 'ERROR';
  }

  get isClosed(): boolean {
    return this.connState === 'CLOSED';
  }

  get switchedProtocol(): boolean {
    return this.connState === 'SWITCHED_PROTOCOL';
  }

  /**
   * Whether the adapter should read more from the transport. False when the pipeline is
   * full (back-pressure on a client that pipelines too deep), when a protocol switch is
   * pending, or when nothing more will be parsed.
   */
  get wantsRead(): boolean {
    if (this.readStopped || this.connState !== 'OPEN' || this.peerEnded) return false;
    if (this.role === 'client' || this.current !== null || !this.parser.atBoundary) return true;
    return this.exchanges.length < this.maxPipelined && !this.upgradePending;
  }

  /** Client: whether a new request may be sent now (previous one fully sent, no close decided, room in the pipeline). */
  get canSendRequest(): boolean {
    if (this.role !== 'client' || this.closing || this.connState !== 'OPEN') return false;
    const newest = this.exchanges[this.exchanges.length - 1];
    if (newest && newest.client !== 'DONE') return false;
    return this.exchanges.length < this.maxPipelined;
  }

  /** Client: whether this connection will carry more requests at all (no close decided, not failed). */
  get acceptsRequests(): boolean {
    return this.role === 'client' && !this.closing && this.connState === 'OPEN';
  }

  /** Server: the earlier exchange a finished response is waiting behind, if it is held. */
  blockedBy(id: number): number | undefined {
    for (const ex of this.exchanges) {
      if (ex.id === id) return undefined;
      if (ex.server !== 'DONE' && ex.server !== 'MUST_CLOSE') return ex.id;
    }
    return undefined;
  }

  /** Server: exchanges whose complete response had been held and was released since the last call. */
  takeReleased(): number[] {
    const out = this.released;
    this.released = [];
    return out;
  }

  /** Client: exchanges sent whose response has not completed. */
  unanswered(): number[] {
    return this.exchanges.filter((e) => e.server !== 'DONE' && e.server !== 'MUST_CLOSE').map((e) => e.id);
  }

  // ---- receiving -------------------------------------------------------------------------

  /** Bytes from the peer. */
  receive(data: Uint8Array, now: Time): void {
    if (now > this.lastTime) this.lastTime = now;
    if (data.length === 0 || this.readStopped || this.peerEnded || this.connState === 'CLOSED') return;
    const p = this.parser;
    const keepFrom = p.atBoundary ? p.offset : this.messageStart;
    while (this.arrivals.length > 0 && this.arrivals[0]!.end <= keepFrom) this.arrivals.shift();
    this.fed += data.length;
    this.arrivals.push({ end: this.fed, time: now });
    p.feed(data);
  }

  /** When the byte at stream offset `offset` arrived. */
  private arrivalOf(offset: number): Time {
    for (const a of this.arrivals) if (a.end > offset) return a.time;
    return this.lastTime;
  }

  /** The peer closed its sending side (TCP FIN). */
  receiveEnd(now: Time): void {
    if (now > this.lastTime) this.lastTime = now;
    if (this.peerEnded) return;
    this.peerEnded = true;
    this.parser.feedEnd();
  }

  /** The next event, or null when the machine needs more bytes (or must not parse further yet). */
  nextEvent(): HttpConnectionEvent | null {
    const q = this.queued.shift();
    if (q) return q;
    if (this.connState === 'CLOSED' || this.connState === 'SWITCHED_PROTOCOL') return null;
    try {
      return this.role === 'server' ? this.pullServer() : this.pullClient();
    } catch (e) {
      // The parser keeps the peer to the grammar; a move the table still refuses is the peer's fault.
      if (!(e instanceof HttpStateError) || e.side !== 'remote') throw e;
      this.readStopped = true;
      this.closing = true;
      this.connState = 'ERROR';
      return { type: 'error', error: e };
    }
  }

  /**
   * After a protocol switch: the bytes received behind the HTTP head, which belong to the
   * new protocol.
   */
  takeBuffered(): Uint8Array {
    return this.parser.takeBuffered();
  }

  private closedEvent(unanswered: readonly number[]): HttpConnectionEvent | null {
    if (this.reportedClosed) return null;
    this.reportedClosed = true;
    return { type: 'closed', unanswered };
  }

  private pullServer(): HttpConnectionEvent | null {
    if (this.readStopped) return this.peerEnded ? this.closedEvent([]) : null;
    const p = this.requestParser!;
    if (p.atBoundary && (this.exchanges.length >= this.maxPipelined || this.upgradePending)) return null;
    if (p.atBoundary) this.messageStart = p.offset;
    const ev = p.next();
    if (ev === null) return null;
    if (ev instanceof HttpParseError) return this.remoteErrorServer(ev);
    switch (ev.kind) {
      case 'head': {
        const head = ev.head;
        const ex = this.newExchange(head.method, head.target, head.version);
        ex.client = this.must('client', ex.client, 'request', 'remote');
        ex.server = this.must('server', ex.server, 'request', 'remote');
        ex.requestPersistent = wantsPersistence(head.version, head.headers);
        ex.expectContinue =
          head.version === '1.1' && head.headers.get('expect')?.toLowerCase() === '100-continue';
        ex.upgrade = head.method === 'CONNECT' || head.headers.has('upgrade');
        ex.bodyStartedAt = this.lastTime;
        this.current = ex;
        if (ex.upgrade) this.upgradePending = true;
        return {
          type: 'request',
          exchange: ex.id,
          head,
          framing: ev.framing,
          expectContinue: ex.expectContinue,
          headBytes: ev.headBytes,
        };
      }
      case 'data':
        return { type: 'data', exchange: this.current!.id, data: ev.data };
      case 'end': {
        const ex = this.current!;
        this.current = null;
        if (ex.client === 'SEND_BODY') ex.client = this.must('client', ex.client, 'end', 'remote');
        if (!ex.requestPersistent) {
          // RFC 9112 §9.6: after a request with "close", process nothing more.
          this.readStopped = true;
          this.closing = true;
        }
        this.finishIfDone(ex);
        return { type: 'end', exchange: ex.id, trailers: ev.trailers };
      }
      case 'eof':
        this.readStopped = true;
        this.checkMustClose();
        return this.closedEvent([]);
    }
  }

  private remoteErrorServer(error: HttpParseError): HttpConnectionEvent {
    this.readStopped = true;
    this.closing = true;
    const ex = this.current;
    this.current = null;
    if (ex && ex.client === 'SEND_BODY') {
      // The body broke: answer that exchange, if its response has not started.
      ex.client = 'ERROR';
      this.closeAfter = Math.min(this.closeAfter, ex.id);
      this.checkMustClose();
      return { type: 'error', error, exchange: ex.server === 'SEND_RESPONSE' ? ex.id : undefined };
    }
    const answer = this.newExchange('', '', '1.1');
    answer.client = 'ERROR';
    answer.server = 'SEND_RESPONSE';
    answer.requestPersistent = false;
    this.closeAfter = Math.min(this.closeAfter, answer.id);
    return { type: 'error', error, exchange: answer.id };
  }

  private pullClient(): HttpConnectionEvent | null {
    if (this.readStopped) return null;
    const p = this.responseParser!;
    if (p.state === 'eof') return this.closedEvent(this.unanswered());
    if (p.atBoundary) this.messageStart = p.offset;
    const ev = p.next();
    if (ev === null) return null;
    if (ev instanceof HttpParseError) return this.remoteErrorClient(ev);
    switch (ev.kind) {
      case 'head': {
        const head = ev.head;
        const ex = this.exchanges.find((e) => e.server === 'SEND_RESPONSE');
        if (!ex) {
          return this.remoteErrorClient(
            new HttpParseError(
              'unexpected-response',
              'a response arrived with no request waiting for it',
              p.offset,
            ),
          );
        }
        if (ex.firstByteAt < 0) ex.firstByteAt = this.arrivalOf(this.messageStart);
        this.answering = ex;
        if (head.status < 200 && head.status !== 101) {
          ex.server = this.must('server', ex.server, 'informational', 'remote');
          ex.firstByteAt = -1; // the final response's first byte is what timings want
          return { type: 'informational', exchange: ex.id, head, headBytes: ev.headBytes };
        }
        const response: HttpConnectionEvent = {
          type: 'response',
          exchange: ex.id,
          head,
          framing: ev.framing,
          headBytes: ev.headBytes,
          firstByteAt: ex.firstByteAt,
          offset: this.messageStart,
        };
        if (ev.framing.kind === 'switch') {
          if (!ex.upgrade) {
            return this.remoteErrorClient(
              new HttpParseError('unexpected-response', 'a protocol switch nobody asked for', p.offset),
            );
          }
          ex.server = this.must('server', ex.server, 'switch', 'remote');
          ex.client = 'SWITCHED_PROTOCOL';
          this.connState = 'SWITCHED_PROTOCOL';
          this.readStopped = true;
          return response;
        }
        ex.server = this.must('server', ex.server, 'response', 'remote');
        ex.persistent =
          ex.requestPersistent &&
          ev.framing.kind !== 'until-close' &&
          ex.client === 'DONE' &&
          wantsPersistence(head.version, head.headers);
        if (!ex.persistent) this.closing = true;
        return response;
      }
      case 'data':
        return { type: 'data', exchange: this.answering!.id, data: ev.data };
      case 'end': {
        const ex = this.answering!;
        this.answering = null;
        if (ex.server === 'SEND_RESPONSE') {
          // The end of an interim response: the final one is still to come.
          return this.pullClient();
        }
        ex.server = this.must('server', ex.server, 'end', 'remote');
        this.finishIfDone(ex);
        return { type: 'end', exchange: ex.id, trailers: ev.trailers };
      }
      case 'eof':
        this.readStopped = true;
        return this.closedEvent(this.unanswered());
    }
  }

  private remoteErrorClient(error: HttpParseError): HttpConnectionEvent {
    this.readStopped = true;
    this.closing = true;
    this.connState = 'ERROR';
    const ex = this.answering ?? this.exchanges.find((e) => e.server !== 'DONE');
    if (ex) ex.server = 'ERROR';
    return { type: 'error', error, exchange: ex?.id };
  }

  // ---- sending ---------------------------------------------------------------------------

  /** Says something; returns the exchange it belongs to. Throws HttpStateError on an illegal move. */
  send(event: HttpSendEvent, now?: Time): SendResult {
    if (now !== undefined && now > this.lastTime) this.lastTime = now;
    if (this.connState === 'CLOSED' || this.connState === 'SWITCHED_PROTOCOL') {
      throw new HttpStateError('local', this.role, this.connState, event.type);
    }
    return this.role === 'server' ? this.sendServer(event) : this.sendClient(event);
  }

  /** The bytes to write to the transport, in order. */
  takeOutput(): Uint8Array[] {
    const out = this.output;
    this.output = [];
    return out;
  }

  /** Local close: the transport is going away. Nothing more is sent or parsed. */
  close(): void {
    for (const ex of this.exchanges) {
      ex.client = 'CLOSED';
      ex.server = 'CLOSED';
    }
    this.connState = 'CLOSED';
    this.readStopped = true;
  }

  private sendServer(event: HttpSendEvent): SendResult {
    if (event.type === 'request') throw new HttpStateError('local', 'server', this.states.server, 'request');
    const ex = this.addressed(
      event.exchange,
      (e) => e.server === 'SEND_RESPONSE' || e.server === 'SEND_BODY',
    );
    switch (event.type) {
      case 'informational': {
        const { status } = event.head;
        if (status < 100 || status > 199 || status === 101) {
          throw new NetlabError(
            'http-bad-status',
            `an informational response needs a 1xx status other than 101, not ${status}`,
          );
        }
        if (ex.requestVersion === '1.0') {
          throw new NetlabError(
            'http-1xx-to-http10',
            'RFC 9110 §15.2: no 1xx responses to an HTTP/1.0 client',
          );
        }
        const next = this.must('server', ex.server, 'informational', 'local');
        const head: ResponseHead = { ...event.head, version: '1.1' };
        const wire = serializeResponseHead(head);
        ex.server = next;
        this.emit(ex, wire);
        return { exchange: ex.id, head, headBytes: wire.length };
      }
      case 'response': {
        const sent = this.sendResponse(ex, event.head);
        return { exchange: ex.id, head: sent.head, headBytes: sent.headBytes };
      }
      case 'data': {
        const next = this.must('server', ex.server, 'data', 'local');
        this.emitBody(ex, event.data);
        ex.server = next;
        return { exchange: ex.id };
      }
      case 'end': {
        const next = this.must('server', ex.server, 'end', 'local');
        this.checkEnd(ex, event.trailers);
        ex.server = next;
        this.emitEnd(ex, event.trailers);
        this.flushHeld();
        this.finishIfDone(ex);
        return { exchange: ex.id };
      }
    }
  }

  /**
   * RFC 9112 §6.3 and §9.3 applied to an outgoing response: framing and Connection headers.
   * Everything is checked and serialised before any state changes, so a throw leaves the
   * machine as it was.
   */
  private sendResponse(ex: Exchange, given: ResponseHead): { head: ResponseHead; headBytes: number } {
    const status = given.status;
    if (status < 200 && status !== 101) {
      throw new NetlabError(
        'http-bad-status',
        `a final response needs a status >= 200 (or 101), not ${status}`,
      );
    }
    if (status === 101 || (ex.method === 'CONNECT' && status >= 200 && status < 300)) {
      const next = this.must('server', ex.server, 'switch', 'local');
      if (!ex.upgrade)
        throw new NetlabError('http-no-upgrade', 'a protocol switch the client did not ask for');
      const wire = serializeResponseHead(given);
      ex.server = next;
      ex.client = 'SWITCHED_PROTOCOL';
      ex.persistent = false;
      this.dropAfter(ex);
      this.emit(ex, wire);
      this.connState = 'SWITCHED_PROTOCOL';
      this.readStopped = true;
      return { head: given, headBytes: wire.length };
    }
    const next = this.must('server', ex.server, 'response', 'local');
    let headers = given.headers;
    const version = given.version;
    let kind: SendKind;
    let remaining = 0;
    if (ex.method === 'HEAD' || status === 204 || status === 304) {
      kind = 'none';
    } else {
      const length = localContentLength(headers);
      if (length !== undefined) {
        if (headers.has('transfer-encoding')) {
          throw new NetlabError('http-conflicting-framing', 'both Content-Length and Transfer-Encoding');
        }
        kind = 'length';
        remaining = length;
      } else if (headers.has('transfer-encoding')) {
        checkLocalTransferEncoding(headers);
        if (ex.requestVersion === '1.0' || version === '1.0') {
          headers = headers.without('transfer-encoding');
          kind = 'until-close';
        } else kind = 'chunked';
      } else if (ex.requestVersion === '1.1' && version === '1.1') {
        headers = headers.with('Transfer-Encoding', 'chunked');
        kind = 'chunked';
      } else {
        kind = 'until-close';
      }
    }
    const persistent =
      ex.requestPersistent &&
      ex.id < this.closeAfter &&
      kind !== 'until-close' &&
      ex.client === 'DONE' &&
      !headers.hasToken('connection', 'close');
    if (!persistent) {
      if (!headers.hasToken('connection', 'close')) headers = headers.set('Connection', 'close');
    } else if (
      (ex.requestVersion === '1.0' || version === '1.0') &&
      !headers.hasToken('connection', 'keep-alive')
    ) {
      headers = headers.set('Connection', 'keep-alive');
    }
    const head = headers === given.headers ? given : { ...given, headers };
    const wire = serializeResponseHead(head);
    // Commit.
    ex.server = next;
    if (ex.upgrade) this.upgradePending = false;
    ex.sendKind = kind;
    ex.sendRemaining = remaining;
    ex.persistent = persistent;
    if (!persistent) {
      this.closing = true;
      this.closeAfter = Math.min(this.closeAfter, ex.id);
      this.readStopped = true;
      this.dropAfter(ex);
    }
    this.emit(ex, wire);
    return { head, headBytes: wire.length };
  }

  private sendClient(event: HttpSendEvent): SendResult {
    switch (event.type) {
      case 'request': {
        const newest = this.exchanges[this.exchanges.length - 1];
        if (newest && newest.client !== 'DONE') {
          throw new HttpStateError(
            'local',
            'client',
            newest.client,
            'request',
            'the previous request is not fully sent',
          );
        }
        if (this.closing || this.connState !== 'OPEN') {
          throw new NetlabError(
            'http-connection-closing',
            'this connection takes no more requests (a close was decided)',
          );
        }
        if (this.exchanges.length >= this.maxPipelined) {
          throw new NetlabError('http-pipeline-full', `already ${this.maxPipelined} requests in flight`);
        }
        const head = event.head;
        const wire = serializeRequestHead(head);
        let kind: SendKind = 'none';
        let remaining = 0;
        const length = localContentLength(head.headers);
        if (length !== undefined) {
          if (head.headers.has('transfer-encoding')) {
            throw new NetlabError('http-conflicting-framing', 'both Content-Length and Transfer-Encoding');
          }
          kind = length > 0 ? 'length' : 'none';
          remaining = length;
        } else if (head.headers.has('transfer-encoding')) {
          checkLocalTransferEncoding(head.headers);
          if (head.version === '1.0')
            throw new NetlabError('http-unsupported-coding', 'no chunked requests in HTTP/1.0');
          kind = 'chunked';
        }
        const ex = this.newExchange(head.method, head.target, head.version);
        ex.client = this.must('client', ex.client, 'request', 'local');
        ex.server = this.must('server', ex.server, 'request', 'local');
        ex.requestPersistent = wantsPersistence(head.version, head.headers);
        ex.expectContinue =
          head.version === '1.1' && head.headers.get('expect')?.toLowerCase() === '100-continue';
        ex.upgrade = head.method === 'CONNECT' || head.headers.has('upgrade');
        ex.sendKind = kind;
        ex.sendRemaining = remaining;
        if (!ex.requestPersistent) this.closing = true;
        this.current = ex;
        this.responseParser!.expectResponseTo(head.method);
        this.output.push(wire);
        return { exchange: ex.id, head, headBytes: wire.length };
      }
      case 'data': {
        const ex = this.addressed(event.exchange, (e) => e.client === 'SEND_BODY');
        const next = this.must('client', ex.client, 'data', 'local');
        this.emitBody(ex, event.data);
        ex.client = next;
        return { exchange: ex.id };
      }
      case 'end': {
        const ex = this.addressed(event.exchange, (e) => e.client === 'SEND_BODY');
        const next = this.must('client', ex.client, 'end', 'local');
        this.checkEnd(ex, event.trailers);
        ex.client = next;
        this.emitEnd(ex, event.trailers);
        if (this.current === ex) this.current = null;
        this.finishIfDone(ex);
        return { exchange: ex.id };
      }
      default:
        throw new HttpStateError('local', 'client', this.states.client, event.type);
    }
  }

  private emitBody(ex: Exchange, data: Uint8Array): void {
    if (data.length === 0) return;
    switch (ex.sendKind) {
      case 'none':
        throw new NetlabError(
          'http-body-not-allowed',
          `this message has no body (${ex.method}, or no length given)`,
        );
      case 'length':
        if (data.length > ex.sendRemaining) {
          throw new NetlabError(
            'http-too-much-data',
            `${data.length} bytes with only ${ex.sendRemaining} left of Content-Length`,
          );
        }
        ex.sendRemaining -= data.length;
        this.emit(ex, data);
        return;
      case 'chunked':
        this.emit(ex, serializeChunk(data));
        return;
      case 'until-close':
        this.emit(ex, data);
        return;
    }
  }

  /** Throws when the message cannot end here (before any state changes). */
  private checkEnd(ex: Exchange, trailers: HeaderList | undefined): void {
    if (ex.sendKind === 'length' && ex.sendRemaining > 0) {
      throw new NetlabError(
        'http-too-little-data',
        `the body ended ${ex.sendRemaining} bytes short of Content-Length`,
      );
    }
    if (ex.sendKind !== 'chunked' && trailers && trailers.size > 0) {
      throw new NetlabError('http-no-trailers', 'trailers need chunked framing');
    }
  }

  private emitEnd(ex: Exchange, trailers: HeaderList | undefined): void {
    if (ex.sendKind === 'chunked') this.emit(ex, serializeLastChunk(trailers));
  }

  private emit(ex: Exchange, bytes: Uint8Array): void {
    if (this.role === 'client') {
      this.output.push(bytes);
      return;
    }
    ex.held.push(bytes);
    this.flushHeld();
  }

  /** Server: releases held output in exchange order, up to the first unfinished response. */
  private flushHeld(): void {
    for (const ex of this.exchanges) {
      if (ex.held.length > 0) {
        for (const b of ex.held) this.output.push(b);
        ex.held = [];
      }
      const finished =
        ex.server === 'DONE' || ex.server === 'MUST_CLOSE' || ex.server === 'SWITCHED_PROTOCOL';
      if (!finished) return;
      if (ex.heldWhenDone) {
        ex.heldWhenDone = false;
        this.released.push(ex.id);
      }
    }
  }

  // ---- timers (server) -------------------------------------------------------------------

  /** The next instant `handleTimeout` must be called at, or null when no timer runs. */
  pollAt(): Time | null {
    if (this.role !== 'server' || this.readStopped || this.connState !== 'OPEN' || this.peerEnded)
      return null;
    const p = this.requestParser!;
    let at = Number.POSITIVE_INFINITY;
    const paused = p.atBoundary && (this.exchanges.length >= this.maxPipelined || this.upgradePending);
    const inHead =
      (p.state === 'start-line' || p.state === 'headers') && (!p.atBoundary || p.bufferedBytes > 0);
    if (inHead && !paused) {
      const start = this.arrivalOf(p.atBoundary ? p.offset : this.messageStart);
      if (this.headerTimeout > 0) at = Math.min(at, start + this.headerTimeout);
    } else if (this.current && this.current.client === 'SEND_BODY') {
      if (this.bodyTimeout > 0) at = Math.min(at, this.current.bodyStartedAt + this.bodyTimeout);
    } else if (this.exchanges.length === 0 && p.atBoundary && p.bufferedBytes === 0) {
      if (this.idleTimeout > 0) at = Math.min(at, this.idleSince + this.idleTimeout);
    }
    return Number.isFinite(at) ? at : null;
  }

  /** Fires the timers due at `now`: queues a 'timeout' event and stops reading. */
  handleTimeout(now: Time): void {
    if (now > this.lastTime) this.lastTime = now;
    const due = this.pollAt();
    if (due === null || now < due) return;
    const p = this.requestParser!;
    this.readStopped = true;
    this.closing = true;
    if (this.current && this.current.client === 'SEND_BODY') {
      const ex = this.current;
      this.current = null;
      ex.client = 'ERROR';
      this.closeAfter = Math.min(this.closeAfter, ex.id);
      this.queued.push({
        type: 'timeout',
        phase: 'body',
        exchange: ex.server === 'SEND_RESPONSE' ? ex.id : undefined,
      });
    } else if (!p.atBoundary || p.bufferedBytes > 0) {
      const answer = this.newExchange('', '', '1.1');
      answer.client = 'ERROR';
      answer.server = 'SEND_RESPONSE';
      answer.requestPersistent = false;
      this.closeAfter = Math.min(this.closeAfter, answer.id);
      this.queued.push({ type: 'timeout', phase: 'head', exchange: answer.id });
    } else {
      this.connState = 'MUST_CLOSE';
      this.queued.push({ type: 'timeout', phase: 'idle' });
    }
  }

  // ---- exchanges -------------------------------------------------------------------------

  private newExchange(method: string, target: string, version: HttpVersion): Exchange {
    const ex: Exchange = {
      id: this.nextId++,
      client: 'IDLE',
      server: 'IDLE',
      method,
      target,
      requestVersion: version,
      requestPersistent: true,
      expectContinue: false,
      upgrade: false,
      persistent: true,
      sendKind: 'none',
      sendRemaining: 0,
      held: [],
      heldWhenDone: false,
      firstByteAt: -1,
      bodyStartedAt: 0,
    };
    this.exchanges.push(ex);
    return ex;
  }

  private find(id: number): Exchange | undefined {
    return this.exchanges.find((e) => e.id === id);
  }

  private addressed(id: number | undefined, natural: (e: Exchange) => boolean): Exchange {
    const ex = id === undefined ? this.exchanges.find(natural) : this.find(id);
    if (!ex) {
      throw new NetlabError(
        'http-no-exchange',
        id === undefined ? 'no exchange is waiting for that' : `exchange ${id} is not in flight`,
      );
    }
    return ex;
  }

  private must(half: HttpHalf, state: HttpState, event: HttpStateEvent, side: 'local' | 'remote'): HttpState {
    const next = transition(half, state, event, side);
    if (next instanceof HttpStateError) throw next;
    return next;
  }

  /** Server: exchanges after `ex` are dropped (a close was decided at `ex`); the application's answers to them go nowhere. */
  private dropAfter(ex: Exchange): void {
    const at = this.exchanges.indexOf(ex);
    for (const later of this.exchanges.splice(at + 1)) {
      later.client = 'CLOSED';
      later.server = 'CLOSED';
      if (this.current === later) this.current = null;
    }
  }

  /** The server half is done: the exchange is over; keep the connection or decide to close it. */
  private finishIfDone(ex: Exchange): void {
    if (ex.server !== 'DONE') return;
    if (this.role === 'server' && this.blockedBy(ex.id) !== undefined) ex.heldWhenDone = true;
    if (!ex.persistent) {
      ex.client = 'MUST_CLOSE';
      ex.server = 'MUST_CLOSE';
      this.closing = true;
      if (this.role === 'server') this.readStopped = true;
    } else if (ex.client !== 'DONE') {
      return;
    }
    // Retire every finished exchange at the head of the queue (flushHeld has sent their bytes).
    while (this.exchanges.length > 0) {
      const head = this.exchanges[0]!;
      if (head.server !== 'DONE' || head.client !== 'DONE') break;
      this.exchanges.shift();
    }
    if (this.exchanges.length === 0) this.idleSince = this.lastTime;
    this.checkMustClose();
  }

  /** Moves the connection to MUST_CLOSE once a decided close has nothing left to finish before it. */
  private checkMustClose(): void {
    if (this.connState !== 'OPEN') return;
    const finished = (e: Exchange) => e.server === 'DONE' || e.server === 'MUST_CLOSE';
    if (this.role === 'server') {
      const idleAndEnded = this.peerEnded && this.exchanges.length === 0;
      if ((this.closing && this.exchanges.every(finished)) || idleAndEnded) this.connState = 'MUST_CLOSE';
    } else if (this.closing && (this.exchanges.length === 0 || this.exchanges[0]!.server === 'MUST_CLOSE')) {
      this.connState = 'MUST_CLOSE';
    }
  }
}
