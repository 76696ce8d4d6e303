/** The pieces HTTP/1.x and HTTP/2 static serving share: which file a path names, and conditional GET. */
import { describe, expect, it } from 'vitest';
import { memoryFiles } from './file-source.ts';
import { fileEtag, findStaticFile, isNotModified } from './static-files.ts';

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
