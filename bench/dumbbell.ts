/**
 * The dumbbell of bench/ns3/README.md, scenario 1: N TCP bulk flows S_i -> D_i through one
 * 10 Mbit/s, 20 ms bottleneck R1 -> R2, 100 Mbit/s 1 ms access links, 100-packet DropTail
 * FIFOs everywhere, with every TCP setting of the ns-3 program: NewReno, SACK, timestamps,
 * window scaling, 1448-byte payloads (1500-byte packets), initial cwnd 10, unlimited
 * initial ssthresh, delayed ACK every 2nd segment or 200 ms, Nagle off, limited transmit,
 * dupthresh 3, RTO min and initial 1 s with 1 ms granularity, 131072-byte buffers.
 * Applications: a sink on D_i:5000 from t = 0 reading everything; a bulk sender on S_i
 * from t = 0.1 + 0.01 i writing 1448-byte chunks whenever the send buffer has room for
 * one (ns-3's BulkSend). Every frame is real Ethernet/IPv4/TCP with checksums, so the
 * framing costs 38 bytes per packet instead of PPP's 2 and the goodput ceiling is
 * 10 Mbit/s * 1448 / 1538 = 9.41 Mbit/s (ns-3's: 9.64).
 *
 * `runDumbbell` returns the same figures as dumbbell.cc's JSON line (README "Output"),
 * plus packet-hops per wall second. Loss recovery: RFC 6675 SACK recovery, where ns-3's
 * default is PRR (README: `--recovery=classic --sack=0` is within 1% of it in aggregate).
 */
import { parseIpv4Prefix } from '../src/internet/ipv4-address.ts';
import { GlobalRouting } from '../src/internet/global-routing.ts';
import { Ipv4Stack } from '../src/internet/ipv4-stack.ts';
import type { NetDevice } from '../src/link/net-device.ts';
import { Node } from '../src/link/node.ts';
import { PointToPointLink } from '../src/link/point-to-point.ts';
import { Simulator } from '../src/sim/simulator.ts';
import { MILLISECOND, SECOND } from '../src/sim/time.ts';
import { WOULD_BLOCK } from '../src/transport/pollable.ts';
import type { TcpSocketOptions } from '../src/transport/tcp/tcp-config.ts';
import { TcpLayer } from '../src/transport/tcp/tcp-layer.ts';
import type { TcpSocket } from '../src/transport/tcp/tcp-socket.ts';

export interface DumbbellOptions {
  flows?: number;
  /** Simulated seconds. */
  simTime?: number;
  bottleneckRate?: number;
  /** Bottleneck one-way delay, ns. */
  delay?: number;
  queue?: number;
  accessRate?: number;
  accessDelay?: number;
  accessQueue?: number;
  firstStart?: number;
  startGap?: number;
  sendSize?: number;
  /** Random loss on the bottleneck, both directions; default 0. */
  bottleneckLoss?: number;
  /**
   * Probability that R1 drops a data-carrying TCP segment it forwards (ACKs are never
   * dropped): the random loss of the Mathis et al. model. Default 0.
   */
  dataLoss?: number;
  seed?: number;
  /** TCP settings on top of the ns-3 program's. */
  tcp?: TcpSocketOptions;
}

export interface DumbbellResult {
  flows: number;
  simTime: number;
  totalRxBytes: number;
  goodputMbps: { min: number; median: number; max: number; sum: number };
  perFlowMbps: number[];
  jain: number;
  events: number;
  linkTxPackets: number;
  linkDrops: number;
  bottleneckTxPackets: number;
  bottleneckDrops: number;
  retransmits: number;
  setupWallSec: number;
  runWallSec: number;
  packetHopsPerSec: number;
}

/** dumbbell.cc's TCP configuration, option by option (README "TCP"). */
export const NS3_DUMBBELL_TCP: TcpSocketOptions = {
  congestionControl: 'newreno',
  sack: true,
  timestamps: true,
  windowScaling: true,
  mss: 1460,
  initialCwnd: 10,
  initialSsthresh: Number.POSITIVE_INFINITY,
  delayedAck: true,
  delayedAckTimeout: 200 * MILLISECOND,
  noDelay: true,
  limitedTransmit: true,
  dupAckThreshold: 3,
  minRto: SECOND,
  initialRto: SECOND,
  rtoGranularity: MILLISECOND,
  sendBuffer: 131072,
  receiveBuffer: 131072,
  synRetries: 6,
  dataRetries: 6,
};

const prefix = (t: string) => parseIpv4Prefix(t)!;

/** Jain's fairness index (Σx)² / (n Σx²). */
export function jainIndex(xs: readonly number[]): number {
  let s = 0;
  let q = 0;
  for (const x of xs) {
    s += x;
    q += x * x;
  }
  return q > 0 ? (s * s) / (xs.length * q) : 0;
}

function median(xs: readonly number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 === 1 ? v[(n - 1) / 2]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}

export async function runDumbbell(o: DumbbellOptions = {}): Promise<DumbbellResult> {
  const t0 = performance.now();
  const flows = o.flows ?? 10;
  const simTime = o.simTime ?? 20;
  const sim = new Simulator({ seed: o.seed ?? 1 });
  const stacks: Ipv4Stack[] = [];
  const nodes: Node[] = [];
  const make = (name: string, router: boolean) => {
    const node = new Node(sim, name, router ? 'router' : 'host');
    const ip = new Ipv4Stack(node, { forwarding: router });
    const tcp = new TcpLayer(ip);
    nodes.push(node);
    stacks.push(ip);
    return { node, ip, tcp };
  };
  const r1 = make('R1', true);
  const r2 = make('R2', true);
  const accessQueue = { packets: o.accessQueue ?? 100 };
  const access = { rate: o.accessRate ?? 100e6, delay: o.accessDelay ?? MILLISECOND };
  const b1 = r1.node.addDevice('eth0', { queue: { packets: o.queue ?? 100 } });
  const b2 = r2.node.addDevice('eth0', { queue: { packets: o.queue ?? 100 } });
  r1.ip.addInterface(b1, [prefix('10.0.0.1/24')]);
  r2.ip.addInterface(b2, [prefix('10.0.0.2/24')]);
  new PointToPointLink(b1, b2, {
    rate: o.bottleneckRate ?? 10e6,
    delay: o.delay ?? 20 * MILLISECOND,
    loss: o.bottleneckLoss ?? 0,
  });
  const senders: ReturnType<typeof make>[] = [];
  const receivers: ReturnType<typeof make>[] = [];
  const receiverAddress: number[] = [];
  for (let i = 0; i < flows; i++) {
    const x = 1 + (i % 254);
    const hi = Math.floor(i / 254) * 2;
    const s = make(`S${i}`, false);
    const d = make(`D${i}`, false);
    const sd = s.node.addDevice('eth0', { queue: accessQueue });
    const r1d = r1.node.addDevice(`s${i}`, { queue: accessQueue });
    s.ip.addInterface(sd, [prefix(`10.${1 + hi}.${x}.1/24`)]);
    r1.ip.addInterface(r1d, [prefix(`10.${1 + hi}.${x}.2/24`)]);
    new PointToPointLink(sd, r1d, access);
    const r2d = r2.node.addDevice(`d${i}`, { queue: accessQueue });
    const dd = d.node.addDevice('eth0', { queue: accessQueue });
    r2.ip.addInterface(r2d, [prefix(`10.${2 + hi}.${x}.1/24`)]);
    d.ip.addInterface(dd, [prefix(`10.${2 + hi}.${x}.2/24`)]);
    new PointToPointLink(r2d, dd, access);
    senders.push(s);
    receivers.push(d);
    receiverAddress.push(prefix(`10.${2 + hi}.${x}.2`).address);
  }
  new GlobalRouting(sim, stacks).compute();
  const dataLoss = o.dataLoss ?? 0;
  if (dataLoss > 0) {
    const rnd = sim.random.fork('data-loss');
    r1.ip.filters.forward.push((packet) => {
      if (packet[9] !== 6) return 'accept';
      const ihl = (packet[0]! & 15) * 4;
      const total = (packet[2]! << 8) | packet[3]!;
      const payload = total - ihl - (packet[ihl + 12]! >> 4) * 4;
      return payload > 0 && rnd.chance(dataLoss) ? 'drop' : 'accept';
    });
  }

  const tcp = { ...NS3_DUMBBELL_TCP, ...o.tcp };
  const rx = new Array<number>(flows).fill(0);
  const starts: number[] = [];
  const sendSize = o.sendSize ?? 1448;
  const chunk = new Uint8Array(sendSize);
  const readBuffer = new Uint8Array(1 << 16);
  const clients: TcpSocket[] = [];
  for (let i = 0; i < flows; i++) {
    const l = receivers[i]!.tcp.listen(5000, tcp);
    l.watch(() => {
      for (let s = l.tryAccept(); s !== WOULD_BLOCK; s = l.tryAccept()) {
        const sock = s;
        const drain = () => {
          for (;;) {
            const n = sock.tryReadInto(readBuffer);
            if (n === WOULD_BLOCK || n < 0) break;
            rx[i]! += n;
          }
        };
        sock.watch(drain);
        drain();
      }
    });
    const start = (o.firstStart ?? 0.1) + i * (o.startGap ?? 0.01);
    starts.push(start);
    sim.at(Math.round(start * SECOND), () => {
      const s = senders[i]!.tcp.open(receiverAddress[i]!, 5000, tcp);
      clients.push(s);
      const pump = () => {
        while (s.connection.writableBytes >= sendSize) {
          if (s.tryWrite(chunk) === WOULD_BLOCK) break;
        }
      };
      s.watch(pump);
      pump();
    });
  }
  const t1 = performance.now();
  await sim.run(simTime * SECOND);
  const t2 = performance.now();

  let tx = 0;
  let drops = 0;
  for (const n of nodes) {
    for (const d of n.devices as NetDevice[]) {
      tx += d.counters.txFrames;
      drops += d.counters.drops;
    }
  }
  let r1Drops = 0;
  for (const d of r1.node.devices) r1Drops += d.counters.drops;
  const goodput = rx.map((bytes, i) => (bytes * 8) / (simTime - starts[i]!) / 1e6);
  const runWallSec = (t2 - t1) / 1000;
  return {
    flows,
    simTime,
    totalRxBytes: rx.reduce((a, b) => a + b, 0),
    goodputMbps: {
      min: Math.min(...goodput),
      median: median(goodput),
      max: Math.max(...goodput),
      sum: goodput.reduce((a, b) => a + b, 0),
    },
    perFlowMbps: goodput,
    jain: jainIndex(goodput),
    events: sim.eventsExecuted,
    linkTxPackets: tx,
    linkDrops: drops,
    bottleneckTxPackets: b1.counters.txFrames,
    bottleneckDrops: r1Drops,
    retransmits: clients.reduce((n, c) => n + c.info().retransmits, 0),
    setupWallSec: (t1 - t0) / 1000,
    runWallSec,
    packetHopsPerSec: tx / runWallSec,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await runDumbbell({
    flows: Number(process.argv[2] ?? 10),
    simTime: Number(process.argv[3] ?? 20),
  });
  const { perFlowMbps: _, ...rest } = r;
  console.log(JSON.stringify(rest));
}

/** ns-3's figures from the same run (bench/ns3.ts runNs3), or undefined without ns-3. */
export type PeerRunner = (args: readonly string[]) => { json: Record<string, unknown> } | undefined;

/** The rows `npm run bench` prints: 10 and 50 flows, 20 s and 60 s, beside ns-3's figures. */
export const DUMBBELL_CASES: readonly { flows: number; simTime: number }[] = [
  { flows: 10, simTime: 20 },
  { flows: 50, simTime: 20 },
  { flows: 10, simTime: 60 },
  { flows: 50, simTime: 60 },
];

/**
 * Prints the dumbbell section of `npm run bench`: for each case our run (in a child
 * process, through `runOurs`) and ns-3's (through `runPeer`), with the speed ratio
 * (ns-3 wall / netlab wall, so 2 means twice as fast) and the goodput ratio.
 */
export function printDumbbellSection(
  runOurs: (flows: number, simTime: number) => Record<string, unknown>,
  runPeer: PeerRunner,
): void {
  console.log('\ndumbbell: N TCP NewReno flows through 10 Mbit/s / 20 ms, 100-packet DropTail queues');
  console.log('  (bench/ns3/README.md scenario 1, every TCP setting as there; real Ethernet/IPv4/TCP bytes)');
  const header = [
    '',
    'flows',
    'sim s',
    'wall s',
    'warm s',
    'packet-hops/s',
    'goodput Mb/s',
    'Jain',
    'drops',
    'rx bytes',
  ];
  const rows: string[][] = [];
  const ratios: string[] = [];
  const f = (x: unknown, d = 0) =>
    Number(x).toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  for (const c of DUMBBELL_CASES) {
    const ours = runOurs(c.flows, c.simTime) as unknown as DumbbellResult & { warmRunWallSec?: number };
    rows.push([
      'netlab',
      String(c.flows),
      String(c.simTime),
      f(ours.runWallSec, 3),
      ours.warmRunWallSec === undefined ? '' : f(ours.warmRunWallSec, 3),
      f(ours.packetHopsPerSec),
      f(ours.goodputMbps.sum, 3),
      f(ours.jain, 3),
      f(ours.linkDrops),
      f(ours.totalRxBytes),
    ]);
    const peer = runPeer([`--flows=${c.flows}`, `--simTime=${c.simTime}`]);
    if (!peer) continue;
    const j = peer.json as Record<string, number> & { goodputMbps: { sum: number } };
    const hops = j.linkTxPackets! / j.runWallSec!;
    rows.push([
      'ns-3 3.37',
      String(c.flows),
      String(c.simTime),
      f(j.runWallSec, 3),
      '',
      f(hops),
      f(j.goodputMbps.sum, 3),
      f(j.jain, 3),
      f(j.linkDrops),
      f(j.totalRxBytes),
    ]);
    ratios.push(
      `  ${c.flows} flows ${c.simTime} s: speed ${f(j.runWallSec! / ours.runWallSec, 2)}x ns-3, ` +
        `goodput ${f(ours.goodputMbps.sum / j.goodputMbps.sum, 3)} of ns-3's, ` +
        `rx bytes ${f(ours.totalRxBytes / j.totalRxBytes!, 3)}`,
    );
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ');
  console.log(`  ${line(header)}`);
  for (const r of rows) console.log(`  ${line(r)}`);
  if (ratios.length) for (const r of ratios) console.log(r);
  else console.log('  ns-3 not installed (apt-get install libns3-dev ns3): no peer figures');
  console.log(
    '  wall s: time inside Simulator::Run / sim.run, in a fresh process each; warm s: the same netlab run',
  );
  console.log(
    "  again in that process, once V8's JIT has compiled the per-packet path (ns-3 is compiled ahead)",
  );
  console.log(
    "  netlab frames carry 38 B of Ethernet framing to PPP's 2: its goodput ceiling is 9.41 Mb/s, ns-3's 9.64",
  );
}
