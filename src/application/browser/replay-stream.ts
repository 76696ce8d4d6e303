/**
 * A ByteStream whose first read returns bytes already read from the one it wraps: what a
 * server that peeks at the start of a connection (to tell HTTP/2's prior-knowledge
 * preface from an HTTP/1.x request line) hands to the protocol it chose.
 */
import type { ByteStream, StreamEndpoint } from '../../transport/byte-stream.ts';

export class ReplayStream implements ByteStream {
  private head: Uint8Array | null;

  constructor(
    private readonly inner: ByteStream,
    head: Uint8Array,
  ) {
    this.head = head.length > 0 ? head : null;
  }

  get local(): StreamEndpoint {
    return this.inner.local;
  }

  get remote(): StreamEndpoint {
    return this.inner.remote;
  }

  read(max?: number): Promise<Uint8Array | null> {
    const head = this.head;
    if (head === null) return this.inner.read(max);
    if (max !== undefined && max < head.length) {
      this.head = head.subarray(max);
      return Promise.resolve(head.subarray(0, max));
    }
    this.head = null;
    return Promise.resolve(head);
  }

  write(data: Uint8Array): Promise<void> {
    return this.inner.write(data);
  }

  end(): Promise<void> {
    return this.inner.end();
  }

  close(): void {
    this.inner.close();
  }

  abort(): void {
    this.inner.abort();
  }
}
