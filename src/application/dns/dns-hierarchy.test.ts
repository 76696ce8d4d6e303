import { describe, expect, it } from 'vitest';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { star } from '../../lab/topology/star.ts';
import { topologyNetwork } from '../../lab/topology/test-network.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { RecordType } from './dns-constants.ts';
import { buildDnsHierarchy } from './dns-hierarchy.ts';
import { DNS_SERVER, RESOLVER } from './dns-sim.ts';

// h1 root, h2 com, h3 example.com, h4 recursive resolver, h5 the client; each host on its
// own subnet behind router r1 (10.1.i.2, gateway 10.1.i.1).
function lab(options: { tcp?: boolean } = {}) {
  const topo = star({ hosts: 5, centre: 'router', link: { delay: 5 * MILLISECOND } });
  const net = topologyNetwork(topo, { seed: 7 });
  const big = Array.from({ length: 40 }, (_, i) => `big TXT "line ${i} ${'y'.repeat(40)}"`).join('\n');
  const connect = options.tcp
    ? () => (address: string) => {
        const name = net.nodes().find((n) => formatIpv4Address(net.hostAddress(n.name) ?? 0) === address)!;
        const { a, b } = memoryPipe({ deferred: () => net.sim.deferred() });
        void name.requireService(DNS_SERVER).serveStream(b);
        return Promise.resolve(a);
      }
    : undefined;
  const dns = buildDnsHierarchy(net, {
    zones: [
      { origin: '.', servers: ['h1'] },
      { origin: 'com.', servers: ['h2'] },
      { origin: 'example.com.', servers: ['h3'], records: `www 300 A 93.184.216.34\nweb CNAME www\n${big}` },
    ],
    resolvers: ['h4'],
    clients: [
      { node: 'h5', nameservers: ['h4'], hosts: '127.0.0.1 localhost\n10.9.9.9 printer.lan printer\n' },
    ],
    ...(connect ? { connect } : {}),
  });
  const events: string[] = [];
  net.sim.trace.on('dns.query', (e) =>
    events.push(`${e.node} ${e.role} ${e.transport} -> ${e.server} ${e.qname} ${e.qtype}`),
  );
  net.sim.trace.on('dns.response', (e) =>
    events.push(`${e.node} <- ${e.server} ${e.kind}${e.zone ? ` ${e.zone}` : ''} ${e.rcode}`),
  );
  const cache: TraceEventOf<'dns.cache'>[] = [];
  net.sim.trace.on('dns.cache', (e) => cache.push(e));
  const stub = net.requireNode('h5').requireService(RESOLVER);
  const run = async <T>(p: Promise<T>): Promise<T> => {
    await net.sim.run(net.sim.now + 60 * SECOND);
    return p;
  };
  return { net, dns, stub, events, cache, run };
}

describe('a simulated DNS hierarchy: root, com, example.com, a resolver and a client', () => {
  it('resolves www.example.com by walking root -> com -> example.com, then serves it from cache', async () => {
    const { net, stub, events, cache, run, dns } = lab();
    const first = await run(stub.lookup('www.example.com'));
    expect(first).toMatchObject({ status: 'NOERROR', addresses: ['93.184.216.34'], source: 'dns' });
    expect(events).toEqual([
      'h5 stub udp -> 10.1.4.2 www.example.com. A',
      'h4 resolver udp -> 10.1.1.2 www.example.com. A',
      'h4 <- 10.1.1.2 referral com. NOERROR',
      'h4 resolver udp -> 10.1.2.2 www.example.com. A',
      'h4 <- 10.1.2.2 referral example.com. NOERROR',
      'h4 resolver udp -> 10.1.3.2 www.example.com. A',
      'h4 <- 10.1.3.2 answer NOERROR',
      'h5 <- 10.1.4.2 answer NOERROR',
    ]);
    // Each leg crosses two 5 ms links each way: 20 ms per exchange, four exchanges.
    expect(first.exchange?.ok && first.exchange.rtt).toBeGreaterThanOrEqual(80 * MILLISECOND);

    events.length = 0;
    await net.sim.run(net.sim.now + 100 * SECOND);
    const again = await run(stub.lookup('www.example.com'));
    expect(again.addresses).toEqual(['93.184.216.34']);
    expect(events).toEqual(['h5 stub udp -> 10.1.4.2 www.example.com. A', 'h5 <- 10.1.4.2 answer NOERROR']);
    const hit = cache.filter((c) => c.op === 'hit').at(-1)!;
    expect(hit).toMatchObject({ node: 'h4', name: 'www.example.com.', qtype: 'A' });
    // TTL 300 counts down in simulated time: stored at 0.07 s, read at 160.01 s (the first
    // run went to 60 s, then 100 s passed): floor(300 - 159.94) = 140 seconds left.
    expect(again.answers[0]!.ttl).toBe(140);
    expect(hit.ttl).toBe(again.answers[0]!.ttl);
    const table = dns.resolvers.get('h4')!.cache.entries(net.sim.now);
    expect(table.map((e) => `${e.name} ${e.type} ${e.rank}`)).toEqual(
      expect.arrayContaining([
        'com. NS authority',
        'example.com. NS authority',
        'ns1.example.com. A glue',
        'www.example.com. A answer',
      ]),
    );
  });

  it('caches NXDOMAIN negatively for the SOA minimum, then asks again', async () => {
    const { net, stub, events, cache, run } = lab();
    await run(stub.lookup('www.example.com'));
    events.length = 0;
    const nx = await run(stub.lookup('nope.example.com'));
    expect(nx.status).toBe('NXDOMAIN');
    // com and example.com servers are known now: one query, straight to example.com.
    expect(events).toEqual([
      'h5 stub udp -> 10.1.4.2 nope.example.com. A',
      'h4 resolver udp -> 10.1.3.2 nope.example.com. A',
      'h4 <- 10.1.3.2 nxdomain NXDOMAIN',
      'h5 <- 10.1.4.2 nxdomain NXDOMAIN',
    ]);
    expect(nx.exchange?.ok && nx.exchange.response.authority[0]!.ttl).toBe(300);
    events.length = 0;
    const cached = await run(stub.lookup('nope.example.com', RecordType.AAAA));
    expect(cached.status).toBe('NXDOMAIN');
    expect(events).toHaveLength(2);
    expect(cache.some((c) => c.op === 'negative-hit' && c.name === 'nope.example.com.')).toBe(true);
    await net.sim.run(net.sim.now + 301 * SECOND);
    events.length = 0;
    await run(stub.lookup('nope.example.com'));
    expect(events.filter((e) => e.startsWith('h4 resolver'))).toEqual([
      'h4 resolver udp -> 10.1.3.2 nope.example.com. A',
    ]);
  });

  it('follows a CNAME, answers from the hosts file without a packet, and fails over a dead resolver', async () => {
    const { net, stub, events, run } = lab();
    const web = await run(stub.lookup('web.example.com'));
    expect(web.addresses).toEqual(['93.184.216.34']);
    expect(web.answers.map((a) => a.type)).toEqual([RecordType.CNAME, RecordType.A]);
    events.length = 0;
    expect(await run(stub.lookup('printer'))).toMatchObject({ source: 'hosts', addresses: ['10.9.9.9'] });
    expect(events).toEqual([]);
    net.requireNode('h4').setUp(false);
    stub.conf = { ...stub.conf, timeout: 1, attempts: 2 };
    const t0 = net.sim.now;
    const dead = await run(stub.lookup('www.example.com'));
    expect(dead.status).toBe('TIMEOUT');
    expect(net.sim.now - t0).toBeGreaterThanOrEqual(2 * SECOND);
  });

  it('retries a truncated answer over TCP, at the resolver and at the client', async () => {
    const { stub, events, run } = lab({ tcp: true });
    const r = await run(stub.lookup('big.example.com', RecordType.TXT));
    expect(r.status).toBe('NOERROR');
    expect(r.answers).toHaveLength(40);
    expect(r.exchange?.ok && r.exchange.transport).toBe('tcp');
    expect(events.filter((e) => e.includes(' tcp -> '))).toEqual([
      'h4 resolver tcp -> 10.1.3.2 big.example.com. TXT',
      'h5 stub tcp -> 10.1.4.2 big.example.com. TXT',
    ]);
    expect(events.some((e) => e.includes('truncated'))).toBe(true);
  });
});
