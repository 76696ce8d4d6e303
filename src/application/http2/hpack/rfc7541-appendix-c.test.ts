/**
 * RFC 7541 Appendix C, exactly: every example block decodes to its header list and leaves
 * the dynamic table the RFC shows; our encoder, with the same Huffman setting, emits the
 * RFC's bytes and reaches the same table.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../bytes/hex.ts';
import { HpackDecoder } from './decoder.ts';
import { HpackEncoder } from './encoder.ts';
import type { HeaderField } from './header-field.ts';

interface TableEntry {
  index: number;
  name: string;
  value: string;
  size: number;
}
interface Block {
  id: string;
  headers: [string, string][];
  wire: string;
  dynamic_table_after: TableEntry[];
  dynamic_table_size_after: number;
}
interface Example extends Block {
  representation: string;
  huffman: boolean;
  max_table_size: number;
}
interface Sequence {
  id: string;
  huffman: boolean;
  max_table_size: number;
  blocks: Block[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../../../vectors/hpack/rfc7541-appendix-c.json', import.meta.url), 'utf8'),
) as { header_field_examples: Example[]; sequences: Sequence[] };

function table(entries: { name: string; value: string; size: number }[]): TableEntry[] {
  return entries.map((e, i) => ({ index: i + 1, ...e }));
}

function fields(headers: [string, string][], sensitive: boolean): HeaderField[] {
  return headers.map(([name, value]) => (sensitive ? { name, value, sensitive } : { name, value }));
}

describe('RFC 7541 Appendix C.2: single representations', () => {
  for (const ex of vectors.header_field_examples) {
    const neverIndexed = ex.representation.startsWith('literal-never-indexed');
    it(`${ex.id} (${ex.representation}) decodes`, () => {
      const decoder = new HpackDecoder({ maxTableSize: ex.max_table_size });
      const out = decoder.decode(fromHex(ex.wire));
      expect(out).toEqual(fields(ex.headers, neverIndexed));
      expect(table(decoder.table.entries())).toEqual(ex.dynamic_table_after);
      expect(decoder.table.size).toBe(ex.dynamic_table_size_after);
    });

    it(`${ex.id} encodes byte for byte`, () => {
      // C.2.2 is a literal without indexing: the 'none' strategy. C.2.3 is a sensitive field.
      const indexing = ex.representation.startsWith('literal-without-indexing') ? 'none' : 'incremental';
      const encoder = new HpackEncoder({ huffman: 'never', indexing, maxTableSize: ex.max_table_size });
      expect(toHex(encoder.encode(fields(ex.headers, neverIndexed)))).toBe(ex.wire);
      expect(table(encoder.table.entries())).toEqual(ex.dynamic_table_after);
    });
  }
});

describe('RFC 7541 Appendix C.3-C.6: request and response sequences', () => {
  for (const seq of vectors.sequences) {
    it(`${seq.id} decodes every block with the RFC's dynamic table after each`, () => {
      const decoder = new HpackDecoder({ maxTableSize: seq.max_table_size });
      for (const block of seq.blocks) {
        expect(decoder.decode(fromHex(block.wire)), block.id).toEqual(fields(block.headers, false));
        expect(table(decoder.table.entries()), block.id).toEqual(block.dynamic_table_after);
        expect(decoder.table.size, block.id).toBe(block.dynamic_table_size_after);
      }
    });

    it(`${seq.id} encodes every block byte for byte (Huffman ${seq.huffman ? 'on' : 'off'})`, () => {
      const encoder = new HpackEncoder({
        huffman: seq.huffman ? 'always' : 'never',
        maxTableSize: seq.max_table_size,
      });
      for (const block of seq.blocks) {
        expect(toHex(encoder.encode(fields(block.headers, false))), block.id).toBe(block.wire);
        expect(table(encoder.table.entries()), block.id).toEqual(block.dynamic_table_after);
      }
    });
  }

  it("'shorter' Huffman matches C.4 exactly, and keeps C.6.2's \"307\" raw (Huffman is 3 octets too)", () => {
    const c4 = vectors.sequences.find((s) => s.id === 'C.4')!;
    const encoder = new HpackEncoder({ huffman: 'shorter' });
    for (const block of c4.blocks) {
      expect(toHex(encoder.encode(fields(block.headers, false))), block.id).toBe(block.wire);
    }
    const c6 = vectors.sequences.find((s) => s.id === 'C.6')!;
    const responses = new HpackEncoder({ huffman: 'shorter', maxTableSize: 256 });
    responses.encode(fields(c6.blocks[0]!.headers, false));
    expect(toHex(responses.encode(fields(c6.blocks[1]!.headers, false)))).toBe('4803333037c1c0bf');
  });

  it('C.5 from a 4096-octet start: a lowered SETTINGS_HEADER_TABLE_SIZE prefixes the size update 3fe101', () => {
    const seq = vectors.sequences.find((s) => s.id === 'C.5')!;
    const encoder = new HpackEncoder({ huffman: 'never' });
    const decoder = new HpackDecoder();
    encoder.setPeerMaxTableSize(256);
    decoder.setMaxTableSize(256);
    const first = encoder.encode(fields(seq.blocks[0]!.headers, false));
    expect(toHex(first)).toBe(`3fe101${seq.blocks[0]!.wire}`);
    expect(decoder.decode(first)).toEqual(fields(seq.blocks[0]!.headers, false));
    for (const block of seq.blocks.slice(1)) {
      expect(toHex(encoder.encode(fields(block.headers, false)))).toBe(block.wire);
    }
  });
});
