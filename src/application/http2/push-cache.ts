/**
 * The client's push cache: responses a server pushed (RFC 9113 §8.4), kept per
 * connection until a request for the same URL claims them — once, as browsers did. A
 * promise may still be arriving when it is claimed; the claimant waits for it.
 *
 * Bounded: at most `maxEntries` unclaimed pushes; the connection refuses further
 * promises (RST_STREAM CANCEL) until some are claimed.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';

export interface PushEntry<R> {
  readonly promisedStreamId: number;
  readonly authority: string;
  readonly path: string;
  /** Resolves with the pushed response once it is complete. */
  readonly response: Promise<R>;
}

export class PushCache<R> {
  private readonly entries = new Map<string, PushEntry<R>>();

  constructor(readonly maxEntries = 32) {
    if (!Number.isInteger(maxEntries) || maxEntries < 0) {
      throw new NetlabError('h2-bad-option', `maxEntries must be a non-negative integer: ${maxEntries}`);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get full(): boolean {
    return this.entries.size >= this.maxEntries;
  }

  /** Adds a promise; false when full or when the URL is already promised (the new one is refused). */
  add(entry: PushEntry<R>): boolean {
    const key = `${entry.authority} ${entry.path}`;
    if (this.full || this.entries.has(key)) return false;
    this.entries.set(key, entry);
    return true;
  }

  /** Removes and returns the entry for a URL, if pushed. */
  take(authority: string, path: string): PushEntry<R> | undefined {
    const key = `${authority} ${path}`;
    const e = this.entries.get(key);
    if (e) this.entries.delete(key);
    return e;
  }

  /** Drops the entry of a promised stream (reset before it was claimed). */
  forget(promisedStreamId: number): void {
    for (const [k, e] of this.entries) if (e.promisedStreamId === promisedStreamId) this.entries.delete(k);
  }

  /** URLs pushed and not claimed, for tests and the inspector. */
  paths(): string[] {
    return [...this.entries.values()].map((e) => e.path);
  }
}
