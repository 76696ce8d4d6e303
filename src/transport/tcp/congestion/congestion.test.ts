import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../../sim/time.ts';
import type { CongestionContext } from './congestion-control.ts';
import { CUBIC_BETA, CUBIC_C, Cubic } from './cubic.ts';
import { NewReno } from './newreno.ts';

const MSS = 1000;
const ctx = (now: number, flightSize = 0, srtt = 100 * MILLISECOND): CongestionContext => ({
  now,
  mss: MSS,
  flightSize,
  srtt,
});

/** One RTT of ACKs for a window of `cwnd` bytes: one ACK per 2 segments (delayed ACKs). */
function rtt(cc: NewReno | Cubic, now: number): void {
  let left = cc.cwnd;
  while (left > 0) {
    const n = Math.min(left, 2 * MSS);
    cc.onAck(n, ctx(now));
    left -= n;
  }
}

describe('NewReno (RFC 5681, RFC 3465 byte counting)', () => {
  it('slow start doubles the window per RTT even with delayed ACKs (ABC, L = 2)', () => {
    const cc = new NewReno(10 * MSS);
    rtt(cc, 0);
    expect(cc.cwnd).toBe(20 * MSS);
    rtt(cc, 0);
    expect(cc.cwnd).toBe(40 * MSS);
  });

  it('never grows more than 2 MSS for one ACK, and stops slow start at ssthresh', () => {
    const cc = new NewReno(10 * MSS, 12 * MSS);
    cc.onAck(10 * MSS, ctx(0));
    expect(cc.cwnd).toBe(12 * MSS);
    cc.onAck(10 * MSS, ctx(0)); // congestion avoidance now: not a whole cwnd of bytes yet
    expect(cc.cwnd).toBe(12 * MSS);
  });

  it('congestion avoidance adds one MSS per window of acknowledged bytes', () => {
    const cc = new NewReno(20 * MSS, 10 * MSS);
    for (let r = 0; r < 5; r++) rtt(cc, 0);
    expect(cc.cwnd).toBe(25 * MSS);
  });

  it('loss: ssthresh = max(FlightSize / 2, 2 MSS); timeout: a one-segment loss window', () => {
    const cc = new NewReno(40 * MSS);
    cc.onEnterRecovery(ctx(0, 40 * MSS));
    expect([cc.ssthresh, cc.cwnd]).toEqual([20 * MSS, 20 * MSS]);
    cc.onEnterRecovery(ctx(0, 3 * MSS));
    expect(cc.ssthresh).toBe(2 * MSS);
    cc.onTimeout(ctx(0, 30 * MSS), true);
    expect([cc.ssthresh, cc.cwnd]).toEqual([15 * MSS, MSS]);
    cc.onTimeout(ctx(0, 4 * MSS), false); // repeated timeout: ssthresh held (RFC 5681 §3.1)
    expect([cc.ssthresh, cc.cwnd]).toEqual([15 * MSS, MSS]);
  });
});

describe('CUBIC (RFC 9438)', () => {
  it('multiplicative decrease by 0.7 and K = cbrt(W_max (1 - beta) / C)', () => {
    const cc = new Cubic(100 * MSS, 50 * MSS);
    cc.onEnterRecovery(ctx(0, 100 * MSS));
    expect(cc.wMax).toBe(100);
    expect(cc.ssthresh).toBe(70 * MSS);
    expect(cc.cwnd).toBe(70 * MSS);
    cc.onExitRecovery(ctx(0));
    cc.onAck(MSS, ctx(SECOND)); // starts the epoch
    expect(cc.k).toBeCloseTo(Math.cbrt((100 * (1 - CUBIC_BETA)) / CUBIC_C), 9); // 4.217 s
    expect(cc.target(0)).toBeCloseTo(70, 6);
    expect(cc.target(cc.k)).toBeCloseTo(100, 9);
  });

  it('grows concave back to W_max, flat near it, convex beyond: the cubic curve of §4.2', () => {
    const cc = new Cubic(100 * MSS, 50 * MSS);
    cc.onEnterRecovery(ctx(0, 100 * MSS));
    cc.onExitRecovery(ctx(0));
    const samples: number[] = [];
    let t = 0;
    for (let step = 0; step < 100; step++) {
      t += 100 * MILLISECOND;
      rtt(cc, t);
      if (step % 10 === 9) samples.push(cc.cwnd / MSS);
    }
    // Near K (about 4.2 s) the window is close to W_max = 100, then it climbs faster again.
    const at = (s: number) => samples[s - 1]!;
    expect(at(4)).toBeGreaterThan(95);
    expect(at(4)).toBeLessThan(105);
    const early = at(2) - at(1);
    const plateau = at(5) - at(4);
    const late = at(10) - at(9);
    expect(early).toBeGreaterThan(plateau);
    expect(late).toBeGreaterThan(plateau);
  });

  it('fast convergence: a flow that lost again below W_max releases more (§4.7)', () => {
    const cc = new Cubic(100 * MSS, 50 * MSS);
    cc.onEnterRecovery(ctx(0, 100 * MSS));
    cc.cwnd = 80 * MSS;
    cc.onEnterRecovery(ctx(0, 80 * MSS));
    expect(cc.wMax).toBeCloseTo((80 * (1 + CUBIC_BETA)) / 2, 9);
  });

  it('in the Reno-friendly region it is never slower than Reno would be (§4.3)', () => {
    // A short RTT keeps W_cubic's growth tiny; W_est (Reno's average) must take over.
    const cubic = new Cubic(20 * MSS, 10 * MSS);
    cubic.onEnterRecovery(ctx(0, 20 * MSS));
    cubic.onExitRecovery(ctx(0));
    const start = cubic.cwnd;
    let t = 0;
    for (let r = 0; r < 50; r++) {
      t += MILLISECOND;
      rtt(cubic, t);
    }
    // Reno would add 1 MSS per RTT; with alpha = 3(1-b)/(1+b) ~ 0.53, W_est adds about half.
    expect((cubic.cwnd - start) / MSS).toBeGreaterThan(50 * 0.4);
  });
});
