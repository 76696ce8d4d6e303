/**
 * `netlab serve https --port P --cert FILE --key FILE --root DIR`: the project's HTTP/1.x
 * server over the project's TLS (1.2 and 1.3) on a real TCP port, so real `curl --cacert`,
 * `openssl s_client` and browsers talk to it. The certificate file holds the leaf and its
 * chain (what `netlab pki issue` writes); the key file a PKCS #8, PKCS #1 or SEC 1 key.
 *
 * With `clientCa` it asks for client certificates (mutual TLS) and checks them against that
 * CA file; `keyLogFile` appends NSS key log lines, for Wireshark. A `trace` bus gets the
 * TLS layer's events ('tls.established' with the version, suite and group each client
 * got; 'tls.failed') as well as the HTTP server's, under the same node name.
 *
 * Limits: a handshake must finish within `handshakeTimeoutMs` (10 s), and at most
 * `maxHandshakes` (256) run at once — the HTTP server's own limits apply after that.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { HttpServer, HttpServerOptions } from '../application/http/http-server.ts';
import type { Router, HttpHandler } from '../application/http/router.ts';
import { type Certificate, parseCertificatesPem } from '../application/pki/certificate.ts';
import { keyMatches, parsePrivateKeyPem, type PrivateKey } from '../application/pki/keys.ts';
import type { TraceTarget } from '../application/pki/trace-events.ts';
import { TrustStore } from '../application/pki/trust-store.ts';
import type { CipherSuiteName } from '../application/tls/cipher-suites.ts';
import type { TlsVersion } from '../application/tls/code-points.ts';
import { HTTP1_ALPN } from '../application/tls/https.ts';
import { type TlsAcceptOptions, type TlsStream, tlsAccept } from '../application/tls/tls-stream.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { MILLISECOND } from '../sim/time.ts';
import type { TraceBus } from '../sim/trace.ts';
import { listenNet, type NetStream } from './net-stream.ts';
import { realHttpServer } from './http-server.ts';
import { realClock } from './real-clock.ts';
import { hostRandom, hostWallClock } from './tls-host.ts';

export interface ServeHttpsOptions
  extends Partial<Omit<HttpServerOptions, 'handler' | 'clock' | 'wallClock'>> {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /** Address to bind. Default '127.0.0.1'. */
  readonly host?: string;
  /** PEM: the leaf certificate, then its chain. */
  readonly certFile: string;
  /** PEM private key of the leaf. */
  readonly keyFile: string;
  /** Directory to serve. */
  readonly root?: string;
  /** Or a handler (a Router, when `root` is given too). */
  readonly handler?: HttpHandler | Router;
  readonly versions?: readonly TlsVersion[];
  readonly suites?: readonly CipherSuiteName[];
  readonly alpn?: readonly string[];
  /** CA certificates (PEM) that client certificates must chain to: turns on mutual TLS. */
  readonly clientCa?: string;
  /** Refuse clients without a certificate (with `clientCa`). */
  readonly requireClientCertificate?: boolean;
  /** Appends NSS key log lines to this file. */
  readonly keyLogFile?: string;
  /** A handshake not done by then is dropped. Default 10 s. */
  readonly handshakeTimeoutMs?: number;
  /** Handshakes in progress at once; more connections are closed at once. Default 256. */
  readonly maxHandshakes?: number;
}

export interface HttpsServerHandle {
  readonly port: number;
  readonly address: string;
  readonly server: HttpServer;
  /** Handshakes that completed and that failed. */
  readonly handshakes: { ok: number; failed: number };
  /** The last handshake failures (up to 32), newest last. */
  readonly failures: readonly unknown[];
  close(): Promise<void>;
}

/** The certificate chain and key in two PEM files; throws a NetlabError naming the bad file. */
export function loadCredential(certFile: string, keyFile: string): { chain: Certificate[]; key: PrivateKey } {
  const chain = parseCertificatesPem(readFileSync(certFile, 'utf8'));
  if (chain instanceof ProtocolError)
    throw new NetlabError('tls-bad-certificate-file', `${certFile}: ${chain}`);
  const key = parsePrivateKeyPem(readFileSync(keyFile, 'utf8'));
  if (key instanceof ProtocolError) throw new NetlabError('tls-bad-key-file', `${keyFile}: ${key}`);
  if (!keyMatches(key, chain[0]!.publicKey)) {
    throw new NetlabError(
      'tls-key-mismatch',
      `${keyFile} is not the key of the first certificate in ${certFile}`,
    );
  }
  return { chain, key };
}

/** A trust store from a PEM file of CA certificates (`--cacert`, `-CAfile`). */
export function loadTrustStore(file: string): TrustStore {
  const roots = parseCertificatesPem(readFileSync(file, 'utf8'));
  if (roots instanceof ProtocolError) throw new NetlabError('tls-bad-ca-file', `${file}: ${roots}`);
  return new TrustStore(file, roots);
}

/** The TLS layer's view of a trace bus: events stamped with the host's clock. */
function traceTarget(trace: TraceBus): TraceTarget {
  return {
    trace,
    get now() {
      return realClock.now();
    },
  };
}

/** Accepts TLS then serves HTTP, counting handshakes; `settled` runs once the handshake is over. */
class HttpsCounting {
  constructor(
    private readonly server: HttpServer,
    private readonly tls: TlsAcceptOptions,
    private readonly counts: { ok: number; failed: number },
    private readonly failures: unknown[],
  ) {}

  async serve(stream: NetStream, settled: () => void): Promise<void> {
    let secure: TlsStream;
    try {
      secure = await tlsAccept(stream, { alpn: [HTTP1_ALPN], ...this.tls });
    } catch (e) {
      settled();
      this.counts.failed++;
      this.failures.push(e);
      if (this.failures.length > 32) this.failures.shift();
      return;
    }
    settled();
    this.counts.ok++;
    await this.server.serve(secure);
  }
}

export async function serveHttps(options: ServeHttpsOptions): Promise<HttpsServerHandle> {
  const {
    port,
    host,
    certFile,
    keyFile,
    root,
    handler,
    versions,
    suites,
    alpn,
    clientCa,
    requireClientCertificate,
    keyLogFile,
    handshakeTimeoutMs,
    maxHandshakes,
    ...rest
  } = options;
  const credential = loadCredential(certFile, keyFile);
  const server = realHttpServer('serveHttps', root, handler, undefined, rest);
  const tls: TlsAcceptOptions = {
    random: hostRandom,
    now: hostWallClock,
    certificates: [credential],
    ...(versions ? { versions } : {}),
    ...(suites ? { suites } : {}),
    ...(alpn ? { alpn } : {}),
    ...(clientCa
      ? {
          trustStore: loadTrustStore(clientCa),
          requestClientCertificate: true,
          requireClientCertificate: requireClientCertificate ?? false,
        }
      : {}),
    ...(keyLogFile ? { keyLog: (line: string) => appendFileSync(keyLogFile, `${line}\n`) } : {}),
    ...(rest.trace ? { trace: traceTarget(rest.trace), node: server.node } : {}),
    clock: realClock,
    handshakeTimeout: (handshakeTimeoutMs ?? 10_000) * MILLISECOND,
  };
  const handshakeLimit = maxHandshakes ?? 256;
  let handshaking = 0;
  const handshakes = { ok: 0, failed: 0 };
  const failures: unknown[] = [];
  const served = new HttpsCounting(server, tls, handshakes, failures);
  const listener = await listenNet(
    port,
    async (stream) => {
      if (handshaking >= handshakeLimit) {
        handshakes.failed++;
        stream.abort();
        return;
      }
      handshaking++;
      await served.serve(stream, () => handshaking--);
    },
    host ?? '127.0.0.1',
  );
  return {
    port: listener.port,
    address: listener.address,
    server,
    handshakes,
    failures,
    close: async () => {
      server.close();
      await listener.close();
    },
  };
}
