import { describe, expect, it } from 'vitest';
import { takeFront } from './chunk-queue.ts';

describe('takeFront', () => {
  it('hands out the first chunk whole when it fits, the same bytes without a copy', () => {
    const a = Uint8Array.of(1, 2, 3);
    const b = Uint8Array.of(4);
    const chunks = [a, b];
    expect(takeFront(chunks, 3)).toBe(a);
    expect(chunks).toEqual([b]);
  });

  it('splits a longer first chunk and leaves its rest first in line', () => {
    const chunks = [Uint8Array.of(1, 2, 3, 4, 5), Uint8Array.of(6)];
    expect([...takeFront(chunks, 2)]).toEqual([1, 2]);
    expect(chunks.map((c) => [...c])).toEqual([[3, 4, 5], [6]]);
    expect([...takeFront(chunks, 10)]).toEqual([3, 4, 5]);
    expect(chunks.map((c) => [...c])).toEqual([[6]]);
  });
});
