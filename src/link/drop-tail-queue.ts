/**
 * A DropTail FIFO of frames with a limit in packets or in bytes: when a frame arrives and
 * the limit would be exceeded, the new frame is dropped (tail drop). This is the device
 * queue of every NIC and switch port; the frame being transmitted is not in it (as in
 * ns-3, a device holds `limit` waiting frames plus the one on the wire).
 *
 * A ring buffer, so enqueue and dequeue never shift an array.
 */
export type QueueLimit = { readonly packets: number } | { readonly bytes: number };

export class DropTailQueue {
  private items: (Uint8Array | undefined)[];
  private head = 0;
  private count = 0;
  private byteCount = 0;
  readonly maxPackets: number;
  readonly maxBytes: number;

  constructor(limit: QueueLimit = { packets: 100 }) {
    this.maxPackets = 'packets' in limit ? limit.packets : Number.POSITIVE_INFINITY;
    this.maxBytes = 'bytes' in limit ? limit.bytes : Number.POSITIVE_INFINITY;
    if (!(this.maxPackets >= 1) || !(this.maxBytes >= 1))
      throw new RangeError('queue limit must be at least 1');
    this.items = new Array(Number.isFinite(this.maxPackets) ? Math.min(this.maxPackets, 1024) : 64);
  }

  get length(): number {
    return this.count;
  }

  get bytes(): number {
    return this.byteCount;
  }

  /** Adds a frame; false (and nothing stored) when the limit would be exceeded. */
  enqueue(frame: Uint8Array): boolean {
    if (this.count >= this.maxPackets || this.byteCount + frame.length > this.maxBytes) return false;
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) % this.items.length] = frame;
    this.count++;
    this.byteCount += frame.length;
    return true;
  }

  dequeue(): Uint8Array | undefined {
    if (this.count === 0) return undefined;
    const frame = this.items[this.head]!;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.items.length;
    this.count--;
    this.byteCount -= frame.length;
    return frame;
  }

  /** Removes everything (a device going down); returns what was removed. */
  clear(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let f = this.dequeue(); f; f = this.dequeue()) out.push(f);
    return out;
  }

  private grow(): void {
    const next = new Array<Uint8Array | undefined>(this.items.length * 2);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % this.items.length];
    this.items = next;
    this.head = 0;
  }
}
