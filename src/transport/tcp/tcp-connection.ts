/**
 * One TCP connection as a sans-I/O machine (RFC 9293 §3.10, "Event Processing"): it is
 * fed segments, user calls and timer expiries, each with the current time, and answers
 * through its host with segments to transmit and events (state changes, data readable,
 * buffer space, errors, trace samples). It never touches the network, a clock, a timer or
 * randomness: the ISN and timestamp offset come in at construction, `deadline` says when
 * the host must call `onTimer` next.
 *
 * States move only through the table of tcp-state.ts. Segment processing follows RFC 9293
 * §3.10.7 in order, hardened as RFC 5961 says (RST must hit RCV.NXT exactly, an in-window
 * SYN or RST gets a challenge ACK, ACKs of data never sent are dropped), with PAWS
 * (RFC 7323 §5), and with Linux's acceptance of segments that end at the left window edge
 * (so a simultaneous-open SYN-ACK and old pure ACKs are not answered with duplicate ACKs).
 * The sending side (reliability, congestion control, loss recovery) is tcp-sender.ts, the
 * receiving side (window, reassembly, delayed ACKs) is tcp-receiver.ts.
 *
 * Left out: the urgent pointer (never acted on), keep-alives (RFC 9293 §3.8.4 makes them
 * optional), TCP Fast Open, and data on SYN segments (accepted as RFC 9293 allows only
 * after the handshake: a SYN's data is dropped and retransmitted by the peer).
 */
import { DOUBLE_FIELD, MILLISECOND, type Time } from '../../sim/time.ts';
import type { StreamErrorCode } from '../byte-stream.ts';
import type { TcpDropReason } from '../trace-events.ts';
import type { TcpConfig } from './tcp-config.ts';
import { TCP_DEFAULT_MSS } from './tcp-config.ts';
import {
  type MutableTcpOptions,
  NO_OPTIONS,
  type SackBlock,
  type TcpOptions,
  tcpOptions,
} from './tcp-options.ts';
import { TcpReceiver } from './tcp-receiver.ts';
import { TcpFlag, type TcpSegment } from './tcp-segment.ts';
import { type RetransmitReason, type SendChoice, TcpSender } from './tcp-sender.ts';
import { seqDiff } from './tcp-seq.ts';
import { nextTcpState, type TcpState, type TcpStateEvent, TcpStateError } from './tcp-state.ts';

/** A segment for the host to put on the wire; the object is reused, copy what you keep. */
export interface TcpSegmentOut {
  seq: number;
  ack: number;
  flags: number;
  window: number;
  options: TcpOptions;
  /** Data: `dataLength` bytes of the stream from `dataOffset`, copied with `copyData`. */
  dataOffset: number;
  dataLength: number;
}

/** What the machine asks of whoever runs it (the socket adapter, or a test). */
export interface TcpConnectionHost {
  transmit(segment: TcpSegmentOut): void;
  onStateChange(from: TcpState, to: TcpState, cause: TcpStateEvent): void;
  /** Data (or the end of the stream) became readable. */
  onReadable(): void;
  /** Send-buffer space was freed. */
  onWritable(): void;
  /** The connection failed; the state changes to CLOSED right after. */
  onFailed(code: StreamErrorCode): void;
  onRetransmit(seq: number, length: number, reason: RetransmitReason): void;
  onCwnd(cwnd: number, ssthresh: number): void;
  onRtt(sample: Time, srtt: Time, rttvar: Time, rto: Time): void;
  onDrop(reason: TcpDropReason, segment: TcpSegment): void;
}

export interface TcpConnectionInit {
  readonly config: TcpConfig;
  /** Initial send sequence number (RFC 9293 §3.4.1; from the node's seeded random). */
  readonly iss: number;
  /** Added to the millisecond clock for TSval (RFC 7323 §5.4 recommends a random offset). */
  readonly tsOffset: number;
  readonly host: TcpConnectionHost;
}

/** Max SACK blocks per segment: 3 beside a timestamp, 4 without (RFC 2018 §3). */
const SACK_WITH_TS = 3;
const SACK_WITHOUT_TS = 4;

export class TcpConnection {
  state: TcpState = 'CLOSED';
  readonly sender: TcpSender;
  readonly receiver: TcpReceiver;
  readonly config: TcpConfig;
  /** Both sides agreed on timestamps / SACK / window scaling in the handshake. */
  timestamps = false;
  sack = false;
  windowScaling = false;
  /** The MSS the peer announced. */
  peerMss = TCP_DEFAULT_MSS;
  /** The user closed the socket: nobody reads any more, FIN-WAIT-2 is timed. */
  orphaned = false;
  /** Opened by a SYN to a listener. */
  passive = false;
  /** Time-wait and orphaned FIN-WAIT-2 deadlines, or -1. */
  timeWaitAt: Time = DOUBLE_FIELD;
  finWait2At: Time = DOUBLE_FIELD;
  private synRetries = 0;
  private readonly host: TcpConnectionHost;
  private readonly tsOffset: number;
  private readonly ourShift: number;
  private readonly out: TcpSegmentOut;
  private readonly ts = { value: 0, echoReply: 0 };
  private readonly dataOptions: MutableTcpOptions = tcpOptions();
  private lastCwnd = 0;
  private lastSsthresh = 0;
  private now: Time = DOUBLE_FIELD;

  constructor(init: TcpConnectionInit) {
    this.timeWaitAt = -1;
    this.finWait2At = -1;
    this.now = 0;
    this.config = init.config;
    this.host = init.host;
    this.tsOffset = init.tsOffset >>> 0;
    const c = init.config;
    this.sender = new TcpSender(c, init.iss, Math.min(c.mss, TCP_DEFAULT_MSS));
    this.receiver = new TcpReceiver(c.receiveBuffer, c.mss);
    this.ourShift = c.windowScaling ? TcpReceiver.shiftFor(c.receiveBuffer) : 0;
    this.out = {
      seq: 0,
      ack: 0,
      flags: 0,
      window: 0,
      options: this.dataOptions,
      dataOffset: 0,
      dataLength: 0,
    };
  }

  // ---- the user's calls -----------------------------------------------------------------

  /** Active OPEN: send a SYN. */
  connect(now: Time): void {
    this.now = now;
    this.move('active-open');
    this.sendSyn(false, false);
  }

  /** A SYN reached a listener and this connection answers it (the listener's clone, in LISTEN). */
  acceptSyn(syn: TcpSegment, now: Time): void {
    this.now = now;
    this.passive = true;
    this.state = 'LISTEN';
    this.receiver.irs = syn.seq;
    this.negotiate(syn.options, true);
    this.sender.wnd = syn.window;
    this.sender.maxWnd = syn.window;
    this.sender.wl1 = 0;
    this.sender.wl2 = 0;
    this.move('rcv-syn');
    this.sendSyn(true, false);
  }

  /** Takes as much of `data[start..end)` into the send buffer as fits; returns the bytes taken. */
  write(data: Uint8Array, now: Time, start = 0, end = data.length): number {
    this.now = now;
    if (!this.canWrite) return 0;
    const n = this.sender.buffer.append(data, start, end);
    if (n > 0) this.output(now);
    return n;
  }

  /** Whether the user may still write (the connection is open and not shut down). */
  get canWrite(): boolean {
    const s = this.state;
    return (
      !this.sender.finQueued &&
      (s === 'ESTABLISHED' || s === 'CLOSE-WAIT' || s === 'SYN-SENT' || s === 'SYN-RECEIVED')
    );
  }

  /** Send-buffer space the user can fill now. */
  get writableBytes(): number {
    return this.canWrite ? this.sender.buffer.free : 0;
  }

  /** Up to `max` received bytes; null at the end of the stream; undefined when nothing is there yet. */
  read(max: number, now: Time): Uint8Array | null | undefined {
    this.now = now;
    const r = this.receiver;
    if (r.buffer.readable > 0) {
      const bytes = r.buffer.read(max);
      this.afterRead(now);
      return bytes;
    }
    return r.finReceived ? null : undefined;
  }

  /** Like `read`, into the caller's buffer; -1 at the end of the stream, 0 when nothing is there. */
  readInto(out: Uint8Array, now: Time): number {
    this.now = now;
    const r = this.receiver;
    if (r.buffer.readable > 0) {
      const n = r.buffer.readInto(out);
      this.afterRead(now);
      return n;
    }
    return r.finReceived ? -1 : 0;
  }

  private afterRead(now: Time): void {
    if (this.receiver.windowUpdateDue(this.config.mss) && this.state !== 'CLOSED') {
      this.receiver.ackNow = true;
      this.output(now);
    }
  }

  /** In-order bytes waiting to be read. */
  get readableBytes(): number {
    return this.receiver.buffer.readable;
  }

  /** The peer closed its side and everything before the FIN was read. */
  get atEnd(): boolean {
    return this.receiver.finReceived && this.receiver.buffer.readable === 0;
  }

  /** SHUTDOWN of the write side (CLOSE in RFC 9293 terms): a FIN follows the queued data. */
  shutdown(now: Time): void {
    this.now = now;
    if (this.sender.finQueued) return;
    switch (this.state) {
      case 'SYN-SENT':
        this.move('close');
        return;
      case 'ESTABLISHED':
      case 'CLOSE-WAIT':
        this.sender.finQueued = true;
        this.move('close');
        this.output(now);
        return;
      case 'SYN-RECEIVED':
        // RFC 9293 §3.10.4: queued until ESTABLISHED (see onEstablished).
        this.sender.finQueued = true;
        return;
      default:
        return;
    }
  }

  /** CLOSE of the socket: shut down writing, and nobody will read again. */
  close(now: Time): void {
    this.orphaned = true;
    this.shutdown(now);
    if (this.state === 'FIN-WAIT-2') this.finWait2At = now + this.config.finWait2Timeout;
  }

  /** ABORT (RFC 9293 §3.10.5): a RST where the peer has a connection, then CLOSED. */
  abort(now: Time): void {
    this.now = now;
    const s = this.state;
    if (s === 'CLOSED') return;
    if (
      s === 'SYN-RECEIVED' ||
      s === 'ESTABLISHED' ||
      s === 'FIN-WAIT-1' ||
      s === 'FIN-WAIT-2' ||
      s === 'CLOSE-WAIT'
    ) {
      this.sendControl(this.sender.wire(this.sender.nxt), this.receiver.nxtWire, TcpFlag.RST | TcpFlag.ACK);
    }
    this.move('abort');
  }

  /** Copies stream bytes for a segment being transmitted (see TcpSegmentOut). */
  copyData(dataOffset: number, length: number, out: Uint8Array, at: number): void {
    this.sender.buffer.copyOut(dataOffset, length, out, at);
  }

  // ---- timers -----------------------------------------------------------------------------

  /** The earliest time `onTimer` must be called, or -1 when no timer runs. */
  get deadline(): Time {
    if (this.state === 'CLOSED') return -1;
    let d = this.timeWaitAt;
    const f = this.finWait2At;
    if (f >= 0 && (d < 0 || f < d)) d = f;
    const a = this.receiver.delackAt;
    if (a >= 0 && (d < 0 || a < d)) d = a;
    const r = this.sender.rtoAt;
    if (r >= 0 && (d < 0 || r < d)) d = r;
    const p = this.sender.persistAt;
    if (p >= 0 && (d < 0 || p < d)) d = p;
    return d;
  }

  onTimer(now: Time): void {
    this.now = now;
    if (this.state === 'CLOSED') return;
    if (this.timeWaitAt >= 0 && now >= this.timeWaitAt) {
      this.timeWaitAt = -1;
      this.move('timeout');
      return;
    }
    if (this.finWait2At >= 0 && now >= this.finWait2At) {
      this.finWait2At = -1;
      if (this.state === 'FIN-WAIT-2') {
        this.move('timeout');
        return;
      }
    }
    const r = this.receiver;
    if (r.delackAt >= 0 && now >= r.delackAt) {
      r.delackAt = -1;
      r.ackNow = true;
    }
    const s = this.sender;
    if (s.rtoAt >= 0 && now >= s.rtoAt) {
      this.onRto(now);
      if ((this.state as TcpState) === 'CLOSED') return;
    }
    if (s.persistAt >= 0 && now >= s.persistAt) {
      const c = s.probe();
      if (c) this.transmitChoice(c, now);
    }
    this.output(now);
  }

  private onRto(now: Time): void {
    const s = this.sender;
    if (this.state === 'SYN-SENT' || this.state === 'SYN-RECEIVED') {
      s.rtoAt = -1;
      const limit = this.state === 'SYN-SENT' ? this.config.synRetries : this.config.synAckRetries;
      if (this.synRetries >= limit) {
        if (this.state === 'SYN-SENT' || !this.passive) this.host.onFailed('timed-out');
        this.move('give-up');
        return;
      }
      this.synRetries++;
      s.rtt.backOff();
      this.sendSyn(this.state === 'SYN-RECEIVED', true);
      this.host.onRetransmit(s.iss, 0, 'rto');
      return;
    }
    if (!s.onRtoExpired(now, this.config.dataRetries)) {
      this.host.onFailed('timed-out');
      this.move('give-up');
      return;
    }
    this.traceCwnd();
  }

  // ---- segment arrival ---------------------------------------------------------------------

  /** A segment for this connection arrived (its checksum and options already verified). */
  segmentArrived(seg: TcpSegment, now: Time): void {
    this.now = now;
    if (this.state === 'SYN-SENT') this.synSentArrival(seg, now);
    else if (this.fastPath(seg, now)) {
      // handled
    } else if (this.state !== 'CLOSED' && this.state !== 'LISTEN') this.synchronizedArrival(seg, now);
    if (this.state !== 'CLOSED') this.output(now);
  }

  /**
   * Header prediction (Van Jacobson's 4.3BSD fast path, Linux's tcp_rcv_established): in
   * ESTABLISHED, a segment with just ACK (and PSH), exactly at RCV.NXT, with a fresh
   * timestamp, no SACK blocks and the same window is almost always either a pure ACK of
   * new data outside loss recovery or the next in-order data acknowledging nothing new.
   * Those two are handled here with the same effect as the full path; everything else
   * takes RFC 9293 §3.10.7.4 step by step.
   */
  private fastPath(seg: TcpSegment, now: Time): boolean {
    if (this.state !== 'ESTABLISHED' || (seg.flags & ~TcpFlag.PSH) !== TcpFlag.ACK) return false;
    const r = this.receiver;
    const s = this.sender;
    if (seg.seq !== r.nxtWire) return false;
    const o = seg.options;
    if (o.sack !== undefined) return false;
    let tsVal = 0;
    if (this.timestamps) {
      const ts = o.timestamps;
      if (!ts || ((ts.value - r.tsRecent) | 0) < 0) return false;
      tsVal = ts.value;
    }
    if (seg.window * 2 ** s.shift !== s.wnd) return false;
    const ackOff = s.una + seqDiff(seg.ack, s.wire(s.una));
    const len = seg.payload.length;
    const segStart = r.nxtOffset;
    if (len === 0) {
      if (ackOff <= s.una || !s.ackInRange(ackOff) || s.lossState !== 'open') return false;
      if (this.timestamps) r.updateTsRecent(tsVal, segStart);
      s.updateWindow(segStart, ackOff, s.wnd);
      this.takeAck(ackOff, now);
      return true;
    }
    if (ackOff !== s.una || r.buffer.hasOutOfOrder || r.buffer.nxt + len > r.advRight) return false;
    if (this.timestamps) r.updateTsRecent(tsVal, segStart);
    s.updateWindow(segStart, ackOff, s.wnd);
    const res = r.buffer.insert(r.buffer.nxt, seg.payload, 0, len);
    r.onInOrderData(len, res.advanced, now, this.config.delayedAck, this.config.delayedAckTimeout);
    this.host.onReadable();
    return true;
  }

  /** RFC 9293 §3.10.7.3. */
  private synSentArrival(seg: TcpSegment, now: Time): void {
    const f = seg.flags;
    const s = this.sender;
    const hasAck = (f & TcpFlag.ACK) !== 0;
    const ackOff = seqDiff(seg.ack, s.iss);
    if (hasAck && (ackOff <= 0 || ackOff > s.nxt)) {
      if (!(f & TcpFlag.RST)) this.sendControl(seg.ack, 0, TcpFlag.RST);
      this.host.onDrop('bad-ack', seg);
      return;
    }
    if (f & TcpFlag.RST) {
      if (!hasAck) {
        this.host.onDrop('out-of-window', seg);
        return;
      }
      this.host.onFailed('connection-refused');
      this.move('rcv-rst');
      return;
    }
    if (!(f & TcpFlag.SYN)) {
      this.host.onDrop('no-syn', seg);
      return;
    }
    const r = this.receiver;
    r.irs = seg.seq;
    this.negotiate(seg.options, false);
    if (hasAck) {
      s.wnd = seg.window; // never scaled in a SYN (RFC 7323 §2.2)
      s.maxWnd = seg.window;
      s.wl1 = 0;
      s.wl2 = ackOff;
      this.takeAck(ackOff, now);
      if (this.timestamps && seg.options.timestamps) r.updateTsRecent(seg.options.timestamps.value, 0);
      r.ackNow = true;
      this.move('rcv-syn-ack');
      this.onEstablished(now);
      return;
    }
    // Simultaneous open (RFC 9293 §3.5, Figure 7): answer with SYN-ACK, our SYN again.
    s.wnd = seg.window;
    s.maxWnd = seg.window;
    s.wl1 = 0;
    s.wl2 = 0;
    this.move('rcv-syn');
    this.sendSyn(true, true);
  }

  /** RFC 9293 §3.10.7.4, for SYN-RECEIVED and every synchronized state. */
  private synchronizedArrival(seg: TcpSegment, now: Time): void {
    const f = seg.flags;
    const r = this.receiver;
    const s = this.sender;
    let segSeq = seg.seq;
    let syn = (f & TcpFlag.SYN) !== 0;
    if (this.state === 'SYN-RECEIVED' && syn && segSeq === r.irs) {
      if (!(f & TcpFlag.ACK)) {
        // The peer did not get our SYN-ACK and sent its SYN again.
        this.sendSyn(true, true);
        return;
      }
      // Simultaneous open: the peer's SYN-ACK repeats the SYN we already took.
      segSeq = (segSeq + 1) >>> 0;
      syn = false;
      r.ackNow = true;
    }
    const nxt = r.nxtOffset;
    const segStart = nxt + seqDiff(segSeq, r.nxtWire);
    const dataLen = seg.payload.length;
    const fin = (f & TcpFlag.FIN) !== 0;
    const segLen = dataLen + (syn ? 1 : 0) + (fin ? 1 : 0);
    const ts = this.timestamps ? seg.options.timestamps : undefined;
    // PAWS (RFC 7323 §5.3): a segment older than the last one seen is a duplicate.
    if (ts && r.tsRecentValid && ((ts.value - r.tsRecent) | 0) < 0 && !(f & TcpFlag.RST)) {
      r.ackNow = true;
      this.host.onDrop('paws', seg);
      return;
    }
    // First, the sequence number: the segment must overlap or touch the window.
    const wnd = r.window;
    const acceptable = segStart + segLen >= r.lastAckSent && segStart <= nxt + wnd;
    if (!acceptable) {
      if (!(f & TcpFlag.RST)) r.ackNow = true;
      this.host.onDrop(segStart + segLen <= nxt ? 'duplicate' : 'out-of-window', seg);
      return;
    }
    // Second, RST (RFC 5961 §3.2: only an exact RCV.NXT match resets; else a challenge ACK).
    if (f & TcpFlag.RST) {
      if (segStart !== nxt) {
        r.ackNow = true;
        this.host.onDrop('rst-out-of-window', seg);
        return;
      }
      const st = this.state;
      if (st === 'SYN-RECEIVED') {
        if (!this.passive) this.host.onFailed('connection-refused');
      } else if (st === 'ESTABLISHED' || st === 'FIN-WAIT-1' || st === 'FIN-WAIT-2' || st === 'CLOSE-WAIT') {
        this.host.onFailed('connection-reset');
      }
      this.move('rcv-rst');
      return;
    }
    // Fourth, SYN in the window: a challenge ACK (RFC 5961 §4, RFC 9293 §3.10.7.4).
    if (syn) {
      r.ackNow = true;
      this.host.onDrop('syn-in-window', seg);
      return;
    }
    // Fifth, the ACK field.
    if (!(f & TcpFlag.ACK)) {
      this.host.onDrop('no-ack', seg);
      return;
    }
    const ackOff = s.una + seqDiff(seg.ack, s.wire(s.una));
    if (this.state === 'SYN-RECEIVED') {
      if (ackOff < 1 || !s.ackInRange(ackOff)) {
        this.sendControl(seg.ack, 0, TcpFlag.RST);
        this.host.onDrop('bad-ack', seg);
        return;
      }
      if (ts) r.updateTsRecent(ts.value, segStart);
      s.updateWindow(segStart, ackOff, seg.window * 2 ** s.shift);
      this.takeAck(ackOff, now);
      this.move('rcv-ack-of-syn');
      this.onEstablished(now);
    } else {
      if (!s.ackInRange(ackOff)) {
        r.ackNow = true;
        this.host.onDrop('bad-ack', seg);
        return;
      }
      if (ackOff < s.una - Math.max(s.maxWnd, 1)) {
        r.ackNow = true; // RFC 5961 §5: far too old
        this.host.onDrop('bad-ack', seg);
        return;
      }
      if (ts) r.updateTsRecent(ts.value, segStart);
      if (ackOff >= s.una) {
        const windowChanged = s.updateWindow(segStart, ackOff, seg.window * 2 ** s.shift);
        const pureAck = dataLen === 0 && !fin && !windowChanged;
        const sack = this.sack && seg.options.sack ? this.sackOffsets(seg.options.sack) : null;
        this.takeAck(ackOff, now, sack, pureAck);
      }
    }
    if (s.finAcked) {
      switch (this.state) {
        case 'FIN-WAIT-1':
          this.move('rcv-ack-of-fin');
          if (this.orphaned) this.finWait2At = now + this.config.finWait2Timeout;
          break;
        case 'CLOSING':
          this.move('rcv-ack-of-fin');
          this.enterTimeWait(now);
          return;
        case 'LAST-ACK':
          this.move('rcv-ack-of-fin');
          return;
      }
    }
    if (this.state === 'TIME-WAIT') {
      // Only a retransmitted FIN can arrive: acknowledge it and restart the 2 MSL timer.
      if (fin) {
        r.ackNow = true;
        this.timeWaitAt = now + this.config.timeWait;
      }
      return;
    }
    if (dataLen > 0 || fin) this.processText(seg, segStart, dataLen, fin, now);
  }

  /** Seventh and eighth steps: the segment's data and FIN. */
  private processText(seg: TcpSegment, segStart: number, dataLen: number, fin: boolean, now: Time): void {
    const r = this.receiver;
    const st = this.state;
    if (segStart + dataLen + (fin ? 1 : 0) <= r.nxtOffset) {
      r.ackNow = true; // all old (a retransmission whose ACK was lost): acknowledge again
      return;
    }
    if (r.finReceived || !(st === 'ESTABLISHED' || st === 'FIN-WAIT-1' || st === 'FIN-WAIT-2')) return;
    if (this.orphaned && dataLen > 0 && segStart + dataLen > r.nxtOffset) {
      // RFC 1122 §4.2.2.13: new data after CLOSE cannot be delivered; a RST says it was lost.
      this.abort(now);
      return;
    }
    const dataOff = segStart - 1;
    let whole = true;
    if (dataLen > 0) {
      let len = dataLen;
      if (dataOff + len > r.advRight) {
        len = Math.max(0, r.advRight - dataOff);
        whole = false;
      }
      if (len > 0) {
        const res = r.buffer.insert(dataOff, seg.payload, 0, len);
        if (res.refused) {
          r.ackNow = true;
          this.host.onDrop('ooo-queue-full', seg);
          return;
        }
        if (res.advanced > 0) {
          r.onInOrderData(len, res.advanced, now, this.config.delayedAck, this.config.delayedAckTimeout);
          if (res.filledHole) r.ackNow = true;
          this.pendingReadable = true;
        } else {
          r.ackNow = true; // out of order or duplicate: ACK at once (RFC 5681 §4.2)
        }
      } else {
        r.ackNow = true;
        this.host.onDrop(r.window === 0 ? 'zero-window' : 'out-of-window', seg);
      }
    }
    if (fin && whole) r.finAt = dataOff + dataLen;
    if (r.finAt >= 0 && !r.finReceived && r.buffer.nxt === r.finAt) {
      r.finReceived = true;
      r.ackNow = true;
      this.pendingReadable = true;
      if (this.state === 'FIN-WAIT-2') {
        this.move('rcv-fin');
        this.enterTimeWait(now);
      } else {
        this.move('rcv-fin');
      }
    }
    if (this.pendingReadable) {
      this.pendingReadable = false;
      this.host.onReadable();
    }
  }

  private pendingReadable = false;

  private sackOffsets(blocks: readonly SackBlock[]): { start: number; end: number }[] {
    const s = this.sender;
    const base = s.wire(s.una);
    return blocks.map((b) => ({ start: s.una + seqDiff(b.left, base), end: s.una + seqDiff(b.right, base) }));
  }

  private takeAck(
    ackOff: number,
    now: Time,
    sack: { start: number; end: number }[] | null = null,
    pureAck = false,
  ): void {
    const s = this.sender;
    const freeBefore = s.buffer.free;
    const res = s.onAck(ackOff, sack, pureAck, now);
    if (res.acked > 0 && s.lastRttSample >= 0) {
      const e = s.rtt;
      this.host.onRtt(e.latest, e.srtt, e.rttvar, e.rto);
    }
    this.traceCwnd();
    if (s.buffer.free > freeBefore && this.canWrite) this.host.onWritable();
  }

  private onEstablished(now: Time): void {
    const s = this.sender;
    if (this.synRetries > 0) {
      // RFC 6298 §5.7 and RFC 5681 §3.1: a lost SYN means a 3 s RTO and a 1-segment window.
      s.rtt.resetAfterSynTimeout();
      s.cc.cwnd = s.mss;
    }
    if (s.una >= s.nxt) s.rtoAt = -1;
    this.traceCwnd();
    if (s.finQueued) {
      this.move('close');
      this.output(now);
    }
    if (this.canWrite && s.buffer.free > 0) this.host.onWritable();
  }

  private enterTimeWait(now: Time): void {
    this.timeWaitAt = now + this.config.timeWait;
    this.finWait2At = -1;
    this.sender.rtoAt = -1;
    this.sender.persistAt = -1;
  }

  /** The options of the peer's SYN decide what this connection uses (RFC 7323 §1.3, RFC 2018 §2). */
  private negotiate(o: TcpOptions, passive: boolean): void {
    const c = this.config;
    this.peerMss = o.mss ?? TCP_DEFAULT_MSS;
    this.windowScaling = c.windowScaling && o.windowScale !== undefined;
    this.sender.shift = this.windowScaling ? Math.min(o.windowScale!, 14) : 0;
    this.receiver.shift = this.windowScaling ? this.ourShift : 0;
    this.sack = c.sack && o.sackPermitted === true;
    this.sender.sackEnabled = this.sack;
    this.timestamps = c.timestamps && o.timestamps !== undefined;
    if (this.timestamps) {
      this.receiver.tsRecent = o.timestamps!.value;
      this.receiver.tsRecentValid = true;
    }
    const payload = Math.min(this.peerMss, c.mss) - (this.timestamps ? 12 : 0);
    this.sender.setMss(Math.max(1, payload));
    void passive;
  }

  /** PMTU discovery: a router said the path's MTU is `mtu` (RFC 1191). */
  pathMtuReduced(mtu: number, now: Time): void {
    const payload = Math.min(this.peerMss, mtu - 40) - (this.timestamps ? 12 : 0);
    if (payload < 1 || payload >= this.sender.mss) return;
    this.sender.onMtuReduced(payload);
    this.output(now);
  }

  /** An ICMP hard error (port/protocol unreachable) or, while connecting, any unreachable. */
  icmpError(code: StreamErrorCode, now: Time): void {
    this.now = now;
    if (this.state !== 'SYN-SENT' && this.state !== 'SYN-RECEIVED') return;
    if (this.state === 'SYN-SENT' || !this.passive) this.host.onFailed(code);
    this.move('icmp-error');
  }

  // ---- output -----------------------------------------------------------------------------

  /** Sends whatever is due: data the windows allow, retransmissions, a FIN, or an ACK. */
  output(now: Time): void {
    this.now = now;
    const st = this.state;
    if (st === 'CLOSED' || st === 'LISTEN' || st === 'SYN-SENT') return;
    const r = this.receiver;
    let sent = false;
    if (st !== 'SYN-RECEIVED' && st !== 'TIME-WAIT') {
      const s = this.sender;
      const sackRoom = this.sackRoom();
      for (let guard = 0; guard < 4096; guard++) {
        const c = s.next(s.mss - sackRoom);
        if (!c) break;
        this.transmitChoice(c, now);
        sent = true;
      }
      s.armPersist(now);
    }
    if (!sent && r.ackNow) this.sendAck();
  }

  /** Option bytes the SACK blocks of the next segment take. */
  private sackRoom(): number {
    const r = this.receiver;
    if (!this.sack || !r.buffer.hasOutOfOrder) return 0;
    return 4 + 8 * Math.min(r.buffer.intervals, this.timestamps ? SACK_WITH_TS : SACK_WITHOUT_TS);
  }

  /** Fills this segment's SACK blocks; returns the option bytes they take. */
  private sackBlocksFor(): number {
    const r = this.receiver;
    const o = this.dataOptions;
    if (!this.sack || !r.buffer.hasOutOfOrder) {
      o.sack = undefined;
      return 0;
    }
    const blocks = r.buffer.sackBlocks(this.timestamps ? SACK_WITH_TS : SACK_WITHOUT_TS);
    const base = r.irs + 1;
    // A literal filled by push, as parseTcpOptions builds its blocks: Array.prototype.map
    // makes a holey array until it is compiled and a packed one after, and each new kind
    // of array reaching the writer threw its compiled code away.
    const sack: SackBlock[] = [];
    for (const b of blocks) sack.push({ left: (base + b.start) >>> 0, right: (base + b.end) >>> 0 });
    o.sack = sack;
    return 4 + 8 * blocks.length;
  }

  private fillOptions(): void {
    const o = this.dataOptions;
    if (this.timestamps) {
      this.ts.value = this.tsNow();
      this.ts.echoReply = this.receiver.tsRecent;
      o.timestamps = this.ts;
    } else o.timestamps = undefined;
  }

  private tsNow(): number {
    return (Math.floor(this.now / MILLISECOND) + this.tsOffset) >>> 0;
  }

  private transmitChoice(c: SendChoice, now: Time): void {
    const s = this.sender;
    const r = this.receiver;
    const out = this.out;
    const dataLength = c.length - (c.fin ? 1 : 0);
    out.seq = s.wire(c.start);
    out.ack = r.nxtWire;
    let flags = TcpFlag.ACK;
    if (c.fin) flags |= TcpFlag.FIN;
    if (dataLength > 0 && c.start + dataLength >= s.dataEnd) flags |= TcpFlag.PSH;
    out.flags = flags;
    out.window = r.windowField(false, this.config.mss);
    this.sackBlocksFor();
    this.fillOptions();
    out.options = this.dataOptions;
    out.dataOffset = c.start - 1;
    out.dataLength = dataLength;
    this.host.transmit(out);
    r.onAckSent();
    s.onSent(c, now);
    if (c.retransmit && c.retransmit !== 'probe') this.host.onRetransmit(out.seq, dataLength, c.retransmit);
  }

  private sendAck(): void {
    const s = this.sender;
    const r = this.receiver;
    const out = this.out;
    this.sackBlocksFor();
    out.seq = s.wire(s.nxt);
    out.ack = r.nxtWire;
    out.flags = TcpFlag.ACK;
    out.window = r.windowField(false, this.config.mss);
    this.fillOptions();
    out.options = this.dataOptions;
    out.dataOffset = 0;
    out.dataLength = 0;
    this.host.transmit(out);
    r.onAckSent();
  }

  /** A bare control segment (RST) with the given numbers and no options. */
  private sendControl(seq: number, ack: number, flags: number): void {
    const out = this.out;
    out.seq = seq >>> 0;
    out.ack = ack >>> 0;
    out.flags = flags;
    out.window = 0;
    out.options = NO_OPTIONS;
    out.dataOffset = 0;
    out.dataLength = 0;
    this.host.transmit(out);
  }

  private sendSyn(withAck: boolean, retransmit: boolean): void {
    const c = this.config;
    const r = this.receiver;
    const out = this.out;
    const active = !this.passive;
    const options = tcpOptions({ mss: c.mss });
    if (c.sack && (active || this.sack)) options.sackPermitted = true;
    if (c.timestamps && (active || this.timestamps))
      options.timestamps = { value: this.tsNow(), echoReply: withAck ? r.tsRecent : 0 };
    if (c.windowScaling && (active || this.windowScaling)) options.windowScale = this.ourShift;
    out.seq = this.sender.iss;
    out.ack = withAck ? r.nxtWire : 0;
    out.flags = TcpFlag.SYN | (withAck ? TcpFlag.ACK : 0);
    out.window = r.windowField(true, c.mss);
    out.options = options;
    out.dataOffset = 0;
    out.dataLength = 0;
    this.host.transmit(out);
    if (withAck) r.onAckSent();
    this.sender.onSynSent(this.now, retransmit);
  }

  // ---- states -------------------------------------------------------------------------------

  private move(event: TcpStateEvent): void {
    const from = this.state;
    const to = nextTcpState(from, event);
    if (to instanceof TcpStateError) throw to;
    this.state = to;
    if (to === 'CLOSED') {
      this.sender.rtoAt = -1;
      this.sender.persistAt = -1;
      this.receiver.delackAt = -1;
      this.timeWaitAt = -1;
      this.finWait2At = -1;
    }
    this.host.onStateChange(from, to, event);
  }

  private traceCwnd(): void {
    const cc = this.sender.cc;
    if (cc.cwnd !== this.lastCwnd || cc.ssthresh !== this.lastSsthresh) {
      this.lastCwnd = cc.cwnd;
      this.lastSsthresh = cc.ssthresh;
      this.host.onCwnd(cc.cwnd, cc.ssthresh);
    }
  }
}
