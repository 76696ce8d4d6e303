/**
 * Media types by file extension, for the static file handler's Content-Type (RFC 9110
 * §8.3). The table follows what nginx's mime.types and the IANA registry give for the
 * files a web site serves; text types carry `charset=utf-8`, as browsers otherwise guess.
 * Anything unknown is application/octet-stream (RFC 9110 §8.3: "a recipient MAY ... treat
 * it as application/octet-stream").
 */

export const MIME_TYPES: Readonly<Record<string, string>> = {
  html: 'text/html; charset=utf-8',
  htm: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json',
  map: 'application/json',
  webmanifest: 'application/manifest+json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xml: 'application/xml',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  avif: 'image/avif',
  ico: 'image/x-icon',
  bmp: 'image/bmp',
  woff: 'font/woff',
  woff2: 'font/woff2',
  ttf: 'font/ttf',
  otf: 'font/otf',
  wasm: 'application/wasm',
  pdf: 'application/pdf',
  zip: 'application/zip',
  gz: 'application/gzip',
  tar: 'application/x-tar',
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  ogg: 'audio/ogg',
  mp4: 'video/mp4',
  webm: 'video/webm',
  pem: 'application/x-pem-file',
};

export const DEFAULT_MIME_TYPE = 'application/octet-stream';

/** The Content-Type for a path, by its extension (case-insensitive). */
export function mimeTypeOf(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const dot = name.lastIndexOf('.');
  if (dot <= 0) return DEFAULT_MIME_TYPE;
  return MIME_TYPES[name.slice(dot + 1).toLowerCase()] ?? DEFAULT_MIME_TYPE;
}
