/**
 * "More than N events within T": a sliding-window counter over the last N timestamps,
 * used against floods that cost the peer nothing and us something — RST_STREAM right
 * after HEADERS (the "rapid reset" attack, CVE-2023-44487) being the notable one. O(1)
 * per event, N numbers of memory.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Time } from '../../sim/time.ts';

export class RateWindow {
  private readonly times: Float64Array;
  private next = 0;
  private count = 0;

  constructor(
    /** Events allowed within `window`. */
    readonly limit: number,
    readonly window: Time,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new NetlabError('h2-bad-option', `rate limit must be >= 1: ${limit}`);
    this.times = new Float64Array(limit);
  }

  /** Records one event at `now`; true when it is the (limit + 1)-th within the window. */
  hit(now: Time): boolean {
    const oldest = this.times[this.next]!;
    const full = this.count === this.limit;
    this.times[this.next] = now;
    this.next = (this.next + 1) % this.limit;
    if (!full) {
      this.count++;
      return false;
    }
    return now - oldest < this.window;
  }
}
