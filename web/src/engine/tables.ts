/**
 * A node's tables, as plain rows for the node panel: interfaces, ARP cache, routes, MAC
 * table, sockets, DNS cache. Each table comes from one provider that looks for the
 * service it reads on the node, so a node without (say) a resolver simply has no DNS
 * table, and a table for a new layer (NAT, sessions...) is one more provider here.
 *
 * Column ids are stable words the page translates; cells are text as the real tools
 * print them (addresses dotted, MACs colon-separated, times in seconds).
 */
import { RECURSIVE_RESOLVER } from '../../../src/application/dns/dns-sim.ts';
import { formatRdata } from '../../../src/application/dns/dns-presentation.ts';
import { formatIpv4Address, formatIpv4Prefix } from '../../../src/internet/ipv4-address.ts';
import { IPV4 } from '../../../src/internet/ipv4-stack.ts';
import { routeDestination } from '../../../src/internet/routing-table.ts';
import { LearningSwitch } from '../../../src/link/learning-switch.ts';
import { formatMac } from '../../../src/link/mac-address.ts';
import type { Node } from '../../../src/link/node.ts';
import { TCP } from '../../../src/transport/tcp/tcp-layer.ts';
import { UDP } from '../../../src/transport/udp/udp-layer.ts';

export interface NodeTable {
  /** interfaces | arp | routes | mac | sockets | dns */
  readonly id: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

interface TableProvider {
  readonly id: string;
  /** The table, or undefined when the node lacks what it lists. */
  readonly read: (node: Node) => NodeTable | undefined;
}

const ms = (ns: number) => (ns / 1e6).toFixed(3);

const PROVIDERS: readonly TableProvider[] = [
  {
    id: 'interfaces',
    read: (node) => ({
      id: 'interfaces',
      columns: [
        'iface',
        'mac',
        'address',
        'state',
        'mtu',
        'txFrames',
        'txBytes',
        'rxFrames',
        'rxBytes',
        'drops',
        'queue',
      ],
      rows: node.devices.map((d) => {
        const ip = node.service(IPV4)?.interfaceOf(d);
        const state = !d.up ? 'DOWN' : d.carrier ? 'UP' : 'NO-CARRIER';
        return [
          d.name,
          formatMac(d.mac),
          ip ? ip.addresses.map(formatIpv4Prefix).join(' ') : '',
          state,
          String(d.mtu),
          String(d.counters.txFrames),
          String(d.counters.txBytes),
          String(d.counters.rxFrames),
          String(d.counters.rxBytes),
          String(d.counters.drops),
          String(d.queue.length),
        ];
      }),
    }),
  },
  {
    id: 'arp',
    read: (node) => {
      const stack = node.service(IPV4);
      if (!stack) return undefined;
      const rows = stack.interfaces.flatMap((i) =>
        i.arp
          .list()
          .map((e) => [
            formatIpv4Address(e.ip),
            e.mac === null ? '(incomplete)' : formatMac(e.mac),
            e.iface,
            e.mac === null ? 'INCOMPLETE' : e.permanent ? 'PERMANENT' : 'REACHABLE',
          ]),
      );
      return { id: 'arp', columns: ['address', 'mac', 'iface', 'state'], rows };
    },
  },
  {
    id: 'routes',
    read: (node) => {
      const stack = node.service(IPV4);
      if (!stack) return undefined;
      const rows = stack.routes
        .list()
        .map((r) => [
          routeDestination(r),
          r.gateway === 0 ? '' : formatIpv4Address(r.gateway),
          r.iface.name,
          r.protocol,
          String(r.metric),
        ]);
      return { id: 'routes', columns: ['destination', 'gateway', 'iface', 'protocol', 'metric'], rows };
    },
  },
  {
    id: 'mac',
    read: (node) => {
      if (!(node instanceof LearningSwitch)) return undefined;
      const rows = node.entries().map((e) => [formatMac(e.mac), e.port, String(e.ageSeconds)]);
      return { id: 'mac', columns: ['mac', 'port', 'ageLeft'], rows };
    },
  },
  {
    id: 'sockets',
    read: (node) => {
      const udp = node.service(UDP);
      const tcp = node.service(TCP);
      if (!udp && !tcp) return undefined;
      const rows: string[][] = [];
      for (const l of tcp?.listeners() ?? []) {
        rows.push(['tcp', `${l.local.address}:${l.local.port}`, '*:*', 'LISTEN', '', '', '', '']);
      }
      for (const s of tcp?.connections() ?? []) {
        const info = s.info();
        rows.push([
          'tcp',
          `${s.local.address}:${s.local.port}`,
          `${s.remote.address}:${s.remote.port}`,
          info.state,
          String(s.receiveQueue),
          String(s.sendQueue),
          String(info.cwnd),
          info.srtt > 0 ? ms(info.srtt) : '',
        ]);
      }
      for (const s of udp?.list() ?? []) {
        rows.push([
          'udp',
          `${formatIpv4Address(s.localAddress)}:${s.localPort}`,
          '*:*',
          '',
          String(s.pending.bytes),
          '0',
          '',
          '',
        ]);
      }
      return {
        id: 'sockets',
        columns: ['proto', 'local', 'remote', 'state', 'recvQ', 'sendQ', 'cwnd', 'srttMs'],
        rows,
      };
    },
  },
  {
    id: 'dns',
    read: (node) => {
      const resolver = node.service(RECURSIVE_RESOLVER);
      if (!resolver) return undefined;
      const rows = resolver.cache
        .entries(node.sim.now)
        .map((e) => [
          e.name,
          e.type,
          String(e.ttl),
          e.kind,
          e.records.map((r) => formatRdata(r.data)).join(' '),
        ]);
      return { id: 'dns', columns: ['name', 'type', 'ttl', 'kind', 'data'], rows };
    },
  },
];

/**
 * Whether reading `node`'s tables changes its state, so the engine must journal the read
 * to replay the run exactly: a DNS cache drops expired entries as it lists them.
 */
export function tablesMutate(node: Node): boolean {
  return node.service(RECURSIVE_RESOLVER) !== undefined;
}

export function nodeTables(node: Node): NodeTable[] {
  return PROVIDERS.map((p) => p.read(node)).filter((t): t is NodeTable => t !== undefined);
}
