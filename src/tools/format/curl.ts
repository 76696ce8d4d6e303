/**
 * The text of curl's `-v`, `-i` and `-I` for HTTP/1.x transfers, as pure functions of what
 * happened. Matched line for line against curl 7.88.1 (Debian 12's) run against netlab's
 * own server and Python's http.server (test/interop/http.test.ts compares the two).
 *
 * Rules taken from curl's verbose output (lib/http.c infof() calls, src/tool_cb_dbg.c):
 * - Info lines start with '* ', request headers with '> ', response headers with '< '.
 *   Header lines are printed as sent and received, CR included; terminals do not show the
 *   CR, so lines here leave it out unless `keepCr` is set.
 * - The empty line closing a request head prints as '> ' (with the space), a response
 *   head's as '< '; interim (1xx) responses print without their empty line.
 * - A status-line of HTTP/1.0 is preceded by '* HTTP 1.0, assume close after body'; an
 *   HTTP/1.0 `Connection: keep-alive` header by '* HTTP/1.0 connection set to keep alive'.
 * - When stdout is not a terminal, the first body read after a header block shows as
 *   '{ [N bytes data]' (received) or '} [N bytes data]' (sent), N being the bytes of that
 *   read with any chunk framing. On a terminal (`tty`) these lines are not printed.
 * - The end: '* Connection #0 to host H left intact' when the connection may be reused,
 *   '* Closing connection 0' otherwise, then `curl: (CODE) message` for a failure unless
 *   silent (-s without -S).
 *
 * Left out: the progress meter (curl hides it when output goes to a terminal, and -s hides
 * it always), TLS lines (HTTPS is the TLS module's), HTTP/2, proxies, authentication,
 * redirects (-L), cookies, and the 8.x changes to wording (`* Connected to ... port 80`
 * without `(#0)`, `* Request completely sent off`, `* using HTTP/1.x`).
 */
import { CURL_OPENSSL, opensslAlertError } from './curl-tls.ts';

export const CURL_VERSION = '7.88.1';
export const CURL_USER_AGENT = `curl/${CURL_VERSION}`;

export type CurlHeaderLines = readonly (readonly [string, string])[];

export interface CurlMessageHead {
  /** 'GET / HTTP/1.1' or 'HTTP/1.1 200 OK', as on the wire. */
  readonly startLine: string;
  readonly headers: CurlHeaderLines;
}

export type CurlConnectStep =
  /**
   * A new connection: `*   Trying A:P...`, `* Connected to H (A) port P (#N)`. `cached`:
   * an earlier URL of the same command resolved this host (curl says it found it in its
   * DNS cache).
   */
  | {
      readonly kind: 'connected';
      readonly address: string;
      readonly cached?: boolean;
      /** Addresses tried first that failed (`* connect to A port P failed: ...`). */
      readonly failedFirst?: readonly { readonly address: string; readonly reason: string }[];
    }
  /** A kept-alive connection reused from an earlier URL of the same command. */
  | { readonly kind: 'reused'; readonly bundle?: string }
  /** Every address failed (`reason` as strerror says it: 'Connection refused'...). */
  | {
      readonly kind: 'failed';
      readonly attempts: readonly { readonly address: string; readonly reason: string }[];
      readonly elapsedMs: number;
    }
  /** The name did not resolve. */
  | { readonly kind: 'unresolved' };

export type CurlOutcome =
  /** The transfer finished; whether curl keeps the connection for reuse. */
  | { readonly kind: 'done'; readonly keep: boolean }
  /** The server closed without sending anything (52). */
  | { readonly kind: 'empty-reply' }
  /** The server closed before the body was complete (18). */
  | { readonly kind: 'partial'; readonly remaining: number }
  /** --max-time ran out (28). */
  | {
      readonly kind: 'timeout';
      readonly elapsedMs: number;
      readonly received: number;
      readonly expected?: number;
    }
  /** The response did not parse (8, "Weird server reply"). */
  | { readonly kind: 'weird-reply' }
  /**
   * A fatal TLS alert arrived after the handshake, failing OpenSSL's SSL_read (56): TLS 1.3's
   * certificate_required comes so, once the client's Finished is sent (RFC 8446 §4.4.2.4).
   */
  | { readonly kind: 'tls-alert'; readonly description: number };

export interface CurlTransfer {
  /** The host as written in the URL. */
  readonly host: string;
  readonly port: number;
  /** curl's connection number, #0 for the first. */
  readonly connectionId: number;
  readonly connect: CurlConnectStep;
  readonly request?: CurlMessageHead & {
    /** Body bytes of the first send, for `} [N bytes data]`. */
    readonly firstBodyBytes?: number;
    /** The body was held for 100-continue and sent after it. */
    readonly sentAfterContinue?: boolean;
  };
  readonly interim?: readonly CurlMessageHead[];
  readonly response?: CurlMessageHead & {
    /** Bytes of the first body read, for `{ [N bytes data]`; 0 or absent when there was no body. */
    readonly firstDataBytes?: number;
  };
  readonly outcome: CurlOutcome;
}

export interface CurlOutputOptions {
  /** Standard output is a terminal (no `{ [N bytes data]` lines). Default true. */
  readonly tty?: boolean;
  /** Keep the CR that ends each header line, as curl writes it. Default false. */
  readonly keepCr?: boolean;
  /** -s: no error message. */
  readonly silent?: boolean;
  /** -S: error message even with -s. */
  readonly showError?: boolean;
}

/** `10.0.0.2:80`, or `[::1]:80` for IPv6. */
function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The curl exit code of an outcome or connect failure (0 for success). */
export function curlExitCode(t: Pick<CurlTransfer, 'connect' | 'outcome'>): number {
  if (t.connect.kind === 'unresolved') return 6;
  if (t.connect.kind === 'failed') return 7;
  switch (t.outcome.kind) {
    case 'done':
      return 0;
    case 'empty-reply':
      return 52;
    case 'partial':
      return 18;
    case 'timeout':
      return 28;
    case 'weird-reply':
      return 8;
    case 'tls-alert':
      return 56;
  }
}

/** The failure's message, as `* msg` and `curl: (N) msg` print it; undefined for success. */
export function curlErrorMessage(t: CurlTransfer): string | undefined {
  const c = t.connect;
  if (c.kind === 'unresolved') return `Could not resolve host: ${t.host}`;
  if (c.kind === 'failed') {
    return `Failed to connect to ${t.host} port ${t.port} after ${c.elapsedMs} ms: Couldn't connect to server`;
  }
  const o = t.outcome;
  switch (o.kind) {
    case 'done':
      return undefined;
    case 'empty-reply':
      return 'Empty reply from server';
    case 'partial':
      return `transfer closed with ${o.remaining} bytes remaining to read`;
    case 'timeout':
      return o.expected === undefined
        ? `Operation timed out after ${o.elapsedMs} milliseconds with ${o.received} bytes received`
        : `Operation timed out after ${o.elapsedMs} milliseconds with ${o.received} out of ${o.expected} bytes received`;
    case 'weird-reply':
      return 'Weird server reply';
    case 'tls-alert':
      return `OpenSSL SSL_read: ${CURL_OPENSSL}: ${opensslAlertError(o.description)}, errno 0`;
  }
}

function headLines(prefix: '> ' | '< ', head: CurlMessageHead, cr: string, blank: boolean): string[] {
  const out = [`${prefix}${head.startLine}${cr}`];
  for (const [n, v] of head.headers) out.push(`${prefix}${n}: ${v}${cr}`);
  if (blank) out.push(`${prefix}${cr}`);
  return out;
}

/**
 * Everything `curl -v` writes to standard error for one transfer (one URL), in order.
 * The response body goes to standard output between the last '<' line and the final
 * '*' line; see `curlVerboseOutput` for the interleaving a terminal shows.
 */
export function curlVerboseLines(t: CurlTransfer, options: CurlOutputOptions = {}): string[] {
  return curlVerboseOutput(t, options)
    .filter((p) => p.stream === 'stderr')
    .map((p) => p.text);
}

export interface CurlOutputPiece {
  readonly stream: 'stderr' | 'stdout';
  /** A line (stderr), or the marker '' where the body goes (stdout). */
  readonly text: string;
}

/**
 * The verbose output with the place of the body marked: a `{ stream: 'stdout', text: '' }`
 * piece stands where curl writes the response body (the caller has its bytes).
 */
export function curlVerboseOutput(t: CurlTransfer, options: CurlOutputOptions = {}): CurlOutputPiece[] {
  const tty = options.tty ?? true;
  const cr = options.keepCr ? '\r' : '';
  const out: CurlOutputPiece[] = [];
  const err = (text: string) => out.push({ stream: 'stderr', text });
  const c = t.connect;
  switch (c.kind) {
    case 'unresolved':
      err(`* Could not resolve host: ${t.host}`);
      break;
    case 'failed':
      for (const a of c.attempts) {
        err(`*   Trying ${hostPort(a.address, t.port)}...`);
        err(`* connect to ${a.address} port ${t.port} failed: ${a.reason}`);
      }
      err(`* ${curlErrorMessage(t)}`);
      break;
    case 'connected':
      if (c.cached) err(`* Hostname ${t.host} was found in DNS cache`);
      for (const a of c.failedFirst ?? []) {
        err(`*   Trying ${hostPort(a.address, t.port)}...`);
        err(`* connect to ${a.address} port ${t.port} failed: ${a.reason}`);
      }
      err(`*   Trying ${hostPort(c.address, t.port)}...`);
      err(`* Connected to ${t.host} (${c.address}) port ${t.port} (#${t.connectionId})`);
      break;
    case 'reused':
      err(`* Found bundle for host: ${c.bundle ?? '0x55d0c1e4a2f0'} [serially]`);
      err('* Can not multiplex, even if we wanted to');
      err(`* Re-using existing connection #${t.connectionId} with host ${t.host}`);
      break;
  }
  if (c.kind === 'connected' || c.kind === 'reused') {
    const req = t.request;
    if (req) {
      for (const line of headLines('> ', req, cr, true)) err(line);
      const sendsBody = (req.firstBodyBytes ?? 0) > 0;
      // With 100-continue the body goes after the interim response, below.
      if (sendsBody && !req.sentAfterContinue && !tty) err(`} [${req.firstBodyBytes} bytes data]`);
    }
    for (const interim of t.interim ?? []) {
      for (const line of headLines('< ', interim, cr, false)) err(line);
    }
    if (req?.sentAfterContinue) {
      if (!tty) err(`} [${req.firstBodyBytes ?? 0} bytes data]`);
      err('* We are completely uploaded and fine');
    }
    const res = t.response;
    if (res) {
      const http10 = res.startLine.startsWith('HTTP/1.0 ');
      if (http10) err('* HTTP 1.0, assume close after body');
      err(`< ${res.startLine}${cr}`);
      for (const [n, v] of res.headers) {
        if (http10 && n.toLowerCase() === 'connection' && /(^|,)\s*keep-alive\s*(,|$)/i.test(v)) {
          err('* HTTP/1.0 connection set to keep alive');
        }
        err(`< ${n}: ${v}${cr}`);
      }
      err(`< ${cr}`);
      if ((res.firstDataBytes ?? 0) > 0) {
        if (!tty) err(`{ [${res.firstDataBytes} bytes data]`);
        out.push({ stream: 'stdout', text: '' });
      }
    }
    const message = curlErrorMessage(t);
    if (message) err(`* ${message}`);
    if (t.outcome.kind === 'done' && t.outcome.keep) {
      err(`* Connection #${t.connectionId} to host ${t.host} left intact`);
    } else err(`* Closing connection ${t.connectionId}`);
  } else {
    err(`* Closing connection ${t.connectionId}`);
  }
  const message = curlErrorMessage(t);
  if (message && (!options.silent || options.showError)) err(`curl: (${curlExitCode(t)}) ${message}`);
  return out;
}

/**
 * What `-i` puts on standard output before the body, and all that `-I` puts there: the
 * response head exactly as received, CRLFs and the empty line included.
 */
export function curlIncludedHead(head: CurlMessageHead): string {
  let s = `${head.startLine}\r\n`;
  for (const [n, v] of head.headers) s += `${n}: ${v}\r\n`;
  return `${s}\r\n`;
}

export interface CurlRequestOptions {
  /** -A: the User-Agent, in its usual place. Default `curl/7.88.1`. */
  readonly userAgent?: string;
  /** -d / --data-binary: the body length, and the Content-Type curl sends for it. */
  readonly body?: { readonly length: number; readonly contentType?: string };
}

/**
 * The header lines curl sends, in its order: Host, User-Agent, Accept, then the -H
 * headers as given, then Content-Length and Content-Type for a body. A -H header named
 * like one of curl's own replaces it (Host in place, the others move to the -H position);
 * Host aside, curl's own one is then left out.
 */
export function curlRequestHeaders(
  hostHeader: string,
  extra: CurlHeaderLines = [],
  options: CurlRequestOptions = {},
): [string, string][] {
  const given = (name: string) => extra.find(([n]) => n.toLowerCase() === name);
  const out: [string, string][] = [];
  const host = given('host');
  out.push(host ? [host[0], host[1]] : ['Host', hostHeader]);
  if (!given('user-agent')) out.push(['User-Agent', options.userAgent ?? CURL_USER_AGENT]);
  if (!given('accept')) out.push(['Accept', '*/*']);
  for (const [n, v] of extra) if (n.toLowerCase() !== 'host') out.push([n, v]);
  if (options.body) {
    if (!given('content-length') && !given('transfer-encoding'))
      out.push(['Content-Length', String(options.body.length)]);
    if (!given('content-type'))
      out.push(['Content-Type', options.body.contentType ?? 'application/x-www-form-urlencoded']);
  }
  return out;
}
