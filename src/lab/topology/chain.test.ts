/** The chain builder: ns-3's address plan (link n is 10.1.n.0/24, left .1, right .2). */
import { describe, expect, it } from 'vitest';
import { formatIpv4Prefix } from '../../internet/ipv4-address.ts';
import { chain } from './chain.ts';
import { linkLines, nodeLines } from './test-helpers.ts';

describe('chain builder', () => {
  it('h1 – r1..rK – h2; link n is 10.1.n.0/24, left end .1, right end .2', () => {
    const t = chain({ routers: 2 });
    expect(nodeLines(t)).toEqual([
      'h1 host eth0=10.1.1.1/24 gw=10.1.1.2',
      'r1 router eth0=10.1.1.2/24 eth1=10.1.2.1/24',
      'r2 router eth0=10.1.2.2/24 eth1=10.1.3.1/24',
      'h2 host eth0=10.1.3.2/24 gw=10.1.3.1',
    ]);
    expect(linkLines(t)).toEqual(['h1:eth0-r1:eth0', 'r1:eth1-r2:eth0', 'r2:eth1-h2:eth0']);
  });

  it('zero routers: the hosts share link 1 and have no gateway', () => {
    expect(nodeLines(chain({ routers: 0 }))).toEqual([
      'h1 host eth0=10.1.1.1/24',
      'h2 host eth0=10.1.1.2/24',
    ]);
  });

  it("counts networks past 10.1.255.0 as ns-3's NewNetwork does", () => {
    const t = chain({ routers: 300 });
    const r255 = t.nodes.find((n) => n.name === 'r255')!;
    const r256 = t.nodes.find((n) => n.name === 'r256')!;
    expect(r255.interfaces.map((i) => formatIpv4Prefix(i.address!))).toEqual([
      '10.1.255.2/24',
      '10.2.0.1/24',
    ]);
    expect(r256.interfaces.map((i) => formatIpv4Prefix(i.address!))).toEqual(['10.2.0.2/24', '10.2.1.1/24']);
    expect(t.links).toHaveLength(301);
  });

  it('uses the given link numbers', () => {
    const t = chain({ routers: 1, link: { rate: 5e6, delay: 7 } });
    expect(t.links[1]).toMatchObject({ rate: 5e6, delay: 7, loss: 0, queue: { packets: 1000 }, mtu: 1500 });
  });
});
