import { describe, expect, it } from 'vitest';
import { BoundedLru } from './file-cache.ts';

const v = (bytes: number, tag = '') => ({ bytes, tag });

describe('BoundedLru', () => {
  it('evicts the least recently used past maxEntries; a get makes an entry recent', () => {
    const c = new BoundedLru<ReturnType<typeof v>>({ maxEntries: 2, maxBytes: 100 });
    c.set('/a', v(1, 'a'));
    c.set('/b', v(1, 'b'));
    expect(c.get('/a')?.tag).toBe('a'); // '/b' is now the oldest
    c.set('/c', v(1, 'c'));
    expect(c.size).toBe(2);
    expect(c.get('/b')).toBeUndefined();
    expect(c.get('/a')?.tag).toBe('a');
    expect(c.get('/c')?.tag).toBe('c');
    expect(c.bytes).toBe(2);
  });

  it('evicts oldest first until the bytes fit, and keeps nothing bigger than maxBytes', () => {
    const c = new BoundedLru<ReturnType<typeof v>>({ maxEntries: 10, maxBytes: 2500 });
    c.set('/1', v(1000));
    c.set('/2', v(1000));
    c.set('/3', v(1000));
    expect([c.size, c.bytes]).toEqual([2, 2000]);
    expect(c.get('/1')).toBeUndefined();
    c.set('/big', v(2501));
    expect(c.get('/big')).toBeUndefined();
    expect([c.size, c.bytes]).toEqual([2, 2000]);
    c.set('/2', v(2500)); // replacing an entry frees its old bytes first
    expect([c.size, c.bytes]).toEqual([1, 2500]);
    c.delete('/2');
    expect([c.size, c.bytes]).toEqual([0, 0]);
  });

  it('holds nothing with maxEntries 0', () => {
    const c = new BoundedLru<ReturnType<typeof v>>({ maxEntries: 0, maxBytes: 100 });
    c.set('/a', v(0));
    expect(c.size).toBe(0);
  });
});
