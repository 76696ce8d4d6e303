import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../bytes/hex.ts';
import { EOS, HUFFMAN_CODES, HUFFMAN_LENGTHS } from './huffman-code.ts';
import {
  HUFFMAN_BAD_PADDING,
  HUFFMAN_EOS,
  huffmanDecodeInto,
  huffmanEncode,
  huffmanEncodedLength,
  huffmanMaxDecodedLength,
} from './huffman.ts';
import { octetsToString } from './octet-string.ts';

const vendored = JSON.parse(
  readFileSync(new URL('../../../../vectors/hpack/huffman-table.json', import.meta.url), 'utf8'),
) as { table: { sym: number; bits: string; code: number; length: number }[] };

/** Decodes to a string, or the negative failure code. */
function decode(bytes: Uint8Array): string | number {
  const out = new Uint8Array(huffmanMaxDecodedLength(bytes.length));
  const n = huffmanDecodeInto(bytes, 0, bytes.length, out);
  return n < 0 ? n : octetsToString(out, 0, n);
}

const octetString = fc.uint8Array({ maxLength: 300 }).map((b) => String.fromCharCode(...b));

describe('HPACK Huffman code (RFC 7541 §5.2, Appendix B)', () => {
  it('embeds exactly the 257 codes of the vendored RFC table', () => {
    expect(vendored.table).toHaveLength(257);
    for (const row of vendored.table) {
      expect([HUFFMAN_CODES[row.sym], HUFFMAN_LENGTHS[row.sym]]).toEqual([row.code, row.length]);
      expect(row.code.toString(2).padStart(row.length, '0')).toBe(row.bits);
    }
    expect(HUFFMAN_CODES[EOS]).toBe(0x3fffffff);
  });

  it('encodes the strings of RFC 7541 Appendix C.4 and C.6 exactly', () => {
    const cases: [string, string][] = [
      ['www.example.com', 'f1e3c2e5f23a6ba0ab90f4ff'],
      ['no-cache', 'a8eb10649cbf'],
      ['custom-key', '25a849e95ba97d7f'],
      ['custom-value', '25a849e95bb8e8b4bf'],
      ['302', '6402'],
      ['private', 'aec3771a4b'],
      ['Mon, 21 Oct 2013 20:13:21 GMT', 'd07abe941054d444a8200595040b8166e082a62d1bff'],
      ['https://www.example.com', '9d29ad171863c78f0b97c8e9ae82ae43d3'],
      ['307', '640eff'],
      ['gzip', '9bd9ab'],
      [
        'foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1',
        '94e7821dd7f2e6c7b335dfdfcd5b3960d5af27087f3672c1ab270fb5291f9587316065c003ed4ee5b1063d5007',
      ],
    ];
    for (const [text, hex] of cases) {
      expect(toHex(huffmanEncode(text))).toBe(hex);
      expect(huffmanEncodedLength(text)).toBe(hex.length / 2);
      expect(decode(fromHex(hex))).toBe(text);
    }
  });

  it('round-trips every octet string', () => {
    fc.assert(
      fc.property(octetString, (s) => {
        expect(decode(huffmanEncode(s))).toBe(s);
      }),
    );
  });

  it('encodes every symbol, including the 25- to 30-bit codes, and decodes it back', () => {
    for (let sym = 0; sym < 256; sym++) {
      const s = String.fromCharCode(sym, sym, 0x61, sym);
      expect(decode(huffmanEncode(s))).toBe(s);
    }
  });

  it('accepts padding of up to 7 one-bits and the empty string', () => {
    expect(decode(new Uint8Array(0))).toBe('');
    // '0' is 00000 (5 bits): 3 padding bits.
    expect(decode(fromHex('07'))).toBe('0');
    // 'a' is 00011 (5 bits), 'e' 00101: 'ae' = 0001100101 + 6 padding bits.
    expect(decode(fromHex('197f'))).toBe('ae');
  });

  it('rejects padding longer than 7 bits', () => {
    // '0' then 11 one-bits: a full octet of padding.
    expect(decode(fromHex('07ff'))).toBe(HUFFMAN_BAD_PADDING);
    expect(decode(fromHex('ff'))).toBe(HUFFMAN_BAD_PADDING);
  });

  it('rejects padding that is not all ones', () => {
    // '0' (00000) then 110 instead of 111.
    expect(decode(fromHex('06'))).toBe(HUFFMAN_BAD_PADDING);
    // 'a' (00011) then 000: a prefix of another code, not padding.
    expect(decode(fromHex('18'))).toBe(HUFFMAN_BAD_PADDING);
  });

  it('rejects the EOS symbol inside a string', () => {
    // 30 one-bits (EOS) then 2 padding bits.
    expect(decode(fromHex('ffffffff'))).toBe(HUFFMAN_EOS);
    // '0', EOS, more.
    expect(decode(fromHex('07ffffffff00'))).toBe(HUFFMAN_EOS);
  });

  it('never fails other than with a typed code on random bytes, and what decodes re-encodes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const r = decode(bytes);
        if (typeof r === 'number') expect([HUFFMAN_EOS, HUFFMAN_BAD_PADDING]).toContain(r);
        else expect(toHex(huffmanEncode(r))).toBe(toHex(bytes));
      }),
    );
  });
});
