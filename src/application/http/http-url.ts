/**
 * The few URL facts an HTTP client needs: scheme, host, port, the request-target and the
 * Host header (RFC 9110 §4.2, §7.2). Deliberately small: `http://host[:port][/path][?query]`
 * and `https://...`, a bare `host[:port]/path` meaning http as curl takes it, IPv6 literals
 * in brackets. Userinfo, IDNA and the rest of WHATWG URL parsing belong to the browser.
 */

export interface HttpUrl {
  readonly scheme: 'http' | 'https';
  /** Host name or address, without brackets. */
  readonly host: string;
  readonly port: number;
  /** Origin-form request-target: '/path?query' ('/' when the URL has no path). */
  readonly target: string;
  /** The Host header: the host, plus ':port' when it is not the scheme's default. */
  readonly hostHeader: string;
}

const URL_SHAPE =
  /^(?:([A-Za-z][A-Za-z0-9+.-]*):\/\/)?(\[[0-9A-Fa-f:.]+\]|[^/?#:@\s[\]]+)(?::(\d{1,5}))?([/?][^#\s]*)?(#\S*)?$/;

/** Parses an http(s) URL; undefined for anything else. */
export function parseHttpUrl(url: string): HttpUrl | undefined {
  const m = URL_SHAPE.exec(url.trim());
  if (!m) return undefined;
  const scheme = (m[1] ?? 'http').toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return undefined;
  const rawHost = m[2]!;
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost.toLowerCase();
  const defaultPort = scheme === 'https' ? 443 : 80;
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!(port >= 1 && port <= 65535)) return undefined;
  let target = m[4] ?? '/';
  if (target.startsWith('?')) target = `/${target}`;
  const hostText = rawHost.startsWith('[') ? rawHost : host;
  return {
    scheme,
    host,
    port,
    target,
    hostHeader: port === defaultPort ? hostText : `${hostText}:${port}`,
  };
}
