/**
 * The same property as reliability.test.ts, through the whole stack: sockets on two nodes,
 * Ethernet frames on a link that loses, duplicates and delays them at random (jitter
 * reorders), in both directions. The receiver reads exactly what the sender wrote.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { StreamError } from '../byte-stream.ts';
import { pair } from './test-network.ts';

describe('over a lossy, duplicating, reordering link', () => {
  it('the bytes arrive exactly, in order, for random seeds', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 150_000 }),
        fc.constantFrom(0.005, 0.02, 0.08),
        fc.constantFrom(0, 0.02),
        fc.constantFrom(0, 1, 5),
        fc.boolean(),
        async (seed, size, loss, duplicate, jitterMs, sack) => {
          const { sim, a, b } = pair({ loss, duplicate, jitter: jitterMs * MILLISECOND }, seed);
          const data = new Uint8Array(size);
          for (let i = 0; i < size; i++) data[i] = (i * 131 + seed) & 0xff;
          const parts: Uint8Array[] = [];
          let eof = false;
          void b.tcp
            .listen(80, { sack })
            .accept()
            .then(async (s) => {
              for (let d = await s.read(); d !== null; d = await s.read()) parts.push(d);
              eof = true;
              s.close();
            });
          // ARP can lose all three of its tries at 8% loss; like Linux, connect() then fails
          // with "No route to host" and, like a real client, the sender tries again.
          const send = async (tries: number): Promise<void> => {
            const c = await a.tcp.connect('10.0.0.2', 80, { sack }).catch((e: unknown) => {
              if (tries > 1 && e instanceof StreamError && e.code === 'unreachable') return null;
              throw e;
            });
            if (c === null) return send(tries - 1);
            await c.write(data);
            await c.end();
          };
          void send(5).catch(() => {});
          await sim.run(2000 * SECOND);
          const got = Buffer.concat(parts);
          expect(eof).toBe(true);
          expect(got.length).toBe(size);
          expect(Buffer.compare(got, Buffer.from(data))).toBe(0);
        },
      ),
      { numRuns: 300, examples: [[181065331, 1, 0.08, 0, 5, false]] },
    );
  });
});
