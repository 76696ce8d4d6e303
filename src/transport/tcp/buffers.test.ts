/** The send and receive rings against simple models, with random operations (and growth). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReceiveBuffer } from './receive-buffer.ts';
import { SackScoreboard } from './sack-scoreboard.ts';
import { SendBuffer } from './send-buffer.ts';

const byte = (o: number) => (o * 7 + 3) & 0xff;
function stream(from: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = byte(from + i);
  return out;
}

describe('SendBuffer', () => {
  it('holds [head, tail), never more than its capacity, and copies any range back out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40_000 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 9000 })), { maxLength: 60 }),
        (capacity, ops) => {
          const b = new SendBuffer(capacity);
          for (const [write, n] of ops) {
            if (write) {
              const taken = b.append(stream(b.tail, n));
              expect(taken).toBe(Math.min(n, capacity - (b.tail - taken - b.head)));
            } else b.release(b.head + Math.min(n, b.length));
            expect(b.length).toBeLessThanOrEqual(capacity);
            const len = b.length;
            if (len > 0) {
              const out = new Uint8Array(len);
              b.copyOut(b.head, len, out, 0);
              expect(Buffer.compare(out, stream(b.head, len))).toBe(0);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ReceiveBuffer', () => {
  it('delivers exactly the stream, in order, whatever order and overlap segments arrive in', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2000, max: 70_000 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 1, max: 3000 })), {
          maxLength: 80,
        }),
        (capacity, segments) => {
          const b = new ReceiveBuffer(capacity, 16);
          const got: number[] = [];
          for (const [at, n] of segments) {
            const r = b.insert(at, stream(at, n));
            expect(b.readable + (b.readOffset - got.length)).toBe(b.nxt - got.length);
            if (r.advanced > 0) expect(r.outOfOrder).toBe(false);
            // Read some: what comes out is the stream.
            const d = b.read(Math.ceil(b.readable / 2));
            got.push(...d);
            expect(b.nxt - b.readOffset).toBeLessThanOrEqual(capacity);
          }
          got.push(...b.read());
          expect(Buffer.compare(Uint8Array.from(got), stream(0, got.length))).toBe(0);
          // SACK blocks never overlap RCV.NXT and hold what was received.
          for (const blk of b.sackBlocks(4)) expect(blk.start).toBeGreaterThan(b.nxt);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('orders SACK blocks most recent first (RFC 2018 §4)', () => {
    const b = new ReceiveBuffer(100_000);
    b.insert(3000, stream(3000, 1000));
    b.insert(6000, stream(6000, 1000));
    b.insert(4000, stream(4000, 500)); // extends the first block: it becomes the most recent
    expect(b.sackBlocks(3)).toEqual([
      { start: 3000, end: 4500 },
      { start: 6000, end: 7000 },
    ]);
  });
});

describe('SackScoreboard', () => {
  it('merges, clips to [una, nxt), counts new bytes and finds holes', () => {
    const s = new SackScoreboard();
    expect(s.add(5000, 6000, 1000, 10_000)).toBe(1000);
    expect(s.add(5500, 7000, 1000, 10_000)).toBe(1000);
    expect(s.add(0, 500, 1000, 10_000)).toBe(0); // below SND.UNA: a D-SACK or garbage
    expect(s.add(9000, 20_000, 1000, 10_000)).toBe(1000); // clipped at SND.NXT
    expect(s.ranges()).toEqual([
      [5000, 7000],
      [9000, 10_000],
    ]);
    expect(s.nextUnsacked(5000)).toBe(7000);
    expect(s.nextSackedStart(1000)).toBe(5000);
    expect(s.unsackedIn(1000, 10_000)).toBe(6000);
    // More than 2 segments' worth (2 * 1000) SACKed above 5000: everything below it is lost.
    expect(s.lostBoundary(2000)).toBe(5000);
    s.advance(6000);
    expect(s.ranges()).toEqual([
      [6000, 7000],
      [9000, 10_000],
    ]);
  });
});
