/**
 * Experiment: head-of-line blocking, at the HTTP level and at the TCP level.
 *
 * Part 1, a slow first resource. The page references N images; the server takes `slow`
 * (default 500 ms) to answer the first one, `/img/01.png` (a route that waits before
 * serving the file, in HTTP/1.x and HTTP/2 alike), and answers the rest at once.
 * - HTTP/1.1 pipelining on one connection: responses must come back in request order
 *   (RFC 9112 §9.3.2), so every image waits behind the slow one: HTTP-level HOL blocking.
 * - HTTP/1.1 keep-alive on six connections (what browsers did instead of pipelining): the
 *   slow response ties up one connection; what is queued behind it there waits.
 * - HTTP/2: each response is its own stream, so the other images arrive at once and only
 *   the slow one is late.
 *
 * Part 2, one lost segment. No slow resource; the third large data segment the server
 * sends (segment-dropper.ts: at least 1000 bytes of TCP payload; with the default page it
 * carries part of `/img/01.png`) is lost once on the router–server link, compared with the
 * same load without loss. On six HTTP/1.1 connections the loss delays only what travels on
 * the connection that lost it. On HTTP/2's single connection every stream behind the hole
 * waits for the retransmission (TCP delivers bytes in order), and the window halved by the
 * loss is the one all streams share: TCP-level head-of-line blocking, which HTTP/2 does
 * not solve (QUIC does, by giving each stream its own ordering).
 *
 * The network (experiment-network.ts): client — router — server, RTT default 50 ms,
 * 50 Mbit/s; netlab's browser and web server. Every figure is simulated time: per resource,
 * when its last byte arrived, in ms after the navigation started, and the page-load time.
 */
import type { BrowserLimits, PageLoad } from '../../application/browser/browser.ts';
import type { BrowserProtocol } from '../../application/browser/resource-timing.ts';
import type { WebServerOptions } from '../../application/browser/web-server.ts';
import { memoryFiles } from '../../application/http/file-source.ts';
import { Router } from '../../application/http/router.ts';
import { staticFiles } from '../../application/http/static-files.ts';
import { h2StaticFiles } from '../../application/http2/static-files.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { MILLISECOND, type Time } from '../../sim/time.ts';
import type { Network } from '../network.ts';
import { loadPageOnce } from './browser-run.ts';
import { checkRate, checkRtt, checkSeed, checkSize } from './experiment-options.ts';
import { imagePage, imagePaths } from './pages.ts';
import { dropSegments, type SegmentDropper } from './segment-dropper.ts';
import { ms, msLabel, textTable } from './text-table.ts';

/** The ways of loading the page that are compared. */
export type HolVariant = 'pipelining-1' | 'keep-alive-6' | 'h2';

export const HOL_VARIANTS: readonly HolVariant[] = ['pipelining-1', 'keep-alive-6', 'h2'];

export const HOL_VARIANT_TITLES: Readonly<Record<HolVariant, string>> = {
  'pipelining-1': 'pipelining, 1 conn',
  'keep-alive-6': 'keep-alive, 6 conns',
  h2: 'HTTP/2',
};

export interface HolBlockingOptions {
  /** Default 50 ms. */
  readonly rtt?: Time;
  /** Images on the page. Default 10. */
  readonly resources?: number;
  /** Bytes of each image. Default 10,000. */
  readonly size?: number;
  /** Link rate, bit/s. Default 50 Mbit/s. */
  readonly rate?: number;
  /** How late the server answers the first image in part 1. Default 500 ms. */
  readonly slow?: Time;
  /** Which large segment from the server is lost in part 2 (1 = the first). Default 3; 0 skips part 2. */
  readonly drop?: number;
  readonly seed?: number;
}

export interface HolResource {
  readonly path: string;
  /** Last byte, ns after the navigation started. */
  readonly finish: Time;
  /** The browser's number of the connection that carried it. */
  readonly connection: number | undefined;
  readonly status: number | undefined;
}

export interface HolRun {
  readonly variant: HolVariant;
  readonly loadTime: Time;
  readonly connections: number;
  /** The page first, then the images, in document order. */
  readonly resources: readonly HolResource[];
  /** Part 2: the segments lost. */
  readonly lost: SegmentDropper['dropped'];
}

export interface HolBlockingResult {
  readonly parameters: {
    readonly rtt: Time;
    readonly resources: number;
    readonly size: number;
    readonly rate: number;
    readonly slow: Time;
    readonly drop: number;
    readonly seed: number;
  };
  /** The path answered late in part 1. */
  readonly slowPath: string;
  /** Part 1: one run per variant with the slow first image. */
  readonly slowFirst: readonly HolRun[];
  /** Part 2 (empty when `drop` is 0): per variant, the load without loss and with one segment lost. */
  readonly oneLoss: readonly {
    readonly variant: HolVariant;
    readonly clean: HolRun;
    readonly lossy: HolRun;
  }[];
}

const MAX_RESOURCES = 200;

function checkOptions(o: HolBlockingOptions): HolBlockingResult['parameters'] {
  const p = {
    rtt: o.rtt ?? 50 * MILLISECOND,
    resources: o.resources ?? 10,
    size: o.size ?? 10_000,
    rate: o.rate ?? 50e6,
    slow: o.slow ?? 500 * MILLISECOND,
    drop: o.drop ?? 3,
    seed: o.seed ?? 1,
  };
  checkRtt(p.rtt);
  if (!(Number.isInteger(p.resources) && p.resources >= 1 && p.resources <= MAX_RESOURCES))
    throw new NetlabError('experiment-bad-option', `resources must be an integer 1..${MAX_RESOURCES}`);
  checkSize('size', p.size);
  checkRate(p.rate);
  if (!(Number.isInteger(p.slow) && p.slow >= 0 && p.slow <= 60 * 1000 * MILLISECOND))
    throw new NetlabError('experiment-bad-option', 'the slow delay must be between 0 and 60 s');
  if (!(Number.isInteger(p.drop) && p.drop >= 0 && p.drop <= 100_000))
    throw new NetlabError('experiment-bad-option', 'drop must be a segment number 1..100000, or 0 for none');
  checkSeed(p.seed);
  return p;
}

function browserSettings(
  variant: HolVariant,
  resources: number,
): {
  protocol: BrowserProtocol;
  limits?: Partial<BrowserLimits>;
} {
  switch (variant) {
    case 'pipelining-1':
      // One connection, deep enough to carry every request at once.
      return {
        protocol: 'http1.1-pipelining',
        limits: { maxConnectionsPerHost: 1, pipelineDepth: resources + 1 },
      };
    case 'keep-alive-6':
      return { protocol: 'http1.1' };
    case 'h2':
      return { protocol: 'h2' };
  }
}

/** Server options that answer `path` `delay` late, over HTTP/1.x and HTTP/2. */
function slowPathServer(files: Record<string, Uint8Array | string>, path: string, delay: Time) {
  const source = memoryFiles(files);
  return {
    source,
    server: (network: Network): WebServerOptions => {
      const sim = network.sim;
      const h1Files = staticFiles(source);
      const h2Files = h2StaticFiles(source);
      return {
        routes: new Router().get(path, async (req) => {
          await sim.sleep(delay);
          return h1Files(req);
        }),
        h2Handler: async (req) => {
          if (req.path === path) await sim.sleep(delay);
          return h2Files(req);
        },
      };
    },
  };
}

function toRun(variant: HolVariant, page: PageLoad, lost: HolRun['lost']): HolRun {
  return {
    variant,
    loadTime: page.loadTime,
    connections: page.connections.length,
    resources: page.resources.map((r) => ({
      path: new URL(r.url).pathname,
      finish: r.end - page.start,
      connection: r.connection,
      status: r.status,
    })),
    lost,
  };
}

async function runVariant(
  variant: HolVariant,
  p: HolBlockingResult['parameters'],
  slow: Time,
  drop: number,
): Promise<HolRun> {
  const files = imagePage(p.resources, p.size);
  const { source, server } = slowPathServer(files, imagePaths(p.resources)[0]!, slow);
  let dropper: SegmentDropper | undefined;
  const { page } = await loadPageOnce({
    ...browserSettings(variant, p.resources),
    rtt: p.rtt,
    rate: p.rate,
    seed: p.seed,
    site: source,
    server: slow > 0 ? server : undefined,
    prepare:
      drop > 0
        ? (network) => {
            // Frames from the server arrive at the router's eth1: lost on the router–server link.
            const eth1 = network
              .requireNode('r1')
              .requireService(IPV4)
              .interfaces.find((i) => i.name === 'eth1')!;
            dropper = dropSegments(eth1.device, { drop: [drop] });
          }
        : undefined,
  });
  return toRun(variant, page, dropper ? [...dropper.dropped] : []);
}

export async function runHolBlocking(options: HolBlockingOptions = {}): Promise<HolBlockingResult> {
  const parameters = checkOptions(options);
  const slowFirst: HolRun[] = [];
  for (const v of HOL_VARIANTS) slowFirst.push(await runVariant(v, parameters, parameters.slow, 0));
  const oneLoss: { variant: HolVariant; clean: HolRun; lossy: HolRun }[] = [];
  if (parameters.drop > 0) {
    for (const v of HOL_VARIANTS) {
      const clean = await runVariant(v, parameters, 0, 0);
      const lossy = await runVariant(v, parameters, 0, parameters.drop);
      oneLoss.push({ variant: v, clean, lossy });
    }
  }
  return { parameters, slowPath: imagePaths(parameters.resources)[0]!, slowFirst, oneLoss };
}

/** 'th' for 3, 'st' for 21... */
function ordinal(n: number): string {
  const t = n % 100;
  if (t >= 11 && t <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function finishOf(run: HolRun, path: string): Time | undefined {
  return run.resources.find((r) => r.path === path)?.finish;
}

/** Both tables: per-resource finish times (ms) and page-load times. */
export function formatHolBlockingTable(result: HolBlockingResult): string[] {
  const p = result.parameters;
  const paths = result.slowFirst[0]?.resources.map((r) => r.path) ?? [];
  const label = (path: string) => (path === '/' ? '/ (the page)' : path);
  const lines = [
    `Head-of-line blocking: a page of ${p.resources} images of ${p.size} bytes, RTT ${msLabel(p.rtt)},`,
    `client - router - server, ${p.rate / 1e6} Mbit/s links`,
    '',
    `1. The server answers ${result.slowPath} ${msLabel(p.slow)} late; the rest at once.`,
    '   Finish time of each resource (ms after navigation):',
    '',
  ];
  const slowRows = paths.map((path) => [
    path === result.slowPath ? `${path} (slow)` : label(path),
    ...result.slowFirst.map((r) => ms(finishOf(r, path) ?? 0)),
  ]);
  slowRows.push(['page load', ...result.slowFirst.map((r) => ms(r.loadTime))]);
  const titles = result.slowFirst.map((r) => HOL_VARIANT_TITLES[r.variant]);
  lines.push(...textTable(['resource', ...titles], slowRows).map((l) => `   ${l}`));
  if (result.oneLoss.length === 0) return lines;
  lines.push(
    '',
    `2. No slow resource; the ${ordinal(p.drop)} large segment from the server is lost once.`,
    '   Finish time with the loss (ms), and how much later than without it:',
    '',
  );
  const lossRows = paths.map((path) => [
    label(path),
    ...result.oneLoss.flatMap((x) => {
      const a = finishOf(x.lossy, path) ?? 0;
      const b = finishOf(x.clean, path) ?? 0;
      return [ms(a), late(a - b)];
    }),
  ]);
  lossRows.push([
    'page load',
    ...result.oneLoss.flatMap((x) => [ms(x.lossy.loadTime), late(x.lossy.loadTime - x.clean.loadTime)]),
  ]);
  const lossTitles = result.oneLoss.flatMap((x) => [HOL_VARIANT_TITLES[x.variant], 'later']);
  lines.push(...textTable(['resource', ...lossTitles], lossRows, { minWidth: 6 }).map((l) => `   ${l}`));
  return lines;
}

function late(d: Time): string {
  return `${d >= 0 ? '+' : ''}${ms(d)}`;
}

/**
 * CSV for a chart, one row per resource and variant: `part` (slow-first or one-loss),
 * `variant`, `path`, `finish_ms`, and for one-loss `clean_finish_ms` (without the loss).
 * Page-load times are rows with path `load`.
 */
export function holBlockingCsv(result: HolBlockingResult): string {
  const lines = ['part,variant,path,finish_ms,clean_finish_ms'];
  for (const r of result.slowFirst) {
    for (const x of r.resources) lines.push(`slow-first,${r.variant},${x.path},${x.finish / MILLISECOND},`);
    lines.push(`slow-first,${r.variant},load,${r.loadTime / MILLISECOND},`);
  }
  for (const { variant, clean, lossy } of result.oneLoss) {
    for (const x of lossy.resources) {
      const c = finishOf(clean, x.path);
      lines.push(
        `one-loss,${variant},${x.path},${x.finish / MILLISECOND},${c === undefined ? '' : c / MILLISECOND}`,
      );
    }
    lines.push(`one-loss,${variant},load,${lossy.loadTime / MILLISECOND},${clean.loadTime / MILLISECOND}`);
  }
  return `${lines.join('\n')}\n`;
}

function runJson(r: HolRun) {
  return {
    variant: r.variant,
    pageLoadMs: r.loadTime / MILLISECOND,
    connections: r.connections,
    resources: r.resources.map((x) => ({
      path: x.path,
      finishMs: x.finish / MILLISECOND,
      connection: x.connection ?? null,
      status: x.status ?? null,
    })),
    lost: r.lost,
  };
}

/** JSON: parameters, and every run with every resource. */
export function holBlockingJson(result: HolBlockingResult): unknown {
  const p = result.parameters;
  return {
    experiment: 'hol-blocking',
    parameters: {
      rttMs: p.rtt / MILLISECOND,
      resources: p.resources,
      sizeBytes: p.size,
      rateBitsPerSecond: p.rate,
      slowMs: p.slow / MILLISECOND,
      slowPath: result.slowPath,
      dropSegment: p.drop,
      seed: p.seed,
    },
    slowFirst: result.slowFirst.map(runJson),
    oneLoss: result.oneLoss.map((x) => ({
      variant: x.variant,
      clean: runJson(x.clean),
      lossy: runJson(x.lossy),
    })),
  };
}
