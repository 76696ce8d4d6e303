import { describe, expect, it } from 'vitest';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import type { NetDevice } from '../../link/net-device.ts';
import { MILLISECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import { experimentNetwork } from './experiment-network.ts';
import { dropSegments } from './segment-dropper.ts';

const BYTES = 20_000; // 13 segments of 1448 bytes and one of 1176: 14 large ones

/** Sends BYTES from the server to the client once; what the client read and when it finished. */
async function transfer(dropAt?: number[]) {
  const { network, serverAddress } = experimentNetwork({ rtt: 20 * MILLISECOND, rate: 50e6, seed: 1 });
  const sim = network.sim;
  const device: NetDevice = network
    .requireNode('client')
    .requireService(IPV4)
    .interfaces.find((i) => i.name === 'eth0')!.device;
  const dropper = dropAt ? dropSegments(device, { drop: dropAt }) : undefined;
  const drops: TraceEventOf<'link.drop'>[] = [];
  sim.trace.on('link.drop', (e) => drops.push(e));
  const listener = network.requireNode('server').requireService(TCP).listen(80);
  const body = new Uint8Array(BYTES).map((_, i) => i & 0xff);
  void (async () => {
    const s = await listener.accept();
    await s.write(body);
    await s.end();
  })();
  let received = new Uint8Array(0);
  let finished = 0;
  void (async () => {
    const c = await network.requireNode('client').requireService(TCP).connect(serverAddress, 80);
    await c.write(new Uint8Array([1, 2, 3])); // a small segment: never counted
    for (;;) {
      const chunk = await c.read();
      if (chunk === null) break;
      const next = new Uint8Array(received.length + chunk.length);
      next.set(received);
      next.set(chunk, received.length);
      received = next;
    }
    finished = sim.now;
    c.close();
  })();
  await sim.run();
  return { received, body, finished, drops, dropper, device };
}

describe('dropSegments', () => {
  it('loses exactly the chosen large segments, traced as link loss; TCP repairs the stream', async () => {
    const clean = await transfer();
    const lossy = await transfer([2, 5]);
    expect(lossy.received).toEqual(lossy.body);
    expect(clean.drops).toEqual([]);
    expect(lossy.drops.map((d) => [d.node, d.iface, d.reason])).toEqual([
      ['client', 'eth0', 'link-loss'],
      ['client', 'eth0', 'link-loss'],
    ]);
    expect(lossy.dropper!.dropped.map((d) => [d.number, d.sourcePort, d.length])).toEqual([
      [2, 80, 1448],
      [5, 80, 1448],
    ]);
    // The second lost segment starts 3 segments after the first.
    expect(lossy.dropper!.dropped[1]!.seq - lossy.dropper!.dropped[0]!.seq).toBe(3 * 1448);
    // Every data segment was seen, the two retransmissions as well.
    expect(lossy.dropper!.seen).toBe(14 + 2);
    expect(lossy.finished).toBeGreaterThan(clean.finished);
  });

  it('puts the device back as it was when removed', async () => {
    const r = await transfer([1]);
    r.dropper!.remove();
    expect(Object.hasOwn(r.device, 'deliver')).toBe(false);
    r.dropper!.remove(); // twice is harmless
  });

  it('refuses segment numbers below 1', async () => {
    const { network } = experimentNetwork({ rtt: MILLISECOND, rate: 1e6, seed: 1 });
    const device = network.requireNode('client').requireService(IPV4).interfaces[0]!.device;
    expect(() => dropSegments(device, { drop: [0] })).toThrow(
      expect.objectContaining({ code: 'experiment-bad-option' }),
    );
    expect(() => dropSegments(device, { drop: [1], minPayload: 0 })).toThrow(
      expect.objectContaining({ code: 'experiment-bad-option' }),
    );
  });
});
