/**
 * The per-stream record the connection machine keeps: state, both flow-control windows,
 * queued output, and the HTTP bookkeeping the §8 checks need (which header section comes
 * next, content-length against DATA received).
 */
import { concatBytes } from '../../bytes/concat.ts';
import type { HeaderField } from './hpack/header-field.ts';
import { DEFAULT_PRIORITY, type Priority } from './priority.ts';
import type { StreamState } from './stream-state.ts';

export class H2Stream {
  state: StreamState = 'idle';
  /** What the peer still accepts on this stream (our send window, §6.9). */
  sendWindow: number;
  /** What the peer may still send us on this stream. */
  recvWindow: number;
  /** Octets the application consumed that no WINDOW_UPDATE has returned yet. */
  unacked = 0;
  /** Queued DATA payload, sent as windows and the scheduler allow. */
  readonly out: Uint8Array[] = [];
  outOffset = 0;
  outBytes = 0;
  /** END_STREAM goes out after the queued data (and trailers, if any). */
  endQueued = false;
  trailers: readonly HeaderField[] | null = null;
  priority: Priority = DEFAULT_PRIORITY;
  /** Received: a final response (client) / request headers (server) were seen. */
  headReceived = false;
  /** content-length of the message being received, when given. */
  expectedLength: number | undefined;
  receivedLength = 0;
  /** Client: the request was HEAD, so the response has no content (§8.1.1). */
  headRequest = false;
  /** A pushed stream (promised by PUSH_PROMISE). */
  readonly pushed: boolean;

  constructor(
    readonly id: number,
    sendWindow: number,
    recvWindow: number,
    pushed = false,
  ) {
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
    this.pushed = pushed;
  }

  /** Whether this stream has anything for the scheduler: data, trailers or END_STREAM. */
  get hasOutput(): boolean {
    return this.outBytes > 0 || this.endQueued;
  }

  /** Removes and returns up to n queued octets (a view when they lie in one chunk). */
  takeOut(n: number): Uint8Array {
    const first = this.out[0]!;
    const left = first.length - this.outOffset;
    let chunk: Uint8Array;
    if (left <= n) {
      chunk = this.outOffset === 0 ? first : first.subarray(this.outOffset);
      this.out.shift();
      this.outOffset = 0;
      if (left < n && this.out.length > 0) {
        // Coalesce small writes into one frame.
        const parts = [chunk];
        let total = chunk.length;
        while (total < n && this.out.length > 0) {
          const next = this.out[0]!;
          const take = Math.min(n - total, next.length);
          parts.push(next.subarray(0, take));
          total += take;
          if (take === next.length) this.out.shift();
          else this.outOffset = take;
        }
        chunk = concatBytes(parts);
      }
    } else {
      chunk = first.subarray(this.outOffset, this.outOffset + n);
      this.outOffset += n;
    }
    this.outBytes -= chunk.length;
    return chunk;
  }

  /** Drops queued output (after a reset). */
  clearOut(): void {
    this.out.length = 0;
    this.outOffset = 0;
    this.outBytes = 0;
    this.endQueued = false;
    this.trailers = null;
  }
}
