/**
 * `tcpdump`: watch what one interface sends and hears, a line per frame, or save it to a
 * pcap file (`-w`) that Wireshark opens.
 *
 *   tcpdump [-i IFACE] [-n] [-e] [-v] [-p] [-c COUNT] [-w FILE] [EXPRESSION]
 *
 * Like the real tool it puts the interface in promiscuous mode (unless -p), so on a hub
 * or a bus it shows frames addressed to other stations — and on a switch port it does
 * not, because the switch never sends them there. It prints its banner and, when it
 * stops (Ctrl-C, `-c` reached, or the end of the run), the packet counts on stderr.
 * `capture IFACE` is shorthand for `tcpdump -i IFACE -w NODE-IFACE.pcap`.
 *
 * Frames are seen when the NIC starts sending them and when they arrive, before the MAC
 * filter. Left out: -s snaplen (everything is kept), -A/-X payload dumps, -r.
 */
import { keepLabFile } from '../shell/lab-files.ts';
import { concatBytes } from '../../bytes/concat.ts';
import type { NetDevice } from '../../link/net-device.ts';
import type { Node } from '../../link/node.ts';
import { PcapWriter } from '../capture/pcap-writer.ts';
import { compileCaptureFilter } from '../capture/filter.ts';
import { dissect } from '../dissect/index.ts';
import { TcpdumpPrinter } from '../format/tcpdump.ts';
import type { Command, CommandContext } from '../shell/command.ts';
import { integerValue, stringValue } from '../shell/option-values.ts';
import { parseOptions } from '../shell/options.ts';

const SPEC = {
  program: 'tcpdump',
  options: {
    iface: { short: 'i', value: stringValue() },
    numeric: { short: 'n' },
    ethernet: { short: 'e' },
    verbose: { short: 'v', multiple: true },
    noPromiscuous: { short: 'p' },
    count: { short: 'c', value: integerValue({ label: 'invalid packet count', min: 1 }) },
    write: { short: 'w', value: stringValue() },
    quiet: { short: 'q' },
  },
} as const;

export interface CaptureRequest {
  readonly device: NetDevice;
  readonly numeric?: boolean;
  readonly ethernet?: boolean;
  readonly verbose?: boolean;
  readonly promiscuous: boolean;
  readonly count?: number;
  readonly file?: string;
  readonly filter: readonly string[];
}

export const tcpdump: Command = {
  name: 'tcpdump',
  summary: 'dump traffic on a network interface',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 1;
    }
    const o = parsed.options;
    const device = pickDevice(ctx.node!, o.iface, ctx);
    if (!device) return 1;
    return runCapture(ctx, {
      device,
      numeric: o.numeric,
      ethernet: o.ethernet,
      verbose: (o.verbose ?? 0) > 0,
      promiscuous: !o.noPromiscuous,
      count: o.count,
      file: o.write,
      filter: parsed.positionals,
    });
  },
};

export const capture: Command = {
  name: 'capture',
  summary: 'save everything an interface sends and hears to NODE-IFACE.pcap',
  scope: 'node',
  async run(argv, ctx) {
    if (argv.length > 1) {
      ctx.err('usage: capture [IFACE]');
      return 2;
    }
    const device = pickDevice(ctx.node!, argv[0], ctx);
    if (!device) return 1;
    return runCapture(ctx, {
      device,
      promiscuous: true,
      file: `${ctx.node!.name}-${device.name}.pcap`,
      filter: [],
    });
  },
};

function pickDevice(node: Node, name: string | undefined, ctx: CommandContext): NetDevice | undefined {
  if (name === undefined) {
    const first = node.devices[0];
    if (!first) ctx.err('tcpdump: no suitable device found');
    return first;
  }
  const d = node.devices.find((x) => x.name === name);
  if (!d) ctx.err(`tcpdump: ${name}: No such device exists`);
  return d;
}

function runCapture(ctx: CommandContext, req: CaptureRequest): Promise<number> {
  const sim = ctx.sim;
  const filter = compileCaptureFilter(req.filter, (n) => ctx.network.hostAddress(n));
  if ('error' in filter) {
    ctx.err(`tcpdump: ${filter.error}`);
    return Promise.resolve(1);
  }
  const dev = req.device;
  const node = dev.node.name;
  if (req.file === undefined) {
    ctx.err('tcpdump: verbose output suppressed, use -v[v]... for full protocol decode');
  }
  ctx.err(
    `${req.file === undefined ? 'listening' : 'tcpdump: listening'} on ${dev.name}, link-type EN10MB (Ethernet), snapshot length 262144 bytes`,
  );
  const printer = new TcpdumpPrinter({
    numeric: req.numeric,
    ethernet: req.ethernet,
    verbose: req.verbose,
    hostName: (a) => ctx.network.hostName(a),
  });
  const chunks: Uint8Array[] = [];
  const writer = req.file === undefined ? undefined : new PcapWriter((c) => chunks.push(c));
  let received = 0;
  let captured = 0;
  const done = sim.deferred<number>();
  if (req.promiscuous) dev.setPromiscuous(true);

  const onFrame = (e: { node: string; iface: string; frame: Uint8Array }): void => {
    if (e.node !== node || e.iface !== dev.name) return;
    received++;
    const d = dissect(e.frame);
    if (!filter(e.frame, d)) return;
    captured++;
    if (writer) writer.write(sim.now, e.frame);
    else ctx.out(printer.line(sim.now, e.frame, d));
    if (req.count !== undefined && captured >= req.count) stop();
  };
  const offTx = sim.trace.on('link.tx', onFrame);
  const offRx = sim.trace.on('link.rx', onFrame);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    offTx();
    offRx();
    if (req.promiscuous) dev.setPromiscuous(false);
    if (writer && req.file !== undefined) keepLabFile(ctx.files, req.file, concatBytes(chunks));
    ctx.err(`${captured} packet${captured === 1 ? '' : 's'} captured`);
    ctx.err(`${received} packet${received === 1 ? '' : 's'} received by filter`);
    ctx.err('0 packets dropped by kernel');
    done.resolve(0);
  };
  ctx.onInterrupt(stop);
  return done.promise;
}
