import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { medianRun, seedList } from './seed-stats.ts';

describe('medianRun', () => {
  it('takes the middle run of an odd count, and the lower middle of an even one', () => {
    const runs = [50, 10, 40, 20, 30].map((t, i) => ({ seed: i + 1, t }));
    expect(medianRun(runs, (r) => r.t)).toEqual({ median: { seed: 5, t: 30 }, min: 10, max: 50 });
    expect(medianRun(runs.slice(0, 4), (r) => r.t)).toEqual({ median: { seed: 4, t: 20 }, min: 10, max: 50 });
    expect(medianRun([{ t: 7 }], (r) => r.t)).toEqual({ median: { t: 7 }, min: 7, max: 7 });
  });

  it('picks the earliest seed among equal figures', () => {
    const runs = [3, 1, 3, 3].map((t, i) => ({ seed: i + 1, t }));
    expect(medianRun(runs, (r) => r.t).median).toEqual({ seed: 1, t: 3 });
  });

  it('is always one of the runs, with as many runs at most as at least it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }), (xs) => {
        const { median, min, max } = medianRun(xs, (x) => x);
        expect(xs).toContain(median);
        expect(xs.filter((x) => x <= median).length).toBeGreaterThanOrEqual(xs.length / 2);
        expect(xs.filter((x) => x >= median).length).toBeGreaterThanOrEqual(xs.length / 2);
        expect([min, max]).toEqual([Math.min(...xs), Math.max(...xs)]);
      }),
    );
  });

  it('refuses no runs at all', () => {
    expect(() => medianRun([], (x: number) => x)).toThrow(RangeError);
  });
});

it('seedList counts up from the first seed', () => {
  expect(seedList(7, 3)).toEqual([7, 8, 9]);
  expect(seedList(1, 0)).toEqual([]);
});
