/**
 * URL breakdown: WHATWG parsing through the platform URL, the address bar's fix-up, and
 * the public-suffix split (cases from publicsuffix.org's test_psl.txt that the built-in
 * rules cover).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BrowserError } from './browser-error.ts';
import { domainParts, isPublicSuffix } from './public-suffix.ts';
import { breakDownUrl, sameSite, type UrlBreakdown } from './url-breakdown.ts';

function ok(text: string, base?: string): UrlBreakdown {
  const r = breakDownUrl(text, base);
  if (r instanceof BrowserError) throw r;
  return r;
}

describe('public suffixes (test_psl.txt cases)', () => {
  const registrable = (host: string) => domainParts(host).registrableDomain ?? null;
  it.each([
    ['com', null],
    ['example.com', 'example.com'],
    ['b.example.com', 'example.com'],
    ['a.b.example.com', 'example.com'],
    ['biz', null],
    ['domain.biz', 'domain.biz'],
    ['b.domain.biz', 'domain.biz'],
    ['jp', null],
    ['test.jp', 'test.jp'],
    ['www.test.jp', 'test.jp'],
    ['ac.jp', null],
    ['test.ac.jp', 'test.ac.jp'],
    ['www.test.ac.jp', 'test.ac.jp'],
    ['us', null],
    ['test.us', 'test.us'],
    ['www.test.us', 'test.us'],
  ])('%s -> %s', (host, expected) => {
    expect(registrable(host)).toBe(expected);
  });

  it('splits Korean second-level registries and private hosting suffixes', () => {
    expect(domainParts('www.example.co.kr')).toEqual({
      publicSuffix: 'co.kr',
      registrableDomain: 'example.co.kr',
      subdomain: 'www',
    });
    expect(domainParts('a.b.naver.com')).toEqual({
      publicSuffix: 'com',
      registrableDomain: 'naver.com',
      subdomain: 'a.b',
    });
    expect(domainParts('alice.github.io').registrableDomain).toBe('alice.github.io');
    expect(isPublicSuffix('github.io')).toBe(true);
    expect(isPublicSuffix('co.kr')).toBe(true);
    // The default rule '*': an unlisted TLD is a suffix too.
    expect(domainParts('shop.example.zz')).toEqual({
      publicSuffix: 'zz',
      registrableDomain: 'example.zz',
      subdomain: 'shop',
    });
  });
});

describe('breakDownUrl', () => {
  it('breaks a full URL into its parts', () => {
    expect(ok('http://www.example.com:8080/a/b.html?q=1&r=2#top')).toEqual({
      href: 'http://www.example.com:8080/a/b.html?q=1&r=2',
      scheme: 'http',
      host: 'www.example.com',
      hostKind: 'domain',
      port: 8080,
      explicitPort: true,
      publicSuffix: 'com',
      registrableDomain: 'example.com',
      subdomain: 'www',
      path: '/a/b.html',
      query: 'q=1&r=2',
      fragment: 'top',
      origin: 'http://www.example.com:8080',
      target: '/a/b.html?q=1&r=2',
      authority: 'www.example.com:8080',
    });
  });

  it('applies WHATWG rules: case, default port, dot segments, percent-encoding, IDNA, IPv4 forms', () => {
    const u = ok('HTTPS://WWW.Example.COM:443/a/./b/../c d');
    expect(u.scheme).toBe('https');
    expect(u.host).toBe('www.example.com');
    expect(u.port).toBe(443);
    expect(u.explicitPort).toBe(false);
    expect(u.path).toBe('/a/c%20d');
    expect(u.origin).toBe('https://www.example.com');
    expect(ok('http://0x7f.1/').host).toBe('127.0.0.1');
    expect(ok('http://0x7f.1/').hostKind).toBe('ipv4');
    expect(ok('http://[::1]:8080/').host).toBe('::1');
    expect(ok('http://[::1]:8080/').authority).toBe('[::1]:8080');
    expect(ok('http://bücher.example/').host).toBe('xn--bcher-kva.example');
    expect(ok('http://example.com').target).toBe('/');
  });

  it('takes text without a scheme as http, as the address bar does', () => {
    expect(ok('example.com/page').href).toBe('http://example.com/page');
    expect(ok('localhost:8080').port).toBe(8080);
    expect(ok('10.0.0.2').hostKind).toBe('ipv4');
  });

  it('resolves relative references against a base', () => {
    expect(ok('../img/a.png', 'http://a.example/x/y/page.html').href).toBe('http://a.example/x/img/a.png');
    expect(ok('//cdn.example/s.css', 'https://a.example/').href).toBe('https://cdn.example/s.css');
  });

  it('refuses what is not a navigable URL, with typed errors', () => {
    const bad = breakDownUrl('http://exa mple.com/');
    expect(bad).toBeInstanceOf(BrowserError);
    expect((bad as BrowserError).code).toBe('browser-bad-url');
    expect((bad as BrowserError).netError).toBe('net::ERR_INVALID_URL');
    expect((breakDownUrl('ftp://example.com/') as BrowserError).code).toBe('browser-unsupported-scheme');
    expect((breakDownUrl('mailto:a@b.c') as BrowserError).code).toBe('browser-unsupported-scheme');
    expect((breakDownUrl('http://') as BrowserError).code).toBe('browser-bad-url');
  });

  it('tells same-site from cross-site by registrable domain', () => {
    expect(sameSite(ok('http://www.example.co.kr/'), ok('https://img.example.co.kr/'))).toBe(true);
    expect(sameSite(ok('http://a.example.co.kr/'), ok('http://other.co.kr/'))).toBe(false);
    expect(sameSite(ok('http://alice.github.io/'), ok('http://bob.github.io/'))).toBe(false);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (s) => {
        const r = breakDownUrl(s);
        if (!(r instanceof BrowserError)) {
          expect(r.scheme === 'http' || r.scheme === 'https').toBe(true);
          expect(r.path.startsWith('/')).toBe(true);
        }
      }),
    );
  });
});
