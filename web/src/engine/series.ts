/**
 * Bounded time series for the charts, however long the run.
 *
 * `BinnedCounters`: several counters (bytes sent per link direction) summed into time
 * bins that all share one width. When time runs past the last bin, neighbouring bins are
 * merged in pairs and the width doubles, so memory stays at `maxBins` per counter while
 * the chart always covers the whole run, at the finest resolution that fits.
 *
 * `PointSeries`: (time, value) samples (a congestion window, an RTT). When full, every
 * other sample is dropped and from then on only every 2nd (4th...) sample is kept: an
 * evenly thinned record of the whole run, never more than `maxPoints` long. The last
 * sample is always kept so the chart ends where the run is.
 */
import { NetlabError } from '../../../src/bytes/netlab-error.ts';

export class BinnedCounters {
  /** Width of one bin, ns. */
  width: number;
  private bins: Float64Array;
  private used = 0;

  constructor(
    readonly counters: number,
    firstWidth: number,
    readonly maxBins = 1000,
  ) {
    if (!(Number.isInteger(counters) && counters >= 1)) throw new NetlabError('bad-series', 'counters >= 1');
    if (!(firstWidth >= 1)) throw new NetlabError('bad-series', 'bin width must be >= 1 ns');
    if (!(Number.isInteger(maxBins) && maxBins >= 2 && maxBins % 2 === 0))
      throw new NetlabError('bad-series', 'maxBins must be an even number >= 2');
    this.width = firstWidth;
    this.bins = new Float64Array(counters * maxBins);
  }

  /** Bins in use (the last may still be filling). */
  get length(): number {
    return this.used;
  }

  /** Adds `amount` to `counter` at time `t` (ns, not before 0). */
  add(counter: number, t: number, amount: number): void {
    let bin = Math.floor(t / this.width);
    while (bin >= this.maxBins) {
      this.coarsen();
      bin = Math.floor(t / this.width);
    }
    if (bin + 1 > this.used) this.used = bin + 1;
    this.bins[bin * this.counters + counter]! += amount;
  }

  /** The sum in bin `i` of `counter`. */
  value(counter: number, i: number): number {
    return this.bins[i * this.counters + counter]!;
  }

  /** Sum of a counter over every bin. */
  total(counter: number): number {
    let s = 0;
    for (let i = 0; i < this.used; i++) s += this.bins[i * this.counters + counter]!;
    return s;
  }

  private coarsen(): void {
    const c = this.counters;
    const half = this.maxBins / 2;
    for (let i = 0; i < half; i++) {
      for (let k = 0; k < c; k++) {
        this.bins[i * c + k] = this.bins[2 * i * c + k]! + this.bins[(2 * i + 1) * c + k]!;
      }
    }
    this.bins.fill(0, half * c);
    this.used = Math.ceil(this.used / 2);
    this.width *= 2;
  }
}

export class PointSeries {
  private t: number[] = [];
  private v: number[] = [];
  private stride = 1;
  private skipped = 0;
  private lastT = 0;
  private lastV = 0;
  private pendingLast = false;

  constructor(readonly maxPoints = 4000) {
    if (!(Number.isInteger(maxPoints) && maxPoints >= 4))
      throw new NetlabError('bad-series', 'maxPoints must be a whole number >= 4');
  }

  add(time: number, value: number): void {
    this.lastT = time;
    this.lastV = value;
    if (++this.skipped < this.stride) {
      this.pendingLast = true;
      return;
    }
    this.skipped = 0;
    this.pendingLast = false;
    this.t.push(time);
    this.v.push(value);
    if (this.t.length >= this.maxPoints) {
      this.t = this.t.filter((_, i) => i % 2 === 0);
      this.v = this.v.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
  }

  /** The kept samples, with the latest sample last even if thinning skipped it. */
  points(): { t: number[]; v: number[] } {
    if (!this.pendingLast) return { t: [...this.t], v: [...this.v] };
    return { t: [...this.t, this.lastT], v: [...this.v, this.lastV] };
  }
}
