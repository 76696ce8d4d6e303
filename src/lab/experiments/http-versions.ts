/**
 * Experiment: page-load time of one page with N subresources over HTTP/1.0, HTTP/1.1
 * keep-alive, HTTP/1.1 pipelining and HTTP/2, as the round-trip time grows. It puts
 * numbers on the course's claims: HTTP/1.0 pays a TCP handshake (an extra RTT) for every
 * file, keep-alive removes it, pipelining removes the wait between requests on a
 * connection, and HTTP/2 multiplexes everything on one connection.
 *
 * The network, built for each run: client — router — server, both links `rate` bit/s
 * (default 50 Mbit/s, a home broadband line) with a one-way delay of RTT/4 each, so the
 * client-server round trip is RTT plus serialisation. ARP entries are static so no run
 * waits for ARP. The site: `/index.html` (an HTML page referencing N images
 * `/img/01.png`...) and the N images of `size` bytes (default 10,000). The browser is
 * netlab's (6 connections per origin, TCP_NODELAY, initial window 10 segments, NewReno);
 * the server is netlab's HTTP/1.x server and HTTP/2 server on the same port (h2c with
 * prior knowledge). The URL is an address literal: no DNS in the figures.
 *
 * A figure is the browser's page-load time: from typing the URL to the last image's last
 * byte (the `load` event). Every figure is simulated time, so runs are identical.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { IPV4 } from '../../internet/ipv4-stack.ts';
import { simBrowser } from '../../application/browser/browser-sim.ts';
import type { PageLoad } from '../../application/browser/browser.ts';
import type { BrowserProtocol } from '../../application/browser/resource-timing.ts';
import { installWebServer } from '../../application/browser/web-server.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { Network } from '../network.ts';
import { parseScenario } from '../scenario/index.ts';

export const HTTP_VERSIONS: readonly BrowserProtocol[] = ['http1.0', 'http1.1', 'http1.1-pipelining', 'h2'];

/** Column titles. */
export const VERSION_TITLES: Readonly<Record<BrowserProtocol, string>> = {
  'http1.0': 'HTTP/1.0',
  'http1.1': 'keep-alive',
  'http1.1-pipelining': 'pipelining',
  h2: 'HTTP/2',
};

export interface HttpVersionsOptions {
  /** Round-trip times. Default 1, 10, 50, 100, 300 ms. */
  readonly rtts?: readonly Time[];
  /** Subresources on the page. Default 20. */
  readonly resources?: number;
  /** Bytes of each subresource. Default 10,000. */
  readonly size?: number;
  /** Link rate, bit/s. Default 50 Mbit/s. */
  readonly rate?: number;
  /** Versions compared. Default all four. */
  readonly versions?: readonly BrowserProtocol[];
  readonly seed?: number;
}

export interface HttpVersionsRun {
  readonly version: BrowserProtocol;
  readonly rtt: Time;
  /** Page-load time, ns. */
  readonly loadTime: Time;
  readonly connections: number;
  readonly resources: number;
  readonly failed: number;
  readonly bytes: number;
}

export interface HttpVersionsResult {
  readonly parameters: {
    readonly rtts: readonly Time[];
    readonly resources: number;
    readonly size: number;
    readonly rate: number;
    readonly versions: readonly BrowserProtocol[];
    readonly seed: number;
  };
  /** One row per RTT, one run per version, in the order asked. */
  readonly rows: readonly { readonly rtt: Time; readonly runs: readonly HttpVersionsRun[] }[];
}

const MAX_RESOURCES = 1000;
const MAX_SIZE = 10 * 1024 * 1024;

/** The page: an HTML document referencing `n` images. */
export function experimentSite(n: number, size: number): Record<string, Uint8Array | string> {
  const width = Math.max(2, String(n).length);
  const names = Array.from({ length: n }, (_, i) => `/img/${String(i + 1).padStart(width, '0')}.png`);
  const body = names.map((p) => `  <img src="${p}" alt="">`).join('\n');
  const files: Record<string, Uint8Array | string> = {
    '/index.html': `<!DOCTYPE html>\n<html>\n<head><title>${n} images</title></head>\n<body>\n${body}\n</body>\n</html>\n`,
  };
  for (const [i, p] of names.entries()) {
    const bytes = new Uint8Array(size);
    for (let j = 0; j < size; j++) bytes[j] = (i * 31 + j) & 0xff;
    files[p] = bytes;
  }
  return files;
}

function checkOptions(o: HttpVersionsOptions): HttpVersionsResult['parameters'] {
  const rtts = o.rtts ?? [1, 10, 50, 100, 300].map((ms) => ms * MILLISECOND);
  const resources = o.resources ?? 20;
  const size = o.size ?? 10_000;
  const rate = o.rate ?? 50e6;
  const versions = o.versions ?? HTTP_VERSIONS;
  const seed = o.seed ?? 1;
  if (rtts.length === 0 || rtts.some((r) => !(Number.isInteger(r) && r >= 0 && r <= 10 * SECOND))) {
    throw new NetlabError('experiment-bad-option', 'every RTT must be between 0 and 10 s');
  }
  if (!(Number.isInteger(resources) && resources >= 0 && resources <= MAX_RESOURCES)) {
    throw new NetlabError('experiment-bad-option', `resources must be an integer 0..${MAX_RESOURCES}`);
  }
  if (!(Number.isInteger(size) && size >= 1 && size <= MAX_SIZE)) {
    throw new NetlabError('experiment-bad-option', `size must be an integer 1..${MAX_SIZE} bytes`);
  }
  if (!(rate >= 1000 && rate <= 100e9))
    throw new NetlabError('experiment-bad-option', 'rate must be 1 kbit/s..100 Gbit/s');
  if (versions.length === 0 || versions.some((v) => !HTTP_VERSIONS.includes(v))) {
    throw new NetlabError('experiment-bad-option', `versions must be among ${HTTP_VERSIONS.join(', ')}`);
  }
  return { rtts, resources, size, rate, versions, seed };
}

/** The client — router — server network of one run. */
function buildNetwork(rtt: Time, rate: number, seed: number): Network {
  const oneWay = Math.round(rtt / 4);
  const yaml = `
name: http-versions
seed: ${seed}
topology:
  nodes:
    client: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    server: { kind: host, ip: 10.0.2.80/24, gateway: 10.0.2.1 }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - { endpoints: [client, r1:eth0], rate: ${rate}bps, delay: ${oneWay}ns }
    - { endpoints: [r1:eth1, server], rate: ${rate}bps, delay: ${oneWay}ns }
routing: static
`;
  const network = new Network(parseScenario(yaml, 'http-versions.yaml').spec);
  primeArp(network, 'client', 'r1', 'eth0', 'eth0');
  primeArp(network, 'r1', 'server', 'eth1', 'eth0');
  return network;
}

/** Static ARP entries both ways across one cable. */
function primeArp(network: Network, a: string, b: string, aIf: string, bIf: string): void {
  const ia = network
    .requireNode(a)
    .requireService(IPV4)
    .interfaces.find((i) => i.name === aIf)!;
  const ib = network
    .requireNode(b)
    .requireService(IPV4)
    .interfaces.find((i) => i.name === bIf)!;
  ia.arp.setStatic(ib.address, ib.device.mac);
  ib.arp.setStatic(ia.address, ia.device.mac);
}

/** Loads the page once with one version at one RTT. */
export async function runOnce(
  version: BrowserProtocol,
  rtt: Time,
  params: Pick<HttpVersionsResult['parameters'], 'resources' | 'size' | 'rate' | 'seed'>,
): Promise<{ run: HttpVersionsRun; page: PageLoad }> {
  const network = buildNetwork(rtt, params.rate, params.seed);
  const sim = network.sim;
  const server = network.requireNode('server');
  installWebServer(server, experimentSite(params.resources, params.size));
  const address = formatIpv4Address(network.hostAddress('server')!);
  const browser = simBrowser(network.requireNode('client'), { protocol: version });
  let page: PageLoad | undefined;
  void browser.navigate(`http://${address}/`).then((p) => {
    page = p;
    sim.stop();
  });
  await sim.run(sim.now + 3600 * SECOND);
  if (!page) throw new NetlabError('experiment-stuck', `the ${version} page load did not finish`);
  browser.close();
  return {
    page,
    run: {
      version,
      rtt,
      loadTime: page.loadTime,
      connections: page.connections.length,
      resources: page.resources.length,
      failed: page.resources.filter((r) => r.error || (r.status ?? 0) >= 400).length,
      bytes: page.bytes,
    },
  };
}

/** Runs the whole grid: every RTT with every version. */
export async function runHttpVersions(options: HttpVersionsOptions = {}): Promise<HttpVersionsResult> {
  const parameters = checkOptions(options);
  const rows: { rtt: Time; runs: HttpVersionsRun[] }[] = [];
  for (const rtt of parameters.rtts) {
    const runs: HttpVersionsRun[] = [];
    for (const version of parameters.versions) runs.push((await runOnce(version, rtt, parameters)).run);
    rows.push({ rtt, runs });
  }
  return { parameters, rows };
}

/** Milliseconds with one decimal, as the table shows them. */
function ms(t: Time): string {
  return (t / MILLISECOND).toFixed(1);
}

/** The table: rows RTT, columns versions, page-load time in ms. */
export function formatHttpVersionsTable(result: HttpVersionsResult): string[] {
  const p = result.parameters;
  const titles = p.versions.map((v) => VERSION_TITLES[v]);
  const widths = titles.map((t) => Math.max(t.length, 10));
  const lines = [
    `Page-load time (ms) of a page with ${p.resources} subresources of ${p.size} bytes,`,
    `client - router - server, ${p.rate / 1e6} Mbit/s links, 6 connections per origin`,
    '',
    `${'RTT'.padStart(8)}  ${titles.map((t, i) => t.padStart(widths[i]!)).join('  ')}`,
  ];
  for (const row of result.rows) {
    const cells = row.runs.map((r, i) => ms(r.loadTime).padStart(widths[i]!));
    lines.push(`${`${ms(row.rtt).replace(/\.0$/, '')} ms`.padStart(8)}  ${cells.join('  ')}`);
  }
  return lines;
}

/** CSV for a chart: `rtt_ms` then one page-load column (ms) per version. */
export function httpVersionsCsv(result: HttpVersionsResult): string {
  const head = ['rtt_ms', ...result.parameters.versions.map((v) => `${v}_ms`)].join(',');
  const rows = result.rows.map((r) =>
    [r.rtt / MILLISECOND, ...r.runs.map((x) => x.loadTime / MILLISECOND)].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/** JSON for a chart and for checking: parameters and every run, times in ms. */
export function httpVersionsJson(result: HttpVersionsResult): unknown {
  const p = result.parameters;
  return {
    experiment: 'http-versions',
    parameters: {
      rttsMs: p.rtts.map((r) => r / MILLISECOND),
      resources: p.resources,
      sizeBytes: p.size,
      rateBitsPerSecond: p.rate,
      versions: p.versions,
      seed: p.seed,
    },
    rows: result.rows.map((r) => ({
      rttMs: r.rtt / MILLISECOND,
      runs: r.runs.map((x) => ({
        version: x.version,
        pageLoadMs: x.loadTime / MILLISECOND,
        connections: x.connections,
        resources: x.resources,
        failed: x.failed,
        bytes: x.bytes,
      })),
    })),
  };
}
