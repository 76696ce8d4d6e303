/**
 * The receive buffer of a TCP connection: in-order bytes the application has not read yet,
 * and out-of-order segments waiting for the holes before them to fill (RFC 9293 §3.10.7.4
 * "seventh, process the segment text"; RFC 5681 §4.2 immediate ACKs for out-of-order data).
 *
 * One fixed ring of `capacity` bytes (SO_RCVBUF) holds both: a byte with stream offset `o`
 * lives at `o % capacity`, so an out-of-order segment is written straight into its final
 * place and only an interval list records which ranges beyond `nxt` are filled. Bytes may
 * be stored only in [readOffset, readOffset + capacity), which is exactly the space the
 * advertised window promised; anything beyond is trimmed.
 *
 * The ring starts small and doubles (up to `capacity`) as data is held, so a connection
 * that receives little, or a half-open one, costs little memory.
 *
 * The interval list is bounded (`maxIntervals`): a peer sending many tiny disjoint
 * segments cannot make it grow without limit; a segment that would need one more
 * interval is refused (and retransmitted later by its sender).
 *
 * It also produces the SACK blocks of RFC 2018 §4: the block holding the most recently
 * received segment first, then the other blocks most recently changed first.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';

interface Interval {
  start: number;
  end: number;
  /** When it last grew, for SACK block order. */
  stamp: number;
}

export interface InsertResult {
  /** Bytes newly stored (in order or not). */
  readonly stored: number;
  /** How far `nxt` advanced. */
  readonly advanced: number;
  /** The segment was beyond `nxt` (a hole before it). */
  readonly outOfOrder: boolean;
  /** The segment filled (part of) the hole at `nxt` while later data was waiting. */
  readonly filledHole: boolean;
  /** Nothing in it was new. */
  readonly duplicate: boolean;
  /** Refused: it needed one interval more than `maxIntervals`. */
  readonly refused: boolean;
}

const INITIAL_RING = 4096;

export class ReceiveBuffer {
  private ring: Uint8Array;
  /** Offset of the next byte the application reads. */
  readOffset = 0;
  /** Offset one past the last in-order byte: RCV.NXT in stream offsets. */
  nxt = 0;
  private ooo: Interval[] = [];
  private stamp = 0;

  constructor(
    readonly capacity: number,
    readonly maxIntervals = 64,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new NetlabError('bad-option', `receive buffer size must be a positive integer, got ${capacity}`);
    this.ring = new Uint8Array(Math.min(capacity, INITIAL_RING));
  }

  /** In-order bytes waiting for the application (netstat's Recv-Q). */
  get readable(): number {
    return this.nxt - this.readOffset;
  }

  /** Room left beyond `nxt`: the largest window that can be offered now. */
  get space(): number {
    return this.capacity - (this.nxt - this.readOffset);
  }

  /** Number of out-of-order ranges held. */
  get intervals(): number {
    return this.ooo.length;
  }

  get hasOutOfOrder(): boolean {
    return this.ooo.length > 0;
  }

  /** Highest offset held out of order (or `nxt`). */
  get highest(): number {
    const last = this.ooo[this.ooo.length - 1];
    return last ? last.end : this.nxt;
  }

  /** Stores `data[start..end)`, which begins at stream offset `offset`. */
  insert(offset: number, data: Uint8Array, start = 0, end = data.length): InsertResult {
    let s = offset;
    let e = offset + (end - start);
    const oldNxt = this.nxt;
    if (e <= oldNxt) return DUPLICATE;
    let from = start;
    if (s < oldNxt) {
      from += oldNxt - s;
      s = oldNxt;
    }
    const limit = this.readOffset + this.capacity;
    if (e > limit) e = limit;
    if (s >= e) return DUPLICATE;
    if (s > oldNxt && !this.canAdd(s, e)) return REFUSED;
    if (e - this.readOffset > this.ring.length) this.grow(e - this.readOffset);
    this.write(s, data, from, e - s);
    this.stamp++;
    if (s === oldNxt) {
      const hadHoles = this.ooo.length > 0;
      let nxt = e;
      let drop = 0;
      while (drop < this.ooo.length && this.ooo[drop]!.start <= nxt) {
        nxt = Math.max(nxt, this.ooo[drop]!.end);
        drop++;
      }
      if (drop > 0) this.ooo.splice(0, drop);
      this.nxt = nxt;
      return {
        stored: e - s,
        advanced: nxt - oldNxt,
        outOfOrder: false,
        filledHole: hadHoles,
        duplicate: false,
        refused: false,
      };
    }
    const stored = this.addInterval(s, e);
    return {
      stored,
      advanced: 0,
      outOfOrder: true,
      filledHole: false,
      duplicate: stored === 0,
      refused: false,
    };
  }

  /** Copies out up to `max` in-order bytes (at least 1 when any are readable). */
  read(max = Number.POSITIVE_INFINITY): Uint8Array {
    const n = Math.min(max, this.readable);
    const out = new Uint8Array(n);
    this.copyOut(out, 0, n);
    return out;
  }

  /** Copies up to `out.length - at` readable bytes into `out[at..]`; returns how many. */
  readInto(out: Uint8Array, at = 0): number {
    const n = Math.min(out.length - at, this.readable);
    this.copyOut(out, at, n);
    return n;
  }

  /** Up to `max` SACK blocks as stream offsets [start, end), most recent first. */
  sackBlocks(max: number): { start: number; end: number }[] {
    if (this.ooo.length === 0 || max <= 0) return [];
    const sorted = this.ooo.length === 1 ? this.ooo : [...this.ooo].sort((a, b) => b.stamp - a.stamp);
    const out: { start: number; end: number }[] = [];
    for (let i = 0; i < sorted.length && i < max; i++)
      out.push({ start: sorted[i]!.start, end: sorted[i]!.end });
    return out;
  }

  private copyOut(out: Uint8Array, at: number, n: number): void {
    if (n <= 0) return;
    const cap = this.ring.length;
    const from = this.readOffset % cap;
    const first = Math.min(n, cap - from);
    out.set(this.ring.subarray(from, from + first), at);
    if (first < n) out.set(this.ring.subarray(0, n - first), at + first);
    this.readOffset += n;
  }

  private write(offset: number, data: Uint8Array, from: number, n: number): void {
    const cap = this.ring.length;
    const at = offset % cap;
    const first = Math.min(n, cap - at);
    this.ring.set(data.subarray(from, from + first), at);
    if (first < n) this.ring.set(data.subarray(from + first, from + n), 0);
  }

  /** A larger ring for bytes up to `needed` past readOffset; held bytes move to their new places. */
  private grow(needed: number): void {
    let size = this.ring.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(Math.min(size, this.capacity));
    // Everything from readOffset to the highest byte held (in order or not) is copied.
    const span = this.highest - this.readOffset;
    const old = this.ring;
    for (let k = 0; k < span; ) {
      const o = this.readOffset + k;
      const src = o % old.length;
      const dst = o % next.length;
      const n = Math.min(span - k, old.length - src, next.length - dst);
      next.set(old.subarray(src, src + n), dst);
      k += n;
    }
    this.ring = next;
  }

  /** Whether [s, e) can be recorded without exceeding maxIntervals. */
  private canAdd(s: number, e: number): boolean {
    if (this.ooo.length < this.maxIntervals) return true;
    return this.ooo.some((iv) => iv.start <= e && iv.end >= s);
  }

  /** Merges [s, e) into the interval list; returns the bytes that were new. */
  private addInterval(s: number, e: number): number {
    const list = this.ooo;
    let i = 0;
    while (i < list.length && list[i]!.end < s) i++;
    // list[i] is the first interval that ends at or after s: it may touch [s, e).
    let j = i;
    let covered = 0;
    let start = s;
    let end = e;
    while (j < list.length && list[j]!.start <= e) {
      const iv = list[j]!;
      covered += Math.max(0, Math.min(iv.end, e) - Math.max(iv.start, s));
      start = Math.min(start, iv.start);
      end = Math.max(end, iv.end);
      j++;
    }
    list.splice(i, j - i, { start, end, stamp: this.stamp });
    return e - s - covered;
  }
}

const DUPLICATE: InsertResult = {
  stored: 0,
  advanced: 0,
  outOfOrder: false,
  filledHole: false,
  duplicate: true,
  refused: false,
};
const REFUSED: InsertResult = {
  stored: 0,
  advanced: 0,
  outOfOrder: true,
  filledHole: false,
  duplicate: false,
  refused: true,
};
