/**
 * `netlab curl [-v] [--cacert FILE] https://...`: the project's HTTP/1.x client over the
 * project's TLS over real sockets, printing what curl 7.88.1 prints (TLS lines from
 * src/tools/format/curl-tls.ts, the HTTP part from src/tools/format/curl.ts). http:// URLs
 * are handed to `realCurl` (src/real/http-client.ts).
 *
 * TLS options follow curl's: --cacert, -k/--insecure, --tlsv1.2/--tlsv1.3 (minimum
 * version), --tls-max, --ciphers (TLS 1.2, OpenSSL names), --tls13-ciphers, --cert/--key
 * (client certificate), --resolve HOST:PORT:ADDR, and SSLKEYLOGFILE (`keyLogFile`).
 * Without --cacert the system store (/etc/ssl/certs/ca-certificates.crt) is used; roots
 * netlab cannot parse (unsupported algorithms) are skipped.
 *
 * ALPN offers only http/1.1 (this client speaks no HTTP/2). Kept-alive connections are
 * reused across the URLs of one call, as curl does.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import {
  ClientConnection,
  HttpRequestError,
  type HttpResult,
} from '../application/http/client-connection.ts';
import { parseHttpUrl } from '../application/http/http-url.ts';
import type { ResponseHead } from '../application/http/message.ts';
import { type Certificate, parseCertificate } from '../application/pki/certificate.ts';
import { formatOpensslTime } from '../application/pki/der-time.ts';
import { dnsNameMatches } from '../application/pki/hostname.ts';
import { ipToBytes } from '../application/pki/ip-address-bytes.ts';
import type { Name } from '../application/pki/name.ts';
import { oidName } from '../application/pki/oid.ts';
import { decodePem } from '../application/pki/pem.ts';
import { TrustStore } from '../application/pki/trust-store.ts';
import { AlertDescription } from '../application/tls/alert.ts';
import { type CipherSuiteName, suiteByName } from '../application/tls/cipher-suites.ts';
import type { TlsVersion } from '../application/tls/code-points.ts';
import { TlsError } from '../application/tls/tls-error.ts';
import { type TlsStream, tlsConnect } from '../application/tls/tls-stream.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { TraceBus, type TraceEvent } from '../sim/trace.ts';
import { StreamError } from '../transport/byte-stream.ts';
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
} from '../tools/format/curl.ts';
import {
  type CurlServerCertificate,
  type CurlTlsFailure,
  type CurlTlsStep,
  curlTlsError,
  curlTlsHandshakeLines,
  curlTlsSessionLines,
} from '../tools/format/curl-tls.ts';
import { type RealCurlOptions, type RealCurlResult, realCurl } from './http-client.ts';
import { connectNet } from './net-stream.ts';
import { realClock } from './real-clock.ts';
import { loadCredential } from './https-server.ts';
import { hostRandom, hostWallClock } from './tls-host.ts';
import '../application/tls/trace-events.ts';
import '../application/pki/trace-events.ts';

export interface TlsCurlOptions extends RealCurlOptions {
  /** --cacert: PEM file of trusted CA certificates. */
  readonly cacert?: string;
  /** -k: do not verify the server. */
  readonly insecure?: boolean;
  /** --tlsv1.2 / --tlsv1.3: the lowest version. */
  readonly tlsMin?: TlsVersion;
  /** --tls-max. */
  readonly tlsMax?: TlsVersion;
  /** --ciphers: TLS 1.2 suites (OpenSSL names, ':'-separated in curl). */
  readonly ciphers?: readonly string[];
  /** --tls13-ciphers. */
  readonly tls13Ciphers?: readonly string[];
  /** --cert / --key: a client certificate (PEM). */
  readonly cert?: string;
  readonly key?: string;
  /** --resolve host:port:address. */
  readonly resolve?: readonly { readonly host: string; readonly port: number; readonly address: string }[];
  /** SSLKEYLOGFILE: appends NSS key log lines. */
  readonly keyLogFile?: string;
}

const SYSTEM_CA = '/etc/ssl/certs/ca-certificates.crt';
const encoder = new TextEncoder();
const NS_PER_MS = 1_000_000;

/** Every root of a PEM bundle netlab can parse (the others are skipped). */
export function loadPemBundle(file: string): TrustStore {
  const blocks = decodePem(readFileSync(file, 'utf8'));
  const roots: Certificate[] = [];
  if (!(blocks instanceof ProtocolError)) {
    for (const b of blocks) {
      if (b.label !== 'CERTIFICATE') continue;
      const c = parseCertificate(b.der);
      if (!(c instanceof ProtocolError)) roots.push(c);
    }
  }
  return new TrustStore(file, roots);
}

/** A name as curl prints it: attributes in certificate order, `CN=a; O=b`. */
export function curlName(name: Name): string {
  return name.rdns.map((rdn) => rdn.map((a) => `${oidName(a.type)}=${a.value}`).join(' + ')).join('; ');
}

function hostMatch(cert: Certificate, host: string): CurlServerCertificate['hostMatch'] {
  const ip = ipToBytes(host);
  for (const n of cert.subjectAltNames ?? []) {
    if (ip && n.kind === 'ip' && n.bytes.length === ip.length && n.bytes.every((b, i) => b === ip[i])) {
      return { host, matched: 'ip' };
    }
    if (!ip && n.kind === 'dns' && dnsNameMatches(n.name, host)) return { host, matched: n.name };
  }
  return { host, matched: null };
}

function headOf(h: ResponseHead): CurlMessageHead {
  return { startLine: `HTTP/${h.version} ${h.status} ${h.reason}`.trimEnd(), headers: h.headers.entries() };
}

const HANDSHAKE_TYPES: Record<string, number> = {
  HelloRequest: 0,
  ClientHello: 1,
  ServerHello: 2,
  HelloRetryRequest: 2,
  NewSessionTicket: 4,
  EncryptedExtensions: 8,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
  KeyUpdate: 24,
};

/** The TLS steps curl would print, from netlab's trace of one handshake. */
function tlsSteps(events: readonly TraceEvent[], highest: TlsVersion): CurlTlsStep[] {
  let version: TlsVersion = highest;
  const out: CurlTlsStep[] = [];
  for (const e of events) {
    if (e.type === 'tls.handshake') {
      const direction = e.direction === 'sent' ? 'out' : 'in';
      if (e.details.type === 'ServerHello') version = e.details.version === 'TLS 1.2' ? '1.2' : '1.3';
      if (e.details.type === 'ChangeCipherSpec') out.push({ kind: 'change-cipher-spec', direction, version });
      else out.push({ kind: 'handshake', direction, version, type: HANDSHAKE_TYPES[e.details.type] ?? 0 });
    } else if (e.type === 'tls.alert') {
      const description = alertCode(e.alert);
      out.push({
        kind: 'alert',
        direction: e.direction === 'sent' ? 'out' : 'in',
        version,
        level: e.level,
        description,
      });
    }
  }
  return out;
}

function alertCode(name: string): number {
  return (AlertDescription as Record<string, number>)[name] ?? 0;
}

async function addressesOf(
  host: string,
  port: number,
  resolve: TlsCurlOptions['resolve'],
): Promise<string[]> {
  const pinned = resolve?.find((r) => r.host === host && r.port === port);
  if (pinned) return [pinned.address];
  if (isIP(host)) return [host];
  try {
    const all = await lookup(host, { all: true });
    return [...all.filter((a) => a.family === 4), ...all.filter((a) => a.family === 6)].map((a) => a.address);
  } catch {
    return [];
  }
}

function connectReason(e: unknown): string {
  if (e instanceof StreamError) {
    if (e.code === 'connection-refused') return 'Connection refused';
    if (e.code === 'timed-out') return 'Connection timed out';
    if (e.code === 'unreachable') return 'No route to host';
    return 'Connection reset by peer';
  }
  return 'Connection refused';
}

/** `netlab curl` for https:// (and http:// through realCurl). */
export async function curlHttps(options: TlsCurlOptions): Promise<RealCurlResult> {
  const urls = typeof options.url === 'string' ? [options.url] : options.url;
  const out: RealCurlResult['output'][number][] = [];
  const transfers: { transfer: CurlTransfer; result?: HttpResult }[] = [];
  const body = typeof options.data === 'string' ? encoder.encode(options.data) : options.data;
  let exitCode = 0;
  let kept: { key: string; cc: ClientConnection; id: number } | null = null;
  let nextId = 0;
  const showErrors = !options.silent || options.showError;

  const versions: TlsVersion[] = (['1.3', '1.2'] as const).filter(
    (v) =>
      (options.tlsMin === undefined || v >= options.tlsMin) &&
      (options.tlsMax === undefined || v <= options.tlsMax),
  );
  const suites: CipherSuiteName[] = [
    ...(options.tls13Ciphers ?? [
      'TLS_AES_256_GCM_SHA384',
      'TLS_CHACHA20_POLY1305_SHA256',
      'TLS_AES_128_GCM_SHA256',
    ]),
    ...(options.ciphers ?? [
      'ECDHE-ECDSA-AES256-GCM-SHA384',
      'ECDHE-RSA-AES256-GCM-SHA384',
      'ECDHE-ECDSA-CHACHA20-POLY1305',
      'ECDHE-RSA-CHACHA20-POLY1305',
      'ECDHE-ECDSA-AES128-GCM-SHA256',
      'ECDHE-RSA-AES128-GCM-SHA256',
      'AES256-GCM-SHA384',
      'AES128-GCM-SHA256',
    ]),
  ].flatMap((n) => {
    const s = suiteByName(n);
    return s && versions.includes(s.version) ? [s.name as CipherSuiteName] : [];
  });
  const clientCert = options.cert ? loadCredential(options.cert, options.key ?? options.cert) : undefined;

  for (const raw of urls) {
    const url = parseHttpUrl(raw);
    if (url?.scheme === 'http' || !url) {
      const r = await realCurl({ ...options, url: raw });
      out.push(...r.output);
      transfers.push(...r.transfers);
      if (r.exitCode !== 0) exitCode = r.exitCode;
      continue;
    }
    const key = `${url.host}:${url.port}`;
    const trust = {
      ...(options.cacert ? { cafile: options.cacert } : {}),
      insecure: options.insecure ?? false,
    };
    let connect: CurlConnectStep;
    let cc: ClientConnection | undefined;
    let id: number;
    let tlsLines: string[] = [];
    let tlsFailure: CurlTlsFailure | undefined;
    if (kept && kept.key === key && kept.cc.usable) {
      cc = kept.cc;
      id = kept.id;
      connect = { kind: 'reused' };
    } else {
      kept?.cc.close();
      kept = null;
      id = nextId++;
      const started = performance.now();
      const addresses = await addressesOf(url.host, url.port, options.resolve);
      if (addresses.length === 0) connect = { kind: 'unresolved' };
      else {
        const attempts: { address: string; reason: string }[] = [];
        for (const address of addresses) {
          let tcp: Awaited<ReturnType<typeof connectNet>>;
          try {
            tcp = await connectNet(address, url.port);
          } catch (e) {
            attempts.push({ address, reason: connectReason(e) });
            continue;
          }
          connect = { kind: 'connected', address };
          if (options.cacert && !existsSync(options.cacert)) {
            tlsFailure = { kind: 'cafile', file: options.cacert };
            tcp.close();
            break;
          }
          const bus = new TraceBus();
          const events: TraceEvent[] = [];
          bus.onAny((e) => events.push(e));
          let tls: TlsStream | undefined;
          try {
            tls = await tlsConnect(tcp, {
              random: hostRandom,
              now: hostWallClock,
              serverName: url.host,
              hostname: url.host,
              verify: !options.insecure,
              ...(options.insecure
                ? {}
                : { trustStore: options.cacert ? loadPemBundle(options.cacert) : loadPemBundle(SYSTEM_CA) }),
              versions,
              suites,
              alpn: ['http/1.1'],
              ...(clientCert ? { certificate: clientCert } : {}),
              ...(options.keyLogFile
                ? { keyLog: (line: string) => appendFileSync(options.keyLogFile!, `${line}\n`) }
                : {}),
              trace: { trace: bus, now: 0 },
              describe: true,
            });
          } catch (e) {
            const validation = events.find((x) => x.type === 'pki.validate');
            if (e instanceof TlsError && e.code === 'tls-certificate') {
              const failed =
                validation?.type === 'pki.validate'
                  ? validation.steps.filter((s) => !s.ok).at(-1)
                  : undefined;
              tlsFailure = {
                kind: 'verify',
                certificate: e.certificate ?? 'unknown-ca',
                host: url.host,
                depth: failed?.depth ?? 0,
              };
            } else {
              tlsFailure = { kind: 'handshake', message: e instanceof Error ? e.message : String(e) };
            }
          }
          tlsLines = curlTlsHandshakeLines(['http/1.1'], tlsSteps(events, versions[0]!), trust);
          if (tls) {
            const leaf = tls.peerCertificates[0];
            tlsLines.push(
              ...curlTlsSessionLines(
                {
                  version: tls.version,
                  cipher: suiteByName(tls.cipherSuite)!.opensslName,
                  alpnOffered: true,
                  ...(tls.alpnProtocol ? { alpn: tls.alpnProtocol } : {}),
                  ...(leaf
                    ? {
                        certificate: {
                          subject: curlName(leaf.subject),
                          issuer: curlName(leaf.issuer),
                          startDate: formatOpensslTime(leaf.notBefore),
                          expireDate: formatOpensslTime(leaf.notAfter),
                          hostMatch: hostMatch(leaf, url.host),
                        },
                      }
                    : {}),
                  verified: !options.insecure,
                },
                trust,
              ),
            );
            cc = new ClientConnection(tls, { clock: realClock, id: id + 1 });
          }
          break;
        }
        connect ??= { kind: 'failed', attempts, elapsedMs: Math.round(performance.now() - started) };
      }
    }

    const method = options.method ?? (options.head ? 'HEAD' : body ? 'POST' : 'GET');
    const headerLines = curlRequestHeaders(url.hostHeader, options.headers ?? [], {
      userAgent: options.userAgent,
      body: body ? { length: body.length } : undefined,
    });
    const version = options.http10 ? '1.0' : '1.1';
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
      const started = performance.now();
      let outcome: CurlOutcome;
      let response: CurlTransfer['response'];
      let interim: CurlMessageHead[] = [];
      try {
        result = await cc.request({
          method,
          target: url.target,
          host: headerLines[0]![1],
          headers: headerLines.slice(1),
          body,
          version,
          expectContinue: false,
          timeout: options.maxTimeMs === undefined ? undefined : options.maxTimeMs * NS_PER_MS,
        });
        interim = result.informational.map(headOf);
        response = { ...headOf(result.response), firstDataBytes: result.firstDataBytes };
        outcome = { kind: 'done', keep: result.keptAlive };
      } catch (e) {
        if (e instanceof HttpRequestError) {
          if (e.partial) response = { ...headOf(e.partial.response), firstDataBytes: e.partial.bodyBytes };
          if (e.code === 'http-timeout') {
            outcome = {
              kind: 'timeout',
              elapsedMs: Math.round(performance.now() - started),
              received: e.partial?.bodyBytes ?? 0,
            };
          } else if (e.code === 'http-protocol-error') outcome = { kind: 'weird-reply' };
          else if (e.partial && e.partial.remaining !== undefined)
            outcome = { kind: 'partial', remaining: e.partial.remaining };
          else if (e.received === 0) outcome = { kind: 'empty-reply' };
          else outcome = { kind: 'done', keep: false };
        } else outcome = { kind: 'empty-reply' };
      }
      transfer = {
        host: url.host,
        port: url.port,
        connectionId: id,
        connect,
        request: {
          startLine: `${method} ${url.target} HTTP/${version}`,
          headers: headerLines,
          firstBodyBytes: body ? Math.min(body.length, 65536) : 0,
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
    let stdout = new Uint8Array(0);
    if (result) {
      let head = '';
      if (options.include || options.head) {
        for (const h of result.informational) head += curlIncludedHead(headOf(h));
        head += curlIncludedHead(headOf(result.response));
      }
      const parts = [encoder.encode(head), options.head ? new Uint8Array(0) : result.body];
      stdout = new Uint8Array(parts[0]!.length + parts[1]!.length);
      stdout.set(parts[0]!);
      stdout.set(parts[1]!, parts[0]!.length);
    }
    const tlsError = tlsFailure ? curlTlsError(tlsFailure) : undefined;
    const code = tlsError ? tlsError.exitCode : curlExitCode(transfer);
    if (code !== 0) exitCode = code;
    let pieces: CurlOutputPiece[] = curlVerboseOutput(transfer, {
      tty: options.tty ?? false,
      keepCr: options.keepCr,
      silent: options.silent,
      showError: options.showError,
    });
    // TLS lines go after "* Connected to"; a TLS failure's info line before "* Closing".
    const connected = pieces.findIndex((p) => p.text.startsWith('* Connected to '));
    if (connected >= 0) {
      const extra: CurlOutputPiece[] = tlsLines.map((text) => ({ stream: 'stderr', text }));
      if (tlsError) extra.push({ stream: 'stderr', text: tlsError.info });
      pieces = [...pieces.slice(0, connected + 1), ...extra, ...pieces.slice(connected + 1)];
    }
    if (tlsError && showErrors) for (const text of tlsError.final) pieces.push({ stream: 'stderr', text });
    if (!options.verbose) {
      pieces = pieces.filter(
        (p) =>
          p.stream === 'stdout' ||
          p.text.startsWith('curl: (') ||
          (showErrors && tlsError?.final.includes(p.text) === true),
      );
    }
    const marker = pieces.findIndex((p) => p.stream === 'stdout');
    const at = marker >= 0 ? marker : options.verbose ? pieces.length : 0;
    pieces.forEach((p, i) => {
      if (i === at && stdout.length > 0) out.push({ stream: 'stdout', bytes: stdout });
      if (p.stream === 'stderr') out.push(p);
    });
    if (at >= pieces.length && stdout.length > 0) out.push({ stream: 'stdout', bytes: stdout });
  }
  kept?.cc.close();

  const stderr: string[] = [];
  const chunks: Uint8Array[] = [];
  for (const p of out) {
    if (p.stream === 'stderr' && 'text' in p) stderr.push(p.text);
    else if ('bytes' in p) chunks.push(p.bytes);
  }
  const stdoutAll = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let pos = 0;
  for (const c of chunks) {
    stdoutAll.set(c, pos);
    pos += c.length;
  }
  return { exitCode, stderr, stdout: stdoutAll, output: out, transfers };
}
