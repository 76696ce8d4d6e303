/**
 * HTTPS for a simulated browser: the `secure` seam of the connection pool (a TLS client
 * over the TCP stream, offering the pool's ALPN list) run by the node's TLS service
 * (`installTls`: the node's trust store, seeded randomness and wall clock, every message
 * traced), and a failed handshake as the error Chromium shows for it:
 *
 * - the chain leads to no trusted root, or is self-signed: NET::ERR_CERT_AUTHORITY_INVALID;
 * - expired or not yet valid at the browser's clock: NET::ERR_CERT_DATE_INVALID;
 * - the certificate does not name the host: NET::ERR_CERT_COMMON_NAME_INVALID;
 * - any other certificate problem: NET::ERR_CERT_INVALID;
 * - the server refused the client certificate, or wanted one: ERR_BAD_SSL_CLIENT_AUTH_CERT. BoringSSL
 *   names the alerts that mean it (bad_certificate, unsupported_certificate, certificate_revoked,
 *   certificate_expired, certificate_unknown, access_denied, certificate_required, unknown_ca:
 *   Chromium's net/ssl/openssl_ssl_util.cc), and since TLS 1.2 has no alert for a missing
 *   certificate, a handshake_failure after the browser answered CertificateRequest with none
 *   counts too (crbug.com/646567). In TLS 1.3 the alert comes after the client's Finished, so
 *   it surfaces while the response is read (connection-pool.ts sends it here);
 * - no common version or suite (handshake_failure, protocol_version): ERR_SSL_VERSION_OR_CIPHER_MISMATCH;
 * - anything else in the handshake: ERR_SSL_PROTOCOL_ERROR.
 * The BrowserError's message carries the validation failure's own words.
 */
import type { ChainErrorCode } from '../pki/chain-validation.ts';
import type { NodeTls } from '../tls/node-tls.ts';
import type { Credential } from '../tls/config.ts';
import { TlsError } from '../tls/tls-error.ts';
import { BrowserError, type BrowserErrorCode } from './browser-error.ts';
import type { SecureConnector } from './connection-pool.ts';

const CERTIFICATE_ERRORS: Partial<Record<ChainErrorCode, BrowserErrorCode>> = {
  'unknown-ca': 'browser-cert-authority-invalid',
  'self-signed-untrusted': 'browser-cert-authority-invalid',
  'empty-chain': 'browser-cert-authority-invalid',
  expired: 'browser-cert-date-invalid',
  'not-yet-valid': 'browser-cert-date-invalid',
  'hostname-mismatch': 'browser-cert-common-name-invalid',
};

/** Alerts from the server that mean "not with that client certificate" (or without one). */
const CLIENT_AUTH_ALERTS: ReadonlySet<string> = new Set([
  'bad_certificate',
  'unsupported_certificate',
  'certificate_revoked',
  'certificate_expired',
  'certificate_unknown',
  'access_denied',
  'certificate_required',
  'unknown_ca',
]);

/** A failed TLS handshake as the browser's error. */
export function tlsBrowserError(e: unknown): BrowserError {
  if (e instanceof BrowserError) return e;
  if (e instanceof TlsError) {
    if (e.code === 'tls-certificate') {
      const code = (e.certificate && CERTIFICATE_ERRORS[e.certificate]) ?? 'browser-cert-invalid';
      return new BrowserError(code, `${e.certificate ?? 'certificate'}: ${e.message}`, e);
    }
    if (e.code === 'tls-timeout') return new BrowserError('browser-timed-out', e.message, e);
    if (
      e.code === 'tls-alert-received' &&
      (CLIENT_AUTH_ALERTS.has(e.alertName) ||
        (e.alertName === 'handshake_failure' && e.clientCertificate === 'none'))
    )
      return new BrowserError(
        'browser-bad-ssl-client-auth-cert',
        `the server sent ${e.alertName}` +
          (e.clientCertificate === 'sent'
            ? ' to the certificate the browser gave'
            : e.clientCertificate === 'none'
              ? '; the browser gave no certificate'
              : ''),
        e,
      );
    if (
      e.alertName === 'handshake_failure' ||
      e.alertName === 'protocol_version' ||
      e.alertName === 'insufficient_security'
    )
      return new BrowserError('browser-ssl-version-or-cipher-mismatch', e.message, e);
    return new BrowserError('browser-ssl-protocol-error', e.message, e);
  }
  return new BrowserError('browser-ssl-protocol-error', String((e as Error)?.message ?? e), e);
}

/**
 * The pool's `secure` connector over the node's TLS service. `certificate`: the client
 * certificate the browser gives a server that asks for one (the user's choice in
 * Chromium's certificate picker); without it the browser answers with none.
 */
export function nodeSecureConnector(tls: NodeTls, certificate?: Credential): SecureConnector {
  return async (stream, serverName, alpn) => {
    try {
      const secured = await tls.connect(stream, {
        serverName,
        alpn,
        describe: true,
        // Chromium's BoringSSL does TLS 1.3 middlebox compatibility (RFC 8446 Appendix D.4):
        // a 32-byte session id and a ChangeCipherSpec before its Finished
        // (test/interop/chromium.test.ts sees real Chromium send both).
        middleboxCompat: true,
        ...(certificate ? { certificate } : {}),
      });
      return { stream: secured, ...(secured.alpnProtocol ? { alpn: secured.alpnProtocol } : {}) };
    } catch (e) {
      throw tlsBrowserError(e);
    }
  };
}
