import { describe, expect, it } from 'vitest';
import { star } from '../../lab/topology/star.ts';
import { topologyNetwork } from '../../lab/topology/test-network.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { Rcode, RecordType } from './dns-constants.ts';
import { buildDnsHierarchy } from './dns-hierarchy.ts';
import { simDnsIo } from './dns-sim.ts';
import { RecursiveResolver } from './recursive-resolver.ts';

// h1 root; h2 com and net; h3 provider.net and example.com, whose servers are named in
// provider.net, so the com zone holds no glue for them; h4 the resolver.
function lab() {
  const topo = star({ hosts: 4, centre: 'router' });
  const net = topologyNetwork(topo, { seed: 11 });
  const dns = buildDnsHierarchy(net, {
    zones: [
      { origin: '.', servers: ['h1'] },
      { origin: 'com.', servers: ['h2'] },
      { origin: 'net.', servers: ['h2'] },
      {
        origin: 'provider.net.',
        servers: ['h3'],
        records: 'cdn A 198.51.100.7\nloop CNAME loop.example.com.',
      },
      {
        origin: 'example.com.',
        servers: ['h3'],
        text: `$TTL 600\n@ SOA ns1.provider.net. h.example.com. 1 2 3 4 60\n@ NS ns1.provider.net.\nwww CNAME cdn.provider.net.\nloop CNAME loop.provider.net.\n`,
      },
    ],
    resolvers: ['h4'],
  });
  const resolver = dns.resolvers.get('h4')!;
  const queries: string[] = [];
  net.sim.trace.on('dns.query', (e) => queries.push(`${e.server} ${e.qname} ${e.qtype}`));
  const resolve = async (name: string, type = RecordType.A) => {
    const p = resolver.resolve(name, type);
    await net.sim.run(net.sim.now + 30 * SECOND);
    return p;
  };
  return { resolve, queries, resolver, net };
}

describe('recursive resolution beyond the simple walk', () => {
  it('resolves a server name that has no glue first, then follows a CNAME into another zone', async () => {
    const { resolve, queries } = lab();
    const r = await resolve('www.example.com.');
    expect(r.rcode).toBe(Rcode.NOERROR);
    expect(r.answers.map((a) => `${a.name} ${a.type}`)).toEqual([
      'www.example.com. 5',
      'cdn.provider.net. 1',
    ]);
    expect(queries).toEqual([
      '10.1.1.2 www.example.com. A', // root: go to com
      '10.1.2.2 www.example.com. A', // com: example.com is served by ns1.provider.net (no glue)
      '10.1.1.2 ns1.provider.net. A', // so resolve that name: root -> net -> provider.net
      '10.1.2.2 ns1.provider.net. A',
      '10.1.3.2 ns1.provider.net. A',
      '10.1.3.2 www.example.com. A', // example.com: a CNAME out of the zone
      '10.1.3.2 cdn.provider.net. A', // provider.net's servers are cached now
    ]);
    expect(r.queries).toBe(7);
    const again = await resolve('www.example.com.');
    expect(again).toMatchObject({ fromCache: true, queries: 0 });
  });

  it('answers SERVFAIL to a CNAME loop across zones, within its query budget', async () => {
    const { resolve } = lab();
    const r = await resolve('loop.example.com.');
    expect(r.rcode).toBe(Rcode.SERVFAIL);
    expect(r.answers.map((a) => a.name)).toEqual(['loop.example.com.', 'loop.provider.net.']);
  });

  it('answers SERVFAIL after trying every server twice when the root does not answer', async () => {
    const { net } = lab();
    // Nothing answers at these addresses: each try waits 800 ms, two servers, two rounds.
    const lonely = new RecursiveResolver(simDnsIo(net.requireNode('h4'), undefined, 'dns/lonely'), {
      rootHints: [
        { address: '192.0.2.1', port: 53 },
        { address: '192.0.2.2', port: 53 },
      ],
    });
    const t0 = net.sim.now;
    let doneAt = -1;
    const p = lonely.resolve('www.example.com.', RecordType.A).finally(() => {
      doneAt = net.sim.now;
    });
    await net.sim.run(net.sim.now + 30 * SECOND);
    const r = await p;
    expect(r).toMatchObject({ rcode: Rcode.SERVFAIL, queries: 4 });
    expect(doneAt - t0).toBe(4 * 800 * MILLISECOND);
  });
});
