import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../sim/simulator.ts';
import { SECOND } from '../../sim/time.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { memoryFiles } from './file-source.ts';
import { Router } from './router.ts';
import { staticFiles } from './static-files.ts';
import { bytes, readAll, simServer, text } from './test-helpers.ts';

const SITE = memoryFiles({
  '/index.html': '<!doctype html><title>netlab</title><img src="/img/logo.png">',
  '/img/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  '/docs/index.html': '<h1>docs</h1>',
  '/style.css': 'body{}',
  '/data.bin': new Uint8Array(3),
});

const DATE = 'Date: Wed, 01 Jan 2025 00:00:00 GMT\r\n';

/** Sends `request` on a fresh connection, returns everything the server sent until it closed. */
async function exchange(connect: () => ByteStream, request: string | Uint8Array, sim: Simulator) {
  const s = connect();
  let reply = '';
  const done = (async () => {
    await s.write(typeof request === 'string' ? bytes(request) : request);
    await s.end();
    reply = await readAll(s);
  })();
  await sim.run();
  await done;
  return reply;
}

describe('serving static files', () => {
  it('answers GET / with index.html, its type, length, validators, Date and Server', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    const reply = await exchange(connect, 'GET / HTTP/1.1\r\nHost: site\r\n\r\n', sim);
    const body = '<!doctype html><title>netlab</title><img src="/img/logo.png">';
    expect(reply).toBe(
      'HTTP/1.1 200 OK\r\n' +
        'Content-Type: text/html; charset=utf-8\r\n' +
        'ETag: "67748580-3d"\r\n' +
        'Last-Modified: Wed, 01 Jan 2025 00:00:00 GMT\r\n' +
        DATE +
        'Server: netlab\r\n' +
        `Content-Length: ${body.length}\r\n\r\n${body}`,
    );
  });

  it('gives each file its MIME type', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    const png = await exchange(connect, 'GET /img/logo.png HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(png).toContain('Content-Type: image/png\r\n');
    expect(png.endsWith('\x89PNG\r\n\x1a\n')).toBe(true);
    const css = await exchange(connect, 'GET /style.css HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(css).toContain('Content-Type: text/css; charset=utf-8\r\n');
    const bin = await exchange(connect, 'GET /data.bin HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(bin).toContain('Content-Type: application/octet-stream\r\n');
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    const reply = await exchange(connect, 'HEAD /style.css HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(reply).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(reply).toContain('Content-Length: 6\r\n');
    expect(reply.endsWith('\r\n\r\n')).toBe(true);
  });

  it('redirects a directory without its slash, and serves its index with it', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    const redirect = await exchange(connect, 'GET /docs?x=1 HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(redirect).toMatch(/^HTTP\/1\.1 301 Moved Permanently\r\n/);
    expect(redirect).toContain('Location: /docs/?x=1\r\n');
    const index = await exchange(connect, 'GET /docs/ HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(index.endsWith('<h1>docs</h1>')).toBe(true);
  });

  it('answers 404, and 405 with Allow for other methods', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    expect(await exchange(connect, 'GET /nope.html HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /^HTTP\/1\.1 404 Not Found\r\n/,
    );
    const post = await exchange(connect, 'POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 0\r\n\r\n', sim);
    expect(post).toMatch(/^HTTP\/1\.1 405 Method Not Allowed\r\n/);
    expect(post).toContain('Allow: GET, HEAD\r\n');
  });

  it('answers a conditional GET with 304 Not Modified', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    const byTag = await exchange(
      connect,
      'GET /style.css HTTP/1.1\r\nHost: s\r\nIf-None-Match: W/"67748580-6"\r\n\r\n',
      sim,
    );
    expect(byTag).toMatch(/^HTTP\/1\.1 304 Not Modified\r\n/);
    expect(byTag).not.toContain('Content-Length');
    expect(byTag.endsWith('\r\n\r\n')).toBe(true);
    const byDate = await exchange(
      connect,
      'GET /style.css HTTP/1.1\r\nHost: s\r\nIf-Modified-Since: Wed, 01 Jan 2025 00:00:00 GMT\r\n\r\n',
      sim,
    );
    expect(byDate).toMatch(/^HTTP\/1\.1 304 /);
    const older = await exchange(
      connect,
      'GET /style.css HTTP/1.1\r\nHost: s\r\nIf-Modified-Since: Sun, 31 Dec 2023 23:59:59 GMT\r\n\r\n',
      sim,
    );
    expect(older).toMatch(/^HTTP\/1\.1 200 /);
    const otherTag = await exchange(
      connect,
      'GET /style.css HTTP/1.1\r\nHost: s\r\nIf-None-Match: "abc"\r\nIf-Modified-Since: Wed, 01 Jan 2025 00:00:00 GMT\r\n\r\n',
      sim,
    );
    expect(otherTag).toMatch(/^HTTP\/1\.1 200 /); // If-None-Match wins over If-Modified-Since
  });

  it('never leaves the tree: dot segments are resolved first, encoded slashes refused', async () => {
    const { sim, connect } = simServer(staticFiles(memoryFiles({ '/index.html': 'public' })));
    expect(await exchange(connect, 'GET /../../etc/passwd HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /^HTTP\/1\.1 404 /,
    );
    expect(await exchange(connect, 'GET /%2e%2e/%2e%2e/index.html HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /^HTTP\/1\.1 200 /,
    );
    expect(await exchange(connect, 'GET /a%2Fb HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    expect(await exchange(connect, 'GET /%ff HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(/^HTTP\/1\.1 400 /);
  });
});

describe('routes', () => {
  const router = new Router()
    .get('/users/:id', (req) => ({ body: `user ${req.params.id}` }))
    .post('/users', (req) => ({ status: 201, body: `created ${text(req.body)}` }))
    .get('/files/*', (req) => ({ body: `file ${req.params['*']}` }))
    .get('/boom', () => {
      throw new Error('handler bug');
    });

  it('passes path parameters and the request body', async () => {
    const { sim, connect } = simServer(router);
    expect(await exchange(connect, 'GET /users/42 HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /\r\n\r\nuser 42$/,
    );
    expect(
      await exchange(connect, 'POST /users HTTP/1.1\r\nHost: s\r\nContent-Length: 3\r\n\r\nann', sim),
    ).toMatch(/^HTTP\/1\.1 201 Created\r\n[\s\S]*\r\n\r\ncreated ann$/);
    expect(await exchange(connect, 'GET /files/a/b.txt HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /file a\/b\.txt$/,
    );
  });

  it('answers 405 with Allow, OPTIONS with 204, and a throwing handler with 500', async () => {
    const { sim, connect } = simServer(router);
    const put = await exchange(connect, 'PUT /users/1 HTTP/1.1\r\nHost: s\r\nContent-Length: 0\r\n\r\n', sim);
    expect(put).toMatch(/^HTTP\/1\.1 405 /);
    expect(put).toContain('Allow: GET, HEAD\r\n');
    const options = await exchange(connect, 'OPTIONS /users HTTP/1.1\r\nHost: s\r\n\r\n', sim);
    expect(options).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(options).toContain('Allow: POST\r\n');
    expect(await exchange(connect, 'GET /boom HTTP/1.1\r\nHost: s\r\n\r\n', sim)).toMatch(
      /^HTTP\/1\.1 500 Internal Server Error\r\n/,
    );
  });
});

describe('keep-alive and HTTP/1.0', () => {
  it('serves several requests on one connection, then closes an HTTP/1.0 one', async () => {
    const { sim, connect } = simServer(staticFiles(SITE));
    const s = connect();
    const replies: string[] = [];
    const client = (async () => {
      await s.write(bytes('GET /style.css HTTP/1.1\r\nHost: s\r\n\r\n'));
      replies.push(text((await s.read())!));
      await s.write(bytes('GET /style.css HTTP/1.0\r\n\r\n'));
      replies.push(await readAll(s));
    })();
    await sim.run();
    await client;
    expect(replies[0]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*body\{\}$/);
    expect(replies[0]).not.toContain('Connection:');
    expect(replies[1]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: close\r\n\r\nbody\{\}$/);
  });

  it('closes an idle keep-alive connection after idleTimeout', async () => {
    const { sim, connect } = simServer(staticFiles(SITE), { idleTimeout: 5 * SECOND });
    const closes: TraceEvent[] = [];
    sim.trace.on('http.connection', (e) => {
      if (e.phase === 'close') closes.push(e);
    });
    const s = connect();
    let closedAt = -1;
    const client = (async () => {
      await s.write(bytes('GET /style.css HTTP/1.1\r\nHost: s\r\n\r\n'));
      await s.read();
      await readAll(s);
      closedAt = sim.now;
    })();
    await sim.run();
    await client;
    expect(closedAt).toBe(5 * SECOND);
    expect(closes).toMatchObject([{ reason: 'timeout', exchanges: 1 }]);
  });
});
