/**
 * The network as the topology view draws it: nodes with their kind and interfaces, links
 * with their endpoints and numbers. Plain data, posted from the worker to the page once
 * per load; state changes (a cut cable, a failed node) follow in ticks.
 *
 * A link to a hub or bus is an *attachment* (the station's tap on the shared medium), not
 * a cable: it cannot be cut on its own, and its rate, delay and loss are the medium's.
 */
import { formatIpv4Prefix } from '../../../src/internet/ipv4-address.ts';
import type { Network } from '../../../src/lab/network.ts';
import { formatMac } from '../../../src/link/mac-address.ts';

export interface TopologyInterface {
  readonly name: string;
  /** `10.0.1.10/24`, or '' when unnumbered. */
  readonly address: string;
  readonly mac: string;
}

export interface TopologyNode {
  readonly name: string;
  /** host, router, switch, hub, bus... */
  readonly kind: string;
  readonly interfaces: readonly TopologyInterface[];
}

export interface TopologyLinkEnd {
  readonly node: string;
  readonly iface: string;
}

export interface TopologyLink {
  readonly index: number;
  readonly a: TopologyLinkEnd;
  readonly b: TopologyLinkEnd;
  readonly kind: 'cable' | 'attachment';
  /** bit/s */
  readonly rate: number;
  /** ns */
  readonly delay: number;
  readonly loss: number;
}

export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly links: readonly TopologyLink[];
}

export function describeTopology(network: Network): Topology {
  const spec = network.spec;
  const nodes: TopologyNode[] = spec.nodes.map((n) => {
    const node = network.requireNode(n.name);
    return {
      name: n.name,
      kind: n.kind,
      interfaces: n.interfaces.map((i) => {
        const dev = node.devices.find((d) => d.name === i.name);
        return {
          name: i.name,
          address: i.address ? formatIpv4Prefix(i.address) : '',
          mac: dev ? formatMac(dev.mac) : '',
        };
      }),
    };
  });
  const kinds = new Map(spec.nodes.map((n) => [n.name, n.kind]));
  const links: TopologyLink[] = network.links.map((l, index) => {
    const [a, b] = l.spec.endpoints;
    const shared = (name: string) => kinds.get(name) === 'hub' || kinds.get(name) === 'bus';
    const channel = l.channel;
    return {
      index,
      a: { node: a.node, iface: a.interface },
      b: { node: b.node, iface: b.interface },
      kind: shared(a.node) || shared(b.node) ? 'attachment' : 'cable',
      rate: channel.rate,
      delay: channel.delay,
      loss: l.spec.loss,
    };
  });
  return { nodes, links };
}
