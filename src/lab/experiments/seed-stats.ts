/**
 * Figures of runs that depend on the seed (random loss picks which frames are lost): each
 * cell of a table is run with several seeds and summarised by its *median run*, with the
 * minimum and maximum kept for the JSON. The median, not the mean: one unlucky run (a
 * retransmission timeout backing off to seconds) moves a mean far more than the typical
 * run, and the notes' claims are about the typical run. The median run is a real run — of
 * the N runs sorted by the figure, the ⌈N/2⌉-th (for an even N the lower of the two middle
 * ones) — so every number a table shows for it (connections, bytes) comes from one run.
 */

export interface SeedSummary<T> {
  /** The median run. */
  readonly median: T;
  /** Smallest and largest figure. */
  readonly min: number;
  readonly max: number;
}

/** The median run of one or more runs, by `figure`, with the figure's range. */
export function medianRun<T>(runs: readonly T[], figure: (run: T) => number): SeedSummary<T> {
  if (runs.length === 0) throw new RangeError('medianRun needs at least one run');
  // A stable sort: equal figures keep seed order, so the choice is deterministic.
  const sorted = [...runs].sort((a, b) => figure(a) - figure(b));
  return {
    median: sorted[(sorted.length - 1) >> 1]!,
    min: figure(sorted[0]!),
    max: figure(sorted[sorted.length - 1]!),
  };
}

/** The seeds of `count` runs starting at `first`: first, first + 1, ... */
export function seedList(first: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => first + i);
}
