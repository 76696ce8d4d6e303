/**
 * Interop of netlab's HTTP/1.x with real tools, over real sockets on 127.0.0.1:
 * - real curl (7.88.1 on Debian 12) against netlab's real-mode server: GET, HEAD,
 *   HTTP/1.0, keep-alive reuse, conditional GET, a streamed large file;
 * - raw pipelining: three requests in one write, three responses in order;
 * - bad input over a socket: 400 / 431 and a closed connection;
 * - netlab's own curl (realCurl) against Python's http.server and netlab's server, with
 *   its -v output compared line for line to real curl's on the same URLs (masking the
 *   run-to-run fields: Date, connect time, curl's bundle pointer).
 *
 * Skips with a loud warning when curl or python3 is not installed (CI installs both).
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileEtag } from '../../src/application/http/static-files.ts';
import { type RealCurlOptions, realCurl } from '../../src/real/http-client.ts';
import { type HttpServerHandle, serveHttp } from '../../src/real/http-server.ts';

const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
const hasPython = spawnSync('python3', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasCurl)
  console.warn(
    '\n*** curl is not installed: HTTP interop tests with curl are SKIPPED (apt-get install curl) ***\n',
  );
if (!hasPython)
  console.warn('\n*** python3 is not installed: HTTP interop tests with http.server are SKIPPED ***\n');

const INDEX = '<!doctype html>\n<title>netlab</title>\n<p>hello from netlab</p>\n';
const BIG = Buffer.alloc(3 * 1024 * 1024 + 17, 0);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + 7) & 0xff;

let root: string;
let ours: HttpServerHandle;
let python: ChildProcess | undefined;
let pythonPort = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'netlab-http-'));
  writeFileSync(join(root, 'index.html'), INDEX);
  writeFileSync(join(root, 'style.css'), 'body { color: teal }\n');
  writeFileSync(join(root, 'big.bin'), BIG);
  mkdirSync(join(root, 'docs'));
  writeFileSync(join(root, 'docs', 'index.html'), '<h1>docs</h1>\n');
  ours = await serveHttp({ port: 0, root });
  if (hasPython) {
    const p = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', root], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    python = p;
    pythonPort = await new Promise<number>((resolve, reject) => {
      let seen = '';
      const timer = setTimeout(() => reject(new Error(`python http.server did not start: ${seen}`)), 10_000);
      p.stdout!.on('data', (d: Buffer) => {
        seen += d.toString();
        const m = /port (\d+)/.exec(seen);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
    });
  }
});

afterAll(async () => {
  python?.kill();
  await ours?.close();
});

interface CurlRun {
  code: number;
  stdout: Buffer;
  stderr: string;
}

/** Runs the real curl (asynchronously: our server lives in this process). */
function curl(...args: string[]): Promise<CurlRun> {
  return new Promise((resolve) => {
    execFile('curl', args, { encoding: 'buffer', maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code =
        err && typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 0;
      resolve({ code, stdout, stderr: stderr.toString('latin1') });
    });
  });
}

function lines(stderr: string): string[] {
  return stderr
    .split('\n')
    .filter((l, i, all) => l !== '' || i < all.length - 1)
    .map((l) => l.replace(/\r$/, ''));
}

/** Masks what differs from run to run. */
function mask(ls: readonly string[]): string[] {
  return ls.map((l) =>
    l
      .replace(/^< Date: .*/i, '< Date: X')
      .replace(/after \d+ ms/, 'after N ms')
      .replace(/Found bundle for host: 0x[0-9a-f]+/, 'Found bundle for host: 0xP'),
  );
}

/** A raw socket exchange: writes `data`, returns everything until the server closes. */
function raw(port: number, data: string | Buffer, end = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.write(data);
      if (end) s.end();
    });
    const chunks: Buffer[] = [];
    s.on('data', (d) => chunks.push(d));
    s.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', (e) => (chunks.length ? resolve(Buffer.concat(chunks).toString('latin1')) : reject(e)));
    setTimeout(() => s.destroy(), 8000);
  });
}

describe.skipIf(!hasCurl)('real curl against netlab serve http', () => {
  const url = (p: string) => `http://127.0.0.1:${ours.port}${p}`;

  it('GET /: 200, the index file, HTML type, and a kept connection', async () => {
    const r = await curl('-sS', '-v', url('/'));
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(INDEX);
    const ls = lines(r.stderr);
    expect(ls).toContain('< HTTP/1.1 200 OK');
    expect(ls).toContain('< Content-Type: text/html; charset=utf-8');
    expect(ls).toContain(`< Content-Length: ${INDEX.length}`);
    expect(ls).toContain('< Server: netlab');
    expect(ls.at(-1)).toBe('* Connection #0 to host 127.0.0.1 left intact');
  });

  it('two URLs in one curl: the second re-uses the kept-alive connection', async () => {
    const r = await curl('-sS', '-v', url('/'), url('/style.css'));
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe(`${INDEX}body { color: teal }\n`);
    expect(lines(r.stderr)).toContain('* Re-using existing connection #0 with host 127.0.0.1');
  });

  it('--http1.0: one request, Connection: close, curl closes', async () => {
    const r = await curl('-sS', '-v', '--http1.0', url('/style.css'));
    expect(r.code).toBe(0);
    const ls = lines(r.stderr);
    expect(ls).toContain('> GET /style.css HTTP/1.0');
    expect(ls).toContain('< Connection: close');
    expect(ls.at(-1)).toBe('* Closing connection 0');
  });

  it('-I: HEAD gives the headers of GET and no body', async () => {
    const r = await curl('-sS', '-I', url('/big.bin'));
    expect(r.code).toBe(0);
    const head = r.stdout.toString('latin1');
    expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(head).toContain(`Content-Length: ${BIG.length}\r\n`);
    expect(head).toContain('Content-Type: application/octet-stream\r\n');
    expect(head.endsWith('\r\n\r\n')).toBe(true);
  });

  it('streams a 3 MB file intact', async () => {
    const r = await curl('-sS', url('/big.bin'));
    expect(r.code).toBe(0);
    expect(createHash('sha256').update(r.stdout).digest('hex')).toBe(
      createHash('sha256').update(BIG).digest('hex'),
    );
  });

  it('conditional GET: If-None-Match with the ETag answers 304', async () => {
    const first = await curl('-sS', '-i', url('/style.css'));
    const etag = /ETag: (".*?")\r\n/.exec(first.stdout.toString())![1]!;
    expect(etag).toMatch(/^"[0-9a-f]+-15"$/);
    const r = await curl('-sS', '-i', '-H', `If-None-Match: ${etag}`, url('/style.css'));
    expect(r.stdout.toString()).toMatch(/^HTTP\/1\.1 304 Not Modified\r\n/);
    void fileEtag;
  });

  it('404 for a missing file, 301 for a directory without its slash', async () => {
    expect((await curl('-sS', '-i', url('/nope'))).stdout.toString()).toMatch(
      /^HTTP\/1\.1 404 Not Found\r\n/,
    );
    const dir = (await curl('-sS', '-i', url('/docs'))).stdout.toString();
    expect(dir).toMatch(/^HTTP\/1\.1 301 Moved Permanently\r\n/);
    expect(dir).toContain('Location: /docs/\r\n');
  });
});

describe('raw sockets against netlab serve http', () => {
  it('answers 3 pipelined requests, written at once, in order', async () => {
    const reqs = ['/style.css', '/', '/docs/']
      .map((p, i) => `GET ${p} HTTP/1.1\r\nHost: x\r\n${i === 2 ? 'Connection: close\r\n' : ''}\r\n`)
      .join('');
    const reply = await raw(ours.port, reqs);
    const statuses = [...reply.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => m[1]);
    expect(statuses).toEqual(['200', '200', '200']);
    const a = reply.indexOf('body { color: teal }');
    const b = reply.indexOf('hello from netlab');
    const c = reply.indexOf('<h1>docs</h1>');
    expect(a).toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    expect(c).toBeGreaterThan(b);
  });

  it('malformed request line -> 400 and the connection closes', async () => {
    const reply = await raw(ours.port, 'GET / HTTP/1.1 nonsense\r\nHost: x\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(reply).toContain('Connection: close\r\n');
  });

  it('1 MB of header -> 431', async () => {
    const reply = await raw(
      ours.port,
      Buffer.from(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(1 << 20)}\r\n\r\n`),
    );
    expect(reply).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it('Content-Length and Transfer-Encoding -> 400, bad chunk size -> 400', async () => {
    const cte = await raw(
      ours.port,
      'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
    );
    expect(cte).toMatch(/^HTTP\/1\.1 400 /);
    const chunk = await raw(
      ours.port,
      'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nnope\r\n',
    );
    expect(chunk).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe.skipIf(!hasCurl)("netlab's curl prints what real curl prints", () => {
  async function compare(
    urls: string[],
    curlArgs: string[] = [],
    opts: Partial<RealCurlOptions> = {},
    maskDataCount = false,
  ) {
    const real = await curl('-sS', '-v', ...curlArgs, ...urls);
    const mine = await realCurl({ url: urls, verbose: true, silent: true, showError: true, ...opts });
    expect(mine.exitCode).toBe(real.code);
    const m = (ls: readonly string[]) =>
      maskDataCount
        ? mask(ls).map((l) => l.replace(/^\{ \[\d+ bytes data\]$/, '{ [N bytes data]'))
        : mask(ls);
    expect(m(mine.stderr)).toEqual(m(lines(real.stderr)));
    expect(Buffer.from(mine.stdout).equals(real.stdout)).toBe(true);
    return mine;
  }

  it('against netlab serve http: one URL, two URLs (reuse), HTTP/1.0, HEAD, POST', async () => {
    const u = (p: string) => `http://127.0.0.1:${ours.port}${p}`;
    await compare([u('/')]);
    await compare([u('/'), u('/style.css')]);
    await compare([u('/style.css')], ['--http1.0'], { http10: true });
    await compare([u('/style.css')], ['-I'], { head: true });
    await compare([u('/nope')], ['-d', 'a=1&b=2'], { data: 'a=1&b=2' });
  });

  it('downloads a 3 MB file intact, as real curl does', async () => {
    // How much the first read of a large body brings depends on socket buffering, not on
    // HTTP: the `{ [N bytes data]` count is masked here.
    const mine = await compare([`http://127.0.0.1:${ours.port}/big.bin`], [], {}, true);
    expect(createHash('sha256').update(mine.stdout).digest('hex')).toBe(
      createHash('sha256').update(BIG).digest('hex'),
    );
  });

  it.skipIf(!hasPython)(
    "against Python's http.server (HTTP/1.0): assume close, Closing connection",
    async () => {
      const mine = await compare([`http://127.0.0.1:${pythonPort}/`]);
      expect(mine.stderr).toContain('* HTTP 1.0, assume close after body');
      expect(new TextDecoder().decode(mine.stdout)).toBe(INDEX);
      await compare([`http://127.0.0.1:${pythonPort}/docs/`, `http://127.0.0.1:${pythonPort}/style.css`]);
      await compare([`http://127.0.0.1:${pythonPort}/missing`], ['-i'], { include: true });
    },
  );

  it('connection refused: exit 7 with the same lines', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const mine = await compare([`http://127.0.0.1:${closed}/`]);
    expect(mine.exitCode).toBe(7);
  });
});
