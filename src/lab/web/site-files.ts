/**
 * The files a `web:` server serves, made from its spec: files given as text are served
 * as written; `{ size: N }` files and the resources of a generated `page:` get content of
 * exactly N bytes — readable filler for text types (HTML, CSS, JavaScript, plain text), so
 * a capture shows text where text is expected, and a fixed byte pattern for the rest.
 * Everything is deterministic: the same spec serves the same bytes.
 */
import { pagePaths } from '../scenario/read-web.ts';
import type { WebPageSpec, WebServerSpec } from '../scenario/spec.ts';

const TEXT_EXTENSIONS = new Set([
  'html',
  'htm',
  'css',
  'js',
  'mjs',
  'txt',
  'json',
  'xml',
  'svg',
  'csv',
  'md',
]);

function extension(path: string): string {
  const dot = path.lastIndexOf('.');
  return dot < 0 ? '' : path.slice(dot + 1).toLowerCase();
}

/** Exactly `size` bytes of content for `path`. */
export function generatedContent(path: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  const ext = extension(path);
  if (TEXT_EXTENSIONS.has(ext)) {
    const line =
      ext === 'css'
        ? `/* ${path}: netlab filler */\n`
        : ext === 'js' || ext === 'mjs'
          ? `// ${path}: netlab filler\n`
          : ext === 'html' || ext === 'htm'
            ? `<!-- ${path}: netlab filler -->\n`
            : `${path}: netlab filler\n`;
    const bytes = new TextEncoder().encode(line);
    for (let i = 0; i < size; i++) out[i] = bytes[i % bytes.length]!;
  } else {
    for (let i = 0; i < size; i++) out[i] = (i * 31 + 7) & 0xff;
  }
  return out;
}

/** The HTML of a generated page: its stylesheets in the head, scripts and images in the body. */
export function generatedPage(page: WebPageSpec): string {
  const paths = pagePaths(page).slice(1);
  const css = paths.filter((p) => p.endsWith('.css')).map((p) => `  <link rel="stylesheet" href="${p}">`);
  const js = paths.filter((p) => p.endsWith('.js')).map((p) => `  <script src="${p}"></script>`);
  const img = paths
    .filter((p) => p.endsWith('.png'))
    .map((p, i) => `  <img src="${p}" alt="image ${i + 1}">`);
  let html = [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '  <meta charset="utf-8">',
    '  <title>netlab</title>',
    ...css,
    '</head>',
    '<body>',
    '  <h1>A page with its resources</h1>',
    ...img,
    ...js,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  if (page.htmlSize > html.length) {
    const filler = '<!-- netlab filler -->\n';
    const insertAt = html.lastIndexOf('</body>');
    let pad = '';
    while (html.length + pad.length < page.htmlSize) pad += filler;
    html = html.slice(0, insertAt) + pad.slice(0, page.htmlSize - html.length) + html.slice(insertAt);
  }
  return html;
}

/** Every file of a server, by path. */
export function siteFiles(spec: WebServerSpec): Record<string, string | Uint8Array> {
  const out: Record<string, string | Uint8Array> = {};
  if (spec.page) {
    out['/index.html'] = generatedPage(spec.page);
    for (const p of pagePaths(spec.page).slice(1)) out[p] = generatedContent(p, spec.page.size);
  }
  for (const f of spec.files) out[f.path] = 'text' in f ? f.text : generatedContent(f.path, f.size);
  return out;
}
