/**
 * Experiment: page-load time of one page with N subresources over HTTP/1.0, HTTP/1.1
 * keep-alive, HTTP/1.1 pipelining and HTTP/2, as the round-trip time grows and as the
 * loss rate grows. It puts numbers on the course's claims: HTTP/1.0 pays a TCP handshake
 * (an extra RTT) for every file, keep-alive removes it, pipelining removes the wait between
 * requests on a connection, and HTTP/2 multiplexes everything on one connection — which,
 * under loss, is also its weakness: every stream shares that connection's losses, its
 * in-order delivery (TCP-level head-of-line blocking) and its congestion window, so its
 * advantage shrinks or reverses against six HTTP/1.1 connections.
 *
 * The network (experiment-network.ts): client — router — server, both links `rate` bit/s
 * (default 50 Mbit/s) with a one-way delay of RTT/4 each; `loss` on the router–server link,
 * both directions. The site: `/index.html` referencing N images `/img/01.png`... of `size`
 * bytes (default 20 of 10,000). The browser is netlab's (6 connections per origin,
 * TCP_NODELAY, initial window 10 segments, NewReno); the server is netlab's HTTP/1.x and
 * HTTP/2 server on one port (h2c with prior knowledge).
 *
 * A figure is the browser's page-load time: from typing the URL to the last image's last
 * byte (the `load` event), in simulated time, so runs are identical on every machine.
 * Without loss nothing random touches the timing, and a cell is one run. With loss the seed
 * decides which frames are lost: a cell is `seeds` runs (seeds `seed`, `seed + 1`, ...)
 * and shows the median run (seed-stats.ts); the JSON has every run and the min and max.
 */
import type { PageLoad } from '../../application/browser/browser.ts';
import type { BrowserProtocol } from '../../application/browser/resource-timing.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { MILLISECOND, type Time } from '../../sim/time.ts';
import { loadPageOnce } from './browser-run.ts';
import { checkRate, checkRtts, checkSize } from './experiment-options.ts';
import { imagePage } from './pages.ts';
import { medianRun, seedList } from './seed-stats.ts';
import { ms, msLabel, percent, textTable } from './text-table.ts';

export const HTTP_VERSIONS: readonly BrowserProtocol[] = ['http1.0', 'http1.1', 'http1.1-pipelining', 'h2'];

/** Column titles. */
export const VERSION_TITLES: Readonly<Record<BrowserProtocol, string>> = {
  'http1.0': 'HTTP/1.0',
  'http1.1': 'keep-alive',
  'http1.1-pipelining': 'pipelining',
  h2: 'HTTP/2',
};

/** The page: an HTML document referencing `n` images (pages.ts). */
export const experimentSite = imagePage;

export interface HttpVersionsOptions {
  /** Round-trip times. Default 1, 10, 50, 100, 300 ms; with `losses`, 100 ms. */
  readonly rtts?: readonly Time[];
  /** Loss probabilities on the router–server link. Default [0]. */
  readonly losses?: readonly number[];
  /** Runs (seeds) per cell with loss. Default 5. */
  readonly seeds?: number;
  /** Subresources on the page. Default 20. */
  readonly resources?: number;
  /** Bytes of each subresource. Default 10,000. */
  readonly size?: number;
  /** Link rate, bit/s. Default 50 Mbit/s. */
  readonly rate?: number;
  /** Versions compared. Default all four. */
  readonly versions?: readonly BrowserProtocol[];
  /** The first seed. Default 1. */
  readonly seed?: number;
}

/** One page load. */
export interface HttpVersionsSample {
  readonly seed: number;
  /** Page-load time, ns. */
  readonly loadTime: Time;
  readonly connections: number;
  readonly resources: number;
  /** Resources that failed (network error or status >= 400). */
  readonly failed: number;
  /** Body bytes received. */
  readonly bytes: number;
}

/** One cell: a version at one RTT and loss rate; its figures are the median run's. */
export interface HttpVersionsRun extends Omit<HttpVersionsSample, 'seed'> {
  readonly version: BrowserProtocol;
  readonly rtt: Time;
  readonly loss: number;
  /** The median run's seed. */
  readonly seed: number;
  /** Fastest and slowest page load of the cell's runs. */
  readonly minLoadTime: Time;
  readonly maxLoadTime: Time;
  /** Every run, in seed order. */
  readonly samples: readonly HttpVersionsSample[];
}

export interface HttpVersionsResult {
  readonly parameters: {
    readonly rtts: readonly Time[];
    readonly losses: readonly number[];
    readonly seeds: number;
    readonly resources: number;
    readonly size: number;
    readonly rate: number;
    readonly versions: readonly BrowserProtocol[];
    readonly seed: number;
  };
  /** One row per (RTT, loss), RTT-major; one run per version, in the order asked. */
  readonly rows: readonly {
    readonly rtt: Time;
    readonly loss: number;
    readonly runs: readonly HttpVersionsRun[];
  }[];
}

const MAX_RESOURCES = 1000;
const MAX_SEEDS = 100;
const MAX_LOSS = 0.5;

function checkOptions(o: HttpVersionsOptions): HttpVersionsResult['parameters'] {
  const losses = o.losses ?? [0];
  const rtts = o.rtts ?? (o.losses ? [100 * MILLISECOND] : [1, 10, 50, 100, 300].map((x) => x * MILLISECOND));
  const seeds = o.seeds ?? 5;
  const resources = o.resources ?? 20;
  const size = o.size ?? 10_000;
  const rate = o.rate ?? 50e6;
  const versions = o.versions ?? HTTP_VERSIONS;
  const seed = o.seed ?? 1;
  checkRtts(rtts);
  if (losses.length === 0 || losses.some((p) => !(p >= 0 && p <= MAX_LOSS))) {
    throw new NetlabError(
      'experiment-bad-option',
      `every loss rate must be between 0 and ${percent(MAX_LOSS)}`,
    );
  }
  if (!(Number.isInteger(seeds) && seeds >= 1 && seeds <= MAX_SEEDS)) {
    throw new NetlabError('experiment-bad-option', `seeds must be an integer 1..${MAX_SEEDS}`);
  }
  if (!(Number.isInteger(resources) && resources >= 0 && resources <= MAX_RESOURCES)) {
    throw new NetlabError('experiment-bad-option', `resources must be an integer 0..${MAX_RESOURCES}`);
  }
  checkSize('size', size);
  checkRate(rate);
  if (versions.length === 0 || versions.some((v) => !HTTP_VERSIONS.includes(v))) {
    throw new NetlabError('experiment-bad-option', `versions must be among ${HTTP_VERSIONS.join(', ')}`);
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff - seeds)) {
    throw new NetlabError(
      'experiment-bad-option',
      'seed must be an integer 0..2^32-1 (with room for the seeds)',
    );
  }
  return { rtts, losses, seeds, resources, size, rate, versions, seed };
}

type RunParameters = Pick<HttpVersionsResult['parameters'], 'resources' | 'size' | 'rate'>;

/** Loads the page once with one version at one RTT, loss rate and seed. */
export async function runOnce(
  version: BrowserProtocol,
  rtt: Time,
  params: RunParameters & { readonly seed: number; readonly loss?: number },
): Promise<{ run: HttpVersionsSample; page: PageLoad }> {
  const { page } = await loadPageOnce({
    protocol: version,
    rtt,
    rate: params.rate,
    loss: params.loss ?? 0,
    seed: params.seed,
    site: imagePage(params.resources, params.size),
  });
  return {
    page,
    run: {
      seed: params.seed,
      loadTime: page.loadTime,
      connections: page.connections.length,
      resources: page.resources.length,
      failed: page.resources.filter((r) => r.error || (r.status ?? 0) >= 400).length,
      bytes: page.bytes,
    },
  };
}

/** One cell: one run without loss, `seeds` runs with it; the median run's figures. */
async function runCell(
  version: BrowserProtocol,
  rtt: Time,
  loss: number,
  p: HttpVersionsResult['parameters'],
): Promise<HttpVersionsRun> {
  const samples: HttpVersionsSample[] = [];
  for (const seed of loss === 0 ? [p.seed] : seedList(p.seed, p.seeds)) {
    samples.push((await runOnce(version, rtt, { ...p, seed, loss })).run);
  }
  const { median, min, max } = medianRun(samples, (s) => s.loadTime);
  return { version, rtt, loss, ...median, minLoadTime: min, maxLoadTime: max, samples };
}

/** Runs the whole grid: every RTT with every loss rate with every version. */
export async function runHttpVersions(options: HttpVersionsOptions = {}): Promise<HttpVersionsResult> {
  const parameters = checkOptions(options);
  const rows: { rtt: Time; loss: number; runs: HttpVersionsRun[] }[] = [];
  for (const rtt of parameters.rtts) {
    for (const loss of parameters.losses) {
      const runs: HttpVersionsRun[] = [];
      for (const version of parameters.versions) runs.push(await runCell(version, rtt, loss, parameters));
      rows.push({ rtt, loss, runs });
    }
  }
  return { parameters, rows };
}

/** Whether the grid has loss (and so a loss column and medians). */
function withLoss(p: HttpVersionsResult['parameters']): boolean {
  return p.losses.some((x) => x > 0);
}

/**
 * The table: rows RTT (and loss rate), columns versions, page-load time in ms. With loss,
 * each figure is the median of `seeds` runs, and a last column divides HTTP/2's time by
 * keep-alive's when both are shown: below 1 HTTP/2 is faster.
 */
export function formatHttpVersionsTable(result: HttpVersionsResult): string[] {
  const p = result.parameters;
  const titles = p.versions.map((v) => VERSION_TITLES[v]);
  const head = [
    `Page-load time (ms) of a page with ${p.resources} subresources of ${p.size} bytes,`,
    `client - router - server, ${p.rate / 1e6} Mbit/s links, 6 connections per origin`,
  ];
  if (!withLoss(p)) {
    const widths = titles.map((t) => Math.max(t.length, 10));
    const lines = [
      ...head,
      '',
      `${'RTT'.padStart(8)}  ${titles.map((t, i) => t.padStart(widths[i]!)).join('  ')}`,
    ];
    for (const row of result.rows) {
      const cells = row.runs.map((r, i) => ms(r.loadTime).padStart(widths[i]!));
      lines.push(`${msLabel(row.rtt).padStart(8)}  ${cells.join('  ')}`);
    }
    return lines;
  }
  const ratio = p.versions.includes('h2') && p.versions.includes('http1.1');
  const rows = result.rows.map((row) => {
    const cells = [msLabel(row.rtt), percent(row.loss), ...row.runs.map((r) => ms(r.loadTime))];
    if (ratio) {
      const t = (v: BrowserProtocol) => row.runs.find((r) => r.version === v)!.loadTime;
      cells.push((t('h2') / t('http1.1')).toFixed(2));
    }
    return cells;
  });
  return [
    ...head,
    `loss on the router - server link; median of ${p.seeds} seeds (${p.seed}..${p.seed + p.seeds - 1}) where there is loss`,
    '',
    ...textTable(['RTT', 'loss', ...titles, ...(ratio ? ['HTTP/2 / keep-alive'] : [])], rows, {
      minWidth: 8,
      left: [],
    }).map((l) => `  ${l}`),
  ];
}

/**
 * CSV for a chart: `rtt_ms`, then `loss_percent` when the grid has loss, then one
 * page-load column (ms; the median with loss) per version.
 */
export function httpVersionsCsv(result: HttpVersionsResult): string {
  const p = result.parameters;
  const loss = withLoss(p);
  const head = ['rtt_ms', ...(loss ? ['loss_percent'] : []), ...p.versions.map((v) => `${v}_ms`)].join(',');
  const rows = result.rows.map((r) =>
    [
      r.rtt / MILLISECOND,
      ...(loss ? [Number((r.loss * 100).toPrecision(6))] : []),
      ...r.runs.map((x) => x.loadTime / MILLISECOND),
    ].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/** JSON for a chart and for checking: parameters and every cell with every run, times in ms. */
export function httpVersionsJson(result: HttpVersionsResult): unknown {
  const p = result.parameters;
  return {
    experiment: 'http-versions',
    parameters: {
      rttsMs: p.rtts.map((r) => r / MILLISECOND),
      lossRates: p.losses,
      seeds: p.seeds,
      resources: p.resources,
      sizeBytes: p.size,
      rateBitsPerSecond: p.rate,
      versions: p.versions,
      seed: p.seed,
    },
    rows: result.rows.map((r) => ({
      rttMs: r.rtt / MILLISECOND,
      lossRate: r.loss,
      runs: r.runs.map((x) => ({
        version: x.version,
        pageLoadMs: x.loadTime / MILLISECOND,
        minPageLoadMs: x.minLoadTime / MILLISECOND,
        maxPageLoadMs: x.maxLoadTime / MILLISECOND,
        medianSeed: x.seed,
        connections: x.connections,
        resources: x.resources,
        failed: x.failed,
        bytes: x.bytes,
        samples: x.samples.map((s) => ({
          seed: s.seed,
          pageLoadMs: s.loadTime / MILLISECOND,
          connections: s.connections,
          resources: s.resources,
          failed: s.failed,
          bytes: s.bytes,
        })),
      })),
    })),
  };
}
