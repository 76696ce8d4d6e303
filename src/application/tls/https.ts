/**
 * HTTPS: HTTP/1.x over TLS (RFC 9110 §4.2.2, RFC 2818), on port 443, with ALPN
 * 'http/1.1' (RFC 7301). The glue between the HTTP adapters (application/http), which are
 * written against ByteStream, and TLS, which turns one ByteStream into another:
 *
 * - `httpsHandler(server, tls)` accepts TLS on each incoming transport and hands the TLS
 *   stream to `HttpServer.serve`; a failed handshake is reported (it was already traced
 *   and alerted) and the transport closed.
 * - `httpsConnector(openTcp, tls)` is an `HttpClient` connect function: plain TCP for
 *   http://, TLS with SNI and the host name check for https://.
 */
import type { ByteStream } from '../../transport/byte-stream.ts';
import type { HttpClientOptions } from '../http/http-client.ts';
import type { HttpServer } from '../http/http-server.ts';
import {
  type TlsAcceptOptions,
  type TlsConnectOptions,
  type TlsStream,
  tlsAccept,
  tlsConnect,
} from './tls-stream.ts';

export const HTTPS_PORT = 443;
export const HTTP1_ALPN = 'http/1.1';

/** A connection handler that serves HTTP over TLS. */
export function httpsHandler(
  server: HttpServer,
  tls: TlsAcceptOptions,
  onHandshakeFailure?: (error: unknown, transport: ByteStream) => void,
): (transport: ByteStream) => Promise<void> {
  const options: TlsAcceptOptions = { alpn: [HTTP1_ALPN], ...tls };
  return async (transport) => {
    let stream: TlsStream;
    try {
      stream = await tlsAccept(transport, options);
    } catch (e) {
      onHandshakeFailure?.(e, transport);
      return;
    }
    await server.serve(stream);
  };
}

export type HttpsClientTls = Omit<TlsConnectOptions, 'serverName'>;

/** An HttpClient `connect` that wraps https:// connections in TLS (SNI = the URL's host). */
export function httpsConnector(
  openTcp: (host: string, port: number) => Promise<ByteStream>,
  tls: HttpsClientTls,
): HttpClientOptions['connect'] {
  return async (host, port, scheme) => {
    const tcp = await openTcp(host, port);
    if (scheme === 'http') return tcp;
    return tlsConnect(tcp, { alpn: [HTTP1_ALPN], ...tls, serverName: host });
  };
}
