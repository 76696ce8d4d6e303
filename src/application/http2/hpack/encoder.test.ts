import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../../bytes/hex.ts';
import { NetlabError } from '../../../bytes/netlab-error.ts';
import { HpackDecoder } from './decoder.ts';
import { HpackEncoder } from './encoder.ts';
import type { HeaderField } from './header-field.ts';

describe('HPACK encoder', () => {
  it('writes sensitive fields as never indexed and keeps them out of the table', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    const block = e.encode([{ name: 'authorization', value: 'secret', sensitive: true }]);
    // 0001 + name index 23 (authorization) = 1f 08, then the raw value.
    expect(toHex(block)).toBe('1f0806736563726574');
    expect(e.table.length).toBe(0);
    expect(new HpackDecoder().decode(block)).toEqual([
      { name: 'authorization', value: 'secret', sensitive: true },
    ]);
  });

  it('indexes a repeated field the second time', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    const f = [{ name: 'x-trace', value: 'abc' }];
    expect(toHex(e.encode(f))).toBe('4007782d747261636503616263');
    expect(toHex(e.encode(f))).toBe('be');
  });

  it('does not index a field that could never fit in the table', () => {
    const e = new HpackEncoder({ huffman: 'never', maxTableSize: 64 });
    e.encode([{ name: 'small', value: '1' }]);
    const block = e.encode([{ name: 'x', value: 'y'.repeat(40) }]);
    expect(block[0]).toBe(0x00); // literal without indexing, new name
    expect(e.table.entries().map((x) => x.name)).toEqual(['small']);
  });

  it('signals a lowered table size first in the next block, then the final size', () => {
    const e = new HpackEncoder({ huffman: 'never' });
    e.setPeerMaxTableSize(0);
    e.setPeerMaxTableSize(1024);
    const block = e.encode([{ name: ':method', value: 'GET' }]);
    expect(toHex(block)).toBe('203fe10782'); // size 0, size 1024, then :method GET
    expect(e.table.maxSize).toBe(1024);
    expect(toHex(e.encode([{ name: ':method', value: 'GET' }]))).toBe('82');
  });

  it('stays within its own limit when the peer allows a larger table', () => {
    const e = new HpackEncoder({ tableSizeLimit: 4096 });
    e.setPeerMaxTableSize(65536);
    expect(toHex(e.encode([]))).toBe('');
    expect(e.table.maxSize).toBe(4096);
    e.setPeerMaxTableSize(100);
    expect(toHex(e.encode([]))).toBe('3f45');
  });

  it('refuses characters that are not octets', () => {
    const e = new HpackEncoder();
    expect(() => e.encode([{ name: 'x', value: 'caf\u00e9' }])).not.toThrow();
    try {
      e.encode([{ name: 'x', value: 'snow \u2603' }]);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(NetlabError);
      expect((err as NetlabError).code).toBe('hpack-non-octet');
    }
  });

  it('round-trips any list of octet-string fields through a shared context', () => {
    const octets = fc.uint8Array({ maxLength: 40 }).map((b) => String.fromCharCode(...b));
    const field = fc.record({ name: octets, value: octets, sensitive: fc.boolean() });
    fc.assert(
      fc.property(
        fc.array(fc.array(field, { maxLength: 12 }), { maxLength: 8 }),
        fc.constantFrom('always', 'never', 'shorter') as fc.Arbitrary<'always' | 'never' | 'shorter'>,
        fc.integer({ min: 0, max: 4096 }),
        (lists, huffman, size) => {
          const e = new HpackEncoder({ huffman });
          const d = new HpackDecoder();
          e.setPeerMaxTableSize(size);
          d.setMaxTableSize(size);
          for (const list of lists) {
            const want: HeaderField[] = list.map(({ name, value, sensitive }) =>
              sensitive ? { name, value, sensitive } : { name, value },
            );
            expect(d.decode(e.encode(list))).toEqual(want);
          }
        },
      ),
    );
  });
});
