/**
 * Mesh: N routers with many paths between them, each with its own LAN of hosts.
 *
 * Which routers are linked:
 * - full (the default): every pair, N(N-1)/2 links;
 * - `degree: d`: a partial mesh where every router has d neighbours, as a circulant
 *   graph — router i links to i±1, i±2 ... i±⌊d/2⌋ (around the circle), plus the
 *   opposite router i+N/2 when d is odd (N must then be even). Always connected;
 * - `edges: [[1, 2], [2, 3], ...]`: exactly these pairs of router numbers.
 *
 * Names: routers r1..rN; hosts h1, h2... router by router; switch sw<i> when router i
 * has 2+ hosts (as in ring.ts).
 * Interfaces of router i: eth0 its LAN (when it has hosts), then one per mesh link, facing
 * its neighbours in increasing order.
 * Addresses: router i's LAN 10.i.0.0/24 (router .1, hosts .2...); the link between
 * routers i < j is 10.i.j.0/24 (i is .1, j is .2).
 * Links: the LANs router by router, then the mesh links sorted by (lower, higher) router.
 */
import { MAX_PLANNED_ROUTERS, routerLinkAddresses } from './address-plan.ts';
import { addRouterLan } from './router-lan.ts';
import { checkCount, type CommonOptions, type Topology, TopologyBuilder, topologyError } from './topology.ts';

export interface MeshOptions extends CommonOptions {
  /** Routers, 2..254. Default 4. */
  readonly routers?: number;
  /** Hosts on each router's LAN, 0..250. Default 1. */
  readonly hosts?: number;
  /** Neighbours per router (partial mesh), 2..routers-1. Not with `edges`. */
  readonly degree?: number;
  /** Explicit router pairs, 1-based. Not with `degree`. */
  readonly edges?: readonly (readonly [number, number])[];
}

export function mesh(options: MeshOptions = {}): Topology {
  const n = checkCount('routers', options.routers ?? 4, 2, MAX_PLANNED_ROUTERS);
  const hosts = checkCount('hosts', options.hosts ?? 1, 0, 250);
  const pairs = meshEdges(n, options);
  const b = new TopologyBuilder(options);
  for (let i = 1; i <= n; i++) b.router(`r${i}`);
  let next = 1;
  for (let i = 1; i <= n; i++) next = addRouterLan(b, i, hosts, next);
  for (const [i, j] of pairs) b.connect(`r${i}`, `r${j}`, ...routerLinkAddresses(i, j));
  return b.build();
}

/** The router pairs (i < j), sorted, without duplicates. */
export function meshEdges(n: number, options: Pick<MeshOptions, 'degree' | 'edges'>): [number, number][] {
  if (options.degree !== undefined && options.edges !== undefined) {
    throw topologyError('edges', 'give either degree or edges, not both');
  }
  const keys = new Set<number>();
  const add = (i: number, j: number) => keys.add(Math.min(i, j) * 1000 + Math.max(i, j));
  if (options.edges !== undefined) {
    for (const [i, j] of options.edges) {
      checkCount('edges', i, 1, n);
      checkCount('edges', j, 1, n);
      if (i === j) throw topologyError('edges', `edge [${i}, ${j}] joins a router to itself`);
      const before = keys.size;
      add(i, j);
      if (keys.size === before) throw topologyError('edges', `edge [${i}, ${j}] is listed twice`);
    }
  } else if (options.degree !== undefined) {
    const d = checkCount('degree', options.degree, Math.min(2, n - 1), n - 1);
    if (d % 2 === 1 && n % 2 === 1) {
      throw topologyError('degree', `an odd degree (${d}) needs an even number of routers, got ${n}`);
    }
    for (let i = 1; i <= n; i++) {
      for (let k = 1; k <= Math.floor(d / 2); k++) add(i, ((i - 1 + k) % n) + 1);
      if (d % 2 === 1) add(i, ((i - 1 + n / 2) % n) + 1);
    }
  } else {
    for (let i = 1; i <= n; i++) for (let j = i + 1; j <= n; j++) add(i, j);
  }
  return [...keys].sort((a, b) => a - b).map((k) => [Math.floor(k / 1000), k % 1000]);
}
