/**
 * Experiment: the workarounds HTTP/1.x pages used against the cost of a request — image
 * sprites and base64 inlining — beside the plain page, over HTTP/1.0, HTTP/1.1 keep-alive
 * and HTTP/2. It puts numbers on the course's claims: under HTTP/1.0 every file costs a
 * TCP handshake and a round trip, so fewer files load faster; a sprite packs the images
 * into one file; inlining puts them in the HTML as `data:` URLs (RFC 2397), no request at
 * all, but base64 (RFC 4648 §4) turns every 3 bytes into 4, so the page carries about a
 * third more bytes (and nothing is cached apart from the HTML). HTTP/2's one multiplexed
 * connection makes the workarounds mostly unnecessary.
 *
 * The pages (each a fresh load on a fresh network, experiment-network.ts):
 * - separate: `/index.html` referencing `images` images of `size` bytes (pages.ts);
 * - sprite: the same HTML referencing one image that holds them all (`images` × `size`
 *   bytes), as a CSS sprite sheet does (each picture then a background-position of it);
 * - inline: every image in the HTML as `<img src="data:image/png;base64,...">`.
 * Minification, the third workaround, shrinks text by what the text had to spare; the
 * experiment's bodies are not text, so it is left out.
 *
 * A figure is the browser's page-load time (typing the URL to the last byte), in
 * simulated time: identical on every machine. No loss, so one run per cell.
 */
import type { BrowserProtocol } from '../../application/browser/resource-timing.ts';
import { base64Encode } from '../../application/pki/pem.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { MILLISECOND, type Time } from '../../sim/time.ts';
import { loadPageOnce } from './browser-run.ts';
import { checkRate, checkRtts, checkSeed, checkSize } from './experiment-options.ts';
import { imagePage, imagePaths, patternBody } from './pages.ts';
import { ms, msLabel, textTable } from './text-table.ts';
import { VERSION_TITLES } from './http-versions.ts';

export const WORKAROUND_PAGES = ['separate', 'sprite', 'inline'] as const;
export type WorkaroundPage = (typeof WORKAROUND_PAGES)[number];

const PAGE_TITLES: Readonly<Record<WorkaroundPage, string>> = {
  separate: 'separate images',
  sprite: 'one sprite',
  inline: 'inlined (base64)',
};

export const WORKAROUND_PROTOCOLS: readonly BrowserProtocol[] = ['http1.0', 'http1.1', 'h2'];

export interface Http1WorkaroundsOptions {
  /** Default 10, 50, 100 ms. */
  readonly rtts?: readonly Time[];
  /** Images on the page. Default 24. */
  readonly images?: number;
  /** Bytes of each image. Default 2,000 (icons: what sprites were for). */
  readonly size?: number;
  /** Link rate, bit/s. Default 50 Mbit/s. */
  readonly rate?: number;
  readonly seed?: number;
}

export interface WorkaroundRun {
  readonly page: WorkaroundPage;
  readonly protocol: BrowserProtocol;
  readonly rtt: Time;
  readonly loadTime: Time;
  /** Requests the browser made (the HTML included). */
  readonly requests: number;
  readonly connections: number;
  /** Body bytes received. */
  readonly bytes: number;
}

export interface Http1WorkaroundsResult {
  readonly parameters: {
    readonly rtts: readonly Time[];
    readonly images: number;
    readonly size: number;
    readonly rate: number;
    readonly seed: number;
  };
  /** What each page is: its files' bytes, the HTML's among them. */
  readonly pages: readonly {
    readonly page: WorkaroundPage;
    readonly files: number;
    /** All the page's files. */
    readonly bytes: number;
    /** The images as sent: the image files, the sprite, or the base64 text in the HTML. */
    readonly imageBytes: number;
  }[];
  readonly runs: readonly WorkaroundRun[];
}

const SPRITE_PATH = '/img/sprite.png';
/** Images on a page at most (the browser's own limit is 1000 resources). */
const MAX_IMAGES = 500;

/** The files of one page layout. */
export function workaroundSite(
  page: WorkaroundPage,
  images: number,
  size: number,
): Record<string, Uint8Array | string> {
  if (page === 'separate') return imagePage(images, size);
  const html = (body: string) =>
    `<!DOCTYPE html>\n<html>\n<head><title>${images} images</title></head>\n<body>\n${body}\n</body>\n</html>\n`;
  if (page === 'sprite') {
    const sheet = new Uint8Array(images * size);
    for (let i = 0; i < images; i++) sheet.set(patternBody(i, size), i * size);
    return { '/index.html': html(`  <img src="${SPRITE_PATH}" alt="">`), [SPRITE_PATH]: sheet };
  }
  const inlined = imagePaths(images).map(
    (_, i) => `  <img src="data:image/png;base64,${base64Encode(patternBody(i, size))}" alt="">`,
  );
  return { '/index.html': html(inlined.join('\n')) };
}

function checkOptions(o: Http1WorkaroundsOptions): Http1WorkaroundsResult['parameters'] {
  const p = {
    rtts: o.rtts ?? [10, 50, 100].map((x) => x * MILLISECOND),
    images: o.images ?? 24,
    size: o.size ?? 2_000,
    rate: o.rate ?? 50e6,
    seed: o.seed ?? 1,
  };
  checkRtts(p.rtts);
  if (!(Number.isInteger(p.images) && p.images >= 1 && p.images <= MAX_IMAGES))
    throw new NetlabError('experiment-bad-option', `images must be an integer 1..${MAX_IMAGES}`);
  checkSize('size', p.size);
  checkRate(p.rate);
  checkSeed(p.seed);
  return p;
}

const byteLength = (body: Uint8Array | string) =>
  typeof body === 'string' ? new TextEncoder().encode(body).length : body.length;

export async function runHttp1Workarounds(
  options: Http1WorkaroundsOptions = {},
): Promise<Http1WorkaroundsResult> {
  const p = checkOptions(options);
  // Each page's files, built once for its size figures and every load.
  const sites = new Map(WORKAROUND_PAGES.map((page) => [page, workaroundSite(page, p.images, p.size)]));
  const pages = WORKAROUND_PAGES.map((page) => {
    const site = sites.get(page)!;
    const bytes = Object.values(site).reduce((n, b) => n + byteLength(b), 0);
    const html = byteLength(site['/index.html']!);
    // base64 sends 4 characters for every 3 bytes, the last group padded (RFC 4648 §4).
    const imageBytes = page === 'inline' ? p.images * 4 * Math.ceil(p.size / 3) : bytes - html;
    return { page, files: Object.keys(site).length, bytes, imageBytes };
  });
  const runs: WorkaroundRun[] = [];
  for (const rtt of p.rtts) {
    for (const page of WORKAROUND_PAGES) {
      const site = sites.get(page)!;
      for (const protocol of WORKAROUND_PROTOCOLS) {
        const { page: load } = await loadPageOnce({ protocol, site, rtt, rate: p.rate, seed: p.seed });
        runs.push({
          page,
          protocol,
          rtt,
          loadTime: load.loadTime,
          requests: load.resources.length,
          connections: load.connections.length,
          bytes: load.resources.reduce((n, r) => n + r.size, 0),
        });
      }
    }
  }
  return { parameters: p, pages, runs };
}

/** The pages' bytes, then page-load times: a row per page and RTT, a column per protocol. */
export function formatHttp1WorkaroundsTable(result: Http1WorkaroundsResult): string[] {
  const p = result.parameters;
  const images = p.images * p.size;
  const sizes = textTable(
    ['page', 'files', 'bytes', 'images as sent'],
    result.pages.map((x) => [
      PAGE_TITLES[x.page],
      String(x.files),
      x.bytes.toLocaleString('en-US'),
      `${x.imageBytes.toLocaleString('en-US')} (${(x.imageBytes / images).toFixed(3)}x)`,
    ]),
  );
  const rows = p.rtts.flatMap((rtt) =>
    WORKAROUND_PAGES.map((page) => [
      msLabel(rtt),
      PAGE_TITLES[page],
      ...WORKAROUND_PROTOCOLS.map((protocol) => {
        const r = result.runs.find((x) => x.rtt === rtt && x.page === page && x.protocol === protocol)!;
        return `${ms(r.loadTime)} (${r.requests} req, ${r.connections} conn)`;
      }),
    ]),
  );
  return [
    `HTTP/1.x workarounds: ${p.images} images of ${p.size.toLocaleString('en-US')} bytes, separate, as one sprite, or inlined as base64 data: URLs`,
    '',
    ...sizes,
    '',
    'page-load time, ms (requests, connections)',
    ...textTable(['RTT', 'page', ...WORKAROUND_PROTOCOLS.map((x) => VERSION_TITLES[x])], rows, {
      left: [0, 1],
    }),
  ];
}

export function http1WorkaroundsCsv(result: Http1WorkaroundsResult): string {
  const lines = ['rtt_ms,page,protocol,load_ms,requests,connections,bytes'];
  for (const r of result.runs)
    lines.push([ms(r.rtt), r.page, r.protocol, ms(r.loadTime), r.requests, r.connections, r.bytes].join(','));
  return `${lines.join('\n')}\n`;
}

export function http1WorkaroundsJson(result: Http1WorkaroundsResult): unknown {
  return {
    experiment: 'workarounds',
    parameters: { ...result.parameters, rtts: result.parameters.rtts.map((t) => t / MILLISECOND) },
    pages: result.pages,
    runs: result.runs.map((r) => ({ ...r, rtt: r.rtt / MILLISECOND, loadTime: r.loadTime / MILLISECOND })),
  };
}
