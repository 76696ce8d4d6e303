/**
 * Runs an HTTP/2 connection machine over a ByteStream: the thin adapter between the
 * sans-I/O machine (connection.ts) and a transport — simulated TCP, TLS, a memory pipe or
 * a real socket. It reads, feeds the machine, writes what the machine produces, arms the
 * machine's timer on the given Clock, reports frames on the trace bus, and hands the
 * machine's events to the server or client adapter on top (server.ts, client.ts).
 *
 * Back-pressure: the read loop does not read again until the output caused by the last
 * read has been written, so a peer that sends without reading is throttled by its own
 * transport; writers of large bodies wait in `waitWritable` while their stream's queued
 * octets exceed `streamHighWater`.
 */
import type { Clock } from '../../sim/clock.ts';
import { plainDeferred } from '../../sim/plain-deferred.ts';
import type { Deferred } from '../../sim/simulator.ts';
import type { TraceBus } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import type { Http2Connection } from './connection.ts';
import type { Http2Event } from './connection-events.ts';
import { errorCodeName } from './error-codes.ts';
import { frameTypeName } from './frame.ts';
import type { H2Side } from './trace-events.ts';
import './trace-events.ts';

export interface SessionTrace {
  readonly bus: TraceBus;
  /** The node name events carry (a host name in a simulation, 'real' in real mode). */
  readonly node: string;
  /** Per-node connection number. */
  readonly connection: number;
}

export interface Http2SessionOptions {
  readonly clock: Clock;
  /** Promise factory; in a simulation `() => sim.deferred()`. Default plain promises. */
  readonly deferred?: <T>() => Deferred<T>;
  readonly trace?: SessionTrace;
  /** Largest read from the transport. Default 65536. */
  readonly readSize?: number;
  /** Octets the machine emits per write. Default 65536. */
  readonly outputBudget?: number;
  /** Queued octets per stream above which `waitWritable` waits. Default 65536. */
  readonly streamHighWater?: number;
}

export class Http2Session {
  /** Called for every machine event, in order. */
  onEvent: (event: Http2Event) => void = () => {};
  readonly clock: Clock;
  readonly deferred: <T>() => Deferred<T>;
  private readonly done: Deferred<void>;
  private flushing = false;
  private finishing = false;
  private transportClosed = false;
  private started = false;
  private timerAt: number | undefined;
  private cancelTimer: (() => void) | undefined;
  private readonly writers = new Map<number, Deferred<void>[]>();
  private readonly readSize: number;
  private readonly budget: number;
  private readonly highWater: number;
  private readonly side: H2Side;

  constructor(
    readonly conn: Http2Connection,
    readonly stream: ByteStream,
    private readonly options: Http2SessionOptions,
  ) {
    this.clock = options.clock;
    this.deferred = options.deferred ?? plainDeferred;
    this.done = this.deferred<void>();
    this.readSize = options.readSize ?? 65536;
    this.budget = options.outputBudget ?? 65536;
    this.highWater = options.streamHighWater ?? 65536;
    this.side = conn.role;
    if (options.trace) this.attachTrace(options.trace);
  }

  /** Resolves once the connection is over and the transport closed. */
  get closed(): Promise<void> {
    return this.done.promise;
  }

  /** Sends the preface and SETTINGS and starts reading. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.traceConnection('open', 0);
    this.conn.initiate(this.clock.now());
    this.kick();
    this.readLoop().catch((err: unknown) => this.internalError(err));
  }

  /** Asks for the machine's pending output to be written. */
  kick(): void {
    if (this.flushing || this.transportClosed) return;
    this.flushing = true;
    this.flushLoop().catch((err: unknown) => this.internalError(err));
  }

  /** Resolves when the stream's queued octets fall below the high-water mark (or it is gone). */
  waitWritable(streamId: number): Promise<void> {
    if (this.conn.bufferedAmount(streamId) < this.highWater || this.conn.isClosed) return Promise.resolve();
    const d = this.deferred<void>();
    const list = this.writers.get(streamId) ?? [];
    list.push(d);
    this.writers.set(streamId, list);
    return d.promise;
  }

  /** Graceful close: GOAWAY, let open streams finish, then close the transport. */
  close(): Promise<void> {
    this.conn.goAway();
    this.dispatch();
    this.kick();
    return this.closed;
  }

  /** Abortive close of the transport. */
  abort(): void {
    if (this.transportClosed) return;
    this.stream.abort();
    this.transportFailed();
  }

  private async readLoop(): Promise<void> {
    for (;;) {
      if (this.conn.isClosed || this.transportClosed) return;
      let chunk: Uint8Array | null;
      try {
        chunk = await this.stream.read(this.readSize);
      } catch {
        this.transportFailed();
        return;
      }
      if (this.transportClosed) return;
      if (chunk === null) {
        this.conn.receiveEnd(this.clock.now());
        this.dispatch();
        this.kick();
        return;
      }
      this.conn.receive(chunk, this.clock.now());
      this.dispatch();
      await this.flush();
    }
  }

  /** Writes everything pending; resolves when the transport accepted it. */
  private async flush(): Promise<void> {
    this.kick();
    while (this.flushing) {
      const d = this.deferred<void>();
      this.flushWaiters.push(d);
      await d.promise;
    }
  }

  private flushWaiters: Deferred<void>[] = [];

  private async flushLoop(): Promise<void> {
    for (;;) {
      const out = this.conn.takeOutput(this.budget);
      this.dispatch();
      this.wakeWriters();
      if (out === null) break;
      try {
        await this.stream.write(out);
      } catch {
        this.flushing = false;
        this.transportFailed();
        return;
      }
    }
    this.flushing = false;
    const waiters = this.flushWaiters;
    this.flushWaiters = [];
    for (const w of waiters) w.resolve();
    this.armTimer();
    if ((this.finishing || this.conn.isClosed) && !this.transportClosed) this.closeTransport();
  }

  private dispatch(): void {
    for (const e of this.conn.takeEvents()) {
      this.traceEvent(e);
      if (e.type === 'closed') this.finishing = true;
      this.onEvent(e);
    }
  }

  private wakeWriters(): void {
    for (const [id, list] of this.writers) {
      if (this.conn.bufferedAmount(id) < this.highWater || this.conn.isClosed) {
        this.writers.delete(id);
        for (const d of list) d.resolve();
      }
    }
  }

  private armTimer(): void {
    const at = this.conn.pollAt();
    if (at === this.timerAt) return;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = at;
    if (at === undefined || this.transportClosed) return;
    this.cancelTimer = this.clock.setTimer(Math.max(0, at - this.clock.now()), () => {
      this.timerAt = undefined;
      this.cancelTimer = undefined;
      this.conn.handleTimeout(this.clock.now());
      this.dispatch();
      this.kick();
    });
  }

  /**
   * A bug in an adapter or handler callback surfaced here: the connection ends with GOAWAY
   * INTERNAL_ERROR (RFC 9113 §7) rather than an unhandled rejection taking the process down.
   */
  private internalError(err: unknown): void {
    this.lastInternalError = err;
    this.flushing = false;
    if (!this.conn.isClosed) {
      this.conn.goAway(0x2, 'internal error');
      try {
        this.dispatch();
      } catch {
        // the adapter failed again; the transport is closed below regardless
      }
    }
    const out = this.conn.takeOutput();
    if (out && !this.transportClosed) void this.stream.write(out).catch(() => {});
    if (!this.transportClosed) this.closeTransport();
  }

  /** The last exception caught by `internalError`, for tests and debugging. */
  lastInternalError: unknown;

  private closeTransport(): void {
    this.transportClosed = true;
    this.cancelTimer?.();
    this.stream.close();
    this.traceConnection('close', this.conn.streamsOpened);
    for (const [, list] of this.writers) for (const d of list) d.resolve();
    this.writers.clear();
    this.done.resolve();
  }

  private transportFailed(): void {
    if (this.transportClosed) return;
    this.conn.receiveEnd(this.clock.now());
    this.dispatch();
    this.transportClosed = true;
    this.cancelTimer?.();
    this.flushing = false;
    for (const w of this.flushWaiters) w.resolve();
    this.flushWaiters = [];
    for (const [, list] of this.writers) for (const d of list) d.resolve();
    this.writers.clear();
    this.traceConnection('close', this.conn.streamsOpened);
    this.done.resolve();
  }

  // ---------------------------------------------------------------- tracing

  private attachTrace(t: SessionTrace): void {
    const base = () => ({ time: this.clock.now(), node: t.node, side: this.side, connection: t.connection });
    this.conn.observer = {
      frame: (direction, header) => {
        if (!t.bus.wants('h2.frame')) return;
        t.bus.emit({
          type: 'h2.frame',
          ...base(),
          direction,
          frameType: frameTypeName(header.type),
          streamId: header.streamId,
          flags: header.flags,
          length: header.length,
        });
      },
      stream: (streamId, from, to, event) => {
        if (t.bus.wants('h2.stream')) t.bus.emit({ type: 'h2.stream', ...base(), streamId, from, to, event });
      },
      drop: (reason, header) => {
        if (!t.bus.wants('h2.drop')) return;
        t.bus.emit({
          type: 'h2.drop',
          ...base(),
          reason,
          frameType: frameTypeName(header.type),
          streamId: header.streamId,
        });
      },
    };
  }

  private traceEvent(e: Http2Event): void {
    const t = this.options.trace;
    if (!t?.bus.wants('h2.error')) return;
    const base = { time: this.clock.now(), node: t.node, side: this.side, connection: t.connection };
    if (e.type === 'connection-error') {
      t.bus.emit({
        type: 'h2.error',
        ...base,
        scope: 'connection',
        streamId: 0,
        errorCode: errorCodeName(e.error.errorCode),
        by: 'local',
        reason: `${e.error.code}: ${e.error.message}`,
      });
    } else if (e.type === 'stream-closed' && e.reset && e.reset.errorCode !== 0) {
      t.bus.emit({
        type: 'h2.error',
        ...base,
        scope: 'stream',
        streamId: e.streamId,
        errorCode: errorCodeName(e.reset.errorCode),
        by: e.reset.by,
        reason: e.reset.reason ?? '',
      });
    } else if (e.type === 'goaway' && e.errorCode !== 0) {
      t.bus.emit({
        type: 'h2.error',
        ...base,
        scope: 'connection',
        streamId: 0,
        errorCode: errorCodeName(e.errorCode),
        by: 'remote',
        reason: String.fromCharCode(...e.debugData.subarray(0, 200)),
      });
    }
  }

  /** The connection's opening or closing, with the streams opened on it so far. */
  private traceConnection(phase: 'open' | 'close', streams: number): void {
    const t = this.options.trace;
    if (!t?.bus.wants('h2.connection')) return;
    t.bus.emit({
      type: 'h2.connection',
      time: this.clock.now(),
      node: t.node,
      side: this.side,
      connection: t.connection,
      phase,
      peer: `${this.stream.remote.address}:${this.stream.remote.port}`,
      streams,
    });
  }
}
