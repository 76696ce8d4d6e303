import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../bytes/hex.ts';
import { EncodeBuffer } from './encode-buffer.ts';
import { INTEGER_OVERFLOW, INTEGER_TRUNCATED, MAX_INTEGER, readInteger, writeInteger } from './integer.ts';

const appendixC = JSON.parse(
  readFileSync(new URL('../../../../vectors/hpack/rfc7541-appendix-c.json', import.meta.url), 'utf8'),
) as { integer_examples: { id: string; value: number; prefix_bits: number; wire: string }[] };

function encode(value: number, prefixBits: number, flags = 0): Uint8Array {
  const out = new EncodeBuffer(1);
  writeInteger(out, value, prefixBits, flags);
  return out.take();
}

function decode(bytes: Uint8Array, prefixBits: number): { value: number; pos: number } {
  const cursor = { pos: 0 };
  const value = readInteger(bytes, bytes.length, cursor, prefixBits);
  return { value, pos: cursor.pos };
}

describe('HPACK integers (RFC 7541 §5.1)', () => {
  it.each(appendixC.integer_examples.map((e) => [e.id, e] as const))(
    '%s encodes and decodes exactly',
    (_, e) => {
      expect(toHex(encode(e.value, e.prefix_bits))).toBe(e.wire);
      expect(decode(fromHex(e.wire), e.prefix_bits)).toEqual({ value: e.value, pos: e.wire.length / 2 });
    },
  );

  it('keeps the flag bits above the prefix and ignores them when decoding', () => {
    expect(toHex(encode(10, 5, 0xe0))).toBe('ea');
    expect(toHex(encode(1337, 5, 0x20))).toBe('3f9a0a');
    expect(decode(fromHex('ea'), 5).value).toBe(10);
  });

  it('round-trips every value up to 2^32 - 1 for every prefix size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_INTEGER }), fc.integer({ min: 1, max: 8 }), (v, n) => {
        const bytes = encode(v, n);
        expect(decode(bytes, n)).toEqual({ value: v, pos: bytes.length });
      }),
    );
  });

  it('reports truncation when the continuation octets stop early', () => {
    expect(decode(fromHex('1f9a'), 5).value).toBe(INTEGER_TRUNCATED);
    expect(decode(fromHex('7f'), 7).value).toBe(INTEGER_TRUNCATED);
  });

  it('refuses values above 2^32 - 1 and over-long encodings', () => {
    expect(decode(encode(MAX_INTEGER, 5), 5).value).toBe(MAX_INTEGER);
    expect(decode(fromHex('1fe1ffffff0f'), 5).value).toBe(INTEGER_OVERFLOW); // 2^32 + 0
    expect(decode(fromHex('1f808080808000'), 5).value).toBe(INTEGER_OVERFLOW); // six continuation octets
  });
});
