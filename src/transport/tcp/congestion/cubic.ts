/**
 * CUBIC congestion control (RFC 9438): after a loss the window follows
 * W_cubic(t) = C (t - K)^3 + W_max (§4.2), concave back up to the window where the loss
 * happened and convex beyond it, independent of RTT; never slower than the Reno-friendly
 * estimate W_est (§4.3); multiplicative decrease by beta = 0.7 (§4.6) with fast
 * convergence (§4.7). Slow start is standard (HyStart++ is left out).
 *
 * Windows are kept in bytes like every module; the cubic function works in segments and
 * seconds as the RFC writes it.
 */
import { SECOND } from '../../../sim/time.ts';
import { type CongestionContext, type CongestionControl, slowStart } from './congestion-control.ts';

/** RFC 9438 §5: C = 0.4, beta_cubic = 0.7. */
export const CUBIC_C = 0.4;
export const CUBIC_BETA = 0.7;
/** §4.3: alpha_cubic = 3 (1 - beta) / (1 + beta), so W_est grows like Reno's average. */
const ALPHA = (3 * (1 - CUBIC_BETA)) / (1 + CUBIC_BETA);

export class Cubic implements CongestionControl {
  readonly name = 'cubic' as const;
  cwnd: number;
  ssthresh: number;
  /** Window before the last reduction, in segments (0: no loss yet). */
  wMax = 0;
  /** Time for W_cubic to climb back to wMax, in seconds. */
  k = 0;
  /** Start of the current congestion-avoidance epoch; -1 when none. */
  private epochStart = -1;
  /** Reno-friendly estimate, in segments. */
  private wEst = 0;
  /** Fractional segments of growth not yet applied. */
  private carry = 0;

  constructor(
    initialCwnd: number,
    initialSsthresh = Number.POSITIVE_INFINITY,
    private readonly fastConvergence = true,
  ) {
    this.cwnd = initialCwnd;
    this.ssthresh = initialSsthresh;
  }

  /** W_cubic(t) of §4.2 in segments, t in seconds from the epoch start. */
  target(t: number): number {
    return CUBIC_C * (t - this.k) ** 3 + this.wMax;
  }

  onAck(acked: number, ctx: CongestionContext): void {
    let rest = acked;
    if (this.cwnd < this.ssthresh) {
      rest = slowStart(this, acked, ctx.mss);
      if (rest === 0) return;
    }
    const mss = ctx.mss;
    const seg = this.cwnd / mss;
    if (this.epochStart < 0) {
      this.epochStart = ctx.now;
      if (seg < this.wMax) this.k = Math.cbrt((this.wMax - seg) / CUBIC_C);
      else {
        this.wMax = seg;
        this.k = 0;
      }
      this.wEst = seg;
      this.carry = 0;
    }
    const t = (ctx.now - this.epochStart) / SECOND;
    const rtt = ctx.srtt / SECOND;
    // §4.4-4.5: aim at W_cubic one RTT ahead, clamped to [cwnd, 1.5 cwnd].
    let target = this.target(t + rtt);
    if (target < seg) target = seg;
    else if (target > 1.5 * seg) target = 1.5 * seg;
    const segsAcked = rest / mss;
    this.wEst += (ALPHA * segsAcked) / seg;
    let grow = ((target - seg) / seg) * segsAcked;
    // §4.3: in the Reno-friendly region follow W_est instead.
    if (this.wEst > seg + grow) grow = this.wEst - seg;
    this.carry += grow;
    if (this.carry >= 1 / mss) {
      const bytes = Math.floor(this.carry * mss);
      this.cwnd += bytes;
      this.carry -= bytes / mss;
    }
  }

  private reduce(mss: number): void {
    const seg = this.cwnd / mss;
    // §4.7 fast convergence: a flow whose window shrank since the last loss releases more.
    this.wMax = this.fastConvergence && seg < this.wMax ? (seg * (1 + CUBIC_BETA)) / 2 : seg;
    this.epochStart = -1;
  }

  onEnterRecovery(ctx: CongestionContext): void {
    this.reduce(ctx.mss);
    this.ssthresh = Math.max(Math.floor(this.cwnd * CUBIC_BETA), 2 * ctx.mss);
    this.cwnd = this.ssthresh;
  }

  onExitRecovery(_ctx: CongestionContext): void {
    this.cwnd = this.ssthresh;
  }

  onTimeout(ctx: CongestionContext, first: boolean): void {
    if (first) {
      this.reduce(ctx.mss);
      this.ssthresh = Math.max(Math.floor(this.cwnd * CUBIC_BETA), 2 * ctx.mss);
    }
    this.cwnd = ctx.mss;
    this.epochStart = -1;
  }
}
