/**
 * What a topology builder returns (nodes and links in `ScenarioSpec`'s shapes), the
 * options every builder shares, and `TopologyBuilder`, the small assembler the builders
 * use: it names interfaces in creation order (`eth0, eth1...` on hosts and routers,
 * `p1, p2...` on switches, hubs and buses) and fills in link numbers.
 */
import { didYouMean } from '../scenario/did-you-mean.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Time } from '../../sim/time.ts';
import { BUS_DEFAULTS, DEFAULT_LINK, HUB_DEFAULTS, SWITCH_DEFAULTS } from '../scenario/defaults.ts';
import type { InterfaceSpec, LinkParams, LinkSpec, NodeSpec, RouteSpec } from '../scenario/spec.ts';
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';

export interface Topology {
  readonly nodes: NodeSpec[];
  readonly links: LinkSpec[];
}

/** Rate, delay and loss of a generated hub or bus. */
export interface MediumParams {
  readonly rate?: number;
  readonly delay?: Time;
  readonly loss?: number;
}

export interface CommonOptions {
  /** Numbers for every generated link (missing ones from `DEFAULT_LINK`, the LAN preset). */
  readonly link?: Partial<LinkParams>;
}

/** Thrown for options a builder cannot honour; `details.option` names the culprit. */
export function topologyError(option: string, message: string): NetlabError {
  return new NetlabError('topology-invalid', message, { option });
}

/** Checks an integer option lies in [min, max]. */
export function checkCount(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw topologyError(option, `${option} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** Checks a choice option. */
export function checkChoice<T extends string>(option: string, value: string, choices: readonly T[]): T {
  const found = choices.find((c) => c === value);
  if (found === undefined) {
    const hint = didYouMean(value, choices);
    throw topologyError(option, `${option} must be one of ${choices.join(', ')}, got '${value}'${hint}`);
  }
  return found;
}

interface MutableNode {
  kind: NodeSpec['kind'];
  name: string;
  interfaces: InterfaceSpec[];
  gateway?: number;
  routes: RouteSpec[];
}

/** Assembles a topology; names interfaces in the order links are made. */
export class TopologyBuilder {
  private readonly nodes = new Map<string, MutableNode>();
  private readonly links: LinkSpec[] = [];
  private readonly link: LinkParams;
  private readonly hub: Required<MediumParams>;
  private readonly bus: Required<MediumParams>;

  constructor(options: CommonOptions & { medium?: MediumParams } = {}) {
    this.link = { ...DEFAULT_LINK, ...options.link };
    this.hub = { ...HUB_DEFAULTS, ...options.medium };
    this.bus = { ...BUS_DEFAULTS, ...options.medium };
  }

  host(name: string, gateway?: number): this {
    return this.add({
      kind: 'host',
      name,
      interfaces: [],
      routes: [],
      ...(gateway === undefined ? {} : { gateway }),
    });
  }

  router(name: string): this {
    return this.add({ kind: 'router', name, interfaces: [], routes: [] });
  }

  switch(name: string): this {
    return this.add({ kind: 'switch', name, interfaces: [], routes: [] });
  }

  medium(name: string, kind: 'hub' | 'bus'): this {
    return this.add({ kind, name, interfaces: [], routes: [] });
  }

  /** Links a new interface of `a` to a new interface of `b`. */
  connect(a: string, b: string, addressA?: Ipv4Prefix, addressB?: Ipv4Prefix): this {
    return this.cable(a, this.declare(a, addressA), b, this.declare(b, addressB));
  }

  /** Adds the node's next interface (eth<n> or p<n+1>), not yet cabled; returns its name. */
  declare(nodeName: string, address?: Ipv4Prefix): string {
    const node = this.nodes.get(nodeName);
    if (!node) throw new Error(`builder bug: no node ${nodeName}`);
    const l3 = node.kind === 'host' || node.kind === 'router';
    const name = l3 ? `eth${node.interfaces.length}` : `p${node.interfaces.length + 1}`;
    node.interfaces.push(address === undefined ? { name } : { name, address });
    return name;
  }

  /** Links two declared interfaces. */
  cable(a: string, interfaceA: string, b: string, interfaceB: string): this {
    const medium = [this.nodes.get(a)!, this.nodes.get(b)!].find((n) => n.kind === 'hub' || n.kind === 'bus');
    const params = medium
      ? { ...this.link, ...(medium.kind === 'hub' ? this.hub : this.bus), duplicate: 0, jitter: 0 }
      : this.link;
    this.links.push({
      endpoints: [
        { node: a, interface: interfaceA },
        { node: b, interface: interfaceB },
      ],
      ...params,
    });
    return this;
  }

  build(): Topology {
    const nodes: NodeSpec[] = [];
    for (const n of this.nodes.values()) {
      const base = { name: n.name, interfaces: n.interfaces };
      switch (n.kind) {
        case 'host':
          nodes.push({
            kind: 'host',
            ...base,
            ...(n.gateway === undefined ? {} : { gateway: n.gateway }),
            routes: [],
          });
          break;
        case 'router':
          nodes.push({ kind: 'router', ...base, routes: [] });
          break;
        case 'switch':
          nodes.push({ kind: 'switch', ...base, ...SWITCH_DEFAULTS });
          break;
        case 'hub':
          nodes.push({ kind: 'hub', ...base, ...this.hub });
          break;
        case 'bus':
          nodes.push({ kind: 'bus', ...base, ...this.bus });
          break;
      }
    }
    return { nodes, links: this.links };
  }

  private add(node: MutableNode): this {
    if (this.nodes.has(node.name)) throw new Error(`builder bug: node ${node.name} made twice`);
    this.nodes.set(node.name, node);
    return this;
  }
}
