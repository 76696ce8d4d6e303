/**
 * Global routing, as ns-3's Ipv4GlobalRoutingHelper does it: an oracle that sees the whole
 * topology, computes shortest paths (in hops) from every node to every subnet, and installs
 * them as routes (`proto global` in `ip route`). It stands in for a routing protocol such
 * as OSPF, without the protocol's messages.
 *
 * It reacts to failures: when a link, an interface or a node goes down or up, it recomputes
 * after `convergence` (the time a real protocol needs to notice and agree). Until then,
 * packets keep following the old routes into the failure and are lost, which is what a
 * learner should see. A mesh or a ring finds another way; a star whose centre failed has
 * no other way to find.
 *
 * Paths cross L2 segments (links, buses, switches: a switched LAN is one hop) and transit
 * only nodes that forward (routers). Ties are broken by the order nodes and interfaces were
 * created, so the result is deterministic. Nodes with `globalRouting` off (hosts given a
 * default gateway) keep their own routes.
 */
import { LearningSwitch } from '../link/learning-switch.ts';
import type { Channel } from '../link/channel.ts';
import type { NetDevice } from '../link/net-device.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { Time } from '../sim/time.ts';
import { prefixMask } from './ipv4-address.ts';
import type { Ipv4Interface } from './ipv4-interface.ts';
import { IPV4, type Ipv4Stack } from './ipv4-stack.ts';
import './trace-events.ts';

interface Adjacency {
  readonly via: Ipv4Interface;
  readonly neighbor: Ipv4Stack;
  readonly neighborAddress: number;
}

export class GlobalRouting {
  private pending = false;
  private unsubscribe: (() => void)[] = [];

  constructor(
    private readonly sim: Simulator,
    private readonly stacks: readonly Ipv4Stack[],
    /** Delay between a topology change and the new routes. */
    public convergence: Time = 0,
  ) {}

  /** Recomputes on every link, interface or node state change, after `convergence`. */
  watch(): void {
    const changed = () => this.scheduleRecompute();
    this.unsubscribe.push(
      this.sim.trace.on('link.state', changed),
      this.sim.trace.on('link.iface', changed),
      this.sim.trace.on('node.state', changed),
    );
  }

  stop(): void {
    for (const u of this.unsubscribe) u();
    this.unsubscribe = [];
  }

  scheduleRecompute(): void {
    if (this.pending) return;
    this.pending = true;
    this.sim.after(this.convergence, () => {
      this.pending = false;
      this.compute('topology change');
    });
  }

  /** Replaces every node's global routes with shortest paths over the current topology. */
  compute(reason = 'initial'): void {
    const adjacency = new Map<Ipv4Stack, Adjacency[]>();
    for (const s of this.stacks) adjacency.set(s, s.node.up ? this.neighbors(s) : []);
    let installed = 0;
    for (const source of this.stacks) {
      if (!source.globalRouting) continue;
      source.routes.remove((r) => r.protocol === 'global');
      if (!source.node.up) continue;
      installed += this.install(source, adjacency);
    }
    if (this.sim.trace.wants('routing.update')) {
      this.sim.trace.emit({ type: 'routing.update', time: this.sim.now, reason, routes: installed });
    }
  }

  /** Breadth-first search from `source`; installs a route to every subnet it reaches. */
  private install(source: Ipv4Stack, adjacency: Map<Ipv4Stack, Adjacency[]>): number {
    const firstHop = new Map<Ipv4Stack, Adjacency>();
    const known = new Set<string>();
    for (const i of source.interfaces) for (const p of i.addresses) known.add(key(p.address, p.length));
    const queue: Ipv4Stack[] = [source];
    const seen = new Set<Ipv4Stack>([source]);
    let count = 0;
    while (queue.length > 0) {
      const at = queue.shift()!;
      if (at !== source) {
        const hop = firstHop.get(at)!;
        for (const iface of at.interfaces) {
          if (!iface.device.up) continue;
          for (const p of iface.addresses) {
            const k = key(p.address, p.length);
            if (known.has(k)) continue;
            known.add(k);
            source.routes.add({
              network: p.address & prefixMask(p.length),
              length: p.length,
              gateway: hop.neighborAddress,
              iface: hop.via,
              metric: 0,
              protocol: 'global',
            });
            count++;
          }
        }
        if (!at.forwarding) continue; // hosts are destinations, never transit
      }
      for (const adj of adjacency.get(at)!) {
        if (seen.has(adj.neighbor)) continue;
        seen.add(adj.neighbor);
        firstHop.set(adj.neighbor, at === source ? adj : firstHop.get(at)!);
        queue.push(adj.neighbor);
      }
    }
    return count;
  }

  /** The IP neighbours of `stack`: interfaces reachable over working L2 paths. */
  private neighbors(stack: Ipv4Stack): Adjacency[] {
    const out: Adjacency[] = [];
    for (const via of stack.interfaces) {
      if (!via.device.carrier || via.addresses.length === 0) continue;
      for (const dev of reachableDevices(via.device)) {
        const neighbor = dev.node.service(IPV4);
        if (!neighbor || neighbor === stack) continue;
        const iface = neighbor.interfaceOf(dev);
        if (!iface) continue;
        const address = iface.addresses.find((p) => via.onLink(p.address))?.address;
        if (address !== undefined) out.push({ via, neighbor, neighborAddress: address });
      }
    }
    return out;
  }
}

function key(address: number, length: number): string {
  return `${(address & prefixMask(length)) >>> 0}/${length}`;
}

/** Devices that frames from `from` can reach through links, buses and live switches. */
export function reachableDevices(from: NetDevice): NetDevice[] {
  const out: NetDevice[] = [];
  const seen = new Set<Channel>();
  const stack: Channel[] = from.channel ? [from.channel] : [];
  while (stack.length > 0) {
    const ch = stack.pop()!;
    if (seen.has(ch) || !ch.up) continue;
    seen.add(ch);
    for (const dev of ch.devices) {
      if (dev === from || !dev.up) continue;
      if (dev.node instanceof LearningSwitch) {
        for (const port of dev.node.devices)
          if (port !== dev && port.up && port.channel) stack.push(port.channel);
      } else {
        out.push(dev);
      }
    }
  }
  return out;
}
