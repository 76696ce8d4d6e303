/**
 * The hpack-test-case stories (github.com/http2jp/hpack-test-case, vendored in
 * vectors/hpack): real header lists from web sites, and the blocks several independent
 * encoders produced for them.
 *
 * 1. Every block of every encoder directory decodes to the expected header list, in one
 *    decoding context per story, honouring each case's SETTINGS_HEADER_TABLE_SIZE.
 * 2. Our encoder's output for every raw-data story, with every Huffman and indexing
 *    setting, decodes back to the same lists — with our decoder and with hpack.js, an
 *    independent implementation.
 */
import hpackJs from 'hpack.js';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../bytes/hex.ts';
import { HpackDecoder } from './decoder.ts';
import { HpackEncoder, type HuffmanMode, type IndexingStrategy } from './encoder.ts';
import type { HeaderField } from './header-field.ts';

interface Story {
  cases: { seqno?: number; wire?: string; header_table_size?: number; headers: Record<string, string>[] }[];
}

const root = new URL('../../../../vectors/hpack/hpack-test-case/', import.meta.url);

function stories(dir: string): [string, Story][] {
  const names = readdirSync(new URL(`${dir}/`, root)).filter((f) => f.endsWith('.json'));
  return names
    .sort()
    .map((f) => [f, JSON.parse(readFileSync(new URL(`${dir}/${f}`, root), 'utf8')) as Story]);
}

function list(headers: Record<string, string>[]): HeaderField[] {
  return headers.map((h) => {
    const [name, value] = Object.entries(h)[0]!;
    return { name, value };
  });
}

/** Drops the `sensitive` marks so lists compare by name and value only. */
function plain(fields: HeaderField[]): HeaderField[] {
  return fields.map(({ name, value }) => ({ name, value }));
}

const encoderDirs = [
  'nghttp2',
  'nghttp2-change-table-size',
  'haskell-http2-linear',
  'haskell-http2-linear-huffman',
];

describe('hpack-test-case: decoding what other encoders wrote', () => {
  for (const dir of encoderDirs) {
    it(`decodes every block of ${dir}`, () => {
      const all = stories(dir);
      expect(all.length).toBeGreaterThanOrEqual(31);
      let blocks = 0;
      for (const [file, story] of all) {
        const decoder = new HpackDecoder();
        for (const c of story.cases) {
          if (c.header_table_size !== undefined) decoder.setMaxTableSize(c.header_table_size);
          const out = decoder.decode(fromHex(c.wire!));
          if (!Array.isArray(out)) throw new Error(`${dir}/${file} #${c.seqno}: ${out}`);
          expect(plain(out), `${dir}/${file} #${c.seqno}`).toEqual(list(c.headers));
          blocks++;
        }
      }
      expect(blocks).toBeGreaterThan(3000);
    });
  }
});

const settings: [HuffmanMode, IndexingStrategy, number][] = [
  ['shorter', 'incremental', 4096],
  ['always', 'incremental', 4096],
  ['never', 'incremental', 4096],
  ['shorter', 'incremental', 256],
  ['shorter', 'none', 4096],
];

describe('hpack-test-case: our encoder on raw-data', () => {
  const raw = stories('raw-data');

  for (const [huffman, indexing, tableSize] of settings) {
    it(`round-trips every story (Huffman ${huffman}, indexing ${indexing}, table ${tableSize})`, () => {
      let blocks = 0;
      for (const [file, story] of raw) {
        const encoder = new HpackEncoder({ huffman, indexing });
        const decoder = new HpackDecoder();
        if (tableSize !== 4096) {
          encoder.setPeerMaxTableSize(tableSize);
          decoder.setMaxTableSize(tableSize);
        }
        for (const [i, c] of story.cases.entries()) {
          const expected = list(c.headers);
          const out = decoder.decode(encoder.encode(expected));
          expect(out, `${file} #${i}`).toEqual(expected);
          blocks++;
        }
        expect(encoder.table.entries()).toEqual(decoder.table.entries());
      }
      expect(blocks).toBeGreaterThan(3000);
    });
  }

  it('hpack.js decodes everything our encoder writes, Huffman on and off', () => {
    for (const huffman of ['shorter', 'never'] as const) {
      for (const [file, story] of raw) {
        const encoder = new HpackEncoder({ huffman });
        const peer = hpackJs.decompressor.create({ table: { size: 4096 } });
        for (const [i, c] of story.cases.entries()) {
          const expected = list(c.headers);
          peer.write(encoder.encode(expected));
          peer.execute();
          const got: HeaderField[] = [];
          for (let h = peer.read(); h !== null; h = peer.read()) got.push({ name: h.name, value: h.value });
          expect(got, `${file} #${i}`).toEqual(expected);
        }
      }
    }
  });

  it('compresses: Huffman and the dynamic table each make the stories smaller', () => {
    const total = (huffman: HuffmanMode, indexing: IndexingStrategy) => {
      let n = 0;
      for (const [, story] of raw) {
        const encoder = new HpackEncoder({ huffman, indexing });
        for (const c of story.cases) n += encoder.encode(list(c.headers)).length;
      }
      return n;
    };
    const plainText = raw.reduce(
      (n, [, s]) =>
        n +
        s.cases.reduce(
          (m, c) => m + list(c.headers).reduce((k, f) => k + f.name.length + f.value.length + 4, 0),
          0,
        ),
      0,
    );
    const literal = total('never', 'none');
    const huffmanOnly = total('shorter', 'none');
    const indexed = total('never', 'incremental');
    const both = total('shorter', 'incremental');
    expect(huffmanOnly).toBeLessThan(literal);
    expect(indexed).toBeLessThan(literal);
    expect(both).toBeLessThan(Math.min(huffmanOnly, indexed));
    expect(both).toBeLessThan(plainText / 3);
  });
});
