/**
 * `netlab run FILE`: runs a scenario and prints the timeline of what its commands print,
 * optionally writing a pcap of every frame on every link (`--pcap`), the files commands
 * wrote (`tcpdump -w`, `capture`) into `--out DIR`, and JSON lines instead of text.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { concatBytes } from '../bytes/concat.ts';
import { ScenarioRun } from '../lab/run/scenario-run.ts';
import { jsonLine, timelineLine } from '../lab/run/timeline.ts';
import type { ScenarioSpec } from '../lab/scenario/spec.ts';
import { PcapWriter } from '../tools/capture/pcap-writer.ts';
import { traceLine } from '../tools/format/trace-line.ts';
import { savedPath } from '../tools/shell/lab-files.ts';

export interface RunCliOptions {
  readonly seed?: number;
  readonly pcap?: string;
  /** Capture only at this node (`NODE` or `NODE:IFACE`), both directions, as tcpdump -w would. */
  readonly pcapAt?: string;
  readonly json?: boolean;
  readonly trace?: readonly string[];
  readonly out?: string;
  readonly quiet?: boolean;
  readonly write: (line: string) => void;
}

export async function runScenarioCli(spec: ScenarioSpec, o: RunCliOptions): Promise<number> {
  const width = Math.max(3, ...spec.nodes.map((n) => n.name.length));
  const run = new ScenarioRun(spec, {
    seed: o.seed,
    onOutput: o.quiet ? undefined : (line) => o.write(o.json ? jsonLine(line) : timelineLine(line, width)),
  });
  const sim = run.sim;
  const chunks: Uint8Array[] = [];
  const pcap = o.pcap === undefined ? undefined : new PcapWriter((c) => chunks.push(c));
  if (pcap && o.pcapAt === undefined) {
    // Every frame on every link, each once per link it crosses (as a tap on each cable).
    sim.trace.on('link.tx', (e) => pcap.write(e.time, e.frame));
  } else if (pcap && o.pcapAt !== undefined) {
    const [node, iface] = o.pcapAt.split(':');
    const at = (e: { node: string; iface: string; time: number; frame: Uint8Array }) => {
      if (e.node === node && (iface === undefined || e.iface === iface)) pcap.write(e.time, e.frame);
    };
    sim.trace.on('link.tx', at);
    sim.trace.on('link.rx', at);
  }
  if (o.trace) {
    const wanted = new Set(o.trace);
    sim.trace.onAny((e) => {
      if (e.type === 'link.tx' || e.type === 'link.rx') {
        if (!wanted.has(e.type) && !wanted.has('link.frames')) return;
      } else if (!wanted.has('all') && !wanted.has(e.type) && !wanted.has(e.type.split('.')[0]!)) {
        return;
      }
      o.write(o.json ? JSON.stringify({ trace: e.type, t: e.time, ...summarise(e) }) : traceLine(e, width));
    });
  }
  if (!o.quiet && !o.json) {
    o.write(
      `# ${spec.name}: ${spec.nodes.length} nodes, ${spec.links.length} links, seed ${run.spec.seed}, ${spec.duration / 1e9} s`,
    );
  }
  const result = await run.run();
  if (o.pcap !== undefined) {
    writeFileSync(o.pcap, concatBytes(chunks));
    if (!o.json) o.write(`# wrote ${o.pcap} (${pcap!.records} frames)`);
  }
  if (result.files.size > 0) {
    const dir = o.out ?? '.';
    mkdirSync(dir, { recursive: true });
    for (const [name, bytes] of result.files) {
      const path = savedPath(name);
      if (path === undefined) {
        if (!o.json) o.write(`# not written: ${name} (outside the output folder ${dir})`);
        continue;
      }
      const target = join(dir, path);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, bytes);
      if (!o.json) o.write(`# wrote ${target} (${bytes.length} bytes)`);
    }
  }
  return 0;
}

/** JSON-friendly view of a trace event: frames become their length. */
function summarise(e: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e)) {
    if (k === 'type' || k === 'time') continue;
    out[k] = v instanceof Uint8Array ? { bytes: v.length } : v;
  }
  return out;
}
