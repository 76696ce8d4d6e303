/**
 * Finds the subresources a page needs, the way a browser's preload scanner does: a small,
 * bounded, tolerant pass over the text that never fails, not an HTML parser.
 *
 * In HTML it finds:
 * - `<img src>`, `<script src>`, `<link rel="stylesheet" href>` (rel is a token list, so
 *   `rel="alternate stylesheet"` counts too), and the first `<base href>`, which changes
 *   what relative URLs resolve against (HTML §4.2.3);
 * - `url(...)` and `@import` inside `<style>` elements and `style="..."` attributes.
 * In CSS (a fetched stylesheet) it finds `@import "x.css"` / `@import url(x.css)`
 * (stylesheets) and `url(...)` (images, or fonts by their extension).
 *
 * It skips comments (`<!-- -->`, `/* *\/`), the raw text of `<script>`, `<textarea>` and
 * `<title>` (a `<img` written inside a script is not an image), `data:` URLs (nothing
 * to fetch) and fragment-only references. Attribute values may be quoted or not; the
 * common character references (`&amp;`, `&quot;`, `&#39;`, `&#x2F;`...) are decoded.
 *
 * Not found (deliberately): `srcset`/`<picture>` candidates, `<iframe>`, `<video>`,
 * `<audio>`, `<object>`, favicons and preloads (`rel=icon`, `rel=preload`), resources a
 * script would add at run time (no JavaScript here), and `<noscript>` is scanned like any
 * other content. Malformed markup is scanned as far as it makes sense, never rejected; a
 * tag cut off by the end of the input is dropped, as the HTML tokenizer drops it.
 *
 * Bounds: at most `maxInput` characters are scanned (default 2 MiB) and at most `maxRefs`
 * references returned (default 1000); `truncated` says when either cut in. Duplicate URLs
 * (as written) are reported once.
 */

export type ResourceKind = 'document' | 'stylesheet' | 'script' | 'image' | 'font';

export interface FoundReference {
  /** The URL as written (character references decoded, not yet resolved). */
  readonly url: string;
  readonly kind: ResourceKind;
  /** Where it was found: 'img', 'script', 'link', 'style' (inline CSS), 'css'. */
  readonly via: 'img' | 'script' | 'link' | 'style' | 'css';
}

export interface ScanResult {
  readonly refs: readonly FoundReference[];
  /** The first `<base href>`, as written. */
  readonly base: string | undefined;
  /** Some input or some references were left out because of the limits. */
  readonly truncated: boolean;
  /** References found beyond `maxRefs` (not returned). */
  readonly dropped: number;
}

export interface ScanLimits {
  /** Characters scanned. Default 2 MiB. */
  readonly maxInput?: number;
  /** References returned. Default 1000. */
  readonly maxRefs?: number;
}

export const DEFAULT_SCAN_INPUT = 2 * 1024 * 1024;
export const DEFAULT_SCAN_REFS = 1000;

class Collector {
  readonly refs: FoundReference[] = [];
  private readonly seen = new Set<string>();
  truncated = false;
  dropped = 0;

  constructor(private readonly max: number) {}

  add(raw: string, kind: ResourceKind, via: FoundReference['via']): void {
    const url = raw.trim();
    if (url === '' || url.startsWith('#') || /^data:/i.test(url) || /^javascript:/i.test(url)) return;
    if (this.seen.has(url)) return;
    if (this.refs.length >= this.max) {
      this.truncated = true;
      this.dropped++;
      this.seen.add(url);
      return;
    }
    this.seen.add(url);
    this.refs.push({ url, kind, via });
  }
}

/** Elements whose content is raw text: nothing inside is markup. */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp']);
const FONT_EXTENSION = /\.(?:woff2?|ttf|otf|eot)(?:[?#].*)?$/i;

/** Scans HTML for the subresources a page load fetches. */
export function scanHtml(html: string, limits: ScanLimits = {}): ScanResult {
  const maxInput = limits.maxInput ?? DEFAULT_SCAN_INPUT;
  const out = new Collector(limits.maxRefs ?? DEFAULT_SCAN_REFS);
  let truncated = html.length > maxInput;
  const text = truncated ? html.slice(0, maxInput) : html;
  let base: string | undefined;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    const m = /^<([A-Za-z][A-Za-z0-9-]*)/.exec(text.slice(lt, lt + 64));
    if (!m) {
      i = lt + 1;
      continue;
    }
    const name = m[1]!.toLowerCase();
    const tag = readTag(text, lt + m[0].length);
    i = tag.end;
    if (!tag.complete) break; // a tag cut by the end of the input is not emitted (HTML §13.2.5)
    const attrs = tag.attributes;
    const style = attrs.get('style');
    if (style !== undefined) scanCssInto(style, out, 'style');
    switch (name) {
      case 'img': {
        const src = attrs.get('src');
        if (src !== undefined) out.add(src, 'image', 'img');
        break;
      }
      case 'script': {
        const src = attrs.get('src');
        if (src !== undefined) out.add(src, 'script', 'script');
        break;
      }
      case 'link': {
        const rel = (attrs.get('rel') ?? '').toLowerCase().split(/[\t\n\f\r ]+/);
        const href = attrs.get('href');
        if (href !== undefined && rel.includes('stylesheet')) out.add(href, 'stylesheet', 'link');
        break;
      }
      case 'base': {
        const href = attrs.get('href');
        if (base === undefined && href !== undefined) base = href.trim();
        break;
      }
    }
    if (RAW_TEXT.has(name) && !tag.selfClosing) {
      const close = indexOfCaseless(text, `</${name}`, i);
      const content = text.slice(i, close < 0 ? n : close);
      if (name === 'style') scanCssInto(content, out, 'style');
      i = close < 0 ? n : close;
    }
  }
  truncated ||= out.truncated;
  return { refs: out.refs, base, truncated, dropped: out.dropped };
}

/** Scans a stylesheet for `@import`s and `url(...)`s. */
export function scanCss(css: string, limits: ScanLimits = {}): ScanResult {
  const maxInput = limits.maxInput ?? DEFAULT_SCAN_INPUT;
  const out = new Collector(limits.maxRefs ?? DEFAULT_SCAN_REFS);
  const truncated = css.length > maxInput;
  scanCssInto(truncated ? css.slice(0, maxInput) : css, out, 'css');
  return { refs: out.refs, base: undefined, truncated: truncated || out.truncated, dropped: out.dropped };
}

function scanCssInto(css: string, out: Collector, via: 'style' | 'css'): void {
  // Comments out first (they may contain url(...) that is not used).
  const text = css.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, ' ');
  const re =
    /@import\s+(?:url\(\s*(["']?)([^"')]*)\1\s*\)|(["'])([^"']*)\3)|url\(\s*(["']?)([^"')]*)\5\s*\)/gi;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const imported = m[2] ?? m[4];
    if (imported !== undefined) out.add(imported, 'stylesheet', via);
    else {
      const url = m[6] ?? '';
      out.add(url, FONT_EXTENSION.test(url.trim()) ? 'font' : 'image', via);
    }
  }
}

interface Tag {
  readonly attributes: Map<string, string>;
  readonly selfClosing: boolean;
  /** Whether the tag ended with '>' before the input did. */
  readonly complete: boolean;
  /** Index just after the tag's '>'. */
  readonly end: number;
}

/** Reads attributes from `i` (just after the tag name) to the closing '>'. First one of a name wins (HTML). */
function readTag(text: string, i: number): Tag {
  const attributes = new Map<string, string>();
  const n = text.length;
  let selfClosing = false;
  while (i < n) {
    const c = text[i]!;
    if (c === '>') return { attributes, selfClosing, complete: true, end: i + 1 };
    if (c === '/') {
      selfClosing = text[i + 1] === '>';
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') {
      i++;
      continue;
    }
    selfClosing = false;
    // attribute name
    let j = i;
    while (j < n && !/[\s/>=]/.test(text[j]!)) j++;
    if (j === i) j++; // a stray '=' starts a name, as HTML says
    const name = text.slice(i, j).toLowerCase();
    i = j;
    while (i < n && /\s/.test(text[i]!)) i++;
    let value = '';
    if (text[i] === '=') {
      i++;
      while (i < n && /\s/.test(text[i]!)) i++;
      const q = text[i];
      if (q === '"' || q === "'") {
        const close = text.indexOf(q, i + 1);
        const end = close < 0 ? n : close;
        value = text.slice(i + 1, end);
        i = close < 0 ? n : close + 1;
      } else {
        let k = i;
        while (k < n && !/[\s>]/.test(text[k]!)) k++;
        value = text.slice(i, k);
        i = k;
      }
    }
    if (!attributes.has(name)) attributes.set(name, decodeReferences(value));
  }
  return { attributes, selfClosing, complete: false, end: n };
}

const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Decodes the character references URLs commonly carry. */
function decodeReferences(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(/&(?:#(\d{1,7})|#[xX]([0-9A-Fa-f]{1,6})|([A-Za-z]+));?/g, (all, dec, hex, named) => {
    if (named !== undefined) return NAMED[(named as string).toLowerCase()] ?? all;
    const cp = dec !== undefined ? Number(dec) : Number.parseInt(hex as string, 16);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  });
}

function indexOfCaseless(text: string, needle: string, from: number): number {
  const lower = needle.toLowerCase();
  for (let i = text.indexOf('<', from); i >= 0; i = text.indexOf('<', i + 1)) {
    if (text.slice(i, i + lower.length).toLowerCase() === lower) return i;
  }
  return -1;
}
