/**
 * Frame buffers for outgoing segments, carved from large zero-filled slabs. A fresh
 * ArrayBuffer per 1.5 kB frame costs an off-heap allocation and GC bookkeeping on every
 * packet; a view into a shared slab is just a small object. Slabs are never reused: a new
 * one is taken when the current is used up, and an old one is freed by the GC once no
 * frame in it is alive (queued on a link, held in a capture...). So every frame starts
 * zeroed (Ethernet padding included) and no two frames share bytes. Slabs are 64 KiB: small
 * enough for the C allocator to hand back recently freed (already mapped) memory, where
 * 1 MiB slabs would be fresh mappings that page-fault on every first touch.
 */
export class FrameSlab {
  private slab: ArrayBuffer;
  private used = 0;

  constructor(private readonly slabSize = 1 << 16) {
    this.slab = new ArrayBuffer(slabSize);
  }

  /** A zeroed frame of `length` bytes (at least 60, the Ethernet minimum). */
  frame(length: number): Uint8Array {
    const n = Math.max(60, length);
    if (n > this.slabSize >>> 2) return new Uint8Array(n);
    // Keep every frame 4-byte aligned so checksums can read whole words.
    const size = (n + 3) & ~3;
    if (this.used + size > this.slabSize) {
      this.slab = new ArrayBuffer(this.slabSize);
      this.used = 0;
    }
    const f = new Uint8Array(this.slab, this.used, n);
    this.used += size;
    return f;
  }
}
