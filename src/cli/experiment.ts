/**
 * `netlab experiment NAME [options]`: runs an experiment of src/lab/experiments, prints
 * its table and writes its data for a chart.
 *
 *   netlab experiment http-versions [--rtt 1,10,50,100,300] [--resources 20] [--size 10000]
 *                                   [--rate 50Mbps] [--versions http1.0,http1.1,...]
 *                                   [--seed N] [--csv FILE] [--json FILE]
 *
 * RTTs are milliseconds, or durations with a unit (`500us`, `0.3s`). Exit status 0, or 2
 * for a usage error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BrowserProtocol } from '../application/browser/resource-timing.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import {
  formatHttpVersionsTable,
  HTTP_VERSIONS,
  httpVersionsCsv,
  httpVersionsJson,
  runHttpVersions,
} from '../lab/experiments/http-versions.ts';
import { parseRate } from '../lab/units.ts';
import { MILLISECOND, parseDuration, type Time } from '../sim/time.ts';

export const EXPERIMENTS_USAGE = `usage: netlab experiment <name> [options]

experiments:
  http-versions   page-load time over HTTP/1.0, 1.1 keep-alive, 1.1 pipelining and HTTP/2 as RTT grows
      --rtt LIST          round-trip times, ms or with a unit (default 1,10,50,100,300)
      --resources N       subresources on the page (default 20)
      --size BYTES        bytes of each subresource (default 10000)
      --rate RATE         link rate (default 50Mbps)
      --versions LIST     among ${HTTP_VERSIONS.join(',')} (default all)
      --seed N            seed of the simulation (default 1)
      --csv FILE          write the table as CSV
      --json FILE         write every run as JSON`;

export interface ExperimentIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

function parseRtts(text: string): Time[] | string {
  const out: Time[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const t = /^\d+(\.\d+)?$/.test(p) ? Math.round(Number(p) * MILLISECOND) : parseDuration(p);
    if (t === undefined) return `not a round-trip time: '${p}'`;
    out.push(t);
  }
  return out.length > 0 ? out : 'no round-trip time given';
}

function integer(text: string | undefined, name: string): number | string | undefined {
  if (text === undefined) return undefined;
  return /^\d+$/.test(text) ? Number(text) : `--${name} must be a whole number, got '${text}'`;
}

export async function runExperimentCli(args: readonly string[], io: ExperimentIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(EXPERIMENTS_USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name !== 'http-versions') {
    io.err(`netlab experiment: unknown experiment '${name}'`);
    io.err(EXPERIMENTS_USAGE);
    return 2;
  }
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: [...rest],
      allowPositionals: false,
      options: {
        rtt: { type: 'string' },
        resources: { type: 'string' },
        size: { type: 'string' },
        rate: { type: 'string' },
        versions: { type: 'string' },
        seed: { type: 'string' },
        csv: { type: 'string' },
        json: { type: 'string' },
      },
    }).values;
  } catch (e) {
    io.err(`netlab experiment http-versions: ${(e as Error).message}`);
    return 2;
  }
  const fail = (message: string) => {
    io.err(`netlab experiment http-versions: ${message}`);
    return 2;
  };
  const rtts = values.rtt === undefined ? undefined : parseRtts(values.rtt);
  if (typeof rtts === 'string') return fail(rtts);
  const resources = integer(values.resources, 'resources');
  if (typeof resources === 'string') return fail(resources);
  const size = integer(values.size, 'size');
  if (typeof size === 'string') return fail(size);
  const seed = integer(values.seed, 'seed');
  if (typeof seed === 'string') return fail(seed);
  const rate = values.rate === undefined ? undefined : parseRate(values.rate);
  if (values.rate !== undefined && rate === undefined) return fail(`not a rate: '${values.rate}'`);
  let versions: BrowserProtocol[] | undefined;
  if (values.versions !== undefined) {
    versions = values.versions.split(',').map((v) => v.trim()) as BrowserProtocol[];
    const bad = versions.find((v) => !HTTP_VERSIONS.includes(v));
    if (bad !== undefined) return fail(`unknown version '${bad}' (versions: ${HTTP_VERSIONS.join(', ')})`);
  }
  let result: Awaited<ReturnType<typeof runHttpVersions>>;
  try {
    result = await runHttpVersions({ rtts, resources, size, rate, versions, seed });
  } catch (e) {
    if (e instanceof NetlabError && e.code === 'experiment-bad-option') return fail(e.message);
    throw e;
  }
  for (const line of formatHttpVersionsTable(result)) io.out(line);
  if (values.csv !== undefined) {
    writeFileSync(values.csv, httpVersionsCsv(result));
    io.out(`wrote ${values.csv}`);
  }
  if (values.json !== undefined) {
    writeFileSync(values.json, `${JSON.stringify(httpVersionsJson(result), null, 2)}\n`);
    io.out(`wrote ${values.json}`);
  }
  return 0;
}
