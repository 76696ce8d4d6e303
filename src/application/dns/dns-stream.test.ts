import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import { SECOND } from '../../sim/time.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { DnsStreamDecoder, frameDnsMessage, queryOverStream, serveDnsStream } from './dns-stream.ts';

describe('DNS over streams: two-octet length prefix (RFC 1035 §4.2.2)', () => {
  it('frames a message with its length', () => {
    expect([...frameDnsMessage(new Uint8Array([7, 8, 9]))]).toEqual([0, 3, 7, 8, 9]);
  });

  it('decodes the same messages fed byte by byte as fed at once, whatever the split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.array(fc.nat(400)),
        (messages, cuts) => {
          const stream = Uint8Array.from(messages.flatMap((m) => [...frameDnsMessage(m)]));
          const whole = new DnsStreamDecoder().push(stream);
          const bytewise = new DnsStreamDecoder();
          const one: Uint8Array[] = [];
          for (const b of stream) one.push(...bytewise.push(new Uint8Array([b])));
          const chunked = new DnsStreamDecoder();
          const parts: Uint8Array[] = [];
          let at = 0;
          for (const c of [...cuts.map((x) => x % (stream.length + 1))].sort((a, b) => a - b)) {
            parts.push(...chunked.push(stream.subarray(at, Math.max(at, c))));
            at = Math.max(at, c);
          }
          parts.push(...chunked.push(stream.subarray(at)));
          expect(whole).toEqual(messages);
          expect(one).toEqual(messages);
          expect(parts).toEqual(messages);
          expect(bytewise.pending).toBe(0);
        },
      ),
    );
  });

  it('serves pipelined queries in order and closes an idle connection', async () => {
    const sim = new Simulator();
    const clock = simClock(sim);
    const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
    const done = serveDnsStream(b, (q) => q.map((x) => x ^ 0xff), { clock, idleTimeout: 5 * SECOND });
    void a.write(
      Uint8Array.from([
        ...frameDnsMessage(new Uint8Array([0, 1, 5])),
        ...frameDnsMessage(new Uint8Array([0, 2, 6])),
      ]),
    );
    const got: number[][] = [];
    const reader = (async () => {
      const dec = new DnsStreamDecoder();
      for (;;) {
        const c = await a.read();
        if (c === null) return;
        for (const m of dec.push(c)) got.push([...m]);
      }
    })();
    await sim.run();
    await done;
    await reader;
    expect(got).toEqual([
      [255, 254, 250],
      [255, 253, 249],
    ]);
    expect(sim.now).toBe(5 * SECOND);
  });

  it('queryOverStream waits for the answer with its ID, and gives up after the timeout', async () => {
    const sim = new Simulator();
    const clock = simClock(sim);
    const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
    void serveDnsStream(b, (q) => (q[1] === 9 ? null : q), { clock });
    const ok = queryOverStream(a, new Uint8Array([0x12, 0x34, 1]), 0x1234, SECOND, clock);
    await sim.run(sim.now + 2 * SECOND);
    expect([...((await ok) ?? [])]).toEqual([0x12, 0x34, 1]);
    const pair = memoryPipe({ deferred: () => sim.deferred() });
    void serveDnsStream(pair.b, () => null, { clock });
    const lost = queryOverStream(pair.a, new Uint8Array([0, 9, 1]), 9, SECOND, clock);
    await sim.run(sim.now + 2 * SECOND);
    expect(await lost).toBeNull();
  });
});
