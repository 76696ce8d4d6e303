/**
 * Cookies (RFC 6265, with the parts of RFC 6265bis that browsers enforce today): the
 * Set-Cookie parser of §5.2, the storage model of §5.3, and the Cookie header of §5.4.
 *
 * - `parseSetCookie` follows §5.2 exactly: name=value up to the first ';', then
 *   attributes, case-insensitive, unknown ones ignored; a value that is not valid for an
 *   attribute drops the attribute, not the cookie. Expires uses the cookie date algorithm
 *   (cookie-date.ts); Max-Age wins over Expires (§5.3 step 3).
 * - The jar scopes each cookie to a domain (host-only unless Domain= was given and the
 *   request host domain-matches it; never a public suffix, §5.3 step 5) and a path
 *   (default-path of §5.1.4), replaces a cookie of the same name, domain and path
 *   (keeping its creation time), and deletes on an expiry in the past.
 * - Time is the browser's wall clock (ms since the epoch), derived from simulated time,
 *   so Max-Age=2 expires two simulated seconds later.
 * - 6265bis rules modern browsers apply: a Secure cookie can only be set over https;
 *   `SameSite=None` requires Secure; SameSite Strict / Lax / None decides whether a
 *   cookie goes with a cross-site request (a missing or unknown SameSite is Lax, as in
 *   Chromium). HttpOnly is kept (no scripts here read cookies, but the flag is shown).
 *
 * Limits (RFC 6265 §6.1 minimums, which browsers use): a cookie's name, value and
 * attributes at most 4096 bytes; at most 50 cookies per domain (the oldest-used is
 * evicted); at most 3000 in the jar. Expired cookies are removed first.
 *
 * Left out: the `__Secure-`/`__Host-` prefixes, partitioned cookies (CHIPS), cookies for
 * non-HTTP APIs (document.cookie).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseCookieDate } from './cookie-date.ts';
import { isPublicSuffix } from './public-suffix.ts';

export type SameSite = 'strict' | 'lax' | 'none';

/** A parsed Set-Cookie header (before the jar decides where it applies). */
export interface SetCookie {
  readonly name: string;
  readonly value: string;
  /** Expires, ms since the epoch. */
  readonly expires?: number;
  /** Max-Age in seconds (may be 0 or negative: delete). */
  readonly maxAge?: number;
  /** Domain without its leading dot, lower case. */
  readonly domain?: string;
  readonly path?: string;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  /** Undefined when absent or not one of Strict, Lax, None. */
  readonly sameSite?: SameSite;
}

/** A cookie in the jar. */
export interface StoredCookie {
  readonly name: string;
  readonly value: string;
  readonly domain: string;
  readonly hostOnly: boolean;
  readonly path: string;
  /** ms since the epoch; undefined for a session cookie. */
  readonly expires: number | undefined;
  readonly secure: boolean;
  readonly httpOnly: boolean;
  readonly sameSite: SameSite;
  readonly created: number;
  lastAccess: number;
}

export const MAX_COOKIE_BYTES = 4096;

export interface CookieJarLimits {
  /** Cookies per domain. Default 50. */
  readonly perDomain?: number;
  /** Cookies in the jar. Default 3000. */
  readonly total?: number;
}

const WSP = /^[ \t]+|[ \t]+$/g;
const trim = (s: string) => s.replace(WSP, '');

/** RFC 6265 §5.2: a Set-Cookie header value to a cookie, or why it is ignored. */
export function parseSetCookie(header: string): SetCookie | ProtocolError {
  if (header.length > MAX_COOKIE_BYTES) {
    return new ProtocolError('cookie', 'too-large', `Set-Cookie above ${MAX_COOKIE_BYTES} bytes`);
  }
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(header)) {
    return new ProtocolError('cookie', 'control-character', 'Set-Cookie contains a control character');
  }
  const semi = header.indexOf(';');
  const pair = semi < 0 ? header : header.slice(0, semi);
  const eq = pair.indexOf('=');
  if (eq < 0) return new ProtocolError('cookie', 'no-equals', 'the name-value pair has no "="');
  const name = trim(pair.slice(0, eq));
  const value = trim(pair.slice(eq + 1));
  if (name === '') return new ProtocolError('cookie', 'empty-name', 'the cookie name is empty');
  const cookie: {
    -readonly [K in keyof SetCookie]: SetCookie[K];
  } = { name, value, secure: false, httpOnly: false };
  const attributes = semi < 0 ? [] : header.slice(semi + 1).split(';');
  for (const av of attributes) {
    const e = av.indexOf('=');
    const key = trim(e < 0 ? av : av.slice(0, e)).toLowerCase();
    const v = e < 0 ? '' : trim(av.slice(e + 1));
    switch (key) {
      case 'expires': {
        const t = parseCookieDate(v);
        if (t !== undefined) cookie.expires = t;
        break;
      }
      case 'max-age': {
        if (/^-?\d+$/.test(v)) cookie.maxAge = Number(v);
        break;
      }
      case 'domain': {
        if (v === '') break;
        cookie.domain = (v.startsWith('.') ? v.slice(1) : v).toLowerCase();
        break;
      }
      case 'path': {
        // An empty or relative Path means the default-path (§5.2.4).
        if (v.startsWith('/')) cookie.path = v;
        else delete cookie.path;
        break;
      }
      case 'secure':
        cookie.secure = true;
        break;
      case 'httponly':
        cookie.httpOnly = true;
        break;
      case 'samesite': {
        const s = v.toLowerCase();
        if (s === 'strict' || s === 'lax' || s === 'none') cookie.sameSite = s;
        else delete cookie.sameSite;
        break;
      }
    }
  }
  return cookie;
}

/** RFC 6265 §5.1.3: does `host` domain-match `domain`? */
export function domainMatches(host: string, domain: string): boolean {
  if (host === domain) return true;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':')) return false;
  return host.endsWith(`.${domain}`);
}

/** RFC 6265 §5.1.4: the default path of a request path. */
export function defaultPath(requestPath: string): string {
  if (!requestPath.startsWith('/')) return '/';
  const last = requestPath.lastIndexOf('/');
  return last === 0 ? '/' : requestPath.slice(0, last);
}

/** RFC 6265 §5.1.4: does `requestPath` path-match `cookiePath`? */
export function pathMatches(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** Where a Set-Cookie came from or where a request goes. */
export interface CookieUrl {
  readonly scheme: 'http' | 'https';
  /** Lower-case host. */
  readonly host: string;
  /** The request path (no query). */
  readonly path: string;
}

export interface CookieContext {
  /** The request goes to another site than the page's (SameSite). Default false. */
  readonly crossSite?: boolean;
  /** A top-level navigation with a safe method (Lax cookies go cross-site then). */
  readonly topLevelNavigation?: boolean;
}

export type CookieRejection =
  | { readonly ok: false; readonly reason: 'parse'; readonly error: ProtocolError }
  | {
      readonly ok: false;
      readonly reason: 'domain-mismatch' | 'public-suffix' | 'secure-over-http' | 'samesite-none-insecure';
    };

export type SetCookieOutcome =
  | { readonly ok: true; readonly cookie: StoredCookie; readonly action: 'stored' | 'replaced' | 'deleted' }
  | CookieRejection;

export class CookieJar {
  private readonly cookies: StoredCookie[] = [];
  readonly perDomain: number;
  readonly total: number;
  /** Cookies evicted to respect the limits. */
  evicted = 0;

  constructor(limits: CookieJarLimits = {}) {
    this.perDomain = limits.perDomain ?? 50;
    this.total = limits.total ?? 3000;
  }

  get size(): number {
    return this.cookies.length;
  }

  /** Every cookie not expired at `now` (ms since the epoch). */
  all(now: number): readonly StoredCookie[] {
    this.expire(now);
    return [...this.cookies];
  }

  /** Stores the cookie of one Set-Cookie header received from `url` at `now`. */
  setCookie(header: string, url: CookieUrl, now: number): SetCookieOutcome {
    const parsed = parseSetCookie(header);
    if (parsed instanceof ProtocolError) return { ok: false, reason: 'parse', error: parsed };
    const host = url.host.toLowerCase();
    let domain = parsed.domain ?? '';
    let hostOnly = true;
    if (domain !== '') {
      if (isPublicSuffix(domain)) {
        if (domain !== host) return { ok: false, reason: 'public-suffix' };
        domain = '';
      }
    }
    if (domain !== '') {
      if (!domainMatches(host, domain)) return { ok: false, reason: 'domain-mismatch' };
      hostOnly = false;
    } else domain = host;
    if (parsed.secure && url.scheme !== 'https') return { ok: false, reason: 'secure-over-http' };
    const sameSite = parsed.sameSite ?? 'lax';
    if (parsed.sameSite === 'none' && !parsed.secure) return { ok: false, reason: 'samesite-none-insecure' };
    let expires: number | undefined;
    if (parsed.maxAge !== undefined) {
      expires = parsed.maxAge <= 0 ? Number.NEGATIVE_INFINITY : now + parsed.maxAge * 1000;
    } else if (parsed.expires !== undefined) expires = parsed.expires;
    const path = parsed.path ?? defaultPath(url.path);
    const i = this.cookies.findIndex((c) => c.name === parsed.name && c.domain === domain && c.path === path);
    const old = i >= 0 ? this.cookies[i] : undefined;
    const cookie: StoredCookie = {
      name: parsed.name,
      value: parsed.value,
      domain,
      hostOnly,
      path,
      expires,
      secure: parsed.secure,
      httpOnly: parsed.httpOnly,
      sameSite,
      created: old?.created ?? now,
      lastAccess: now,
    };
    if (expires !== undefined && expires <= now) {
      if (i >= 0) this.cookies.splice(i, 1);
      return { ok: true, cookie, action: 'deleted' };
    }
    if (i >= 0) {
      this.cookies[i] = cookie;
      return { ok: true, cookie, action: 'replaced' };
    }
    this.cookies.push(cookie);
    this.enforceLimits(domain, now);
    return { ok: true, cookie, action: 'stored' };
  }

  /** The cookies for a request to `url` (§5.4), in header order; updates their last access. */
  cookiesFor(url: CookieUrl, now: number, context: CookieContext = {}): StoredCookie[] {
    this.expire(now);
    const host = url.host.toLowerCase();
    const chosen = this.cookies.filter((c) => {
      if (c.hostOnly ? host !== c.domain : !domainMatches(host, c.domain)) return false;
      if (!pathMatches(url.path, c.path)) return false;
      if (c.secure && url.scheme !== 'https') return false;
      if (context.crossSite) {
        if (c.sameSite === 'strict') return false;
        if (c.sameSite === 'lax' && !context.topLevelNavigation) return false;
      }
      return true;
    });
    // Longer paths first; among equal paths, the earlier created first (§5.4 step 2).
    chosen.sort((a, b) => b.path.length - a.path.length || a.created - b.created);
    for (const c of chosen) c.lastAccess = now;
    return chosen;
  }

  /** The Cookie header value for a request, or undefined when no cookie applies. */
  cookieHeader(url: CookieUrl, now: number, context: CookieContext = {}): string | undefined {
    const list = this.cookiesFor(url, now, context);
    return list.length === 0 ? undefined : list.map((c) => `${c.name}=${c.value}`).join('; ');
  }

  /** Removes every cookie. */
  clear(): void {
    this.cookies.length = 0;
  }

  private expire(now: number): void {
    for (let i = this.cookies.length - 1; i >= 0; i--) {
      const e = this.cookies[i]!.expires;
      if (e !== undefined && e <= now) this.cookies.splice(i, 1);
    }
  }

  /** Evicts expired cookies, then the least recently used of the domain, then of the jar (§5.3 end). */
  private enforceLimits(domain: string, now: number): void {
    const ofDomain = () => this.cookies.filter((c) => c.domain === domain);
    if (ofDomain().length > this.perDomain) this.expire(now);
    while (ofDomain().length > this.perDomain) this.evictOldest(ofDomain());
    if (this.cookies.length > this.total) this.expire(now);
    while (this.cookies.length > this.total) this.evictOldest(this.cookies);
  }

  private evictOldest(among: readonly StoredCookie[]): void {
    let oldest = among[0]!;
    for (const c of among) if (c.lastAccess < oldest.lastAccess) oldest = c;
    this.cookies.splice(this.cookies.indexOf(oldest), 1);
    this.evicted++;
  }
}
