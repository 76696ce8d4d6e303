import { describe, expect, it } from 'vitest';
import { mimeTypeOf } from './mime-types.ts';

describe('MIME types by extension', () => {
  it.each([
    ['/index.html', 'text/html; charset=utf-8'],
    ['/INDEX.HTM', 'text/html; charset=utf-8'],
    ['/app.js', 'text/javascript; charset=utf-8'],
    ['/style.css', 'text/css; charset=utf-8'],
    ['/img/logo.png', 'image/png'],
    ['/photo.JPG', 'image/jpeg'],
    ['/icon.svg', 'image/svg+xml'],
    ['/data.json', 'application/json'],
    ['/font.woff2', 'font/woff2'],
    ['/README', 'application/octet-stream'],
    ['/.htaccess', 'application/octet-stream'],
    ['/archive.tar.gz', 'application/gzip'],
    ['/dir.d/file', 'application/octet-stream'],
  ])('%s is %s', (path, type) => {
    expect(mimeTypeOf(path)).toBe(type);
  });
});
