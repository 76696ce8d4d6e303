import { describe, expect, it } from 'vitest';
import { MILLISECOND } from '../../sim/time.ts';
import { ms, msLabel, percent, textTable } from './text-table.ts';

describe('textTable', () => {
  it('left-aligns labels, right-aligns figures, two spaces apart, as wide as the widest cell', () => {
    expect(
      textTable(
        ['name', 'a', 'b'],
        [
          ['x', '1', '22'],
          ['longer', '333', '4'],
        ],
        { minWidth: 0 },
      ),
    ).toEqual(['name      a   b', 'x         1  22', 'longer  333   4']);
  });

  it('aligns the columns it is told to the left, and drops trailing spaces', () => {
    expect(
      textTable(
        ['n', 'how'],
        [
          ['1', 'indexed'],
          ['22', 'x'],
        ],
        { minWidth: 0, left: [1] },
      ),
    ).toEqual([' n  how', ' 1  indexed', '22  x']);
  });
});

it('formats milliseconds, RTT labels and loss rates', () => {
  expect(ms(652_449_999)).toBe('652.4');
  expect(msLabel(50 * MILLISECOND)).toBe('50 ms');
  expect(msLabel(500_000)).toBe('0.5 ms');
  expect([0, 0.005, 0.02, 0.001].map(percent)).toEqual(['0%', '0.5%', '2%', '0.1%']);
});
