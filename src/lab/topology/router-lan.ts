/**
 * Gives router i its LAN of hosts, the same way in every router-based builder (ring, mesh,
 * tree): one host is cabled straight to the router; two or more hang off a switch `sw<i>`
 * (port p1 to the router, p2... to the hosts). Addresses follow the router-LAN plan in
 * address-plan.ts; every host's gateway is its router.
 */
import { lanHostAddress, routerLanAddress } from './address-plan.ts';
import type { TopologyBuilder } from './topology.ts';

/**
 * Adds `count` hosts named h<first>, h<first+1>... on router `i`'s LAN. Returns the number
 * of the next host.
 */
export function addRouterLan(b: TopologyBuilder, i: number, count: number, first: number): number {
  if (count === 0) return first;
  const router = `r${i}`;
  const gateway = routerLanAddress(i).address;
  if (count === 1) {
    b.host(`h${first}`, gateway).connect(router, `h${first}`, routerLanAddress(i), lanHostAddress(i, 1));
    return first + 1;
  }
  const sw = `sw${i}`;
  b.switch(sw).connect(router, sw, routerLanAddress(i));
  for (let j = 1; j <= count; j++) {
    const host = `h${first + j - 1}`;
    b.host(host, gateway).connect(host, sw, lanHostAddress(i, j));
  }
  return first + count;
}
