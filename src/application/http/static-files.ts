/**
 * Serving files (RFC 9110): GET and HEAD of a FileSource, with the headers a real web
 * server sends.
 *
 * - Content-Type from the extension (mime-types.ts), Content-Length, Last-Modified, and an
 *   ETag in nginx's form (`"<mtime hex>-<size hex>"`, cheap: no hashing).
 * - Conditional GET (RFC 9110 §13.1): If-None-Match (weak comparison, or '*') takes
 *   precedence over If-Modified-Since; a match answers 304 Not Modified without a body.
 * - A directory answers with its index file; a directory asked for without its trailing
 *   slash is redirected (301) to it, as nginx and Python's http.server do, so relative
 *   links resolve.
 * - Any other method: 405 with `Allow: GET, HEAD`. A path that is not a clean path
 *   (bad percent-encoding, encoded '/'): 400.
 *
 * Left out: Range requests (206), content negotiation and compression, directory
 * listings (a directory without an index is 404).
 */
import type { FileEntry, FileSource } from './file-source.ts';
import { HeaderList } from './header-list.ts';
import { formatHttpDate, parseHttpDate } from './http-date.ts';
import { mimeTypeOf } from './mime-types.ts';
import { type HttpHandler, type HttpServerResponse, textResponse } from './router.ts';

export interface StaticFilesOptions {
  /** The file a directory answers with. Default 'index.html'. */
  readonly index?: string;
  /** Stream files bigger than this many bytes, when the source can. Default 256 KiB. */
  readonly streamAbove?: number;
  /** Extra headers on every file response (Cache-Control...). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** nginx's ETag: hex seconds of the modification time, '-', hex size. */
export function fileEtag(entry: { readonly size: number; readonly modified: number }): string {
  return `"${Math.floor(entry.modified / 1000).toString(16)}-${entry.size.toString(16)}"`;
}

/** RFC 9110 §13.1.2: does If-None-Match match this ETag (weak comparison)? */
export function noneMatchHits(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = (t: string) => (t.startsWith('W/') ? t.slice(2) : t);
  const ours = opaque(etag);
  return header.split(',').some((t) => opaque(t.trim()) === ours);
}

export function staticFiles(source: FileSource, options: StaticFilesOptions = {}): HttpHandler {
  const index = options.index ?? 'index.html';
  const streamAbove = options.streamAbove ?? 256 * 1024;
  const extra = options.headers ?? {};
  const memo: FileHeaderMemo = new WeakMap();
  return async (req) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return textResponse(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    }
    if (!req.path.startsWith('/')) return textResponse(400, 'Bad Request');
    const found = await findStaticFile(source, req.path, index);
    if (found.kind === 'add-slash') {
      const rawPath = req.target.startsWith('/') ? req.target.split('?')[0]! : req.path;
      const location = `${rawPath}/${req.query ? `?${req.query}` : ''}`;
      return {
        status: 301,
        headers: { Location: location, 'Content-Type': 'text/plain; charset=utf-8' },
        body: 'Moved Permanently\n',
      };
    }
    if (found.kind === 'missing') return textResponse(404, 'Not Found');
    return fileResponse(req.method, req.headers, found.path, found.entry, streamAbove, extra, memo);
  };
}

/** What a request path names in a FileSource, as a web server sees it. */
export type StaticFileLookup =
  | { readonly kind: 'file'; readonly path: string; readonly entry: Extract<FileEntry, { kind: 'file' }> }
  /** A directory asked for without its trailing slash: to be redirected to `path/`. */
  | { readonly kind: 'add-slash' }
  | { readonly kind: 'missing' };

/**
 * The file `path` names: a directory (with its trailing slash) means its `index` file;
 * a file asked for with a trailing slash is not that file. `path` is the file's own path.
 */
export async function findStaticFile(
  source: FileSource,
  path: string,
  index: string,
): Promise<StaticFileLookup> {
  let entry = await source.stat(path);
  if (entry?.kind === 'directory') {
    if (!path.endsWith('/')) return { kind: 'add-slash' };
    path = `${path}${index}`;
    entry = await source.stat(path);
  } else if (entry && path.endsWith('/')) {
    entry = undefined; // '/file.html/' is not the file
  }
  return entry?.kind === 'file' ? { kind: 'file', path, entry } : { kind: 'missing' };
}

/**
 * Conditional GET (RFC 9110 §13.1.2, §13.1.3, §13.2.2): whether the client's copy of
 * `entry` is current. If-None-Match, when sent, decides alone; If-Modified-Since compares
 * whole seconds, the resolution of an HTTP date.
 */
export function isNotModified(
  entry: { readonly modified: number },
  etag: string,
  ifNoneMatch: string | undefined,
  ifModifiedSince: string | undefined,
): boolean {
  if (ifNoneMatch !== undefined) return noneMatchHits(ifNoneMatch, etag);
  if (ifModifiedSince === undefined) return false;
  const since = parseHttpDate(ifModifiedSince);
  return since !== undefined && Math.floor(entry.modified / 1000) * 1000 <= since;
}

/** A file's response headers, worked out once per entry (and path). */
interface FileHeaders {
  readonly path: string;
  readonly etag: string;
  /** Content-Type, ETag, Last-Modified and the extra headers, for a 200. */
  readonly ok: HeaderList;
  /** The validators and the extra headers, for a 304 (RFC 9110 §15.4.5). */
  readonly notModified: HeaderList;
}

/**
 * Headers by entry. A FileSource hands back the same entry object while the file is
 * unchanged (memoryFiles always; the real directory's cache while the stat agrees), so the
 * ETag, the HTTP date and the checked header list are made once per version of the file,
 * not per request; a changed file is a new entry, and the old one's headers go with it.
 */
type FileHeaderMemo = WeakMap<object, FileHeaders>;

function fileHeaders(
  path: string,
  entry: Extract<FileEntry, { kind: 'file' }>,
  extra: Readonly<Record<string, string>>,
  memo: FileHeaderMemo,
): FileHeaders {
  const known = memo.get(entry);
  if (known?.path === path) return known;
  const etag = fileEtag(entry);
  const validators = { ETag: etag, 'Last-Modified': formatHttpDate(entry.modified), ...extra };
  const made: FileHeaders = {
    path,
    etag,
    ok: HeaderList.from({ 'Content-Type': mimeTypeOf(path), ...validators }),
    notModified: HeaderList.from(validators),
  };
  memo.set(entry, made);
  return made;
}

async function fileResponse(
  method: string,
  requestHeaders: { get(name: string): string | undefined },
  path: string,
  entry: Extract<FileEntry, { kind: 'file' }>,
  streamAbove: number,
  extra: Readonly<Record<string, string>>,
  memo: FileHeaderMemo,
): Promise<HttpServerResponse> {
  const h = fileHeaders(path, entry, extra, memo);
  const inm = requestHeaders.get('if-none-match');
  const ims = requestHeaders.get('if-modified-since');
  if (isNotModified(entry, h.etag, inm, ims)) return { status: 304, headers: h.notModified };
  const headers = h.ok;
  if (method === 'HEAD') return { status: 200, headers, contentLength: entry.size };
  if (entry.stream && entry.size > streamAbove) {
    return { status: 200, headers, body: entry.stream(), contentLength: entry.size };
  }
  return { status: 200, headers, body: await entry.read() };
}
