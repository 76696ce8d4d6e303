/**
 * A real browser against the real-mode servers: headless Chromium (Debian's chromium,
 * driven by playwright-core as in test/web) loads a page with a stylesheet, a script and
 * ten images from `serveHttp`, `serveHttps` (TLS 1.3, and 1.2 only) and `serveH2` on
 * 127.0.0.1, and from the `netlab serve https` command the README shows.
 *
 * What each side says is compared: Chromium's Resource Timing (`nextHopProtocol`) and
 * DevTools' Network domain (the TLS version, cipher, group and certificate it negotiated
 * and parsed, the certificate's DER, its connection ids) against our servers' trace events
 * (connections opened, requests per connection, `tls.established`, HTTP/2 frames) and the
 * SETTINGS our HTTP/2 server applied from the client. A server that requires a client
 * certificate gets none from headless Chromium, which then says ERR_BAD_SSL_CLIENT_AUTH_CERT
 * for our certificate_required (TLS 1.3) and handshake_failure (TLS 1.2) alike, as the
 * lab's browser does (test/tools/browser-client-cert.test.ts). Chromium (106 and later) announces
 * SETTINGS_ENABLE_PUSH = 0, so the HTTP/2 case checks our server pushes nothing though
 * told to; and 3 MB over HTTP/2 needs Chromium's WINDOW_UPDATE applied (RFC 9113 §6.9).
 *
 * Trust: Chromium is launched with `--ignore-certificate-errors-spki-list=<SHA-256 of the
 * leaf's SubjectPublicKeyInfo>`: Chromium verifies the chain as usual and then forgives
 * the errors of a chain that holds that key (here: the unknown root). The hash comes from
 * Node's X.509 parser reading our PEM, so a page that loads proves Chromium read the same
 * key out of our DER; a leaf with another key from another CA is refused with
 * ERR_CERT_AUTHORITY_INVALID (and our server records Chromium's certificate_unknown
 * alert), so the switch is no blanket pass. Trusting the CA itself would need an NSS
 * database (certutil, not installed) or a managed policy; Playwright's `ignoreHTTPSErrors`
 * would accept any certificate at all.
 *
 * Skips, loudly, when chromium is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { type Browser, type CDPSession, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type H2ServerHandle, serveH2 } from '../../src/real/h2-server.ts';
import { serveHttp } from '../../src/real/http-server.ts';
import { serveHttps } from '../../src/real/https-server.ts';
import { pkiInit, pkiIssue } from '../../src/real/pki-files.ts';
import { type TraceEventOf, TraceBus } from '../../src/sim/trace.ts';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumOrWarn, EVALUATE_HELPERS } from '../web/browser.ts';

const available = chromiumOrWarn('the real-browser interop tests');

const IMAGES = 10;
const BIG = 3 * 1024 * 1024;

/** CRC-32 of PNG chunks (ISO 3309, PNG §5.5). */
function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** A valid width x 1 RGB PNG of one colour (PNG §11.2.2 IHDR, §11.2.4 IDAT, filter 0 rows). */
function png(width: number, rgb: readonly [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(1, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  const row = Buffer.alloc(1 + 3 * width); // filter byte 0, then the pixels
  for (let x = 0; x < width; x++) row.set(rgb, 1 + 3 * x);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(row)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

const INDEX = [
  '<!doctype html>',
  '<html><head><meta charset="utf-8"><title>netlab page</title>',
  '<link rel="icon" href="data:,">',
  '<link rel="stylesheet" href="/style.css">',
  '<script src="/app.js"></script>',
  '</head><body><h1>netlab</h1>',
  ...Array.from({ length: IMAGES }, (_, i) => `<img src="/img/${i}.png" alt="${i}">`),
  '</body></html>',
  '',
].join('\n');

interface PageReport {
  readonly images: { complete: boolean; width: number }[];
  readonly background: string;
  readonly script: string | undefined;
  readonly resources: { name: string; protocol: string }[];
  readonly navigation: string;
}

/** Network.responseReceived as DevTools reports it (the fields we compare). */
interface CdpResponse {
  readonly url: string;
  readonly status: number;
  readonly protocol?: string;
  readonly connectionId: number;
  readonly securityDetails?: {
    readonly protocol: string;
    readonly keyExchange: string;
    readonly keyExchangeGroup?: string;
    readonly cipher: string;
    readonly mac?: string;
    readonly subjectName: string;
    readonly sanList: readonly string[];
    readonly issuer: string;
  };
}

/** Counts a server's connections from its trace: opened, the most open at once, requests (also per connection). */
class ConnectionCounter {
  opened = 0;
  open = 0;
  maxOpen = 0;
  requests = 0;
  readonly perConnection = new Map<number, number>();

  constructor(trace: TraceBus) {
    trace.on('http.connection', (e) => {
      if (e.phase === 'open') {
        this.opened++;
        this.open++;
        this.maxOpen = Math.max(this.maxOpen, this.open);
      } else this.open--;
    });
    trace.on('http.request', (e) => {
      this.requests++;
      this.perConnection.set(e.connection, (this.perConnection.get(e.connection) ?? 0) + 1);
    });
  }
}

/**
 * Our suite and group names (IANA's, RFC 8446 §B.4 and RFC 5246 App. A.5) in the words
 * of Chromium's DevTools, which prints BoringSSL's: `TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256`
 * is key exchange 'ECDHE_ECDSA' and cipher 'AES_128_GCM'; a TLS 1.3 suite names no key
 * exchange (''), the group does: 'x25519' is 'X25519', 'secp256r1' is 'P-256'.
 */
function inChromiumWords(e: TraceEventOf<'tls.established'>): {
  protocol: string;
  keyExchange: string;
  keyExchangeGroup: string;
  cipher: string;
} {
  const m = /^TLS_(?:(\w+)_WITH_)?(\w+?)_(?:SHA256|SHA384)$/.exec(e.suite);
  if (!m) throw new Error(`unexpected suite ${e.suite}`);
  const groups: Record<string, string> = {
    x25519: 'X25519',
    secp256r1: 'P-256',
    secp384r1: 'P-384',
    secp521r1: 'P-521',
  };
  return {
    protocol: e.version,
    keyExchange: m[1] ?? '',
    keyExchangeGroup: groups[e.keyExchange] ?? e.keyExchange,
    cipher: m[2]!,
  };
}

/** The DER of each certificate in a PEM file, base64 (as DevTools' Network.getCertificate gives them). */
function pemDers(file: string): string[] {
  return [
    ...readFileSync(file, 'utf8').matchAll(/-----BEGIN CERTIFICATE-----([^-]+)-----END CERTIFICATE-----/g),
  ].map((m) => m[1]!.replace(/\s+/g, ''));
}

/** Starts `netlab serve ...` (the README's command) and resolves with the line it printed and its port. */
function netlabServe(
  args: readonly string[],
): Promise<{ child: ChildProcess; port: number; line: string; output: () => string }> {
  const bin = fileURLToPath(new URL('../../bin/netlab.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  child.stdout!.on('data', (d: Buffer) => {
    seen += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => {
    seen += d.toString();
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`netlab serve printed no port: ${seen}`));
    }, 30_000);
    const look = () => {
      const m = /^netlab: .* listening on \S+ port (\d+).*$/m.exec(seen);
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', look);
      resolve({ child, port: Number(m[1]), line: m[0], output: () => seen });
    };
    child.stdout!.on('data', look);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`netlab serve exited (${code}): ${seen}`));
    });
  });
}

describe.skipIf(!available)('Chromium against the real-mode servers', () => {
  let dir: string;
  let root: string;
  let leaf: { certFile: string; keyFile: string };
  /** A certificate of the same name from another CA, whose key Chromium was not told about. */
  let stranger: { certFile: string; keyFile: string };
  let bigSha: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'netlab-chromium-'));
    root = join(dir, 'site');
    mkdirSync(join(root, 'img'), { recursive: true });
    writeFileSync(join(root, 'index.html'), INDEX);
    writeFileSync(join(root, 'style.css'), 'body { background-color: rgb(1, 2, 3); }\n');
    writeFileSync(join(root, 'app.js'), "document.documentElement.dataset.script = 'ran';\n");
    for (let i = 0; i < IMAGES; i++)
      writeFileSync(join(root, 'img', `${i}.png`), png(i + 1, [i * 20, 100, 200]));
    const big = randomBytes(BIG);
    writeFileSync(join(root, 'big.bin'), big);
    bigSha = createHash('sha256').update(big).digest('hex');
    pkiInit(join(dir, 'pki'));
    leaf = pkiIssue(join(dir, 'pki'), ['localhost', '127.0.0.1']);
    pkiInit(join(dir, 'other'));
    stranger = pkiIssue(join(dir, 'other'), ['localhost']);
    const spki = new X509Certificate(readFileSync(leaf.certFile)).publicKey.export({
      type: 'spki',
      format: 'der',
    });
    const spkiHash = createHash('sha256').update(spki).digest('base64');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_FLAGS, `--ignore-certificate-errors-spki-list=${spkiHash}`],
    });
  });

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh context (its own connection pool and cache), a page and DevTools' Network domain on it. */
  async function open(): Promise<{
    page: Page;
    cdp: CDPSession;
    responses: CdpResponse[];
    close(): Promise<void>;
  }> {
    const context = await browser.newContext();
    await context.addInitScript({ content: EVALUATE_HELPERS });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    const responses: CdpResponse[] = [];
    cdp.on('Network.responseReceived', (e) => responses.push(e.response as unknown as CdpResponse));
    await cdp.send('Network.enable');
    return { page, cdp, responses, close: () => context.close() };
  }

  async function report(page: Page): Promise<PageReport> {
    return page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
      return {
        images: Array.from(document.images, (i) => ({ complete: i.complete, width: i.naturalWidth })),
        background: getComputedStyle(document.body).backgroundColor,
        script: document.documentElement.dataset.script,
        resources: (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({
          name: new URL(r.name).pathname,
          protocol: r.nextHopProtocol,
        })),
        navigation: nav.nextHopProtocol,
      };
    });
  }

  const SUBRESOURCES = [
    '/app.js',
    '/style.css',
    ...Array.from({ length: IMAGES }, (_, i) => `/img/${i}.png`),
  ].sort();

  /** Every subresource loaded and used, each fetched with `protocol`. */
  function expectPageLoaded(r: PageReport, protocol: string): void {
    expect(r.images).toEqual(Array.from({ length: IMAGES }, (_, i) => ({ complete: true, width: i + 1 })));
    expect(r.background).toBe('rgb(1, 2, 3)');
    expect(r.script).toBe('ran');
    expect(r.navigation).toBe(protocol);
    expect(r.resources.map((x) => x.name).sort()).toEqual(SUBRESOURCES);
    for (const x of r.resources) expect(x.protocol, x.name).toBe(protocol);
  }

  /** Chromium's connections (DevTools' connection ids) against the server's count. */
  function expectKeepAlive(responses: readonly CdpResponse[], counter: ConnectionCounter): void {
    const ids = new Set(responses.map((x) => x.connectionId));
    expect(counter.requests).toBe(1 + SUBRESOURCES.length);
    expect(responses).toHaveLength(counter.requests);
    // Every connection that carried a request, seen from both ends. Chromium may open one
    // more: its socket pool binds a request to whichever socket is ready first (late
    // binding), and a connect job that loses the race leaves an idle, unused socket.
    expect(counter.perConnection.size).toBe(ids.size);
    expect(counter.opened).toBeGreaterThanOrEqual(ids.size);
    // How many requests each connection carried, as Chromium and as our server counted them.
    const chromiumCounts = [...ids].map((id) => responses.filter((x) => x.connectionId === id).length);
    expect([...counter.perConnection.values()].sort()).toEqual(chromiumCounts.sort());
    expect(counter.opened).toBeLessThan(counter.requests); // connections were reused
    expect(counter.maxOpen).toBeLessThanOrEqual(6); // Chromium's per-host limit for HTTP/1.1
  }

  /** Our 404 as a browser sees it: the status and the text/plain page. */
  async function expectNotFound(page: Page, url: string): Promise<void> {
    const res = await page.goto(url);
    expect(res?.status()).toBe(404);
    expect(res?.headers()['content-type']).toBe('text/plain; charset=utf-8');
    expect(await res?.text()).toBe('Not Found\n');
  }

  it('serveHttp: the page and all its subresources over HTTP/1.1 keep-alive, at most 6 connections; our 404', async () => {
    const trace = new TraceBus();
    const counter = new ConnectionCounter(trace);
    const server = await serveHttp({ port: 0, root, trace });
    const { page, responses, close } = await open();
    try {
      const nav = await page.goto(`http://127.0.0.1:${server.port}/`);
      expect(nav?.status()).toBe(200);
      expectPageLoaded(await report(page), 'http/1.1');
      expectKeepAlive(responses, counter);
      await expectNotFound(page, `http://127.0.0.1:${server.port}/no/such/page`);
    } finally {
      await close();
      await server.close();
    }
  });

  for (const version of ['1.3', '1.2'] as const) {
    it(`serveHttps, TLS ${version}: Chromium's negotiated version, cipher, group and certificate are what our server reports`, async () => {
      const trace = new TraceBus();
      const counter = new ConnectionCounter(trace);
      const established: TraceEventOf<'tls.established'>[] = [];
      trace.on('tls.established', (e) => established.push(e));
      // What Chromium sent, connection by connection: the message types, and the ClientHello's session id.
      const sent = new Map<string, string[]>();
      trace.on('tls.handshake', (e) => {
        if (e.direction !== 'received') return;
        const list = sent.get(e.peer) ?? [];
        sent.set(e.peer, list);
        list.push(
          e.details.type === 'ClientHello' ? `ClientHello/${e.details.sessionId.length / 2}` : e.details.type,
        );
      });
      const server = await serveHttps({
        port: 0,
        root,
        trace,
        certFile: leaf.certFile,
        keyFile: leaf.keyFile,
        ...(version === '1.2' ? { versions: ['1.2'] } : {}),
      });
      const { page, cdp, responses, close } = await open();
      try {
        const origin = `https://localhost:${server.port}`;
        const nav = await page.goto(`${origin}/`);
        expect(nav?.status()).toBe(200);
        expectPageLoaded(await report(page), 'http/1.1');
        expectKeepAlive(responses, counter);
        // BoringSSL's TLS 1.3 middlebox compatibility (RFC 8446 Appendix D.4), as the lab's
        // browser does it: a 32-byte legacy_session_id, and a ChangeCipherSpec before Finished.
        expect(sent.size).toBe(counter.opened);
        for (const flight of sent.values())
          expect(flight).toEqual(
            version === '1.3'
              ? ['ClientHello/32', 'ChangeCipherSpec', 'Finished']
              : ['ClientHello/32', 'ClientKeyExchange', 'ChangeCipherSpec', 'Finished'],
          );
        expect(server.handshakes).toEqual({ ok: counter.opened, failed: 0 });
        expect(established).toHaveLength(counter.opened);
        // What we negotiated, as our trace says it and as Chromium says it, for every connection.
        const ours = established[0]!;
        expect([ours.version, ours.suite, ours.keyExchange, ours.alpn, ours.serverName]).toEqual(
          version === '1.3'
            ? ['TLS 1.3', 'TLS_AES_128_GCM_SHA256', 'x25519', 'http/1.1', 'localhost']
            : ['TLS 1.2', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'x25519', 'http/1.1', 'localhost'],
        );
        for (const e of established) expect(inChromiumWords(e)).toEqual(inChromiumWords(ours));
        const cert = new X509Certificate(readFileSync(leaf.certFile));
        for (const x of responses) {
          expect(x.protocol, x.url).toBe('http/1.1');
          expect(x.securityDetails, x.url).toMatchObject({
            ...inChromiumWords(ours),
            subjectName: 'localhost',
            sanList: ['localhost', '127.0.0.1'],
            issuer: 'netlab Local CA',
          });
        }
        expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1');
        // The chain Chromium received is our PEM's DER, byte for byte.
        const got = (await cdp.send('Network.getCertificate', { origin })) as { tableNames: string[] };
        expect(got.tableNames).toEqual(pemDers(leaf.certFile));
      } finally {
        await close();
        await server.close();
      }
    });
  }

  it('serveHttps with a key Chromium was not told about: ERR_CERT_AUTHORITY_INVALID, and our server sees the alert', async () => {
    const trace = new TraceBus();
    const failed: TraceEventOf<'tls.failed'>[] = [];
    trace.on('tls.failed', (e) => failed.push(e));
    const server = await serveHttps({
      port: 0,
      root,
      trace,
      certFile: stranger.certFile,
      keyFile: stranger.keyFile,
    });
    const { page, close } = await open();
    try {
      await expect(page.goto(`https://localhost:${server.port}/`)).rejects.toThrow(
        /net::ERR_CERT_AUTHORITY_INVALID/,
      );
      // Chromium checks the chain after the handshake messages and answers with an alert.
      expect(server.handshakes.ok).toBe(0);
      expect(server.handshakes.failed).toBeGreaterThanOrEqual(1);
      expect(failed).toHaveLength(server.handshakes.failed);
      for (const f of failed)
        expect([f.role, f.code, f.alert]).toEqual(['server', 'tls-alert-received', 'certificate_unknown']);
    } finally {
      await close();
      await server.close();
    }
  });

  for (const version of ['1.3', '1.2'] as const) {
    it(`serveHttps requiring a client certificate, TLS ${version}: Chromium has none to give, ERR_BAD_SSL_CLIENT_AUTH_CERT`, async () => {
      const trace = new TraceBus();
      const failed: TraceEventOf<'tls.failed'>[] = [];
      trace.on('tls.failed', (e) => failed.push(e));
      const server = await serveHttps({
        port: 0,
        root,
        trace,
        certFile: leaf.certFile,
        keyFile: leaf.keyFile,
        clientCa: join(dir, 'pki', 'ca.crt'),
        requireClientCertificate: true,
        ...(version === '1.2' ? { versions: ['1.2'] } : {}),
      });
      try {
        // Chromium asks its embedder for a certificate (headless has none to pick) and
        // reconnects answering with an empty Certificate. Once, under load, the first
        // attempt ended in ERR_SOCKET_NOT_CONNECTED instead; a fresh context tries again.
        let error = '';
        for (let attempt = 0; attempt < 3; attempt++) {
          const { page, close } = await open();
          error = await page.goto(`https://localhost:${server.port}/`).then(
            () => 'loaded',
            (e: Error) => e.message,
          );
          await close();
          if (!/ERR_SOCKET_NOT_CONNECTED/.test(error)) break;
        }
        expect(error).toMatch(/^page\.goto: net::ERR_BAD_SSL_CLIENT_AUTH_CERT at /);
        // What our server saw: no handshake completed; every traced failure is its own
        // alert for the missing certificate (RFC 8446 §4.4.2.4, RFC 5246 §7.4.6).
        expect(server.handshakes.ok).toBe(0);
        expect(failed.length).toBeGreaterThanOrEqual(1);
        for (const f of failed)
          expect([f.role, f.code, f.alert]).toEqual([
            'server',
            'tls-protocol',
            version === '1.3' ? 'certificate_required' : 'handshake_failure',
          ]);
      } finally {
        await server.close();
      }
    });
  }

  it('serveH2: one TLS connection with ALPN h2 for the page and every subresource; no push to a client that disables it; 3 MB intact; our 404', async () => {
    const trace = new TraceBus();
    const frames: TraceEventOf<'h2.frame'>[] = [];
    const exchanges: TraceEventOf<'h2.exchange'>[] = [];
    const established: TraceEventOf<'tls.established'>[] = [];
    trace.on('h2.frame', (e) => frames.push(e));
    trace.on('h2.exchange', (e) => exchanges.push(e));
    trace.on('tls.established', (e) => established.push(e));
    const server: H2ServerHandle = await serveH2({
      port: 0,
      root,
      trace,
      cert: leaf.certFile,
      key: leaf.keyFile,
      push: { '/': ['/style.css', '/app.js'], '/index.html': ['/style.css', '/app.js'] },
    });
    const { page, responses, close } = await open();
    try {
      const origin = `https://localhost:${server.port}`;
      const nav = await page.goto(`${origin}/`);
      expect(nav?.status()).toBe(200);
      expectPageLoaded(await report(page), 'h2');
      expect(new Set(responses.map((x) => x.protocol))).toEqual(new Set(['h2']));
      expect(new Set(responses.map((x) => x.connectionId)).size).toBe(1);
      expect(server.connections).toBe(1);
      expect(established.map((e) => [e.version, e.alpn])).toEqual([['TLS 1.3', 'h2']]);
      expect(exchanges.map((e) => e.path).sort()).toEqual(['/', ...SUBRESOURCES].sort());

      const big = await page.evaluate(async () => {
        const body = await (await fetch('/big.bin')).arrayBuffer();
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
        return {
          length: body.byteLength,
          sha: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join(''),
        };
      });
      expect(big).toEqual({ length: BIG, sha: bigSha });
      await expectNotFound(page, `${origin}/no/such/page`);
      expect(server.connections).toBe(1);

      // Chromium removed server push in version 106: it announces SETTINGS_ENABLE_PUSH = 0
      // (RFC 9113 §6.5.2), and our server, though told to push, sends no PUSH_PROMISE.
      const major = Number(/^(\d+)\./.exec(browser.version())?.[1]);
      expect(major).toBeGreaterThanOrEqual(106);
      expect(server.open).toHaveLength(1);
      expect(server.open[0]!.conn.remoteSettings.enablePush).toBe(false);
      expect(frames.filter((f) => f.frameType === 'PUSH_PROMISE')).toEqual([]);
      expect(exchanges.every((e) => !e.pushed)).toBe(true);

      // Chromium's SETTINGS (net/spdy: a 64 KiB HPACK table, 6 MiB stream windows, 256 KiB
      // header lists) as our server applied them.
      expect(server.open[0]!.conn.remoteSettings).toMatchObject({
        headerTableSize: 65536,
        initialWindowSize: 6 * 1024 * 1024,
        maxFrameSize: 16384,
        maxHeaderListSize: 262144,
      });
      // Flow control: 3 MB is more than the connection's initial 65,535-octet window
      // (RFC 9113 §6.9.2), so our server had to wait for, and apply, Chromium's
      // connection-level WINDOW_UPDATE before sending past it; frames fit SETTINGS_MAX_FRAME_SIZE.
      const bigStream = exchanges.find((e) => e.path === '/big.bin')!;
      expect(bigStream.bodyBytes).toBe(BIG);
      const data = frames.filter(
        (f) => f.direction === 'sent' && f.frameType === 'DATA' && f.streamId === bigStream.streamId,
      );
      expect(data.reduce((n, f) => n + f.length, 0)).toBe(BIG);
      expect(Math.max(...data.map((f) => f.length))).toBe(16384);
      let sent = 0;
      const pastInitialWindow = frames.findIndex(
        (f) => f.direction === 'sent' && f.frameType === 'DATA' && (sent += f.length) > 65535,
      );
      const connectionUpdate = frames.findIndex(
        (f) => f.direction === 'received' && f.frameType === 'WINDOW_UPDATE' && f.streamId === 0,
      );
      expect(connectionUpdate).toBeGreaterThanOrEqual(0);
      expect(connectionUpdate).toBeLessThan(pastInitialWindow);
    } finally {
      await close();
      await server.close();
    }
  });

  it('netlab serve https (the README command, --keylog too): Chromium loads the page; the key log has its secrets', async () => {
    const keylog = join(dir, 'keys.log');
    const served = await netlabServe([
      'https',
      '--port',
      '0',
      '--cert',
      leaf.certFile,
      '--key',
      leaf.keyFile,
      '--root',
      root,
      '--keylog',
      keylog,
    ]);
    const exited = new Promise<number | null>((r) => served.child.once('exit', (code) => r(code)));
    const { page, responses, close } = await open();
    try {
      expect(served.line).toBe(
        `netlab: HTTPS server listening on 127.0.0.1 port ${served.port}, serving ${root}: https://127.0.0.1:${served.port}/`,
      );
      const nav = await page.goto(`https://localhost:${served.port}/`);
      expect(nav?.status()).toBe(200);
      expectPageLoaded(await report(page), 'http/1.1');
      // Five TLS 1.3 secrets (NSS key log format) per handshake Chromium made, each under its ClientHello.random.
      const lines = readFileSync(keylog, 'utf8').trimEnd().split('\n');
      for (const line of lines) {
        expect(line).toMatch(
          /^(CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0|EXPORTER_SECRET) [0-9a-f]{64} [0-9a-f]{64}$/,
        );
      }
      // Chromium may finish one handshake more than it uses (see expectKeepAlive).
      const connections = new Set(responses.map((x) => x.connectionId)).size;
      const randoms = new Set(lines.map((l) => l.split(' ')[1])).size;
      expect(randoms).toBeGreaterThanOrEqual(connections);
      expect(randoms).toBeLessThanOrEqual(6);
      expect(lines).toHaveLength(5 * randoms);
    } finally {
      await close();
      served.child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(served.output()).toMatch(/netlab: https server stopped\n$/);
  });
});
