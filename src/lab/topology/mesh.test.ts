/** The mesh builder: full, degree-d (circulant) and explicit-edge meshes, names and addresses. */
import { describe, expect, it } from 'vitest';
import { mesh, meshEdges } from './mesh.ts';
import { linkLines, nodeLines } from './test-helpers.ts';

describe('mesh builder', () => {
  it('full mesh: every pair, interfaces facing neighbours in increasing order', () => {
    const t = mesh({ routers: 3, hosts: 0 });
    expect(nodeLines(t)).toEqual([
      'r1 router eth0=10.1.2.1/24 eth1=10.1.3.1/24',
      'r2 router eth0=10.1.2.2/24 eth1=10.2.3.1/24',
      'r3 router eth0=10.1.3.2/24 eth1=10.2.3.2/24',
    ]);
    expect(linkLines(t)).toEqual(['r1:eth0-r2:eth0', 'r1:eth1-r3:eth0', 'r2:eth1-r3:eth1']);
  });

  it('hosts: eth0 is the LAN, as in the ring', () => {
    const t = mesh({ routers: 2 });
    expect(nodeLines(t)).toEqual([
      'r1 router eth0=10.1.0.1/24 eth1=10.1.2.1/24',
      'r2 router eth0=10.2.0.1/24 eth1=10.1.2.2/24',
      'h1 host eth0=10.1.0.2/24 gw=10.1.0.1',
      'h2 host eth0=10.2.0.2/24 gw=10.2.0.1',
    ]);
  });

  it('degree d: a circulant graph, every router with d neighbours', () => {
    expect(meshEdges(6, { degree: 3 })).toEqual([
      [1, 2],
      [1, 4],
      [1, 6],
      [2, 3],
      [2, 5],
      [3, 4],
      [3, 6],
      [4, 5],
      [5, 6],
    ]);
    for (const [n, d] of [
      [5, 2],
      [8, 3],
      [7, 4],
      [10, 9],
    ] as const) {
      const degree = new Map<number, number>();
      for (const [a, b] of meshEdges(n, { degree: d })) {
        degree.set(a, (degree.get(a) ?? 0) + 1);
        degree.set(b, (degree.get(b) ?? 0) + 1);
      }
      expect([...degree.values()].every((x) => x === d)).toBe(true);
    }
    expect(() => meshEdges(5, { degree: 3 })).toThrow(/odd degree \(3\) needs an even number of routers/);
    expect(() => meshEdges(5, { degree: 5 })).toThrow(/degree must be a whole number from 2 to 4/);
  });

  it('explicit edges are sorted and checked', () => {
    expect(
      meshEdges(4, {
        edges: [
          [3, 1],
          [2, 4],
        ],
      }),
    ).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(() => meshEdges(4, { edges: [[1, 1]] })).toThrow(/joins a router to itself/);
    expect(() =>
      meshEdges(4, {
        edges: [
          [1, 2],
          [2, 1],
        ],
      }),
    ).toThrow(/listed twice/);
    expect(() => meshEdges(4, { edges: [[1, 5]] })).toThrow(/edges must be a whole number from 1 to 4/);
    expect(() => meshEdges(4, { edges: [], degree: 2 })).toThrow(/either degree or edges/);
  });
});
