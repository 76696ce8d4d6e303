/**
 * Tree: a root, `fanout` children under every inner node, `depth` levels of inner nodes,
 * and hosts under the deepest ones — the shape of a campus network (core, distribution,
 * access). Traffic between two branches crosses their common ancestor, so load near the
 * root is felt by the whole subtree below it.
 *
 * Inner nodes are switches (one flat LAN) or routers (a subnet per leaf router), numbered
 * breadth-first: the root is 1, its children 2..fanout+1, and so on.
 *
 * inner: switch (default)
 * - Names: switches sw1..swM, hosts h1..hK left to right, `hosts` (default `fanout`)
 *   under each deepest switch.
 * - Ports: a switch's p1 faces its parent (the root's p1 its first child), then its
 *   children or hosts left to right.
 * - Addresses: host k is the k-th address of `subnet` (default 10.0.0.0/24: 10.0.0.k).
 * inner: router
 * - Names: routers r1..rM; hosts h1..hK left to right, `hosts` (default `fanout`) on each
 *   deepest router's LAN, through switch sw<i> when there are 2+ (as in ring.ts).
 * - Interfaces of router i: eth0 its LAN (deepest routers only), then the one facing its
 *   parent, then its children left to right.
 * - Addresses: router i's LAN 10.i.0.0/24 (router .1, hosts .2...); the link between a
 *   parent p and its child c (p < c) is 10.p.c.0/24, parent .1, child .2.
 * Links: (routers) the LANs first; then breadth-first, each node's links to its children
 * (and, for switches, to its hosts) in order.
 */
import {
  DEFAULT_FLAT_SUBNET,
  MAX_PLANNED_ROUTERS,
  nthHostAddress,
  routerLinkAddresses,
} from './address-plan.ts';
import { addRouterLan } from './router-lan.ts';
import {
  checkChoice,
  checkCount,
  type CommonOptions,
  type Topology,
  TopologyBuilder,
  topologyError,
} from './topology.ts';
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';

export type TreeInner = 'switch' | 'router';

export interface TreeOptions extends CommonOptions {
  /** Levels of inner nodes, 1..8. Default 2. */
  readonly depth?: number;
  /** Children of every inner node, 1..16. Default 2. */
  readonly fanout?: number;
  /** Default 'switch'. */
  readonly inner?: TreeInner;
  /** Hosts under each deepest inner node, 0..250. Default `fanout`. */
  readonly hosts?: number;
  /** Switch trees only. Default 10.0.0.0/24. */
  readonly subnet?: Ipv4Prefix;
}

/** Most inner nodes a switch tree may have. */
const MAX_SWITCHES = 1000;

export function tree(options: TreeOptions = {}): Topology {
  const depth = checkCount('depth', options.depth ?? 2, 1, 8);
  const fanout = checkCount('fanout', options.fanout ?? 2, 1, 16);
  const inner = checkChoice('inner', options.inner ?? 'switch', ['switch', 'router'] as const);
  const hosts = checkCount('hosts', options.hosts ?? fanout, 0, 250);
  let count = 0;
  let levelSize = 1;
  for (let level = 0; level < depth; level++, levelSize *= fanout) count += levelSize;
  const firstLeaf = count - levelSize / fanout + 1;
  const limit = inner === 'router' ? MAX_PLANNED_ROUTERS : MAX_SWITCHES;
  if (count > limit) {
    throw topologyError(
      'depth',
      `depth ${depth} with fanout ${fanout} makes ${count} ${inner}s; the limit is ${limit}`,
    );
  }
  const children = (i: number) => Array.from({ length: fanout }, (_, k) => fanout * (i - 1) + 2 + k);
  const b = new TopologyBuilder(options);
  if (inner === 'router') {
    if (options.subnet !== undefined)
      throw topologyError('subnet', 'subnet applies to a tree of switches only');
    for (let i = 1; i <= count; i++) b.router(`r${i}`);
    let next = 1;
    for (let i = firstLeaf; i <= count; i++) next = addRouterLan(b, i, hosts, next);
    for (let i = 1; i < firstLeaf; i++) {
      for (const c of children(i)) b.connect(`r${i}`, `r${c}`, ...routerLinkAddresses(i, c));
    }
    return b.build();
  }
  const subnet = options.subnet ?? DEFAULT_FLAT_SUBNET;
  for (let i = 1; i <= count; i++) b.switch(`sw${i}`);
  let host = 1;
  for (let i = 1; i <= count; i++) {
    if (i < firstLeaf) {
      for (const c of children(i)) b.connect(`sw${i}`, `sw${c}`);
      continue;
    }
    for (let j = 0; j < hosts; j++, host++) {
      b.host(`h${host}`).connect(`sw${i}`, `h${host}`, undefined, nthHostAddress(subnet, host));
    }
  }
  return b.build();
}
