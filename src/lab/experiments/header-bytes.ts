/**
 * Experiment: how many bytes the request headers of one page cost on the wire, over
 * HTTP/1.1 and over HTTP/2 with HPACK (RFC 7541) — with Huffman coding, without it, and
 * without the dynamic table — request by request, so the dynamic table can be seen
 * warming up: the first request carries every field as a literal; later ones name
 * repeated fields by index, a byte or two each, and only what changed (the path, a new
 * Accept) costs more.
 *
 * The page: `/` (an HTML document) referencing a stylesheet, `images` images (default 8)
 * and a script, fetched in document order with the headers a desktop Chrome sends
 * (request-headers.ts: a 101-character User-Agent, Accept by resource kind,
 * Accept-Language, Accept-Encoding, Referer and 300 bytes of cookies). Each variant
 * is its own run on the experiment network (client — router — server), over one
 * connection:
 * - 'http1.1': one keep-alive connection, requests one after another; a figure is the
 *   request head as sent (request line, fields, CRLFs), the 'http.request' trace event's
 *   `headBytes`.
 * - 'h2' (Huffman when shorter, as nghttp2 and browsers do), 'h2-no-huffman' (every
 *   string a raw literal), 'h2-static-only' (Huffman, but nothing ever added to the
 *   dynamic table: the static table and literals only): h2c with prior knowledge; a
 *   figure is the header block, the payload of the request's HEADERS (and CONTINUATION)
 *   frames from the 'h2.frame' trace events. Each frame has 9 more octets of frame header,
 *   counted in the on-the-wire total.
 * Response header sizes are measured the same way, on the server's side.
 *
 * The per-field breakdown replays the same header lists through a fresh HPACK encoder with
 * the connection's settings; that the replay adds up to exactly the traced frame lengths
 * is checked by the tests.
 */
import type { ResourceKind } from '../../application/browser/subresource-scanner.ts';
import { scanHtml } from '../../application/browser/subresource-scanner.ts';
import { installWebServer } from '../../application/browser/web-server.ts';
import { ClientConnection } from '../../application/http/client-connection.ts';
import '../../application/http/trace-events.ts';
import { connectHttp2 } from '../../application/http2/client.ts';
import type { HeaderField } from '../../application/http2/hpack/header-field.ts';
import {
  HpackEncoder,
  type HuffmanMode,
  type IndexingStrategy,
} from '../../application/http2/hpack/encoder.ts';
import { STATIC_TABLE } from '../../application/http2/hpack/static-table.ts';
import '../../application/http2/trace-events.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { simClock } from '../../sim/clock.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import { experimentNetwork } from './experiment-network.ts';
import { checkRtt, checkSeed } from './experiment-options.ts';
import { stylesAndScriptsPage } from './pages.ts';
import { browserRequestHeaders } from './request-headers.ts';
import { textTable } from './text-table.ts';

export type HeaderVariant = 'http1.1' | 'h2' | 'h2-no-huffman' | 'h2-static-only';

export const HEADER_VARIANTS: readonly HeaderVariant[] = ['http1.1', 'h2', 'h2-no-huffman', 'h2-static-only'];

export const HEADER_VARIANT_TITLES: Readonly<Record<HeaderVariant, string>> = {
  'http1.1': 'HTTP/1.1',
  h2: 'HTTP/2',
  'h2-no-huffman': 'no Huffman',
  'h2-static-only': 'no dynamic table',
};

const HPACK: Readonly<
  Record<Exclude<HeaderVariant, 'http1.1'>, { huffman: HuffmanMode; indexing: IndexingStrategy }>
> = {
  h2: { huffman: 'shorter', indexing: 'incremental' },
  'h2-no-huffman': { huffman: 'never', indexing: 'incremental' },
  'h2-static-only': { huffman: 'shorter', indexing: 'none' },
};

/** Octets of an HTTP/2 frame header (RFC 9113 §4.1). */
export const FRAME_HEADER_BYTES = 9;

export interface HeaderBytesOptions {
  /** Images on the page, between the stylesheet and the script. Default 8. */
  readonly images?: number;
  /** Send the site's cookies. Default true. */
  readonly cookies?: boolean;
  /** Default all four. */
  readonly variants?: readonly HeaderVariant[];
  /** Default 10 ms (the figures do not depend on it). */
  readonly rtt?: Time;
  readonly seed?: number;
}

export interface HeaderRequest {
  readonly path: string;
  readonly kind: ResourceKind;
}

/** How HPACK represented one field (RFC 7541 §6). */
export type FieldRepresentation =
  | 'indexed' // §6.1: the whole field is a table entry
  | 'literal, indexed name, added' // §6.2.1 with the name from a table
  | 'literal, new name, added' // §6.2.1 with a literal name
  | 'literal, indexed name' // §6.2.2 / §6.2.3 with the name from a table
  | 'literal, new name'; // §6.2.2 / §6.2.3 with a literal name

export interface FieldCost {
  readonly name: string;
  readonly value: string;
  readonly bytes: number;
  readonly representation: FieldRepresentation;
  /** For 'indexed': whether the entry was in the static table (else the dynamic one). */
  readonly static?: boolean;
}

export interface HeaderVariantResult {
  readonly variant: HeaderVariant;
  /** Request header bytes per request, in request order (HTTP/2: header block only). */
  readonly requestBytes: readonly number[];
  /** Response header bytes per request (the server's HEADERS, or its response head). */
  readonly responseBytes: readonly number[];
  /** HTTP/2 frames that carried request headers (HEADERS + CONTINUATION); 0 for HTTP/1.1. */
  readonly requestFrames: number;
  /** Every request's fields and what each cost (HTTP/2 variants). */
  readonly fields?: readonly (readonly FieldCost[])[];
}

export interface HeaderBytesResult {
  readonly parameters: {
    readonly images: number;
    readonly cookies: boolean;
    readonly variants: readonly HeaderVariant[];
    readonly rtt: Time;
    readonly seed: number;
  };
  readonly requests: readonly HeaderRequest[];
  readonly runs: readonly HeaderVariantResult[];
}

const MAX_IMAGES = 200;

function checkOptions(o: HeaderBytesOptions): HeaderBytesResult['parameters'] {
  const p = {
    images: o.images ?? 8,
    cookies: o.cookies ?? true,
    variants: o.variants ?? HEADER_VARIANTS,
    rtt: o.rtt ?? 10 * MILLISECOND,
    seed: o.seed ?? 1,
  };
  if (!(Number.isInteger(p.images) && p.images >= 0 && p.images <= MAX_IMAGES))
    throw new NetlabError('experiment-bad-option', `images must be an integer 0..${MAX_IMAGES}`);
  if (p.variants.length === 0 || p.variants.some((v) => !HEADER_VARIANTS.includes(v)))
    throw new NetlabError('experiment-bad-option', `variants must be among ${HEADER_VARIANTS.join(', ')}`);
  checkRtt(p.rtt);
  checkSeed(p.seed);
  return p;
}

const decoder = new TextDecoder();

/** The requests of the page in document order: the page, then what its HTML references. */
function pageRequests(files: Record<string, Uint8Array | string>): HeaderRequest[] {
  const html = files['/index.html'];
  const text = typeof html === 'string' ? html : decoder.decode(html);
  return [
    { path: '/', kind: 'document' },
    ...scanHtml(text).refs.map((r) => ({ path: r.url, kind: r.kind })),
  ];
}

/** The header fields of one request as each version sends them after the request line / pseudo-headers. */
function fieldsFor(req: HeaderRequest, origin: string, cookies: boolean): [string, string][] {
  return browserRequestHeaders(req.kind, req.kind === 'document' ? undefined : `${origin}/`, cookies);
}

/** The regular fields of an HTTP/2 request: lower-case names, no `Connection` (RFC 9113 §8.2). */
function h2Fields(req: HeaderRequest, authority: string, cookies: boolean): HeaderField[] {
  return fieldsFor(req, `http://${authority}`, cookies)
    .filter(([n]) => n.toLowerCase() !== 'connection')
    .map(([name, value]) => ({ name: name.toLowerCase(), value }));
}

/** The HTTP/2 header list of a request as the client sends it: pseudo-headers, then the fields. */
function h2HeaderList(req: HeaderRequest, authority: string, cookies: boolean): HeaderField[] {
  return [
    { name: ':method', value: 'GET' },
    { name: ':scheme', value: 'http' },
    { name: ':authority', value: authority },
    { name: ':path', value: req.path },
    ...h2Fields(req, authority, cookies),
  ];
}

async function runVariant(
  variant: HeaderVariant,
  requests: readonly HeaderRequest[],
  files: Record<string, Uint8Array | string>,
  p: HeaderBytesResult['parameters'],
): Promise<HeaderVariantResult> {
  const { network, serverAddress } = experimentNetwork({ rtt: p.rtt, rate: 50e6, seed: p.seed });
  const sim = network.sim;
  const clock = simClock(sim);
  installWebServer(network.requireNode('server'), files);
  const requestBytes = new Array<number>(requests.length).fill(0);
  const responseBytes = new Array<number>(requests.length).fill(0);
  let requestFrames = 0;
  let failure: unknown;
  const tcp = network.requireNode('client').requireService(TCP);

  if (variant === 'http1.1') {
    // Exchange n on the one connection is request n - 1.
    sim.trace.on('http.request', (e) => {
      if (e.side === 'client') requestBytes[e.exchange - 1] = e.headBytes;
    });
    sim.trace.on('http.response', (e) => {
      if (e.side === 'server') responseBytes[e.exchange - 1] = e.headBytes;
    });
    void (async () => {
      const stream = await tcp.connect(serverAddress, 80, { noDelay: true });
      const conn = new ClientConnection(stream, { clock, trace: sim.trace, node: 'client', id: 1 });
      for (const req of requests) {
        const r = await conn.request({
          target: req.path,
          host: serverAddress,
          headers: fieldsFor(req, `http://${serverAddress}`, p.cookies),
        });
        if (r.status !== 200) throw new NetlabError('experiment-failed', `${req.path}: status ${r.status}`);
      }
      conn.close();
    })()
      .catch((e: unknown) => {
        failure = e;
      })
      .finally(() => sim.stop());
  } else {
    // Client streams are 1, 3, 5...: request n is stream 2n + 1 (no push, no retries here).
    const index = (streamId: number) => (streamId - 1) / 2;
    sim.trace.on('h2.frame', (e) => {
      if (e.frameType !== 'HEADERS' && e.frameType !== 'CONTINUATION') return;
      if (e.side === 'client' && e.direction === 'sent') {
        requestBytes[index(e.streamId)]! += e.length;
        requestFrames++;
      } else if (e.side === 'server' && e.direction === 'sent') {
        responseBytes[index(e.streamId)]! += e.length;
      }
    });
    void (async () => {
      const stream = await tcp.connect(serverAddress, 80, { noDelay: true });
      const client = connectHttp2(stream, {
        clock,
        authority: serverAddress,
        deferred: () => sim.deferred(),
        enablePush: false,
        connection: { hpack: HPACK[variant] },
        trace: { bus: sim.trace, node: 'client', connection: 1 },
      });
      const send = (req: HeaderRequest) =>
        client.request({ path: req.path, headers: h2Fields(req, serverAddress, p.cookies) });
      // The page first; then everything it references at once, as a browser does.
      const responses = [await send(requests[0]!)];
      responses.push(...(await Promise.all(requests.slice(1).map(send))));
      for (const [i, r] of responses.entries()) {
        if (r.status !== 200 || r.streamId !== 2 * i + 1) {
          throw new NetlabError(
            'experiment-failed',
            `${requests[i]!.path}: status ${r.status} on ${r.streamId}`,
          );
        }
      }
      await client.close();
    })()
      .catch((e: unknown) => {
        failure = e;
      })
      .finally(() => sim.stop());
  }
  await sim.run(sim.now + 3600 * SECOND);
  if (failure !== undefined) throw failure;
  const result: HeaderVariantResult = { variant, requestBytes, responseBytes, requestFrames };
  if (variant === 'http1.1') return result;
  return {
    ...result,
    fields: fieldCosts(
      requests.map((r) => h2HeaderList(r, serverAddress, p.cookies)),
      HPACK[variant],
    ),
  };
}

/** Encodes the header lists in order with one encoder and says what each field cost. */
export function fieldCosts(
  lists: readonly (readonly HeaderField[])[],
  hpack: { huffman: HuffmanMode; indexing: IndexingStrategy },
): FieldCost[][] {
  const encoder = new HpackEncoder(hpack);
  return lists.map((list) =>
    list.map((f) => {
      const bytes = encoder.encode([f]);
      return { name: f.name, value: f.value, bytes: bytes.length, ...representation(bytes[0]!) };
    }),
  );
}

/** Reads the representation from the first octet of a field's encoding (RFC 7541 §6). */
function representation(first: number): { representation: FieldRepresentation; static?: boolean } {
  if (first & 0x80) return { representation: 'indexed', static: (first & 0x7f) <= STATIC_TABLE.length };
  const nameIndex = first & 0x40 ? first & 0x3f : first & 0x0f;
  if (first & 0x40) {
    return { representation: nameIndex === 0 ? 'literal, new name, added' : 'literal, indexed name, added' };
  }
  return { representation: nameIndex === 0 ? 'literal, new name' : 'literal, indexed name' };
}

export async function runHeaderBytes(options: HeaderBytesOptions = {}): Promise<HeaderBytesResult> {
  const parameters = checkOptions(options);
  const files = stylesAndScriptsPage(2_000, 2_000, parameters.images, 2_000);
  const requests = pageRequests(files);
  const runs: HeaderVariantResult[] = [];
  for (const v of parameters.variants) runs.push(await runVariant(v, requests, files, parameters));
  return { parameters, requests, runs };
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** Total request header bytes on the wire: HTTP/2 adds a frame header per frame. */
export function wireTotal(run: HeaderVariantResult): number {
  return sum(run.requestBytes) + run.requestFrames * FRAME_HEADER_BYTES;
}

/** Short form of a field's representation for the breakdown table. */
const HOW: Readonly<Record<FieldRepresentation, string>> = {
  indexed: 'indexed',
  'literal, indexed name, added': 'literal, name indexed, added to table',
  'literal, new name, added': 'literal name and value, added to table',
  'literal, indexed name': 'literal, name indexed',
  'literal, new name': 'literal name and value',
};

function describe(f: FieldCost): string {
  if (f.representation === 'indexed') return `indexed (${f.static ? 'static' : 'dynamic'} table)`;
  return HOW[f.representation];
}

/** The per-request table, totals, and the per-field breakdown of the first and last request. */
export function formatHeaderBytesTable(result: HeaderBytesResult): string[] {
  const p = result.parameters;
  const runs = result.runs;
  const lines = [
    `Request header bytes for one page (${result.requests.length} requests), Chrome's headers${p.cookies ? ' with cookies' : ''};`,
    'HTTP/1.1: request head; HTTP/2: HPACK header block (HEADERS frame payload)',
    '',
  ];
  const rows = result.requests.map((r, i) => [
    String(i + 1),
    r.path,
    ...runs.map((x) => String(x.requestBytes[i] ?? 0)),
  ]);
  rows.push(['', 'total', ...runs.map((x) => String(sum(x.requestBytes)))]);
  if (runs.some((x) => x.requestFrames > 0)) {
    rows.push(['', 'on the wire (+9 per frame)', ...runs.map((x) => String(wireTotal(x)))]);
  }
  rows.push(['', 'responses (total)', ...runs.map((x) => String(sum(x.responseBytes)))]);
  lines.push(
    ...textTable(['#', 'request', ...runs.map((x) => HEADER_VARIANT_TITLES[x.variant])], rows, {
      minWidth: 8,
      left: [0, 1],
    }).map((l) => `  ${l}`),
  );
  const h2 = runs.find((x) => x.variant === 'h2') ?? runs.find((x) => x.fields);
  if (h2?.fields && h2.fields.length > 0) {
    const last = h2.fields.length - 1;
    const picks = last > 0 ? [0, last] : [0];
    for (const i of picks) {
      const fields = h2.fields[i]!;
      lines.push(
        '',
        `  ${HEADER_VARIANT_TITLES[h2.variant]} request ${i + 1} (${result.requests[i]!.path}), field by field: ${sum(fields.map((f) => f.bytes))} bytes`,
        '',
        ...textTable(
          ['field', 'bytes', 'how'],
          fields.map((f) => [f.name, String(f.bytes), describe(f)]),
          { minWidth: 5, left: [0, 2] },
        ).map((l) => `    ${l}`),
      );
    }
  }
  return lines;
}

/** CSV: one row per request, `index,path,kind`, then one column of request bytes per variant. */
export function headerBytesCsv(result: HeaderBytesResult): string {
  const head = ['index', 'path', 'kind', ...result.runs.map((x) => `${x.variant}_bytes`)].join(',');
  const rows = result.requests.map((r, i) =>
    [i + 1, r.path, r.kind, ...result.runs.map((x) => x.requestBytes[i] ?? 0)].join(','),
  );
  return `${[head, ...rows].join('\n')}\n`;
}

/** JSON: parameters, requests, and per variant every request's and response's header bytes and fields. */
export function headerBytesJson(result: HeaderBytesResult): unknown {
  return {
    experiment: 'header-bytes',
    parameters: {
      images: result.parameters.images,
      cookies: result.parameters.cookies,
      variants: result.parameters.variants,
      rttMs: result.parameters.rtt / MILLISECOND,
      seed: result.parameters.seed,
    },
    requests: result.requests,
    runs: result.runs.map((x) => ({
      variant: x.variant,
      requestBytes: x.requestBytes,
      requestTotal: sum(x.requestBytes),
      requestFrames: x.requestFrames,
      requestWireTotal: wireTotal(x),
      responseBytes: x.responseBytes,
      responseTotal: sum(x.responseBytes),
      ...(x.fields ? { fields: x.fields } : {}),
    })),
  };
}
