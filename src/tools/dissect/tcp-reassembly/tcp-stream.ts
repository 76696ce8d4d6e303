/**
 * One direction of a TCP connection put back in order (RFC 9293 §3.4, §3.10.7.4): the
 * segments of a capture, which may repeat bytes (retransmissions, overlapping
 * re-segmentation) and arrive out of order, become the byte stream the sender wrote, as
 * Wireshark's "reassemble out-of-order segments" does before handing TLS its records.
 *
 * Positions are relative to the first payload byte (the SYN's sequence number + 1, or the
 * first data segment's when the capture missed the SYN), computed modulo 2^32, so a
 * stream that wraps the sequence space is followed as long as it stays under 2^31 bytes
 * (it is capped far below that).
 *
 * A hole that no later segment fills is a gap: bytes past it are never delivered, since
 * what follows it cannot be framed (TLS records cannot be cut or numbered, the record
 * sequence number being the nonce; HTTP/2 frames cannot be found); `gap()` says where it
 * is. Bounded: at most `maxBytes` delivered plus held, and
 * at most MAX_HELD_SEGMENTS held out of order; past either the stream stops, saying why.
 */

/** Segments held beyond a hole, waiting for it to be filled. */
export const MAX_HELD_SEGMENTS = 1024;

/** Sequence numbers more than 2^31 behind the start are older than the stream: ignored. */
const HALF = 0x8000_0000;

export class TcpStream {
  private base: number | undefined;
  /** Relative position of the next byte to deliver. */
  private next = 0;
  private readonly held = new Map<number, Uint8Array>();
  private heldBytes = 0;
  /** Set when the stream stops for good (a limit); the reason. */
  stopped: string | undefined;

  constructor(readonly maxBytes: number) {}

  /** Bytes delivered in order so far. */
  get delivered(): number {
    return this.next;
  }

  /**
   * Where the byte at sequence number `seq` is in the stream (the first payload byte is
   * 0), or undefined before the stream's start is known or for a sequence number older
   * than the stream.
   */
  position(seq: number): number | undefined {
    if (this.base === undefined) return undefined;
    const rel = (seq - this.base) >>> 0;
    return rel >= HALF ? undefined : rel;
  }

  /** A SYN from this side: its sequence number + 1 is the first payload byte. */
  syn(seq: number): void {
    this.base ??= (seq + 1) >>> 0;
  }

  /**
   * Adds a segment's payload at sequence number `seq`; returns the bytes it makes
   * available in order (none when it is a retransmission or lies beyond a hole).
   */
  add(seq: number, payload: Uint8Array): Uint8Array[] {
    if (payload.length === 0 || this.stopped !== undefined) return [];
    this.base ??= seq >>> 0;
    const rel = (seq - this.base) >>> 0;
    if (rel >= HALF) return [];
    const out: Uint8Array[] = [];
    if (rel > this.next) {
      this.hold(rel, payload);
      return out;
    }
    this.deliver(rel, payload, out);
    // The hole before held segments may be filled now.
    for (let found = true; found && this.stopped === undefined; ) {
      found = false;
      for (const [at, bytes] of this.held) {
        if (at > this.next) continue;
        this.held.delete(at);
        this.heldBytes -= bytes.length;
        this.deliver(at, bytes, out);
        found = true;
      }
    }
    return out;
  }

  /** The hole bytes are waiting behind, if any: where it starts and how long it is. */
  gap(): { readonly at: number; readonly missing: number } | undefined {
    if (this.held.size === 0) return undefined;
    const first = Math.min(...this.held.keys());
    return { at: this.next, missing: first - this.next };
  }

  private deliver(rel: number, payload: Uint8Array, out: Uint8Array[]): void {
    const end = rel + payload.length;
    if (end <= this.next) return; // all seen before: a retransmission
    const fresh = payload.subarray(this.next - rel);
    if (this.next + fresh.length + this.heldBytes > this.maxBytes) {
      this.stopped = `stopped after ${this.next} bytes: the decoder keeps at most ${this.maxBytes} bytes per direction`;
      return;
    }
    out.push(fresh);
    this.next = end;
  }

  private hold(rel: number, payload: Uint8Array): void {
    const had = this.held.get(rel);
    if (had !== undefined && had.length >= payload.length) return;
    if (this.held.size >= MAX_HELD_SEGMENTS) {
      this.stopped = `stopped at byte ${this.next}: more than ${MAX_HELD_SEGMENTS} segments out of order`;
      return;
    }
    if (this.next + this.heldBytes + payload.length > this.maxBytes) {
      this.stopped = `stopped after ${this.next} bytes: the decoder keeps at most ${this.maxBytes} bytes per direction`;
      return;
    }
    if (had !== undefined) this.heldBytes -= had.length;
    this.held.set(rel, payload);
    this.heldBytes += payload.length;
  }
}
