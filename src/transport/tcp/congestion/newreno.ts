/**
 * NewReno congestion control (RFC 5681 §3.1, RFC 6582): slow start below ssthresh,
 * congestion avoidance of one MSS per cwnd of acknowledged bytes (byte counting, RFC 5681
 * §3.1 and RFC 3465 §2.1), ssthresh = max(FlightSize / 2, 2 * MSS) on loss (RFC 5681
 * eq. 4), a one-segment loss window after a timeout. The window inflation and deflation
 * of NewReno fast recovery (RFC 6582 §3.2) are done by the connection, which knows about
 * duplicate and partial ACKs; this module only sets the windows at the edges.
 */
import { type CongestionContext, type CongestionControl, slowStart } from './congestion-control.ts';

export class NewReno implements CongestionControl {
  readonly name = 'newreno' as const;
  cwnd: number;
  ssthresh: number;
  /** Bytes acknowledged since cwnd last grew in congestion avoidance. */
  private bytesAcked = 0;

  constructor(initialCwnd: number, initialSsthresh = Number.POSITIVE_INFINITY) {
    this.cwnd = initialCwnd;
    this.ssthresh = initialSsthresh;
  }

  onAck(acked: number, ctx: CongestionContext): void {
    let rest = acked;
    if (this.cwnd < this.ssthresh) {
      rest = slowStart(this, acked, ctx.mss);
      if (rest === 0) return;
    }
    this.bytesAcked += rest;
    while (this.bytesAcked >= this.cwnd) {
      this.bytesAcked -= this.cwnd;
      this.cwnd += ctx.mss;
    }
  }

  onEnterRecovery(ctx: CongestionContext): void {
    this.ssthresh = Math.max(Math.floor(ctx.flightSize / 2), 2 * ctx.mss);
    this.cwnd = this.ssthresh;
    this.bytesAcked = 0;
  }

  onExitRecovery(_ctx: CongestionContext): void {
    this.cwnd = this.ssthresh;
    this.bytesAcked = 0;
  }

  onTimeout(ctx: CongestionContext, first: boolean): void {
    if (first) this.ssthresh = Math.max(Math.floor(ctx.flightSize / 2), 2 * ctx.mss);
    this.cwnd = ctx.mss;
    this.bytesAcked = 0;
  }
}
