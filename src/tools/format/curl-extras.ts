/**
 * What curl 7.88.1 prints beyond a single HTTP/1.x transfer (curl.ts): HTTP/2 with prior
 * knowledge, `-L` redirects, `-f` failures, `--max-redirs`, connect timeouts, the
 * progress meter, `-w` and the binary-output warning. Each is built on curl.ts's output
 * and checked line for line against curl 7.88.1 (Debian 12) run against netlab's real
 * HTTP/1.1 and HTTP/2 servers (curl-extras.test.ts holds the transcripts).
 *
 * - HTTP/2: the request is announced as `* h2h3 [name: value]` lines (pseudo-headers,
 *   then the fields without Host) and `* Using Stream ID: N (easy handle 0x...)`, the
 *   head prints as `> GET / HTTP/2` with lower-case names (Host keeps its case), the
 *   status line as `< HTTP/2 200 ` (with its trailing space). A reused HTTP/2
 *   connection is `[can multiplex]`.
 * - `-L`: the body of a redirect is ignored (`* Ignoring the response-body`), then
 *   `* Issue another request to this URL: '...'`, `* Switch from POST to GET` for a
 *   301/302/303 to a POST, and `* Please rewind output before next send` after the
 *   status line when a body was sent. A new connection to a host seen before starts
 *   with `* Hostname H was found in DNS cache`. Past `--max-redirs`: 47.
 * - `-f`: an HTTP error status stops before the empty line: `* The requested URL
 *   returned error: 404`, exit 22.
 * - The progress meter (shown with -o, unless -s): its two header lines and its final
 *   state; the intermediate states curl rewrites in place with CR are left out, and the
 *   "current speed" column shows the average (curl's is over its last samples).
 */
import {
  type CurlOutputOptions,
  type CurlOutputPiece,
  type CurlTransfer,
  curlErrorMessage,
  curlExitCode,
  curlVerboseOutput,
} from './curl.ts';

export interface CurlHop extends CurlTransfer {
  /** The exchange was HTTP/2 (request and response heads are as curl prints them for h2). */
  readonly http2?: { readonly streamId: number; readonly handle: string; readonly scheme?: 'http' | 'https' };
  /** A new connection to a host this curl resolved before. */
  readonly dnsCached?: boolean;
  /** The response is a redirect being followed: its body is not written. */
  readonly ignoreBody?: boolean;
  /** A request body was sent and a redirect is followed. */
  readonly rewind?: boolean;
  /** -L goes on to this URL. */
  readonly follow?: { readonly url: string; readonly switchToGet: boolean };
  /** -f and the status was >= 400. */
  readonly failStatus?: number;
  /** The redirect that went past --max-redirs (the limit). */
  readonly maxRedirects?: number;
  /** Connecting took longer than --connect-timeout or -m (ms when it gave up). */
  readonly connectTimeoutMs?: number;
}

/** The error message of a hop (`curl: (N) ...` without the prefix), or undefined. */
export function curlHopError(h: CurlHop): string | undefined {
  if (h.connectTimeoutMs !== undefined)
    return `Connection timed out after ${h.connectTimeoutMs} milliseconds`;
  if (h.failStatus !== undefined) return `The requested URL returned error: ${h.failStatus}`;
  const base = curlErrorMessage(h);
  if (base !== undefined) return base;
  if (h.maxRedirects !== undefined) return `Maximum (${h.maxRedirects}) redirects followed`;
  return undefined;
}

/** curl's exit status for a hop. */
export function curlHopExitCode(h: CurlHop): number {
  if (h.connectTimeoutMs !== undefined) return 28;
  if (h.failStatus !== undefined) return 22;
  const base = curlExitCode(h);
  if (base !== 0) return base;
  return h.maxRedirects !== undefined ? 47 : 0;
}

/** `curl -v` for one hop, with the body's place marked as in `curlVerboseOutput`. */
export function curlHopOutput(h: CurlHop, options: CurlOutputOptions = {}): CurlOutputPiece[] {
  const err = (text: string): CurlOutputPiece => ({ stream: 'stderr', text });
  const quiet = options.silent && !options.showError;
  const message = curlHopError(h);
  const errorLine = message !== undefined && !quiet ? [err(`curl: (${curlHopExitCode(h)}) ${message}`)] : [];
  if (h.connectTimeoutMs !== undefined) {
    const address = h.connect.kind === 'failed' ? (h.connect.attempts[0]?.address ?? h.host) : h.host;
    const where = address.includes(':') ? `[${address}]:${h.port}` : `${address}:${h.port}`;
    return [
      ...(h.dnsCached ? [err(`* Hostname ${h.host} was found in DNS cache`)] : []),
      err(`*   Trying ${where}...`),
      err(`* ${message}`),
      err(`* Closing connection ${h.connectionId}`),
      ...errorLine,
    ];
  }
  let out: CurlOutputPiece[];
  if (h.failStatus !== undefined && h.response) {
    out = curlVerboseOutput(
      { ...h, response: { ...h.response, firstDataBytes: 0 }, outcome: { kind: 'done', keep: false } },
      { ...options, silent: true, showError: false },
    );
    // curl stops at the status: no empty line, no body.
    const blank = out.map((p) => p.text).lastIndexOf(options.keepCr ? '< \r' : '< ');
    if (blank >= 0) out.splice(blank, 1, err(`* ${message}`));
    out.push(...errorLine);
    return out;
  }
  out = curlVerboseOutput(h, { ...options, silent: true, showError: false });
  const index = (pred: (t: string) => boolean) => out.findIndex((p) => p.stream === 'stderr' && pred(p.text));
  if (h.dnsCached) {
    const i = index((t) => t.startsWith('*   Trying '));
    if (i >= 0) out.splice(i, 0, err(`* Hostname ${h.host} was found in DNS cache`));
  }
  if (h.http2) {
    const bundle = index((t) => t.startsWith('* Found bundle for host: '));
    if (bundle >= 0) {
      out[bundle] = err(out[bundle]!.text.replace('[serially]', '[can multiplex]'));
      const can = index((t) => t === '* Can not multiplex, even if we wanted to');
      if (can >= 0) out.splice(can, 1);
    }
    const first = index((t) => t.startsWith('> '));
    if (first >= 0 && h.request) {
      const [method, path] = h.request.startLine.split(' ');
      const host = h.request.headers.find(([n]) => n.toLowerCase() === 'host')?.[1] ?? h.host;
      const lines = [
        `* h2h3 [:method: ${method}]`,
        `* h2h3 [:path: ${path}]`,
        `* h2h3 [:scheme: ${h.http2.scheme ?? 'http'}]`,
        `* h2h3 [:authority: ${host}]`,
        ...h.request.headers
          .filter(([n]) => n.toLowerCase() !== 'host')
          .map(([n, v]) => `* h2h3 [${n.toLowerCase()}: ${v}]`),
        `* Using Stream ID: ${h.http2.streamId.toString(16)} (easy handle ${h.http2.handle})`,
      ];
      out.splice(first, 0, ...lines.map(err));
      // nghttp2 reports the body's end: curl says so after the body's data line.
      if ((h.request.firstBodyBytes ?? 0) > 0) {
        const blank = out.map((p) => p.text).lastIndexOf(options.keepCr ? '> \r' : '> ');
        const data = out[blank + 1]?.text.startsWith('} [') ? blank + 2 : blank + 1;
        if (blank >= 0) out.splice(data, 0, err('* We are completely uploaded and fine'));
      }
    }
  }
  if (h.rewind) {
    const status = index((t) => /^< HTTP\/[\d.]+ \d{3}/.test(t));
    if (status >= 0) out.splice(status + 1, 0, err('* Please rewind output before next send'));
  }
  if (h.ignoreBody) {
    const marker = out.findIndex((p) => p.stream === 'stdout');
    if (marker >= 0) out.splice(marker, 1);
    const data = index((t) => t.startsWith('{ ['));
    const blank = out.map((p) => p.text).lastIndexOf(options.keepCr ? '< \r' : '< ');
    const at = data >= 0 ? data : blank >= 0 && (h.response?.firstDataBytes ?? 0) > 0 ? blank + 1 : -1;
    if (at >= 0) out.splice(at, 0, err('* Ignoring the response-body'));
  }
  if (h.follow) {
    out.push(err(`* Issue another request to this URL: '${h.follow.url}'`));
    if (h.follow.switchToGet) out.push(err('* Switch from POST to GET'));
  }
  if (h.maxRedirects !== undefined) out.push(err(`* ${message}`));
  out.push(...errorLine);
  return out;
}

/** curl's max5data(): a byte count in at most five characters. */
export function curlMax5(bytes: number): string {
  const K = 1024;
  const M = K * K;
  const G = K * M;
  const b = Math.max(0, Math.floor(bytes));
  if (b < 100_000) return String(b).padStart(5);
  if (b < 10_000 * K) return `${String(Math.floor(b / K)).padStart(4)}k`;
  if (b < 100 * M) return `${String(Math.floor(b / M)).padStart(2)}.${Math.floor((b % M) / (M / 10))}M`;
  if (b < 10_000 * M) return `${String(Math.floor(b / M)).padStart(4)}M`;
  if (b < 100 * G) return `${String(Math.floor(b / G)).padStart(2)}.${Math.floor((b % G) / (G / 10))}G`;
  return `${String(Math.floor(b / G)).padStart(4)}G`;
}

/** curl's time2str(): whole seconds as `H:MM:SS`, or `--:--:--` for none. */
export function curlTime(seconds: number): string {
  const s = Math.floor(seconds);
  if (s <= 0) return '--:--:--';
  const h = Math.floor(s / 3600);
  if (h <= 99) {
    const m = Math.floor((s - h * 3600) / 60);
    return `${String(h).padStart(2)}:${String(m).padStart(2, '0')}:${String(s - h * 3600 - m * 60).padStart(2, '0')}`;
  }
  const d = Math.floor(h / 24);
  return d <= 999
    ? `${String(d).padStart(3)}d ${String(h - d * 24).padStart(2, '0')}h`
    : `${String(d).padStart(7)}d`;
}

function percent(cur: number, total: number): number {
  if (total > 10_000) return Math.floor(cur / Math.floor(total / 100));
  return total > 0 ? Math.floor((cur * 100) / total) : 0;
}

export interface CurlProgress {
  /** Body bytes expected (Content-Length), when known. */
  readonly expected?: number;
  readonly received: number;
  readonly sent?: number;
  /** Transfer time, microseconds. */
  readonly elapsedUs: number;
}

export const CURL_PROGRESS_HEADER: readonly string[] = [
  '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current',
  '                                 Dload  Upload   Total   Spent    Left  Speed',
];

/** The progress meter's last line (progress.c's format). */
export function curlProgressLine(p: CurlProgress): string {
  const sent = p.sent ?? 0;
  const dlTotal = p.expected ?? p.received;
  const ms = Math.max(1, Math.floor(p.elapsedUs / 1000));
  const dlSpeed = Math.floor((p.received * 1000) / ms);
  const ulSpeed = Math.floor((sent * 1000) / ms);
  const spent = Math.floor(p.elapsedUs / 1_000_000);
  const estimate = p.expected !== undefined && dlSpeed > 0 ? Math.floor(p.expected / dlSpeed) : 0;
  const total = dlTotal + sent;
  return (
    `${String(percent(p.received + sent, total)).padStart(3)} ${curlMax5(total)}  ` +
    `${String(percent(p.received, dlTotal)).padStart(3)} ${curlMax5(p.received)}  ` +
    `${String(percent(sent, sent)).padStart(3)} ${curlMax5(sent)}  ` +
    `${curlMax5(dlSpeed)}  ${curlMax5(ulSpeed)} ` +
    `${curlTime(estimate)} ${curlTime(spent)} ${curlTime(estimate > 0 ? estimate - spent : 0)} ${curlMax5(dlSpeed)}`
  );
}

/** What curl prints instead of a binary body on a terminal (exit 23). */
export const CURL_BINARY_WARNING: readonly string[] = [
  'Warning: Binary output can mess up your terminal. Use "--output -" to tell ',
  'Warning: curl to output it to your terminal anyway, or consider "--output ',
  'Warning: <FILE>" to save to a file.',
];

/** Whether curl takes a body for binary (it looks for a NUL byte). */
export function looksBinary(body: Uint8Array): boolean {
  return body.includes(0);
}

/**
 * `-w FORMAT`: `%{name}` variables replaced from `vars` (unknown ones are reported in
 * `unknown` and print nothing, as curl does), `%%` a percent sign, `\n` `\r` `\t` escapes.
 */
export function curlWriteOut(
  format: string,
  vars: Readonly<Record<string, string | number>>,
): { readonly text: string; readonly unknown: readonly string[] } {
  const unknown: string[] = [];
  let text = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '%' && format[i + 1] === '%') {
      text += '%';
      i++;
    } else if (c === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i + 2);
      if (end < 0) {
        text += format.slice(i);
        break;
      }
      const name = format.slice(i + 2, end);
      if (name in vars) text += String(vars[name]);
      else unknown.push(name);
      i = end;
    } else if (c === '\\' && i + 1 < format.length) {
      const e = format[i + 1]!;
      text += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : `\\${e}`;
      i++;
    } else text += c;
  }
  return { text, unknown };
}
