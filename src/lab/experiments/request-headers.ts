/**
 * Realistic browser request headers, for the header-bytes experiment: what a desktop
 * Chrome (version 124 on Linux) sends for a document, a stylesheet, an image and a
 * script, with the few cookies a typical site sets (analytics ids, a session id, a CSRF
 * token, a consent record, preferences). netlab's own browser sends a shorter set; these
 * are here so the experiment measures the header weight the course notes mean.
 *
 * Fields are given once, with HTTP/1.1 spelling; header-bytes.ts lower-cases the names for
 * HTTP/2 (RFC 9113 §8.2.1) and drops the connection-specific `Connection` (§8.2.2). The
 * cookie is one field in both versions: RFC 9113 §8.2.3 lets an HTTP/2 client split it into
 * one field per cookie for better compression; one field keeps the comparison like for like.
 */
import type { ResourceKind } from '../../application/browser/subresource-scanner.ts';

export const CHROME_USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';

/** Accept by what the request is for, as Chrome sends it. */
export const CHROME_ACCEPT: Readonly<Record<ResourceKind, string>> = {
  document:
    'text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7',
  stylesheet: 'text/css,*/*;q=0.1',
  image: 'image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8',
  script: '*/*',
  font: '*/*',
};

/** A site's cookies, as the Cookie header carries them (300 bytes). */
export const SITE_COOKIES = [
  '_ga=GA1.1.1795331652.1735689600',
  '_ga_7XK2QH4M1N=GS1.1.1735689600.3.1.1735690245.0.0.0',
  '_gid=GA1.2.1418306522.1735689600',
  'session_id=3f2a9c81e4b7d6059a1c2e8f7b3d4a60',
  'csrftoken=Wm9Xr4tB2qLk8ZpV0cN7sH3jD6fY1uGe5aTiQoRbXw2Lz8Kc',
  'cookie_consent=necessary%2Canalytics%2Cpreferences',
  'theme=dark',
  'lang=en-US',
].join('; ');

/**
 * The header fields of one request after Host, in the order Chrome sends them. `referer`
 * is the page's URL for subresources; the document has none.
 */
export function browserRequestHeaders(
  kind: ResourceKind,
  referer: string | undefined,
  cookies: boolean,
): [string, string][] {
  const fields: [string, string][] = [['Connection', 'keep-alive']];
  if (kind === 'document') fields.push(['Upgrade-Insecure-Requests', '1']);
  fields.push(['User-Agent', CHROME_USER_AGENT], ['Accept', CHROME_ACCEPT[kind]]);
  if (referer !== undefined) fields.push(['Referer', referer]);
  fields.push(['Accept-Encoding', 'gzip, deflate'], ['Accept-Language', 'en-US,en;q=0.9,ko;q=0.8']);
  if (cookies) fields.push(['Cookie', SITE_COOKIES]);
  return fields;
}
