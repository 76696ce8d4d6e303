/**
 * The retransmission timeout of RFC 6298: a smoothed RTT and its mean deviation from RTT
 * samples, RTO = SRTT + max(G, 4 * RTTVAR) clamped to [minRto, maxRto], doubled on every
 * expiry (§5.5) and kept backed off until a new sample arrives (Karn's algorithm, §3 and
 * §5; the connection never samples a retransmitted segment).
 *
 * Times are integer nanoseconds. Linux differs from RFC 6298's 1 s minimum with a 200 ms
 * minimum (TCP_RTO_MIN), which is netlab's default; ns-3's scenario uses 1 s.
 */
import { DOUBLE_FIELD, type Time } from '../../sim/time.ts';

export interface RttEstimatorOptions {
  readonly initialRto: Time;
  readonly minRto: Time;
  readonly maxRto: Time;
  /** Clock granularity G (RFC 6298 §2). */
  readonly granularity: Time;
}

export class RttEstimator {
  /** Smoothed RTT; 0 until the first sample. */
  srtt: Time = DOUBLE_FIELD;
  rttvar: Time = DOUBLE_FIELD;
  /** The last sample. */
  latest = 0;
  /** Smallest sample seen (CUBIC and reports use it). */
  minRtt = Number.POSITIVE_INFINITY;
  samples = 0;
  private baseRto: Time;
  /** Number of times the current RTO was doubled. */
  backoff = 0;

  constructor(private readonly o: RttEstimatorOptions) {
    this.srtt = 0;
    this.rttvar = 0;
    this.baseRto = o.initialRto;
  }

  /** The current timeout, backoff included. */
  get rto(): Time {
    const backed = this.baseRto * 2 ** this.backoff;
    return Math.min(backed, this.o.maxRto);
  }

  /** RFC 6298 §2.2-2.3 with alpha = 1/8, beta = 1/4. */
  sample(rtt: Time): void {
    const r = Math.max(0, Math.round(rtt));
    this.latest = r;
    if (r < this.minRtt) this.minRtt = r;
    if (this.samples === 0) {
      this.srtt = r;
      this.rttvar = r / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - r);
      this.srtt = 0.875 * this.srtt + 0.125 * r;
    }
    this.samples++;
    const rto = this.srtt + Math.max(this.o.granularity, 4 * this.rttvar);
    this.baseRto = Math.round(Math.min(this.o.maxRto, Math.max(this.o.minRto, rto)));
    this.backoff = 0;
  }

  /** §5.5: the timer expired; the next RTO is twice as long (up to maxRto). */
  backOff(): void {
    if (this.baseRto * 2 ** this.backoff < this.o.maxRto) this.backoff++;
  }

  /**
   * §5.7: after the SYN (or SYN-ACK) was retransmitted and no sample came from the
   * handshake, the RTO for data starts at 3 s.
   */
  resetAfterSynTimeout(): void {
    if (this.samples === 0) {
      this.baseRto = Math.max(this.baseRto, 3_000_000_000);
      this.backoff = 0;
    }
  }
}
