/**
 * Every bound the HTTP/1.x parser enforces, so hostile input costs bounded memory and
 * time. Defaults follow common servers (nginx, Node's llhttp) where they agree.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';

export interface HttpLimits {
  /** Longest request-line or status-line, CRLF included (-> 414 for requests). Default 8192. */
  readonly maxStartLineBytes: number;
  /** Longest method token (-> 501). Default 32. */
  readonly maxMethodBytes: number;
  /** Longest head: start-line, field lines and the empty line (-> 431). Default 16384, llhttp's. */
  readonly maxHeadBytes: number;
  /** Most field lines in a head, and in a trailer section (-> 431). Default 100. */
  readonly maxHeaderCount: number;
  /** Most hex digits in a chunk-size, leading zeros included (-> 400). Default 16. */
  readonly maxChunkSizeDigits: number;
  /** Longest chunk-size line: size, extensions, CRLF (-> 400). Default 4096. */
  readonly maxChunkLineBytes: number;
  /** Largest body, declared by Content-Length or counted over chunks (-> 413). Default 1 MiB. */
  readonly maxBodyBytes: number;
  /** Empty lines ignored before a request-line (RFC 9112 §2.2 says at least one). Default 4. */
  readonly maxLeadingEmptyLines: number;
}

export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  maxStartLineBytes: 8192,
  maxMethodBytes: 32,
  maxHeadBytes: 16384,
  maxHeaderCount: 100,
  maxChunkSizeDigits: 16,
  maxChunkLineBytes: 4096,
  maxBodyBytes: 1024 * 1024,
  maxLeadingEmptyLines: 4,
};

/** The defaults overridden by `given`, each checked to be a sane positive integer. */
export function resolveLimits(given: Partial<HttpLimits> | undefined): HttpLimits {
  const out = { ...DEFAULT_HTTP_LIMITS, ...given };
  for (const [k, v] of Object.entries(out)) {
    const min = k === 'maxLeadingEmptyLines' || k === 'maxBodyBytes' ? 0 : 1;
    if (!Number.isSafeInteger(v) || v < min) {
      throw new NetlabError('http-bad-limit', `HTTP limit ${k} must be an integer >= ${min}, got ${v}`);
    }
  }
  return out;
}
