/**
 * Routes for HttpServer: method + path pattern -> handler, the way web frameworks do it.
 *
 * Patterns are matched segment by segment against the decoded path: a literal segment
 * matches itself, `:name` matches any one segment (given as `params.name`), and a final
 * `*` matches the rest of the path (`params['*']`). Routes are tried in the order added.
 *
 * When no route matches the path: the fallback (e.g. static files) or 404. When routes
 * match the path but not the method: 405 with an Allow header (RFC 9110 §15.5.6). HEAD is
 * served by GET routes (RFC 9110 §9.3.2: same headers, no body; the server drops the
 * body), and OPTIONS is answered with 204 and Allow.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { ByteStream, StreamEndpoint } from '../../transport/byte-stream.ts';
import type { HeaderInit, HeaderList } from './header-list.ts';
import type { HttpVersion } from './message.ts';

export interface HttpServerRequest {
  readonly method: string;
  /** As on the wire. */
  readonly target: string;
  /** Decoded and normalised (request-target.ts). */
  readonly path: string;
  /** Raw query string, without '?'. */
  readonly query: string;
  readonly version: HttpVersion;
  readonly headers: HeaderList;
  readonly body: Uint8Array;
  readonly trailers: HeaderList;
  /** Filled by the router: `:name` segments and `*`. */
  readonly params: Readonly<Record<string, string>>;
  readonly local: StreamEndpoint;
  readonly remote: StreamEndpoint;
  /** Which connection of the server, and which exchange on it (both from 1). */
  readonly connection: number;
  readonly exchange: number;
}

export interface HttpServerResponse {
  /** Default 200. */
  readonly status?: number;
  /** Default: the standard phrase. */
  readonly reason?: string;
  readonly headers?: HeaderInit;
  /**
   * Bytes, text (sent as UTF-8), or a stream of bytes. For bytes and text the server sets
   * Content-Length; a stream is sent chunked (or close-delimited to HTTP/1.0 clients)
   * unless `contentLength` is given.
   */
  readonly body?: Uint8Array | string | AsyncIterable<Uint8Array>;
  readonly contentLength?: number;
  /**
   * With status 101: called with the connection once the 101 is sent, and the bytes that
   * arrived behind the request (the new protocol's first bytes). HTTP is done with it.
   */
  readonly upgrade?: (stream: ByteStream, buffered: Uint8Array) => void | Promise<void>;
}

export type HttpHandler = (request: HttpServerRequest) => HttpServerResponse | Promise<HttpServerResponse>;

interface Route {
  readonly methods: readonly string[];
  readonly segments: readonly string[];
  readonly handler: HttpHandler;
}

/** A small text response with the reason phrase as body, for errors. */
export function textResponse(
  status: number,
  text: string,
  headers?: Record<string, string>,
): HttpServerResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', ...headers }, body: `${text}\n` };
}

export class Router {
  private readonly routes: Route[] = [];
  private fallbackHandler: HttpHandler | undefined;

  /** Adds a route. `methods` is one method or several; '*' accepts any. */
  route(methods: string | readonly string[], pattern: string, handler: HttpHandler): this {
    if (!pattern.startsWith('/'))
      throw new NetlabError('http-bad-route', `a route pattern starts with '/': ${pattern}`);
    const segments = pattern.split('/').slice(1);
    const star = segments.indexOf('*');
    if (star >= 0 && star !== segments.length - 1) {
      throw new NetlabError('http-bad-route', `'*' must be the last segment: ${pattern}`);
    }
    this.routes.push({ methods: typeof methods === 'string' ? [methods] : methods, segments, handler });
    return this;
  }

  get(pattern: string, handler: HttpHandler): this {
    return this.route('GET', pattern, handler);
  }

  post(pattern: string, handler: HttpHandler): this {
    return this.route('POST', pattern, handler);
  }

  put(pattern: string, handler: HttpHandler): this {
    return this.route('PUT', pattern, handler);
  }

  delete(pattern: string, handler: HttpHandler): this {
    return this.route('DELETE', pattern, handler);
  }

  /** What answers when no route matches the path (404 without one). */
  fallback(handler: HttpHandler): this {
    this.fallbackHandler = handler;
    return this;
  }

  /** Dispatches a request: the handler's response, 404, 405 + Allow, or OPTIONS' 204 + Allow. */
  readonly handle: HttpHandler = (req) => {
    const allowed = new Set<string>();
    for (const r of this.routes) {
      const params = match(r.segments, req.path);
      if (!params) continue;
      const wanted = req.method === 'HEAD' ? ['HEAD', 'GET'] : [req.method];
      if (r.methods.includes('*') || wanted.some((m) => r.methods.includes(m))) {
        return r.handler({ ...req, params });
      }
      for (const m of r.methods) allowed.add(m);
    }
    if (allowed.size === 0) {
      if (this.fallbackHandler) return this.fallbackHandler(req);
      return textResponse(404, 'Not Found');
    }
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    if (req.method === 'OPTIONS') return { status: 204, headers: { Allow: allow } };
    return textResponse(405, 'Method Not Allowed', { Allow: allow });
  };
}

function match(pattern: readonly string[], path: string): Record<string, string> | undefined {
  const parts = path.split('/').slice(1);
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    if (p === '*') {
      params['*'] = parts.slice(i).join('/');
      return params;
    }
    const part = parts[i];
    if (part === undefined) return undefined;
    if (p.startsWith(':')) {
      if (part === '') return undefined;
      params[p.slice(1)] = part;
    } else if (p !== part) return undefined;
  }
  return parts.length === pattern.length ? params : undefined;
}
