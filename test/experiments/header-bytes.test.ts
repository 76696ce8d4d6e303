/**
 * The header-bytes experiment checks, with numbers, the notes' claims about headers:
 * HTTP/1.1 sends its (cookie-heavy) headers uncompressed on every request; HTTP/2's HPACK
 * makes the first request smaller with Huffman coding (frequent characters get short
 * codes) and every later one tiny with the dynamic table (a repeated field costs a byte).
 */
import { describe, expect, it } from 'vitest';
import {
  FRAME_HEADER_BYTES,
  fieldCosts,
  formatHeaderBytesTable,
  type HeaderVariant,
  headerBytesCsv,
  headerBytesJson,
  runHeaderBytes,
  wireTotal,
} from '../../src/lab/experiments/header-bytes.ts';
import {
  browserRequestHeaders,
  CHROME_USER_AGENT,
  SITE_COOKIES,
} from '../../src/lab/experiments/request-headers.ts';

const SERVER = '10.0.2.80';
const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('header-bytes: one page of 11 requests with Chrome headers and cookies', async () => {
  const result = await runHeaderBytes();
  const run = (v: HeaderVariant) => result.runs.find((r) => r.variant === v)!;
  const h1 = run('http1.1').requestBytes;
  const h2 = run('h2').requestBytes;

  it('fetches the page, its stylesheet, 8 images and its script, in document order', () => {
    expect(result.requests.map((r) => `${r.kind} ${r.path}`)).toEqual([
      'document /',
      'stylesheet /style.css',
      ...Array.from({ length: 8 }, (_, i) => `image /img/0${i + 1}.png`),
      'script /app.js',
    ]);
    for (const r of result.runs) expect(r.requestBytes.every((b) => b > 0)).toBe(true);
  });

  it('HTTP/1.1 sends every head whole: exactly the request line, the fields and the CRLFs', () => {
    for (const [i, req] of result.requests.entries()) {
      const fields = browserRequestHeaders(req.kind, i === 0 ? undefined : `http://${SERVER}/`, true);
      const head = `GET ${req.path} HTTP/1.1\r\nHost: ${SERVER}\r\n${fields.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
      expect(h1[i]).toBe(head.length);
    }
    // Repeated requests cost the same again: the 8 images are 8 × the same size.
    expect(new Set(h1.slice(2, 10)).size).toBe(1);
    expect(h1[2]).toBeGreaterThan(600);
  });

  it('HPACK with Huffman shrinks even the first request, before any table helps', () => {
    expect(h2[0]).toBeLessThan(0.7 * h1[0]!);
    // Huffman alone: the same block with raw strings is about a third larger.
    expect(run('h2-no-huffman').requestBytes[0]! / h2[0]!).toBeGreaterThan(1.25);
    const ua = (v: HeaderVariant) => run(v).fields![0]!.find((f) => f.name === 'user-agent')!.bytes;
    // The User-Agent literal: 101 characters, Huffman-coded into far fewer octets.
    expect(CHROME_USER_AGENT).toHaveLength(101);
    expect(ua('h2-no-huffman')).toBe(1 + 1 + 101); // name index, length, raw value
    expect(ua('h2')).toBeLessThan(0.8 * ua('h2-no-huffman'));
  });

  it('the dynamic table makes repeated requests a few bytes: each repeated field costs one', () => {
    // From the second image on, only :path changes.
    for (const b of h2.slice(3, 10)) expect(b).toBeLessThanOrEqual(20);
    const fields = run('h2').fields!;
    const seen = new Set<string>();
    for (const request of fields) {
      for (const f of request) {
        const key = `${f.name}: ${f.value}`;
        if (seen.has(key)) {
          expect(f.representation).toBe('indexed');
          expect(f.bytes).toBe(1);
        }
        seen.add(key);
      }
    }
    // The cookie: 300 characters the first time, one octet after.
    expect(SITE_COOKIES).toHaveLength(300);
    const cookie = fields.map((r) => r.find((f) => f.name === 'cookie')!.bytes);
    expect(cookie[0]).toBeGreaterThan(200);
    expect(cookie.slice(1)).toEqual(new Array(10).fill(1));
  });

  it('without the dynamic table every request pays for its literals again', () => {
    const s = run('h2-static-only').requestBytes;
    for (const b of s.slice(1)) expect(b).toBeGreaterThan(300);
    expect(sum(s)).toBeGreaterThan(5 * sum(h2));
    // ...still less than HTTP/1.1, thanks to Huffman and the static table.
    for (const [i, b] of s.entries()) expect(b).toBeLessThan(h1[i]!);
  });

  it('over the page HTTP/2 sends about a tenth of the header bytes of HTTP/1.1', () => {
    expect(sum(h2) / sum(h1)).toBeLessThan(0.12);
    expect(wireTotal(run('h2'))).toBe(sum(h2) + FRAME_HEADER_BYTES * 11);
    expect(run('h2').requestFrames).toBe(11);
    expect(wireTotal(run('http1.1'))).toBe(sum(h1));
  });

  it('the field-by-field breakdown adds up to the traced HEADERS frames, in every HTTP/2 variant', () => {
    for (const v of ['h2', 'h2-no-huffman', 'h2-static-only'] as const) {
      const r = run(v);
      expect(r.fields!.map((f) => sum(f.map((x) => x.bytes)))).toEqual(r.requestBytes);
    }
  });

  it('measures the response headers too, which HPACK also compresses', () => {
    expect(sum(run('h2').responseBytes)).toBeLessThan(sum(run('http1.1').responseBytes) / 4);
    for (const r of result.runs) expect(r.responseBytes.every((b) => b > 0)).toBe(true);
  });

  it('prints the per-request table with totals and the field breakdown', () => {
    const lines = formatHeaderBytesTable(result);
    const cells = lines.map((l) => l.trim().split(/\s{2,}/));
    expect(cells.find((c) => c[0] === '1')).toEqual([
      '1',
      '/',
      ...result.runs.map((r) => String(r.requestBytes[0])),
    ]);
    expect(cells.find((c) => c[0] === 'total')).toEqual([
      'total',
      ...result.runs.map((r) => String(sum(r.requestBytes))),
    ]);
    expect(lines).toContain(`  HTTP/2 request 11 (/app.js), field by field: ${h2[10]} bytes`);
    expect(lines.some((l) => /^ {4}cookie +1 {2}indexed \(dynamic table\)$/.test(l))).toBe(true);
  });

  it('writes CSV and JSON', () => {
    const csv = headerBytesCsv(result).trim().split('\n');
    expect(csv[0]).toBe('index,path,kind,http1.1_bytes,h2_bytes,h2-no-huffman_bytes,h2-static-only_bytes');
    expect(csv[1]).toBe(`1,/,document,${result.runs.map((r) => r.requestBytes[0]).join(',')}`);
    const json = headerBytesJson(result) as { runs: { variant: string; requestTotal: number }[] };
    expect(json.runs.map((r) => [r.variant, r.requestTotal])).toEqual(
      result.runs.map((r) => [r.variant, sum(r.requestBytes)]),
    );
  });
});

describe('header-bytes without cookies', async () => {
  const result = await runHeaderBytes({ cookies: false, images: 2, variants: ['http1.1', 'h2'] });

  it('each HTTP/1.1 request is lighter by exactly the Cookie line', async () => {
    const withCookies = await runHeaderBytes({ images: 2, variants: ['http1.1'] });
    const line = `Cookie: ${SITE_COOKIES}\r\n`.length;
    expect(withCookies.runs[0]!.requestBytes.map((b, i) => b - result.runs[0]!.requestBytes[i]!)).toEqual(
      new Array(5).fill(line),
    );
  });

  it('sends no cookie field over HTTP/2 either', () => {
    for (const r of result.runs[1]!.fields!) expect(r.some((f) => f.name === 'cookie')).toBe(false);
  });
});

describe('fieldCosts', () => {
  it('reads each representation from the encoding (RFC 7541 §6)', () => {
    const [first, second] = fieldCosts(
      [
        [
          { name: ':method', value: 'GET' },
          { name: 'accept-language', value: 'ko' },
          { name: 'x-new', value: 'a' },
        ],
        [
          { name: 'accept-language', value: 'ko' },
          { name: 'x-new', value: 'b' },
        ],
      ],
      { huffman: 'never', indexing: 'incremental' },
    );
    expect(first!.map((f) => [f.bytes, f.representation, f.static])).toEqual([
      [1, 'indexed', true],
      [1 + 1 + 2, 'literal, indexed name, added', undefined],
      [1 + 1 + 5 + 1 + 1, 'literal, new name, added', undefined],
    ]);
    expect(second!.map((f) => [f.bytes, f.representation, f.static])).toEqual([
      [1, 'indexed', false],
      [1 + 1 + 1, 'literal, indexed name, added', undefined],
    ]);
    const [plain] = fieldCosts([[{ name: 'x-new', value: 'a' }]], { huffman: 'never', indexing: 'none' });
    expect(plain!.map((f) => [f.bytes, f.representation])).toEqual([[9, 'literal, new name']]);
  });
});

describe('header-bytes options', () => {
  it('refuses impossible options with a typed error', async () => {
    const bad = { code: 'experiment-bad-option' };
    await expect(runHeaderBytes({ images: -1 })).rejects.toMatchObject(bad);
    await expect(runHeaderBytes({ variants: [] })).rejects.toMatchObject(bad);
    await expect(runHeaderBytes({ variants: ['spdy' as 'h2'] })).rejects.toMatchObject(bad);
  });
});
