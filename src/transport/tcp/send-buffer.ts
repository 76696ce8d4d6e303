/**
 * The send buffer of a TCP connection (RFC 9293 §3.8: data the user handed over that is
 * not yet acknowledged): a ring of bytes addressed by stream offset, so a retransmission
 * copies the same bytes out again and an ACK just moves the head.
 *
 * Offsets count data bytes from the start of the stream (0 = the first byte after the
 * SYN). The buffer holds [head, tail): `head` advances when data is acknowledged, `tail`
 * when the user writes. `capacity` is the socket's send buffer size (SO_SNDBUF), the bound
 * on memory a connection can hold for sending; the ring starts small and doubles up to it
 * as data is queued, so an idle or half-open connection costs little memory.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';

const INITIAL_RING = 4096;

export class SendBuffer {
  private ring: Uint8Array;
  /** Offset of the oldest byte still held (the first unacknowledged data byte). */
  head = 0;
  /** Offset one past the newest byte written. */
  tail = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new NetlabError('bad-option', `send buffer size must be a positive integer, got ${capacity}`);
    this.ring = new Uint8Array(Math.min(capacity, INITIAL_RING));
  }

  /** Bytes held (unacknowledged or unsent). */
  get length(): number {
    return this.tail - this.head;
  }

  get free(): number {
    return this.capacity - (this.tail - this.head);
  }

  /** Appends as much of `data[start..end)` as fits; returns the bytes taken. */
  append(data: Uint8Array, start = 0, end = data.length): number {
    const n = Math.min(end - start, this.free);
    if (n <= 0) return 0;
    if (this.tail + n - this.head > this.ring.length) this.grow(this.tail + n - this.head);
    const cap = this.ring.length;
    const at = this.tail % cap;
    const first = Math.min(n, cap - at);
    this.ring.set(data.subarray(start, start + first), at);
    if (first < n) this.ring.set(data.subarray(start + first, start + n), 0);
    this.tail += n;
    return n;
  }

  /** Copies `length` bytes from stream offset `offset` (inside [head, tail)) to `out[at]`. */
  copyOut(offset: number, length: number, out: Uint8Array, at: number): void {
    if (offset < this.head || offset + length > this.tail)
      throw new NetlabError(
        'tcp-internal',
        `send buffer holds [${this.head}, ${this.tail}), asked ${offset}+${length}`,
      );
    const cap = this.ring.length;
    const from = offset % cap;
    const first = Math.min(length, cap - from);
    out.set(this.ring.subarray(from, from + first), at);
    if (first < length) out.set(this.ring.subarray(0, length - first), at + first);
  }

  /** Forgets everything before `offset` (it was acknowledged). */
  release(offset: number): void {
    if (offset > this.head) this.head = Math.min(offset, this.tail);
  }

  /** A larger ring holding `needed` bytes at least, with the held bytes at their new positions. */
  private grow(needed: number): void {
    let size = this.ring.length * 2;
    while (size < needed) size *= 2;
    const next = new Uint8Array(Math.min(size, this.capacity));
    const held = this.tail - this.head;
    if (held > 0) {
      const tmp = new Uint8Array(held);
      this.copyOut(this.head, held, tmp, 0);
      const at = this.head % next.length;
      const first = Math.min(held, next.length - at);
      next.set(tmp.subarray(0, first), at);
      if (first < held) next.set(tmp.subarray(first), 0);
    }
    this.ring = next;
  }
}
