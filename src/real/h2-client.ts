/**
 * The project's HTTP/2 client (src/application/http2) over real sockets, as a library
 * (`netlab curl` runs curl's one engine, src/real/http-client.ts): `http://` URLs speak
 * h2c with prior knowledge, `https://` URLs TLS with ALPN "h2" — by default
 * the project's own TLS (src/application/tls) trusting `ca` or Node's bundled Mozilla
 * roots, or Node's TLS with `tls: 'node'`.
 *
 * Several URLs of one origin share one connection and go out concurrently, multiplexed.
 */
import { lookup } from 'node:dns/promises';
import net from 'node:net';
import tls from 'node:tls';
import { type H2ClientResponse, Http2Client } from '../application/http2/client.ts';
import type { Http2ConnectionOptions } from '../application/http2/connection-options.ts';
import type { HeaderField } from '../application/http2/hpack/header-field.ts';
import type { Priority } from '../application/http2/priority.ts';
import { parseCertificatesPem } from '../application/pki/certificate.ts';
import { TrustStore } from '../application/pki/trust-store.ts';
import { tlsConnect } from '../application/tls/tls-stream.ts';
import { randomBytes } from 'node:crypto';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import type { ByteStream } from '../transport/byte-stream.ts';
import type { TraceBus } from '../sim/trace.ts';
import { StreamError } from '../transport/byte-stream.ts';
import { NetStream } from './net-stream.ts';
import { realClock, realDeadlineClock } from './real-clock.ts';

export interface H2Origin {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  readonly port: number;
  /** `host[:port]` as `:authority` carries it (the port only when not the default). */
  readonly authority: string;
}

/** Splits an http(s) URL into its origin and path (with query). */
export function parseH2Url(url: string): { origin: H2Origin; path: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NetlabError('h2-bad-url', `not a URL: ${url}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new NetlabError('h2-bad-url', `HTTP/2 needs an http or https URL: ${url}`);
  }
  const scheme = u.protocol === 'https:' ? 'https' : 'http';
  const port = u.port ? Number(u.port) : scheme === 'https' ? 443 : 80;
  const host = u.hostname.replace(/^\[|\]$/g, '');
  return {
    origin: { scheme, host, port, authority: u.host },
    path: `${u.pathname || '/'}${u.search}`,
  };
}

export interface ConnectH2Options {
  /** https: accept any certificate (curl -k). */
  readonly insecure?: boolean;
  /** https: PEM of the CA to trust instead of the system's. */
  readonly ca?: string;
  /** https: the project's TLS ('netlab', default) or Node's ('node'). */
  readonly tls?: 'netlab' | 'node';
  /** Give up connecting after this many milliseconds. Default 10000. */
  readonly timeoutMs?: number;
  readonly connection?: Omit<Http2ConnectionOptions, 'role'>;
  readonly enablePush?: boolean;
  readonly trace?: TraceBus;
}

export interface RealH2Connection {
  readonly client: Http2Client;
  /** The address connected to. */
  readonly address: string;
  /** 'h2' over TLS (ALPN), 'h2c' in the clear. */
  readonly protocol: 'h2' | 'h2c';
}

let mozillaRoots: TrustStore | undefined;

/** Node's bundled Mozilla CA roots as a trust store for the project's TLS. */
function systemTrustStore(): TrustStore {
  if (!mozillaRoots) {
    const roots = tls.rootCertificates.flatMap((pem) => {
      const c = parseCertificatesPem(pem);
      return c instanceof ProtocolError ? [] : c;
    });
    mozillaRoots = new TrustStore('mozilla (node)', roots);
  }
  return mozillaRoots;
}

function trustStoreOf(caPem: string): TrustStore {
  const certs = parseCertificatesPem(caPem);
  if (certs instanceof ProtocolError) throw new NetlabError('h2-bad-option', `bad CA PEM: ${certs}`);
  return new TrustStore('cacert', certs);
}

function openSocket(
  origin: H2Origin,
  address: string,
  options: ConnectH2Options,
  useNodeTls: boolean,
): Promise<net.Socket> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return new Promise<net.Socket>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new StreamError(err.code === 'ECONNREFUSED' ? 'connection-refused' : 'unreachable', err.message),
      );
    };
    const timer = setTimeout(() => {
      s.destroy();
      reject(new StreamError('timed-out', `connect to ${origin.host}:${origin.port} timed out`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      s.off('error', onError);
      resolve(s);
    };
    const s: net.Socket = useNodeTls
      ? tls.connect(
          {
            host: address,
            port: origin.port,
            servername: net.isIP(origin.host) ? undefined : origin.host,
            ALPNProtocols: ['h2'],
            rejectUnauthorized: options.insecure !== true,
            ...(options.ca ? { ca: options.ca } : {}),
          },
          done,
        )
      : net.connect({ host: address, port: origin.port, allowHalfOpen: true }, done);
    s.once('error', onError);
  });
}

/** Opens an HTTP/2 connection to an origin. */
export async function connectH2(origin: H2Origin, options: ConnectH2Options = {}): Promise<RealH2Connection> {
  const address = net.isIP(origin.host) ? origin.host : (await lookup(origin.host, { family: 0 })).address;
  const https = origin.scheme === 'https';
  const nodeTls = https && options.tls === 'node';
  const socket = await openSocket(origin, address, options, nodeTls);
  socket.setNoDelay(true);
  let stream: ByteStream;
  if (nodeTls) {
    if ((socket as tls.TLSSocket).alpnProtocol !== 'h2') {
      socket.destroy();
      throw new NetlabError('h2-no-alpn', `${origin.host} did not select ALPN "h2"`);
    }
    stream = new NetStream(socket);
  } else if (https) {
    const t = await tlsConnect(new NetStream(socket), {
      random: (n) => new Uint8Array(randomBytes(n)),
      now: () => Date.now() / 1000,
      alpn: ['h2'],
      serverName: origin.host,
      verify: options.insecure !== true,
      trustStore: options.ca ? trustStoreOf(options.ca) : systemTrustStore(),
      clock: realDeadlineClock, // bounds the close linger without holding the process
    });
    if (t.alpnProtocol !== 'h2') {
      t.close();
      throw new NetlabError(
        'h2-no-alpn',
        `${origin.host} did not select ALPN "h2" (got ${t.alpnProtocol ?? 'none'})`,
      );
    }
    stream = t;
  } else {
    stream = new NetStream(socket);
  }
  const client = new Http2Client(stream, {
    clock: realClock,
    authority: origin.authority,
    scheme: origin.scheme,
    connection: options.connection,
    enablePush: options.enablePush,
    trace: options.trace ? { bus: options.trace, node: 'localhost', connection: 1 } : undefined,
  }).start();
  return { client, address, protocol: https ? 'h2' : 'h2c' };
}

export interface FetchH2Options extends ConnectH2Options {
  readonly method?: string;
  readonly headers?: readonly HeaderField[];
  readonly body?: Uint8Array | string;
  readonly priority?: Priority;
}

/**
 * Fetches URLs of one origin over one HTTP/2 connection, all at once, and closes it.
 * Resolves with the responses in the order of `urls`.
 */
export async function fetchH2(
  urls: readonly string[],
  options: FetchH2Options = {},
): Promise<H2ClientResponse[]> {
  if (urls.length === 0) return [];
  const parsed = urls.map(parseH2Url);
  const origin = parsed[0]!.origin;
  for (const p of parsed) {
    if (p.origin.scheme !== origin.scheme || p.origin.authority !== origin.authority) {
      throw new NetlabError('h2-bad-url', 'fetchH2 takes URLs of one origin');
    }
  }
  const { client } = await connectH2(origin, options);
  try {
    return await Promise.all(
      parsed.map((p) =>
        client.request({
          method: options.method,
          path: p.path,
          headers: options.headers,
          body: options.body,
          priority: options.priority,
        }),
      ),
    );
  } finally {
    await client.close();
  }
}
