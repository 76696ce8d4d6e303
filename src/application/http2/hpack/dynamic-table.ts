/**
 * The HPACK dynamic table, RFC 7541 §2.3.2 and §4: a FIFO of header fields, newest at
 * dynamic index 1, whose size (§4.1: name + value octets + 32 per entry) never exceeds
 * the maximum size. Adding an entry first evicts the oldest entries until it fits; an
 * entry larger than the maximum empties the table and is not added (§4.4). Lowering the
 * maximum evicts at once (§4.3).
 *
 * Storage is a ring of parallel arrays that grows on demand, so the decoder allocates
 * nothing per entry beyond the strings themselves. The encoder's table also keeps two
 * maps for lookups (exact field, name only), tagging each entry with its insertion
 * number so an index is `inserted - number` without renumbering on every insert.
 */
import { ENTRY_OVERHEAD } from './header-field.ts';

export class DynamicTable {
  private names: string[] = new Array(16);
  private values: string[] = new Array(16);
  private head = 0; // slot of the oldest entry
  private count = 0;
  /** Entries ever inserted; entry number k (0-based) has dynamic index `inserted - k`. */
  private inserted = 0;
  /** name -> value -> newest insertion number (nested, so lookups build no key strings). */
  private readonly exact: Map<string, Map<string, number>> | null;
  private readonly byName: Map<string, number> | null;
  /** Current size in octets, as RFC 7541 §4.1 counts it. */
  size = 0;

  constructor(
    /** Current maximum size (changed by size updates). */
    public maxSize: number,
    /** Keep lookup maps (the encoder's table). */
    indexed = false,
  ) {
    this.exact = indexed ? new Map() : null;
    this.byName = indexed ? new Map() : null;
  }

  /** Number of entries. */
  get length(): number {
    return this.count;
  }

  private slot(index: number): number {
    // index 1 = newest = (head + count - 1) mod capacity
    return (this.head + this.count - index) & (this.names.length - 1);
  }

  /** Name at dynamic index (1 = newest); the caller checks 1 <= index <= length. */
  name(index: number): string {
    return this.names[this.slot(index)]!;
  }

  value(index: number): string {
    return this.values[this.slot(index)]!;
  }

  /** Inserts a field (RFC 7541 §4.4), evicting as needed. */
  add(name: string, value: string): void {
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    if (entrySize > this.maxSize) {
      this.evictTo(0);
      return;
    }
    this.evictTo(this.maxSize - entrySize);
    if (this.count === this.names.length) this.grow();
    const at = (this.head + this.count) & (this.names.length - 1);
    this.names[at] = name;
    this.values[at] = value;
    this.count++;
    this.size += entrySize;
    if (this.exact) {
      const number = this.inserted;
      let values = this.exact.get(name);
      if (!values) this.exact.set(name, (values = new Map()));
      values.set(value, number);
      this.byName!.set(name, number);
    }
    this.inserted++;
  }

  /** Changes the maximum size (a dynamic table size update, RFC 7541 §4.3). */
  setMaxSize(maxSize: number): void {
    this.maxSize = maxSize;
    this.evictTo(maxSize);
  }

  /** The dynamic index of exactly (name, value), or 0 (encoder tables only). */
  indexOf(name: string, value: string): number {
    const number = this.exact?.get(name)?.get(value);
    return number === undefined ? 0 : this.inserted - number;
  }

  /** The dynamic index of the newest entry named `name`, or 0 (encoder tables only). */
  nameIndexOf(name: string): number {
    const number = this.byName?.get(name);
    return number === undefined ? 0 : this.inserted - number;
  }

  /** Entries newest first, for tests and the inspector. */
  entries(): { name: string; value: string; size: number }[] {
    const out = [];
    for (let i = 1; i <= this.count; i++) {
      const name = this.name(i);
      const value = this.value(i);
      out.push({ name, value, size: name.length + value.length + ENTRY_OVERHEAD });
    }
    return out;
  }

  private evictTo(limit: number): void {
    const mask = this.names.length - 1;
    while (this.size > limit && this.count > 0) {
      const at = this.head;
      const name = this.names[at]!;
      const value = this.values[at]!;
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
      if (this.exact) {
        // The entry's number is the oldest live one; drop map entries that still point at it.
        const number = this.inserted - this.count;
        const values = this.exact.get(name)!;
        if (values.get(value) === number) {
          values.delete(value);
          if (values.size === 0) this.exact.delete(name);
        }
        if (this.byName!.get(name) === number) this.byName!.delete(name);
      }
      this.names[at] = '';
      this.values[at] = '';
      this.head = (at + 1) & mask;
      this.count--;
    }
  }

  private grow(): void {
    const cap = this.names.length;
    const names: string[] = new Array(cap * 2);
    const values: string[] = new Array(cap * 2);
    for (let i = 0; i < this.count; i++) {
      names[i] = this.names[(this.head + i) & (cap - 1)]!;
      values[i] = this.values[(this.head + i) & (cap - 1)]!;
    }
    this.names = names;
    this.values = values;
    this.head = 0;
  }
}
