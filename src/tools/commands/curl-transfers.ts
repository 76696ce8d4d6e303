/**
 * What curl does with its URLs, over any network: resolve the host, connect (trying each
 * address), send the request with curl's headers, read the response with netlab's HTTP/1.x
 * client (src/application/http), and describe every step in curl 7.88.1's words
 * (src/tools/format/curl.ts). Several URLs share a kept-alive connection to the same
 * host and port, as curl's do ("Re-using existing connection #0").
 *
 * The network comes in as a `CurlEnvironment`: the shell's `curl` command gives it the
 * node's resolver and simulated TCP, `netlab curl` (src/real/http-client.ts) the host's
 * DNS and real sockets. Both print the same lines for the same exchange.
 *
 * Left out: https (src/real/tls-client.ts handles it in real mode), redirects (-L),
 * cookies, authentication, proxies, uploads from files, the progress meter.
 */
import {
  ClientConnection,
  HttpRequestError,
  type HttpResult,
} from '../../application/http/client-connection.ts';
import { parseHttpUrl } from '../../application/http/http-url.ts';
import type { ResponseHead } from '../../application/http/message.ts';
import type { Clock } from '../../sim/clock.ts';
import { MILLISECOND } from '../../sim/time.ts';
import type { TraceBus } from '../../sim/trace.ts';
import { type ByteStream, StreamError } from '../../transport/byte-stream.ts';
import {
  type CurlConnectStep,
  type CurlMessageHead,
  type CurlOutcome,
  type CurlOutputPiece,
  type CurlTransfer,
  curlExitCode,
  curlIncludedHead,
  curlRequestHeaders,
  curlVerboseOutput,
} from '../format/curl.ts';

export interface CurlOptions {
  /** One URL, or several fetched in turn (reusing the connection when they can). */
  readonly url: string | readonly string[];
  /** -v */
  readonly verbose?: boolean;
  /** -i: the response head before the body on standard output. */
  readonly include?: boolean;
  /** -I: HEAD, and the head on standard output. */
  readonly head?: boolean;
  /** -X */
  readonly method?: string;
  /** -H, in order. */
  readonly headers?: readonly (readonly [string, string])[];
  /** -d / --data-binary: sends a POST (unless -X) with this body. */
  readonly data?: string | Uint8Array;
  /** -A */
  readonly userAgent?: string;
  /** --http1.0 */
  readonly http10?: boolean;
  /** -m, in milliseconds. */
  readonly maxTimeMs?: number;
  /** Whether standard output is a terminal (no `{ [N bytes data]` lines). Default false. */
  readonly tty?: boolean;
  /** -s */
  readonly silent?: boolean;
  /** -S */
  readonly showError?: boolean;
  /** Keep the CR at the end of header lines, as curl writes them. Default false. */
  readonly keepCr?: boolean;
}

export interface CurlRunResult {
  /** curl's exit status (0, 6, 7, 18, 28, 52...; 130 when interrupted). */
  readonly exitCode: number;
  /** Standard error, line by line (verbose output and the error message). */
  readonly stderr: readonly string[];
  /** Standard output: bodies (and heads with -i / -I), concatenated. */
  readonly stdout: Uint8Array;
  /** Both streams in the order a terminal shows them. */
  readonly output: readonly (CurlOutputPiece | { readonly stream: 'stdout'; readonly bytes: Uint8Array })[];
  /** What each URL got. */
  readonly transfers: readonly { readonly transfer: CurlTransfer; readonly result?: HttpResult }[];
}

export interface CurlEnvironment {
  readonly clock: Clock;
  /** The addresses to try for a host name, in order; [] when it does not resolve. */
  resolve(host: string): Promise<readonly string[]>;
  /** Opens a TCP connection; rejects with a StreamError (refused, unreachable, timed out). */
  connect(address: string, port: number): Promise<ByteStream>;
  readonly trace?: TraceBus;
  readonly node?: string;
  /** Registers what to do on Ctrl-C: curl stops where it is. */
  readonly onInterrupt?: (fn: () => void) => void;
}

const encoder = new TextEncoder();

function headOf(h: ResponseHead): CurlMessageHead {
  return { startLine: `HTTP/${h.version} ${h.status} ${h.reason}`.trimEnd(), headers: h.headers.entries() };
}

/** strerror(3) of a failed connect, as curl prints it. */
export function connectFailureText(e: unknown): string {
  if (e instanceof StreamError) {
    switch (e.code) {
      case 'connection-refused':
        return 'Connection refused';
      case 'timed-out':
        return 'Connection timed out';
      case 'unreachable':
        return 'No route to host';
      default:
        return 'Connection reset by peer';
    }
  }
  return 'Connection refused';
}

class Interrupted extends Error {}

export async function runCurl(options: CurlOptions, env: CurlEnvironment): Promise<CurlRunResult> {
  const clock = env.clock;
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  const out: CurlRunResult['output'][number][] = [];
  const transfers: { transfer: CurlTransfer; result?: HttpResult }[] = [];
  const body = typeof options.data === 'string' ? encoder.encode(options.data) : options.data;
  let kept: { key: string; cc: ClientConnection; id: number } | null = null;
  let current: ClientConnection | undefined;
  let nextId = 0;
  let exitCode = 0;
  /** Hosts resolved by an earlier URL of this call: curl's DNS cache. */
  const resolved = new Set<string>();
  const ms = (ns: number) => Math.round(ns / MILLISECOND);

  let interrupt: (() => void) | undefined;
  const interrupted = new Promise<never>((_, reject) => {
    interrupt = () => reject(new Interrupted());
  });
  interrupted.catch(() => undefined);
  let wasInterrupted = false;
  env.onInterrupt?.(() => {
    wasInterrupted = true;
    current?.close();
    kept?.cc.close();
    interrupt?.();
  });
  const unlessInterrupted = <T>(p: Promise<T>): Promise<T> => Promise.race([p, interrupted]);

  try {
    for (const raw of urls) {
      const url = parseHttpUrl(raw);
      if (url?.scheme !== 'http') {
        const text = url
          ? `Protocol "${url.scheme}" not supported or disabled in libcurl`
          : 'URL rejected: Malformed input to a URL function';
        if (!options.silent || options.showError)
          out.push({ stream: 'stderr', text: `curl: (${url ? 1 : 3}) ${text}` });
        exitCode = url ? 1 : 3;
        continue;
      }
      const key = `${url.host}:${url.port}`;
      let connect: CurlConnectStep | undefined;
      let cc: ClientConnection | undefined;
      let id: number;
      if (kept && kept.key === key && kept.cc.usable) {
        cc = kept.cc;
        id = kept.id;
        connect = { kind: 'reused' };
      } else {
        kept?.cc.close();
        kept = null;
        id = nextId++;
        const started = clock.now();
        const addresses = await unlessInterrupted(env.resolve(url.host));
        const wasResolved = resolved.has(url.host);
        if (addresses.length > 0) resolved.add(url.host);
        if (addresses.length === 0) connect = { kind: 'unresolved' };
        else {
          const attempts: { address: string; reason: string }[] = [];
          for (const address of addresses) {
            try {
              const connectStart = clock.now();
              const stream = await unlessInterrupted(env.connect(address, url.port));
              cc = new ClientConnection(stream, {
                clock,
                trace: env.trace,
                node: env.node,
                id: id + 1,
                connectStart,
                connectEnd: clock.now(),
              });
              connect = { kind: 'connected', address, cached: wasResolved };
              break;
            } catch (e) {
              if (e instanceof Interrupted) throw e;
              attempts.push({ address, reason: connectFailureText(e) });
            }
          }
          connect ??= { kind: 'failed', attempts, elapsedMs: ms(clock.now() - started) };
        }
      }
      current = cc;

      const method = options.method ?? (options.head ? 'HEAD' : body ? 'POST' : 'GET');
      const headerLines = curlRequestHeaders(url.hostHeader, options.headers ?? [], {
        userAgent: options.userAgent,
        body: body ? { length: body.length } : undefined,
      });
      const version = options.http10 ? '1.0' : '1.1';
      const request = { startLine: `${method} ${url.target} HTTP/${version}`, headers: headerLines };
      let transfer: CurlTransfer;
      let result: HttpResult | undefined;
      if (!cc) {
        transfer = {
          host: url.host,
          port: url.port,
          connectionId: id,
          connect,
          outcome: { kind: 'done', keep: false },
        };
      } else {
        const expectContinue = headerLines.some(
          ([n, v]) => n.toLowerCase() === 'expect' && v.toLowerCase() === '100-continue',
        );
        const started = clock.now();
        let outcome: CurlOutcome;
        let response: CurlTransfer['response'];
        let interim: CurlMessageHead[] = [];
        try {
          result = await unlessInterrupted(
            cc.request({
              method,
              target: url.target,
              host: headerLines[0]![1],
              headers: headerLines.slice(1),
              body,
              version,
              expectContinue,
              timeout: options.maxTimeMs === undefined ? undefined : options.maxTimeMs * MILLISECOND,
            }),
          );
          interim = result.informational.map(headOf);
          response = { ...headOf(result.response), firstDataBytes: result.firstDataBytes };
          outcome = { kind: 'done', keep: result.keptAlive };
        } catch (e) {
          if (e instanceof Interrupted) throw e;
          if (e instanceof HttpRequestError) {
            if (e.partial) response = { ...headOf(e.partial.response), firstDataBytes: e.partial.bodyBytes };
            if (e.code === 'http-timeout') {
              outcome = {
                kind: 'timeout',
                elapsedMs: ms(clock.now() - started),
                received: e.partial?.bodyBytes ?? 0,
              };
            } else if (e.code === 'http-protocol-error') outcome = { kind: 'weird-reply' };
            else if (e.partial && e.partial.remaining !== undefined) {
              outcome = { kind: 'partial', remaining: e.partial.remaining };
            } else if (e.received === 0) outcome = { kind: 'empty-reply' };
            else outcome = { kind: 'done', keep: false };
          } else outcome = { kind: 'empty-reply' };
        }
        transfer = {
          host: url.host,
          port: url.port,
          connectionId: id,
          connect,
          request: {
            ...request,
            firstBodyBytes: body ? Math.min(body.length, 65536) : 0,
            sentAfterContinue: expectContinue && result?.informational.some((h) => h.status === 100) === true,
          },
          interim,
          response,
          outcome,
        };
        if (outcome.kind === 'done' && outcome.keep) kept = { key, cc, id };
        else {
          cc.close();
          kept = null;
        }
      }
      transfers.push({ transfer, result });
      const code = curlExitCode(transfer);
      if (code !== 0) exitCode = code;
      // Standard output for this transfer: heads with -i / -I, the body unless -I.
      let stdout = new Uint8Array(0);
      if (result) {
        let head = '';
        if (options.include || options.head) {
          for (const h of result.informational) head += curlIncludedHead(headOf(h));
          head += curlIncludedHead(headOf(result.response));
        }
        const headBytes = encoder.encode(head);
        const bodyBytes = options.head ? new Uint8Array(0) : result.body;
        stdout = new Uint8Array(headBytes.length + bodyBytes.length);
        stdout.set(headBytes);
        stdout.set(bodyBytes, headBytes.length);
      }
      const pieces = options.verbose
        ? curlVerboseOutput(transfer, {
            tty: options.tty ?? false,
            keepCr: options.keepCr,
            silent: options.silent,
            showError: options.showError,
          })
        : curlVerboseOutput(transfer, { silent: options.silent, showError: options.showError }).filter((p) =>
            p.text.startsWith('curl: ('),
          );
      // The body goes where curl writes it: after the response head, before the closing lines
      // (verbose), or before the error message (quiet).
      const marker = pieces.findIndex((p) => p.stream === 'stdout');
      const at = marker >= 0 ? marker : options.verbose ? pieces.length : 0;
      pieces.forEach((p, i) => {
        if (i === at && stdout.length > 0) out.push({ stream: 'stdout', bytes: stdout });
        if (p.stream === 'stderr') out.push(p);
      });
      if (at >= pieces.length && stdout.length > 0) out.push({ stream: 'stdout', bytes: stdout });
    }
  } catch (e) {
    if (!(e instanceof Interrupted) && !wasInterrupted) throw e;
    exitCode = 130;
  }
  kept?.cc.close();

  const stderr: string[] = [];
  const chunks: Uint8Array[] = [];
  for (const p of out) {
    if (p.stream === 'stderr' && 'text' in p) stderr.push(p.text);
    else if ('bytes' in p) chunks.push(p.bytes);
  }
  let n = 0;
  for (const c of chunks) n += c.length;
  const stdout = new Uint8Array(n);
  let at = 0;
  for (const c of chunks) {
    stdout.set(c, at);
    at += c.length;
  }
  return { exitCode, stderr, stdout, output: out, transfers };
}
