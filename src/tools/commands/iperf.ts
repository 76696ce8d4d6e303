/**
 * `iperf` (iperf 2): measure throughput between two nodes.
 *
 *   iperf -s -u [-p PORT] [-i SECONDS]                       the UDP server
 *   iperf -c HOST -u [-b RATE] [-l LEN] [-t SECONDS] [-i SECONDS] [-p PORT]
 *
 * UDP mode sends `-l` byte datagrams (default 1470) at `-b` bit/s (default 1M = 1,048,576,
 * iperf 2's units: upper-case suffixes are powers of 1024) for `-t` seconds (default 10).
 * Each datagram starts with iperf 2's header: a 32-bit sequence number, the send time
 * (seconds, microseconds) and the upper half of the sequence number. The last datagram
 * carries a negative sequence number; the server answers it with a report (bytes,
 * losses, jitter) that the client prints as "Server Report". Jitter is RFC 1889's
 * smoothed transit-time difference, losses are sequence numbers never seen.
 *
 * The sender paces itself at the requested rate whatever the network does, so a
 * bottleneck shows as losses at the server — the UDP side of "throughput never exceeds
 * the narrowest link".
 *
 * TCP mode (the default, no -u) runs src/tools/iperf-tcp.ts: the client writes -l byte
 * blocks (default 128 KiB) as fast as the connection takes them for -t seconds and
 * counts what TCP accepted; the server counts what it read until the client closes. So
 * TCP shows the rate the path really sustains (the bottleneck), with no losses at all.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { MICROSECOND, SECOND, type Time } from '../../sim/time.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import { UDP, type UdpMessage } from '../../transport/udp/udp-layer.ts';
import {
  IPERF_HEADER,
  IPERF_RULE,
  IPERF_UDP_SERVER_HEADER,
  iperfBytes,
  iperfConnectedLine,
  iperfId,
  iperfOutOfOrderLine,
  iperfTransfer,
  iperfUdpServerLine,
  parseIperfQuantity,
} from '../format/iperf.ts';
import { formatFixed } from '../format/printf.ts';
import { IPERF_TCP_LENGTH, type IperfInterval, IperfTcpServer, iperfTcpClient } from '../iperf-tcp.ts';
import type { Command, CommandContext } from '../shell/command.ts';
import { integerValue, numberValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';
import { resolveHost } from '../shell/resolve-host.ts';

const SPEC = {
  program: 'iperf',
  options: {
    server: { short: 's' },
    client: { short: 'c', value: stringValue() },
    udp: { short: 'u' },
    port: { short: 'p', value: integerValue({ label: 'invalid port', min: 1, max: 65535 }) },
    interval: { short: 'i', value: numberValue({ label: 'invalid interval', min: 0.0001 }) },
    time: { short: 't', value: numberValue({ label: 'invalid time', min: 0 }) },
    bandwidth: { short: 'b', value: stringValue() },
    length: { short: 'l', value: stringValue() },
  },
} as const;

const DEFAULT_PORT = 5001;
const DEFAULT_RATE = 1024 * 1024;
const DEFAULT_LENGTH = 1470;
/** id, tv_sec, tv_usec, id2. */
const DATAGRAM_HEADER = 16;
/** flags, total_len1, total_len2, stop_sec, stop_usec, error_cnt, outorder_cnt, datagrams, jitter1, jitter2. */
const REPORT_LENGTH = DATAGRAM_HEADER + 40;
const FIN_TRIES = 10;
const FIN_WAIT = 250 * 1_000_000;

export const iperf: Command = {
  name: 'iperf',
  summary: 'measure network throughput (iperf 2)',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 1;
    }
    const o = parsed.options;
    if (o.server === (o.client !== undefined)) {
      ctx.err('Usage: iperf [-s|-c host] [options]');
      ctx.err("Try `iperf --help' for more information.");
      return 1;
    }
    if (!o.udp) {
      const tcpLength = o.length === undefined ? IPERF_TCP_LENGTH : parseIperfQuantity(o.length);
      if (tcpLength === undefined || !Number.isInteger(tcpLength) || tcpLength < 1) {
        ctx.err(`iperf: invalid buffer length ${o.length}`);
        return 1;
      }
      const every = o.interval === undefined ? undefined : Math.round(o.interval * SECOND);
      if (o.server) return tcpServer(ctx, o.port ?? DEFAULT_PORT, every);
      return tcpClient(ctx, o.client!, o.port ?? DEFAULT_PORT, {
        duration: Math.round((o.time ?? 10) * SECOND),
        interval: every,
        length: tcpLength,
      });
    }
    const length = o.length === undefined ? DEFAULT_LENGTH : parseIperfQuantity(o.length);
    if (length === undefined || !Number.isInteger(length) || length < DATAGRAM_HEADER || length > 65507) {
      ctx.err(`iperf: invalid datagram length ${o.length}`);
      return 1;
    }
    const interval = o.interval === undefined ? undefined : Math.round(o.interval * SECOND);
    const port = o.port ?? DEFAULT_PORT;
    if (o.server) return udpServer(ctx, port, interval);
    const rate = o.bandwidth === undefined ? DEFAULT_RATE : parseIperfQuantity(o.bandwidth);
    if (rate === undefined || rate <= 0) {
      ctx.err(`iperf: invalid bandwidth ${o.bandwidth}`);
      return 1;
    }
    return udpClient(ctx, o.client!, port, {
      rate,
      length,
      duration: Math.round((o.time ?? 10) * SECOND),
      interval,
    });
  },
};

function seconds(t: Time): number {
  return t / SECOND;
}

function writeHeader(out: Uint8Array, id: number, sentUs: number): void {
  const v = new DataView(out.buffer, out.byteOffset, DATAGRAM_HEADER);
  v.setInt32(0, id);
  v.setUint32(4, Math.floor(sentUs / 1_000_000));
  v.setUint32(8, sentUs % 1_000_000);
  v.setInt32(12, 0);
}

interface Flow {
  readonly id: number;
  readonly from: number;
  readonly port: number;
  firstArrival: Time;
  lastArrival: Time;
  bytes: number;
  datagrams: number;
  maxSeq: number;
  outOfOrder: number;
  jitterUs: number;
  lastTransitUs: number | undefined;
  // -i reports
  intervalStart: Time;
  intervalBytes: number;
  intervalDatagrams: number;
  intervalMaxSeq: number;
  report: Uint8Array | null;
  timer: ReturnType<CommandContext['sim']['after']> | undefined;
}

function udpServer(ctx: CommandContext, port: number, interval: Time | undefined): Promise<number> {
  const udp = ctx.node?.service(UDP);
  const ip = ctx.node?.service(IPV4);
  if (!udp || !ip) {
    ctx.err('iperf: this node has no UDP');
    return Promise.resolve(1);
  }
  let socket: ReturnType<typeof udp.bind>;
  try {
    socket = udp.bind(port);
  } catch {
    ctx.err(`bind failed: Address already in use`);
    return Promise.resolve(1);
  }
  const sim = ctx.sim;
  ctx.out(IPERF_RULE);
  ctx.out(`Server listening on UDP port ${port}`);
  ctx.out('UDP buffer size:  208 KByte (default)');
  ctx.out(IPERF_RULE);
  const flows = new Map<string, Flow>();
  let nextId = 1;

  const intervalReport = (f: Flow, end: Time): void => {
    // Losses in the interval: sequence numbers it advanced over that never arrived.
    const expected = f.maxSeq - f.intervalMaxSeq;
    const lost = Math.max(0, expected - f.intervalDatagrams);
    ctx.out(
      iperfUdpServerLine(
        f.id,
        seconds(f.intervalStart - f.firstArrival),
        seconds(end - f.firstArrival),
        f.intervalBytes,
        f.jitterUs / 1000,
        lost,
        expected,
      ),
    );
    f.intervalStart = end;
    f.intervalBytes = 0;
    f.intervalDatagrams = 0;
    f.intervalMaxSeq = f.maxSeq;
  };

  const onMessage = (m: UdpMessage): void => {
    if (m.data.length < DATAGRAM_HEADER) return;
    const v = new DataView(m.data.buffer, m.data.byteOffset, m.data.length);
    const seq = v.getInt32(0);
    const sentUs = v.getUint32(4) * 1_000_000 + v.getUint32(8);
    const key = `${m.from}:${m.port}`;
    let f = flows.get(key);
    if (!f) {
      if (seq < 0) return; // a FIN for a flow we never saw
      f = {
        id: nextId++,
        from: m.from,
        port: m.port,
        firstArrival: sim.now,
        lastArrival: sim.now,
        bytes: 0,
        datagrams: 0,
        maxSeq: -1,
        outOfOrder: 0,
        jitterUs: 0,
        lastTransitUs: undefined,
        intervalStart: sim.now,
        intervalBytes: 0,
        intervalDatagrams: 0,
        intervalMaxSeq: -1,
        report: null,
        timer: undefined,
      };
      flows.set(key, f);
      ctx.out(iperfConnectedLine(f.id, formatIpv4Address(m.to), port, formatIpv4Address(m.from), m.port));
      ctx.out(IPERF_UDP_SERVER_HEADER);
      if (interval !== undefined) {
        const flow = f;
        const tick = (): void => {
          intervalReport(flow, sim.now);
          flow.timer = sim.after(interval, tick);
        };
        f.timer = sim.after(interval, tick);
      }
    }
    if (seq < 0) {
      if (!f.report) {
        f.timer?.cancel();
        // Like iperf 2's reporter, the server measures on its own clock: first to last arrival.
        const durationUs = Math.round((f.lastArrival - f.firstArrival) / MICROSECOND);
        const total = f.maxSeq + 1;
        const lost = Math.max(0, total - f.datagrams);
        ctx.out(iperfUdpServerLine(f.id, 0, durationUs / 1e6, f.bytes, f.jitterUs / 1000, lost, total));
        if (f.outOfOrder > 0) ctx.out(iperfOutOfOrderLine(f.id, 0, durationUs / 1e6, f.outOfOrder));
        const r = new Uint8Array(REPORT_LENGTH);
        r.set(m.data.subarray(0, DATAGRAM_HEADER));
        const rv = new DataView(r.buffer);
        rv.setInt32(16, 0x8000_0000 | 0);
        rv.setUint32(20, Math.floor(f.bytes / 2 ** 32));
        rv.setUint32(24, f.bytes >>> 0);
        rv.setInt32(28, Math.floor(durationUs / 1_000_000));
        rv.setInt32(32, durationUs % 1_000_000);
        rv.setInt32(36, lost);
        rv.setInt32(40, f.outOfOrder);
        rv.setInt32(44, total);
        rv.setInt32(48, Math.floor(f.jitterUs / 1_000_000));
        rv.setInt32(52, Math.round(f.jitterUs % 1_000_000));
        f.report = r;
      }
      socket.sendTo(f.report, m.from, m.port);
      return;
    }
    if (f.report) return; // late datagrams after the end
    f.bytes += m.data.length;
    f.datagrams++;
    f.lastArrival = sim.now;
    f.intervalBytes += m.data.length;
    f.intervalDatagrams++;
    if (seq < f.maxSeq) f.outOfOrder++;
    else f.maxSeq = seq;
    // RFC 1889 §6.3.1 interarrival jitter, in microseconds.
    const transitUs = sim.now / MICROSECOND - sentUs;
    if (f.lastTransitUs !== undefined) {
      const d = Math.abs(transitUs - f.lastTransitUs);
      f.jitterUs += (d - f.jitterUs) / 16;
    }
    f.lastTransitUs = transitUs;
  };
  socket.onMessage = onMessage;

  const done = sim.deferred<number>();
  ctx.onInterrupt(() => {
    for (const f of flows.values()) f.timer?.cancel();
    socket.close();
    done.resolve(0);
  });
  return done.promise;
}

interface ClientOptions {
  readonly rate: number;
  readonly length: number;
  readonly duration: Time;
  readonly interval: Time | undefined;
}

async function udpClient(ctx: CommandContext, host: string, port: number, o: ClientOptions): Promise<number> {
  const udp = ctx.node?.service(UDP);
  const ip = ctx.node?.service(IPV4);
  if (!udp || !ip) {
    ctx.err('iperf: this node has no UDP');
    return 1;
  }
  const resolved = await resolveHost(ctx, host);
  if ('error' in resolved) {
    ctx.err(`ERROR: failed to find host ${host}: ${resolved.error}`);
    return 1;
  }
  const dst = resolved.address;
  const route = ip.routes.lookup(dst);
  if (!route && !ip.isLocalAddress(dst)) {
    ctx.err('connect failed: Network is unreachable');
    return 1;
  }
  const sim = ctx.sim;
  const socket = udp.bind();
  const local = ip.isLocalAddress(dst) ? dst : route!.iface.sourceFor(route!.gateway || dst);
  const ipg = (o.length * 8 * SECOND) / o.rate;
  ctx.out(IPERF_RULE);
  ctx.out(`Client connecting to ${host}, UDP port ${port}`);
  ctx.out(
    `Sending ${o.length} byte datagrams, IPG target: ${formatFixed(ipg / MICROSECOND, 2)} us (kalman adjust)`,
  );
  ctx.out('UDP buffer size:  208 KByte (default)');
  ctx.out(IPERF_RULE);
  ctx.out(iperfConnectedLine(1, formatIpv4Address(local), socket.localPort, formatIpv4Address(dst), port));
  ctx.out(IPERF_HEADER);

  const start = sim.now;
  const payload = new Uint8Array(o.length);
  let sent = 0;
  let bytes = 0;
  let intervalStart = start;
  let intervalBytes = 0;
  let stopped = false;
  const done = sim.deferred<number>();
  let report: Uint8Array | null = null;
  let timer: ReturnType<typeof sim.after> | undefined;
  let intervalTimer: ReturnType<typeof sim.after> | undefined;

  const finishSending = (): void => {
    intervalTimer?.cancel();
    const end = sim.now;
    if (o.interval !== undefined && intervalStart < end && end - intervalStart >= o.interval / 2) {
      ctx.out(
        `${iperfId(1)} ${iperfTransfer(seconds(intervalStart - start), seconds(end - start), intervalBytes)}`,
      );
    }
    ctx.out(`${iperfId(1)} ${iperfTransfer(0, seconds(end - start), bytes)}`);
    let tries = 0;
    const fin = new Uint8Array(o.length);
    writeHeader(fin, -sent, Math.floor(end / MICROSECOND));
    socket.onMessage = (m) => {
      if (report || m.from !== dst || m.port !== port || m.data.length < REPORT_LENGTH) return;
      report = m.data;
      printReport(report);
    };
    const tryFin = (): void => {
      if (stopped || report) return;
      if (tries === FIN_TRIES) {
        ctx.out(`${iperfId(1)} Sent ${sent + 1} datagrams`);
        ctx.out(`${iperfId(1)} WARNING: did not receive ack of last datagram after ${FIN_TRIES} tries.`);
        close(0);
        return;
      }
      tries++;
      socket.sendTo(fin, dst, port);
      timer = sim.after(FIN_WAIT, tryFin);
    };
    tryFin();
  };

  const printReport = (r: Uint8Array): void => {
    const v = new DataView(r.buffer, r.byteOffset, r.length);
    const total = v.getUint32(20) * 2 ** 32 + v.getUint32(24);
    const durationS = v.getInt32(28) + v.getInt32(32) / 1e6;
    const lost = v.getInt32(36);
    const datagrams = v.getInt32(44);
    const jitterMs = (v.getInt32(48) * 1e6 + v.getInt32(52)) / 1000;
    ctx.out(`${iperfId(1)} Sent ${sent + 1} datagrams`);
    ctx.out(`${iperfId(1)} Server Report:`);
    ctx.out(IPERF_UDP_SERVER_HEADER);
    ctx.out(iperfUdpServerLine(1, 0, durationS, total, jitterMs, lost, datagrams));
    const outOfOrder = v.getInt32(40);
    if (outOfOrder > 0) ctx.out(iperfOutOfOrderLine(1, 0, durationS, outOfOrder));
    close(0);
  };

  const close = (status: number): void => {
    if (stopped) return;
    stopped = true;
    timer?.cancel();
    intervalTimer?.cancel();
    socket.close();
    done.resolve(status);
  };

  const send = (): void => {
    if (stopped) return;
    const due = start + sent * ipg;
    if (due - start >= o.duration) {
      finishSending();
      return;
    }
    writeHeader(payload, sent, Math.floor(sim.now / MICROSECOND));
    socket.sendTo(payload, dst, port);
    sent++;
    bytes += o.length;
    intervalBytes += o.length;
    const next = start + Math.round(sent * ipg);
    timer = sim.at(Math.min(next, start + o.duration), send);
  };
  if (o.interval !== undefined) {
    const every = o.interval;
    const tick = (): void => {
      ctx.out(
        `${iperfId(1)} ${iperfTransfer(seconds(intervalStart - start), seconds(sim.now - start), intervalBytes)}`,
      );
      intervalStart = sim.now;
      intervalBytes = 0;
      if (sim.now + every <= start + o.duration) intervalTimer = sim.after(every, tick);
    };
    intervalTimer = sim.after(every, tick);
  }
  ctx.onInterrupt(() => close(0));
  send();
  return done.promise;
}

function intervalLine(r: IperfInterval): string {
  return `${iperfId(r.id)} ${iperfTransfer(seconds(r.from), seconds(r.to), r.bytes)}`;
}

function tcpServer(ctx: CommandContext, port: number, interval: Time | undefined): Promise<number> {
  const tcp = ctx.node?.service(TCP);
  if (!tcp) {
    ctx.err('iperf: this node has no TCP');
    return Promise.resolve(1);
  }
  let server: IperfTcpServer;
  try {
    server = new IperfTcpServer(tcp, {
      port,
      interval,
      onConnection: (id, s) => {
        ctx.out(iperfConnectedLine(id, s.local.address, s.local.port, s.remote.address, s.remote.port));
        ctx.out(IPERF_HEADER);
      },
      onInterval: (r) => ctx.out(intervalLine(r)),
      onDone: (r) => ctx.out(intervalLine(r)),
    });
  } catch {
    ctx.err('bind failed: Address already in use');
    return Promise.resolve(1);
  }
  ctx.out(IPERF_RULE);
  ctx.out(`Server listening on TCP port ${port}`);
  ctx.out(`TCP window size: ${iperfBytes(tcp.defaults.receiveBuffer)} (default)`);
  ctx.out(IPERF_RULE);
  const done = ctx.sim.deferred<number>();
  ctx.onInterrupt(() => {
    server.close();
    done.resolve(0);
  });
  return done.promise;
}

interface TcpClientOptions {
  readonly duration: Time;
  readonly interval: Time | undefined;
  readonly length: number;
}

async function tcpClient(
  ctx: CommandContext,
  host: string,
  port: number,
  o: TcpClientOptions,
): Promise<number> {
  const tcp = ctx.node?.service(TCP);
  if (!tcp) {
    ctx.err('iperf: this node has no TCP');
    return 1;
  }
  const resolved = await resolveHost(ctx, host);
  if ('error' in resolved) {
    ctx.err(`ERROR: failed to find host ${host}: ${resolved.error}`);
    return 1;
  }
  ctx.out(IPERF_RULE);
  ctx.out(`Client connecting to ${host}, TCP port ${port}`);
  ctx.out(`TCP window size: ${iperfBytes(tcp.defaults.sendBuffer)} (default)`);
  ctx.out(IPERF_RULE);
  let stop: (() => void) | undefined;
  const run = iperfTcpClient(tcp, {
    address: resolved.address,
    port,
    duration: o.duration,
    interval: o.interval,
    length: o.length,
    onConnected: (s) => {
      ctx.out(iperfConnectedLine(1, s.local.address, s.local.port, s.remote.address, s.remote.port));
      ctx.out(IPERF_HEADER);
      stop = () => s.abort();
    },
    onInterval: (r) => ctx.out(intervalLine(r)),
  });
  ctx.onInterrupt(() => stop?.());
  try {
    const r = await run;
    if (r.error && r.bytes === 0) {
      ctx.err(`connect failed: ${CONNECT_ERRORS[r.error] ?? r.error}`);
      return 1;
    }
    ctx.out(intervalLine(r));
    return 0;
  } catch (e) {
    const code = (e as { code?: string }).code ?? '';
    ctx.err(`connect failed: ${CONNECT_ERRORS[code] ?? String(e)}`);
    return 1;
  }
}

const CONNECT_ERRORS: Readonly<Record<string, string>> = {
  'connection-refused': 'Connection refused',
  'timed-out': 'Connection timed out',
  unreachable: 'No route to host',
  'connection-reset': 'Connection reset by peer',
};
