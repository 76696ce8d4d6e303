/**
 * The request-target as an application uses it (RFC 9112 §3.2, RFC 3986): the path,
 * percent-decoded and with dot segments removed, and the raw query. This is where a
 * server stops `GET /../../etc/passwd` and `GET /%2e%2e/secret`: decoding happens before
 * dot-segment removal, and a path that decodes to a '/' or NUL inside a segment, or to
 * invalid UTF-8, is refused (the caller answers 400).
 */

export interface RequestTarget {
  /** Decoded, normalised, always starting with '/' ('*' for OPTIONS *, '' for CONNECT). */
  readonly path: string;
  /** The query without its '?', still percent-encoded; '' when absent. */
  readonly query: string;
}

/** Parses an origin-form or absolute-form target; undefined when it is not a usable path. */
export function parseRequestTarget(target: string): RequestTarget | undefined {
  if (target === '*') return { path: '*', query: '' };
  let rest = target;
  if (!rest.startsWith('/')) {
    // absolute-form: scheme "://" authority path-abempty [ "?" query ] (RFC 9112 §3.2.2).
    const m = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*(.*)$/.exec(rest);
    if (!m) return /^[^/?#@\s]+:\d{1,5}$/.test(rest) ? { path: '', query: '' } : undefined;
    rest = m[1]!.startsWith('/') ? m[1]! : `/${m[1]!}`;
  }
  const q = rest.indexOf('?');
  const rawPath = q < 0 ? rest : rest.slice(0, q);
  const query = q < 0 ? '' : rest.slice(q + 1);
  const segments: string[] = [];
  const parts = rawPath.split('/');
  for (let i = 1; i < parts.length; i++) {
    let seg: string;
    try {
      seg = decodeURIComponent(parts[i]!);
    } catch {
      return undefined;
    }
    if (seg.includes('/') || seg.includes('\0') || seg.includes('\\')) return undefined;
    if (seg === '.') {
      if (i === parts.length - 1) segments.push('');
      continue;
    }
    if (seg === '..') {
      segments.pop();
      if (i === parts.length - 1) segments.push('');
      continue;
    }
    segments.push(seg);
  }
  return { path: `/${segments.join('/')}`, query };
}
