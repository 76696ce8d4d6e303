/**
 * TCP sequence-number arithmetic (RFC 9293 §3.4, RFC 1982 serial-number style): the 32-bit
 * sequence space wraps, so "a before b" is the sign of the 32-bit difference, valid while
 * the two are less than 2^31 apart.
 *
 * The connection machine keeps its own positions as unwrapped offsets from the initial
 * sequence numbers (plain non-negative integers, exact up to 2^53 bytes), and converts
 * to and from wire sequence numbers only at the edge with these helpers.
 */

/** `seq + n` modulo 2^32. */
export function seqAdd(seq: number, n: number): number {
  return (seq + n) >>> 0;
}

/** The signed distance `a - b` in sequence space, in (-2^31, 2^31]. */
export function seqDiff(a: number, b: number): number {
  return (a - b) | 0;
}

export function seqLt(a: number, b: number): boolean {
  return ((a - b) | 0) < 0;
}

export function seqLe(a: number, b: number): boolean {
  return ((a - b) | 0) <= 0;
}

export function seqGt(a: number, b: number): boolean {
  return ((a - b) | 0) > 0;
}

export function seqGe(a: number, b: number): boolean {
  return ((a - b) | 0) >= 0;
}
