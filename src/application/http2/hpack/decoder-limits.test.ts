/**
 * The decoder against hostile and broken blocks: every failure is a typed ProtocolError
 * with a stable code, and the limits hold.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../bytes/hex.ts';
import { ProtocolError } from '../../../bytes/protocol-error.ts';
import { HpackDecoder } from './decoder.ts';
import { HpackEncoder } from './encoder.ts';
import { isRecoverableHpackError } from './hpack-error.ts';

function code(out: unknown): string {
  return out instanceof ProtocolError ? `${out.protocol}:${out.code}` : 'ok';
}

describe('HPACK decoder limits and errors', () => {
  it('rejects index 0 and indexes beyond both tables', () => {
    const d = new HpackDecoder();
    expect(code(d.decode(fromHex('80')))).toBe('hpack:bad-index');
    expect(code(d.decode(fromHex('be')))).toBe('hpack:bad-index'); // 62: dynamic table empty
    expect(code(d.decode(fromHex('7f00')))).toBe('hpack:bad-index'); // literal, name index 63
    expect(code(d.decode(fromHex('bd')))).toBe('ok'); // 61: www-authenticate
  });

  it('reports truncation inside integers, string lengths and strings', () => {
    const d = new HpackDecoder();
    expect(code(d.decode(fromHex('ff')))).toBe('hpack:truncated');
    expect(code(d.decode(fromHex('40')))).toBe('hpack:truncated'); // name string missing
    expect(code(d.decode(fromHex('4003616263')))).toBe('hpack:truncated'); // value missing
    expect(code(d.decode(fromHex('400561')))).toBe('hpack:truncated'); // 5 octets promised, 1 given
  });

  it('rejects Huffman EOS and bad padding inside a literal', () => {
    const d = new HpackDecoder();
    expect(code(d.decode(fromHex('0084ffffffff')))).toBe('hpack:huffman-eos');
    expect(code(d.decode(fromHex('008106')))).toBe('hpack:huffman-padding');
  });

  it('accepts size updates only at the start of a block, at most two, never above the limit', () => {
    const d = new HpackDecoder({ maxTableSize: 4096 });
    expect(code(d.decode(fromHex('20')))).toBe('ok');
    expect(d.table.maxSize).toBe(0);
    expect(code(d.decode(fromHex('203fe11f')))).toBe('ok'); // 0 then 4096
    expect(d.table.maxSize).toBe(4096);
    expect(code(d.decode(fromHex('8220')))).toBe('hpack:size-update-not-first');
    expect(code(d.decode(fromHex('202020')))).toBe('hpack:too-many-size-updates');
    expect(code(d.decode(fromHex('3fe21f')))).toBe('hpack:size-update-too-large'); // 4097
  });

  it('requires a size update after SETTINGS_HEADER_TABLE_SIZE was lowered, and evicts', () => {
    const d = new HpackDecoder();
    expect(code(d.decode(fromHex('400161016182')))).toBe('ok'); // adds a: a (34 octets)
    d.setMaxTableSize(0);
    expect(code(d.decode(fromHex('82')))).toBe('hpack:size-update-missing');
    expect(code(d.decode(new Uint8Array(0)))).toBe('hpack:size-update-missing');
    expect(code(d.decode(fromHex('2082')))).toBe('ok');
    expect(d.table.length).toBe(0);
    expect(code(d.decode(fromHex('82')))).toBe('ok'); // once signalled, no longer required
    d.setMaxTableSize(8192); // raising does not require an update
    expect(code(d.decode(fromHex('82')))).toBe('ok');
  });

  it('enforces the header list size but keeps the dynamic table in step', () => {
    const encoder = new HpackEncoder();
    const d = new HpackDecoder({ maxHeaderListSize: 100 });
    const big = encoder.encode([
      { name: 'x-a', value: 'a'.repeat(40) },
      { name: 'x-b', value: 'b'.repeat(40) },
    ]);
    const out = d.decode(big);
    expect(code(out)).toBe('hpack:header-list-too-large');
    expect(isRecoverableHpackError(out as ProtocolError)).toBe(true);
    // Both fields entered the table, so the next block's references resolve.
    expect(d.table.length).toBe(2);
    const next = encoder.encode([{ name: 'x-b', value: 'b'.repeat(40) }]);
    expect(d.decode(next)).toEqual([{ name: 'x-b', value: 'b'.repeat(40) }]);
  });

  it('limits the length of one string, raw or Huffman-coded', () => {
    const d = new HpackDecoder({ maxStringLength: 10 });
    const raw = new HpackEncoder({ huffman: 'never' }).encode([{ name: 'x', value: 'y'.repeat(11) }]);
    const huff = new HpackEncoder({ huffman: 'always' }).encode([{ name: 'x', value: 'y'.repeat(11) }]);
    expect(code(d.decode(raw))).toBe('hpack:string-too-long');
    expect(code(d.decode(huff))).toBe('hpack:string-too-long');
    const ok = new HpackEncoder({ huffman: 'always' }).encode([{ name: 'x', value: 'y'.repeat(10) }]);
    expect(code(d.decode(ok))).toBe('ok');
  });

  it('rejects integers above 2^32 - 1 as lengths and indexes', () => {
    const d = new HpackDecoder();
    expect(code(d.decode(fromHex('ffffffffff7f')))).toBe('hpack:integer-overflow');
    expect(code(d.decode(fromHex('007fffffffff7f')))).toBe('hpack:integer-overflow');
  });

  it('returns a typed error or a list for any bytes, and never grows the table past its limit', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 80 }), { maxLength: 6 }), (blocks) => {
        const d = new HpackDecoder({ maxTableSize: 512, maxHeaderListSize: 2048 });
        for (const block of blocks) {
          const out = d.decode(block);
          if (out instanceof ProtocolError) expect(out.protocol).toBe('hpack');
          else expect(Array.isArray(out)).toBe(true);
          expect(d.table.size).toBeLessThanOrEqual(512);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
