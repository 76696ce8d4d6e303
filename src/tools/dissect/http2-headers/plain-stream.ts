/**
 * One direction's decrypted application data as one byte stream, without joining it:
 * the records' plaintexts in order, each at its position in the stream (the sum of the
 * lengths before it). HTTP/2 frames are cut from the stream, not from records (RFC 9113
 * §4.1 frames a byte stream; TLS records are just how it was sent), so a frame may start
 * in one record and end in another. Reads copy only the bytes asked for.
 */

/** A decrypted record's application data and where the record starts in the TLS stream. */
export interface PlainRecord {
  /** The record header's offset in its direction's TCP byte stream (DecryptedRecord.streamOffset). */
  readonly streamOffset: number;
  readonly bytes: Uint8Array;
}

export class PlainStream {
  /** Where each record's plaintext starts in this stream. */
  readonly starts: number[] = [];
  readonly length: number;

  constructor(readonly records: readonly PlainRecord[]) {
    let at = 0;
    for (const r of records) {
      this.starts.push(at);
      at += r.bytes.length;
    }
    this.length = at;
  }

  /** The index of the record holding stream byte `pos` (0 <= pos < length). */
  recordAt(pos: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    // Empty records share their start with the next one: take the one that has the byte.
    while (lo < this.records.length - 1 && pos - this.starts[lo]! >= this.records[lo]!.bytes.length) lo++;
    return lo;
  }

  /** Bytes [from, from + n) of the stream (a view when they lie in one record); the caller checked the range. */
  read(from: number, n: number): Uint8Array {
    let i = this.recordAt(from);
    const first = this.records[i]!.bytes;
    const off = from - this.starts[i]!;
    if (off + n <= first.length) return first.subarray(off, off + n);
    const out = new Uint8Array(n);
    let done = 0;
    let o = off;
    while (done < n) {
      const b = this.records[i]!.bytes;
      const take = Math.min(n - done, b.length - o);
      out.set(b.subarray(o, o + take), done);
      done += take;
      i++;
      o = 0;
    }
    return out;
  }
}
