/**
 * A routing table with longest-prefix match (RFC 1812 §5.2.4.3): among the routes whose
 * prefix contains the destination, the longest prefix wins, then the lowest metric.
 *
 * Lookup walks only the prefix lengths present (at most 33), probing a Map per length, and
 * remembers the last answer, so a router forwarding one flow pays one comparison per packet.
 */
import { formatIpv4Address, prefixMask } from './ipv4-address.ts';
import type { Ipv4Interface } from './ipv4-interface.ts';

/** Where a route came from, as `ip route` shows it. */
export type RouteProtocol = 'kernel' | 'static' | 'global';

export interface Route {
  /** Network address (host bits zero). */
  readonly network: number;
  readonly length: number;
  /** Next-hop router, or 0 when the destination is on the link itself. */
  readonly gateway: number;
  readonly iface: Ipv4Interface;
  readonly metric: number;
  readonly protocol: RouteProtocol;
}

export class RoutingTable {
  private readonly byLength = new Map<number, Map<number, Route[]>>();
  private lengths: number[] = [];
  private cacheDst = -1;
  private cacheRoute: Route | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  add(route: Omit<Route, 'network'> & { network: number }): Route {
    const r: Route = { ...route, network: (route.network & prefixMask(route.length)) >>> 0 };
    let table = this.byLength.get(r.length);
    if (!table) {
      table = new Map();
      this.byLength.set(r.length, table);
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
    }
    const list = table.get(r.network) ?? [];
    list.push(r);
    list.sort((a, b) => a.metric - b.metric);
    table.set(r.network, list);
    this.count++;
    this.invalidate();
    return r;
  }

  /** Removes every route the predicate selects; returns how many. */
  remove(select: (r: Route) => boolean): number {
    let removed = 0;
    for (const [len, table] of this.byLength) {
      for (const [net, list] of table) {
        const keep = list.filter((r) => !select(r));
        removed += list.length - keep.length;
        if (keep.length) table.set(net, keep);
        else table.delete(net);
      }
      if (table.size === 0) this.byLength.delete(len);
    }
    if (removed) {
      this.count -= removed;
      this.lengths = [...this.byLength.keys()].sort((a, b) => b - a);
      this.invalidate();
    }
    return removed;
  }

  lookup(destination: number): Route | undefined {
    if (destination === this.cacheDst) return this.cacheRoute;
    let found: Route | undefined;
    for (const len of this.lengths) {
      const list = this.byLength.get(len)!.get((destination & prefixMask(len)) >>> 0);
      if (list) {
        found = list[0];
        break;
      }
    }
    this.cacheDst = destination;
    this.cacheRoute = found;
    return found;
  }

  /** Every route, most specific first, as `ip route` lists them (default route first, like Linux). */
  list(): Route[] {
    const all: Route[] = [];
    for (const table of this.byLength.values()) for (const list of table.values()) all.push(...list);
    return all
      .sort((a, b) => a.length - b.length || a.network - b.network || a.metric - b.metric)
      .sort((a, b) => {
        // Linux prints the default route first, then the rest by address.
        if (a.length === 0 || b.length === 0) return a.length - b.length;
        return a.network - b.network || b.length - a.length;
      });
  }

  private invalidate(): void {
    this.cacheDst = -1;
    this.cacheRoute = undefined;
  }
}

/** `10.0.0.0/24` for a route's destination, `default` for /0. */
export function routeDestination(r: Route): string {
  return r.length === 0 ? 'default' : `${formatIpv4Address(r.network)}/${r.length}`;
}
