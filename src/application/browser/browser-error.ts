/**
 * The browser's typed errors. Each has a stable `code` and the name Chromium shows for
 * the same failure on its error page (`net::ERR_NAME_NOT_RESOLVED`...), so the lab can
 * print what a student has seen in a real browser.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';

export type BrowserErrorCode =
  /** The text is not a URL (WHATWG URL parsing failed). */
  | 'browser-bad-url'
  /** A scheme other than http or https. */
  | 'browser-unsupported-scheme'
  /** The host name did not resolve. */
  | 'browser-name-not-resolved'
  /** The server refused the connection (RST to the SYN). */
  | 'browser-connection-refused'
  /** Connecting or the response took too long. */
  | 'browser-timed-out'
  /** No route to the server. */
  | 'browser-unreachable'
  /** The connection was reset or closed before a complete response. */
  | 'browser-connection-closed'
  /** The response did not parse. */
  | 'browser-invalid-response'
  /** More redirects than the limit (20, as the Fetch standard says). */
  | 'browser-too-many-redirects'
  /** A redirect without a usable Location. */
  | 'browser-bad-redirect'
  /** A body above the per-resource limit. */
  | 'browser-response-too-large'
  /** Not fetched: the page reached its resource or byte limit. */
  | 'browser-page-limit'
  /** https:// asked for but this browser has no TLS connector. */
  | 'browser-no-tls'
  /** The certificate chain does not lead to a root the browser trusts (or is self-signed). */
  | 'browser-cert-authority-invalid'
  /** The certificate has expired or is not valid yet, at the browser's clock. */
  | 'browser-cert-date-invalid'
  /** The certificate does not name the host the browser asked for. */
  | 'browser-cert-common-name-invalid'
  /** Another certificate problem (bad signature, not a CA, wrong key usage...). */
  | 'browser-cert-invalid'
  /** No TLS version or cipher suite both sides support. */
  | 'browser-ssl-version-or-cipher-mismatch'
  /**
   * The server refused the client certificate, or wanted one the browser did not give
   * (its alert: certificate_required, bad_certificate, unknown_ca, access_denied...).
   */
  | 'browser-bad-ssl-client-auth-cert'
  /** The TLS handshake failed otherwise (an alert, a protocol error, the connection closed). */
  | 'browser-ssl-protocol-error'
  /** The browser was closed while the fetch was running. */
  | 'browser-aborted';

/** Chromium's net error names, for error pages and the waterfall. */
export const NET_ERROR_NAMES: Readonly<Record<BrowserErrorCode, string>> = {
  'browser-bad-url': 'ERR_INVALID_URL',
  'browser-unsupported-scheme': 'ERR_UNKNOWN_URL_SCHEME',
  'browser-name-not-resolved': 'ERR_NAME_NOT_RESOLVED',
  'browser-connection-refused': 'ERR_CONNECTION_REFUSED',
  'browser-timed-out': 'ERR_TIMED_OUT',
  'browser-unreachable': 'ERR_ADDRESS_UNREACHABLE',
  'browser-connection-closed': 'ERR_EMPTY_RESPONSE',
  'browser-invalid-response': 'ERR_INVALID_HTTP_RESPONSE',
  'browser-too-many-redirects': 'ERR_TOO_MANY_REDIRECTS',
  'browser-bad-redirect': 'ERR_INVALID_REDIRECT',
  'browser-response-too-large': 'ERR_FILE_TOO_BIG',
  'browser-page-limit': 'ERR_INSUFFICIENT_RESOURCES',
  'browser-no-tls': 'ERR_SSL_PROTOCOL_ERROR',
  'browser-cert-authority-invalid': 'ERR_CERT_AUTHORITY_INVALID',
  'browser-cert-date-invalid': 'ERR_CERT_DATE_INVALID',
  'browser-cert-common-name-invalid': 'ERR_CERT_COMMON_NAME_INVALID',
  'browser-cert-invalid': 'ERR_CERT_INVALID',
  'browser-ssl-version-or-cipher-mismatch': 'ERR_SSL_VERSION_OR_CIPHER_MISMATCH',
  'browser-bad-ssl-client-auth-cert': 'ERR_BAD_SSL_CLIENT_AUTH_CERT',
  'browser-ssl-protocol-error': 'ERR_SSL_PROTOCOL_ERROR',
  'browser-aborted': 'ERR_ABORTED',
};

export class BrowserError extends NetlabError {
  constructor(
    override readonly code: BrowserErrorCode,
    message: string,
    override readonly cause?: unknown,
  ) {
    super(code, message);
    this.name = 'BrowserError';
  }

  /** `net::ERR_NAME_NOT_RESOLVED` */
  get netError(): string {
    return `net::${NET_ERROR_NAMES[this.code]}`;
  }

  /** A certificate error: Chromium shows an interstitial ("Your connection is not private"). */
  get isCertificateError(): boolean {
    return this.code.startsWith('browser-cert-');
  }
}
