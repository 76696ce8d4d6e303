/**
 * Lays a topology out so that the classic shapes look like themselves: a bus is a bar
 * with its stations along it, a star is a centre with its spokes around it, a ring is a
 * circle, a mesh is a circle with its chords, a tree hangs from its root, a chain is a
 * line. The shape is found from the graph, not from how the scenario was written:
 *
 * 1. Each connected component is laid out on its own, then the components are packed in
 *    rows (in scenario order).
 * 2. Peeling leaves until none is left gives the 2-core: the part of the graph on cycles.
 *    - No core: the component is a tree. A bus at its heart makes it a bus layout; a
 *      path is a line; a tree one level deep around its centre is a star (radial);
 *      anything deeper is drawn top-down from its centre (the node whose farthest node is
 *      nearest, so the router of two LANs ends up on top).
 *    - A core that is one simple cycle is a ring, drawn in cycle order; any other core is
 *      a mesh, its nodes on a circle in scenario order (generated meshes number their
 *      routers around the circle, so their chords come out regular).
 *    - Trees hanging off core nodes (LANs behind routers) grow outward from the circle.
 *
 * Pure and deterministic: the same topology always gives the same picture. Coordinates
 * are in abstract units (SPACING between neighbours); the view scales them to fit.
 */

export interface LayoutNode {
  readonly name: string;
  readonly kind: string;
}

export interface LayoutLink {
  readonly a: string;
  readonly b: string;
}

export interface Point {
  x: number;
  y: number;
}

export type Shape = 'single' | 'line' | 'star' | 'tree' | 'bus' | 'ring' | 'mesh';

export interface Layout {
  readonly positions: ReadonlyMap<string, Point>;
  /** Bars to draw for buses: the bus node's position is the bar's middle. */
  readonly bars: ReadonlyMap<string, { readonly x1: number; readonly x2: number; readonly y: number }>;
  /** The shape found for each component, in component order (for tests and the legend). */
  readonly shapes: readonly Shape[];
  readonly width: number;
  readonly height: number;
}

export const SPACING = 80;
const LEVEL = 90;
const COMPONENT_GAP = 120;

interface Local {
  pos: Map<string, Point>;
  bars: Map<string, { x1: number; x2: number; y: number }>;
  shape: Shape;
}

export function layoutTopology(nodes: readonly LayoutNode[], links: readonly LayoutLink[]): Layout {
  const order = new Map(nodes.map((n, i) => [n.name, i]));
  const kind = new Map(nodes.map((n) => [n.name, n.kind]));
  const adj = new Map<string, string[]>(nodes.map((n) => [n.name, []]));
  for (const l of links) {
    if (l.a === l.b || !adj.has(l.a) || !adj.has(l.b)) continue;
    const na = adj.get(l.a)!;
    if (!na.includes(l.b)) {
      na.push(l.b);
      adj.get(l.b)!.push(l.a);
    }
  }
  const byOrder = (a: string, b: string) => order.get(a)! - order.get(b)!;
  for (const list of adj.values()) list.sort(byOrder);

  const seen = new Set<string>();
  const locals: Local[] = [];
  for (const n of nodes) {
    if (seen.has(n.name)) continue;
    const comp: string[] = [];
    const queue = [n.name];
    seen.add(n.name);
    while (queue.length) {
      const x = queue.shift()!;
      comp.push(x);
      for (const y of adj.get(x)!) {
        if (!seen.has(y)) {
          seen.add(y);
          queue.push(y);
        }
      }
    }
    comp.sort(byOrder);
    locals.push(layoutComponent(comp, adj, kind, byOrder));
  }
  return pack(locals);
}

function layoutComponent(
  comp: string[],
  adj: Map<string, string[]>,
  kind: Map<string, string>,
  byOrder: (a: string, b: string) => number,
): Local {
  const bars = new Map<string, { x1: number; x2: number; y: number }>();
  if (comp.length === 1) return { pos: new Map([[comp[0]!, { x: 0, y: 0 }]]), bars, shape: 'single' };
  const core = twoCore(comp, adj);
  if (core.size === 0) {
    const buses = comp.filter((n) => kind.get(n) === 'bus');
    if (buses.length > 0) {
      const root = buses.reduce((a, b) => (adj.get(b)!.length > adj.get(a)!.length ? b : a));
      return { pos: busLayout(root, adj, bars), bars, shape: 'bus' };
    }
    if (comp.every((n) => adj.get(n)!.length <= 2))
      return { pos: lineLayout(comp, adj), bars, shape: 'line' };
    const root = centre(comp, adj, kind);
    const height = eccentricity(root, adj);
    if (height === 1) return { pos: starLayout(root, adj), bars, shape: 'star' };
    const pos = new Map<string, Point>();
    treeLayout(root, null, adj, new Set(), pos, (depth, slot) => ({ x: slot * SPACING, y: depth * LEVEL }));
    return { pos, bars, shape: 'tree' };
  }
  const coreNodes = comp.filter((n) => core.has(n));
  const isCycle = coreNodes.every((n) => adj.get(n)!.filter((m) => core.has(m)).length === 2);
  const ring = isCycle ? cycleOrder(coreNodes, adj, core) : coreNodes.sort(byOrder);
  // Trees hanging off each core node, and how wide each is, so the circle leaves room.
  const widths = ring.map((c) => hangingWidth(c, adj, core));
  const maxWidth = Math.max(1, ...widths);
  const radius = Math.max(SPACING, (ring.length * SPACING * Math.max(1, maxWidth * 0.8)) / (2 * Math.PI));
  const pos = new Map<string, Point>();
  ring.forEach((c, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / ring.length;
    const ux = Math.cos(angle);
    const uy = Math.sin(angle);
    const centreOfC = { x: radius * ux, y: radius * uy };
    pos.set(c, centreOfC);
    // Outward trees: depth along the radius, breadth along the tangent.
    const visited = new Set<string>(core);
    const sub = new Map<string, Point>();
    treeLayout(c, null, adj, visited, sub, (depth, slot) => ({ x: slot, y: depth }), core);
    const rootSlot = sub.get(c)!.x;
    for (const [name, p] of sub) {
      if (name === c) continue;
      const along = p.y * LEVEL * 0.9;
      const across = (p.x - rootSlot) * SPACING * 0.8;
      pos.set(name, {
        x: centreOfC.x + ux * along - uy * across,
        y: centreOfC.y + uy * along + ux * across,
      });
    }
  });
  return { pos, bars, shape: isCycle ? 'ring' : 'mesh' };
}

/** Nodes left after repeatedly removing nodes of degree 0 or 1. */
function twoCore(comp: string[], adj: Map<string, string[]>): Set<string> {
  const degree = new Map(comp.map((n) => [n, adj.get(n)!.length]));
  const alive = new Set(comp);
  const queue = comp.filter((n) => degree.get(n)! <= 1);
  while (queue.length) {
    const x = queue.pop()!;
    if (!alive.has(x)) continue;
    alive.delete(x);
    for (const y of adj.get(x)!) {
      if (!alive.has(y)) continue;
      const d = degree.get(y)! - 1;
      degree.set(y, d);
      if (d <= 1) queue.push(y);
    }
  }
  return alive;
}

function distances(from: string, adj: Map<string, string[]>): Map<string, number> {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  while (queue.length) {
    const x = queue.shift()!;
    for (const y of adj.get(x)!) {
      if (!dist.has(y)) {
        dist.set(y, dist.get(x)! + 1);
        queue.push(y);
      }
    }
  }
  return dist;
}

function eccentricity(n: string, adj: Map<string, string[]>): number {
  return Math.max(...distances(n, adj).values());
}

const KIND_RANK: Record<string, number> = { router: 0, switch: 1, hub: 2, bus: 2, host: 3 };

/** The tree's centre; ties go to more neighbours, then routers before switches before hosts, then order. */
function centre(comp: string[], adj: Map<string, string[]>, kind: Map<string, string>): string {
  let best = comp[0]!;
  let bestKey: number[] = [Number.POSITIVE_INFINITY];
  for (const n of comp) {
    const key = [eccentricity(n, adj), -adj.get(n)!.length, KIND_RANK[kind.get(n) ?? ''] ?? 4];
    if (lexLess(key, bestKey)) {
      best = n;
      bestKey = key;
    }
  }
  return best;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x < y;
  }
  return false;
}

function lineLayout(comp: string[], adj: Map<string, string[]>): Map<string, Point> {
  const start = comp.find((n) => adj.get(n)!.length <= 1) ?? comp[0]!;
  const pos = new Map<string, Point>();
  let prev: string | null = null;
  let cur: string | undefined = start;
  let i = 0;
  while (cur !== undefined && !pos.has(cur)) {
    pos.set(cur, { x: i * SPACING * 1.3, y: 0 });
    i++;
    const next: string | undefined = adj.get(cur)!.find((m) => m !== prev && !pos.has(m));
    prev = cur;
    cur = next;
  }
  return pos;
}

function starLayout(root: string, adj: Map<string, string[]>): Map<string, Point> {
  const spokes = adj.get(root)!;
  const radius = Math.max(SPACING * 1.2, (spokes.length * SPACING) / (2 * Math.PI));
  const pos = new Map<string, Point>([[root, { x: 0, y: 0 }]]);
  spokes.forEach((s, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / spokes.length;
    pos.set(s, { x: radius * Math.cos(angle), y: radius * Math.sin(angle) });
  });
  return pos;
}

/**
 * Top-down tree: leaves take consecutive slots, a parent sits over the middle of its
 * children. `place(depth, slot)` turns the tree's coordinates into the caller's.
 */
function treeLayout(
  root: string,
  parent: string | null,
  adj: Map<string, string[]>,
  visited: Set<string>,
  out: Map<string, Point>,
  place: (depth: number, slot: number) => Point,
  stop?: Set<string>,
): void {
  let next = 0;
  const walk = (n: string, from: string | null, depth: number): number => {
    visited.add(n);
    const kids = adj.get(n)!.filter((m) => m !== from && !visited.has(m) && !(stop?.has(m) ?? false));
    for (const k of kids) visited.add(k);
    let slot: number;
    if (kids.length === 0) slot = next++;
    else {
      const slots = kids.map((k) => walk(k, n, depth + 1));
      slot = (slots[0]! + slots[slots.length - 1]!) / 2;
    }
    out.set(n, place(depth, slot));
    return slot;
  };
  walk(root, parent, 0);
}

/** How many leaf slots the trees hanging off core node `c` need. */
function hangingWidth(c: string, adj: Map<string, string[]>, core: Set<string>): number {
  const seen = new Set<string>(core);
  let leaves = 0;
  const walk = (n: string): void => {
    const kids = adj.get(n)!.filter((m) => !seen.has(m));
    for (const k of kids) seen.add(k);
    if (kids.length === 0 && n !== c) leaves++;
    for (const k of kids) walk(k);
  };
  walk(c);
  return leaves;
}

function cycleOrder(coreNodes: string[], adj: Map<string, string[]>, core: Set<string>): string[] {
  const start = coreNodes[0]!;
  const out = [start];
  let prev = start;
  let cur = adj.get(start)!.find((m) => core.has(m))!;
  while (cur !== start) {
    out.push(cur);
    const next = adj.get(cur)!.find((m) => core.has(m) && m !== prev)!;
    prev = cur;
    cur = next;
  }
  return out;
}

/** A bus: its stations side by side along a bar, whatever hangs off them above (and below). */
function busLayout(
  bus: string,
  adj: Map<string, string[]>,
  bars: Map<string, { x1: number; x2: number; y: number }>,
): Map<string, Point> {
  const stations = adj.get(bus)!;
  const pos = new Map<string, Point>();
  const visited = new Set<string>([bus]);
  // Many stations alternate above and below the bar, half a space apart, to stay compact.
  const twoSided = stations.length > 6;
  const cursor = [0, twoSided ? SPACING / 2 : 0];
  stations.forEach((s, i) => {
    const side = twoSided && i % 2 === 1 ? 1 : 0;
    const dir = side === 0 ? -1 : 1;
    const sub = new Map<string, Point>();
    treeLayout(s, bus, adj, visited, sub, (depth, slot) => ({ x: slot, y: depth }));
    const slots = [...sub.values()].map((p) => p.x);
    const minSlot = Math.min(...slots);
    const maxSlot = Math.max(...slots);
    for (const [name, p] of sub)
      pos.set(name, { x: cursor[side]! + (p.x - minSlot) * SPACING, y: dir * (LEVEL * 0.8 + p.y * LEVEL) });
    cursor[side] = cursor[side]! + (maxSlot - minSlot + 1) * SPACING;
  });
  const xs = stations.map((s) => pos.get(s)!.x);
  const x1 = Math.min(...xs) - SPACING / 2;
  const x2 = Math.max(...xs) + SPACING / 2;
  pos.set(bus, { x: (x1 + x2) / 2, y: 0 });
  bars.set(bus, { x1, x2, y: 0 });
  return pos;
}

/** The shape of the map's area on a typical screen: components are packed to fill it. */
const TARGET_ASPECT = 2.2;

/**
 * Components side by side in rows, in scenario order; the row width is the one (of the
 * widths the rows could break at) that makes the whole closest to TARGET_ASPECT.
 */
function pack(locals: Local[]): Layout {
  const boxes = locals.map((l) => {
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    let maxX = Number.NEGATIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    const grow = (x: number, y: number) => {
      minX = Math.min(minX, x);
      maxX = Math.max(maxX, x);
      minY = Math.min(minY, y);
      maxY = Math.max(maxY, y);
    };
    for (const p of l.pos.values()) grow(p.x, p.y);
    for (const b of l.bars.values()) {
      grow(b.x1, b.y);
      grow(b.x2, b.y);
    }
    return { minX, minY, w: maxX - minX, h: maxY - minY };
  });
  const rows = (limit: number) => {
    let x = 0;
    let y = 0;
    let rowHeight = 0;
    let width = 0;
    const at: { x: number; y: number }[] = [];
    for (const b of boxes) {
      if (x > 0 && x + b.w > limit) {
        x = 0;
        y += rowHeight + COMPONENT_GAP;
        rowHeight = 0;
      }
      at.push({ x, y });
      x += b.w + COMPONENT_GAP;
      width = Math.max(width, x - COMPONENT_GAP);
      rowHeight = Math.max(rowHeight, b.h);
    }
    return { at, width, height: y + rowHeight };
  };
  // Nodes have a size: pad each box by about a node so flat components count as something.
  const score = (r: { width: number; height: number }) =>
    Math.abs(Math.log((r.width + 60) / (r.height + 60) / TARGET_ASPECT));
  let best = rows(Number.POSITIVE_INFINITY);
  let cumulative = 0;
  for (const b of boxes) {
    cumulative += b.w + (cumulative > 0 ? COMPONENT_GAP : 0);
    const r = rows(cumulative);
    if (score(r) < score(best)) best = r;
  }
  const positions = new Map<string, Point>();
  const bars = new Map<string, { x1: number; x2: number; y: number }>();
  locals.forEach((l, i) => {
    const b = boxes[i]!;
    const dx = best.at[i]!.x - b.minX;
    const dy = best.at[i]!.y - b.minY;
    for (const [name, p] of l.pos) positions.set(name, { x: p.x + dx, y: p.y + dy });
    for (const [name, bar] of l.bars) bars.set(name, { x1: bar.x1 + dx, x2: bar.x2 + dx, y: bar.y + dy });
  });
  return { positions, bars, shapes: locals.map((l) => l.shape), width: best.width, height: best.height };
}
