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
import type { FileEntry, FileSource } from '../http/file-source.ts';
import { formatHttpDate } from '../http/http-date.ts';
import { mimeTypeOf } from '../http/mime-types.ts';
import { parseRequestTarget } from '../http/request-target.ts';
import { fileEtag, findStaticFile, isNotModified } from '../http/static-files.ts';
import type { HeaderField } from './hpack/index.ts';
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

/** A file's response fields, made once per entry as static-files.ts does for HTTP/1.x. */
interface FileFields {
  readonly path: string;
  readonly etag: string;
  /** content-type, content-length, etag, last-modified and the extra headers (200). */
  readonly ok: readonly HeaderField[];
  /** The validators and the extra headers (304). */
  readonly notModified: readonly HeaderField[];
}

/**
 * The fields of `entry` at `path`. A FileSource returns the same entry object while the
 * file is unchanged, so this is once per version of the file, not once per request.
 */
function fileFields(
  memo: WeakMap<object, FileFields>,
  path: string,
  entry: Extract<FileEntry, { kind: 'file' }>,
  extra: Readonly<Record<string, string>>,
): FileFields {
  const known = memo.get(entry);
  if (known?.path === path) return known;
  const etag = fileEtag(entry);
  const validators: Record<string, string> = { etag, 'last-modified': formatHttpDate(entry.modified) };
  for (const [k, v] of Object.entries(extra)) validators[k.toLowerCase()] = v;
  const fields = (r: Record<string, string>) => Object.entries(r).map(([name, value]) => ({ name, value }));
  const made: FileFields = {
    path,
    etag,
    ok: fields({ 'content-type': mimeTypeOf(path), 'content-length': String(entry.size), ...validators }),
    notModified: fields(validators),
  };
  memo.set(entry, made);
  return made;
}

export function h2StaticFiles(source: FileSource, options: H2StaticFilesOptions = {}): H2Handler {
  const index = options.index ?? 'index.html';
  const streamAbove = options.streamAbove ?? 256 * 1024;
  const extra = options.headers ?? {};
  const push = options.push ?? {};
  const memo = new WeakMap<object, FileFields>();
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
    const f = fileFields(memo, path, entry, extra);
    if (isNotModified(entry, f.etag, req.header('if-none-match'), req.header('if-modified-since')))
      return { status: 304, headers: f.notModified };
    const headers = f.ok;
    const pushList = push[path] ?? push[target.path];
    const withPush = pushList && !req.pushed ? { push: pushList } : {};
    if (req.method === 'HEAD') return { status: 200, headers, ...withPush };
    const body = entry.stream && entry.size > streamAbove ? entry.stream() : await entry.read();
    return { status: 200, headers, body, ...withPush };
  };
}
