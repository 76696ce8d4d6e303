/**
 * Ring: N routers in a circle, r1–r2–...–rN–r1, each with its own LAN of hosts.
 *
 * Names: routers r1..rN; hosts numbered h1, h2... router by router (with 2 hosts per
 * router: r1 has h1, h2; r2 has h3, h4); with 2+ hosts per router, switch sw<i> joins
 * router i's LAN.
 * Interfaces of router i: eth0 its LAN (when it has hosts), then the interface facing the
 * next router r(i+1), then the one facing the previous router r(i-1).
 * Addresses (address-plan.ts): router i's LAN 10.i.0.0/24 (router .1, hosts .2, .3...);
 * the link between routers i < j is 10.i.j.0/24 (i is .1, j is .2), so the closing link
 * rN–r1 is 10.1.N.0/24.
 * Links: the LANs router by router, then ring link i (ri → r(i+1)) for i = 1..N.
 */
import { MAX_PLANNED_ROUTERS, routerLinkAddresses } from './address-plan.ts';
import { addRouterLan } from './router-lan.ts';
import { checkCount, type CommonOptions, type Topology, TopologyBuilder } from './topology.ts';

export interface RingOptions extends CommonOptions {
  /** Routers in the ring, 3..254. Default 4. */
  readonly routers?: number;
  /** Hosts on each router's LAN, 0..250. Default 1. */
  readonly hosts?: number;
}

export function ring(options: RingOptions = {}): Topology {
  const n = checkCount('routers', options.routers ?? 4, 3, MAX_PLANNED_ROUTERS);
  const hosts = checkCount('hosts', options.hosts ?? 1, 0, 250);
  const b = new TopologyBuilder(options);
  for (let i = 1; i <= n; i++) b.router(`r${i}`);
  let next = 1;
  for (let i = 1; i <= n; i++) next = addRouterLan(b, i, hosts, next);
  const toNext: string[] = [];
  const toPrevious: string[] = [];
  for (let i = 1; i <= n; i++) {
    const after = (i % n) + 1;
    const before = i === 1 ? n : i - 1;
    toNext[i] = b.declare(`r${i}`, routerLinkAddresses(i, after)[0]);
    toPrevious[i] = b.declare(`r${i}`, routerLinkAddresses(i, before)[0]);
  }
  for (let i = 1; i <= n; i++) {
    const after = (i % n) + 1;
    b.cable(`r${i}`, toNext[i]!, `r${after}`, toPrevious[after]!);
  }
  return b.build();
}
