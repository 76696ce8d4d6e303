import { describe, expect, it } from 'vitest';
import { star } from '../../lab/topology/star.ts';
import { topologyNetwork } from '../../lab/topology/test-network.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { RecordType } from './dns-constants.ts';
import { buildDnsHierarchy } from './dns-hierarchy.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import { DNS_SERVER, MAX_TCP_CLIENTS, RESOLVER } from './dns-sim.ts';

// h1 root, h2 com, h3 example.com, h4 resolver, h5 client, h6 runs nothing. 10.1.i.2.
function lab() {
  const topo = star({ hosts: 6, centre: 'router', link: { delay: 5 * MILLISECOND } });
  const net = topologyNetwork(topo, { seed: 11 });
  const big = Array.from({ length: 40 }, (_, i) => `big TXT "line ${i} ${'y'.repeat(40)}"`).join('\n');
  buildDnsHierarchy(net, {
    zones: [
      { origin: '.', servers: ['h1'] },
      { origin: 'com.', servers: ['h2'] },
      { origin: 'example.com.', servers: ['h3'], records: `www A 192.0.2.80\n${big}` },
    ],
    resolvers: ['h4'],
    clients: [{ node: 'h5', nameservers: ['h4'] }],
  });
  const stub = net.requireNode('h5').requireService(RESOLVER);
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    await net.sim.run(net.sim.now + 60 * SECOND);
    return p;
  };
  return { net, stub, settle };
}

describe('DNS on simulated nodes', () => {
  it('serves TCP on port 53 over the node’s own TCP layer: a truncated answer is fetched again over TCP', async () => {
    const { net, stub, settle } = lab();
    const segments: string[] = [];
    net.sim.trace.on('tcp.state', (e) => segments.push(`${e.node} ${e.to}`));
    const r = await settle(stub.lookup('big.example.com', RecordType.TXT));
    expect(r.status).toBe('NOERROR');
    expect(r.answers).toHaveLength(40);
    expect(r.exchange?.ok && r.exchange.transport).toBe('tcp');
    expect(r.exchange?.ok && r.exchange.retriedOverTcp).toBe(true);
    // Real TCP connections: the resolver to h3, then the client to the resolver.
    expect(segments).toContain('h4 ESTABLISHED');
    expect(segments).toContain('h5 ESTABLISHED');
    expect(net.requireNode('h3').requireService(DNS_SERVER).stats.get('answer')).toBeGreaterThanOrEqual(2);
  });

  it('a query to a host with no name server is refused after one round trip (ICMP port unreachable), over UDP and TCP', async () => {
    const { net, stub, settle } = lab();
    const nobody = { address: '10.1.6.2', port: 53 };
    for (const tcp of [false, true]) {
      const start = net.sim.now;
      let doneAt = -1;
      const p = stub.query('www.example.com', RecordType.A, { server: nobody, tries: 1, tcp });
      void p.then(() => {
        doneAt = net.sim.now;
      });
      const r = await settle(p);
      expect(r).toMatchObject({ ok: false, error: 'refused', detail: 'connection refused' });
      expect(r.transport).toBe(tcp ? 'tcp' : 'udp');
      // Not a 5 s timeout: a round trip to h6 (two 5 ms links each way), and ARP on the way.
      expect(doneAt - start).toBeGreaterThanOrEqual(20 * MILLISECOND);
      expect(doneAt - start).toBeLessThanOrEqual(41 * MILLISECOND);
    }
  });

  it(`serves at most ${MAX_TCP_CLIENTS} TCP clients at once: the next connection is closed at once`, async () => {
    const { net } = lab();
    const tcp = net.requireNode('h5').requireService(TCP);
    const connecting = Promise.all(
      Array.from({ length: MAX_TCP_CLIENTS + 1 }, () => tcp.connect('10.1.3.2', 53)),
    );
    await net.sim.run(net.sim.now + SECOND);
    const sockets = await connecting;
    const reads = sockets.map((s) => s.read());
    const ended: boolean[] = new Array(sockets.length).fill(false);
    for (const [i, r] of reads.entries()) {
      r.then(
        (v) => {
          ended[i] = v === null;
        },
        () => {
          ended[i] = true;
        },
      );
    }
    await net.sim.run(net.sim.now + SECOND);
    // The first 64 wait for a query (10 s idle timeout); the 65th got a FIN.
    expect(ended.filter((e) => e)).toHaveLength(1);
    expect(ended[MAX_TCP_CLIENTS]).toBe(true);
    await net.sim.run(net.sim.now + 10 * SECOND);
    expect(ended.every((e) => e)).toBe(true);
  });
});
