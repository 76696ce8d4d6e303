/**
 * The web pages the experiments load, built programmatically so every figure says exactly
 * what was fetched: the file tree (path -> body) an experiment's web server serves.
 *
 * - `imagePage(n, size)`: `/index.html` referencing `n` images `/img/01.png`..., each of
 *   `size` bytes (http-versions, hol-blocking, header-bytes).
 * - `stylesAndScriptsPage(...)`: `/index.html` with a stylesheet in its head and a script at
 *   the end of its body, the page server push is for (push).
 *
 * Bodies are deterministic byte patterns (not compressible text, not random): the
 * experiments measure transfer times, and nothing compresses bodies here.
 */

/** The paths of the `n` images of `imagePage`, zero-padded to sort: /img/01.png ... */
export function imagePaths(n: number): string[] {
  const width = Math.max(2, String(n).length);
  return Array.from({ length: n }, (_, i) => `/img/${String(i + 1).padStart(width, '0')}.png`);
}

/** A body of `size` bytes, different for each `index`. */
export function patternBody(index: number, size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let j = 0; j < size; j++) bytes[j] = (index * 31 + j) & 0xff;
  return bytes;
}

/** An HTML document referencing `n` images of `size` bytes, and the images. */
export function imagePage(n: number, size: number): Record<string, Uint8Array | string> {
  const names = imagePaths(n);
  const body = names.map((p) => `  <img src="${p}" alt="">`).join('\n');
  const files: Record<string, Uint8Array | string> = {
    '/index.html': `<!DOCTYPE html>\n<html>\n<head><title>${n} images</title></head>\n<body>\n${body}\n</body>\n</html>\n`,
  };
  for (const [i, p] of names.entries()) files[p] = patternBody(i, size);
  return files;
}

export const STYLESHEET_PATH = '/style.css';
export const SCRIPT_PATH = '/app.js';

/**
 * A page whose HTML references one stylesheet and one script, of the given sizes, and
 * `images` images of `imageSize` bytes. CSS and JS bodies are valid text (repeated rules
 * and statements) so the files are what their names say.
 */
export function stylesAndScriptsPage(
  cssSize: number,
  jsSize: number,
  images = 0,
  imageSize = 10_000,
): Record<string, Uint8Array | string> {
  const imgs = imagePaths(images);
  const html = [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '  <title>styles and scripts</title>',
    `  <link rel="stylesheet" href="${STYLESHEET_PATH}">`,
    '</head>',
    '<body>',
    '  <h1>Server push</h1>',
    ...imgs.map((p) => `  <img src="${p}" alt="">`),
    `  <script src="${SCRIPT_PATH}"></script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  const files: Record<string, Uint8Array | string> = {
    '/index.html': html,
    [STYLESHEET_PATH]: fill(cssSize, (i) => `.c${i} { margin: ${i % 17}px; color: #${hex6(i)}; }\n`),
    [SCRIPT_PATH]: fill(jsSize, (i) => `var v${i} = ${(i * 7919) % 100_003};\n`),
  };
  for (const [i, p] of imgs.entries()) files[p] = patternBody(i, imageSize);
  return files;
}

/** Text of exactly `size` characters made of `line(0)`, `line(1)`, ..., the last one cut. */
function fill(size: number, line: (i: number) => string): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; length < size; i++) {
    const l = line(i);
    parts.push(l);
    length += l.length;
  }
  return parts.join('').slice(0, size);
}

function hex6(i: number): string {
  return ((i * 2_654_435_761) >>> 8).toString(16).padStart(6, '0').slice(0, 6);
}
