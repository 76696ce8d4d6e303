/** The tree builder: breadth-first numbering, switch and router trees, limits. */
import { describe, expect, it } from 'vitest';
import { tree } from './tree.ts';
import { linkLines, nodeLines } from './test-helpers.ts';

describe('tree builder', () => {
  it('switches breadth-first, p1 faces the parent, hosts left to right in one subnet', () => {
    const t = tree({ depth: 2, fanout: 2 });
    expect(nodeLines(t)).toEqual([
      'sw1 switch p1 p2',
      'sw2 switch p1 p2 p3',
      'sw3 switch p1 p2 p3',
      'h1 host eth0=10.0.0.1/24',
      'h2 host eth0=10.0.0.2/24',
      'h3 host eth0=10.0.0.3/24',
      'h4 host eth0=10.0.0.4/24',
    ]);
    expect(linkLines(t)).toEqual([
      'sw1:p1-sw2:p1',
      'sw1:p2-sw3:p1',
      'sw2:p2-h1:eth0',
      'sw2:p3-h2:eth0',
      'sw3:p2-h3:eth0',
      'sw3:p3-h4:eth0',
    ]);
  });

  it('depth 3, fanout 3: 13 switches and 27 hosts', () => {
    const t = tree({ depth: 3, fanout: 3 });
    expect(t.nodes.filter((n) => n.kind === 'switch')).toHaveLength(13);
    expect(t.nodes.filter((n) => n.kind === 'host')).toHaveLength(27);
    expect(nodeLines(t).at(-1)).toBe('h27 host eth0=10.0.0.27/24');
  });

  it('routers: LANs on the deepest routers, parent–child links 10.p.c.0/24', () => {
    const t = tree({ depth: 2, fanout: 2, inner: 'router', hosts: 1 });
    expect(nodeLines(t)).toEqual([
      'r1 router eth0=10.1.2.1/24 eth1=10.1.3.1/24',
      'r2 router eth0=10.2.0.1/24 eth1=10.1.2.2/24',
      'r3 router eth0=10.3.0.1/24 eth1=10.1.3.2/24',
      'h1 host eth0=10.2.0.2/24 gw=10.2.0.1',
      'h2 host eth0=10.3.0.2/24 gw=10.3.0.1',
    ]);
    expect(linkLines(t)).toEqual([
      'r2:eth0-h1:eth0',
      'r3:eth0-h2:eth0',
      'r1:eth0-r2:eth1',
      'r1:eth1-r3:eth1',
    ]);
  });

  it('fanout 1 is a line; limits are enforced', () => {
    expect(nodeLines(tree({ depth: 3, fanout: 1, hosts: 1 }))).toEqual([
      'sw1 switch p1',
      'sw2 switch p1 p2',
      'sw3 switch p1 p2',
      'h1 host eth0=10.0.0.1/24',
    ]);
    expect(() => tree({ depth: 5, fanout: 4, inner: 'router' })).toThrow(
      /makes 341 routers; the limit is 254/,
    );
    expect(() => tree({ depth: 3, fanout: 8 })).toThrow(/has 254 host addresses; 255 are needed/);
  });
});
