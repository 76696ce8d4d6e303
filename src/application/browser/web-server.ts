/**
 * A web server on a simulated node in one call: `installWebServer(node, files)` listens on
 * TCP port 80 and serves the files (an in-memory tree, with MIME types, ETags and
 * conditional GET) over HTTP/1.0 and 1.1 and, on the same port, HTTP/2 with prior
 * knowledge (h2c): like nghttpd or Go's h2c handler, it reads the first bytes of each
 * connection and hands those starting with the HTTP/2 preface ("PRI * HTTP/2.0") to the
 * HTTP/2 server, the rest to the HTTP/1.x one.
 *
 * With `tls` it serves HTTPS instead: each connection starts with a TLS handshake (the
 * node's TLS service, `installTls`: its randomness, wall clock and trace), and the ALPN
 * protocol the client and server agree on decides HTTP/2 ('h2') or HTTP/1.1 — the way
 * browsers get HTTP/2 (RFC 9113 §3.2). A failed handshake ends that connection only.
 *
 * It is a plain function taking files and options, so tests and experiments build web
 * sites programmatically; the scenario-file syntax for web servers can be built on it.
 */
import type { Node } from '../../link/node.ts';
import { simClock } from '../../sim/clock.ts';
import type { Time } from '../../sim/time.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import type { TcpListener } from '../../transport/tcp/tcp-listener.ts';
import { type FileSource, memoryFiles } from '../http/file-source.ts';
import { HttpServer } from '../http/http-server.ts';
import type { HttpLimits } from '../http/limits.ts';
import { type HttpHandler, Router } from '../http/router.ts';
import type { Certificate } from '../pki/certificate.ts';
import { staticFiles } from '../http/static-files.ts';
import { CLIENT_PREFACE } from '../http2/preface.ts';
import { type H2Handler, serveHttp2 } from '../http2/server.ts';
import { h2StaticFiles } from '../http2/static-files.ts';
import type { CipherSuiteName } from '../tls/cipher-suites.ts';
import type { TrustStore } from '../pki/trust-store.ts';
import type { TlsVersion } from '../tls/code-points.ts';
import type { Credential } from '../tls/config.ts';
import { NODE_TLS } from '../tls/node-tls.ts';
import type { TlsStream } from '../tls/tls-stream.ts';
import { h2WithIdentity, http1WithIdentity } from './client-identity.ts';
import { ReplayStream } from './replay-stream.ts';

export interface WebServerOptions {
  /** Default 80. */
  readonly port?: number;
  /** Which protocols are spoken. Default 'both' (HTTP/1.x and h2c prior knowledge). */
  readonly protocols?: 'http1' | 'h2' | 'both';
  /** HTTP/1.x routes tried before the files (e.g. redirects, Set-Cookie). */
  readonly routes?: Router;
  /** The HTTP/2 handler; default the same files. */
  readonly h2Handler?: H2Handler;
  /** Resources pushed over HTTP/2 with a page, by the page's path. */
  readonly push?: Readonly<Record<string, readonly string[]>>;
  readonly limits?: Partial<HttpLimits>;
  /** The Server header. Default 'netlab'. */
  readonly serverName?: string;
  readonly idleTimeout?: Time;
  /** TCP listen backlog. Default 128. */
  readonly backlog?: number;
  /** TCP_NODELAY on accepted connections. Default true (nginx's `tcp_nodelay on`). */
  readonly noDelay?: boolean;
  /** HTTPS with these certificates (the node needs a TLS service, `installTls`). */
  readonly tls?: WebServerTls;
}

/** What an HTTPS web server accepts: its certificates and, optionally, less than every version and suite. */
export interface WebServerTls {
  readonly certificates: readonly Credential[];
  /** Default both. */
  readonly versions?: readonly TlsVersion[];
  /** In the server's order of preference; default every suite implemented. */
  readonly suites?: readonly CipherSuiteName[];
  /**
   * Ask for a client certificate (CertificateRequest), checked against the node's trust
   * store; 'require' refuses a client that sends none.
   */
  readonly clientAuth?: 'request' | 'require';
  /** With clientAuth: the CAs client certificates must chain to. Default the node's trust store. */
  readonly clientTrust?: TrustStore;
}

export interface WebServer {
  readonly node: Node;
  readonly port: number;
  readonly http1: HttpServer;
  readonly listener: TcpListener;
  /** Connections accepted, by protocol (over TLS: after the handshake). */
  readonly accepted: { http1: number; h2: number };
  /** Stops listening and closes every connection. */
  close(): void;
}

/** Most client identities remembered by connection (the oldest go first). */
const MAX_CLIENT_IDENTITIES = 4096;

/** Starts a web server on the node (which must have TCP). */
export function installWebServer(
  node: Node,
  files: Readonly<Record<string, Uint8Array | string>> | FileSource,
  options: WebServerOptions = {},
): WebServer {
  const sim = node.sim;
  const clock = simClock(sim);
  const source: FileSource =
    'stat' in files && typeof files.stat === 'function'
      ? (files as FileSource)
      : memoryFiles(files as Record<string, string>);
  const fileHandler = staticFiles(source);
  const routed: HttpHandler | Router = options.routes ? options.routes.fallback(fileHandler) : fileHandler;
  // With client certificates asked for, responses say who the client is (client-identity.ts).
  const clients = new Map<string, readonly Certificate[]>();
  const handler = options.tls?.clientAuth
    ? http1WithIdentity(routed instanceof Router ? routed.handle : routed, (remote) => clients.get(remote))
    : routed;
  const http1 = new HttpServer({
    handler,
    clock,
    trace: sim.trace,
    node: node.name,
    limits: options.limits,
    serverName: options.serverName,
    idleTimeout: options.idleTimeout,
  });
  const h2Handler = options.h2Handler ?? h2StaticFiles(source, { push: options.push });
  const port = options.port ?? 80;
  const protocols = options.protocols ?? 'both';
  const listener = node
    .requireService(TCP)
    .listen(port, { backlog: options.backlog, noDelay: options.noDelay ?? true });
  const accepted = { http1: 0, h2: 0 };
  const tls = options.tls ? node.requireService(NODE_TLS) : undefined;
  let h2Connections = 0;
  const h2Sessions = new Set<{ close(): Promise<void> }>();

  const serveH2 = (stream: ByteStream, client?: readonly Certificate[]) => {
    accepted.h2++;
    const session = serveHttp2(stream, {
      clock,
      handler: client ? h2WithIdentity(h2Handler, client) : h2Handler,
      deferred: () => sim.deferred(),
      trace: { bus: sim.trace, node: node.name, connection: ++h2Connections },
    });
    h2Sessions.add(session);
    void session.closed.finally(() => h2Sessions.delete(session));
  };
  const serveH1 = (stream: ByteStream) => {
    accepted.http1++;
    void http1.serve(stream);
  };

  const dispatch = async (stream: ByteStream) => {
    if (tls && options.tls) {
      let secured: TlsStream;
      try {
        const t = options.tls;
        secured = await tls.accept(stream, {
          certificates: t.certificates,
          alpn: protocols === 'http1' ? ['http/1.1'] : protocols === 'h2' ? ['h2'] : ['h2', 'http/1.1'],
          ...(t.versions ? { versions: t.versions } : {}),
          ...(t.suites ? { suites: t.suites } : {}),
          ...(t.clientAuth
            ? {
                requestClientCertificate: true,
                requireClientCertificate: t.clientAuth === 'require',
                trustStore: t.clientTrust ?? tls.trustStore,
              }
            : {}),
        });
      } catch {
        return; // the alert was sent and traced ('tls.failed'); the connection is closed
      }
      if (options.tls.clientAuth) {
        const remote = `${secured.remote.address}:${secured.remote.port}`;
        clients.delete(remote);
        clients.set(remote, secured.peerCertificates);
        // Connections end without telling the map: keep the newest, as a bounded table.
        if (clients.size > MAX_CLIENT_IDENTITIES) clients.delete(clients.keys().next().value!);
      }
      return secured.alpnProtocol === 'h2' || (protocols === 'h2' && secured.alpnProtocol === undefined)
        ? serveH2(secured, options.tls.clientAuth ? secured.peerCertificates : undefined)
        : serveH1(secured);
    }
    if (protocols === 'http1') return serveH1(stream);
    if (protocols === 'h2') return serveH2(stream);
    // Read until the bytes tell the preface from a request line (at most 24 bytes).
    const head = new Uint8Array(CLIENT_PREFACE.length);
    let have = 0;
    for (;;) {
      let chunk: Uint8Array | null;
      try {
        chunk = await stream.read(CLIENT_PREFACE.length - have);
      } catch {
        stream.abort();
        return;
      }
      if (chunk === null) {
        stream.close();
        return;
      }
      head.set(chunk, have);
      have += chunk.length;
      let prefix = true;
      for (let i = 0; i < have; i++) if (head[i] !== CLIENT_PREFACE[i]) prefix = false;
      if (!prefix || have === CLIENT_PREFACE.length) {
        const replay = new ReplayStream(stream, head.subarray(0, have));
        return prefix ? serveH2(replay) : serveH1(replay);
      }
    }
  };

  void (async () => {
    for (;;) {
      let stream: ByteStream;
      try {
        stream = await listener.accept();
      } catch {
        return; // the listener closed
      }
      void dispatch(stream);
    }
  })();

  return {
    node,
    port,
    http1,
    listener,
    accepted,
    close() {
      listener.close();
      http1.close();
      for (const s of h2Sessions) void s.close().catch(() => {});
    },
  };
}
