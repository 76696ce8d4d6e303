/**
 * The text of `curl -v --http2-prior-knowledge` (and `--http2` once TLS is up) for HTTP/2
 * transfers, as pure functions of what happened: curl 7.88.1 with nghttp2 (Debian 12),
 * matched line for line against the real curl fetching from netlab's real-mode HTTP/2
 * server (test/interop/h2-curl.test.ts).
 *
 * What curl 7.88.1 prints for HTTP/2 (lib/http2.c, lib/h2h3.c):
 * - after connecting, one `* h2h3 [name: value]` line per field it sends, pseudo-headers
 *   first (:method, :path, :scheme, :authority), then the regular ones, lower-case;
 * - `* Using Stream ID: N (easy handle 0x...)`, the handle being a heap address (here a
 *   fixed, plausible one: it differs on every run of the real curl);
 * - the request head as HTTP/1.1-style text with `HTTP/2` as version and `Host:` for
 *   :authority, then `> `;
 * - with a body, `} [N bytes data]` (not on a terminal) and `* We are completely uploaded
 *   and fine`;
 * - the status line `< HTTP/2 200 ` (with a trailing space: there is no reason phrase),
 *   the fields as received, `< `, and `{ [N bytes data]` (not on a terminal);
 * - `* Connection #0 to host H left intact`.
 * A later URL on the same origin re-uses the connection: `* Found bundle for host: 0x...
 * [can multiplex]`, `* Re-using existing connection #0 with host H`.
 *
 * Connection failures print as for HTTP/1.x (curl.ts). Left out: TLS handshake lines for
 * https:// (ALPN, certificate), the progress meter, and curl 7.88.1's bug of not sending
 * the second request of a prior-knowledge connection at all (netlab sends it).
 */
import {
  CURL_USER_AGENT,
  type CurlConnectStep,
  type CurlHeaderLines,
  type CurlOutcome,
  type CurlOutputOptions,
  type CurlOutputPiece,
  curlErrorMessage,
  curlExitCode,
} from './curl.ts';

/** The fake heap addresses printed where curl prints pointers. */
export const CURL_EASY_HANDLE = '0x55dabcb282b0';
export const CURL_BUNDLE = '0x55d136c9ecb0';

export interface CurlH2Transfer {
  /** The host as written in the URL. */
  readonly host: string;
  readonly port: number;
  readonly connectionId: number;
  readonly connect: CurlConnectStep;
  readonly request?: {
    readonly method: string;
    readonly path: string;
    readonly scheme: string;
    readonly authority: string;
    /** Regular fields as sent, lower-case names, in order. */
    readonly headers: CurlHeaderLines;
    readonly streamId: number;
    /** Body octets sent (0 when none). */
    readonly bodyBytes?: number;
  };
  readonly response?: {
    readonly status: number;
    /** Regular fields as received, in order. */
    readonly headers: CurlHeaderLines;
    /** Octets of the first DATA read, for `{ [N bytes data]`; 0 or absent without a body. */
    readonly firstDataBytes?: number;
  };
  readonly outcome: CurlOutcome;
}

function hostPort(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** The regular fields curl sends by default, before the user's (-H, -d). */
export function curlH2DefaultHeaders(userAgent = CURL_USER_AGENT): CurlHeaderLines {
  return [
    ['user-agent', userAgent],
    ['accept', '*/*'],
  ];
}

/** Everything `curl -v` writes for one HTTP/2 transfer, with the place of the body marked. */
export function curlH2VerboseOutput(t: CurlH2Transfer, options: CurlOutputOptions = {}): CurlOutputPiece[] {
  const tty = options.tty ?? true;
  const cr = options.keepCr ? '\r' : '';
  const out: CurlOutputPiece[] = [];
  const err = (text: string) => out.push({ stream: 'stderr', text });
  const asHttp1 = {
    host: t.host,
    port: t.port,
    connectionId: t.connectionId,
    connect: t.connect,
    outcome: t.outcome,
  };
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
      err(`* ${curlErrorMessage(asHttp1)}`);
      break;
    case 'connected':
      err(`*   Trying ${hostPort(c.address, t.port)}...`);
      err(`* Connected to ${t.host} (${c.address}) port ${t.port} (#${t.connectionId})`);
      break;
    case 'reused':
      err(`* Found bundle for host: ${c.bundle ?? CURL_BUNDLE} [can multiplex]`);
      err(`* Re-using existing connection #${t.connectionId} with host ${t.host}`);
      break;
  }
  if (c.kind === 'connected' || c.kind === 'reused') {
    const req = t.request;
    if (req) {
      err(`* h2h3 [:method: ${req.method}]`);
      err(`* h2h3 [:path: ${req.path}]`);
      err(`* h2h3 [:scheme: ${req.scheme}]`);
      err(`* h2h3 [:authority: ${req.authority}]`);
      for (const [n, v] of req.headers) err(`* h2h3 [${n}: ${v}]`);
      err(`* Using Stream ID: ${req.streamId.toString(16)} (easy handle ${CURL_EASY_HANDLE})`);
      err(`> ${req.method} ${req.path} HTTP/2${cr}`);
      err(`> Host: ${req.authority}${cr}`);
      for (const [n, v] of req.headers) err(`> ${n}: ${v}${cr}`);
      err(`> ${cr}`);
      if ((req.bodyBytes ?? 0) > 0) {
        if (!tty) err(`} [${req.bodyBytes} bytes data]`);
        err('* We are completely uploaded and fine');
      }
    }
    const res = t.response;
    if (res) {
      err(`< HTTP/2 ${res.status} ${cr}`);
      for (const [n, v] of res.headers) err(`< ${n}: ${v}${cr}`);
      err(`< ${cr}`);
      if ((res.firstDataBytes ?? 0) > 0) {
        if (!tty) err(`{ [${res.firstDataBytes} bytes data]`);
        out.push({ stream: 'stdout', text: '' });
      }
    }
    const message = curlErrorMessage(asHttp1);
    if (message) err(`* ${message}`);
    if (t.outcome.kind === 'done' && t.outcome.keep) {
      err(`* Connection #${t.connectionId} to host ${t.host} left intact`);
    } else err(`* Closing connection ${t.connectionId}`);
  } else {
    err(`* Closing connection ${t.connectionId}`);
  }
  const message = curlErrorMessage(asHttp1);
  if (message && (!options.silent || options.showError)) err(`curl: (${curlExitCode(asHttp1)}) ${message}`);
  return out;
}

/** What `-i` / `-I` put on standard output for an HTTP/2 response head. */
export function curlH2IncludedHead(status: number, headers: CurlHeaderLines): string {
  let s = `HTTP/2 ${status} \r\n`;
  for (const [n, v] of headers) s += `${n}: ${v}\r\n`;
  return `${s}\r\n`;
}
