import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { AuthoritativeServer } from './authoritative-server.ts';
import { exchange } from './dns-exchange.ts';
import { DatagramQueue, type DnsIo, type DnsServerAddress } from './dns-io.ts';
import { type DnsMessage, EMPTY_MESSAGE, parseDnsMessage, serializeDnsMessage } from './dns-message.ts';
import { serveDnsStream } from './dns-stream.ts';
import { Zone } from './zone.ts';

const zone = Zone.fromText(
  `$ORIGIN example.com.\n$TTL 60\n@ SOA ns h 1 2 3 4 5\n@ NS ns\nns A 192.0.2.53\nwww A 192.0.2.80\n${Array.from({ length: 30 }, (_, i) => `big TXT "${i} ${'q'.repeat(50)}"`).join('\n')}\n`,
);
const auth = new AuthoritativeServer([zone]);
const SERVER: DnsServerAddress = { address: '192.0.2.53', port: 53 };

/**
 * A host whose datagrams go to a scripted network: `script(query, reply)` decides what
 * comes back and from where, 10 ms later.
 */
function fakeIo(
  script: (query: Uint8Array, reply: (data: Uint8Array, from: DnsServerAddress) => void) => void,
  tcp = false,
) {
  const sim = new Simulator({ seed: 3 });
  const ports: number[] = [];
  const io: DnsIo = {
    node: 'client',
    clock: simClock(sim),
    random: sim.random.fork('client'),
    trace: sim.trace,
    deferred: () => sim.deferred(),
    openUdp(port) {
      ports.push(port);
      const queue = new DatagramQueue(io);
      return {
        localPort: port,
        send: (data) =>
          script(data, (d, from) => sim.after(10 * MILLISECOND, () => queue.push({ data: d, from }))),
        receive: (t) => queue.receive(t),
        close: () => queue.close(),
      };
    },
    ...(tcp
      ? {
          connect: () => {
            const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
            void serveDnsStream(b, (q) => auth.handle(q, 'tcp').response, { clock: simClock(sim) });
            return Promise.resolve(a);
          },
        }
      : {}),
  };
  return { sim, io, ports };
}

const QUERY: DnsMessage = {
  ...EMPTY_MESSAGE,
  rd: true,
  questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
};

describe('exchange: matching answers to queries (RFC 5452)', () => {
  it('ignores answers from the wrong source, with the wrong ID or question, and takes the real one', async () => {
    const { sim, io } = fakeIo((q, reply) => {
      const real = auth.handle(q, 'udp').response!;
      const m = parseDnsMessage(real) as DnsMessage;
      reply(real, { address: '203.0.113.66', port: 53 });
      reply(serializeDnsMessage({ ...m, id: (m.id + 1) & 0xffff }), SERVER);
      reply(
        serializeDnsMessage({ ...m, questions: [{ name: 'evil.example.com.', type: 1, class: 1 }] }),
        SERVER,
      );
      reply(new Uint8Array([1, 2, 3]), SERVER);
      reply(serializeDnsMessage({ ...m, qr: false }), SERVER);
      reply(real, SERVER);
    });
    const ignored: string[] = [];
    sim.trace.on('dns.ignored', (e) => ignored.push(e.reason));
    const p = exchange(io, QUERY, SERVER, { timeout: SECOND, role: 'stub' });
    await sim.run();
    const r = await p;
    expect(r.ok && r.response.answers.length).toBe(1);
    expect(ignored).toEqual(['wrong-source', 'wrong-id', 'wrong-question', 'malformed', 'not-response']);
    expect(r.ok && r.rtt).toBe(10 * MILLISECOND);
  });

  it('draws a new ID and source port for every query', async () => {
    const ids: number[] = [];
    const { sim, io, ports } = fakeIo((q) => ids.push((q[0]! << 8) | q[1]!));
    const all = Promise.all(
      [1, 2, 3, 4].map(() => exchange(io, QUERY, SERVER, { timeout: SECOND, role: 'stub' })),
    );
    await sim.run();
    const results = await all;
    expect(results.every((r) => !r.ok && r.error === 'timeout')).toBe(true);
    expect(new Set(ids).size).toBe(4);
    expect(new Set(ports).size).toBe(4);
    expect(ports.every((p) => p >= 1024 && p <= 65535)).toBe(true);
    expect(sim.now).toBe(SECOND);
  });

  it('retries a truncated UDP answer over a stream and gets it whole', async () => {
    const { sim, io } = fakeIo((q, reply) => reply(auth.handle(q, 'udp').response!, SERVER), true);
    const p = exchange(
      io,
      { ...QUERY, questions: [{ name: 'big.example.com.', type: 16, class: 1 }] },
      SERVER,
      {
        timeout: SECOND,
        role: 'stub',
      },
    );
    await sim.run();
    const r = await p;
    expect(r.ok && [r.transport, r.retriedOverTcp, r.response.answers.length, r.response.tc]).toEqual([
      'tcp',
      true,
      30,
      false,
    ]);
    const udpOnly = fakeIo((q, reply) => reply(auth.handle(q, 'udp').response!, SERVER));
    const q = exchange(
      udpOnly.io,
      { ...QUERY, questions: [{ name: 'big.example.com.', type: 16, class: 1 }] },
      SERVER,
      {
        timeout: SECOND,
        role: 'stub',
      },
    );
    await udpOnly.sim.run();
    const truncated = await q;
    expect(truncated.ok && truncated.response.tc).toBe(true);
    expect(parseDnsMessage(new Uint8Array(0))).toBeInstanceOf(ProtocolError);
  });
});
