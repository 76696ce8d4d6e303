import { describe, expect, it } from 'vitest';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { star } from '../../lab/topology/star.ts';
import { topologyNetwork } from '../../lab/topology/test-network.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { NAME_RESOLVER } from '../../transport/name-resolver.ts';
import { buildDnsHierarchy } from './dns-hierarchy.ts';
import { RESOLVER } from './dns-sim.ts';
import { EAI_AGAIN, EAI_FAIL, EAI_NONAME, lookupErrorText } from './stub-name-resolver.ts';

// h1 root, h2 com, h3 example.com, h4 the recursive resolver, h5 a client of h4, h6 a
// client that asks h3 (authoritative only) directly. Hosts are 10.1.i.2 behind r1.
function lab() {
  const topo = star({ hosts: 6, centre: 'router', link: { delay: 2 * MILLISECOND } });
  const net = topologyNetwork(topo, { seed: 3 });
  buildDnsHierarchy(net, {
    zones: [
      { origin: '.', servers: ['h1'] },
      { origin: 'com.', servers: ['h2'] },
      {
        origin: 'example.com.',
        servers: ['h3'],
        // `broken` is delegated to h5, which runs no name server (port unreachable).
        records:
          'www A 192.0.2.80\nalias CNAME www\nmailonly MX 10 www\nbroken NS ns.broken\nns.broken A 10.1.5.2',
      },
    ],
    resolvers: ['h4'],
    clients: [
      { node: 'h5', nameservers: ['h4'], hosts: '10.9.9.9 printer\n' },
      { node: 'h6', nameservers: ['h3'] },
    ],
  });
  const names = (node: string) => net.requireNode(node).requireService(NAME_RESOLVER);
  const settle = async <T>(p: Promise<T>): Promise<T> => {
    await net.sim.run(net.sim.now + 60 * SECOND);
    return p;
  };
  return { net, names, settle };
}

const ip = (text: string) => parseIpv4Address(text)!;

describe('the stub resolver as the name service of the tools', () => {
  it('every node given a stub resolver gets a NAME_RESOLVER; others do not', () => {
    const { net } = lab();
    expect(net.requireNode('h5').service(NAME_RESOLVER)).toBeDefined();
    expect(net.requireNode('h1').service(NAME_RESOLVER)).toBeUndefined();
    expect(net.requireNode('h1').service(RESOLVER)).toBeUndefined();
  });

  it('gives the addresses at the end of a CNAME chain, and hosts-file names without DNS', async () => {
    const { names, settle } = lab();
    expect(await settle(names('h5').lookupIpv4('www.example.com'))).toEqual([ip('192.0.2.80')]);
    expect(await settle(names('h5').lookupIpv4('alias.example.com.'))).toEqual([ip('192.0.2.80')]);
    expect(await settle(names('h5').lookupIpv4('printer'))).toEqual([ip('10.9.9.9')]);
  });

  it('NXDOMAIN and NODATA are "Name or service not known"', async () => {
    const { names, settle } = lab();
    expect(await settle(names('h5').lookupIpv4('nope.example.com'))).toEqual({ error: EAI_NONAME });
    expect(await settle(names('h5').lookupIpv4('mailonly.example.com'))).toEqual({ error: EAI_NONAME });
  });

  it('SERVFAIL and no answer at all are "Temporary failure in name resolution"', async () => {
    const { net, names, settle } = lab();
    // The resolver asks h5 for broken.example.com, gets port unreachable, answers SERVFAIL.
    expect(await settle(names('h5').lookupIpv4('www.broken.example.com'))).toEqual({ error: EAI_AGAIN });
    net.requireNode('h4').setUp(false);
    const t0 = net.sim.now;
    expect(await settle(names('h5').lookupIpv4('www.example.com'))).toEqual({ error: EAI_AGAIN });
    // glibc's defaults: 5 s per try, 2 attempts.
    expect(net.sim.now - t0).toBeGreaterThanOrEqual(10 * SECOND);
  });

  it('REFUSED (an authoritative-only server asked about another zone) is a non-recoverable failure', async () => {
    const { names, settle } = lab();
    expect(await settle(names('h6').lookupIpv4('www.example.com'))).toEqual([ip('192.0.2.80')]);
    expect(await settle(names('h6').lookupIpv4('www.example.org'))).toEqual({ error: EAI_FAIL });
  });

  it('a string that is no domain name is not known, without a query', async () => {
    const { names, settle } = lab();
    expect(await settle(names('h5').lookupIpv4('a..b'))).toEqual({ error: EAI_NONAME });
    expect(await settle(names('h5').lookupIpv4(`${'x'.repeat(64)}.com`))).toEqual({ error: EAI_NONAME });
  });

  it('maps every status to a gai_strerror text', () => {
    expect(
      ['NOERROR', 'NXDOMAIN', 'SERVFAIL', 'TIMEOUT', 'REFUSED', 'FORMERR', 'NOTIMP', 'RESERVED11'].map(
        (status) => lookupErrorText({ status }),
      ),
    ).toEqual([EAI_NONAME, EAI_NONAME, EAI_AGAIN, EAI_AGAIN, EAI_FAIL, EAI_FAIL, EAI_FAIL, EAI_AGAIN]);
  });
});
