/**
 * The pluggable congestion-control module of a TCP connection (as Linux's
 * tcp_congestion_ops and smoltcp's socket/tcp/congestion): it owns cwnd and ssthresh and
 * decides how they grow on ACKs and shrink on loss. Loss detection and recovery (fast
 * retransmit, NewReno partial ACKs, SACK pipe, RTO) are the connection's job; it tells the
 * module when recovery starts and ends and when the timer fired.
 *
 * cwnd and ssthresh are in bytes. Modules: NewReno (RFC 5681, RFC 6582; newreno.ts) and
 * CUBIC (RFC 9438; cubic.ts).
 */
import type { Time } from '../../../sim/time.ts';

export type CongestionControlName = 'newreno' | 'cubic';

/** What the connection knows when it calls the module. */
export interface CongestionContext {
  readonly now: Time;
  /** Sender MSS: payload bytes of a full segment. */
  readonly mss: number;
  /** Bytes sent and not yet cumulatively acknowledged (FlightSize, RFC 5681). */
  readonly flightSize: number;
  /** Smoothed RTT (0 before the first sample). */
  readonly srtt: Time;
}

export interface CongestionControl {
  readonly name: CongestionControlName;
  cwnd: number;
  ssthresh: number;
  /** `acked` new bytes were cumulatively acknowledged outside loss recovery. */
  onAck(acked: number, ctx: CongestionContext): void;
  /** Loss detected by duplicate ACKs or SACK: set ssthresh, and cwnd for the recovery. */
  onEnterRecovery(ctx: CongestionContext): void;
  /** The cumulative ACK passed the recovery point. */
  onExitRecovery(ctx: CongestionContext): void;
  /** The retransmission timer expired; `first` is false for a repeated timeout of the same data. */
  onTimeout(ctx: CongestionContext, first: boolean): void;
}

/**
 * RFC 5681 §3.1 slow start with Appropriate Byte Counting (RFC 3465, L = 2): cwnd grows
 * by the bytes acknowledged, at most 2 * MSS per ACK, so delayed ACKs do not halve the
 * growth rate. Returns bytes of `acked` left over once cwnd reached ssthresh.
 */
export function slowStart(cc: CongestionControl, acked: number, mss: number): number {
  const room = cc.ssthresh - cc.cwnd;
  const grow = Math.min(acked, 2 * mss);
  if (grow <= room) {
    cc.cwnd += grow;
    return 0;
  }
  cc.cwnd += Math.max(0, room);
  return acked - Math.max(0, room);
}
