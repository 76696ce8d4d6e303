/**
 * The text of iproute2's `ip route` (`ip -4 route show`), as a pure function of routes.
 * Fields come in iproute2's order — type, destination, via, dev, proto, scope, src,
 * metric, flags — and only when they differ from the default, as iproute2 prints them:
 *
 *   default via 10.0.0.254 dev eth0
 *   10.0.0.0/24 dev eth0 proto kernel scope link src 10.0.0.1
 *   10.9.0.0/16 via 10.0.1.2 dev eth1 proto netlab
 *   unreachable 192.0.2.0/24
 *
 * Protocols: 'kernel' for connected routes, 'boot' (the default of `ip route add`, never
 * printed) for configured static routes; netlab's global routing uses 'netlab' (iproute2
 * prints any name listed in /etc/iproute2/rt_protos.d, so a real box could show the same).
 *
 * Routes are printed in the order given: callers sort them as the kernel would (default
 * first, then by destination address). Left out: IPv6, multipath, `table`, `tos`, cache.
 */

export type RouteType = 'unicast' | 'local' | 'broadcast' | 'unreachable' | 'blackhole' | 'prohibit';

export interface RouteInfo {
  readonly type?: RouteType;
  /** Network address, e.g. `10.0.0.0`; `0.0.0.0` with prefix 0 prints as `default`. */
  readonly destination: string;
  readonly prefixLength: number;
  readonly gateway?: string;
  readonly device?: string;
  /** 'kernel' | 'boot' | 'static' | 'dhcp' | 'netlab' | ...; 'boot' and absent print nothing. */
  readonly protocol?: string;
  /** 'link' | 'host' | 'global'; 'global' and absent print nothing. */
  readonly scope?: string;
  /** Preferred source address. */
  readonly source?: string;
  readonly metric?: number;
  /** The route's device has no carrier. */
  readonly linkDown?: boolean;
}

export function ipRouteLine(r: RouteInfo): string {
  const parts: string[] = [];
  if (r.type !== undefined && r.type !== 'unicast') parts.push(r.type);
  parts.push(
    r.prefixLength === 0
      ? 'default'
      : r.prefixLength === 32
        ? r.destination
        : `${r.destination}/${r.prefixLength}`,
  );
  if (r.gateway !== undefined) parts.push('via', r.gateway);
  if (r.device !== undefined) parts.push('dev', r.device);
  if (r.protocol !== undefined && r.protocol !== 'boot') parts.push('proto', r.protocol);
  if (r.scope !== undefined && r.scope !== 'global') parts.push('scope', r.scope);
  if (r.source !== undefined) parts.push('src', r.source);
  if (r.metric !== undefined) parts.push('metric', String(r.metric));
  if (r.linkDown) parts.push('linkdown');
  return parts.join(' ');
}

export function ipRouteLines(routes: readonly RouteInfo[]): string[] {
  return routes.map(ipRouteLine);
}
