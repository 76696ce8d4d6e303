import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatFixed, formatG } from './printf.ts';

// Expected strings from Python's '%g' / '%.3f', which round like glibc (exact value, ties to even).
describe('formatG', () => {
  it.each([
    [0, '0'],
    [33.33333206176758, '33.3333'],
    [66.66666412353516, '66.6667'],
    [0.1953125, '0.195312'],
    [0.048828125, '0.0488281'],
    [9.999999747378752e-5, '0.0001'],
    [9.999999747378752e-6, '1e-05'],
    [100, '100'],
    [1, '1'],
    [123456789, '1.23457e+08'],
    [999999.5, '1e+06'],
    [9.9999995, '10'],
    [1e21, '1e+21'],
    [5e-324, '4.94066e-324'],
    [-2.5, '-2.5'],
    [0.5, '0.5'],
  ])('%%g of %s is %s', (x, text) => {
    expect(formatG(x)).toBe(text);
  });

  it('agrees with toPrecision whenever there is no tie to break', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-3, max: 1e5, noNaN: true }), (x) => {
        const g = formatG(x);
        expect(Number(g)).toBe(Number(x.toPrecision(6)));
      }),
    );
  });
});

describe('formatFixed', () => {
  it.each([
    [0.412345, '0.412'],
    [1.0625, '1.062'],
    [1.062501, '1.063'],
    [0.0005, '0.001'],
    [999.9995, '1000.000'],
    [2.5, '2.500'],
    [-2.5, '-2.500'],
    [1e21, '1000000000000000000000.000'],
  ])('%%.3f of %s is %s', (x, text) => {
    expect(formatFixed(x, 3)).toBe(text);
  });

  it('rounds ties to even at zero decimals', () => {
    expect(formatFixed(2.5, 0)).toBe('2');
    expect(formatFixed(3.5, 0)).toBe('4');
  });
});
