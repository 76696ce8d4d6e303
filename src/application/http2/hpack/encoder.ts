/**
 * The HPACK encoder, RFC 7541 §6 and §7: turns a header list into one header block.
 *
 * Strategy, per field, in this order:
 * 1. `sensitive` fields are literals never indexed (§6.2.3), naming the field by index
 *    when the name is in a table;
 * 2. a field present as a whole in the static table, then in the dynamic table, is one
 *    indexed representation (§6.1);
 * 3. otherwise a literal, its name by index when known (static table first, whose
 *    indexes never move), with incremental indexing (§6.2.1) under the 'incremental'
 *    strategy when the entry fits in the table, else without indexing (§6.2.2).
 * This is the strategy the RFC 7541 Appendix C examples use, and this encoder reproduces
 * them byte for byte.
 *
 * Strings are Huffman-coded always, never, or (the default) only when that is strictly
 * shorter, as nghttp2 does.
 *
 * Table size: the encoder starts at `maxTableSize` (the size both sides assume, 4096 by
 * default). When the peer's SETTINGS_HEADER_TABLE_SIZE changes, `setPeerMaxTableSize`
 * records it; the next block starts with the size updates §4.2 asks for (the smallest size
 * reached in between, then the final one). The encoder never uses more than its own
 * `tableSizeLimit`, whatever the peer allows.
 */
import { NetlabError } from '../../../bytes/netlab-error.ts';
import { DynamicTable } from './dynamic-table.ts';
import { EncodeBuffer } from './encode-buffer.ts';
import { ENTRY_OVERHEAD, type HeaderField } from './header-field.ts';
import { huffmanEncodedLength, huffmanEncodeInto } from './huffman.ts';
import { writeInteger } from './integer.ts';
import { isOctetString, writeOctets } from './octet-string.ts';
import { STATIC_TABLE_LENGTH, staticEntriesNamed } from './static-table.ts';

export type HuffmanMode = 'always' | 'never' | 'shorter';
/** 'incremental' adds literals to the dynamic table; 'none' never does (static table only). */
export type IndexingStrategy = 'incremental' | 'none';

export interface HpackEncoderOptions {
  readonly huffman?: HuffmanMode;
  readonly indexing?: IndexingStrategy;
  /** The table size both sides start with, with no size update sent. Default 4096. */
  readonly maxTableSize?: number;
  /** The largest table this encoder will use even if the peer allows more. Default 4096. */
  readonly tableSizeLimit?: number;
}

export class HpackEncoder {
  readonly table: DynamicTable;
  readonly huffman: HuffmanMode;
  readonly indexing: IndexingStrategy;
  readonly tableSizeLimit: number;
  private readonly out = new EncodeBuffer();
  /** Pending size updates: smallest size reached and final size, or -1 when none. */
  private pendingMin = -1;
  private pendingFinal = -1;

  constructor(options: HpackEncoderOptions = {}) {
    this.huffman = options.huffman ?? 'shorter';
    this.indexing = options.indexing ?? 'incremental';
    const size = options.maxTableSize ?? 4096;
    this.tableSizeLimit = options.tableSizeLimit ?? Math.max(4096, size);
    for (const [k, v] of [
      ['maxTableSize', size],
      ['tableSizeLimit', this.tableSizeLimit],
    ] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
        throw new NetlabError('hpack-bad-option', `${k} must be an integer from 0 to 2^32-1, got ${v}`);
      }
    }
    this.table = new DynamicTable(Math.min(size, this.tableSizeLimit), true);
  }

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE changed (RFC 9113 §6.5.2). The encoder adopts
   * min(size, tableSizeLimit) and signals it at the start of the next block.
   */
  setPeerMaxTableSize(size: number): void {
    const target = Math.min(size, this.tableSizeLimit);
    const current = this.pendingFinal >= 0 ? this.pendingFinal : this.table.maxSize;
    if (target === current) return;
    this.pendingMin = this.pendingMin < 0 ? target : Math.min(this.pendingMin, target);
    this.pendingFinal = target;
  }

  /** Encodes one header list as one header block. Throws NetlabError for non-octet characters. */
  encode(headers: readonly HeaderField[]): Uint8Array {
    const out = this.out;
    out.length = 0;
    if (this.pendingFinal >= 0) {
      if (this.pendingMin < this.pendingFinal) {
        writeInteger(out, this.pendingMin, 5, 0x20);
        this.table.setMaxSize(this.pendingMin);
      }
      writeInteger(out, this.pendingFinal, 5, 0x20);
      this.table.setMaxSize(this.pendingFinal);
      this.pendingMin = this.pendingFinal = -1;
    }
    for (const field of headers) this.encodeField(field.name, field.value, field.sensitive === true);
    return out.take();
  }

  private encodeField(name: string, value: string, sensitive: boolean): void {
    const out = this.out;
    const table = this.table;
    const staticEntries = staticEntriesNamed(name);
    if (!sensitive) {
      if (staticEntries) {
        for (const [v, index] of staticEntries) {
          if (v === value) {
            writeInteger(out, index, 7, 0x80);
            return;
          }
        }
      }
      if (this.indexing === 'incremental') {
        const d = table.indexOf(name, value);
        if (d > 0) {
          writeInteger(out, STATIC_TABLE_LENGTH + d, 7, 0x80);
          return;
        }
      }
    }
    let nameIndex = staticEntries ? staticEntries[0]![1] : 0;
    if (nameIndex === 0 && this.indexing === 'incremental') {
      const d = table.nameIndexOf(name);
      if (d > 0) nameIndex = STATIC_TABLE_LENGTH + d;
    }
    const index =
      !sensitive &&
      this.indexing === 'incremental' &&
      name.length + value.length + ENTRY_OVERHEAD <= table.maxSize;
    if (sensitive) writeInteger(out, nameIndex, 4, 0x10);
    else if (index) writeInteger(out, nameIndex, 6, 0x40);
    else writeInteger(out, nameIndex, 4, 0x00);
    if (nameIndex === 0) this.writeString(name);
    this.writeString(value);
    if (index) table.add(name, value);
  }

  /** A string literal (RFC 7541 §5.2). */
  private writeString(s: string): void {
    const out = this.out;
    let huffman = false;
    let length = s.length;
    if (this.huffman !== 'never') {
      const h = huffmanEncodedLength(s);
      if (h < 0) throw nonOctet(s);
      if (this.huffman === 'always' || h < s.length) {
        huffman = true;
        length = h;
      }
    } else if (!isOctetString(s)) {
      throw nonOctet(s);
    }
    writeInteger(out, length, 7, huffman ? 0x80 : 0);
    out.reserve(length);
    if (huffman) out.length = huffmanEncodeInto(s, out.bytes, out.length);
    else {
      writeOctets(s, out.bytes, out.length);
      out.length += length;
    }
  }
}

function nonOctet(s: string): NetlabError {
  return new NetlabError('hpack-non-octet', `header text must be octets (U+0000-U+00FF): ${s.slice(0, 40)}`);
}
