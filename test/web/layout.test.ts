/** The topology layout: every classic shape looks like itself, for every example. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import { bus, mesh, ring, star, tree } from '../../src/lab/topology/index.ts';
import { type Layout, layoutTopology, type Point, SPACING } from '../../web/src/layout/layout.ts';

const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

interface Built {
  readonly nodes: readonly { name: string; kind: string }[];
  readonly links: readonly { endpoints: readonly [{ node: string }, { node: string }] }[];
}

function lay(t: Built): Layout {
  return layoutTopology(
    t.nodes,
    t.links.map((l) => ({ a: l.endpoints[0].node, b: l.endpoints[1].node })),
  );
}

const at = (l: Layout, n: string): Point => l.positions.get(n)!;
const dist = (a: Point, b: Point) => Math.hypot(a.x - b.x, a.y - b.y);

function centroid(l: Layout, names: readonly string[]): Point {
  const ps = names.map((n) => at(l, n));
  return { x: ps.reduce((s, p) => s + p.x, 0) / ps.length, y: ps.reduce((s, p) => s + p.y, 0) / ps.length };
}

function minDistance(l: Layout): number {
  const ps = [...l.positions.values()];
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ps.length; i++)
    for (let j = i + 1; j < ps.length; j++) min = Math.min(min, dist(ps[i]!, ps[j]!));
  return min;
}

describe('topology layout', () => {
  it('draws a ring as a circle in ring order, LANs outside it', () => {
    const t = ring({ routers: 6, hosts: 1 });
    const l = lay(t);
    expect(l.shapes).toEqual(['ring']);
    const routers = t.nodes.filter((n) => n.kind === 'router').map((n) => n.name);
    const c = centroid(l, routers);
    const radii = routers.map((r) => dist(at(l, r), c));
    for (const r of radii) expect(r).toBeCloseTo(radii[0]!, 6);
    // Neighbours on the ring are neighbours on the circle: the angle steps by 60 degrees.
    const angle = (n: string) => Math.atan2(at(l, n).y - c.y, at(l, n).x - c.x);
    for (let i = 0; i < routers.length; i++) {
      const step = (angle(routers[(i + 1) % 6]!) - angle(routers[i]!) + 4 * Math.PI) % (2 * Math.PI);
      expect(step).toBeCloseTo(Math.PI / 3, 6);
    }
    for (const h of t.nodes.filter((n) => n.kind === 'host'))
      expect(dist(at(l, h.name), c)).toBeGreaterThan(radii[0]!);
  });

  it('draws a mesh as a circle with its chords', () => {
    const t = mesh({ routers: 6, degree: 3, hosts: 1 });
    const l = lay(t);
    expect(l.shapes).toEqual(['mesh']);
    const routers = t.nodes.filter((n) => n.kind === 'router').map((n) => n.name);
    const c = centroid(l, routers);
    const radii = routers.map((r) => dist(at(l, r), c));
    for (const r of radii) expect(r).toBeCloseTo(radii[0]!, 6);
  });

  it('draws a star as a centre with its spokes around it', () => {
    const t = star({ hosts: 5 });
    const l = lay(t);
    expect(l.shapes).toEqual(['star']);
    const hosts = t.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
    const c = at(l, 'sw1');
    const spoke = dist(at(l, hosts[0]!), c);
    for (const h of hosts) expect(dist(at(l, h), c)).toBeCloseTo(spoke, 6);
    const mid = centroid(l, hosts);
    expect(dist(mid, c)).toBeLessThan(1e-6);
  });

  it('draws a tree top-down: every child below its parent, leaves side by side', () => {
    const t = tree({ depth: 2, fanout: 2, hosts: 2 });
    const l = lay(t);
    expect(l.shapes).toEqual(['tree']);
    for (const link of t.links) {
      const [a, b] = link.endpoints;
      expect(at(l, a.node).y).not.toBe(at(l, b.node).y);
    }
    const hosts = t.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
    const ys = new Set(hosts.map((h) => at(l, h).y));
    expect(ys.size).toBe(1);
    const root = at(l, 'sw1');
    for (const n of t.nodes) if (n.name !== 'sw1') expect(at(l, n.name).y).toBeGreaterThan(root.y);
  });

  it('draws a bus as a bar with its stations along it', () => {
    const t = bus({ hosts: 4 });
    const l = lay(t);
    expect(l.shapes).toEqual(['bus']);
    const bar = l.bars.get('bus1')!;
    const hosts = t.nodes.filter((n) => n.kind === 'host').map((n) => n.name);
    const ys = new Set(hosts.map((h) => at(l, h).y));
    expect(ys.size).toBe(1);
    for (const h of hosts) {
      expect(at(l, h).x).toBeGreaterThan(bar.x1);
      expect(at(l, h).x).toBeLessThan(bar.x2);
      expect(at(l, h).y).not.toBe(bar.y);
    }
    const xs = hosts.map((h) => at(l, h).x);
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('puts the router of the two-LAN example on top, its switches under it, hosts at the bottom', () => {
    const { spec } = parseScenario(readFileSync(join(EXAMPLES, 'default.yaml'), 'utf8'), 'default.yaml');
    const l = lay(spec);
    expect(l.shapes).toEqual(['tree']);
    expect(at(l, 'r1').y).toBeLessThan(at(l, 'sw1').y);
    expect(at(l, 'sw1').y).toBe(at(l, 'sw2').y);
    for (const h of ['h1', 'h2', 'h3']) expect(at(l, h).y).toBeGreaterThan(at(l, 'sw1').y);
    expect(at(l, 'r1').x).toBeGreaterThan(at(l, 'sw1').x);
    expect(at(l, 'r1').x).toBeLessThan(at(l, 'sw2').x);
  });

  it('lays out a chain as a line', () => {
    const { spec } = parseScenario(
      readFileSync(join(EXAMPLES, 'bottleneck.yaml'), 'utf8'),
      'bottleneck.yaml',
    );
    const l = lay(spec);
    expect(l.shapes).toEqual(['line']);
    const order = ['h1', 'r1', 'r2', 'h2'].map((n) => at(l, n));
    expect(new Set(order.map((p) => p.y)).size).toBe(1);
    expect(order.map((p) => p.x)).toEqual([...order.map((p) => p.x)].sort((a, b) => a - b));
  });

  it('keeps separate networks apart, and every example readable (no two nodes on top of each other)', () => {
    for (const file of readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml'))) {
      const { spec } = parseScenario(readFileSync(join(EXAMPLES, file), 'utf8'), file);
      const l = lay(spec);
      expect(l.positions.size, file).toBe(spec.nodes.length);
      expect(minDistance(l), file).toBeGreaterThanOrEqual(SPACING * 0.5);
      for (const p of l.positions.values()) {
        expect(Number.isFinite(p.x) && Number.isFinite(p.y), file).toBe(true);
      }
    }
    const { spec } = parseScenario(
      readFileSync(join(EXAMPLES, 'lan-man-wan.yaml'), 'utf8'),
      'lan-man-wan.yaml',
    );
    const l = lay(spec);
    expect(l.shapes).toEqual(['line', 'line', 'line']);
    const gap = Math.min(dist(at(l, 'lan2'), at(l, 'man1')), dist(at(l, 'man2'), at(l, 'wan1')));
    expect(gap).toBeGreaterThan(SPACING);
  });

  it('is deterministic, and spreads a 500-node mesh out', () => {
    const t = mesh({ routers: 250, degree: 4, hosts: 1 });
    const a = lay(t);
    const b = lay(t);
    expect([...a.positions]).toEqual([...b.positions]);
    expect(a.positions.size).toBe(500);
    expect(minDistance(a)).toBeGreaterThanOrEqual(SPACING * 0.5);
  });
});
