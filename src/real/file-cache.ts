/**
 * A least-recently-used map bounded two ways: in entries and in bytes. http-directory.ts
 * keeps what it learnt about each request path here (the resolved path, the file's
 * identity, and for small files their content), so a hit costs one stat() instead of
 * realpath(), stat(), open(), fstat(), read() and close().
 *
 * The bounds are hard: after every `set` the map holds at most `maxEntries` entries whose
 * `bytes` add up to at most `maxBytes`; the least recently used go first. An entry bigger
 * than `maxBytes` on its own is not kept at all.
 *
 * Recency is the Map's insertion order (a hit moves the entry to the end), so `get`,
 * `set` and eviction are O(1).
 */

export interface CacheBounds {
  /** At most this many entries. */
  readonly maxEntries: number;
  /** The entries' `bytes` add up to at most this. */
  readonly maxBytes: number;
}

export class BoundedLru<V extends { readonly bytes: number }> {
  readonly #map = new Map<string, V>();
  #bytes = 0;

  constructor(readonly bounds: CacheBounds) {}

  /** The entry for `key`, now the most recently used. */
  get(key: string): V | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  /** Stores `value` under `key` (replacing what was there), then evicts down to the bounds. */
  set(key: string, value: V): void {
    this.delete(key);
    if (value.bytes > this.bounds.maxBytes || this.bounds.maxEntries < 1) return;
    this.#map.set(key, value);
    this.#bytes += value.bytes;
    for (const [k, v] of this.#map) {
      if (this.#map.size <= this.bounds.maxEntries && this.#bytes <= this.bounds.maxBytes) break;
      this.#map.delete(k);
      this.#bytes -= v.bytes;
    }
  }

  delete(key: string): void {
    const old = this.#map.get(key);
    if (old === undefined) return;
    this.#map.delete(key);
    this.#bytes -= old.bytes;
  }

  /** Entries held now. */
  get size(): number {
    return this.#map.size;
  }

  /** Sum of the held entries' `bytes`. */
  get bytes(): number {
    return this.#bytes;
  }
}
