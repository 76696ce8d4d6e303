/**
 * A bounds-checked big-endian reader over a Uint8Array, shared by every stream-style codec.
 *
 * Reads past the end do not throw: they set `overrun` and return 0 (or an empty view), so a
 * codec reads a whole structure and checks `overrun` once, then returns a ProtocolError.
 * Byte strings are returned as `subarray` views (zero-copy); copy them if you keep them
 * beyond the life of the input buffer.
 */
export class ByteReader {
  offset: number;
  overrun = false;
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
    readonly end = bytes.length,
  ) {
    this.offset = offset;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remaining(): number {
    return Math.max(0, this.end - this.offset);
  }

  private take(n: number): number {
    const at = this.offset;
    if (at + n > this.end) {
      this.overrun = true;
      this.offset = this.end;
      return -1;
    }
    this.offset = at + n;
    return at;
  }

  u8(): number {
    const at = this.take(1);
    return at < 0 ? 0 : this.bytes[at]!;
  }

  u16(): number {
    const at = this.take(2);
    return at < 0 ? 0 : this.view.getUint16(at);
  }

  u24(): number {
    const at = this.take(3);
    return at < 0 ? 0 : (this.bytes[at]! << 16) | this.view.getUint16(at + 1);
  }

  u32(): number {
    const at = this.take(4);
    return at < 0 ? 0 : this.view.getUint32(at);
  }

  /** A view of the next n bytes. */
  bytesView(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(0) : this.bytes.subarray(at, at + n);
  }

  /** A view of everything up to `end`. */
  rest(): Uint8Array {
    const at = this.offset;
    this.offset = this.end;
    return this.bytes.subarray(at, this.end);
  }

  skip(n: number): void {
    this.take(n);
  }
}
