/**
 * Static files over HTTP/2: GET and HEAD of a FileSource (the in-memory tree or a real
 * directory, src/application/http/file-source.ts), with the headers a real server sends —
 * Content-Type by extension, Content-Length, Last-Modified, ETag — and conditional GET
 * (If-None-Match / If-Modified-Since → 304), reusing the HTTP/1.x server's pieces so both
 * versions serve byte-identical files and validators.
 *
 * Server push: `push` maps a page to the resources to push with it (the CSS and JS its
 * HTML references), e.g. `{ '/index.html': ['/style.css', '/app.js'] }`; a directory's
 * index page is found under both its own path and the directory's.
 *
 * Left out: Range requests, compression, directory listings.
 */
import type { FileSource } from '../http/file-source.ts';
import { formatHttpDate } from '../http/http-date.ts';
import { mimeTypeOf } from '../http/mime-types.ts';
import { parseRequestTarget } from '../http/request-target.ts';
import { fileEtag, findStaticFile, isNotModified } from '../http/static-files.ts';
import type { H2Handler, H2ServerResponse } from './server.ts';

export interface H2StaticFilesOptions {
  /** The file a directory answers with. Default 'index.html'. */
  readonly index?: string;
  /** Resources pushed with a page, by the page's path. */
  readonly push?: Readonly<Record<string, readonly string[]>>;
  /** Stream files bigger than this when the source can. Default 256 KiB. */
  readonly streamAbove?: number;
  /** Extra headers on every file response. */
  readonly headers?: Readonly<Record<string, string>>;
}

function text(status: number, body: string, headers: Record<string, string> = {}): H2ServerResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body: `${body}\n` };
}

export function h2StaticFiles(source: FileSource, options: H2StaticFilesOptions = {}): H2Handler {
  const index = options.index ?? 'index.html';
  const streamAbove = options.streamAbove ?? 256 * 1024;
  const extra = options.headers ?? {};
  const push = options.push ?? {};
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD')
      return text(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    const target = parseRequestTarget(req.path);
    if (!target?.path.startsWith('/')) return text(400, 'Bad Request');
    const found = await findStaticFile(source, target.path, index);
    if (found.kind === 'add-slash') {
      const location = `${req.path.split('?')[0]}/${target.query ? `?${target.query}` : ''}`;
      return text(301, 'Moved Permanently', { location });
    }
    if (found.kind === 'missing') return text(404, 'Not Found');
    const { path, entry } = found;
    const etag = fileEtag(entry);
    const validators: Record<string, string> = { etag, 'last-modified': formatHttpDate(entry.modified) };
    for (const [k, v] of Object.entries(extra)) validators[k.toLowerCase()] = v;
    if (isNotModified(entry, etag, req.header('if-none-match'), req.header('if-modified-since')))
      return { status: 304, headers: validators };
    const headers = {
      'content-type': mimeTypeOf(path),
      'content-length': String(entry.size),
      ...validators,
    };
    const pushList = push[path] ?? push[target.path];
    const withPush = pushList && !req.pushed ? { push: pushList } : {};
    if (req.method === 'HEAD') return { status: 200, headers, ...withPush };
    const body = entry.stream && entry.size > streamAbove ? entry.stream() : await entry.read();
    return { status: 200, headers, body, ...withPush };
  };
}
