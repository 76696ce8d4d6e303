import { describe, expect, it } from 'vitest';
import { Simulator } from '../sim/simulator.ts';
import { MICROSECOND, MILLISECOND, SECOND } from '../sim/time.ts';
import { parseEthernet, serializeEthernet } from './ethernet.ts';
import { LearningSwitch } from './learning-switch.ts';
import { BROADCAST_MAC, type MacAddress } from './mac-address.ts';
import type { NetDevice } from './net-device.ts';
import { Node } from './node.ts';
import { PointToPointLink } from './point-to-point.ts';
import { SharedMedium } from './shared-medium.ts';

const TEST_TYPE = 0x88b5; // IEEE 802 local experimental EtherType

interface Heard {
  node: string;
  at: number;
  seq: number;
  forUs: boolean;
}

function station(sim: Simulator, name: string, heard: Heard[]): Node {
  const n = new Node(sim, name);
  n.registerProtocol(TEST_TYPE, (_dev, frame, forUs) => {
    const f = parseEthernet(frame);
    if ('payload' in f) heard.push({ node: name, at: sim.now, seq: f.payload[0]!, forUs });
  });
  return n;
}

function frame(dst: MacAddress, src: NetDevice, seq: number, size = 60): Uint8Array {
  const payload = new Uint8Array(size - 14);
  payload[0] = seq;
  return serializeEthernet({ destination: dst, source: src.mac, etherType: TEST_TYPE, payload });
}

describe('point-to-point link', () => {
  it('delivers after serialisation (with Ethernet overhead) plus propagation', async () => {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const a = station(sim, 'a', heard).addDevice('eth0');
    const b = station(sim, 'b', heard).addDevice('eth0');
    new PointToPointLink(a, b, { rate: 1e9, delay: 100 * MICROSECOND });
    a.send(frame(b.mac, a, 1, 1514)); // (1514 + 24) bytes * 8 ns = 12304 ns
    a.send(frame(b.mac, a, 2, 1514)); // waits in the queue for the first
    await sim.run();
    expect(heard.map((h) => h.at)).toEqual([12_304 + 100_000, 2 * 12_304 + 100_000]);
    expect(a.counters.txFrames).toBe(2);
  });

  it('tail-drops when the queue is full, and traces why', async () => {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const a = station(sim, 'a', heard).addDevice('eth0', { queue: { packets: 2 } });
    const b = station(sim, 'b', heard).addDevice('eth0');
    new PointToPointLink(a, b, { rate: 1e6 });
    const drops: string[] = [];
    sim.trace.on('link.drop', (e) => drops.push(`${e.node}:${e.iface} ${e.reason}`));
    for (let i = 0; i < 5; i++) a.send(frame(b.mac, a, i)); // 1 on the wire, 2 queued, 2 dropped
    await sim.run();
    expect(heard.map((h) => h.seq)).toEqual([0, 1, 2]);
    expect(drops).toEqual(['a:eth0 queue-full', 'a:eth0 queue-full']);
  });

  it('loses frames in flight when the link goes down, and refuses new ones', async () => {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const a = station(sim, 'a', heard).addDevice('eth0');
    const b = station(sim, 'b', heard).addDevice('eth0');
    const link = new PointToPointLink(a, b, { rate: 1e9, delay: MILLISECOND });
    const reasons: string[] = [];
    sim.trace.on('link.drop', (e) => reasons.push(e.reason));
    a.send(frame(b.mac, a, 1));
    sim.at(MICROSECOND, () => link.setUp(false));
    sim.at(2 * MICROSECOND, () => expect(a.send(frame(b.mac, a, 2))).toBe(false));
    await sim.run();
    expect(heard).toEqual([]);
    expect(reasons).toEqual(['no-carrier', 'no-carrier']);
  });

  it('applies seeded loss reproducibly', async () => {
    async function run(seed: number): Promise<number[]> {
      const sim = new Simulator({ seed });
      const heard: Heard[] = [];
      const a = station(sim, 'a', heard).addDevice('eth0', { queue: { packets: 1000 } });
      const b = station(sim, 'b', heard).addDevice('eth0');
      new PointToPointLink(a, b, { loss: 0.3 });
      for (let i = 0; i < 200; i++) a.send(frame(b.mac, a, i));
      await sim.run();
      return heard.map((h) => h.seq);
    }
    const r1 = await run(5);
    expect(await run(5)).toEqual(r1);
    expect(r1.length).toBeGreaterThan(110);
    expect(r1.length).toBeLessThan(170);
    expect(await run(6)).not.toEqual(r1);
  });

  it('reorders under jitter and duplicates when asked', async () => {
    const sim = new Simulator({ seed: 3 });
    const heard: Heard[] = [];
    const a = station(sim, 'a', heard).addDevice('eth0', { queue: { packets: 1000 } });
    const b = station(sim, 'b', heard).addDevice('eth0');
    new PointToPointLink(a, b, { rate: 1e9, jitter: 50 * MICROSECOND, duplicate: 0.2 });
    for (let i = 0; i < 100; i++) a.send(frame(b.mac, a, i));
    await sim.run();
    const seqs = heard.map((h) => h.seq);
    expect(seqs.length).toBeGreaterThan(105);
    expect(seqs).not.toEqual([...seqs].sort((x, y) => x - y));
  });
});

describe('shared medium (bus / hub)', () => {
  it('every station hears every frame; the filter hides it unless promiscuous', async () => {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const bus = new SharedMedium(sim, 'bus', { rate: 10e6 });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => station(sim, n, heard).addDevice('eth0'));
    for (const d of [a!, b!, c!]) bus.attach(d);
    a!.send(frame(b!.mac, a!, 1));
    await sim.run();
    expect(heard).toEqual([{ node: 'b', at: 67_200, seq: 1, forUs: true }]); // (60+24)*8*100 ns
    c!.setPromiscuous(true);
    a!.send(frame(b!.mac, a!, 2));
    await sim.run();
    expect(
      heard
        .slice(1)
        .map((h) => `${h.node}:${h.forUs}`)
        .sort(),
    ).toEqual(['b:true', 'c:false']);
  });

  it('serialises transmissions: the medium carries one frame at a time', async () => {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const bus = new SharedMedium(sim, 'bus', { rate: 10e6 });
    const [a, b, c] = ['a', 'b', 'c'].map((n) => station(sim, n, heard).addDevice('eth0'));
    for (const d of [a!, b!, c!]) bus.attach(d);
    a!.send(frame(c!.mac, a!, 1));
    b!.send(frame(c!.mac, b!, 2)); // defers until a's frame is off the medium
    a!.send(frame(c!.mac, a!, 3));
    await sim.run();
    expect(heard.map((h) => [h.seq, h.at])).toEqual([
      [1, 67_200],
      [2, 134_400],
      [3, 201_600],
    ]);
  });
});

describe('learning switch', () => {
  function star(n: number) {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const sw = new LearningSwitch(sim, 'sw', { aging: 10 * SECOND });
    const hosts = Array.from({ length: n }, (_, i) => {
      const d = station(sim, `h${i + 1}`, heard).addDevice('eth0');
      d.setPromiscuous(true); // so the test sees floods reaching hosts
      new PointToPointLink(d, sw.addPort(`p${i + 1}`), { rate: 1e9 });
      return d;
    });
    return { sim, heard, sw, hosts };
  }

  it('floods unknown destinations, then forwards only to the learned port', async () => {
    const { sim, heard, sw, hosts } = star(4);
    const [h1, h2] = hosts;
    h1!.send(frame(h2!.mac, h1!, 1)); // h2 unknown: flooded to h2, h3, h4
    await sim.run();
    expect(heard.map((h) => h.node).sort()).toEqual(['h2', 'h3', 'h4']);
    heard.length = 0;
    h2!.send(frame(h1!.mac, h2!, 2)); // h1 learned on p1: only h1
    await sim.run();
    expect(heard.map((h) => h.node)).toEqual(['h1']);
    heard.length = 0;
    h1!.send(frame(h2!.mac, h1!, 3)); // h2 now learned too
    await sim.run();
    expect(heard.map((h) => h.node)).toEqual(['h2']);
    expect(sw.entries().map((e) => e.port)).toEqual(['p1', 'p2']);
  });

  it('floods broadcasts and ages entries out', async () => {
    const { sim, heard, sw, hosts } = star(3);
    const [h1, h2] = hosts;
    const aged: string[] = [];
    sim.trace.on('switch.age', (e) => aged.push(e.port));
    h1!.send(frame(BROADCAST_MAC, h1!, 1));
    await sim.run();
    expect(heard.map((h) => h.node).sort()).toEqual(['h2', 'h3']);
    heard.length = 0;
    sim.at(11 * SECOND, () => h2!.send(frame(h1!.mac, h2!, 2))); // h1's entry has aged: flood
    await sim.run();
    expect(heard.map((h) => h.node).sort()).toEqual(['h1', 'h3']);
    expect(aged).toEqual(['p1']);
    expect(sw.entries().map((e) => e.port)).toEqual(['p2']);
  });

  it('stops learning when the table is full (frames to new addresses are flooded)', async () => {
    const sim = new Simulator();
    const heard: Heard[] = [];
    const sw = new LearningSwitch(sim, 'sw', { tableSize: 1 });
    const hosts = ['h1', 'h2', 'h3'].map((n, i) => {
      const d = station(sim, n, heard).addDevice('eth0');
      d.setPromiscuous(true);
      new PointToPointLink(d, sw.addPort(`p${i + 1}`));
      return d;
    });
    hosts[0]!.send(frame(hosts[2]!.mac, hosts[0]!, 1));
    hosts[1]!.send(frame(hosts[2]!.mac, hosts[1]!, 2));
    await sim.run();
    expect(sw.entries().length).toBe(1);
    heard.length = 0;
    hosts[2]!.send(frame(hosts[1]!.mac, hosts[2]!, 3)); // h2 was never learned: flood
    await sim.run();
    expect(heard.map((h) => h.node).sort()).toEqual(['h1', 'h2']);
  });
});
