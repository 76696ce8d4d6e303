/**
 * The growable output buffer of the HPACK encoder. It is kept apart from the shared
 * ByteWriter because the Huffman coder writes straight into the backing array (`reserve`
 * then write at `length`), which saves a copy per string on the encoder's hot path.
 */
export class EncodeBuffer {
  bytes: Uint8Array;
  length = 0;

  constructor(initialCapacity = 512) {
    this.bytes = new Uint8Array(initialCapacity);
  }

  /** Makes room for `extra` more octets at `length`. */
  reserve(extra: number): void {
    const need = this.length + extra;
    if (need <= this.bytes.length) return;
    let cap = this.bytes.length * 2;
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  u8(v: number): void {
    if (this.length >= this.bytes.length) this.reserve(1);
    this.bytes[this.length++] = v;
  }

  /** A copy of what was written, then the buffer is emptied for the next block. */
  take(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    this.length = 0;
    return out;
  }
}
