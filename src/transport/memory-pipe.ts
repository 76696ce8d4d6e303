/**
 * Two `ByteStream`s joined back to back in memory, with no network in between: what one
 * writes, the other reads. Protocol adapters (HTTP, TLS, ...) are tested over it before
 * they meet TCP, and it is the socketpair() of the lab.
 *
 * Each direction buffers at most `capacity` bytes; a writer beyond that waits until the
 * reader catches up, so back-pressure behaves as on a real socket.
 *
 * Inside a simulation pass `sim.deferred.bind(sim)` as `deferred`, so readers resume at
 * the simulated instant the bytes were written. Outside, plain promises are used.
 */
import { plainDeferred } from '../sim/plain-deferred.ts';
import type { Deferred } from '../sim/simulator.ts';
import { type ByteStream, StreamError, type StreamEndpoint } from './byte-stream.ts';
import { takeFront } from './chunk-queue.ts';

export interface MemoryPipeOptions {
  /** Bytes each direction holds before writers wait. Default 65536. */
  readonly capacity?: number;
  /** Promise factory; default plain promises. */
  readonly deferred?: <T>() => Deferred<T>;
  readonly a?: StreamEndpoint;
  readonly b?: StreamEndpoint;
}

/** One direction: a bounded byte queue with one waiting reader and waiting writers. */
class Channel {
  chunks: Uint8Array[] = [];
  size = 0;
  ended = false;
  reset = false;
  reader: { d: Deferred<Uint8Array | null>; max: number } | null = null;
  writers: { data: Uint8Array; d: Deferred<void> }[] = [];

  constructor(
    readonly capacity: number,
    readonly deferred: <T>() => Deferred<T>,
  ) {}

  push(data: Uint8Array): void {
    if (data.length === 0) return;
    this.chunks.push(data.slice());
    this.size += data.length;
    this.wakeReader();
  }

  take(max: number): Uint8Array {
    const out = takeFront(this.chunks, max);
    this.size -= out.length;
    return out;
  }

  wakeReader(): void {
    const r = this.reader;
    if (!r) return;
    if (this.reset) {
      this.reader = null;
      r.d.reject(new StreamError('connection-reset', 'Connection reset by peer'));
    } else if (this.size > 0) {
      this.reader = null;
      r.d.resolve(this.take(r.max));
      this.admitWriters();
    } else if (this.ended) {
      this.reader = null;
      r.d.resolve(null);
    }
  }

  admitWriters(): void {
    while (this.writers.length > 0 && this.size < this.capacity) {
      const w = this.writers.shift()!;
      this.push(w.data);
      w.d.resolve();
    }
  }

  fail(): void {
    this.reset = true;
    this.chunks = [];
    this.size = 0;
    for (const w of this.writers) w.d.reject(new StreamError('connection-reset', 'Connection reset by peer'));
    this.writers = [];
    this.wakeReader();
  }
}

class PipeEnd implements ByteStream {
  private closed = false;

  constructor(
    readonly local: StreamEndpoint,
    readonly remote: StreamEndpoint,
    private readonly incoming: Channel,
    private readonly outgoing: Channel,
  ) {}

  read(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    const ch = this.incoming;
    if (ch.reset) return Promise.reject(new StreamError('connection-reset', 'Connection reset by peer'));
    if (this.closed) return Promise.resolve(null);
    if (ch.reader) return Promise.reject(new StreamError('concurrent-read', 'read() is already pending'));
    if (!(max >= 1)) throw new RangeError('read(max): max must be at least 1');
    const d = ch.deferred<Uint8Array | null>();
    ch.reader = { d, max };
    ch.wakeReader();
    return d.promise;
  }

  write(data: Uint8Array): Promise<void> {
    const ch = this.outgoing;
    if (ch.reset) return Promise.reject(new StreamError('connection-reset', 'Connection reset by peer'));
    if (ch.ended || this.closed) return Promise.reject(new StreamError('stream-closed', 'write after end'));
    if (ch.size < ch.capacity && ch.writers.length === 0) {
      ch.push(data);
      return Promise.resolve();
    }
    const d = ch.deferred<void>();
    ch.writers.push({ data, d });
    return d.promise;
  }

  end(): Promise<void> {
    const ch = this.outgoing;
    if (!ch.ended) {
      ch.ended = true;
      // Bytes still waiting for room are delivered before the end of stream.
      if (ch.writers.length === 0) ch.wakeReader();
    }
    return Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    void this.end();
    this.closed = true;
    const r = this.incoming.reader;
    if (r) {
      this.incoming.reader = null;
      r.d.resolve(null);
    }
  }

  abort(): void {
    this.closed = true;
    this.incoming.fail();
    this.outgoing.fail();
  }
}

/** A connected pair: bytes written to `a` are read from `b`, and the other way round. */
export function memoryPipe(options: MemoryPipeOptions = {}): { a: ByteStream; b: ByteStream } {
  const capacity = options.capacity ?? 65536;
  if (!(capacity >= 1)) throw new RangeError('memoryPipe: capacity must be at least 1');
  const deferred = options.deferred ?? plainDeferred;
  const ea = options.a ?? { address: 'pipe-a', port: 0 };
  const eb = options.b ?? { address: 'pipe-b', port: 0 };
  const ab = new Channel(capacity, deferred);
  const ba = new Channel(capacity, deferred);
  const a = new PipeEnd(ea, eb, ba, ab);
  const b = new PipeEnd(eb, ea, ab, ba);
  return { a, b };
}
