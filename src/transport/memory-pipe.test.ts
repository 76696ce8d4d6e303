import { describe, expect, it } from 'vitest';
import { Simulator } from '../sim/simulator.ts';
import { StreamError } from './byte-stream.ts';
import { memoryPipe } from './memory-pipe.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

describe('memoryPipe', () => {
  it('carries bytes both ways and ends with null after end()', async () => {
    const { a, b } = memoryPipe();
    await a.write(enc('hello'));
    await b.write(enc('world'));
    expect(dec(await b.read())).toBe('hello');
    expect(dec(await a.read())).toBe('world');
    await a.end();
    expect(await b.read()).toBeNull();
    await b.write(enc('still open'));
    expect(dec(await a.read())).toBe('still open');
  });

  it('splits a chunk for read(max) and keeps order', async () => {
    const { a, b } = memoryPipe();
    await a.write(enc('abcdef'));
    expect(dec(await b.read(2))).toBe('ab');
    expect(dec(await b.read(10))).toBe('cdef');
  });

  it('makes a writer wait when the buffer is full (back-pressure)', async () => {
    const { a, b } = memoryPipe({ capacity: 4 });
    await a.write(enc('1234'));
    let done = false;
    const w = a.write(enc('5678')).then(() => {
      done = true;
    });
    await Promise.resolve();
    expect(done).toBe(false);
    expect(dec(await b.read())).toBe('1234');
    await w;
    expect(done).toBe(true);
    expect(dec(await b.read())).toBe('5678');
  });

  it('abort() rejects the peer with connection-reset', async () => {
    const { a, b } = memoryPipe();
    const pending = b.read();
    a.abort();
    await expect(pending).rejects.toBeInstanceOf(StreamError);
    await expect(b.write(enc('x'))).rejects.toMatchObject({ code: 'connection-reset' });
  });

  it('rejects a second concurrent read and writes after end', async () => {
    const { a, b } = memoryPipe();
    void b.read();
    await expect(b.read()).rejects.toMatchObject({ code: 'concurrent-read' });
    await a.end();
    await expect(a.write(enc('x'))).rejects.toMatchObject({ code: 'stream-closed' });
  });

  it('resumes readers at the simulated instant of the write', async () => {
    const sim = new Simulator();
    const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
    const seen: number[] = [];
    void (async () => {
      for (;;) {
        const chunk = await b.read();
        if (chunk === null) break;
        seen.push(sim.now);
      }
    })();
    sim.at(1000, () => void a.write(enc('x')));
    sim.at(5000, () => void a.write(enc('y')));
    await sim.run();
    expect(seen).toEqual([1000, 5000]);
  });
});
