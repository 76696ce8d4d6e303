/**
 * What a URL is made of, as the tour explains it: "http://www.example.com:8080/a/b?q=1#top"
 * is scheme `http`, subdomain `www` of the registrable domain `example.com` (public suffix
 * `com`), port 8080, path `/a/b`, query `q=1`, fragment `top`.
 *
 * Parsing is the WHATWG URL Standard's, through the platform `URL` (Node and browsers
 * implement that standard): percent-encoding, IDNA to punycode, IPv4 in any of its
 * spellings (`http://0x7f.1/` is 127.0.0.1), dot segments, default ports. On top of it:
 *
 * - the address bar's fix-up: text without `scheme://` gets `http://` (as a browser
 *   treats `example.com/page` typed into it);
 * - the split of the host into subdomain, registrable domain and public suffix
 *   (public-suffix.ts), and whether the host is a name, an IPv4 or an IPv6 address.
 *
 * Only http and https URLs are navigable here; others are a typed error.
 */
import { BrowserError } from './browser-error.ts';
import { domainParts } from './public-suffix.ts';

export type HostKind = 'domain' | 'ipv4' | 'ipv6';

export interface UrlBreakdown {
  /** The serialised URL, without its fragment: what is fetched. */
  readonly href: string;
  readonly scheme: 'http' | 'https';
  /** Host as the URL parser gives it: lower case, punycode; IPv6 without brackets. */
  readonly host: string;
  readonly hostKind: HostKind;
  /** The port used (the default one when the URL names none). */
  readonly port: number;
  /** Whether the URL wrote a (non-default) port. */
  readonly explicitPort: boolean;
  /** Undefined for IP addresses. */
  readonly publicSuffix: string | undefined;
  readonly registrableDomain: string | undefined;
  /** '' when the host is the registrable domain itself (or an address). */
  readonly subdomain: string;
  /** Percent-encoded path, always starting with '/'. */
  readonly path: string;
  /** Without the '?'; '' when absent. */
  readonly query: string;
  /** Without the '#'; '' when absent. Never sent to the server. */
  readonly fragment: string;
  /** `http://www.example.com:8080`: scheme, host and port (RFC 6454). */
  readonly origin: string;
  /** The request-target: path plus '?query'. */
  readonly target: string;
  /** The Host header: host, plus ':port' when not the default. */
  readonly authority: string;
}

const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const OTHER_SCHEMES = /^(?:about|data|javascript|mailto|file|blob|ftp|ws|wss):/i;

/**
 * Parses `input` (relative to `base` when given) and breaks it down. Text typed without
 * a scheme is taken as http, unless a base is given (then it is a relative reference).
 */
export function breakDownUrl(input: string, base?: string): UrlBreakdown | BrowserError {
  const text = input.trim();
  let url: URL;
  try {
    if (base !== undefined) url = new URL(text, base);
    else url = new URL(HAS_SCHEME.test(text) || OTHER_SCHEMES.test(text) ? text : `http://${text}`);
  } catch {
    return new BrowserError('browser-bad-url', `not a valid URL: ${JSON.stringify(input)}`);
  }
  return breakDownParsed(url);
}

/** The breakdown of a parsed URL. */
export function breakDownParsed(url: URL): UrlBreakdown | BrowserError {
  const scheme = url.protocol.slice(0, -1);
  if (scheme !== 'http' && scheme !== 'https') {
    return new BrowserError('browser-unsupported-scheme', `the browser does not load ${scheme}: URLs`);
  }
  if (url.hostname === '') return new BrowserError('browser-bad-url', `no host in ${url.href}`);
  const bracketed = url.hostname.startsWith('[');
  const host = bracketed ? url.hostname.slice(1, -1) : url.hostname;
  const hostKind: HostKind = bracketed ? 'ipv6' : /^\d+\.\d+\.\d+\.\d+$/.test(host) ? 'ipv4' : 'domain';
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = url.port === '' ? defaultPort : Number(url.port);
  const parts = hostKind === 'domain' ? domainParts(host) : undefined;
  const query = url.search.startsWith('?') ? url.search.slice(1) : '';
  const fragment = url.hash.startsWith('#') ? url.hash.slice(1) : '';
  const authority = url.port === '' ? url.hostname : `${url.hostname}:${url.port}`;
  const noFragment = new URL(url.href);
  noFragment.hash = '';
  return {
    href: noFragment.href,
    scheme,
    host,
    hostKind,
    port,
    explicitPort: url.port !== '',
    publicSuffix: parts?.publicSuffix,
    registrableDomain: parts?.registrableDomain,
    subdomain: parts?.subdomain ?? '',
    path: url.pathname,
    query,
    fragment,
    origin: `${scheme}://${authority}`,
    target: `${url.pathname}${url.search}`,
    authority,
  };
}

/** Whether two hosts are the same site (same registrable domain; for addresses, the same address). */
export function sameSite(a: UrlBreakdown, b: UrlBreakdown): boolean {
  const siteA = a.registrableDomain ?? a.host;
  const siteB = b.registrableDomain ?? b.host;
  return siteA === siteB;
}
