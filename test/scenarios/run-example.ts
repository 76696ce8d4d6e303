/**
 * Runs an example scenario and picks apart what its commands printed, so tests can check
 * the claims each example's description makes (with numbers, not just "it ran").
 */
import { readFileSync } from 'node:fs';
import { ScenarioRun, type RunResult } from '../../src/lab/run/scenario-run.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import type { ScenarioSpec } from '../../src/lab/scenario/spec.ts';
import type { TraceEvent, TraceType } from '../../src/sim/trace.ts';
import type { OutputLine } from '../../src/tools/shell/shell.ts';

export interface ExampleRun {
  readonly spec: ScenarioSpec;
  /** Trace events of the types asked for, in order. */
  readonly events: readonly TraceEvent[];
  readonly result: RunResult;
  readonly run: ScenarioRun;
  /** Lines printed by commands started by the step whose command line starts with `prefix` on `node`. */
  linesOf(node: string, prefix: string, nth?: number): OutputLine[];
}

export function exampleSpec(name: string): ScenarioSpec {
  const text = readFileSync(new URL(`../../examples/${name}.yaml`, import.meta.url), 'utf8');
  return parseScenario(text, `${name}.yaml`).spec;
}

export async function runExample(
  name: string,
  options: { seed?: number; trace?: readonly TraceType[] } = {},
): Promise<ExampleRun> {
  const spec = exampleSpec(name);
  const run = new ScenarioRun(spec, { seed: options.seed });
  const events: TraceEvent[] = [];
  const wanted = new Set<string>(options.trace ?? []);
  if (wanted.size > 0) {
    run.sim.trace.onAny((e) => {
      if (!wanted.has(e.type)) return;
      // Frames are live buffers that routers rewrite: keep a copy.
      events.push(e.type === 'link.drop' ? { ...e, frame: e.frame.slice() } : e);
    });
  }
  const result = await run.run();
  return {
    spec,
    events,
    result,
    run,
    linesOf(node, prefix, nth = 0) {
      const steps = result.steps.filter((s) => s.step.node === node && s.step.run.startsWith(prefix));
      const step = steps[nth];
      if (!step) throw new Error(`no step '${prefix}' #${nth} on ${node}`);
      return result.output.filter((l) => l.job === step.job && l.stream !== 'cmd');
    },
  };
}

export interface PingReply {
  readonly seq: number;
  readonly ttl: number;
  readonly ms: number;
  readonly from: string;
  readonly time: number;
}

export function pingReplies(lines: readonly OutputLine[]): PingReply[] {
  const out: PingReply[] = [];
  for (const l of lines) {
    const m = /^\d+ bytes from (\S+?):? .*icmp_seq=(\d+) ttl=(\d+) time=([\d.]+) ms/.exec(l.text);
    if (m) out.push({ from: m[1]!, seq: Number(m[2]), ttl: Number(m[3]), ms: Number(m[4]), time: l.time });
  }
  return out;
}

export function pingErrors(lines: readonly OutputLine[]): { from: string; seq: number; message: string }[] {
  const out: { from: string; seq: number; message: string }[] = [];
  for (const l of lines) {
    const m = /^From (\S+) icmp_seq=(\d+) (.+)$/.exec(l.text);
    if (m) out.push({ from: m[1]!, seq: Number(m[2]), message: m[3]! });
  }
  return out;
}

export function pingSummary(lines: readonly OutputLine[]): {
  transmitted: number;
  received: number;
  errors: number;
} {
  for (const l of lines) {
    const m = /^(\d+) packets transmitted, (\d+) received(?:, \+(\d+) errors)?/.exec(l.text);
    if (m) return { transmitted: Number(m[1]), received: Number(m[2]), errors: Number(m[3] ?? 0) };
  }
  throw new Error('no ping summary');
}

export interface Hop {
  readonly ttl: number;
  readonly addresses: string[];
  readonly times: number[];
  readonly stars: number;
  readonly annotation?: string;
}

export function tracerouteHops(lines: readonly OutputLine[]): Hop[] {
  const out: Hop[] = [];
  for (const l of lines) {
    const m = /^ ?(\d+) (.*)$/.exec(l.text);
    if (!m || l.text.startsWith('traceroute')) continue;
    const rest = m[2]!;
    const addresses = [...rest.matchAll(/ (\d+\.\d+\.\d+\.\d+)(?= )/g)].map((x) => x[1]!);
    const times = [...rest.matchAll(/([\d.]+) ms/g)].map((x) => Number(x[1]));
    const stars = [...rest.matchAll(/\*/g)].length;
    const annotation = /(![A-Z]\S*)/.exec(rest)?.[1];
    out.push({ ttl: Number(m[1]), addresses: [...new Set(addresses)], times, stars, annotation });
  }
  return out;
}

/** iperf 2 transfer lines: bandwidth in Mbit/s and, for server lines, lost/total. */
export function iperfLines(
  lines: readonly OutputLine[],
): { from: number; to: number; mbps: number; lost?: number; total?: number }[] {
  const out: { from: number; to: number; mbps: number; lost?: number; total?: number }[] = [];
  for (const l of lines) {
    const m = /\] ([\d.]+)-([\d.]+) sec .*?([\d.]+) (K|M|G)?bits\/sec(?:\s+[\d.]+ ms (\d+)\/(\d+))?/.exec(
      l.text,
    );
    if (!m) continue;
    const scale = m[4] === 'G' ? 1000 : m[4] === 'M' ? 1 : m[4] === 'K' ? 0.001 : 1e-6;
    out.push({
      from: Number(m[1]),
      to: Number(m[2]),
      mbps: Number(m[3]) * scale,
      lost: m[5] === undefined ? undefined : Number(m[5]),
      total: m[6] === undefined ? undefined : Number(m[6]),
    });
  }
  return out;
}
