/**
 * The lab's capture: every frame put on every link (each `link.tx`), kept as columns of
 * typed arrays and one arena of frame bytes, so a million packets cost a few bytes of
 * bookkeeping each plus the frames themselves, and the packet list, the filter, the
 * inspector and the pcap download all read the same copy.
 *
 * Frames are copied at once (routers rewrite the buffer they forward). The arena is a list
 * of fixed-size chunks: appending never moves stored bytes, and a frame is a zero-copy
 * view into its chunk.
 *
 * Limits: `maxPackets` rows (default 2,000,000) and `maxBytes` of frame bytes (default
 * 256 MiB). Past either, frames are counted in `dropped` but not kept: the simulation runs
 * on, the capture says it is full (as a capture file on a full disk would).
 */
import { NetlabError } from '../../../src/bytes/netlab-error.ts';

export interface PacketStoreLimits {
  readonly maxPackets?: number;
  readonly maxBytes?: number;
}

export const DEFAULT_MAX_PACKETS = 2_000_000;
export const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;
const FIRST_CAPACITY = 1024;

export class PacketStore {
  readonly maxPackets: number;
  readonly maxBytes: number;
  /** Frames seen but not kept because a limit was reached. */
  dropped = 0;
  private n = 0;
  private storedBytes = 0;
  private times = new Float64Array(FIRST_CAPACITY);
  private ifaces = new Uint32Array(FIRST_CAPACITY);
  private chunkOf = new Uint32Array(FIRST_CAPACITY);
  private offsets = new Uint32Array(FIRST_CAPACITY);
  private lengths = new Uint32Array(FIRST_CAPACITY);
  private readonly chunks: Uint8Array[] = [];
  private fill = CHUNK_BYTES;

  constructor(limits: PacketStoreLimits = {}) {
    this.maxPackets = limits.maxPackets ?? DEFAULT_MAX_PACKETS;
    this.maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
    if (!(Number.isInteger(this.maxPackets) && this.maxPackets >= 1 && this.maxPackets <= 2 ** 32 - 1))
      throw new NetlabError('bad-capture', `maxPackets must be a whole number >= 1, got ${this.maxPackets}`);
    if (!(Number.isInteger(this.maxBytes) && this.maxBytes >= 1))
      throw new NetlabError('bad-capture', `maxBytes must be a whole number >= 1, got ${this.maxBytes}`);
  }

  /** Packets kept. */
  get count(): number {
    return this.n;
  }

  /** Bytes of frames kept. */
  get bytes(): number {
    return this.storedBytes;
  }

  /** Whether a limit was reached (some frames were not kept). */
  get full(): boolean {
    return this.dropped > 0;
  }

  /** Copies `frame` in; returns its packet index, or -1 when a limit is reached. */
  add(time: number, iface: number, frame: Uint8Array): number {
    const len = frame.length;
    if (this.n >= this.maxPackets || this.storedBytes + len > this.maxBytes || len > CHUNK_BYTES) {
      this.dropped++;
      return -1;
    }
    if (this.n === this.times.length) this.grow();
    if (this.fill + len > CHUNK_BYTES) {
      this.chunks.push(new Uint8Array(CHUNK_BYTES));
      this.fill = 0;
    }
    const chunk = this.chunks.length - 1;
    this.chunks[chunk]!.set(frame, this.fill);
    const i = this.n++;
    this.times[i] = time;
    this.ifaces[i] = iface;
    this.chunkOf[i] = chunk;
    this.offsets[i] = this.fill;
    this.lengths[i] = len;
    this.fill += len;
    this.storedBytes += len;
    return i;
  }

  time(i: number): number {
    this.check(i);
    return this.times[i]!;
  }

  iface(i: number): number {
    this.check(i);
    return this.ifaces[i]!;
  }

  length(i: number): number {
    this.check(i);
    return this.lengths[i]!;
  }

  /** A view of packet `i`'s bytes (valid as long as the store; copy before transferring). */
  frame(i: number): Uint8Array {
    this.check(i);
    const off = this.offsets[i]!;
    return this.chunks[this.chunkOf[i]!]!.subarray(off, off + this.lengths[i]!);
  }

  private check(i: number): void {
    if (!(i >= 0 && i < this.n)) throw new NetlabError('no-such-packet', `no packet ${i} (have ${this.n})`);
  }

  private grow(): void {
    const cap = Math.min(this.times.length * 2, this.maxPackets);
    const grow = <T extends Float64Array | Uint32Array>(a: T, make: (n: number) => T): T => {
      const b = make(cap);
      b.set(a);
      return b;
    };
    this.times = grow(this.times, (c) => new Float64Array(c));
    this.ifaces = grow(this.ifaces, (c) => new Uint32Array(c));
    this.chunkOf = grow(this.chunkOf, (c) => new Uint32Array(c));
    this.offsets = grow(this.offsets, (c) => new Uint32Array(c));
    this.lengths = grow(this.lengths, (c) => new Uint32Array(c));
  }
}
