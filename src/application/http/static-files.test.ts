/** The pieces HTTP/1.x and HTTP/2 static serving share: which file a path names, and conditional GET. */
import { describe, expect, it } from 'vitest';
import { type FileEntry, type FileSource, memoryFiles } from './file-source.ts';
import { HeaderList } from './header-list.ts';
import type { HttpServerRequest, HttpServerResponse } from './router.ts';
import { fileEtag, findStaticFile, isNotModified, staticFiles } from './static-files.ts';
import { bytes } from './test-helpers.ts';

const site = memoryFiles({ '/index.html': 'home', '/a.css': 'a {}', '/docs/index.html': 'docs' });

describe('findStaticFile', () => {
  it('maps a directory with its slash to its index, and asks for the slash without it', async () => {
    expect(await findStaticFile(site, '/', 'index.html')).toMatchObject({
      kind: 'file',
      path: '/index.html',
    });
    expect(await findStaticFile(site, '/docs/', 'index.html')).toMatchObject({
      kind: 'file',
      path: '/docs/index.html',
    });
    expect(await findStaticFile(site, '/docs', 'index.html')).toEqual({ kind: 'add-slash' });
  });

  it('finds a file by its path, but not with a trailing slash, and not what is not there', async () => {
    const found = await findStaticFile(site, '/a.css', 'index.html');
    expect(found.kind === 'file' && [found.path, found.entry.size]).toEqual(['/a.css', 4]);
    expect(await findStaticFile(site, '/a.css/', 'index.html')).toEqual({ kind: 'missing' });
    expect(await findStaticFile(site, '/b.css', 'index.html')).toEqual({ kind: 'missing' });
    expect(await findStaticFile(site, '/docs/', 'default.htm')).toEqual({ kind: 'missing' });
  });
});

describe('isNotModified', () => {
  // 2025-01-01T00:00:00.750Z: HTTP dates carry whole seconds only.
  const entry = { size: 4, modified: Date.UTC(2025, 0, 1) + 750 };
  const etag = fileEtag(entry);
  const date = 'Wed, 01 Jan 2025 00:00:00 GMT';

  it('is current when If-None-Match matches (weakly), or lists *', () => {
    expect(isNotModified(entry, etag, etag, undefined)).toBe(true);
    expect(isNotModified(entry, etag, `"x", W/${etag}`, undefined)).toBe(true);
    expect(isNotModified(entry, etag, '*', undefined)).toBe(true);
    expect(isNotModified(entry, etag, '"x"', undefined)).toBe(false);
  });

  it('compares If-Modified-Since in whole seconds, and only without If-None-Match', () => {
    expect(isNotModified(entry, etag, undefined, date)).toBe(true);
    expect(isNotModified(entry, etag, undefined, 'Tue, 31 Dec 2024 23:59:59 GMT')).toBe(false);
    expect(isNotModified(entry, etag, undefined, 'not a date')).toBe(false);
    expect(isNotModified(entry, etag, '"x"', date)).toBe(false);
    expect(isNotModified(entry, etag, undefined, undefined)).toBe(false);
  });
});

describe('staticFiles headers', () => {
  const req = (path: string, headers: Record<string, string> = {}) =>
    ({
      method: 'GET',
      target: path,
      path,
      query: '',
      headers: HeaderList.from(headers),
    }) as unknown as HttpServerRequest;
  const fields = (r: HttpServerResponse) => [...HeaderList.from(r.headers).entries()];

  it('are made once per entry, and anew for a new entry of the same path', async () => {
    let entry: FileEntry = {
      kind: 'file',
      size: 4,
      modified: Date.UTC(2025, 0, 1),
      read: () => bytes('home'),
    };
    const source: FileSource = { stat: (p) => (p === '/index.html' ? entry : undefined) };
    const handler = staticFiles(source, { headers: { 'Cache-Control': 'no-cache' } });
    const r1 = await handler(req('/index.html'));
    expect(fields(r1)).toEqual([
      ['Content-Type', 'text/html; charset=utf-8'],
      ['ETag', '"67748580-4"'],
      ['Last-Modified', 'Wed, 01 Jan 2025 00:00:00 GMT'],
      ['Cache-Control', 'no-cache'],
    ]);
    expect((await handler(req('/index.html'))).headers).toBe(r1.headers);
    const r304 = await handler(req('/index.html', { 'If-None-Match': '"67748580-4"' }));
    expect([r304.status, fields(r304)]).toEqual([
      304,
      [
        ['ETag', '"67748580-4"'],
        ['Last-Modified', 'Wed, 01 Jan 2025 00:00:00 GMT'],
        ['Cache-Control', 'no-cache'],
      ],
    ]);
    entry = { kind: 'file', size: 5, modified: Date.UTC(2025, 0, 2), read: () => bytes('home!') };
    const r2 = await handler(req('/index.html'));
    expect(fields(r2).slice(1, 3)).toEqual([
      ['ETag', '"6775d700-5"'],
      ['Last-Modified', 'Thu, 02 Jan 2025 00:00:00 GMT'],
    ]);
  });
});
