import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes, joinBytes } from './concat.ts';

describe('concatBytes', () => {
  it('joins chunks in order into a new buffer, even a single one', () => {
    const a = Uint8Array.of(1, 2);
    expect(concatBytes([a, Uint8Array.of(), Uint8Array.of(3)])).toEqual(Uint8Array.of(1, 2, 3));
    const one = concatBytes([a]);
    expect(one).toEqual(a);
    expect(one.buffer).not.toBe(a.buffer);
    expect(concatBytes([])).toEqual(new Uint8Array(0));
  });
});

describe('joinBytes', () => {
  it('returns a single chunk as the same view, and copies several', () => {
    const whole = Uint8Array.of(9, 8, 7, 6);
    const view = whole.subarray(1, 3);
    expect(joinBytes([view])).toBe(view);
    const joined = joinBytes([view, whole.subarray(3)]);
    expect(joined).toEqual(Uint8Array.of(8, 7, 6));
    expect(joined.buffer).not.toBe(whole.buffer);
  });

  it('holds the same bytes as concatBytes for any chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 20 }), { maxLength: 6 }), (chunks) => {
        expect(joinBytes(chunks)).toEqual(concatBytes(chunks));
      }),
    );
  });
});
