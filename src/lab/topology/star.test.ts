/** The star builder with a switch, a hub or a router at the centre. */
import { describe, expect, it } from 'vitest';
import { star } from './star.ts';
import { linkLines, nodeLines } from './test-helpers.ts';

describe('star builder', () => {
  it('switch centre: sw1 with h1..hN on ports p1..pN, one flat subnet', () => {
    const t = star({ hosts: 3 });
    expect(nodeLines(t)).toEqual([
      'sw1 switch p1 p2 p3',
      'h1 host eth0=10.0.0.1/24',
      'h2 host eth0=10.0.0.2/24',
      'h3 host eth0=10.0.0.3/24',
    ]);
    expect(linkLines(t)).toEqual(['h1:eth0-sw1:p1', 'h2:eth0-sw1:p2', 'h3:eth0-sw1:p3']);
    expect(t.nodes[0]).toMatchObject({ aging: 300e9, macTableSize: 1024 });
  });

  it('hub centre: hub1, a shared medium', () => {
    const t = star({ hosts: 2, centre: 'hub' });
    expect(nodeLines(t)[0]).toBe('hub1 hub p1 p2');
    expect(t.links[1]).toMatchObject({ rate: 10e6, duplicate: 0, jitter: 0 });
  });

  it('router centre: spoke i is 10.1.i.0/24, r1 .1, host .2 with gateway .1', () => {
    const t = star({ hosts: 3, centre: 'router' });
    expect(nodeLines(t)).toEqual([
      'r1 router eth0=10.1.1.1/24 eth1=10.1.2.1/24 eth2=10.1.3.1/24',
      'h1 host eth0=10.1.1.2/24 gw=10.1.1.1',
      'h2 host eth0=10.1.2.2/24 gw=10.1.2.1',
      'h3 host eth0=10.1.3.2/24 gw=10.1.3.1',
    ]);
    expect(linkLines(t)).toEqual(['r1:eth0-h1:eth0', 'r1:eth1-h2:eth0', 'r1:eth2-h3:eth0']);
  });

  it('refuses unknown centres and a subnet with a router', () => {
    expect(() => star({ centre: 'bridge' as 'hub' })).toThrow(/centre must be one of switch, hub, router/);
    expect(() => star({ centre: 'router', subnet: { address: 0, length: 24 } })).toThrow(/subnet applies/);
    expect(() => star({ centre: 'router', hosts: 256 })).toThrow(/1 to 255/);
  });
});
