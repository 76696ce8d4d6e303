/**
 * Cookies: RFC 6265's own examples (§3.1), its parsing algorithm (§5.2), the storage
 * model (§5.3: domain, path, expiry, replacement), the Cookie header (§5.4), the
 * 6265bis rules browsers enforce, and the limits.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseCookieDate } from './cookie-date.ts';
import { CookieJar, defaultPath, pathMatches, parseSetCookie, type SetCookie } from './cookie-jar.ts';

const T0 = Date.UTC(2024, 0, 1);
const http = (host: string, path = '/') => ({ scheme: 'http' as const, host, path });
const https = (host: string, path = '/') => ({ scheme: 'https' as const, host, path });

function parsed(h: string): SetCookie {
  const r = parseSetCookie(h);
  if (r instanceof ProtocolError) throw new Error(r.toString());
  return r;
}

describe('RFC 6265 §3.1 examples', () => {
  it('a host-only session cookie comes back to the same host only', () => {
    const jar = new CookieJar();
    jar.setCookie('SID=31d4d96e407aad42', http('www.example.com'), T0);
    expect(jar.cookieHeader(http('www.example.com'), T0)).toBe('SID=31d4d96e407aad42');
    expect(jar.cookieHeader(http('example.com'), T0)).toBeUndefined();
    expect(jar.cookieHeader(http('sub.www.example.com'), T0)).toBeUndefined();
  });

  it('Domain=example.com reaches every subdomain; Secure ones only over https', () => {
    const jar = new CookieJar();
    jar.setCookie('SID=31d4d96e407aad42; Path=/; Secure; HttpOnly', https('example.com'), T0);
    jar.setCookie('lang=en-US; Path=/; Domain=example.com', https('example.com'), T0 + 1);
    expect(jar.cookieHeader(https('www.example.com'), T0 + 2)).toBe('lang=en-US');
    expect(jar.cookieHeader(https('example.com'), T0 + 2)).toBe('SID=31d4d96e407aad42; lang=en-US');
    expect(jar.cookieHeader(http('example.com'), T0 + 2)).toBe('lang=en-US');
    expect(jar.all(T0).find((c) => c.name === 'SID')?.httpOnly).toBe(true);
  });

  it('an Expires in the past removes the cookie', () => {
    const jar = new CookieJar();
    jar.setCookie('lang=en-US; Expires=Wed, 09 Jun 2031 10:18:14 GMT', http('example.com'), T0);
    expect(jar.cookieHeader(http('example.com'), T0)).toBe('lang=en-US');
    const del = jar.setCookie('lang=; Expires=Sun, 06 Nov 1994 08:49:37 GMT', http('example.com'), T0);
    expect(del).toMatchObject({ ok: true, action: 'deleted' });
    expect(jar.size).toBe(0);
  });
});

describe('parseSetCookie (§5.2)', () => {
  it('takes name=value up to the first ";" and attributes case-insensitively', () => {
    expect(
      parsed(' a = b c ; PATH=/x ;secure; HttpOnly; SameSite=strict; max-age=60; Domain=.Example.COM'),
    ).toEqual({
      name: 'a',
      value: 'b c',
      path: '/x',
      secure: true,
      httpOnly: true,
      sameSite: 'strict',
      maxAge: 60,
      domain: 'example.com',
    });
  });

  it('drops bad attribute values, not the cookie', () => {
    const c = parsed(
      'a=b; Max-Age=soon; Expires=tomorrow; Path=relative; SameSite=Sometimes; Domain=; Foo=bar',
    );
    expect(c).toEqual({ name: 'a', value: 'b', secure: false, httpOnly: false });
  });

  it('the last of a repeated attribute wins', () => {
    expect(parsed('a=b; Path=/one; Path=/two').path).toBe('/two');
  });

  it('refuses a pair without "=", an empty name, control characters and oversized headers', () => {
    const code = (h: string) => (parseSetCookie(h) as ProtocolError).code;
    expect(code('justtext')).toBe('no-equals');
    expect(code('=value')).toBe('empty-name');
    expect(code('a=b\r\nX-Injected: 1')).toBe('control-character');
    expect(code(`a=${'x'.repeat(5000)}`)).toBe('too-large');
  });

  it('round-trips generated cookies and never throws on random text', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/);
    const value = fc.stringMatching(/^[A-Za-z0-9!#$%&'()*+./:<>?@[\]^_`{|}~-]{0,30}$/);
    fc.assert(
      fc.property(
        token,
        value,
        fc.boolean(),
        fc.option(fc.integer({ min: -5, max: 1e6 })),
        (n, v, s, age) => {
          const header = `${n}=${v}${s ? '; Secure' : ''}${age === null ? '' : `; Max-Age=${age}`}`;
          const c = parsed(header);
          expect(c.name).toBe(n);
          expect(c.value).toBe(v);
          expect(c.secure).toBe(s);
          expect(c.maxAge).toBe(age === null ? undefined : age);
        },
      ),
    );
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => void parseSetCookie(s)));
  });
});

describe('cookie dates (§5.1.1)', () => {
  it('reads the three HTTP date formats and tolerant variants', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseCookieDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(parseCookieDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(parseCookieDate('Sun Nov  6 08:49:37 1994')).toBe(t);
    expect(parseCookieDate('6 november 1994 8:49:37')).toBe(t);
    expect(parseCookieDate('Thu, 01 Jan 70 00:00:00 GMT')).toBe(0);
    expect(parseCookieDate('Mon, 01 Jan 30 00:00:00 GMT')).toBe(Date.UTC(2030, 0, 1));
  });

  it('refuses impossible dates', () => {
    expect(parseCookieDate('31 Feb 2024 00:00:00')).toBeUndefined();
    expect(parseCookieDate('01 Jan 2024 24:00:00')).toBeUndefined();
    expect(parseCookieDate('01 Jan 1600 00:00:00')).toBeUndefined();
    expect(parseCookieDate('tomorrow')).toBeUndefined();
  });
});

describe('the jar (§5.3, §5.4)', () => {
  it('Max-Age beats Expires and counts from the time it was received', () => {
    const jar = new CookieJar();
    jar.setCookie('a=1; Max-Age=2; Expires=Wed, 09 Jun 2031 10:18:14 GMT', http('x.test'), T0);
    expect(jar.cookieHeader(http('x.test'), T0 + 1999)).toBe('a=1');
    expect(jar.cookieHeader(http('x.test'), T0 + 2000)).toBeUndefined();
    jar.setCookie('b=1; Max-Age=0', http('x.test'), T0);
    expect(jar.size).toBe(0);
  });

  it('scopes by path: default-path, path-match, longer paths first', () => {
    expect(defaultPath('/a/b/c.html')).toBe('/a/b');
    expect(defaultPath('/page')).toBe('/');
    expect(defaultPath('')).toBe('/');
    expect(pathMatches('/docs/x', '/docs')).toBe(true);
    expect(pathMatches('/docsx', '/docs')).toBe(false);
    expect(pathMatches('/docs/', '/docs/')).toBe(true);
    const jar = new CookieJar();
    jar.setCookie('root=1; Path=/', http('x.test'), T0);
    jar.setCookie('deep=2', http('x.test', '/shop/cart/view'), T0 + 1);
    expect(jar.all(T0).find((c) => c.name === 'deep')?.path).toBe('/shop/cart');
    expect(jar.cookieHeader(http('x.test', '/shop/cart/item'), T0)).toBe('deep=2; root=1');
    expect(jar.cookieHeader(http('x.test', '/shop'), T0)).toBe('root=1');
  });

  it('replaces a cookie of the same name, domain and path, keeping its creation time', () => {
    const jar = new CookieJar();
    jar.setCookie('a=1', http('x.test'), T0);
    jar.setCookie('b=1', http('x.test'), T0 + 1);
    const r = jar.setCookie('a=2', http('x.test'), T0 + 5);
    expect(r).toMatchObject({ ok: true, action: 'replaced' });
    expect(jar.size).toBe(2);
    expect(jar.cookieHeader(http('x.test'), T0 + 6)).toBe('a=2; b=1');
  });

  it('refuses other domains, public suffixes, Secure over http and SameSite=None without Secure', () => {
    const jar = new CookieJar();
    expect(jar.setCookie('a=1; Domain=other.com', http('www.example.com'), T0)).toMatchObject({
      reason: 'domain-mismatch',
    });
    expect(jar.setCookie('a=1; Domain=co.kr', http('shop.example.co.kr'), T0)).toMatchObject({
      reason: 'public-suffix',
    });
    expect(jar.setCookie('a=1; Domain=com', http('example.com'), T0)).toMatchObject({
      reason: 'public-suffix',
    });
    expect(jar.setCookie('a=1; Secure', http('example.com'), T0)).toMatchObject({
      reason: 'secure-over-http',
    });
    expect(jar.setCookie('a=1; SameSite=None', https('example.com'), T0)).toMatchObject({
      reason: 'samesite-none-insecure',
    });
    expect(jar.size).toBe(0);
    // A Domain equal to a host that is a public suffix becomes host-only (§5.3 step 5).
    expect(jar.setCookie('a=1; Domain=github.io', https('github.io'), T0)).toMatchObject({ ok: true });
    expect(jar.all(T0)[0]?.hostOnly).toBe(true);
  });

  it('SameSite: Strict never goes cross-site, Lax only with top-level navigations, None always', () => {
    const jar = new CookieJar();
    jar.setCookie('s=1; SameSite=Strict', https('a.example'), T0);
    jar.setCookie('l=1; SameSite=Lax', https('a.example'), T0 + 1);
    jar.setCookie('d=1', https('a.example'), T0 + 2);
    jar.setCookie('n=1; SameSite=None; Secure', https('a.example'), T0 + 3);
    const to = https('a.example');
    expect(jar.cookieHeader(to, T0)).toBe('s=1; l=1; d=1; n=1');
    expect(jar.cookieHeader(to, T0, { crossSite: true })).toBe('n=1');
    expect(jar.cookieHeader(to, T0, { crossSite: true, topLevelNavigation: true })).toBe('l=1; d=1; n=1');
  });

  it('keeps at most 50 cookies per domain, evicting the least recently used', () => {
    const jar = new CookieJar();
    for (let i = 0; i < 50; i++) jar.setCookie(`c${i}=v`, http('x.test'), T0 + i);
    jar.cookiesFor(http('x.test'), T0 + 100); // every cookie used at +100...
    jar.setCookie('c0=v2', http('x.test'), T0 + 101); // ...then c0 again, later
    jar.setCookie('new=v', http('x.test'), T0 + 102);
    expect(jar.size).toBe(50);
    expect(jar.evicted).toBe(1);
    const names = jar.all(T0).map((c) => c.name);
    expect(names).toContain('new');
    expect(names).toContain('c0');
    expect(names).not.toContain('c1');
    const small = new CookieJar({ total: 3 });
    for (const h of ['a.test', 'b.test', 'c.test', 'd.test']) small.setCookie('k=v', http(h), T0);
    expect(small.all(T0).map((c) => c.domain)).toEqual(['b.test', 'c.test', 'd.test']);
  });
});
