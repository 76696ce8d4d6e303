/**
 * HTTP/2 interop with real implementations, on 127.0.0.1 with ephemeral ports:
 *
 * - our server (src/real/h2-server.ts), h2c with prior knowledge and TLS + ALPN h2,
 *   fetched by curl (libcurl + nghttp2), nghttp (nghttp2-client) including server push and
 *   tiny flow-control windows, and loaded by h2load;
 * - our client (src/real/h2-client.ts) fetching from Node's own node:http2 server (a
 *   different implementation: Node's bundled nghttp2 behind its own API), cleartext and
 *   TLS, including push, and from nghttpd when it is installed.
 *
 * Every test skips with a loud warning when its tool is missing.
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectH2, fetchH2, parseH2Url } from '../../src/real/h2-client.ts';
import { type H2ServerHandle, serveH2 } from '../../src/real/h2-server.ts';

const available = new Map<string, boolean>();
function has(tool: string): boolean {
  if (!available.has(tool)) {
    const r = spawnSync(tool, tool === 'openssl' ? ['version'] : ['--version'], { stdio: 'ignore' });
    available.set(tool, r.status === 0);
    if (r.status !== 0) {
      console.warn(
        `SKIPPED: ${tool} is not installed, so its HTTP/2 interop tests did not run (apt-get install nghttp2-client curl openssl).`,
      );
    }
  }
  return available.get(tool)!;
}

/** Runs a tool without blocking the event loop (our server lives in this process). */
function run(
  cmd: string,
  args: string[],
  timeoutMs = 30_000,
): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      { encoding: 'buffer', maxBuffer: 64 << 20, timeout: timeoutMs },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        resolve({ code, stdout, stderr: stderr.toString('utf8') });
      },
    );
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
let bigFile: Uint8Array;
let certPem = '';
let keyPem = '';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netlab-h2-'));
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><link rel=stylesheet href=/style.css><script src=/app.js></script>\n',
  );
  writeFileSync(join(dir, 'style.css'), 'body { font-family: sans-serif }\n');
  writeFileSync(join(dir, 'app.js'), 'console.log("pushed");\n');
  bigFile = new Uint8Array(3_000_000);
  for (let i = 0; i < bigFile.length; i++) bigFile[i] = (i * 2654435761) >>> 24;
  writeFileSync(join(dir, 'big.bin'), bigFile);
  if (has('openssl')) {
    const r = await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
    ]);
    if (r.code === 0) {
      certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');
      keyPem = readFileSync(join(dir, 'key.pem'), 'utf8');
    }
  }
});

describe('our HTTP/2 server, h2c prior knowledge', () => {
  let server: H2ServerHandle;
  let base: string;
  beforeAll(async () => {
    server = await serveH2({
      port: 0,
      root: dir,
      cleartext: true,
      push: { '/index.html': ['/style.css', '/app.js'] },
    });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  it.skipIf(!has('curl'))('curl --http2-prior-knowledge fetches a page', async () => {
    const r = await run('curl', ['-sv', '--http2-prior-knowledge', `${base}/style.css`]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('body { font-family: sans-serif }\n');
    expect(r.stderr).toMatch(/^< HTTP\/2 200 \r?$/m);
    expect(r.stderr).toMatch(/^< content-type: text\/css; charset=utf-8\r?$/m);
    expect(r.stderr).toMatch(/^< content-length: 33\r?$/m);
  });

  it.skipIf(!has('curl'))('curl gets a 3 MB file intact through flow control, and a 404', async () => {
    const r = await run('curl', ['-s', '--http2-prior-knowledge', `${base}/big.bin`]);
    expect(r.code).toBe(0);
    expect(sha(r.stdout)).toBe(sha(bigFile));
    const missing = await run('curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_version} %{http_code}',
      '--http2-prior-knowledge',
      `${base}/nope`,
    ]);
    expect(missing.stdout.toString()).toBe('2 404');
  });

  it.skipIf(!has('nghttp'))(
    'nghttp -v receives the page and the two pushed resources, no errors',
    async () => {
      const r = await run('nghttp', ['-nv', `${base}/index.html`]);
      expect(r.code).toBe(0);
      const out = r.stdout.toString();
      expect(out.match(/recv PUSH_PROMISE frame/g)).toHaveLength(2);
      expect(out).toContain('(padlen=0, promised_stream_id=2)');
      expect(out).toContain('(padlen=0, promised_stream_id=4)');
      expect(out.match(/; First push response header/g)).toHaveLength(2);
      expect(out).toContain('recv (stream_id=13) :status: 200');
      expect(out).toContain('[SETTINGS_NO_RFC7540_PRIORITIES(0x09):1]');
      expect(out).not.toMatch(/\[ERROR\]|error_code=(?!NO_ERROR)/);
    },
  );

  it.skipIf(!has('nghttp'))(
    'nghttp with 1 KiB stream windows and 32 KiB connection window gets the big file',
    async () => {
      const r = await run('nghttp', ['-w', '10', '-W', '15', `${base}/big.bin`]);
      expect(r.code).toBe(0);
      expect(sha(r.stdout)).toBe(sha(bigFile));
    },
  );

  it.skipIf(!has('nghttp'))('nghttp multiplexes several URLs on one connection', async () => {
    const r = await run('nghttp', [
      '-nv',
      `${base}/index.html`,
      `${base}/style.css`,
      `${base}/app.js`,
      `${base}/big.bin`,
    ]);
    expect(r.code).toBe(0);
    const out = r.stdout.toString();
    expect(out.match(/\[ *[\d.]+\] Connected/g)).toHaveLength(1);
    expect(out.match(/; First response header/g)).toHaveLength(4);
  });

  it.skipIf(!has('h2load'))(
    'h2load: 5000 requests on 4 connections, 16 streams each, all succeed',
    async () => {
      const r = await run('h2load', ['-n', '5000', '-c', '4', '-m', '16', `${base}/style.css`]);
      const out = r.stdout.toString();
      expect(out).toContain(
        'requests: 5000 total, 5000 started, 5000 done, 5000 succeeded, 0 failed, 0 errored, 0 timeout',
      );
      expect(out).toContain('status codes: 5000 2xx, 0 3xx, 0 4xx, 0 5xx');
    },
  );
});

describe.each(['netlab', 'node'] as const)('our HTTP/2 server over TLS (%s TLS) with ALPN h2', (tlsImpl) => {
  let server: H2ServerHandle | undefined;
  beforeAll(async () => {
    if (certPem) server = await serveH2({ port: 0, root: dir, cert: certPem, key: keyPem, tls: tlsImpl });
  });
  afterAll(() => server?.close());

  it.skipIf(!has('h2load') || !has('openssl'))('h2load over TLS: 2000 requests, all succeed', async () => {
    const r = await run('h2load', [
      '-n',
      '2000',
      '-c',
      '2',
      '-m',
      '10',
      `https://127.0.0.1:${server!.port}/style.css`,
    ]);
    const out = r.stdout.toString();
    expect(out).toMatch(/Application protocol: h2/);
    expect(out).toContain('requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed');
  });

  it.skipIf(!has('curl') || !has('openssl'))('curl --http2 negotiates h2 and fetches', async () => {
    const r = await run('curl', [
      '-sv',
      '--http2',
      '--cacert',
      join(dir, 'cert.pem'),
      `https://localhost:${server!.port}/app.js`,
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toBe('console.log("pushed");\n');
    expect(r.stderr).toMatch(/ALPN: server accepted h2/);
    expect(r.stderr).toMatch(/^< HTTP\/2 200 \r?$/m);
  });

  it.skipIf(!has('nghttp') || !has('openssl'))('nghttp over TLS', async () => {
    const r = await run('nghttp', ['-nv', `https://127.0.0.1:${server!.port}/index.html`]);
    expect(r.code).toBe(0);
    expect(r.stdout.toString()).toContain('recv (stream_id=13) :status: 200');
  });

  it.skipIf(!has('curl') || !has('openssl'))('a client that does not offer h2 is refused', async () => {
    const r = await run('curl', [
      '-s',
      '--http1.1',
      '--cacert',
      join(dir, 'cert.pem'),
      `https://localhost:${server!.port}/`,
    ]);
    expect(r.code).not.toBe(0);
  });
});

describe('our HTTP/2 client against node:http2', () => {
  let node: http2.Http2Server;
  let port = 0;
  beforeAll(async () => {
    node = http2.createServer();
    node.on('stream', (stream, headers) => {
      const path = headers[':path'];
      if (path === '/echo') {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const body = Buffer.concat(chunks);
          stream.respond({ ':status': 200, 'x-sha256': sha(body) });
          stream.end(body);
        });
        return;
      }
      if (path === '/page') {
        stream.pushStream({ ':path': '/pushed.css' }, (err, push) => {
          if (err) return;
          push.respond({ ':status': 200, 'content-type': 'text/css' });
          push.end('p { color: red }');
        });
      }
      stream.respond({ ':status': 200, 'content-type': 'text/plain', 'x-path': String(path) });
      stream.end(`node says ${path}`);
    });
    await new Promise<void>((r) => node.listen(0, '127.0.0.1', () => r()));
    port = (node.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => node.close(() => r())));

  it('fetches 50 URLs multiplexed on one connection', async () => {
    const urls = Array.from({ length: 50 }, (_, i) => `http://127.0.0.1:${port}/n/${i}`);
    const rs = await fetchH2(urls);
    expect(rs.map((r) => new TextDecoder().decode(r.body))).toEqual(
      urls.map((u) => `node says ${parseH2Url(u).path}`),
    );
    expect(new Set(rs.map((r) => r.streamId)).size).toBe(50);
    expect(rs[0]!.header('x-path')).toBe('/n/0');
  });

  it('uploads 2 MB and gets it back intact', async () => {
    const body = new Uint8Array(2_000_000).map((_, i) => i % 251);
    const [r] = await fetchH2([`http://127.0.0.1:${port}/echo`], { method: 'POST', body });
    expect(r!.header('x-sha256')).toBe(sha(body));
    expect(sha(r!.body)).toBe(sha(body));
  });

  it('accepts node’s server push into the push cache', async () => {
    const { client } = await connectH2(parseH2Url(`http://127.0.0.1:${port}/`).origin);
    const page = await client.request({ path: '/page' });
    expect(page.status).toBe(200);
    const css = await client.request({ path: '/pushed.css' });
    expect([css.pushed, new TextDecoder().decode(css.body)]).toEqual([true, 'p { color: red }']);
    await client.close();
  });
});

describe.each(['netlab', 'node'] as const)(
  'our HTTP/2 client (%s TLS) against node:http2 over TLS',
  (tlsImpl) => {
    let node: http2.Http2SecureServer | undefined;
    let port = 0;
    beforeAll(async () => {
      if (!certPem) return;
      node = http2.createSecureServer({ cert: certPem, key: keyPem });
      node.on('stream', (stream) => {
        stream.respond({ ':status': 200 });
        stream.end('secure hello');
      });
      await new Promise<void>((r) => node!.listen(0, '127.0.0.1', () => r()));
      port = (node.address() as { port: number }).port;
    });
    afterAll(() => (node ? new Promise<void>((r) => node!.close(() => r())) : undefined));

    it.skipIf(!has('openssl'))('negotiates ALPN h2 and verifies the certificate against its CA', async () => {
      const [r] = await fetchH2([`https://localhost:${port}/`], { ca: certPem, tls: tlsImpl });
      expect(new TextDecoder().decode(r!.body)).toBe('secure hello');
      // Not signed by a CA the client trusts (Node's bundled Mozilla roots).
      await expect(fetchH2([`https://localhost:${port}/`], { tls: tlsImpl })).rejects.toThrow(
        /self.signed|certificate|unknown.ca|issuer/i,
      );
      const [insecure] = await fetchH2([`https://localhost:${port}/`], { insecure: true, tls: tlsImpl });
      expect(insecure!.status).toBe(200);
    });
  },
);

describe('our HTTP/2 client against nghttpd', () => {
  it.skipIf(!has('nghttpd'))('fetches a file nghttpd serves', async () => {
    const { spawn } = await import('node:child_process');
    const probe = http2.createServer();
    const port = await new Promise<number>((r) =>
      probe.listen(0, '127.0.0.1', () => r((probe.address() as { port: number }).port)),
    );
    await new Promise<void>((r) => probe.close(() => r()));
    const proc = spawn('nghttpd', ['--no-tls', '-d', dir, String(port)], { stdio: 'ignore' });
    try {
      await new Promise((r) => setTimeout(r, 500));
      const [r] = await fetchH2([`http://127.0.0.1:${port}/style.css`]);
      expect(new TextDecoder().decode(r!.body)).toBe('body { font-family: sans-serif }\n');
    } finally {
      proc.kill();
    }
  });
});
