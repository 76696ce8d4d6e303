/** The subresource scanner: what it finds, what it skips, its bounds, and that it never fails. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanCss, scanHtml } from './subresource-scanner.ts';

const urls = (html: string) => scanHtml(html).refs.map((r) => `${r.kind}:${r.url}`);

describe('scanHtml', () => {
  it('finds images, scripts and stylesheets in document order, once each', () => {
    const html = `<!DOCTYPE html>
<html><head>
  <link rel="stylesheet" href="/css/site.css">
  <link rel=icon href=/favicon.ico>
  <link REL="alternate stylesheet" HREF='print.css'>
  <script src="app.js"></script>
</head><body>
  <IMG SRC=logo.png alt=x><img src="logo.png"><img alt="no src">
  <img src="a&amp;b.png"><img src = "  spaced.png  ">
</body></html>`;
    expect(urls(html)).toEqual([
      'stylesheet:/css/site.css',
      'stylesheet:print.css',
      'script:app.js',
      'image:logo.png',
      'image:a&b.png',
      'image:spaced.png',
    ]);
  });

  it('skips comments, raw text, data: and fragment-only URLs', () => {
    const html = `<!-- <img src="commented.png"> -->
<script>document.write('<img src="in-script.png">')</script>
<textarea><img src="in-textarea.png"></textarea>
<title><img src="in-title.png"></title>
<img src="data:image/png;base64,AAAA"><img src="#x"><img src="real.png">`;
    expect(urls(html)).toEqual(['image:real.png']);
  });

  it('reads CSS inside <style> and style attributes, and the first <base href>', () => {
    const r = scanHtml(`<base href="http://cdn.example/"><base href="/ignored/">
<style>@import url("theme.css"); body { background: url(bg.jpg) } /* url(no.png) */
@font-face { src: url('f.woff2') }</style>
<div style="background-image: url(&quot;hero.webp&quot;)"></div>`);
    expect(r.base).toBe('http://cdn.example/');
    expect(r.refs.map((x) => `${x.kind}:${x.url}:${x.via}`)).toEqual([
      'stylesheet:theme.css:style',
      'image:bg.jpg:style',
      'font:f.woff2:style',
      'image:hero.webp:style',
    ]);
  });

  it('tolerates broken markup', () => {
    expect(urls('<img src="a.png"<img src=b.png><img src="unterminated')).toEqual(['image:a.png']);
    expect(urls('<<<>>><img/src=x.png/><p><img src=y.png')).toEqual(['image:x.png/']);
    expect(urls('<script src=s.js>never closed <img src=z.png>')).toEqual(['script:s.js']);
  });

  it('is bounded: at most maxRefs references, at most maxInput characters', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `<img src="/i/${i}.png">`).join('');
    const r = scanHtml(many);
    expect(r.refs).toHaveLength(1000);
    expect(r.dropped).toBe(9000);
    expect(r.truncated).toBe(true);
    const cut = scanHtml(`<img src=a.png>${' '.repeat(100)}<img src=b.png>`, { maxInput: 50 });
    expect(cut.refs.map((x) => x.url)).toEqual(['a.png']);
    expect(cut.truncated).toBe(true);
  });

  it('never throws on random text, and finds an image placed anywhere in it', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200 }), (a, b) => {
        scanHtml(a + b);
        // Text with no '<' cannot open a tag or a comment around the image.
        const clean = (s: string) => s.replace(/[<>]/g, '');
        const r = scanHtml(`${clean(a)}<img src="x.png">${clean(b)}`);
        expect(r.refs.map((x) => x.url)).toEqual(['x.png']);
      }),
    );
  });
});

describe('scanCss', () => {
  it('finds @import and url() with any quoting, and tells fonts by extension', () => {
    const r = scanCss(`@import "a.css"; @import url(b.css) screen;
.x { background: url( 'img/x.png' ) } .y { background: url("y.gif") }
@font-face { src: url(/fonts/f.woff2?v=1) format("woff2"), url(f.ttf) }
/* @import "commented.css"; */ .z { background: url(data:image/gif;base64,R0lG) }`);
    expect(r.refs.map((x) => `${x.kind}:${x.url}`)).toEqual([
      'stylesheet:a.css',
      'stylesheet:b.css',
      'image:img/x.png',
      'image:y.gif',
      'font:/fonts/f.woff2?v=1',
      'font:f.ttf',
    ]);
  });

  it('never throws on random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => void scanCss(s)));
  });
});
