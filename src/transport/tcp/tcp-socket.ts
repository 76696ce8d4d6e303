/**
 * A TCP socket: the adapter that runs one TcpConnection machine over the node's IPv4
 * stack and simulated time, and the application's handle on it. Three ways to use it,
 * the I/O models of the notes:
 *
 * - blocking style: `await read()`, `await write(data)` (the ByteStream contract every
 *   application protocol is written against, src/transport/byte-stream.ts);
 * - non-blocking: `tryRead()` / `tryWrite()` return WOULD_BLOCK instead of waiting;
 * - readiness: `readable` / `writable` and `watch(fn)`, which a Poller builds on.
 *
 * The socket owns the connection's one re-armable Timer, writes each outgoing segment
 * straight into a frame buffer (no copy beyond the payload), and turns machine events
 * into promise settlements, watcher calls and trace events ('tcp.state',
 * 'tcp.retransmit', 'tcp.cwnd', 'tcp.rtt', 'tcp.drop').
 *
 * Closing follows Linux: `close()` with unread received data resets the connection (RFC
 * 2525 §2.17); otherwise the connection finishes its FIN exchange on its own (an
 * orphaned socket), and stays listed by netstat through TIME-WAIT.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { FRAME_HEADROOM, type SendOptions } from '../../internet/ipv4-stack.ts';
import type { Deferred } from '../../sim/simulator.ts';
import type { Time } from '../../sim/time.ts';
import { Timer } from '../../sim/timer.ts';
import { type ByteStream, StreamError, type StreamEndpoint, type StreamErrorCode } from '../byte-stream.ts';
import { type Pollable, WOULD_BLOCK, type WouldBlock } from '../pollable.ts';
import type { TcpDropReason } from '../trace-events.ts';
import type { TcpConfig } from './tcp-config.ts';
import { TcpConnection, type TcpConnectionHost, type TcpSegmentOut } from './tcp-connection.ts';
import type { TcpLayer } from './tcp-layer.ts';
import type { TcpListener } from './tcp-listener.ts';
import { NO_OPTIONS } from './tcp-options.ts';
import {
  fillTcpChecksum,
  PROTOCOL_TCP,
  type TcpSegment,
  tcpHeaderLength,
  writeTcpHeader,
} from './tcp-segment.ts';
import type { RetransmitReason } from './tcp-sender.ts';
import type { TcpState, TcpStateEvent } from './tcp-state.ts';

const MESSAGES: Record<StreamErrorCode, string> = {
  'connection-reset': 'Connection reset by peer',
  'connection-refused': 'Connection refused',
  'timed-out': 'Connection timed out',
  unreachable: 'No route to host',
  'stream-closed': 'Socket is closed',
  'concurrent-read': 'read() is already pending',
};

/** What `info()` reports: a small `ss -i` / TCP_INFO. */
export interface TcpInfo {
  readonly state: TcpState;
  /** Smoothed RTT, its variation and the RTO, in ns (0 before the first sample). */
  readonly srtt: Time;
  readonly rttvar: Time;
  readonly rto: Time;
  readonly minRtt: Time;
  /** Congestion window and slow-start threshold in bytes. */
  readonly cwnd: number;
  readonly ssthresh: number;
  /** Payload bytes of a full segment this side sends. */
  readonly mss: number;
  readonly congestionControl: string;
  readonly segmentsSent: number;
  readonly retransmits: number;
  readonly bytesSent: number;
  readonly bytesRetransmitted: number;
  readonly bytesAcked: number;
  readonly bytesReceived: number;
  /** The peer's window (bytes) and our advertised one. */
  readonly sendWindow: number;
  readonly receiveWindow: number;
  readonly sack: boolean;
  readonly timestamps: boolean;
  readonly windowScaling: boolean;
}

export class TcpSocket implements ByteStream, Pollable, TcpConnectionHost {
  readonly local: StreamEndpoint;
  readonly remote: StreamEndpoint;
  readonly connection: TcpConnection;
  /** Set while the socket waits in a listener's queue (or is being set up by one). */
  listener: TcpListener | null = null;
  private readonly timer: Timer;
  private error: StreamError | null = null;
  private readWaiter: { d: Deferred<Uint8Array | null>; max: number } | null = null;
  private writeQueue: { data: Uint8Array; offset: number; d: Deferred<void> }[] = [];
  private endWaiter: Deferred<void> | null = null;
  private endRequested = false;
  private connectWaiter: Deferred<TcpSocket> | null = null;
  private userClosed = false;
  private watchers: (() => void)[] = [];
  /** Work the machine's callbacks asked for, done after its processing (never re-entrantly). */
  private pendingRead = false;
  private pendingWrite = false;
  private readonly sendOptions: SendOptions;
  private readonly header = {
    sourcePort: 0,
    destinationPort: 0,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    // The shape every segment's options have, so the field never sees a second kind.
    options: NO_OPTIONS as TcpSegmentOut['options'],
  };

  constructor(
    readonly layer: TcpLayer,
    readonly localAddress: number,
    readonly localPort: number,
    readonly remoteAddress: number,
    readonly remotePort: number,
    config: TcpConfig,
    iss: number,
    tsOffset: number,
  ) {
    this.local = { address: formatIpv4Address(localAddress), port: localPort };
    this.remote = { address: formatIpv4Address(remoteAddress), port: remotePort };
    this.connection = new TcpConnection({ config, iss, tsOffset, host: this });
    this.timer = new Timer(layer.sim, this.onTimer);
    this.sendOptions = {
      protocol: PROTOCOL_TCP,
      destination: remoteAddress,
      source: localAddress,
      dontFragment: true,
    };
    this.header.sourcePort = localPort;
    this.header.destinationPort = remotePort;
  }

  get state(): TcpState {
    return this.connection.state;
  }

  private get now(): Time {
    return this.layer.sim.now;
  }

  // ---- opening (used by the layer) -----------------------------------------------------

  /** @internal Active open; the promise settles when ESTABLISHED or failed. */
  startConnect(): Promise<TcpSocket> {
    this.connectWaiter = this.layer.sim.deferred<TcpSocket>();
    this.connection.connect(this.now);
    this.settle();
    return this.connectWaiter.promise;
  }

  /** @internal A SYN for a listener. */
  startAccept(syn: TcpSegment): void {
    this.connection.acceptSyn(syn, this.now);
    this.settle();
  }

  /** @internal A segment of this connection arrived. */
  deliver(seg: TcpSegment): void {
    this.connection.segmentArrived(seg, this.now);
    this.settle();
  }

  /** @internal An ICMP error about this connection. */
  icmp(kind: 'hard' | 'unreachable' | 'mtu', mtu: number): void {
    if (kind === 'mtu') this.connection.pathMtuReduced(mtu, this.now);
    else this.connection.icmpError(kind === 'hard' ? 'connection-refused' : 'unreachable', this.now);
    this.settle();
  }

  private readonly onTimer = (): void => {
    this.connection.onTimer(this.now);
    this.settle();
  };

  /** Re-arms the timer for the machine's next deadline and runs pending notifications. */
  private settle(): void {
    const d = this.connection.deadline;
    if (d < 0) this.timer.cancel();
    else this.timer.setAt(Math.max(d, this.now));
    this.layer.flushNotifications();
  }

  // ---- blocking style (ByteStream) --------------------------------------------------------

  read(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    if (this.error) return Promise.reject(this.error);
    if (this.userClosed) return Promise.reject(new StreamError('stream-closed', 'read after close'));
    if (this.readWaiter)
      return Promise.reject(new StreamError('concurrent-read', 'read() is already pending'));
    if (!(max >= 1)) throw new RangeError('read(max): max must be at least 1');
    const r = this.connection.read(max, this.now);
    if (r !== undefined) {
      this.settle();
      return Promise.resolve(r);
    }
    const d = this.layer.sim.deferred<Uint8Array | null>();
    this.readWaiter = { d, max };
    return d.promise;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.endRequested || this.userClosed || !this.connection.canWrite)
      return Promise.reject(new StreamError('stream-closed', 'write after end'));
    let offset = 0;
    if (this.writeQueue.length === 0) {
      offset = this.connection.write(data, this.now);
      this.settle();
      if (offset === data.length) return Promise.resolve();
    }
    const d = this.layer.sim.deferred<void>();
    this.writeQueue.push({ data: data.slice(offset), offset: 0, d });
    return d.promise;
  }

  end(): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (!this.endRequested) {
      this.endRequested = true;
      this.endWaiter = this.layer.sim.deferred<void>();
      this.drainWrites();
    }
    return this.endWaiter ? this.endWaiter.promise : Promise.resolve();
  }

  close(): void {
    if (this.userClosed) return;
    this.userClosed = true;
    if (this.connection.readableBytes > 0) {
      // Unread data: a reset tells the peer it was not delivered (RFC 2525 §2.17, Linux).
      this.abortWith('connection-reset', false);
      return;
    }
    this.endRequested = true;
    this.endWaiter ??= this.layer.sim.deferred<void>();
    this.drainWrites();
    const r = this.readWaiter;
    if (r) {
      this.readWaiter = null;
      r.d.resolve(null);
    }
  }

  abort(): void {
    this.userClosed = true;
    this.abortWith('connection-reset', true);
  }

  private abortWith(code: StreamErrorCode, rejectPending: boolean): void {
    this.connection.abort(this.now);
    if (!this.error) this.error = new StreamError(code, MESSAGES[code]);
    if (rejectPending) this.rejectAll(this.error);
    else this.rejectAll(new StreamError('stream-closed', 'socket closed'));
    this.settle();
  }

  // ---- non-blocking style -------------------------------------------------------------------

  /** Up to `max` bytes, null at the end of the stream, or WOULD_BLOCK. Throws the error of a failed connection. */
  tryRead(max = Number.POSITIVE_INFINITY): Uint8Array | null | WouldBlock {
    if (this.error) throw this.error;
    if (this.userClosed) throw new StreamError('stream-closed', 'read after close');
    if (this.readWaiter) throw new StreamError('concurrent-read', 'read() is already pending');
    const r = this.connection.read(max, this.now);
    if (r === undefined) return WOULD_BLOCK;
    this.settle();
    return r;
  }

  /** Reads into `out`; the count, -1 at the end of the stream, or WOULD_BLOCK. */
  tryReadInto(out: Uint8Array): number | WouldBlock {
    if (this.error) throw this.error;
    if (this.userClosed) throw new StreamError('stream-closed', 'read after close');
    const n = this.connection.readInto(out, this.now);
    if (n === 0) return WOULD_BLOCK;
    this.settle();
    return n;
  }

  /** Takes what fits of `data`; the count, or WOULD_BLOCK when none fits. */
  tryWrite(data: Uint8Array, start = 0, end = data.length): number | WouldBlock {
    if (this.error) throw this.error;
    if (this.endRequested || this.userClosed || !this.connection.canWrite)
      throw new StreamError('stream-closed', 'write after end');
    if (this.writeQueue.length > 0) return WOULD_BLOCK;
    const n = this.connection.write(data, this.now, start, end);
    if (n === 0 && end > start) return WOULD_BLOCK;
    this.settle();
    return n;
  }

  // ---- readiness ------------------------------------------------------------------------------

  get readable(): boolean {
    if (this.error) return true;
    const c = this.connection;
    return c.readableBytes > 0 || c.receiver.finReceived;
  }

  get writable(): boolean {
    if (this.error) return true;
    return this.writeQueue.length === 0 && this.connection.writableBytes > 0;
  }

  get failed(): boolean {
    return this.error !== null;
  }

  get hangup(): boolean {
    return this.connection.atEnd;
  }

  /** Bytes waiting to be read (netstat's Recv-Q). */
  get receiveQueue(): number {
    return this.connection.readableBytes;
  }

  /** Bytes written and not yet acknowledged (netstat's Send-Q). */
  get sendQueue(): number {
    return this.connection.sender.unackedData;
  }

  watch(fn: () => void): () => void {
    this.watchers = [...this.watchers, fn];
    return () => {
      this.watchers = this.watchers.filter((w) => w !== fn);
    };
  }

  /** @internal Called by the layer's notification flush, after the machine's processing. */
  notifyWatchers(): void {
    if (this.pendingWrite) {
      this.pendingWrite = false;
      this.drainWrites();
    }
    if (this.pendingRead) {
      this.pendingRead = false;
      this.serveRead();
    }
    for (const fn of this.watchers) fn();
  }

  /** TCP_NODELAY. */
  setNoDelay(on: boolean): void {
    this.connection.config.noDelay = on;
    if (on) {
      this.connection.output(this.now);
      this.settle();
    }
  }

  info(): TcpInfo {
    const c = this.connection;
    const s = c.sender;
    const e = s.rtt;
    return {
      state: c.state,
      srtt: e.srtt,
      rttvar: e.rttvar,
      rto: e.rto,
      minRtt: Number.isFinite(e.minRtt) ? e.minRtt : 0,
      cwnd: s.cc.cwnd,
      ssthresh: s.cc.ssthresh,
      mss: s.mss,
      congestionControl: s.cc.name,
      segmentsSent: s.segmentsSent,
      retransmits: s.retransmits,
      bytesSent: s.bytesSent,
      bytesRetransmitted: s.bytesRetransmitted,
      bytesAcked: s.bytesAcked,
      bytesReceived: c.receiver.bytesReceived,
      sendWindow: s.wnd,
      receiveWindow: c.receiver.window,
      sack: c.sack,
      timestamps: c.timestamps,
      windowScaling: c.windowScaling,
    };
  }

  // ---- pending operations ----------------------------------------------------------------------

  private drainWrites(): void {
    const c = this.connection;
    let wrote = false;
    while (this.writeQueue.length > 0) {
      const w = this.writeQueue[0]!;
      const n = c.write(w.data, this.now, w.offset);
      if (n > 0) wrote = true;
      w.offset += n;
      if (w.offset < w.data.length) break;
      this.writeQueue.shift();
      w.d.resolve();
    }
    if (wrote) this.settle();
    // A half close waits for the handshake: the FIN must follow the queued data.
    if (c.state === 'SYN-SENT' && !this.userClosed) return;
    if (this.writeQueue.length === 0 && this.endRequested && this.endWaiter) {
      if (this.userClosed) c.close(this.now);
      else c.shutdown(this.now);
      const e = this.endWaiter;
      this.endWaiter = null;
      e.resolve();
      this.settle();
    }
  }

  private serveRead(): void {
    const w = this.readWaiter;
    if (!w) return;
    const r = this.connection.read(w.max, this.now);
    if (r === undefined) return;
    this.readWaiter = null;
    w.d.resolve(r);
    if (this.connection.state !== 'CLOSED') this.settle();
  }

  private rejectAll(err: StreamError): void {
    const r = this.readWaiter;
    this.readWaiter = null;
    if (r) {
      if (this.userClosed && err.code === 'stream-closed') r.d.resolve(null);
      else r.d.reject(err);
    }
    const ws = this.writeQueue;
    this.writeQueue = [];
    for (const w of ws) w.d.reject(err);
    const e = this.endWaiter;
    this.endWaiter = null;
    e?.reject(err);
    const cw = this.connectWaiter;
    this.connectWaiter = null;
    cw?.reject(err);
  }

  // ---- TcpConnectionHost (called by the machine) --------------------------------------------------

  /** @internal */
  transmit(s: TcpSegmentOut): void {
    const h = this.header;
    h.seq = s.seq;
    h.ack = s.ack;
    h.flags = s.flags;
    h.window = s.window;
    h.options = s.options;
    const hl = tcpHeaderLength(s.options);
    const len = hl + s.dataLength;
    const frame = this.layer.frames.frame(FRAME_HEADROOM + len);
    writeTcpHeader(frame, FRAME_HEADROOM, h);
    if (s.dataLength > 0) this.connection.copyData(s.dataOffset, s.dataLength, frame, FRAME_HEADROOM + hl);
    fillTcpChecksum(frame, FRAME_HEADROOM, len, this.localAddress, this.remoteAddress);
    this.layer.ip.sendFrame(this.sendOptions, frame, len);
  }

  /** @internal */
  onStateChange(from: TcpState, to: TcpState, cause: TcpStateEvent): void {
    const sim = this.layer.sim;
    if (sim.trace.wants('tcp.state')) {
      sim.trace.emit({
        type: 'tcp.state',
        time: sim.now,
        node: this.layer.ip.node.name,
        local: this.local,
        remote: this.remote,
        from,
        to,
        cause,
      });
    }
    if (to === 'ESTABLISHED') {
      const cw = this.connectWaiter;
      this.connectWaiter = null;
      cw?.resolve(this);
      this.listener?.established(this);
      this.pendingWrite = true;
    }
    if (to === 'CLOSED') {
      this.timer.cancel();
      this.listener?.forget(this);
      this.layer.remove(this);
      if (!this.error && this.connectWaiter) {
        this.error = new StreamError('stream-closed', 'socket closed while connecting');
        this.rejectAll(this.error);
      }
      // Reads see the end of the stream (or the error) from now on.
      this.serveRead();
      const r = this.readWaiter;
      if (r) {
        this.readWaiter = null;
        r.d.resolve(null);
      }
    }
    this.layer.notify(this);
  }

  /** @internal */
  onReadable(): void {
    this.pendingRead = true;
    this.layer.notify(this);
  }

  /** @internal */
  onWritable(): void {
    this.pendingWrite = true;
    this.layer.notify(this);
  }

  /** @internal */
  onFailed(code: StreamErrorCode): void {
    if (!this.error) this.error = new StreamError(code, MESSAGES[code]);
    this.rejectAll(this.error);
    this.layer.notify(this);
  }

  /** @internal */
  onRetransmit(seq: number, length: number, reason: RetransmitReason): void {
    const sim = this.layer.sim;
    if (reason === 'probe' || !sim.trace.wants('tcp.retransmit')) return;
    sim.trace.emit({
      type: 'tcp.retransmit',
      time: sim.now,
      node: this.layer.ip.node.name,
      local: this.local,
      remote: this.remote,
      seq,
      length,
      reason,
    });
  }

  /** @internal */
  onCwnd(cwnd: number, ssthresh: number): void {
    const sim = this.layer.sim;
    if (!sim.trace.active || !sim.trace.wants('tcp.cwnd')) return;
    sim.trace.emit({
      type: 'tcp.cwnd',
      time: sim.now,
      node: this.layer.ip.node.name,
      local: this.local,
      remote: this.remote,
      cwnd,
      ssthresh,
    });
  }

  /** @internal */
  onRtt(sample: Time, srtt: Time, rttvar: Time, rto: Time): void {
    const sim = this.layer.sim;
    if (!sim.trace.active || !sim.trace.wants('tcp.rtt')) return;
    sim.trace.emit({
      type: 'tcp.rtt',
      time: sim.now,
      node: this.layer.ip.node.name,
      local: this.local,
      remote: this.remote,
      sample,
      srtt,
      rttvar,
      rto,
    });
  }

  /** @internal */
  onDrop(reason: TcpDropReason, seg: TcpSegment): void {
    this.layer.traceDrop(
      reason,
      this.remoteAddress,
      this.localAddress,
      seg.sourcePort,
      seg.destinationPort,
      seg.flags,
    );
  }
}
