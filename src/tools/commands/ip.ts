/**
 * `ip`: iproute2's view of a node's interfaces, addresses, routes and neighbours (IPv4).
 *
 *   ip addr [show [dev IFACE]]          ip link [show [dev IFACE]]
 *   ip link set [dev] IFACE up|down     ip neigh [show]
 *   ip route [show]                     ip route get ADDR
 *   ip route add PREFIX|default via ADDR [dev IFACE] [metric N]
 *   ip route del PREFIX|default
 *
 * Objects and verbs may be abbreviated as iproute2 allows (`ip a`, `ip r`, `ip n`,
 * `ip l s eth0 down`). Errors use iproute2's wording (`Error: Nexthop has invalid
 * gateway.`, `RTNETLINK answers: No such process`).
 *
 * Left out: IPv6, rules and tables, `ip -br`, `ip -s` statistics, multipath routes.
 */
import {
  broadcastOf,
  formatIpv4Address,
  type Ipv4Prefix,
  parseIpv4Address,
  parseIpv4Prefix,
  prefixMask,
} from '../../internet/ipv4-address.ts';
import { IPV4, type Ipv4Stack } from '../../internet/ipv4-stack.ts';
import type { Route } from '../../internet/routing-table.ts';
import { formatMac } from '../../link/mac-address.ts';
import { type InterfaceInfo, ipAddrLines, ipLinkLines } from '../format/ip-addr.ts';
import { ipRouteLines, type RouteInfo } from '../format/ip-route.ts';
import type { Command, CommandContext } from '../shell/command.ts';

/** iproute2 matches a keyword by prefix: `a`, `ad`, `addr` all mean `address`. */
function matches(word: string | undefined, keyword: string, shortest = 1): boolean {
  return word !== undefined && word.length >= shortest && keyword.startsWith(word);
}

const PROTOCOL_NAMES: Record<Route['protocol'], string> = {
  kernel: 'kernel',
  // Configured routes print like `ip route add` ones: proto boot, which iproute2 hides.
  static: 'boot',
  global: 'netlab',
};

export const ip: Command = {
  name: 'ip',
  summary: 'show and change interfaces, addresses, routes and neighbours',
  scope: 'node',
  async run(argv, ctx) {
    const stack = ctx.node?.service(IPV4);
    if (!stack) {
      ctx.err('Cannot open netlink socket: Address family not supported by protocol');
      return 1;
    }
    const args = argv.filter((a) => a !== '-4');
    const [object, ...rest] = args;
    if (object === undefined || matches(object, 'address')) return addr(ctx, stack, rest);
    if (matches(object, 'link')) return link(ctx, stack, rest);
    if (matches(object, 'route')) return route(ctx, stack, rest);
    if (matches(object, 'neighbour') || matches(object, 'neighbor')) return neigh(ctx, stack, rest);
    if (object === 'help') {
      ctx.out('Usage: ip OBJECT { COMMAND | help }');
      ctx.out('where  OBJECT := { address | link | neighbour | route }');
      return 0;
    }
    ctx.err(`Object "${object}" is unknown, try "ip help".`);
    return 1;
  },
};

function interfaces(stack: Ipv4Stack): InterfaceInfo[] {
  const lo: InterfaceInfo = {
    index: 1,
    name: 'lo',
    loopback: true,
    adminUp: true,
    carrier: true,
    mtu: 65536,
    mac: '00:00:00:00:00:00',
    addresses: [{ address: '127.0.0.1', prefixLength: 8, scope: 'host' }],
  };
  return [
    lo,
    ...stack.interfaces.map((i, n) => ({
      index: n + 2,
      name: i.name,
      adminUp: i.device.adminUp && i.device.node.up,
      carrier: i.device.carrier,
      mtu: i.device.mtu,
      mac: formatMac(i.device.mac),
      qlen: Number.isFinite(i.device.queue.maxPackets) ? i.device.queue.maxPackets : 1000,
      addresses: i.addresses.map((p, k) => ({
        address: formatIpv4Address(p.address),
        prefixLength: p.length,
        broadcast: p.length < 31 ? formatIpv4Address(broadcastOf(p)) : undefined,
        secondary: k > 0,
      })),
    })),
  ];
}

function selectDev(
  list: InterfaceInfo[],
  rest: readonly string[],
  ctx: CommandContext,
): InterfaceInfo[] | null {
  const words = rest[0] !== undefined && matches(rest[0], 'show') ? rest.slice(1) : rest;
  if (words.length === 0) return list;
  const name = words[0] === 'dev' ? words[1] : words[0];
  const found = list.filter((i) => i.name === name);
  if (found.length === 0) {
    ctx.err(`Device "${name ?? ''}" does not exist.`);
    return null;
  }
  return found;
}

function addr(ctx: CommandContext, stack: Ipv4Stack, rest: readonly string[]): number {
  const list = selectDev(interfaces(stack), rest, ctx);
  if (!list) return 1;
  for (const l of ipAddrLines(list)) ctx.out(l);
  return 0;
}

function link(ctx: CommandContext, stack: Ipv4Stack, rest: readonly string[]): number {
  if (matches(rest[0], 'set')) {
    const words = rest.slice(1);
    const name = words[0] === 'dev' ? words[1] : words[0];
    const state = words[0] === 'dev' ? words[2] : words[1];
    const iface = name === undefined ? undefined : stack.interfaceByName(name);
    if (!iface) {
      ctx.err(`Cannot find device "${name ?? ''}"`);
      return 1;
    }
    if (state !== 'up' && state !== 'down') {
      ctx.err(`Error: either "dev" is duplicate, or "${state ?? ''}" is a garbage.`);
      return 1;
    }
    iface.device.setAdminUp(state === 'up');
    return 0;
  }
  const list = selectDev(interfaces(stack), rest, ctx);
  if (!list) return 1;
  for (const l of ipLinkLines(list)) ctx.out(l);
  return 0;
}

function routeInfo(r: Route): RouteInfo {
  const connected = r.protocol === 'kernel';
  return {
    destination: formatIpv4Address(r.network),
    prefixLength: r.length,
    gateway: r.gateway ? formatIpv4Address(r.gateway) : undefined,
    device: r.iface.name,
    protocol: PROTOCOL_NAMES[r.protocol],
    scope: connected ? 'link' : undefined,
    source: connected ? formatIpv4Address(r.iface.sourceFor(r.network)) : undefined,
    metric: r.metric || undefined,
    linkDown: !r.iface.device.carrier,
  };
}

function parseDestination(word: string | undefined): Ipv4Prefix | undefined {
  if (word === undefined) return undefined;
  if (word === 'default' || word === '0/0') return { address: 0, length: 0 };
  const p = parseIpv4Prefix(word.includes('/') ? word : `${word}/32`);
  return p;
}

function route(ctx: CommandContext, stack: Ipv4Stack, rest: readonly string[]): number {
  const verb = rest[0];
  if (verb === undefined || matches(verb, 'show') || matches(verb, 'list')) {
    for (const l of ipRouteLines(stack.routes.list().map(routeInfo))) ctx.out(l);
    return 0;
  }
  if (matches(verb, 'get')) {
    const target = parseIpv4Address(rest[1] ?? '');
    if (target === undefined) {
      ctx.err(`Error: any valid prefix is expected rather than "${rest[1] ?? ''}".`);
      return 1;
    }
    if (stack.isLocalAddress(target)) {
      ctx.out(`local ${rest[1]} dev lo src ${rest[1]} uid 0 `);
      ctx.out('    cache <local> ');
      return 0;
    }
    const r = stack.routes.lookup(target);
    if (!r) {
      ctx.err('RTNETLINK answers: Network is unreachable');
      return 2;
    }
    const via = r.gateway ? ` via ${formatIpv4Address(r.gateway)}` : '';
    ctx.out(
      `${rest[1]}${via} dev ${r.iface.name} src ${formatIpv4Address(r.iface.sourceFor(r.gateway || target))} uid 0 `,
    );
    ctx.out('    cache ');
    return 0;
  }
  if (matches(verb, 'add') || matches(verb, 'delete')) {
    const adding = matches(verb, 'add');
    const dest = parseDestination(rest[1]);
    if (!dest) {
      ctx.err(`Error: any valid prefix is expected rather than "${rest[1] ?? ''}".`);
      return 1;
    }
    if ((dest.address & ~prefixMask(dest.length)) !== 0) {
      ctx.err(`Error: Invalid prefix for given prefix length.`);
      return 2;
    }
    const opts = new Map<string, string>();
    for (let i = 2; i + 1 < rest.length; i += 2) opts.set(rest[i]!, rest[i + 1]!);
    if (!adding) {
      const n = stack.routes.remove(
        (r) => r.network === dest.address && r.length === dest.length && r.protocol !== 'kernel',
      );
      if (n === 0) {
        ctx.err('RTNETLINK answers: No such process');
        return 2;
      }
      return 0;
    }
    const via = opts.get('via');
    const gateway = via === undefined ? undefined : parseIpv4Address(via);
    if (gateway === undefined) {
      ctx.err(
        via === undefined
          ? 'Error: a gateway is required ("via ADDR").'
          : `Error: inet address is expected rather than "${via}".`,
      );
      return 1;
    }
    const metric = Number(opts.get('metric') ?? 0);
    const dev = opts.get('dev');
    const iface =
      dev === undefined ? stack.interfaces.find((i) => i.onLink(gateway)) : stack.interfaceByName(dev);
    if (dev !== undefined && !iface) {
      ctx.err(`Cannot find device "${dev}"`);
      return 1;
    }
    if (!iface?.onLink(gateway)) {
      ctx.err('Error: Nexthop has invalid gateway.');
      return 2;
    }
    if (
      stack.routes
        .list()
        .some((r) => r.network === dest.address && r.length === dest.length && r.metric === metric)
    ) {
      ctx.err('RTNETLINK answers: File exists');
      return 2;
    }
    stack.routes.add({
      network: dest.address,
      length: dest.length,
      gateway,
      iface,
      metric,
      protocol: 'static',
    });
    return 0;
  }
  ctx.err(`Command "${verb}" is unknown, try "ip route help".`);
  return 1;
}

function neigh(ctx: CommandContext, stack: Ipv4Stack, rest: readonly string[]): number {
  if (rest[0] !== undefined && !matches(rest[0], 'show')) {
    ctx.err(`Command "${rest[0]}" is unknown, try "ip neigh help".`);
    return 1;
  }
  for (const i of stack.interfaces) {
    for (const e of i.arp.list()) {
      const state = e.permanent ? 'PERMANENT' : e.mac === null ? 'INCOMPLETE' : 'REACHABLE';
      const mac = e.mac === null ? '' : ` lladdr ${formatMac(e.mac)}`;
      ctx.out(`${formatIpv4Address(e.ip)} dev ${e.iface}${mac} ${state}`);
    }
  }
  return 0;
}
