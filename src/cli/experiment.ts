/**
 * `netlab experiment NAME [options]`: runs an experiment of src/lab/experiments, prints
 * its table and writes its data for a chart (`--csv FILE`, `--json FILE`).
 *
 *   netlab experiment http-versions [--rtt LIST] [--loss LIST] [--seeds N] [--resources N]
 *                                   [--size BYTES] [--rate RATE] [--versions LIST] [--seed N]
 *   netlab experiment hol-blocking  [--rtt T] [--resources N] [--size BYTES] [--rate RATE]
 *                                   [--slow T] [--drop N] [--seed N]
 *   netlab experiment header-bytes  [--images N] [--no-cookies] [--variants LIST]
 *   netlab experiment push          [--rtt LIST] [--css BYTES] [--js BYTES] [--rate RATE] [--seed N]
 *   netlab experiment workarounds   [--rtt LIST] [--images N] [--size BYTES] [--rate RATE] [--seed N]
 *
 * Times are milliseconds, or durations with a unit (`500us`, `0.3s`); loss rates are
 * percent (`0.5` or `0.5%`). Exit status 0, or 2 for a usage error.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BrowserProtocol } from '../application/browser/resource-timing.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import {
  formatHeaderBytesTable,
  HEADER_VARIANTS,
  type HeaderVariant,
  headerBytesCsv,
  headerBytesJson,
  runHeaderBytes,
} from '../lab/experiments/header-bytes.ts';
import {
  formatHolBlockingTable,
  holBlockingCsv,
  holBlockingJson,
  runHolBlocking,
} from '../lab/experiments/hol-blocking.ts';
import {
  formatHttpVersionsTable,
  HTTP_VERSIONS,
  httpVersionsCsv,
  httpVersionsJson,
  runHttpVersions,
} from '../lab/experiments/http-versions.ts';
import {
  formatHttp1WorkaroundsTable,
  http1WorkaroundsCsv,
  http1WorkaroundsJson,
  runHttp1Workarounds,
} from '../lab/experiments/http1-workarounds.ts';
import {
  formatServerPushTable,
  runServerPush,
  serverPushCsv,
  serverPushJson,
} from '../lab/experiments/server-push.ts';
import { parseRate } from '../lab/units.ts';
import { MILLISECOND, parseDuration, type Time } from '../sim/time.ts';
import { formatIoModelsTable, ioModelsCsv, ioModelsJson, runIoModels } from '../lab/experiments/io-models.ts';

export const EXPERIMENTS_USAGE = `usage: netlab experiment <name> [options]

experiments:
  http-versions   page-load time over HTTP/1.0, 1.1 keep-alive, 1.1 pipelining and HTTP/2
                  as RTT grows, and as the loss rate grows
      --rtt LIST          round-trip times, ms or with a unit (default 1,10,50,100,300; with --loss, 100)
      --loss LIST         loss rates in percent on the router-server link, e.g. 0,0.5,1,2,5 (default none)
      --seeds N           runs per cell with loss, seeds S..S+N-1; the median run is shown (default 5)
      --resources N       subresources on the page (default 20)
      --size BYTES        bytes of each subresource (default 10000)
      --rate RATE         link rate (default 50Mbps)
      --versions LIST     among ${HTTP_VERSIONS.join(',')} (default all)
      --seed N            first seed S of the simulation (default 1)

  hol-blocking    head-of-line blocking: a slow first image on 1.1 pipelining, keep-alive
                  and HTTP/2; then one lost TCP segment on each
      --rtt T             round-trip time (default 50)
      --resources N       images on the page (default 10)
      --size BYTES        bytes of each image (default 10000)
      --rate RATE         link rate (default 50Mbps)
      --slow T            how late the server answers the first image (default 500)
      --drop N            which large segment from the server is lost in part 2; 0 skips it (default 3)
      --seed N            seed of the simulation (default 1)

  header-bytes    request header bytes of one page: HTTP/1.1 vs HTTP/2 (HPACK) with and
                  without Huffman coding and the dynamic table, request by request
      --images N          images on the page besides its CSS and JS (default 8)
      --no-cookies        send no cookies (default: 300 bytes of them)
      --variants LIST     among ${HEADER_VARIANTS.join(',')} (default all)

  push            HTTP/2 server push on and off for a page with a stylesheet and a script:
                  when the CSS arrives and the page-load time
      --rtt LIST          round-trip times (default 10,50,100)
      --css BYTES         bytes of the stylesheet (default 15000)
      --js BYTES          bytes of the script (default 40000)
      --rate RATE         link rate (default 50Mbps)
      --seed N            seed of the simulation (default 1)

  workarounds     HTTP/1.x's image sprites and base64 inlining beside separate images, over
                  HTTP/1.0, keep-alive and HTTP/2: page-load time and the bytes sent
      --rtt LIST          round-trip times (default 10,50,100)
      --images N          images on the page, 1..500 (default 24)
      --size BYTES        bytes of each image (default 2000)
      --rate RATE         link rate (default 50Mbps)
      --seed N            seed of the simulation (default 1)

  io-models       blocking (one thread; a thread per client), non-blocking polling and
                  event-driven servers under the same load from N clients
      --clients LIST      client counts (default 1,10,50,100)
      --requests N        requests per client (default 10)
      --think T           think time between a client's requests (default 10)
      --service T         CPU time per request on the server (default 0.1)
      --seed N            seed of the simulation (default 1)

every experiment:
      --csv FILE          write the figures as CSV
      --json FILE         write every run as JSON`;

export interface ExperimentIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

type Values = Record<string, string | boolean | undefined>;

/** What an experiment run gives the CLI to print and write. */
interface Output {
  readonly table: readonly string[];
  readonly csv: string;
  readonly json: unknown;
}

interface ExperimentCommand {
  readonly options: Record<string, { type: 'string' | 'boolean' }>;
  /** Runs it; a bad option throws a UsageError or NetlabError('experiment-bad-option'). */
  run(values: Values): Promise<Output>;
}

/** A usage problem found while reading options: becomes exit status 2. */
class UsageError extends Error {}

function parseTimes(text: string, what: string): Time[] {
  const out: Time[] = [];
  for (const part of text.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const t = /^\d+(\.\d+)?$/.test(p) ? Math.round(Number(p) * MILLISECOND) : parseDuration(p);
    if (t === undefined) throw new UsageError(`not a ${what}: '${p}'`);
    out.push(t);
  }
  if (out.length === 0) throw new UsageError(`no ${what} given`);
  return out;
}

function oneTime(v: string | boolean | undefined, what: string): Time | undefined {
  if (typeof v !== 'string') return undefined;
  const times = parseTimes(v, what);
  if (times.length !== 1) throw new UsageError(`give one ${what}, not a list: '${v}'`);
  return times[0];
}

function timeList(v: string | boolean | undefined, what: string): Time[] | undefined {
  return typeof v === 'string' ? parseTimes(v, what) : undefined;
}

/** Percentages `0,0.5,1%` as probabilities. */
function lossList(v: string | boolean | undefined): number[] | undefined {
  if (typeof v !== 'string') return undefined;
  const out: number[] = [];
  for (const part of v.split(',')) {
    const p = part.trim();
    if (p === '') continue;
    const m = /^(\d+(?:\.\d+)?)%?$/.exec(p);
    if (!m) throw new UsageError(`not a loss rate in percent: '${p}'`);
    out.push(Number(m[1]) / 100);
  }
  if (out.length === 0) throw new UsageError('no loss rate given');
  return out;
}

function integer(v: string | boolean | undefined, name: string): number | undefined {
  if (typeof v !== 'string') return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} must be a whole number, got '${v}'`);
  return Number(v);
}

function rate(v: string | boolean | undefined): number | undefined {
  if (typeof v !== 'string') return undefined;
  const r = parseRate(v);
  if (r === undefined) throw new UsageError(`not a rate: '${v}'`);
  return r;
}

function choices<T extends string>(
  v: string | boolean | undefined,
  allowed: readonly T[],
  what: string,
): T[] | undefined {
  if (typeof v !== 'string') return undefined;
  const list = v.split(',').map((x) => x.trim()) as T[];
  const bad = list.find((x) => !allowed.includes(x));
  if (bad !== undefined) throw new UsageError(`unknown ${what} '${bad}' (${what}s: ${allowed.join(', ')})`);
  return list;
}

const str = { type: 'string' } as const;

const COMMANDS: Readonly<Record<string, ExperimentCommand>> = {
  'http-versions': {
    options: {
      rtt: str,
      loss: str,
      seeds: str,
      resources: str,
      size: str,
      rate: str,
      versions: str,
      seed: str,
    },
    async run(v) {
      const result = await runHttpVersions({
        rtts: timeList(v.rtt, 'round-trip time'),
        losses: lossList(v.loss),
        seeds: integer(v.seeds, 'seeds'),
        resources: integer(v.resources, 'resources'),
        size: integer(v.size, 'size'),
        rate: rate(v.rate),
        versions: choices<BrowserProtocol>(v.versions, HTTP_VERSIONS, 'version'),
        seed: integer(v.seed, 'seed'),
      });
      return {
        table: formatHttpVersionsTable(result),
        csv: httpVersionsCsv(result),
        json: httpVersionsJson(result),
      };
    },
  },
  'hol-blocking': {
    options: { rtt: str, resources: str, size: str, rate: str, slow: str, drop: str, seed: str },
    async run(v) {
      const result = await runHolBlocking({
        rtt: oneTime(v.rtt, 'round-trip time'),
        resources: integer(v.resources, 'resources'),
        size: integer(v.size, 'size'),
        rate: rate(v.rate),
        slow: oneTime(v.slow, 'delay'),
        drop: integer(v.drop, 'drop'),
        seed: integer(v.seed, 'seed'),
      });
      return {
        table: formatHolBlockingTable(result),
        csv: holBlockingCsv(result),
        json: holBlockingJson(result),
      };
    },
  },
  'header-bytes': {
    options: { images: str, 'no-cookies': { type: 'boolean' }, variants: str },
    async run(v) {
      const result = await runHeaderBytes({
        images: integer(v.images, 'images'),
        cookies: v['no-cookies'] !== true,
        variants: choices<HeaderVariant>(v.variants, HEADER_VARIANTS, 'variant'),
      });
      return {
        table: formatHeaderBytesTable(result),
        csv: headerBytesCsv(result),
        json: headerBytesJson(result),
      };
    },
  },
  'io-models': {
    options: { clients: str, requests: str, think: str, service: str, seed: str },
    async run(v) {
      const clients =
        typeof v.clients === 'string'
          ? v.clients.split(',').map((c) => integer(c.trim(), 'clients')!)
          : undefined;
      const result = await runIoModels({
        clients,
        requests: integer(v.requests, 'requests'),
        thinkTime: oneTime(v.think, 'think time'),
        serviceTime: oneTime(v.service, 'service time'),
        seed: integer(v.seed, 'seed'),
      });
      return { table: formatIoModelsTable(result), csv: ioModelsCsv(result), json: ioModelsJson(result) };
    },
  },
  push: {
    options: { rtt: str, css: str, js: str, rate: str, seed: str },
    async run(v) {
      const result = await runServerPush({
        rtts: timeList(v.rtt, 'round-trip time'),
        cssSize: integer(v.css, 'css'),
        jsSize: integer(v.js, 'js'),
        rate: rate(v.rate),
        seed: integer(v.seed, 'seed'),
      });
      return {
        table: formatServerPushTable(result),
        csv: serverPushCsv(result),
        json: serverPushJson(result),
      };
    },
  },
  workarounds: {
    options: { rtt: str, images: str, size: str, rate: str, seed: str },
    async run(v) {
      const result = await runHttp1Workarounds({
        rtts: timeList(v.rtt, 'round-trip time'),
        images: integer(v.images, 'images'),
        size: integer(v.size, 'size'),
        rate: rate(v.rate),
        seed: integer(v.seed, 'seed'),
      });
      return {
        table: formatHttp1WorkaroundsTable(result),
        csv: http1WorkaroundsCsv(result),
        json: http1WorkaroundsJson(result),
      };
    },
  },
};

/** The experiments' names, in the order the usage lists them. */
export const EXPERIMENT_NAMES: readonly string[] = Object.keys(COMMANDS);

export async function runExperimentCli(args: readonly string[], io: ExperimentIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(EXPERIMENTS_USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    io.err(`netlab experiment: unknown experiment '${name}'`);
    io.err(EXPERIMENTS_USAGE);
    return 2;
  }
  const fail = (message: string) => {
    io.err(`netlab experiment ${name}: ${message}`);
    return 2;
  };
  let values: Values;
  try {
    values = parseArgs({
      args: [...rest],
      allowPositionals: false,
      options: { ...command.options, csv: str, json: str },
    }).values;
  } catch (e) {
    return fail((e as Error).message);
  }
  let output: Output;
  try {
    output = await command.run(values);
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message);
    if (e instanceof NetlabError && e.code === 'experiment-bad-option') return fail(e.message);
    throw e;
  }
  for (const line of output.table) io.out(line);
  if (typeof values.csv === 'string') {
    writeFileSync(values.csv, output.csv);
    io.out(`wrote ${values.csv}`);
  }
  if (typeof values.json === 'string') {
    writeFileSync(values.json, `${JSON.stringify(output.json, null, 2)}\n`);
    io.out(`wrote ${values.json}`);
  }
  return 0;
}
