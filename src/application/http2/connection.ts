/**
 * The HTTP/2 connection machine, RFC 9113, sans-I/O: feed it received bytes with the
 * current time (`receive`), give it commands (`request`, `respond`, `sendData`, `push`,
 * `resetStream`, `ping`, `goAway`...), and take from it the bytes to send
 * (`takeOutput`), the events that happened (`takeEvents`) and when it next needs the
 * clock (`pollAt` / `handleTimeout`). It never touches a socket, a clock or a timer.
 *
 * Implemented: the connection preface and SETTINGS exchange with ACK and timeout (§3.4,
 * §6.5); the stream state machine of stream-state.ts (§5.1) with stream-id rules
 * (§5.1.1) and concurrency limits (§5.1.2, REFUSED_STREAM); connection and stream flow
 * control both ways, honouring SETTINGS_INITIAL_WINDOW_SIZE changes (§6.9); PING (§6.7);
 * GOAWAY in both directions (§6.8); RST_STREAM (§6.4); header blocks over CONTINUATION
 * (§4.3, §6.10) with HPACK (RFC 7541); HTTP message checks (§8, message-checks.ts);
 * server push (§8.4); RFC 9218 priorities from the Priority header and PRIORITY_UPDATE,
 * used by the DATA scheduler (scheduler.ts); RFC 7540 PRIORITY frames parsed, checked
 * for self-dependency, and otherwise ignored (§5.3.2).
 *
 * Abuse limits (connection-options.ts): frame size, header list and block size, HPACK
 * table size, CONTINUATION count, concurrent streams, rapid resets, queued control
 * frames, empty DATA frames, SETTINGS timeout — each answered with the RFC's error code
 * (GOAWAY ENHANCE_YOUR_CALM for floods).
 *
 * Left out: CONNECT and extended CONNECT tunnels (requests are checked but not treated
 * specially), the RFC 7540 priority tree, and padding on frames we send.
 */
import { ByteWriter } from '../../bytes/byte-writer.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { Time } from '../../sim/time.ts';
import type { Http2Event } from './connection-events.ts';
import {
  type Http2ConnectionOptions,
  type Http2Limits,
  type LocalSettings,
  resolveOptions,
} from './connection-options.ts';
import { ErrorCode, type ErrorCodeName } from './error-codes.ts';
import type {
  ContinuationFrame,
  DataFrame,
  Frame,
  FrameHeader,
  GoawayFrame,
  HeadersFrame,
  PingFrame,
  PriorityFrame,
  PriorityUpdateFrame,
  PushPromiseFrame,
  RstStreamFrame,
  SettingsFrame,
  WindowUpdateFrame,
} from './frame.ts';
import { Flag, FRAME_HEADER_LENGTH, FrameType } from './frame.ts';
import { writeFrame } from './frame-codec.ts';
import { FrameReader } from './frame-reader.ts';
import { connectionError, H2Error, streamError } from './h2-error.ts';
import { HeaderBlock } from './header-block.ts';
import { HpackDecoder } from './hpack/decoder.ts';
import { HpackEncoder } from './hpack/encoder.ts';
import type { HeaderField } from './hpack/header-field.ts';
import { isRecoverableHpackError } from './hpack/hpack-error.ts';
import { checkRequest, checkResponse, checkTrailers } from './message-checks.ts';
import { CLIENT_PREFACE } from './preface.ts';
import { type Priority, parsePriority } from './priority.ts';
import { RateWindow } from './rate-window.ts';
import { PriorityScheduler } from './scheduler.ts';
import {
  applySettings,
  INITIAL_SETTINGS,
  MAX_WINDOW_SIZE,
  type SettingPair,
  type Settings,
  settingsPairs,
} from './settings.ts';
import { H2Stream } from './stream.ts';
import {
  isActive,
  nextStreamState,
  receiveViolation,
  type StreamEvent,
  type StreamState,
} from './stream-state.ts';

/** Connection states: 'idle' before `initiate`, 'going-away' once a GOAWAY went either way. */
export type ConnectionState = 'idle' | 'open' | 'going-away' | 'closed';

/** Why a received frame was ignored, for the trace. */
export type H2DropReason =
  | 'unknown-frame-type'
  | 'after-reset' // on a stream we reset (§5.1 closed: "MUST ignore")
  | 'after-goaway' // a new stream above the last stream id of our GOAWAY (§6.8)
  | 'refused-stream' // over SETTINGS_MAX_CONCURRENT_STREAMS: RST_STREAM REFUSED_STREAM sent
  | 'rfc7540-priority' // PRIORITY frames and HEADERS priority fields are not acted on
  | 'closed-stream' // WINDOW_UPDATE / RST_STREAM / PRIORITY_UPDATE for a stream already closed
  | 'unexpected-ack' // SETTINGS or PING ACK that answers nothing we sent
  | 'push-stream-priority'; // PRIORITY_UPDATE naming a pushed stream (RFC 9218 §7.1)

/** Hooks for traces and inspectors; called synchronously, must not call back into the machine. */
export interface Http2Observer {
  frame?(direction: 'sent' | 'received', header: FrameHeader, frame: Frame): void;
  stream?(streamId: number, from: StreamState, to: StreamState, event: StreamEvent): void;
  drop?(reason: H2DropReason, header: FrameHeader): void;
}

export interface RequestOptions {
  /** No request body: END_STREAM on HEADERS. */
  readonly endStream?: boolean;
  /** Marks a HEAD request so the response may announce a length without content. */
  readonly head?: boolean;
}

type ClosedHow = 'reset-local' | 'reset-remote' | 'ended';

const DEFAULT_OUTPUT_BUDGET = 65536;
const MAX_OUTSTANDING_PINGS = 16;

export class Http2Connection {
  readonly role: 'client' | 'server';
  readonly limits: Http2Limits;
  state: ConnectionState = 'idle';
  /** The peer's settings as applied so far. */
  remoteSettings: Settings = INITIAL_SETTINGS;
  observer: Http2Observer | undefined;

  private readonly reader: FrameReader;
  private readonly encoder: HpackEncoder;
  private readonly decoder: HpackDecoder;
  private readonly streams = new Map<number, H2Stream>();
  private readonly closed = new Map<number, ClosedHow>();
  private readonly scheduler = new PriorityScheduler<H2Stream>();
  private readonly pendingPriorities = new Map<number, Priority>();
  private events: Http2Event[] = [];
  private out = new ByteWriter(1024);
  private queuedControl = 0;

  /** Settings we sent and the peer has not acknowledged yet, oldest first, with send time. */
  private readonly unacked: { settings: LocalSettings; sentAt: Time }[] = [];
  /** Settings the peer has acknowledged (what the HPACK decoder and windows follow). */
  private acked: LocalSettings = RFC_INITIAL_LOCAL;
  /** The latest settings we announced (or will announce in `initiate`). */
  private wanted: LocalSettings;
  private gotPeerSettings = false;
  private block: HeaderBlock | null = null;

  private connSendWindow = INITIAL_SETTINGS.initialWindowSize;
  private connRecvWindow = INITIAL_SETTINGS.initialWindowSize;
  private connUnacked = 0;
  /** Receive window given to new streams (the larger of acked and pending values, see `updateSettings`). */
  private streamRecvInitial: number;

  private nextLocalStreamId: number;
  private lastPeerStreamId = 0;
  private activeLocal = 0;
  private activePeer = 0;
  private goawaySent: { lastStreamId: number; errorCode: number } | null = null;
  private goawayReceived: { lastStreamId: number } | null = null;
  private readonly pings = new Map<string, Time>();
  private readonly resets: RateWindow;
  private readonly emptyFrames: RateWindow;
  private now: Time = 0;

  constructor(options: Http2ConnectionOptions) {
    const { settings, limits } = resolveOptions(options);
    this.role = options.role;
    this.wanted = settings;
    this.limits = limits;
    this.streamRecvInitial = INITIAL_SETTINGS.initialWindowSize;
    this.reader = new FrameReader({
      expectPreface: this.role === 'server',
      maxFrameSize: INITIAL_SETTINGS.maxFrameSize,
    });
    this.encoder = new HpackEncoder({
      huffman: options.hpack?.huffman,
      indexing: options.hpack?.indexing,
      tableSizeLimit: options.hpack?.encoderTableSizeLimit ?? 4096,
    });
    this.decoder = new HpackDecoder({
      maxTableSize: INITIAL_SETTINGS.headerTableSize,
      maxHeaderListSize: settings.maxHeaderListSize,
      // A string cannot be longer than the block that carries it (Huffman: 8/5 of it), and
      // blocks are capped, so this only makes sure an over-long header takes the 431 path.
      maxStringLength: Math.ceil((limits.maxHeaderBlockSize * 8) / 5),
    });
    this.nextLocalStreamId = this.role === 'client' ? 1 : 2;
    this.resets = new RateWindow(limits.maxResetsPerWindow, limits.resetWindow);
    this.emptyFrames = new RateWindow(limits.maxEmptyFramesPerWindow, limits.resetWindow);
  }

  // ---------------------------------------------------------------- starting, input

  /** Queues the connection preface (client) and our SETTINGS, plus the connection window. */
  initiate(now: Time): void {
    if (this.state !== 'idle') throw new NetlabError('h2-misuse', 'initiate() was already called');
    this.now = now;
    this.state = 'open';
    if (this.role === 'client') this.out.bytes(CLIENT_PREFACE);
    // SETTINGS_NO_RFC7540_PRIORITIES = 1: we use RFC 9218 priorities only (RFC 9218 §2.1).
    this.sendSettings(this.wanted, now, [[0x9, 1]]);
    const raise = this.limits.connectionWindowSize - this.connRecvWindow;
    if (raise > 0) {
      this.connRecvWindow += raise;
      this.writeFrame({ type: 'WINDOW_UPDATE', streamId: 0, increment: raise });
    }
  }

  get isClosed(): boolean {
    return this.state === 'closed';
  }

  /** Processes received bytes. Events and output accumulate; take them afterwards. */
  receive(bytes: Uint8Array, now: Time): void {
    this.now = now;
    if (this.state === 'closed' || this.state === 'idle') return;
    this.reader.push(bytes);
    for (;;) {
      if (this.isClosed) return;
      const r = this.reader.next();
      if (r === null) return;
      if (r instanceof H2Error) {
        this.fail(r);
        continue;
      }
      this.observer?.frame?.('received', r.header, r.frame);
      const err = this.process(r.header, r.frame);
      if (err) this.fail(err);
      if (this.queuedControl > this.limits.maxQueuedControlFrames) {
        this.fail(
          connectionError(
            'control-flood',
            'the peer makes us queue frames it does not read',
            'ENHANCE_YOUR_CALM',
          ),
        );
      }
    }
  }

  /** The transport ended (the peer closed, or the connection broke). */
  receiveEnd(now: Time): void {
    this.now = now;
    if (this.state === 'closed') return;
    this.closeAll(ErrorCode.CANCEL, 'remote', 'connection closed');
    this.finish();
  }

  /** The events produced so far, oldest first. */
  takeEvents(): Http2Event[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  // ---------------------------------------------------------------- output

  /** Whether `takeOutput` would return bytes now. */
  get wantsWrite(): boolean {
    return this.out.length > 0 || (this.state !== 'closed' && this.scheduler.any((s) => this.canSend(s)));
  }

  /**
   * The next bytes to send: control frames and header blocks as queued, then DATA frames
   * chosen by priority within the flow-control windows, up to about `budget` octets.
   * Null when there is nothing to send.
   */
  takeOutput(budget = DEFAULT_OUTPUT_BUDGET): Uint8Array | null {
    if (this.state !== 'closed') {
      while (this.out.length < budget) {
        const s = this.scheduler.next((x) => this.canSend(x));
        if (!s) break;
        this.emitData(s, budget - this.out.length);
      }
    }
    if (this.out.length === 0) return null;
    const bytes = this.out.peek();
    this.out = new ByteWriter(Math.min(Math.max(1024, bytes.length), DEFAULT_OUTPUT_BUDGET + 1024));
    this.queuedControl = 0;
    return bytes;
  }

  /** When `handleTimeout` must be called next (the SETTINGS acknowledgement deadline). */
  pollAt(): Time | undefined {
    const first = this.unacked[0];
    if (!first || this.state === 'closed' || this.limits.settingsTimeout === 0) return undefined;
    return first.sentAt + this.limits.settingsTimeout;
  }

  handleTimeout(now: Time): void {
    this.now = now;
    const at = this.pollAt();
    if (at !== undefined && now >= at) {
      this.fail(
        connectionError('settings-timeout', 'the peer did not acknowledge our SETTINGS', 'SETTINGS_TIMEOUT'),
      );
    }
  }

  // ---------------------------------------------------------------- commands

  /** The settings this side announced last (in force once acknowledged). */
  get localSettings(): LocalSettings {
    return this.wanted;
  }

  /** Whether a new request (client) can open a stream now. */
  get canOpenStream(): boolean {
    return (
      this.role === 'client' &&
      this.state === 'open' &&
      this.activeLocal <
        (this.gotPeerSettings
          ? this.remoteSettings.maxConcurrentStreams
          : this.limits.initialPeerMaxConcurrentStreams) &&
      this.nextLocalStreamId <= 0x7fff_ffff
    );
  }

  /** Streams created so far, both sides, pushes included. */
  get streamsOpened(): number {
    return this.opened;
  }

  private opened = 0;

  /** Streams this side opened that are still active. */
  get activeLocalStreams(): number {
    return this.activeLocal;
  }

  /** Client: opens a stream with a request header list. Returns the stream id. */
  request(headers: readonly HeaderField[], options: RequestOptions = {}): number {
    if (this.role !== 'client') throw new NetlabError('h2-misuse', 'only a client sends requests');
    if (!this.canOpenStream) {
      throw new NetlabError(
        'h2-cannot-open',
        `cannot open a stream (state ${this.state}, ${this.activeLocal} active)`,
      );
    }
    const id = this.nextLocalStreamId;
    this.nextLocalStreamId += 2;
    const s = this.newStream(id, false);
    s.headRequest = options.head === true;
    this.sendHeaderBlock(s, headers, options.endStream === true);
    return id;
  }

  /** Sends response headers (server), or any header section on a stream we may send on. */
  respond(streamId: number, headers: readonly HeaderField[], endStream = false): void {
    const s = this.sendable(streamId, 'send-headers');
    if (!s) return;
    if (s.outBytes > 0 || s.endQueued)
      throw new NetlabError('h2-misuse', 'headers after queued data: use sendTrailers');
    this.sendHeaderBlock(s, headers, endStream);
  }

  /**
   * Queues body octets; they leave as windows and priorities allow. `endStream` ends
   * the stream after them. Returns false when the stream is gone (reset meanwhile).
   */
  sendData(streamId: number, data: Uint8Array, endStream = false): boolean {
    const s = this.sendable(streamId, 'send-data');
    if (!s) return false;
    if (s.endQueued) throw new NetlabError('h2-misuse', `stream ${streamId} already ended`);
    if (data.length > 0) {
      s.out.push(data);
      s.outBytes += data.length;
    }
    if (endStream) s.endQueued = true;
    if (s.hasOutput) this.scheduler.add(s);
    return true;
  }

  /** Ends the stream with a trailer section after the queued data. */
  sendTrailers(streamId: number, trailers: readonly HeaderField[]): boolean {
    const s = this.sendable(streamId, 'send-data');
    if (!s) return false;
    if (s.endQueued) throw new NetlabError('h2-misuse', `stream ${streamId} already ended`);
    s.trailers = trailers;
    s.endQueued = true;
    this.scheduler.add(s);
    return true;
  }

  /** Octets queued on a stream and not yet sent (for the adapter's back-pressure). */
  bufferedAmount(streamId: number): number {
    return this.streams.get(streamId)?.outBytes ?? 0;
  }

  /** What the peer's windows let us send on a stream right now. */
  sendWindow(streamId: number): number {
    const s = this.streams.get(streamId);
    return s ? Math.max(0, Math.min(s.sendWindow, this.connSendWindow)) : 0;
  }

  /**
   * Server push (§8.4): promises a response to `requestHeaders` on stream `parentId`.
   * Returns the promised stream id (send its response with `respond`), or 0 when the
   * client disabled push, its concurrency limit is reached, or the parent cannot carry it.
   */
  push(parentId: number, requestHeaders: readonly HeaderField[]): number {
    if (this.role !== 'server') throw new NetlabError('h2-misuse', 'only a server pushes');
    const parent = this.streams.get(parentId);
    if (
      !parent ||
      parent.pushed ||
      (parent.state !== 'open' && parent.state !== 'half-closed-remote') ||
      parent.endQueued ||
      !this.remoteSettings.enablePush ||
      this.state !== 'open' ||
      this.activeLocal >= this.remoteSettings.maxConcurrentStreams ||
      this.nextLocalStreamId > 0x7fff_ffff
    ) {
      return 0;
    }
    const id = this.nextLocalStreamId;
    this.nextLocalStreamId += 2;
    const s = this.newStream(id, true);
    this.transition(s, 'send-push-promise');
    const block = this.encoder.encode(requestHeaders);
    this.writeBlock('PUSH_PROMISE', parentId, block, false, id);
    return id;
  }

  /** Resets a stream (RST_STREAM, §6.4), dropping anything queued on it. */
  resetStream(streamId: number, errorCode: number = ErrorCode.CANCEL): void {
    const s = this.streams.get(streamId);
    if (!s || this.state === 'closed') return;
    this.reset(s, errorCode, 'local', undefined);
  }

  /** Returns `n` consumed octets of a stream's data to the peer's windows (WINDOW_UPDATE). */
  consume(streamId: number, n: number): void {
    if (n <= 0 || this.state === 'closed') return;
    this.connUnacked += n;
    if (this.connUnacked >= this.limits.connectionWindowSize / 2) {
      this.connRecvWindow += this.connUnacked;
      this.writeFrame({ type: 'WINDOW_UPDATE', streamId: 0, increment: this.connUnacked });
      this.connUnacked = 0;
    }
    const s = this.streams.get(streamId);
    if (!s || s.state === 'half-closed-remote' || s.state === 'closed') return;
    s.unacked += n;
    if (s.unacked >= this.streamRecvInitial / 2) {
      s.recvWindow += s.unacked;
      this.writeFrame({ type: 'WINDOW_UPDATE', streamId, increment: s.unacked });
      s.unacked = 0;
    }
  }

  /** Sends a PING (§6.7); its ACK becomes a 'ping-ack' event with the round trip. */
  ping(now: Time, data: Uint8Array = new Uint8Array(8)): void {
    if (data.length !== 8) throw new NetlabError('h2-misuse', 'PING data is 8 octets');
    if (this.state === 'closed') return;
    // Outstanding PINGs are bounded: the oldest unanswered one is forgotten beyond 16.
    if (this.pings.size >= MAX_OUTSTANDING_PINGS) this.pings.delete(this.pings.keys().next().value!);
    this.pings.set(pingKey(data), now);
    this.writeFrame({ type: 'PING', ack: false, data });
  }

  /** Changes our settings (a new SETTINGS frame, applied fully once acknowledged). */
  updateSettings(changes: Partial<LocalSettings>, now: Time): void {
    if (this.state === 'closed' || this.state === 'idle') return;
    this.sendSettings({ ...this.wanted, ...changes }, now);
  }

  /**
   * Graceful shutdown (§6.8): GOAWAY with the last stream we will process. Streams
   * below it finish; then the connection closes. With an error code other than
   * NO_ERROR the connection ends at once.
   */
  goAway(errorCode: number = ErrorCode.NO_ERROR, debug = ''): void {
    if (this.state === 'closed' || this.state === 'idle') return;
    if (errorCode !== ErrorCode.NO_ERROR) {
      this.fail(
        new H2Error(
          'local-goaway',
          debug || 'closed by the application',
          errorCode,
          'connection',
          0,
          'local',
        ),
      );
      return;
    }
    this.sendGoaway(errorCode, debug);
    this.state = 'going-away';
    this.maybeFinish();
  }

  /** Client: changes a request's priority with PRIORITY_UPDATE (RFC 9218 §7.1). */
  setPriority(streamId: number, priority: Priority, fieldValue: string): void {
    const s = this.streams.get(streamId);
    if (s) s.priority = priority;
    if (this.role === 'client' && this.state !== 'closed') {
      this.writeFrame({ type: 'PRIORITY_UPDATE', prioritizedStreamId: streamId, fieldValue });
    }
  }

  /** The state of a stream ('idle' when unknown and not yet used, 'closed' when gone). */
  streamState(streamId: number): StreamState {
    const s = this.streams.get(streamId);
    if (s) return s.state;
    return this.isIdle(streamId) ? 'idle' : 'closed';
  }

  /** The HPACK dynamic tables, for the inspector. */
  get hpack(): { readonly encoder: HpackEncoder; readonly decoder: HpackDecoder } {
    return { encoder: this.encoder, decoder: this.decoder };
  }

  // ---------------------------------------------------------------- frame processing

  private process(h: FrameHeader, f: Frame): H2Error | undefined {
    if (!this.gotPeerSettings && (f.type !== 'SETTINGS' || f.ack)) {
      return connectionError(
        'settings-expected',
        'the first frame must be SETTINGS (§3.4)',
        'PROTOCOL_ERROR',
      );
    }
    if (this.block && (f.type !== 'CONTINUATION' || f.streamId !== this.block.streamId)) {
      return connectionError(
        'continuation-expected',
        `${f.type} inside a header block (§6.10)`,
        'PROTOCOL_ERROR',
      );
    }
    switch (f.type) {
      case 'DATA':
        return this.onData(h, f);
      case 'HEADERS':
        return this.onHeaders(h, f);
      case 'PRIORITY':
        return this.onPriority(h, f);
      case 'RST_STREAM':
        return this.onRst(h, f);
      case 'SETTINGS':
        return this.onSettings(h, f);
      case 'PUSH_PROMISE':
        return this.onPushPromise(f);
      case 'PING':
        return this.onPing(h, f);
      case 'GOAWAY':
        return this.onGoaway(f);
      case 'WINDOW_UPDATE':
        return this.onWindowUpdate(h, f);
      case 'CONTINUATION':
        return this.onContinuation(f);
      case 'PRIORITY_UPDATE':
        return this.onPriorityUpdate(h, f);
      case 'UNKNOWN':
        this.observer?.drop?.('unknown-frame-type', h);
        return undefined;
    }
  }

  private onData(h: FrameHeader, f: DataFrame): H2Error | undefined {
    const length = h.length;
    this.connRecvWindow -= length;
    if (this.connRecvWindow < 0) {
      return connectionError('flow-control', 'DATA beyond the connection window', 'FLOW_CONTROL_ERROR');
    }
    if (length === 0 && !f.endStream && this.emptyFrames.hit(this.now)) {
      return connectionError('empty-frame-flood', 'too many empty DATA frames', 'ENHANCE_YOUR_CALM');
    }
    const s = this.streams.get(f.streamId);
    if (!s) {
      if (this.isIdle(f.streamId))
        return connectionError('data-on-idle', 'DATA on an idle stream', 'PROTOCOL_ERROR');
      this.returnToConnection(length);
      return this.onClosedStream(h, 'DATA');
    }
    const next = nextStreamState(s.state, 'recv-data');
    if (!next) {
      this.returnToConnection(length);
      return this.violation(s, 'DATA');
    }
    s.recvWindow -= length;
    if (s.recvWindow < 0) {
      this.returnToConnection(length);
      return streamError('flow-control', 'DATA beyond the stream window', 'FLOW_CONTROL_ERROR', s.id);
    }
    // Padding never reaches the application: return it at once (§6.9.1 counts it).
    const padding = length - f.data.length;
    if (padding > 0) this.consume(s.id, padding);
    s.receivedLength += f.data.length;
    let bad: H2Error | undefined;
    if (this.role === 'client' && !s.headReceived) {
      bad = streamError('malformed', 'DATA before the response headers', 'PROTOCOL_ERROR', s.id);
    } else if (s.expectedLength !== undefined && s.receivedLength > s.expectedLength) {
      bad = streamError('malformed', 'more DATA than content-length', 'PROTOCOL_ERROR', s.id);
    } else if (f.endStream) {
      bad = this.checkEndLength(s);
    }
    if (bad) {
      // The data will never reach the application: give the connection window back.
      this.returnToConnection(f.data.length);
      return bad;
    }
    if (f.data.length > 0 || f.endStream) {
      this.events.push({ type: 'data', streamId: s.id, data: f.data, endStream: f.endStream });
    }
    if (f.endStream) this.transition(s, 'recv-end-stream');
    return undefined;
  }

  private onHeaders(h: FrameHeader, f: HeadersFrame): H2Error | undefined {
    if (f.priority && f.priority.dependency !== f.streamId) this.observer?.drop?.('rfc7540-priority', h);
    return this.startBlock(f);
  }

  private onPushPromise(f: PushPromiseFrame): H2Error | undefined {
    if (this.role === 'server')
      return connectionError('push-to-server', 'PUSH_PROMISE sent to a server', 'PROTOCOL_ERROR');
    if (!this.wanted.enablePush) {
      return connectionError('push-disabled', 'PUSH_PROMISE with SETTINGS_ENABLE_PUSH = 0', 'PROTOCOL_ERROR');
    }
    return this.startBlock(f);
  }

  private startBlock(f: HeadersFrame | PushPromiseFrame): H2Error | undefined {
    const block = new HeaderBlock(f);
    const tooBig = block.check(this.limits);
    if (tooBig) return tooBig;
    if (!f.endHeaders) {
      this.block = block;
      return undefined;
    }
    return this.finishBlock(block);
  }

  private onContinuation(f: ContinuationFrame): H2Error | undefined {
    const block = this.block;
    if (!block) {
      return connectionError(
        'unexpected-continuation',
        'CONTINUATION without a header block',
        'PROTOCOL_ERROR',
      );
    }
    const err = block.append(f.fragment, this.limits);
    if (err) return err;
    if (!f.endHeaders) return undefined;
    this.block = null;
    return this.finishBlock(block);
  }

  /** Decodes a complete header block (always: the HPACK context must stay in step). */
  private finishBlock(block: HeaderBlock): H2Error | undefined {
    const decoded = this.decoder.decode(block.bytes());
    let fields: HeaderField[] | null;
    if (decoded instanceof ProtocolError) {
      if (!isRecoverableHpackError(decoded)) {
        return connectionError(`hpack-${decoded.code}`, decoded.message, 'COMPRESSION_ERROR');
      }
      fields = null;
    } else {
      fields = decoded;
    }
    if (block.selfDependent) {
      // Decoded for the HPACK context's sake; the stream itself is refused. A new stream
      // counts as opened (then reset), so later frames on it are ignored, not errors.
      if (this.isPeerInitiated(block.streamId) && this.isIdle(block.streamId))
        this.lastPeerStreamId = block.streamId;
      return streamError(
        'self-dependency',
        'a stream cannot depend on itself (§5.3.1)',
        'PROTOCOL_ERROR',
        block.streamId,
      );
    }
    return block.kind === 'headers'
      ? this.onHeaderList(block.streamId, fields, block.endStream)
      : this.onPushList(block.streamId, block.promisedStreamId, fields);
  }

  /** A complete, decoded HEADERS section; `fields` is null when the list was too large. */
  private onHeaderList(id: number, fields: HeaderField[] | null, endStream: boolean): H2Error | undefined {
    let s = this.streams.get(id);
    if (!s) {
      if (!this.isPeerInitiated(id)) {
        if (this.isIdle(id))
          return connectionError('bad-stream-id', `HEADERS on idle stream ${id}`, 'PROTOCOL_ERROR');
        return this.onClosedStream({ length: 0, type: FrameType.HEADERS, flags: 0, streamId: id }, 'HEADERS');
      }
      if (id <= this.lastPeerStreamId) {
        return this.onClosedStream({ length: 0, type: FrameType.HEADERS, flags: 0, streamId: id }, 'HEADERS');
      }
      if (this.role === 'client') {
        return connectionError(
          'bad-stream-id',
          `HEADERS on stream ${id} with no PUSH_PROMISE`,
          'PROTOCOL_ERROR',
        );
      }
      // A new request stream.
      if (this.goawaySent && id > this.goawaySent.lastStreamId) {
        this.observer?.drop?.('after-goaway', { length: 0, type: FrameType.HEADERS, flags: 0, streamId: id });
        return undefined;
      }
      this.lastPeerStreamId = id;
      if (this.activePeer >= this.localSettings.maxConcurrentStreams) {
        this.observer?.drop?.('refused-stream', {
          length: 0,
          type: FrameType.HEADERS,
          flags: 0,
          streamId: id,
        });
        this.writeControl({ type: 'RST_STREAM', streamId: id, errorCode: ErrorCode.REFUSED_STREAM });
        this.remember(id, 'reset-local');
        return undefined;
      }
      s = this.newStream(id, false);
      this.transition(s, 'recv-headers');
      const pending = this.pendingPriorities.get(id);
      if (pending) {
        this.pendingPriorities.delete(id);
        s.priority = pending;
      }
      if (fields === null) return this.tooLarge(s, endStream);
      const head = checkRequest(fields);
      if (typeof head === 'string') return streamError('malformed', head, 'PROTOCOL_ERROR', id);
      s.headReceived = true;
      s.expectedLength = head.contentLength;
      const priorityField = fields.find((f) => f.name === 'priority');
      if (priorityField && !pending) s.priority = parsePriority(priorityField.value);
      this.events.push({
        type: 'headers',
        streamId: id,
        kind: 'request',
        headers: fields,
        endStream,
        priority: s.priority,
      });
      if (endStream) {
        const bad = this.checkEndLength(s);
        if (bad) return bad;
        this.transition(s, 'recv-end-stream');
      }
      return undefined;
    }
    if (!nextStreamState(s.state, 'recv-headers')) return this.violation(s, 'HEADERS');
    if (fields === null) return this.tooLarge(s, endStream);
    const reservedRemote = s.state === 'reserved-remote';
    if (reservedRemote) this.transition(s, 'recv-headers');
    if (this.role === 'client' && !s.headReceived) {
      const head = checkResponse(fields);
      if (typeof head === 'string') return streamError('malformed', head, 'PROTOCOL_ERROR', id);
      if (head.status < 200) {
        if (head.status === 101 || endStream) {
          return streamError('malformed', `bad informational response ${head.status}`, 'PROTOCOL_ERROR', id);
        }
        this.events.push({
          type: 'headers',
          streamId: id,
          kind: 'informational',
          headers: fields,
          endStream: false,
        });
        return undefined;
      }
      s.headReceived = true;
      const noContent = s.headRequest || head.status === 204 || head.status === 304;
      s.expectedLength = noContent ? 0 : head.contentLength;
      this.events.push({ type: 'headers', streamId: id, kind: 'response', headers: fields, endStream });
    } else {
      // Trailers (§8.1): they end the stream and carry no pseudo-headers.
      if (!endStream)
        return streamError('malformed', 'a second header section without END_STREAM', 'PROTOCOL_ERROR', id);
      const bad = checkTrailers(fields);
      if (bad) return streamError('malformed', bad, 'PROTOCOL_ERROR', id);
      this.events.push({ type: 'headers', streamId: id, kind: 'trailers', headers: fields, endStream: true });
    }
    if (endStream) {
      const bad = this.checkEndLength(s);
      if (bad) return bad;
      this.transition(s, 'recv-end-stream');
    }
    return undefined;
  }

  /** The header list exceeded SETTINGS_MAX_HEADER_LIST_SIZE (§10.5.1): 431 or reset. */
  private tooLarge(s: H2Stream, endStream: boolean): H2Error | undefined {
    if (this.role === 'server' && !s.headReceived && nextStreamState(s.state, 'send-headers')) {
      s.headReceived = true;
      if (endStream) this.transition(s, 'recv-end-stream');
      this.events.push({ type: 'request-rejected', streamId: s.id, status: 431 });
      this.sendHeaderBlock(s, [{ name: ':status', value: '431' }], true);
      if (this.streams.has(s.id)) this.reset(s, ErrorCode.NO_ERROR, 'local', 'header list too large');
      return undefined;
    }
    return streamError(
      'header-list-too-large',
      'header list above SETTINGS_MAX_HEADER_LIST_SIZE',
      'CANCEL',
      s.id,
    );
  }

  private onPushList(
    parentId: number,
    promisedId: number,
    fields: HeaderField[] | null,
  ): H2Error | undefined {
    const parent = this.streams.get(parentId);
    if (!parent || (parent.state !== 'open' && parent.state !== 'half-closed-local')) {
      return connectionError(
        'bad-push-parent',
        `PUSH_PROMISE on stream ${parentId} in a closed state`,
        'PROTOCOL_ERROR',
      );
    }
    if (promisedId % 2 !== 0 || promisedId <= this.lastPeerStreamId) {
      return connectionError('bad-promised-id', `promised stream id ${promisedId}`, 'PROTOCOL_ERROR');
    }
    this.lastPeerStreamId = promisedId;
    const s = this.newStream(promisedId, true);
    this.transition(s, 'recv-push-promise');
    if (fields === null) {
      return streamError('header-list-too-large', 'pushed request headers too large', 'CANCEL', promisedId);
    }
    const head = checkRequest(fields);
    if (typeof head === 'string') return streamError('malformed', head, 'PROTOCOL_ERROR', promisedId);
    // §8.4: promised requests are safe, cacheable and without content.
    if ((head.method !== 'GET' && head.method !== 'HEAD') || (head.contentLength ?? 0) > 0) {
      return streamError('bad-push', `cannot push a ${head.method} request`, 'PROTOCOL_ERROR', promisedId);
    }
    s.headRequest = head.method === 'HEAD';
    this.events.push({
      type: 'push-promise',
      streamId: parentId,
      promisedStreamId: promisedId,
      headers: fields,
    });
    return undefined;
  }

  private onPriority(h: FrameHeader, f: PriorityFrame): H2Error | undefined {
    if (f.priority.dependency === f.streamId) {
      return streamError(
        'self-dependency',
        'a stream cannot depend on itself (§5.3.1)',
        'PROTOCOL_ERROR',
        f.streamId,
      );
    }
    this.observer?.drop?.('rfc7540-priority', h);
    return undefined;
  }

  private onRst(h: FrameHeader, f: RstStreamFrame): H2Error | undefined {
    if (this.resets.hit(this.now)) {
      return connectionError(
        'rapid-reset',
        'too many RST_STREAM frames (CVE-2023-44487)',
        'ENHANCE_YOUR_CALM',
      );
    }
    const s = this.streams.get(f.streamId);
    if (!s) {
      if (this.isIdle(f.streamId))
        return connectionError('rst-on-idle', 'RST_STREAM on an idle stream', 'PROTOCOL_ERROR');
      this.observer?.drop?.('closed-stream', h);
      return undefined;
    }
    this.closeStream(s, 'recv-rst', 'reset-remote', { errorCode: f.errorCode, by: 'remote' });
    return undefined;
  }

  private onSettings(_h: FrameHeader, f: SettingsFrame): H2Error | undefined {
    if (f.ack) {
      const done = this.unacked.shift();
      if (!done) {
        this.observer?.drop?.('unexpected-ack', _h);
        return undefined;
      }
      this.acked = done.settings;
      this.decoder.setMaxTableSize(done.settings.headerTableSize);
      this.reader.maxFrameSize = Math.max(done.settings.maxFrameSize, this.pendingMax('maxFrameSize'));
      // Decreases of the stream window apply now (increases applied when sent).
      const target = Math.max(done.settings.initialWindowSize, this.pendingMax('initialWindowSize'));
      if (target < this.streamRecvInitial) {
        const delta = target - this.streamRecvInitial;
        for (const s of this.streams.values()) s.recvWindow += delta;
        this.streamRecvInitial = target;
      }
      this.events.push({ type: 'settings-acked', settings: this.settingsView(done.settings) });
      return undefined;
    }
    if (this.role === 'client' && f.settings.some(([id, v]) => id === 0x2 && v !== 0)) {
      return connectionError(
        'server-enable-push',
        'a server sent SETTINGS_ENABLE_PUSH = 1',
        'PROTOCOL_ERROR',
      );
    }
    const next = applySettings(this.remoteSettings, f.settings);
    const delta = next.initialWindowSize - this.remoteSettings.initialWindowSize;
    if (delta !== 0) {
      for (const s of this.streams.values()) {
        s.sendWindow += delta;
        if (s.sendWindow > MAX_WINDOW_SIZE) {
          return connectionError(
            'window-overflow',
            'SETTINGS_INITIAL_WINDOW_SIZE overflows a window',
            'FLOW_CONTROL_ERROR',
          );
        }
      }
    }
    if (next.headerTableSize !== this.remoteSettings.headerTableSize || !this.gotPeerSettings) {
      this.encoder.setPeerMaxTableSize(next.headerTableSize);
    }
    this.remoteSettings = next;
    this.gotPeerSettings = true;
    this.writeControl({ type: 'SETTINGS', ack: true, settings: [] });
    this.events.push({ type: 'settings', settings: next });
    return undefined;
  }

  private onPing(h: FrameHeader, f: PingFrame): H2Error | undefined {
    if (!f.ack) {
      this.writeControl({ type: 'PING', ack: true, data: f.data.slice() });
      return undefined;
    }
    const key = pingKey(f.data);
    const sentAt = this.pings.get(key);
    if (sentAt === undefined) {
      this.observer?.drop?.('unexpected-ack', h);
      return undefined;
    }
    this.pings.delete(key);
    this.events.push({ type: 'ping-ack', data: f.data.slice(), rtt: this.now - sentAt });
    return undefined;
  }

  private onGoaway(f: GoawayFrame): H2Error | undefined {
    const previous = this.goawayReceived;
    if (previous && f.lastStreamId > previous.lastStreamId) {
      return connectionError(
        'goaway-increased',
        'a GOAWAY raised its last stream id (§6.8)',
        'PROTOCOL_ERROR',
      );
    }
    this.goawayReceived = { lastStreamId: f.lastStreamId };
    this.events.push({
      type: 'goaway',
      lastStreamId: f.lastStreamId,
      errorCode: f.errorCode,
      debugData: f.debugData.slice(),
    });
    for (const s of [...this.streams.values()]) {
      if (!this.isPeerInitiated(s.id) && s.id > f.lastStreamId) {
        this.closeStream(s, 'recv-rst', 'reset-remote', {
          errorCode: ErrorCode.REFUSED_STREAM,
          by: 'remote',
          reason: 'not processed (GOAWAY)',
        });
      }
    }
    if (this.state === 'open') this.state = 'going-away';
    if (f.errorCode !== ErrorCode.NO_ERROR) {
      this.closeAll(f.errorCode, 'remote', 'connection error from the peer');
      this.finish();
      return undefined;
    }
    this.maybeFinish();
    return undefined;
  }

  private onWindowUpdate(h: FrameHeader, f: WindowUpdateFrame): H2Error | undefined {
    if (f.streamId === 0) {
      this.connSendWindow += f.increment;
      if (this.connSendWindow > MAX_WINDOW_SIZE) {
        return connectionError('window-overflow', 'connection window above 2^31-1', 'FLOW_CONTROL_ERROR');
      }
      return undefined;
    }
    const s = this.streams.get(f.streamId);
    if (!s) {
      if (this.isIdle(f.streamId))
        return connectionError('window-on-idle', 'WINDOW_UPDATE on an idle stream', 'PROTOCOL_ERROR');
      this.observer?.drop?.('closed-stream', h);
      return undefined;
    }
    s.sendWindow += f.increment;
    if (s.sendWindow > MAX_WINDOW_SIZE) {
      return streamError('window-overflow', 'stream window above 2^31-1', 'FLOW_CONTROL_ERROR', s.id);
    }
    return undefined;
  }

  private onPriorityUpdate(h: FrameHeader, f: PriorityUpdateFrame): H2Error | undefined {
    if (this.role === 'client') {
      return connectionError(
        'priority-update-to-client',
        'PRIORITY_UPDATE sent by a server',
        'PROTOCOL_ERROR',
      );
    }
    const id = f.prioritizedStreamId;
    if (!this.isPeerInitiated(id)) {
      this.observer?.drop?.('push-stream-priority', h);
      return undefined;
    }
    const s = this.streams.get(id);
    if (s) {
      s.priority = parsePriority(f.fieldValue, s.priority);
      this.events.push({ type: 'priority-update', streamId: id, priority: s.priority });
      return undefined;
    }
    if (this.isIdle(id)) {
      if (this.pendingPriorities.size >= this.limits.maxPendingPriorities) {
        return connectionError(
          'priority-flood',
          'too many PRIORITY_UPDATEs for idle streams',
          'PROTOCOL_ERROR',
        );
      }
      this.pendingPriorities.set(id, parsePriority(f.fieldValue));
      return undefined;
    }
    this.observer?.drop?.('closed-stream', h);
    return undefined;
  }

  // ---------------------------------------------------------------- stream helpers

  private isPeerInitiated(id: number): boolean {
    return (id % 2 === 1) === (this.role === 'server');
  }

  private isIdle(id: number): boolean {
    return this.isPeerInitiated(id) ? id > this.lastPeerStreamId : id >= this.nextLocalStreamId;
  }

  private newStream(id: number, pushed: boolean): H2Stream {
    this.opened++;
    const s = new H2Stream(id, this.remoteSettings.initialWindowSize, this.streamRecvInitial, pushed);
    this.streams.set(id, s);
    return s;
  }

  private transition(s: H2Stream, event: StreamEvent): void {
    const from = s.state;
    const to = nextStreamState(from, event);
    if (!to) throw new NetlabError('h2-illegal-transition', `stream ${s.id}: ${event} in ${from}`);
    const wasActive = isActive(from);
    s.state = to;
    const nowActive = isActive(to);
    if (wasActive !== nowActive) {
      const delta = nowActive ? 1 : -1;
      if (this.isPeerInitiated(s.id)) this.activePeer += delta;
      else this.activeLocal += delta;
    }
    this.observer?.stream?.(s.id, from, to, event);
    if (to === 'closed' && from !== 'closed') {
      this.streams.delete(s.id);
      this.scheduler.delete(s);
      this.remember(
        s.id,
        event === 'send-rst' ? 'reset-local' : event === 'recv-rst' ? 'reset-remote' : 'ended',
      );
      if (event !== 'send-rst' && event !== 'recv-rst')
        this.events.push({ type: 'stream-closed', streamId: s.id });
      this.maybeFinish();
    }
  }

  private closeStream(
    s: H2Stream,
    event: 'send-rst' | 'recv-rst',
    _how: ClosedHow,
    reset: { errorCode: number; by: 'local' | 'remote'; reason?: string },
  ): void {
    s.clearOut();
    this.scheduler.delete(s);
    // Data the application has not consumed yet still counts against the connection window.
    this.events.push({ type: 'stream-closed', streamId: s.id, reset });
    this.transition(s, event);
  }

  private reset(s: H2Stream, errorCode: number, by: 'local', reason: string | undefined): void {
    this.writeControl({ type: 'RST_STREAM', streamId: s.id, errorCode });
    this.closeStream(s, 'send-rst', 'reset-local', reason ? { errorCode, by, reason } : { errorCode, by });
  }

  private remember(id: number, how: ClosedHow): void {
    this.closed.set(id, how);
    if (this.closed.size > this.limits.closedStreamMemory) {
      this.closed.delete(this.closed.keys().next().value!);
    }
  }

  /** A frame on a stream that is no longer open (§5.1 "closed"). */
  private onClosedStream(h: FrameHeader, what: string): H2Error | undefined {
    const how = this.closed.get(h.streamId);
    if (how === 'reset-local') {
      this.observer?.drop?.('after-reset', h);
      return undefined;
    }
    if (how === undefined && what === 'HEADERS') {
      // A stream id below one already used that was never opened (or long forgotten):
      // "an unexpected stream identifier" (§5.1.1).
      return connectionError('bad-stream-id', `HEADERS on unused stream ${h.streamId}`, 'PROTOCOL_ERROR');
    }
    return streamError(
      'stream-closed',
      `${what} on closed stream ${h.streamId}`,
      'STREAM_CLOSED',
      h.streamId,
    );
  }

  private violation(s: H2Stream, what: string): H2Error {
    const v = receiveViolation(s.state);
    const message = `${what} on stream ${s.id} in state ${s.state}`;
    return v.scope === 'stream'
      ? streamError('stream-closed', message, v.errorCode, s.id)
      : connectionError('bad-state', message, v.errorCode);
  }

  private checkEndLength(s: H2Stream): H2Error | undefined {
    if (s.expectedLength !== undefined && s.receivedLength !== s.expectedLength) {
      return streamError(
        'malformed',
        `content-length ${s.expectedLength}, got ${s.receivedLength}`,
        'PROTOCOL_ERROR',
        s.id,
      );
    }
    return undefined;
  }

  private returnToConnection(n: number): void {
    if (n > 0) this.consume(0, n);
  }

  /** The stream if we may `event` on it now; undefined when it was reset meanwhile. */
  private sendable(streamId: number, event: StreamEvent): H2Stream | undefined {
    if (this.state === 'closed') return undefined;
    const s = this.streams.get(streamId);
    if (!s) {
      if (this.isIdle(streamId)) throw new NetlabError('h2-misuse', `stream ${streamId} is not open`);
      return undefined;
    }
    if (!nextStreamState(s.state, event)) {
      throw new NetlabError('h2-misuse', `cannot ${event} on stream ${streamId} in state ${s.state}`);
    }
    return s;
  }

  // ---------------------------------------------------------------- sending

  private sendHeaderBlock(s: H2Stream, headers: readonly HeaderField[], endStream: boolean): void {
    const block = this.encoder.encode(headers);
    this.transition(s, 'send-headers');
    this.writeBlock('HEADERS', s.id, block, endStream, 0);
    if (endStream) this.transition(s, 'send-end-stream');
  }

  /** A header block as HEADERS/PUSH_PROMISE plus CONTINUATIONs, contiguous (§4.3). */
  private writeBlock(
    type: 'HEADERS' | 'PUSH_PROMISE',
    streamId: number,
    block: Uint8Array,
    endStream: boolean,
    promisedStreamId: number,
  ): void {
    const max = this.remoteSettings.maxFrameSize - (type === 'PUSH_PROMISE' ? 4 : 0);
    const first = block.subarray(0, max);
    const endHeaders = block.length <= max;
    if (type === 'HEADERS') {
      this.writeFrame({ type, streamId, endStream, endHeaders, fragment: first });
    } else {
      this.writeFrame({ type, streamId, promisedStreamId, endHeaders, fragment: first });
    }
    for (let at = max; at < block.length; at += this.remoteSettings.maxFrameSize) {
      const end = Math.min(block.length, at + this.remoteSettings.maxFrameSize);
      this.writeFrame({
        type: 'CONTINUATION',
        streamId,
        endHeaders: end === block.length,
        fragment: block.subarray(at, end),
      });
    }
  }

  private sendSettings(wanted: LocalSettings, now: Time, extra: SettingPair[] = []): void {
    const pairs = [
      ...settingsPairs(
        this.settingsView(wanted),
        this.settingsView(this.wanted === wanted ? this.acked : this.wanted),
      ),
      ...extra,
    ];
    this.wanted = wanted;
    this.unacked.push({ settings: wanted, sentAt: now });
    // Lenient receiving: increases apply as soon as they are announced, decreases on ACK.
    if (wanted.initialWindowSize > this.streamRecvInitial) {
      const delta = wanted.initialWindowSize - this.streamRecvInitial;
      for (const s of this.streams.values()) s.recvWindow += delta;
      this.streamRecvInitial = wanted.initialWindowSize;
    }
    if (wanted.maxFrameSize > this.reader.maxFrameSize) this.reader.maxFrameSize = wanted.maxFrameSize;
    if (wanted.maxHeaderListSize !== this.decoder.maxHeaderListSize)
      this.decoder.maxHeaderListSize = wanted.maxHeaderListSize;
    this.writeFrame({ type: 'SETTINGS', ack: false, settings: pairs });
  }

  private pendingMax(key: 'maxFrameSize' | 'initialWindowSize'): number {
    let m = 0;
    for (const u of this.unacked) m = Math.max(m, u.settings[key]);
    return m;
  }

  private settingsView(s: LocalSettings): Settings {
    return {
      headerTableSize: s.headerTableSize,
      enablePush: s.enablePush,
      maxConcurrentStreams: s.maxConcurrentStreams,
      initialWindowSize: s.initialWindowSize,
      maxFrameSize: s.maxFrameSize,
      maxHeaderListSize: s.maxHeaderListSize,
      noRfc7540Priorities: false,
    };
  }

  private canSend(s: H2Stream): boolean {
    if (s.outBytes === 0) return s.endQueued; // END_STREAM / trailers need no window
    return s.sendWindow > 0 && this.connSendWindow > 0;
  }

  /** Emits one DATA frame (or the trailers / final empty frame) for `s`. */
  private emitData(s: H2Stream, room: number): void {
    if (s.outBytes > 0) {
      const n = Math.min(
        s.outBytes,
        s.sendWindow,
        this.connSendWindow,
        this.remoteSettings.maxFrameSize,
        Math.max(room - FRAME_HEADER_LENGTH, 1),
      );
      const data = s.takeOut(n);
      s.sendWindow -= data.length;
      this.connSendWindow -= data.length;
      const last = s.outBytes === 0 && s.endQueued && s.trailers === null;
      this.writeFrame({ type: 'DATA', streamId: s.id, endStream: last, data });
      if (last) {
        s.endQueued = false;
        this.scheduler.delete(s);
        this.transition(s, 'send-end-stream');
        return;
      }
    } else if (s.endQueued) {
      const trailers = s.trailers;
      s.endQueued = false;
      s.trailers = null;
      this.scheduler.delete(s);
      if (trailers) {
        this.writeBlock('HEADERS', s.id, this.encoder.encode(trailers), true, 0);
      } else {
        this.writeFrame({ type: 'DATA', streamId: s.id, endStream: true, data: EMPTY });
      }
      this.transition(s, 'send-end-stream');
      return;
    }
    if (!s.hasOutput) this.scheduler.delete(s);
  }

  private writeFrame(frame: Frame): void {
    const w = this.out;
    const start = w.length;
    writeFrame(w, frame);
    if (this.observer?.frame) {
      const b = w.peek();
      const header = {
        length: (b[start]! << 16) | (b[start + 1]! << 8) | b[start + 2]!,
        type: b[start + 3]!,
        flags: b[start + 4]!,
        streamId: frameStreamOf(frame),
      };
      this.observer.frame('sent', header, frame);
    }
  }

  /** A frame the peer caused (ACKs, resets): counted against the control-frame flood limit. */
  private writeControl(frame: Frame): void {
    this.queuedControl++;
    this.writeFrame(frame);
  }

  private sendGoaway(errorCode: number, debug: string): void {
    const lastStreamId = this.lastPeerStreamId;
    this.goawaySent = { lastStreamId, errorCode };
    const debugData = new Uint8Array(debug.length);
    for (let i = 0; i < debug.length; i++) debugData[i] = debug.charCodeAt(i) & 0x7f;
    this.writeFrame({ type: 'GOAWAY', lastStreamId, errorCode, debugData });
  }

  // ---------------------------------------------------------------- errors, closing

  /** A stream error resets the stream; a connection error sends GOAWAY and ends everything. */
  private fail(err: H2Error): void {
    if (this.state === 'closed') return;
    if (err.scope === 'stream') {
      const s = this.streams.get(err.streamId);
      if (s) {
        this.reset(s, err.errorCode, 'local', `${err.code}: ${err.message}`);
      } else if (this.isIdle(err.streamId)) {
        // RST_STREAM must not be sent on an idle stream (§6.4): the error is the connection's.
        this.fail(new H2Error(err.code, err.message, err.errorCode, 'connection', 0, err.side));
      } else {
        this.writeControl({ type: 'RST_STREAM', streamId: err.streamId, errorCode: err.errorCode });
        this.remember(err.streamId, 'reset-local');
      }
      return;
    }
    this.sendGoaway(err.errorCode, err.message);
    this.events.push({ type: 'connection-error', error: err });
    this.closeAll(err.errorCode, 'local', err.message);
    this.finish();
  }

  private closeAll(errorCode: number, by: 'local' | 'remote', reason: string): void {
    for (const s of [...this.streams.values()]) {
      s.clearOut();
      this.events.push({ type: 'stream-closed', streamId: s.id, reset: { errorCode, by, reason } });
      this.streams.delete(s.id);
      this.scheduler.delete(s);
    }
    this.activeLocal = this.activePeer = 0;
  }

  private maybeFinish(): void {
    if (this.state === 'going-away' && this.streams.size === 0) this.finish();
  }

  private finish(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.block = null;
    this.events.push({ type: 'closed' });
  }
}

/** Before any SETTINGS is acknowledged, the peer assumes the RFC's initial values (§6.5.2). */
const RFC_INITIAL_LOCAL: LocalSettings = {
  headerTableSize: INITIAL_SETTINGS.headerTableSize,
  enablePush: INITIAL_SETTINGS.enablePush,
  maxConcurrentStreams: INITIAL_SETTINGS.maxConcurrentStreams,
  initialWindowSize: INITIAL_SETTINGS.initialWindowSize,
  maxFrameSize: INITIAL_SETTINGS.maxFrameSize,
  maxHeaderListSize: INITIAL_SETTINGS.maxHeaderListSize,
};

const EMPTY = new Uint8Array(0);

function pingKey(data: Uint8Array): string {
  let k = '';
  for (const b of data) k += String.fromCharCode(b);
  return k;
}

function frameStreamOf(frame: Frame): number {
  return 'streamId' in frame ? frame.streamId : 0;
}

/** For tests and the inspector: the flags a frame type defines. */
export const FRAME_FLAGS = Flag;
/** For callers mapping names to codes. */
export function errorCodeOf(name: ErrorCodeName): number {
  return ErrorCode[name];
}
