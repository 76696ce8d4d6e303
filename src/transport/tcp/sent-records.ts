/**
 * When each data segment was sent, for RTT samples (RFC 6298 §3). A sample is taken only
 * from a segment that was never retransmitted (Karn's algorithm), when the cumulative
 * ACK first covers it; the oldest such segment gives the sample, as the ACK that covers
 * it was sent no later than for any newer one. Linux samples the same way from its
 * retransmission queue timestamps.
 *
 * A ring of parallel typed arrays, one entry per segment of new data, so the per-packet
 * path allocates nothing. Entries are bounded by the send buffer (every entry holds at
 * least one byte) and the ring grows by doubling up to that.
 */
import type { Time } from '../../sim/time.ts';

export class SentRecords {
  private start: Float64Array;
  private end: Float64Array;
  private sentAt: Float64Array;
  private rexmit: Uint8Array;
  private head = 0;
  private count = 0;

  constructor(initialCapacity = 64) {
    this.start = new Float64Array(initialCapacity);
    this.end = new Float64Array(initialCapacity);
    this.sentAt = new Float64Array(initialCapacity);
    this.rexmit = new Uint8Array(initialCapacity);
  }

  get length(): number {
    return this.count;
  }

  /** New data [start, end) was sent at `now`. */
  push(start: number, end: number, now: Time): void {
    if (this.count === this.start.length) this.grow();
    const i = (this.head + this.count) % this.start.length;
    this.start[i] = start;
    this.end[i] = end;
    this.sentAt[i] = now;
    this.rexmit[i] = 0;
    this.count++;
  }

  /** [start, end) was retransmitted: segments overlapping it give no RTT sample. */
  markRetransmitted(start: number, end: number): void {
    const cap = this.start.length;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % cap;
      if (this.start[i]! >= end) break;
      if (this.end[i]! > start) this.rexmit[i] = 1;
    }
  }

  /** Every segment was (or will be) retransmitted: after an RTO nothing outstanding is timed. */
  markAllRetransmitted(): void {
    const cap = this.start.length;
    for (let k = 0; k < this.count; k++) this.rexmit[(this.head + k) % cap] = 1;
  }

  /**
   * The cumulative ACK reached `ack`: drops the segments it covers and returns the RTT of
   * the oldest one never retransmitted, or -1.
   */
  acknowledge(ack: number, now: Time): Time {
    const cap = this.start.length;
    let sample = -1;
    while (this.count > 0) {
      const i = this.head;
      if (this.end[i]! > ack) break;
      if (sample < 0 && this.rexmit[i] === 0) sample = now - this.sentAt[i]!;
      this.head = (i + 1) % cap;
      this.count--;
    }
    return sample;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const cap = this.start.length;
    const n = cap * 2;
    const s = new Float64Array(n);
    const e = new Float64Array(n);
    const t = new Float64Array(n);
    const x = new Uint8Array(n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % cap;
      s[k] = this.start[i]!;
      e[k] = this.end[i]!;
      t[k] = this.sentAt[i]!;
      x[k] = this.rexmit[i]!;
    }
    this.start = s;
    this.end = e;
    this.sentAt = t;
    this.rexmit = x;
    this.head = 0;
  }
}
