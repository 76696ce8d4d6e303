/**
 * TCP against the models and the reference simulator, on the dumbbell of
 * bench/ns3/README.md (bench/dumbbell.ts):
 *
 * - one flow under random loss p moves (MSS / RTT) * sqrt(3/2) / sqrt(p) (Mathis, Semke,
 *   Mahdavi, Ott, "The macroscopic behavior of the TCP congestion avoidance algorithm",
 *   CCR 1997), within 20%. netlab counts bytes in congestion avoidance (RFC 3465), so
 *   delayed ACKs do not slow the window's growth and the b = 1 constant applies either way;
 * - N flows sharing the bottleneck get fair shares: Jain's index >= 0.9;
 * - the aggregate goodput is within 10% of ns-3 3.37's with the same parameters. The
 *   reference values are the deterministic figures listed in bench/ns3/README.md
 *   ("Reference values from ns-3 3.37"): totalRxBytes 23,899,240 for 10 flows over 20 s and
 *   23,826,840 for 50 flows over 20 s. (`npm run bench` runs ns-3 itself beside netlab.)
 */
import { describe, expect, it } from 'vitest';
import { runDumbbell } from '../../bench/dumbbell.ts';
import { MILLISECOND } from '../../src/sim/time.ts';

describe('Mathis et al. model', () => {
  for (const p of [0.005, 0.01, 0.02]) {
    it(`one flow with ${p * 100}% random loss: within 20% of (MSS/RTT) * 1.22 / sqrt(p)`, async () => {
      const r = await runDumbbell({
        flows: 1,
        simTime: 60,
        bottleneckRate: 1e9, // so that loss, not bandwidth, limits the flow
        accessRate: 1e9,
        queue: 1000,
        accessQueue: 1000,
        dataLoss: p,
        tcp: { delayedAck: false, sendBuffer: 16 << 20, receiveBuffer: 16 << 20, minRto: 200 * MILLISECOND },
      });
      const rtt = 0.044; // 2 * (1 + 20 + 1) ms; queues stay empty at 1 Gbit/s
      const model = ((1448 * 8) / rtt) * (Math.sqrt(1.5) / Math.sqrt(p));
      const measured = r.goodputMbps.sum * 1e6;
      expect(measured / model).toBeGreaterThan(0.8);
      expect(measured / model).toBeLessThan(1.2);
    });
  }
});

describe('the ns-3 dumbbell', () => {
  it('10 flows, 20 s: goodput within 10% of ns-3, Jain >= 0.9, the bottleneck busy', async () => {
    const r = await runDumbbell({ flows: 10, simTime: 20 });
    expect(r.totalRxBytes / 23_899_240).toBeGreaterThan(0.9);
    expect(r.totalRxBytes / 23_899_240).toBeLessThan(1.1);
    expect(r.jain).toBeGreaterThanOrEqual(0.9);
    // Ceiling: 10 Mbit/s * 1448 / 1538 = 9.41 Mbit/s of goodput over the 19.9 s of sending.
    expect(r.goodputMbps.sum).toBeGreaterThan(9.0);
    expect(r.goodputMbps.sum).toBeLessThan(9.42);
    expect(r.bottleneckDrops).toBeGreaterThan(0);
    expect(r.retransmits).toBeGreaterThanOrEqual(r.bottleneckDrops * 0.9);
  });

  it('50 flows, 20 s: goodput within 10% of ns-3', async () => {
    const r = await runDumbbell({ flows: 50, simTime: 20 });
    expect(r.totalRxBytes / 23_826_840).toBeGreaterThan(0.9);
    expect(r.totalRxBytes / 23_826_840).toBeLessThan(1.1);
  });

  it('20 flows, 40 s: Jain >= 0.9 once the flows have had time to converge', async () => {
    const r = await runDumbbell({ flows: 20, simTime: 40 });
    expect(r.jain).toBeGreaterThanOrEqual(0.9);
    expect(Math.min(...r.perFlowMbps)).toBeGreaterThan(0);
  });
});
