/**
 * The HPACK decoder, RFC 7541 §3 and §6: turns one complete header block (the
 * concatenated fragments of a HEADERS or PUSH_PROMISE and its CONTINUATIONs) into a header
 * list, updating the dynamic table as the representations say.
 *
 * Every representation is handled: indexed (§6.1), literal with incremental indexing
 * (§6.2.1), without indexing (§6.2.2), never indexed (§6.2.3, reported as `sensitive`)
 * and dynamic table size update (§6.3), which must come first in a block (§4.2), at most
 * twice, never above the limit set by SETTINGS_HEADER_TABLE_SIZE — and must be present
 * when that limit was lowered below the table's current maximum.
 *
 * Limits (all constructor options, see HpackDecoderOptions): the table size, the length
 * of one string literal, and the header list size. Bad input returns a ProtocolError
 * (hpack-error.ts); nothing throws.
 */
import { NetlabError } from '../../../bytes/netlab-error.ts';
import type { ProtocolError } from '../../../bytes/protocol-error.ts';
import { DynamicTable } from './dynamic-table.ts';
import { ENTRY_OVERHEAD, type HeaderField } from './header-field.ts';
import { type HpackErrorCode, hpackError } from './hpack-error.ts';
import { HUFFMAN_EOS, huffmanDecodeInto, huffmanMaxDecodedLength } from './huffman.ts';
import { type Cursor, INTEGER_TRUNCATED, readInteger } from './integer.ts';
import { octetsToString } from './octet-string.ts';
import { STATIC_TABLE, STATIC_TABLE_LENGTH } from './static-table.ts';

export interface HpackDecoderOptions {
  /**
   * The SETTINGS_HEADER_TABLE_SIZE this side advertises: the largest dynamic table the
   * peer's encoder may use. Also the table's starting maximum. Default 4096 (RFC 9113 §6.5.2).
   */
  readonly maxTableSize?: number;
  /**
   * Largest decoded header list (RFC 9113 §6.5.2 SETTINGS_MAX_HEADER_LIST_SIZE: octets
   * of names and values plus 32 per field). Default 65536.
   */
  readonly maxHeaderListSize?: number;
  /** Longest single name or value after Huffman decoding. Default 65536. */
  readonly maxStringLength?: number;
}

export const DEFAULT_HEADER_TABLE_SIZE = 4096;
export const DEFAULT_MAX_HEADER_LIST_SIZE = 65536;
export const DEFAULT_MAX_STRING_LENGTH = 65536;

function checkLimit(name: string, v: number | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new NetlabError('hpack-bad-option', `${name} must be an integer from 0 to 2^32-1, got ${v}`);
  }
  return v;
}

export class HpackDecoder {
  readonly table: DynamicTable;
  /** Upper bound for size updates: SETTINGS_HEADER_TABLE_SIZE as last acknowledged. */
  private limit: number;
  /** The limit was lowered below the table's maximum: the next block must start with an update. */
  private updateRequired = false;
  /** Can be changed between blocks (a new SETTINGS_MAX_HEADER_LIST_SIZE). */
  maxHeaderListSize: number;
  readonly maxStringLength: number;
  private readonly cursor: Cursor = { pos: 0 };
  private scratch = new Uint8Array(256);
  /** The offending code and offset of the last failure, set by the string reader. */
  private failure: { code: HpackErrorCode; at: number } | null = null;

  constructor(options: HpackDecoderOptions = {}) {
    this.limit = checkLimit('maxTableSize', options.maxTableSize, DEFAULT_HEADER_TABLE_SIZE);
    this.maxHeaderListSize = checkLimit(
      'maxHeaderListSize',
      options.maxHeaderListSize,
      DEFAULT_MAX_HEADER_LIST_SIZE,
    );
    this.maxStringLength = checkLimit('maxStringLength', options.maxStringLength, DEFAULT_MAX_STRING_LENGTH);
    this.table = new DynamicTable(this.limit);
  }

  /** The current limit for dynamic table size updates. */
  get maxTableSize(): number {
    return this.limit;
  }

  /**
   * Applies a new SETTINGS_HEADER_TABLE_SIZE once the peer has acknowledged it. When it
   * is below the table's current maximum, the peer's encoder must shrink its table, and
   * the next block must say so first (RFC 7541 §4.2).
   */
  setMaxTableSize(limit: number): void {
    this.limit = checkLimit('maxTableSize', limit, DEFAULT_HEADER_TABLE_SIZE);
    if (limit < this.table.maxSize) this.updateRequired = true;
  }

  /**
   * Decodes one complete header block. Returns the fields in order, or a ProtocolError.
   * With 'header-list-too-large' the whole block was still processed (fields beyond the
   * limit are dropped), so the dynamic table stays in step with the encoder.
   */
  decode(block: Uint8Array): HeaderField[] | ProtocolError {
    const end = block.length;
    const cursor = this.cursor;
    const table = this.table;
    cursor.pos = 0;
    const fields: HeaderField[] = [];
    let listSize = 0;
    let oversized = false;
    let updates = 0;
    let updatesAllowed = true;
    if (this.updateRequired && (end === 0 || (block[0]! & 0xe0) !== 0x20)) {
      return hpackError(
        'size-update-missing',
        `SETTINGS_HEADER_TABLE_SIZE was lowered to ${this.limit}; the block must start with a size update`,
        0,
      );
    }
    while (cursor.pos < end) {
      const at = cursor.pos;
      const b = block[at]!;
      let name: string;
      let value: string;
      let sensitive = false;
      if (b & 0x80) {
        // §6.1 Indexed Header Field.
        const index = readInteger(block, end, cursor, 7);
        if (index < 0) return this.integerError(index, at);
        if (index === 0 || index > STATIC_TABLE_LENGTH + table.length) return this.indexError(index, at);
        if (index <= STATIC_TABLE_LENGTH) {
          const entry = STATIC_TABLE[index - 1]!;
          name = entry[0];
          value = entry[1];
        } else {
          name = table.name(index - STATIC_TABLE_LENGTH);
          value = table.value(index - STATIC_TABLE_LENGTH);
        }
      } else if ((b & 0xe0) === 0x20) {
        // §6.3 Dynamic Table Size Update.
        if (!updatesAllowed) {
          return hpackError(
            'size-update-not-first',
            'a dynamic table size update follows a header field',
            at,
          );
        }
        if (++updates > 2) {
          return hpackError(
            'too-many-size-updates',
            'more than two dynamic table size updates in one block',
            at,
          );
        }
        const size = readInteger(block, end, cursor, 5);
        if (size < 0) return this.integerError(size, at);
        if (size > this.limit) {
          return hpackError(
            'size-update-too-large',
            `size update to ${size} exceeds SETTINGS_HEADER_TABLE_SIZE ${this.limit}`,
            at,
          );
        }
        table.setMaxSize(size);
        this.updateRequired = false;
        continue;
      } else {
        // §6.2.1 with incremental indexing (01), §6.2.2 without (0000), §6.2.3 never (0001).
        const incremental = (b & 0x40) !== 0;
        sensitive = !incremental && (b & 0x10) !== 0;
        const index = readInteger(block, end, cursor, incremental ? 6 : 4);
        if (index < 0) return this.integerError(index, at);
        if (index === 0) {
          const n = this.readString(block, end);
          if (n === null) return this.stringError();
          name = n;
        } else if (index <= STATIC_TABLE_LENGTH) {
          name = STATIC_TABLE[index - 1]![0];
        } else if (index <= STATIC_TABLE_LENGTH + table.length) {
          name = table.name(index - STATIC_TABLE_LENGTH);
        } else {
          return this.indexError(index, at);
        }
        const v = this.readString(block, end);
        if (v === null) return this.stringError();
        value = v;
        if (incremental) table.add(name, value);
      }
      updatesAllowed = false;
      listSize += name.length + value.length + ENTRY_OVERHEAD;
      if (listSize > this.maxHeaderListSize) oversized = true;
      else if (!oversized) fields.push(sensitive ? { name, value, sensitive } : { name, value });
    }
    if (oversized) {
      return hpackError(
        'header-list-too-large',
        `header list of ${listSize} octets exceeds the limit of ${this.maxHeaderListSize}`,
      );
    }
    return fields;
  }

  /** Reads a string literal (§5.2) at the cursor; null on failure (see `failure`). */
  private readString(block: Uint8Array, end: number): string | null {
    const cursor = this.cursor;
    const at = cursor.pos;
    if (at >= end) {
      this.failure = { code: 'truncated', at };
      return null;
    }
    const huffman = (block[at]! & 0x80) !== 0;
    const length = readInteger(block, end, cursor, 7);
    if (length < 0) {
      this.failure = { code: length === INTEGER_TRUNCATED ? 'truncated' : 'integer-overflow', at };
      return null;
    }
    const start = cursor.pos;
    if (length > end - start) {
      this.failure = { code: 'truncated', at };
      return null;
    }
    cursor.pos = start + length;
    if (!huffman) {
      if (length > this.maxStringLength) {
        this.failure = { code: 'string-too-long', at };
        return null;
      }
      return octetsToString(block, start, start + length);
    }
    const room = huffmanMaxDecodedLength(length);
    if (room > this.scratch.length) this.scratch = new Uint8Array(Math.max(room, this.scratch.length * 2));
    const n = huffmanDecodeInto(block, start, start + length, this.scratch);
    if (n < 0) {
      this.failure = { code: n === HUFFMAN_EOS ? 'huffman-eos' : 'huffman-padding', at };
      return null;
    }
    if (n > this.maxStringLength) {
      this.failure = { code: 'string-too-long', at };
      return null;
    }
    return octetsToString(this.scratch, 0, n);
  }

  private stringError(): ProtocolError {
    const f = this.failure ?? { code: 'truncated' as const, at: this.cursor.pos };
    this.failure = null;
    const messages: Record<string, string> = {
      truncated: 'the block ends inside a string literal',
      'integer-overflow': 'a string length is too large',
      'huffman-eos': 'EOS decoded inside a Huffman string',
      'huffman-padding': 'Huffman padding is longer than 7 bits or not all ones',
      'string-too-long': `a string is longer than the limit of ${this.maxStringLength} octets`,
    };
    return hpackError(f.code, messages[f.code] ?? f.code, f.at);
  }

  private integerError(result: number, at: number): ProtocolError {
    return result === INTEGER_TRUNCATED
      ? hpackError('truncated', 'the block ends inside an integer', at)
      : hpackError('integer-overflow', 'an integer exceeds 2^32 - 1', at);
  }

  private indexError(index: number, at: number): ProtocolError {
    return hpackError(
      'bad-index',
      `index ${index} is outside the static table and the ${this.table.length}-entry dynamic table`,
      at,
    );
  }
}
