/**
 * Test support: small networks of real nodes (IPv4 stack, UDP and TCP layers) for the
 * socket tests, built straight from the link and internet layers.
 *
 *   pair():  a (10.0.0.1) ---- b (10.0.0.2)
 *   path():  a (10.0.1.1) ---- r ---- b (10.0.2.1), r's port towards b with its own MTU
 */
import { parseIpv4Prefix } from '../../internet/ipv4-address.ts';
import { Ipv4Stack } from '../../internet/ipv4-stack.ts';
import { Node } from '../../link/node.ts';
import { type LinkOptions, PointToPointLink } from '../../link/point-to-point.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MILLISECOND } from '../../sim/time.ts';
import { UdpLayer } from '../udp/udp-layer.ts';
import { TcpLayer } from './tcp-layer.ts';

export interface TestHost {
  readonly node: Node;
  readonly ip: Ipv4Stack;
  readonly tcp: TcpLayer;
  readonly udp: UdpLayer;
  readonly address: number;
}

function host(sim: Simulator, name: string, forwarding = false): Omit<TestHost, 'address'> {
  const node = new Node(sim, name, forwarding ? 'router' : 'host');
  const ip = new Ipv4Stack(node, { forwarding });
  return { node, ip, udp: new UdpLayer(ip), tcp: new TcpLayer(ip) };
}

const addr = (text: string) => parseIpv4Prefix(text)!;

export function pair(link: LinkOptions = {}, seed = 1, queue = 100) {
  const sim = new Simulator({ seed });
  const a = host(sim, 'a');
  const b = host(sim, 'b');
  const da = a.node.addDevice('eth0', { queue: { packets: queue } });
  const db = b.node.addDevice('eth0', { queue: { packets: queue } });
  a.ip.addInterface(da, [addr('10.0.0.1/24')]);
  b.ip.addInterface(db, [addr('10.0.0.2/24')]);
  const wire = new PointToPointLink(da, db, { rate: 100e6, delay: 5 * MILLISECOND, ...link });
  return {
    sim,
    wire,
    a: { ...a, address: addr('10.0.0.1').address } as TestHost,
    b: { ...b, address: addr('10.0.0.2').address } as TestHost,
  };
}

export function path(mtu2: number, link: LinkOptions = {}, seed = 1) {
  const sim = new Simulator({ seed });
  const a = host(sim, 'a');
  const r = host(sim, 'r', true);
  const b = host(sim, 'b');
  const da = a.node.addDevice('eth0');
  const r0 = r.node.addDevice('eth0');
  const r1 = r.node.addDevice('eth1', { mtu: mtu2 });
  const db = b.node.addDevice('eth0');
  a.ip.addInterface(da, [addr('10.0.1.1/24')]);
  r.ip.addInterface(r0, [addr('10.0.1.2/24')]);
  r.ip.addInterface(r1, [addr('10.0.2.2/24')]);
  b.ip.addInterface(db, [addr('10.0.2.1/24')]);
  a.ip.addRoute(0, 0, addr('10.0.1.2').address);
  b.ip.addRoute(0, 0, addr('10.0.2.2').address);
  const opts = { rate: 100e6, delay: 2 * MILLISECOND, ...link };
  new PointToPointLink(da, r0, opts);
  new PointToPointLink(r1, db, opts);
  return {
    sim,
    a: { ...a, address: addr('10.0.1.1').address } as TestHost,
    r: { ...r, address: addr('10.0.1.2').address } as TestHost,
    b: { ...b, address: addr('10.0.2.1').address } as TestHost,
  };
}
