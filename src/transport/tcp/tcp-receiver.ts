/**
 * The receiving half of a TCP connection: RCV.NXT and the receive window (RFC 9293 §3.8.6),
 * segment acceptability (§3.10.7.4, "first check sequence number"), queuing in-order and
 * out-of-order data (receive-buffer.ts), the remote FIN, when to acknowledge (delayed
 * ACKs, RFC 5681 §4.2 and RFC 9293 §3.8.6.3), SACK blocks to report (RFC 2018 §4) and the
 * timestamp to echo (RFC 7323 §4.3).
 *
 * Window rules: the right edge of the offered window never moves left (RFC 9293 §3.8.6:
 * shrinking the window is strongly discouraged), and moves right only in steps of at
 * least min(buffer / 2, MSS) (receiver-side silly window syndrome avoidance, RFC 9293
 * §3.8.6.2.2, RFC 1122 §4.2.3.3). With window scaling the field is the window shifted
 * right by our scale (RFC 7323 §2.3), rounded up so the edge never shrinks; the ring has
 * 2^shift bytes of slack for that rounding.
 *
 * Positions are stream offsets of data bytes (0 = the first byte after the peer's SYN);
 * the connection converts to sequence numbers. Not a state machine of its own: the
 * connection decides when data is acceptable in its state.
 */
import { DOUBLE_FIELD, type Time } from '../../sim/time.ts';
import { ReceiveBuffer } from './receive-buffer.ts';

export class TcpReceiver {
  readonly buffer: ReceiveBuffer;
  /** The peer's initial sequence number (wire value); data offset d has sequence irs + 1 + d. */
  irs = 0;
  /** Our window scale shift, once both SYNs carried the option. */
  shift = 0;
  /** Data offset of the peer's FIN once seen (it may arrive before the data before it), else -1. */
  finAt = -1;
  /** The FIN was reached in order: RCV.NXT counts it. */
  finReceived = false;
  /** Right edge of the window we last advertised, as a data offset. */
  advRight = 0;
  /** Largest segment payload seen, for the every-second-segment ACK rule. */
  rcvMss: number;
  // ---- acknowledgment state
  /** Bytes received in order since the last ACK we sent. */
  unacked = 0;
  /** An ACK must go out at once (out-of-order data, a hole filled, a FIN, a window update...). */
  ackNow = false;
  /** When the delayed ACK timer fires, or -1. */
  delackAt: Time = DOUBLE_FIELD;
  // ---- timestamps (RFC 7323 §4.3)
  tsRecent = 0;
  tsRecentValid = false;
  /** Sequence offset of the last ACK we sent (Last.ACK.sent). */
  lastAckSent = 0;
  /** Total data bytes received in order (for stats). */
  bytesReceived = 0;

  constructor(
    readonly bufferSize: number,
    mss: number,
    /** Maximum out-of-order intervals held. */
    maxIntervals = 64,
  ) {
    this.delackAt = -1;
    // Slack of 2^14 covers the rounding of any window scale.
    this.buffer = new ReceiveBuffer(bufferSize + (1 << 14), maxIntervals);
    // Linux's tcp_initialize_rcv_mss: start from the default MSS, then learn the largest seen.
    this.rcvMss = Math.min(mss, 536);
  }

  /** The window scale shift to announce for this buffer (RFC 7323 §2.3: at most 14). */
  static shiftFor(bufferSize: number): number {
    let s = 0;
    while (s < 14 && bufferSize >> s > 0xffff) s++;
    return s;
  }

  /** RCV.NXT as a sequence offset (the SYN is offset 0). */
  get nxtOffset(): number {
    return 1 + this.buffer.nxt + (this.finReceived ? 1 : 0);
  }

  /** RCV.NXT on the wire. */
  get nxtWire(): number {
    return (this.irs + this.nxtOffset) >>> 0;
  }

  /** RCV.WND: what is left of the window we advertised. */
  get window(): number {
    return Math.max(0, this.advRight - this.buffer.nxt);
  }

  /** Free space in the application's buffer (what the window could be). */
  get free(): number {
    return Math.max(0, this.bufferSize - (this.buffer.nxt - this.buffer.readOffset));
  }

  /**
   * The Window field for the next segment, and the new right edge. SYN segments carry the
   * window unscaled (RFC 7323 §2.2).
   */
  windowField(syn: boolean, mss: number): number {
    const nxt = this.buffer.nxt;
    const current = Math.max(0, this.advRight - nxt);
    let wnd = this.free;
    if (wnd < current) wnd = current;
    else if (wnd - current < Math.min(this.bufferSize >> 1, mss) && wnd < this.bufferSize) wnd = current;
    if (syn) {
      const field = Math.min(wnd, 0xffff);
      this.advRight = Math.max(this.advRight, nxt + field);
      return field;
    }
    const s = this.shift;
    let field = wnd >> s;
    // Round up when rounding down would pull the edge left of what we already offered.
    if (field << s < current) field = Math.ceil(current / 2 ** s);
    if (field > 0xffff) field = 0xffff;
    this.advRight = Math.max(this.advRight, nxt + field * 2 ** s);
    return field;
  }

  /**
   * After the application read: whether a window update is worth sending now. Linux's rule
   * (tcp_cleanup_rbuf): when the window could at least double and grow by a full segment.
   */
  windowUpdateDue(mss: number): boolean {
    const current = this.window;
    const possible = this.free;
    return possible - current >= mss && possible >= 2 * current;
  }

  /**
   * A segment with `segmentLength` data bytes moved RCV.NXT by `advanced` bytes (more when
   * it filled a hole): decide the ACK (RFC 5681 §4.2, every second full-sized segment).
   */
  onInOrderData(
    segmentLength: number,
    advanced: number,
    now: Time,
    delayedAck: boolean,
    timeout: Time,
  ): void {
    if (segmentLength > this.rcvMss) this.rcvMss = segmentLength;
    this.unacked += advanced;
    this.bytesReceived += advanced;
    if (!delayedAck || this.unacked >= 2 * this.rcvMss) this.ackNow = true;
    else if (this.delackAt < 0) this.delackAt = now + timeout;
  }

  /** An ACK (or any segment carrying one) was sent. */
  onAckSent(): void {
    this.unacked = 0;
    this.ackNow = false;
    this.delackAt = -1;
    this.lastAckSent = this.nxtOffset;
  }

  /** Whether an ACK is owed at all (now or when the delayed-ACK timer fires). */
  get ackPending(): boolean {
    return this.ackNow || this.delackAt >= 0;
  }

  /** RFC 7323 §4.3 (2): remember the peer's TSval when the segment is not newer than our last ACK. */
  updateTsRecent(tsVal: number, segSeqOffset: number): void {
    if (segSeqOffset <= this.lastAckSent && (!this.tsRecentValid || ((tsVal - this.tsRecent) | 0) >= 0)) {
      this.tsRecent = tsVal;
      this.tsRecentValid = true;
    }
  }
}
