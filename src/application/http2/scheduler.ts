/**
 * Which stream sends the next DATA frame, RFC 9218 §10: the most urgent streams first
 * (lowest urgency value); within one urgency, non-incremental streams one at a time in
 * ascending stream id (each response is useless until complete, so finishing one before
 * starting the next gets every one done soonest), then incremental streams sharing the
 * bandwidth round-robin, one frame each in turn.
 *
 * The scheduler holds the streams that have something to send; `next` is O(streams with
 * output), bounded by SETTINGS_MAX_CONCURRENT_STREAMS.
 */
import type { Priority } from './priority.ts';

export interface Schedulable {
  readonly id: number;
  readonly priority: Priority;
}

export class PriorityScheduler<S extends Schedulable> {
  private readonly ready = new Set<S>();
  /** Per urgency, the id of the incremental stream served last (round-robin position). */
  private readonly lastIncremental = new Array<number>(8).fill(0);

  get size(): number {
    return this.ready.size;
  }

  add(stream: S): void {
    this.ready.add(stream);
  }

  delete(stream: S): void {
    this.ready.delete(stream);
  }

  has(stream: S): boolean {
    return this.ready.has(stream);
  }

  /** Whether some stream could be served (no side effect on the round-robin position). */
  any(canSend: (s: S) => boolean): boolean {
    for (const s of this.ready) if (canSend(s)) return true;
    return false;
  }

  /** The stream to serve next among those for which `canSend` holds, or undefined. */
  next(canSend: (s: S) => boolean): S | undefined {
    let best: S | undefined;
    let bestUrgency = 8;
    let bestSequential = false;
    // Round-robin candidates: the first incremental id after the last served, and the lowest.
    let after: S | undefined;
    let lowest: S | undefined;
    for (const s of this.ready) {
      if (!canSend(s)) continue;
      const u = s.priority.urgency;
      if (u > bestUrgency) continue;
      if (u < bestUrgency) {
        bestUrgency = u;
        best = undefined;
        bestSequential = false;
        after = lowest = undefined;
      }
      if (!s.priority.incremental) {
        if (!bestSequential || s.id < best!.id) {
          best = s;
          bestSequential = true;
        }
      } else if (!bestSequential) {
        const last = this.lastIncremental[u]!;
        if (s.id > last && (!after || s.id < after.id)) after = s;
        if (!lowest || s.id < lowest.id) lowest = s;
      }
    }
    if (bestSequential) return best;
    const chosen = after ?? lowest;
    if (chosen) this.lastIncremental[bestUrgency] = chosen.id;
    return chosen;
  }
}
