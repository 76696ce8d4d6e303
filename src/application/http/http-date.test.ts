import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatHttpDate, parseHttpDate } from './http-date.ts';

describe('HTTP dates (RFC 9110 §5.6.7)', () => {
  it('formats IMF-fixdate like the RFC example', () => {
    expect(formatHttpDate(Date.UTC(1994, 10, 6, 8, 49, 37))).toBe('Sun, 06 Nov 1994 08:49:37 GMT');
    expect(formatHttpDate(Date.UTC(2024, 0, 1) + 999)).toBe('Mon, 01 Jan 2024 00:00:00 GMT');
  });

  it('reads all three forms of the RFC example as the same instant', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(t);
  });

  it('refuses what is not a date', () => {
    for (const bad of [
      '',
      'yesterday',
      'Sun, 31 Feb 2024 00:00:00 GMT',
      'Sun, 06 Nov 1994 25:00:00 GMT',
      'Sun, 06 Foo 1994 08:49:37 GMT',
    ]) {
      expect(parseHttpDate(bad)).toBeUndefined();
    }
  });

  it('round-trips whole seconds (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4102444799 }), (s) => {
        expect(parseHttpDate(formatHttpDate(s * 1000))).toBe(s * 1000);
      }),
    );
  });
});
