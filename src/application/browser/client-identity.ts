/**
 * Who the client is, for a web server that asks for client certificates (mutual TLS,
 * RFC 8446 §4.4.2): the verified certificate's subject, given to the response as the
 * headers an nginx site configures from `$ssl_client_verify` and `$ssl_client_s_dn`
 * (`add_header X-Client-Verify $ssl_client_verify;`). `SUCCESS` and the subject in
 * RFC 4514 form when a certificate was sent and verified, `NONE` when the client sent
 * none (client_auth: request). A certificate that does not verify never gets this far:
 * the handshake ends with an alert.
 */
import type { Certificate } from '../pki/certificate.ts';
import { formatNameRfc4514 } from '../pki/name.ts';
import type { HeaderField } from '../http2/hpack/header-field.ts';
import { HeaderList } from '../http/header-list.ts';
import type { HttpHandler, HttpServerResponse } from '../http/router.ts';
import type { H2Handler, H2ServerResponse } from '../http2/server.ts';

/** The identity headers for a connection's client chain (leaf first; empty: none sent). */
export function clientIdentityHeaders(chain: readonly Certificate[]): [string, string][] {
  const leaf = chain[0];
  return leaf
    ? [
        ['X-Client-Verify', 'SUCCESS'],
        ['X-Client-DN', formatNameRfc4514(leaf.subject)],
      ]
    : [['X-Client-Verify', 'NONE']];
}

function withHttp1(r: HttpServerResponse, extra: readonly [string, string][]): HttpServerResponse {
  const list = HeaderList.from(r.headers);
  return { ...r, headers: [...list.entries(), ...extra] };
}

/**
 * An HTTP/1.x handler that adds the identity of the connection's client, found by the
 * client's address and port (`identityOf`).
 */
export function http1WithIdentity(
  handler: HttpHandler,
  identityOf: (remote: string) => readonly Certificate[] | undefined,
): HttpHandler {
  return (req) => {
    const chain = identityOf(`${req.remote.address}:${req.remote.port}`);
    if (chain === undefined) return handler(req);
    const extra = clientIdentityHeaders(chain);
    const r = handler(req);
    return r instanceof Promise ? r.then((x) => withHttp1(x, extra)) : withHttp1(r, extra);
  };
}

function withH2(r: H2ServerResponse, extra: readonly [string, string][]): H2ServerResponse {
  const fields: HeaderField[] = Array.isArray(r.headers)
    ? [...(r.headers as readonly HeaderField[])]
    : Object.entries((r.headers ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value }));
  for (const [n, v] of extra) fields.push({ name: n.toLowerCase(), value: v });
  return { ...r, headers: fields };
}

/** An HTTP/2 handler for one connection whose client sent `chain`. */
export function h2WithIdentity(handler: H2Handler, chain: readonly Certificate[]): H2Handler {
  const extra = clientIdentityHeaders(chain);
  return (req) => {
    const r = handler(req);
    return r instanceof Promise ? r.then((x) => withH2(x, extra)) : withH2(r, extra);
  };
}
