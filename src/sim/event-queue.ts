/**
 * The future-event list: a binary min-heap ordered by (time, insertion sequence), so
 * events at the same instant run in the order they were scheduled. That tie-break is
 * what makes every run deterministic.
 *
 * Cancellation is lazy: a cancelled event stays in the heap with `fn` cleared and is
 * skipped when it reaches the top. Code that re-arms a timer on every packet should use
 * `Timer` (timer.ts), which reuses one pending event instead of cancelling.
 */
import type { Time } from './time.ts';

// biome-ignore lint/suspicious/noExplicitAny: each event's argument type is checked where it is scheduled (Simulator.at)
export type EventFn = (arg: any) => void;

/** A scheduled event; also the handle returned to the caller for cancellation. */
export class ScheduledEvent {
  constructor(
    public time: Time,
    public seq: number,
    public fn: EventFn | null,
    public arg: unknown,
  ) {}

  get cancelled(): boolean {
    return this.fn === null;
  }

  cancel(): void {
    this.fn = null;
    this.arg = undefined;
  }
}

export class EventQueue {
  private heap: ScheduledEvent[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  push(time: Time, fn: EventFn, arg: unknown): ScheduledEvent {
    const ev = new ScheduledEvent(time, this.seq++, fn, arg);
    const heap = this.heap;
    let i = heap.length;
    heap.push(ev);
    // sift up
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p]!;
      if (parent.time < time || (parent.time === time && parent.seq < ev.seq)) break;
      heap[i] = parent;
      i = p;
    }
    heap[i] = ev;
    return ev;
  }

  /** The earliest live event without removing it, dropping cancelled ones on the way. */
  peek(): ScheduledEvent | undefined {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.fn === null) this.pop();
    return heap[0];
  }

  pop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const n = heap.length;
    if (n === 0) return undefined;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (n > 1) {
      // sift down
      const size = n - 1;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= size) break;
        const r = l + 1;
        let c = l;
        let child = heap[l]!;
        if (r < size) {
          const rc = heap[r]!;
          if (rc.time < child.time || (rc.time === child.time && rc.seq < child.seq)) {
            c = r;
            child = rc;
          }
        }
        if (last.time < child.time || (last.time === child.time && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }

  clear(): void {
    this.heap = [];
  }
}
