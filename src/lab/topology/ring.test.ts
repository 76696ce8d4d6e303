/** The ring builder: router LANs, ring links 10.i.j.0/24, interface order next-then-previous. */
import { describe, expect, it } from 'vitest';
import { ring } from './ring.ts';
import { linkLines, nodeLines } from './test-helpers.ts';

describe('ring builder', () => {
  it('one host per router: LAN 10.i.0.0/24, ring links 10.i.j.0/24, eth1 next, eth2 previous', () => {
    const t = ring({ routers: 3 });
    expect(nodeLines(t)).toEqual([
      'r1 router eth0=10.1.0.1/24 eth1=10.1.2.1/24 eth2=10.1.3.1/24',
      'r2 router eth0=10.2.0.1/24 eth1=10.2.3.1/24 eth2=10.1.2.2/24',
      'r3 router eth0=10.3.0.1/24 eth1=10.1.3.2/24 eth2=10.2.3.2/24',
      'h1 host eth0=10.1.0.2/24 gw=10.1.0.1',
      'h2 host eth0=10.2.0.2/24 gw=10.2.0.1',
      'h3 host eth0=10.3.0.2/24 gw=10.3.0.1',
    ]);
    expect(linkLines(t)).toEqual([
      'r1:eth0-h1:eth0',
      'r2:eth0-h2:eth0',
      'r3:eth0-h3:eth0',
      'r1:eth1-r2:eth2',
      'r2:eth1-r3:eth2',
      'r3:eth1-r1:eth2',
    ]);
  });

  it('two or more hosts per router hang off switch sw<i>; hosts are numbered router by router', () => {
    const t = ring({ routers: 3, hosts: 2 });
    expect(nodeLines(t).filter((l) => !l.startsWith('r'))).toEqual([
      'sw1 switch p1 p2 p3',
      'h1 host eth0=10.1.0.2/24 gw=10.1.0.1',
      'h2 host eth0=10.1.0.3/24 gw=10.1.0.1',
      'sw2 switch p1 p2 p3',
      'h3 host eth0=10.2.0.2/24 gw=10.2.0.1',
      'h4 host eth0=10.2.0.3/24 gw=10.2.0.1',
      'sw3 switch p1 p2 p3',
      'h5 host eth0=10.3.0.2/24 gw=10.3.0.1',
      'h6 host eth0=10.3.0.3/24 gw=10.3.0.1',
    ]);
    expect(linkLines(t).slice(0, 3)).toEqual(['r1:eth0-sw1:p1', 'h1:eth0-sw1:p2', 'h2:eth0-sw1:p3']);
  });

  it('without hosts the ring interfaces are eth0 (next) and eth1 (previous)', () => {
    const t = ring({ routers: 4, hosts: 0 });
    expect(nodeLines(t)).toEqual([
      'r1 router eth0=10.1.2.1/24 eth1=10.1.4.1/24',
      'r2 router eth0=10.2.3.1/24 eth1=10.1.2.2/24',
      'r3 router eth0=10.3.4.1/24 eth1=10.2.3.2/24',
      'r4 router eth0=10.1.4.2/24 eth1=10.3.4.2/24',
    ]);
  });

  it('needs 3 to 254 routers', () => {
    expect(() => ring({ routers: 2 })).toThrow(/routers must be a whole number from 3 to 254/);
    expect(() => ring({ routers: 255 })).toThrow(/3 to 254/);
    expect(ring({ routers: 254, hosts: 0 }).links).toHaveLength(254);
  });
});
