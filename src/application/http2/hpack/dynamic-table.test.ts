import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamicTable } from './dynamic-table.ts';

describe('HPACK dynamic table (RFC 7541 §4)', () => {
  it('puts the newest entry at index 1 and counts 32 octets of overhead per entry', () => {
    const t = new DynamicTable(4096, true);
    t.add('a', '1');
    t.add('bb', '22');
    expect(t.entries()).toEqual([
      { name: 'bb', value: '22', size: 36 },
      { name: 'a', value: '1', size: 34 },
    ]);
    expect(t.size).toBe(70);
    expect([t.indexOf('a', '1'), t.indexOf('bb', '22'), t.nameIndexOf('a'), t.indexOf('a', '2')]).toEqual([
      2, 1, 2, 0,
    ]);
  });

  it('evicts the oldest entries to make room (§4.4)', () => {
    const t = new DynamicTable(100, true);
    t.add('a', 'x'.repeat(20)); // 53
    t.add('b', 'y'.repeat(20)); // 53 > 100 - 53: evicts a
    expect(t.entries().map((e) => e.name)).toEqual(['b']);
    expect(t.indexOf('a', 'x'.repeat(20))).toBe(0);
    expect(t.nameIndexOf('a')).toBe(0);
  });

  it('empties itself for an entry larger than the maximum, without adding it (§4.4)', () => {
    const t = new DynamicTable(64, true);
    t.add('a', '1');
    t.add('big', 'z'.repeat(40));
    expect(t.length).toBe(0);
    expect(t.size).toBe(0);
  });

  it('evicts when the maximum is lowered (§4.3)', () => {
    const t = new DynamicTable(4096);
    for (let i = 0; i < 10; i++) t.add(`n${i}`, 'v');
    t.setMaxSize(70);
    expect(t.entries().map((e) => e.name)).toEqual(['n9', 'n8']);
    t.setMaxSize(0);
    expect(t.length).toBe(0);
  });

  it('keeps lookups right across growth, eviction and duplicates', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'dd'), fc.string({ maxLength: 30 })), {
          maxLength: 200,
        }),
        fc.integer({ min: 0, max: 600 }),
        (adds, max) => {
          const t = new DynamicTable(max, true);
          const model: { name: string; value: string }[] = [];
          for (const [name, value] of adds) {
            t.add(name, value);
            model.unshift({ name, value });
            let size = model.reduce((n, e) => n + e.name.length + e.value.length + 32, 0);
            while (size > max) {
              const e = model.pop()!;
              size -= e.name.length + e.value.length + 32;
            }
          }
          expect(t.entries().map(({ name, value }) => ({ name, value }))).toEqual(model);
          for (const name of ['a', 'b', 'c', 'dd']) {
            expect(t.nameIndexOf(name)).toBe(model.findIndex((e) => e.name === name) + 1);
          }
          for (const e of model) {
            expect(t.indexOf(e.name, e.value)).toBe(
              model.findIndex((m) => m.name === e.name && m.value === e.value) + 1,
            );
          }
        },
      ),
    );
  });
});
