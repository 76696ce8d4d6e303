/**
 * The sender's SACK scoreboard (RFC 6675 §3, "Keeping Track of SACKed Data"; RFC 2018 §3):
 * which sequence ranges above the cumulative ACK the receiver reported holding. Loss
 * recovery asks it what is SACKed, what is presumed lost (IsLost, §4) and where the next
 * hole is.
 *
 * Positions are the connection's unwrapped sequence offsets. Ranges are kept sorted and
 * merged in one flat array; there are at most as many as segments in flight, which the
 * send buffer bounds. Blocks that do not lie inside (SND.UNA, SND.NXT] are ignored (old
 * or D-SACK blocks, RFC 2883, and nonsense from a broken or hostile peer).
 */
export class SackScoreboard {
  /** [start0, end0, start1, end1, ...], sorted, disjoint, non-adjacent. */
  private r: number[] = [];

  get empty(): boolean {
    return this.r.length === 0;
  }

  /** Number of ranges. */
  get size(): number {
    return this.r.length / 2;
  }

  /** One past the highest SACKed offset, or 0 when nothing is SACKed. */
  get highest(): number {
    return this.r.length ? this.r[this.r.length - 1]! : 0;
  }

  /** Total SACKed bytes. */
  get sackedBytes(): number {
    let n = 0;
    for (let i = 0; i < this.r.length; i += 2) n += this.r[i + 1]! - this.r[i]!;
    return n;
  }

  clear(): void {
    this.r.length = 0;
  }

  /**
   * Records [start, end) as SACKed, clipped to [una, nxt). Returns the bytes that were
   * not SACKed before (0: nothing new).
   */
  add(start: number, end: number, una: number, nxt: number): number {
    const s = Math.max(start, una);
    const e = Math.min(end, nxt);
    if (s >= e) return 0;
    const r = this.r;
    let i = 0;
    while (i < r.length && r[i + 1]! < s) i += 2;
    let j = i;
    let ns = s;
    let ne = e;
    let covered = 0;
    while (j < r.length && r[j]! <= e) {
      covered += Math.max(0, Math.min(r[j + 1]!, e) - Math.max(r[j]!, s));
      ns = Math.min(ns, r[j]!);
      ne = Math.max(ne, r[j + 1]!);
      j += 2;
    }
    r.splice(i, j - i, ns, ne);
    return e - s - covered;
  }

  /** Forgets everything below the new cumulative ACK. */
  advance(una: number): void {
    const r = this.r;
    let k = 0;
    while (k < r.length && r[k + 1]! <= una) k += 2;
    if (k > 0) r.splice(0, k);
    if (r.length && r[0]! < una) r[0] = una;
  }

  isSacked(off: number): boolean {
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      if (off < r[i]!) return false;
      if (off < r[i + 1]!) return true;
    }
    return false;
  }

  /** The first offset at or after `off` that is not SACKed. */
  nextUnsacked(off: number): number {
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      if (off < r[i]!) return off;
      if (off < r[i + 1]!) off = r[i + 1]!;
    }
    return off;
  }

  /** Start of the first SACKed range beginning after `off` (Infinity when none). */
  nextSackedStart(off: number): number {
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) if (r[i]! > off) return r[i]!;
    return Number.POSITIVE_INFINITY;
  }

  /**
   * RFC 6675 IsLost, as a boundary: every un-SACKed offset below the returned one has more
   * than `threshold` bytes SACKed above it (threshold = (DupThresh - 1) * SMSS), so it is
   * presumed lost. Computed per range (the boundary is the start of the range where the
   * SACKed bytes counted from the top first exceed the threshold); 0 when none is lost.
   */
  lostBoundary(threshold: number): number {
    const r = this.r;
    let above = 0;
    for (let i = r.length - 2; i >= 0; i -= 2) {
      above += r[i + 1]! - r[i]!;
      if (above > threshold) return r[i]!;
    }
    return 0;
  }

  /** Bytes in [a, b) that are not SACKed. */
  unsackedIn(a: number, b: number): number {
    if (a >= b) return 0;
    let n = b - a;
    const r = this.r;
    for (let i = 0; i < r.length; i += 2) {
      const s = Math.max(a, r[i]!);
      const e = Math.min(b, r[i + 1]!);
      if (e > s) n -= e - s;
    }
    return n;
  }

  /** The ranges, for tests and traces. */
  ranges(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < this.r.length; i += 2) out.push([this.r[i]!, this.r[i + 1]!]);
    return out;
  }
}
