/**
 * The address plans of the topology builders, so that an address read in a traceroute
 * says where it is:
 *
 * - Router i's LAN is 10.i.0.0/24: the router is 10.i.0.1, its j-th host 10.i.0.(j+1).
 * - The link between routers i < j is 10.i.j.0/24: router i is .1, router j is .2
 *   (so 10.2.3.2 is r3's side of the r2–r3 link).
 * - Chain link n (n = 1, 2, ...) is the n-th /24 after 10.1.0.0 — 10.1.n.0/24 up to n = 255,
 *   then 10.2.0.0/24... as ns-3's `Ipv4AddressHelper::NewNetwork` counts — with its left
 *   end .1 and its right end .2.
 * - Flat LANs (bus, star with a switch or hub, tree of switches) number host k as the
 *   k-th address of the subnet: 10.0.0.k in the default subnet.
 *
 * Router numbers go up to 254 so the plans stay inside 10.0.0.0/8 without overlap.
 */
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';
import { networkOf } from '../../internet/ipv4-address.ts';
import { topologyError } from './topology.ts';

/** Most routers the 10.i.j.0/24 plans can number. */
export const MAX_PLANNED_ROUTERS = 254;

function ip(a: number, b: number, c: number, d: number): number {
  return ((a << 24) | (b << 16) | (c << 8) | d) >>> 0;
}

/** Router i's own address on its LAN: 10.i.0.1/24. */
export function routerLanAddress(router: number): Ipv4Prefix {
  return { address: ip(10, router, 0, 1), length: 24 };
}

/** The j-th host (1-based) on router i's LAN: 10.i.0.(j+1)/24. */
export function lanHostAddress(router: number, host: number): Ipv4Prefix {
  return { address: ip(10, router, 0, host + 1), length: 24 };
}

/** The two ends of the link between routers i and j: [address of i, address of j]. */
export function routerLinkAddresses(i: number, j: number): [Ipv4Prefix, Ipv4Prefix] {
  const lo = Math.min(i, j);
  const hi = Math.max(i, j);
  const low = { address: ip(10, lo, hi, 1), length: 24 };
  const high = { address: ip(10, lo, hi, 2), length: 24 };
  return i < j ? [low, high] : [high, low];
}

/** Chain link n: [left end .1, right end .2] of the n-th /24 after 10.1.0.0. */
export function chainLinkAddresses(n: number): [Ipv4Prefix, Ipv4Prefix] {
  const network = ip(10, 1, 0, 0) + n * 256;
  return [
    { address: network + 1, length: 24 },
    { address: network + 2, length: 24 },
  ];
}

/** The k-th address (1-based) of `subnet`; throws when the subnet has too few. */
export function nthHostAddress(subnet: Ipv4Prefix, k: number, option = 'subnet'): Ipv4Prefix {
  const size = 2 ** (32 - subnet.length);
  // /31 and /32 have no network or broadcast address to skip (RFC 3021).
  const usable = subnet.length >= 31 ? size : size - 2;
  if (k > usable) {
    throw topologyError(option, `${option} /${subnet.length} has ${usable} host addresses; ${k} are needed`);
  }
  const first = subnet.length >= 31 ? 0 : 1;
  return { address: (networkOf(subnet) + first + k - 1) >>> 0, length: subnet.length };
}

/** 10.0.0.0/24, the flat LAN builders' default subnet. */
export const DEFAULT_FLAT_SUBNET: Ipv4Prefix = { address: ip(10, 0, 0, 0), length: 24 };
