/**
 * The front of a queue of received chunks, as a `ByteStream.read(max)` hands it out: the
 * first chunk whole when it fits, else its first `max` bytes (a view, no copy) with the
 * rest left first in line. Every stream that buffers chunks for its reader (the memory
 * pipe, the TLS stream, the real socket) reads this way, so a reader sees the same chunk
 * boundaries whichever stream is underneath.
 */

/** Removes and returns at most `max` bytes from the front of `chunks`, which must not be empty. */
export function takeFront(chunks: Uint8Array[], max: number): Uint8Array {
  const first = chunks[0]!;
  if (first.length <= max) {
    chunks.shift();
    return first;
  }
  chunks[0] = first.subarray(max);
  return first.subarray(0, max);
}
