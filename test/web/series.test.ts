/** Bounded chart series: bins that coarsen, points that thin, sums and ends preserved. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BinnedCounters, PointSeries } from '../../web/src/engine/series.ts';

describe('binned counters', () => {
  it('sums into bins of one width', () => {
    const b = new BinnedCounters(2, 10, 4);
    b.add(0, 0, 5);
    b.add(0, 9, 1);
    b.add(1, 10, 7);
    b.add(0, 35, 2);
    expect(b.width).toBe(10);
    expect(b.length).toBe(4);
    expect([0, 1, 2, 3].map((i) => b.value(0, i))).toEqual([6, 0, 0, 2]);
    expect([0, 1, 2, 3].map((i) => b.value(1, i))).toEqual([0, 7, 0, 0]);
  });

  it('doubles the width and merges pairs when time runs past the last bin', () => {
    const b = new BinnedCounters(1, 10, 4);
    for (let t = 0; t < 40; t += 10) b.add(0, t, t / 10 + 1); // 1 2 3 4
    b.add(0, 45, 10);
    expect(b.width).toBe(20);
    expect([0, 1, 2].map((i) => b.value(0, i))).toEqual([3, 7, 10]);
    b.add(0, 1000, 1);
    expect(b.width).toBe(320);
    expect(b.value(0, 0)).toBe(20);
    expect(b.value(0, 3)).toBe(1);
  });

  it('never loses a byte and never exceeds its bins', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(1e9), fc.nat(1500)), { maxLength: 500 }), (adds) => {
        const b = new BinnedCounters(1, 1000, 100);
        let sum = 0;
        for (const [t, n] of adds) {
          b.add(0, t, n);
          sum += n;
        }
        expect(b.total(0)).toBe(sum);
        expect(b.length).toBeLessThanOrEqual(100);
      }),
    );
  });
});

describe('point series', () => {
  it('keeps every point until full, then every other, and always the latest', () => {
    const s = new PointSeries(4);
    for (let i = 0; i < 3; i++) s.add(i, i * 10);
    expect(s.points()).toEqual({ t: [0, 1, 2], v: [0, 10, 20] });
    s.add(3, 30); // full: thinned to 0, 2
    expect(s.points()).toEqual({ t: [0, 2], v: [0, 20] });
    s.add(4, 40); // stride 2: skipped, but shown as the latest
    expect(s.points()).toEqual({ t: [0, 2, 4], v: [0, 20, 40] });
    s.add(5, 50);
    expect(s.points()).toEqual({ t: [0, 2, 5], v: [0, 20, 50] });
  });

  it('stays bounded, in time order, ending at the last sample', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { minLength: 1, maxLength: 5000 }), (vs) => {
        const s = new PointSeries(64);
        vs.forEach((v, i) => {
          s.add(i, v);
        });
        const p = s.points();
        expect(p.t.length).toBeLessThanOrEqual(65);
        expect(p.t.at(-1)).toBe(vs.length - 1);
        expect(p.v.at(-1)).toBe(vs.at(-1));
        for (let i = 1; i < p.t.length; i++) expect(p.t[i]!).toBeGreaterThan(p.t[i - 1]!);
      }),
    );
  });
});
