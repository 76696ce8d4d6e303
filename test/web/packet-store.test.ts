/** The capture store: columns and a chunked arena, bounded. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PacketStore } from '../../web/src/engine/packet-store.ts';

describe('packet store', () => {
  it('keeps every frame with its time and interface, copied', () => {
    const s = new PacketStore();
    const frame = Uint8Array.of(1, 2, 3, 4);
    expect(s.add(10, 3, frame)).toBe(0);
    frame[0] = 99; // a router rewriting the buffer it forwards
    expect(s.add(20, 4, Uint8Array.of(5, 6))).toBe(1);
    expect([...s.frame(0)]).toEqual([1, 2, 3, 4]);
    expect([...s.frame(1)]).toEqual([5, 6]);
    expect([s.time(0), s.iface(0), s.length(0), s.time(1), s.iface(1), s.length(1)]).toEqual([
      10, 3, 4, 20, 4, 2,
    ]);
    expect(s.count).toBe(2);
    expect(s.bytes).toBe(6);
    expect(() => s.frame(2)).toThrow(/no packet 2/);
  });

  it('stops keeping frames past its limits, and says so', () => {
    const byCount = new PacketStore({ maxPackets: 3 });
    for (let i = 0; i < 5; i++) byCount.add(i, 0, Uint8Array.of(i));
    expect([byCount.count, byCount.dropped, byCount.full]).toEqual([3, 2, true]);
    const byBytes = new PacketStore({ maxBytes: 100 });
    expect(byBytes.add(0, 0, new Uint8Array(60))).toBe(0);
    expect(byBytes.add(0, 0, new Uint8Array(60))).toBe(-1);
    expect(byBytes.add(0, 0, new Uint8Array(40))).toBe(1);
    expect([byBytes.count, byBytes.bytes, byBytes.dropped]).toEqual([2, 100, 1]);
    expect(() => new PacketStore({ maxPackets: 0 })).toThrow(/maxPackets/);
  });

  it('gives back exactly what was put in, across chunk boundaries and growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 1600 }), { maxLength: 3000 }),
        (frames) => {
          const s = new PacketStore();
          frames.forEach((f, i) => {
            s.add(i * 7, i % 5, f);
          });
          expect(s.count).toBe(frames.length);
          frames.forEach((f, i) => {
            expect(s.frame(i)).toEqual(f);
            expect(s.time(i)).toBe(i * 7);
          });
        },
      ),
      { numRuns: 20 },
    );
  });
});
