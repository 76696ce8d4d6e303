/**
 * Reliability of the machine over a hostile wire: for 1500 random seeds, random loss,
 * duplication, reordering (random extra delay) and option sets, the receiver gets exactly
 * the bytes that were written, in order, then the end of the stream; both sides then close.
 * A failing case prints its seed (fast-check), and the same seed reproduces it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/random.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { TcpSocketOptions } from './tcp-config.ts';
import { TcpPair } from './test-harness.ts';

interface Case {
  seed: number;
  size: number;
  loss: number;
  duplicate: number;
  jitterMs: number;
  a: TcpSocketOptions;
  b: TcpSocketOptions;
  writeChunk: number;
}

async function transfer(c: Case) {
  const rnd = new Random(c.seed, 'wire');
  const data = new Random(c.seed, 'data').bytes(new Uint8Array(c.size));
  const p = new TcpPair({
    seed: c.seed,
    a: c.a,
    b: c.b,
    delay: 5 * MILLISECOND,
    filter: () => {
      if (rnd.chance(c.loss)) return 'drop';
      const delay = c.jitterMs > 0 ? rnd.int(c.jitterMs * MILLISECOND) : 0;
      return { delay, copies: rnd.chance(c.duplicate) ? 2 : 1 };
    },
  });
  let written = 0;
  const pump = () => {
    const conn = p.a.conn!;
    while (written < data.length) {
      const n = conn.write(data, p.sim.now, written, Math.min(data.length, written + c.writeChunk));
      if (n === 0) break;
      written += n;
    }
    if (written === data.length) conn.close(p.sim.now);
    p.a.rearm();
  };
  p.onWritable = (side) => {
    if (side === 'A') pump();
  };
  let closedB = false;
  p.b.autoRead = false;
  const bSide = p.b;
  const origReadable = bSide.onReadable.bind(bSide);
  bSide.onReadable = () => {
    origReadable();
    bSide.drain();
    if (bSide.eof && !closedB) {
      closedB = true;
      p.sim.after(0, () => {
        bSide.conn!.close(p.sim.now);
        bSide.rearm();
      });
    }
  };
  p.connect();
  await p.run(3000 * SECOND);
  return { p, data, got: p.b.bytes() };
}

const optionsArb: fc.Arbitrary<TcpSocketOptions> = fc.record({
  sack: fc.boolean(),
  timestamps: fc.boolean(),
  windowScaling: fc.boolean(),
  noDelay: fc.boolean(),
  delayedAck: fc.boolean(),
  congestionControl: fc.constantFrom('newreno' as const, 'cubic' as const),
  sendBuffer: fc.constantFrom(4096, 65536, 262144),
  receiveBuffer: fc.constantFrom(3000, 16384, 262144),
});

describe('TCP delivers exactly the bytes written, in order', () => {
  it('over loss, duplication and reordering, for many seeds and option sets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
          size: fc.integer({ min: 0, max: 40_000 }),
          loss: fc.constantFrom(0, 0.01, 0.05, 0.15),
          duplicate: fc.constantFrom(0, 0.05),
          jitterMs: fc.constantFrom(0, 2, 20),
          a: optionsArb,
          b: optionsArb,
          writeChunk: fc.constantFrom(7, 100, 1448, 65536),
        }),
        async (c) => {
          const { p, data, got } = await transfer(c);
          expect(got.length).toBe(data.length);
          expect(Buffer.compare(Buffer.from(got), Buffer.from(data))).toBe(0);
          expect(p.b.eof).toBe(true);
          expect(p.a.errors).toEqual([]);
          expect(p.a.conn!.state).toBe('CLOSED');
        },
      ),
      { numRuns: 1500 },
    );
  });

  it('a 2 MB transfer with 2% loss and reordering, SACK on and off', async () => {
    for (const sack of [true, false]) {
      const { p, data, got } = await transfer({
        seed: 42,
        size: 2_000_000,
        loss: 0.02,
        duplicate: 0.01,
        jitterMs: 3,
        a: { sack },
        b: { sack },
        writeChunk: 65536,
      });
      expect(Buffer.compare(Buffer.from(got), Buffer.from(data))).toBe(0);
      expect(p.a.retransmits).toBeGreaterThan(0);
    }
  });
});
