/**
 * The I/O-model experiment of the notes ("waiting wastes resources; readiness notification
 * scales"): N clients, each with its own connection, send R requests one after another
 * with a think time between them, to a server written in one of three styles (blocking
 * with T threads, non-blocking polling, event-driven with a Poller) on a one-core machine.
 * It reports throughput (requests per second over the whole run), request latency (mean,
 * 99th percentile, max), the calls that found nothing to do, and how busy the processor was.
 *
 * Client and server are two nodes on one 1 Gbit/s link with 50 µs of delay; messages are
 * `requestSize` and `responseSize` bytes.
 */
import { parseIpv4Prefix } from '../../internet/ipv4-address.ts';
import { Ipv4Stack } from '../../internet/ipv4-stack.ts';
import { Node } from '../../link/node.ts';
import { PointToPointLink } from '../../link/point-to-point.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MICROSECOND, MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { TcpLayer } from '../tcp/tcp-layer.ts';
import { blockingServer, readExactly } from './blocking-server.ts';
import { eventDrivenServer } from './event-driven-server.ts';
import { nonBlockingServer } from './non-blocking-server.ts';
import { ServerCpu } from './server-cpu.ts';
import type { IoModel, IoServer } from './server-options.ts';

export interface IoExperimentOptions {
  readonly model: IoModel;
  readonly clients: number;
  /** Requests per client. Default 10. */
  readonly requests?: number;
  /** Pause between a response and the next request. Default 10 ms. */
  readonly thinkTime?: Time;
  /** Processor time per request. Default 100 µs. */
  readonly serviceTime?: Time;
  readonly requestSize?: number;
  readonly responseSize?: number;
  /** Blocking model: threads. Default 1 (an iterative server). */
  readonly threads?: number;
  /** Non-blocking model: pause between sweeps. Default 1 ms. */
  readonly pollInterval?: Time;
  readonly seed?: number;
}

export interface IoExperimentResult {
  readonly model: IoModel;
  readonly clients: number;
  readonly threads: number;
  readonly requests: number;
  /** Requests answered per second of simulated time, from the first connect to the last answer. */
  readonly throughput: number;
  readonly meanLatency: Time;
  readonly p99Latency: Time;
  readonly maxLatency: Time;
  readonly duration: Time;
  readonly wouldBlock: number;
  readonly calls: number;
  /** Fraction of the run the server's processor was busy. */
  readonly cpuBusy: number;
}

export async function runIoExperiment(o: IoExperimentOptions): Promise<IoExperimentResult> {
  const sim = new Simulator({ seed: o.seed ?? 1 });
  const mk = (name: string, addr: string) => {
    const node = new Node(sim, name);
    const ip = new Ipv4Stack(node);
    const dev = node.addDevice('eth0', { queue: { packets: 1000 } });
    ip.addInterface(dev, [parseIpv4Prefix(addr)!]);
    return { node, ip, dev, tcp: new TcpLayer(ip) };
  };
  const server = mk('server', '10.0.0.1/24');
  const client = mk('client', '10.0.0.2/24');
  new PointToPointLink(server.dev, client.dev, { rate: 1e9, delay: 50 * MICROSECOND });
  const cpu = new ServerCpu(sim);
  const common = {
    tcp: server.tcp,
    port: 80,
    requestSize: o.requestSize ?? 100,
    responseSize: o.responseSize ?? 1000,
    cpu,
    serviceTime: o.serviceTime ?? 100 * MICROSECOND,
  };
  const threads = o.model === 'blocking' ? (o.threads ?? 1) : 1;
  const srv: IoServer =
    o.model === 'blocking'
      ? blockingServer({ ...common, threads })
      : o.model === 'non-blocking'
        ? nonBlockingServer({ ...common, pollInterval: o.pollInterval ?? MILLISECOND })
        : eventDrivenServer(common);
  const requests = o.requests ?? 10;
  const think = o.thinkTime ?? 10 * MILLISECOND;
  const latencies: Time[] = [];
  let finished = 0;
  let lastAnswer = 0;
  const start = sim.now;
  const request = new Uint8Array(common.requestSize);
  const runClient = async (): Promise<void> => {
    const s = await client.tcp.connect('10.0.0.1', 80, { noDelay: true });
    for (let r = 0; r < requests; r++) {
      const t0 = sim.now;
      await s.write(request);
      const answer = await readExactly(s, common.responseSize);
      if (answer === null) throw new Error('the server closed the connection');
      latencies.push(sim.now - t0);
      lastAnswer = sim.now;
      if (r + 1 < requests) await sim.sleep(think);
    }
    s.close();
    finished++;
    if (finished === o.clients) sim.stop();
  };
  for (let i = 0; i < o.clients; i++) void runClient();
  await sim.run(3600 * SECOND);
  srv.close();
  await sim.run(sim.now + SECOND);
  if (finished !== o.clients) throw new Error(`only ${finished} of ${o.clients} clients finished`);
  const sorted = [...latencies].sort((a, b) => a - b);
  const duration = lastAnswer - start;
  return {
    model: o.model,
    clients: o.clients,
    threads,
    requests: latencies.length,
    throughput: (latencies.length * SECOND) / duration,
    meanLatency: latencies.reduce((a, b) => a + b, 0) / latencies.length,
    p99Latency: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!,
    maxLatency: sorted[sorted.length - 1]!,
    duration,
    wouldBlock: srv.stats.wouldBlock,
    calls: srv.stats.calls,
    cpuBusy: cpu.busy / duration,
  };
}
