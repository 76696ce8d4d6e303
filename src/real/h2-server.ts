/**
 * `netlab serve h2`: the project's HTTP/2 server (src/application/http2) on a real TCP
 * port, so real `curl --http2`, `nghttp` and `h2load` talk to it.
 *
 * - `cleartext: true`: h2c with prior knowledge (RFC 9113 §3.3) — the client starts with
 *   the connection preface, no Upgrade dance.
 * - Otherwise TLS with ALPN "h2" (RFC 9113 §3.2, RFC 7301) from `cert` and `key` (PEM):
 *   by default the project's own TLS (src/application/tls, `tlsAccept` over the socket),
 *   or Node's (`tls: 'node'`), to compare. The HTTP/2 code is the same either way: it
 *   runs over whatever ByteStream it is given.
 *
 * Files come from a real directory (`root`, through src/real/http-directory.ts), or
 * answers from a `handler`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { parseCertificatesPem } from '../application/pki/certificate.ts';
import { parsePrivateKeyPem } from '../application/pki/keys.ts';
import { tlsAccept } from '../application/tls/tls-stream.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import type { ByteStream } from '../transport/byte-stream.ts';
import type { FileSource } from '../application/http/file-source.ts';
import type { Http2ConnectionOptions } from '../application/http2/connection-options.ts';
import { type H2Handler, Http2ServerConnection } from '../application/http2/server.ts';
import { h2StaticFiles, type H2StaticFilesOptions } from '../application/http2/static-files.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import type { TraceBus } from '../sim/trace.ts';
import { type DirectoryFilesOptions, directoryFiles } from './http-directory.ts';
import { NetStream } from './net-stream.ts';
import { realClock, realDeadlineClock } from './real-clock.ts';

export interface ServeH2Options {
  /** TCP port; 0 picks a free one (see the handle's `port`). */
  readonly port: number;
  /** Address to bind. Default '127.0.0.1'. */
  readonly host?: string;
  /** A directory to serve. */
  readonly root?: string;
  /** Or any handler (takes precedence over `root`). */
  readonly handler?: H2Handler;
  /** h2c with prior knowledge instead of TLS. */
  readonly cleartext?: boolean;
  /** PEM certificate chain (text, or a file path). Required without `cleartext`. */
  readonly cert?: string;
  /** PEM private key (text, or a file path). */
  readonly key?: string;
  /** Which TLS: the project's ('netlab', default) or Node's ('node'). */
  readonly tls?: 'netlab' | 'node';
  /** Server push lists for static files: page path -> resources. */
  readonly push?: H2StaticFilesOptions['push'];
  readonly staticOptions?: Omit<H2StaticFilesOptions, 'push'>;
  /** How `root` is read: the cache's bounds (http-directory.ts), or none. */
  readonly files?: DirectoryFilesOptions;
  /** Settings and limits of every connection. */
  readonly connection?: Omit<Http2ConnectionOptions, 'role'>;
  /** Frames and errors of every connection are reported here (node 'localhost'). */
  readonly trace?: TraceBus;
}

export interface H2ServerHandle {
  readonly port: number;
  readonly address: string;
  /** 'h2c' (cleartext prior knowledge) or 'h2' (TLS + ALPN). */
  readonly protocol: 'h2' | 'h2c';
  /** Connections accepted so far. */
  readonly connections: number;
  /**
   * The HTTP/2 connections open now. Each one's `conn.remoteSettings` is what its client
   * announced in SETTINGS (RFC 9113 §6.5.2): how a test sees, say, a browser's
   * SETTINGS_ENABLE_PUSH = 0, which is why no PUSH_PROMISE goes to it.
   */
  readonly open: readonly Http2ServerConnection[];
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/** PEM text as given, or read from the file it names. */
function pem(value: string, what: string): string {
  if (value.includes('-----BEGIN')) return value;
  try {
    return readFileSync(value, 'utf8');
  } catch (e) {
    throw new NetlabError('h2-bad-option', `cannot read the ${what} file ${value}: ${(e as Error).message}`);
  }
}

export async function serveH2(options: ServeH2Options): Promise<H2ServerHandle> {
  let handler: H2Handler;
  if (options.handler) handler = options.handler;
  else if (options.root !== undefined) {
    const files: FileSource = directoryFiles(options.root, options.files);
    handler = h2StaticFiles(files, { ...options.staticOptions, push: options.push });
  } else {
    throw new NetlabError('h2-no-handler', 'serveH2 needs a root directory or a handler');
  }
  const cleartext = options.cleartext === true;
  const sockets = new Set<net.Socket>();
  const live = new Set<Http2ServerConnection>();
  let count = 0;
  const serveStream = (stream: ByteStream) => {
    const connection = ++count;
    const server = new Http2ServerConnection(stream, {
      handler,
      clock: realClock,
      connection: options.connection,
      trace: options.trace ? { bus: options.trace, node: 'localhost', connection } : undefined,
    });
    live.add(server);
    void server.closed.then(() => live.delete(server));
    server.start();
  };
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
  };
  let server: net.Server;
  if (cleartext) {
    server = net.createServer({ allowHalfOpen: true }, (socket) => {
      track(socket);
      serveStream(new NetStream(socket));
    });
  } else {
    if (!options.cert || !options.key) {
      throw new NetlabError(
        'h2-bad-option',
        'HTTP/2 over TLS needs cert and key (or cleartext: true for h2c)',
      );
    }
    const certPem = pem(options.cert, 'certificate');
    const keyPem = pem(options.key, 'key');
    if (options.tls === 'node') {
      server = tls.createServer(
        { cert: certPem, key: keyPem, ALPNProtocols: ['h2'], allowHalfOpen: true },
        (socket) => {
          track(socket);
          // ALPN chose h2 or nothing (we offer nothing else): without it, no HTTP/2.
          if (socket.alpnProtocol !== 'h2') socket.destroy();
          else serveStream(new NetStream(socket));
        },
      );
      server.on('tlsClientError', () => {}); // a failed handshake concerns that client only
    } else {
      const chain = parseCertificatesPem(certPem);
      const key = parsePrivateKeyPem(keyPem);
      if (chain instanceof ProtocolError || chain.length === 0) {
        throw new NetlabError(
          'h2-bad-option',
          `bad certificate PEM: ${chain instanceof ProtocolError ? chain : 'empty'}`,
        );
      }
      if (key instanceof ProtocolError) throw new NetlabError('h2-bad-option', `bad key PEM: ${key}`);
      const random = (n: number) => new Uint8Array(randomBytes(n));
      const bus = options.trace;
      const traceTarget = bus
        ? {
            trace: bus,
            get now() {
              return realClock.now();
            },
          }
        : undefined;
      server = net.createServer({ allowHalfOpen: true }, (socket) => {
        track(socket);
        tlsAccept(new NetStream(socket), {
          random,
          now: () => Date.now() / 1000,
          certificates: [{ chain, key }],
          alpn: ['h2'],
          clock: realDeadlineClock, // bounds the close linger without holding the process
          ...(traceTarget ? { trace: traceTarget, node: 'localhost' } : {}),
        }).then(
          (t) => {
            if (t.alpnProtocol !== 'h2') t.close();
            else serveStream(t);
          },
          () => socket.destroy(), // the handshake failed: the alert went out, that client is done
        );
      });
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as net.AddressInfo;
  return {
    port: addr.port,
    address: addr.address,
    protocol: cleartext ? 'h2c' : 'h2',
    get connections() {
      return count;
    },
    get open() {
      return [...live];
    },
    close: () =>
      new Promise<void>((done) => {
        for (const s of live) s.session.abort();
        for (const s of sockets) s.destroy();
        server.close(() => done());
      }),
  };
}
