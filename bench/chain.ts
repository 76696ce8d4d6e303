/**
 * The forwarding-chain benchmark of ../shared/bench/ns3/README.md, scenario 2:
 * A -- R1 -- ... -- RK -- B, every link 1 Gbit/s and 100 µs with a 100-packet DropTail
 * queue, one UDP flow of 1000-byte payloads every 16 µs (500 Mbit/s) for 10 simulated
 * seconds. Every hop carries real Ethernet/IPv4/UDP bytes with real checksums; every
 * router verifies the IPv4 header checksum and rewrites TTL, checksum and MACs.
 */
import { parseIpv4Prefix } from '../src/internet/ipv4-address.ts';
import { Ipv4Stack } from '../src/internet/ipv4-stack.ts';
import { GlobalRouting } from '../src/internet/global-routing.ts';
import { Node } from '../src/link/node.ts';
import { PointToPointLink } from '../src/link/point-to-point.ts';
import { Simulator } from '../src/sim/simulator.ts';
import { MICROSECOND, SECOND } from '../src/sim/time.ts';
import { UDP, UdpLayer } from '../src/transport/udp/udp-layer.ts';

export interface ChainResult {
  routers: number;
  sent: number;
  received: number;
  linkTxPackets: number;
  drops: number;
  events: number;
  setupWallSec: number;
  runWallSec: number;
  packetHopsPerSec: number;
}

export async function runChain(routers = 8, simSeconds = 10): Promise<ChainResult> {
  const t0 = performance.now();
  const sim = new Simulator({ seed: 1 });
  const stacks: Ipv4Stack[] = [];
  const nodes: Node[] = [];
  for (let i = 0; i < routers + 2; i++) {
    const router = i > 0 && i <= routers;
    const node = new Node(sim, i === 0 ? 'A' : router ? `R${i}` : 'B', router ? 'router' : 'host');
    const ip = new Ipv4Stack(node, { forwarding: router });
    new UdpLayer(ip);
    nodes.push(node);
    stacks.push(ip);
  }
  for (let i = 0; i <= routers; i++) {
    const a = nodes[i]!.addDevice(`eth${i === 0 ? 0 : 1}`, { queue: { packets: 100 } });
    const b = nodes[i + 1]!.addDevice('eth0', { queue: { packets: 100 } });
    stacks[i]!.addInterface(a, [parseIpv4Prefix(`10.1.${i}.1/24`)!]);
    stacks[i + 1]!.addInterface(b, [parseIpv4Prefix(`10.1.${i}.2/24`)!]);
    new PointToPointLink(a, b, { rate: 1e9, delay: 100 * MICROSECOND });
  }
  new GlobalRouting(sim, stacks).compute();
  const dst = parseIpv4Prefix(`10.1.${routers}.2`)!.address;
  let received = 0;
  nodes[routers + 1]!.requireService(UDP).bind(4000).onMessage = () => {
    received++;
  };
  const client = nodes[0]!.requireService(UDP).bind();
  const payload = new Uint8Array(1000);
  const interval = 16 * MICROSECOND;
  const end = simSeconds * SECOND;
  let sent = 0;
  const tick = (): void => {
    payload[0] = sent & 0xff;
    client.sendTo(payload, dst, 4000);
    sent++;
    if (sim.now + interval < end) sim.after(interval, tick);
  };
  sim.at(0, tick);
  const t1 = performance.now();
  await sim.run(end);
  const t2 = performance.now();
  let tx = 0;
  let drops = 0;
  for (const n of nodes) {
    for (const d of n.devices) {
      tx += d.counters.txFrames;
      drops += d.counters.drops;
    }
  }
  const runWallSec = (t2 - t1) / 1000;
  return {
    routers,
    sent,
    received,
    linkTxPackets: tx,
    drops,
    events: sim.eventsExecuted,
    setupWallSec: (t1 - t0) / 1000,
    runWallSec,
    packetHopsPerSec: tx / runWallSec,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runChain(Number(process.argv[2] ?? 8), Number(process.argv[3] ?? 10));
  console.log(JSON.stringify(r));
}
