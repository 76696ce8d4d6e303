import { describe, expect, it } from 'vitest';
import type { Clock } from '../../sim/clock.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { memoryFiles } from '../http/file-source.ts';
import { connectHttp2 } from './client.ts';
import { serveHttp2 } from './server.ts';
import { h2StaticFiles } from './static-files.ts';

const clock: Clock = { now: () => 0, sleep: () => Promise.resolve(), setTimer: () => () => {} };

const site = memoryFiles({
  '/index.html': '<!doctype html><link rel=stylesheet href=style.css><script src=app.js></script>',
  '/style.css': 'body { margin: 0 }',
  '/app.js': 'document.title = "hi"',
  '/docs/index.html': 'docs',
});

function client(push?: Record<string, string[]>) {
  const { a, b } = memoryPipe();
  serveHttp2(b, { clock, handler: h2StaticFiles(site, { push }) });
  return connectHttp2(a, { clock, authority: 'www.test', scheme: 'https' });
}

describe('static files over HTTP/2', () => {
  it('serves files with type, length and validators; a directory answers with its index', async () => {
    const c = client();
    const css = await c.request({ path: '/style.css' });
    expect(css.headers).toEqual([
      { name: ':status', value: '200' },
      { name: 'content-type', value: 'text/css; charset=utf-8' },
      { name: 'content-length', value: '18' },
      { name: 'etag', value: '"67748580-12"' },
      { name: 'last-modified', value: 'Wed, 01 Jan 2025 00:00:00 GMT' },
    ]);
    expect(new TextDecoder().decode((await c.request({ path: '/' })).body)).toContain('<!doctype html>');
    expect((await c.request({ path: '/docs' })).header('location')).toBe('/docs/');
    expect(new TextDecoder().decode((await c.request({ path: '/docs/' })).body)).toBe('docs');
  });

  it('answers 404, 405, 400 (path escaping the root) and 304 for a matching ETag', async () => {
    const c = client();
    expect((await c.request({ path: '/missing.png' })).status).toBe(404);
    expect((await c.request({ method: 'DELETE', path: '/style.css' })).status).toBe(405);
    expect((await c.request({ path: '/%2e%2e/%2fetc' })).status).toBe(400);
    const r = await c.request({ path: '/style.css', headers: { 'if-none-match': '"67748580-12"' } });
    expect([r.status, r.body.length]).toEqual([304, 0]);
    const head = await c.request({ method: 'HEAD', path: '/app.js' });
    expect([head.status, head.header('content-length'), head.body.length]).toEqual([200, '21', 0]);
  });

  it('pushes the CSS and JS of a page; the browser-side requests are served from the push cache', async () => {
    const c = client({ '/index.html': ['/style.css', '/app.js'] });
    await c.request({ path: '/' });
    const [css, js] = await Promise.all([c.request({ path: '/style.css' }), c.request({ path: '/app.js' })]);
    expect([css.pushed, js.pushed]).toEqual([true, true]);
    expect(css.header('content-type')).toBe('text/css; charset=utf-8');
    expect(new TextDecoder().decode(js.body)).toBe('document.title = "hi"');
  });
});
