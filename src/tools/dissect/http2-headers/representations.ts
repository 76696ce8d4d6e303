/**
 * How each field of a header block is encoded (RFC 7541 §6), read from the block's bytes
 * alone: the representation, the table index it names, whether its strings are Huffman
 * coded (§5.2) and where its encoding starts and ends — what Wireshark lists under each
 * "Header:" line, and what the inspector highlights.
 *
 * The values themselves come from the project's HPACK decoder (hpack/decoder.ts), which
 * keeps the dynamic table; this scan reads only the grammar, so it needs no table. It is
 * run on blocks the decoder accepted, which follow the same grammar, and never throws on
 * others (it returns what it read up to the first malformation).
 */
import { type Cursor, readInteger } from '../../../application/http2/hpack/integer.ts';

/** The four field representations of RFC 7541 §6.1–§6.2. */
export type HeaderRepresentation = 'indexed' | 'incremental' | 'without-indexing' | 'never-indexed';

/** A string literal's encoding (§5.2): its Huffman bit and its encoded length. */
export interface EncodedString {
  readonly huffman: boolean;
  /** Octets of the string as sent (after the length prefix). */
  readonly length: number;
  /** Where the length prefix starts in the block. */
  readonly offset: number;
}

export interface FieldEncoding {
  readonly representation: HeaderRepresentation;
  /** The index named (§2.3.3: 1–61 static, 62 on dynamic), 0 for a literal with a new name. */
  readonly index: number;
  /** A new name's literal (index 0 only). */
  readonly nameLiteral?: EncodedString;
  /** The value's literal (absent for an indexed field). */
  readonly valueLiteral?: EncodedString;
  /** Where the representation starts in the block, and its encoded length. */
  readonly offset: number;
  readonly length: number;
}

/** A dynamic table size update (§6.3). */
export interface SizeUpdate {
  readonly size: number;
  readonly offset: number;
  readonly length: number;
}

export interface BlockLayout {
  readonly fields: FieldEncoding[];
  readonly sizeUpdates: SizeUpdate[];
}

function readString(block: Uint8Array, c: Cursor): EncodedString | undefined {
  const offset = c.pos;
  if (offset >= block.length) return undefined;
  const huffman = (block[offset]! & 0x80) !== 0;
  const length = readInteger(block, block.length, c, 7);
  if (length < 0 || length > block.length - c.pos) return undefined;
  c.pos += length;
  return { huffman, length, offset };
}

/** The representations of `block`, in order (up to the first malformation). */
export function blockLayout(block: Uint8Array): BlockLayout {
  const fields: FieldEncoding[] = [];
  const sizeUpdates: SizeUpdate[] = [];
  const c: Cursor = { pos: 0 };
  while (c.pos < block.length) {
    const offset = c.pos;
    const b = block[offset]!;
    if (b & 0x80) {
      const index = readInteger(block, block.length, c, 7);
      if (index < 0) break;
      fields.push({ representation: 'indexed', index, offset, length: c.pos - offset });
      continue;
    }
    if ((b & 0xe0) === 0x20) {
      const size = readInteger(block, block.length, c, 5);
      if (size < 0) break;
      sizeUpdates.push({ size, offset, length: c.pos - offset });
      continue;
    }
    const incremental = (b & 0x40) !== 0;
    const representation: HeaderRepresentation = incremental
      ? 'incremental'
      : (b & 0x10) !== 0
        ? 'never-indexed'
        : 'without-indexing';
    const index = readInteger(block, block.length, c, incremental ? 6 : 4);
    if (index < 0) break;
    const name = index === 0 ? readString(block, c) : undefined;
    if (index === 0 && name === undefined) break;
    const value = readString(block, c);
    if (value === undefined) break;
    fields.push({
      representation,
      index,
      ...(name === undefined ? {} : { nameLiteral: name }),
      valueLiteral: value,
      offset,
      length: c.pos - offset,
    });
  }
  return { fields, sizeUpdates };
}

/** Wireshark's words for a representation (packet-http2.c), e.g. `Literal Header Field with Incremental Indexing - Indexed Name`. */
export function representationName(f: Pick<FieldEncoding, 'representation' | 'index'>): string {
  const name = f.index === 0 ? 'New Name' : 'Indexed Name';
  switch (f.representation) {
    case 'indexed':
      return 'Indexed Header Field';
    case 'incremental':
      return `Literal Header Field with Incremental Indexing - ${name}`;
    case 'without-indexing':
      return `Literal Header Field without Indexing - ${name}`;
    case 'never-indexed':
      return `Literal Header Field never Indexed - ${name}`;
  }
}
