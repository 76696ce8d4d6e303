/**
 * The TLS lines of `curl -v` (curl 7.88.1 built with OpenSSL 3.0, Debian 12), as pure
 * functions: what curl's OpenSSL message callback prints for each handshake message,
 * ChangeCipherSpec and alert, the session summary, the server certificate block, and the
 * error texts and exit codes of TLS failures. They go between curl's "* Connected to" line
 * and the request (src/tools/format/curl.ts prints the rest).
 *
 * Rules taken from curl's lib/vtls/openssl.c (ssl_msg_type(), ossl_trace(),
 * Curl_ossl_verifyhost(), servercert()) and checked against its output:
 * - `* TLSv1.3 (OUT), TLS handshake, Client hello (1):`: the version is the highest offered
 *   until the ServerHello, then the negotiated one; alerts print `(level << 8 | code)`.
 * - after the ClientHello, `*  CAfile: FILE` and `*  CApath: ...` name the trust anchors.
 * - success: `* SSL connection using TLSv1.3 / SUITE` (OpenSSL's suite name), the ALPN
 *   result, `* Server certificate:` with subject and issuer in certificate order joined by
 *   "; ", validity in OpenSSL's time format, which SAN matched, `*  SSL certificate verify ok.`
 * - verification failures exit 60 with OpenSSL's X509 error text and curl's advice
 *   paragraph; other handshake failures exit 35, a fatal alert from the server with
 *   OpenSSL's error string for it (`OpenSSL/3.0.19: error:0A000410:SSL
 *   routines::sslv3 alert handshake failure`: reason 1000 + the alert's code, as
 *   ssl/ssl_err.c names them).
 * - `--ciphers` and `--tls13-ciphers` are echoed before the ClientHello (`* Cipher
 *   selection: ...`, `* TLS 1.3 cipher selection: ...`).
 * - no line for a ChangeCipherSpec received: OpenSSL 3's message callback reports only
 *   the one it sends.
 *
 * - a fatal alert after the handshake is printed when it arrives and fails the transfer
 *   (src/tools/format/curl.ts): a TLS 1.3 server's certificate_required comes once curl has
 *   sent its request, `(56) OpenSSL SSL_read: ... tlsv13 alert certificate required, errno 0`.
 *
 * Left out: the `} [N bytes data]` lines of non-terminal output for TLS records (which
 * depend on OpenSSL's record boundaries), session ticket lines, OCSP stapling, the
 * close_notify lines after the handshake.
 *
 * In TLS 1.3 netlab's curl sends the middlebox-compatibility ChangeCipherSpec before its
 * second flight, as OpenSSL does by default (RFC 8446 Appendix D.4), and prints it.
 */

export type CurlTlsStep =
  | {
      readonly kind: 'handshake';
      readonly direction: 'in' | 'out';
      readonly version: '1.2' | '1.3';
      readonly type: number;
    }
  | { readonly kind: 'change-cipher-spec'; readonly direction: 'in' | 'out'; readonly version: '1.2' | '1.3' }
  | {
      readonly kind: 'alert';
      readonly direction: 'in' | 'out';
      readonly version: '1.2' | '1.3';
      readonly level: 'warning' | 'fatal';
      readonly description: number;
    };

/** OpenSSL's message names as curl prints them (ssl_msg_type()). */
const HANDSHAKE_NAMES: Record<number, string> = {
  0: 'Hello request',
  1: 'Client hello',
  2: 'Server hello',
  4: 'Newsession Ticket',
  5: 'End of early data',
  8: 'Encrypted Extensions',
  11: 'Certificate',
  12: 'Server key exchange',
  13: 'Request CERT',
  14: 'Server finished',
  15: 'CERT verify',
  16: 'Client key exchange',
  20: 'Finished',
  22: 'Certificate Status',
  24: 'Key update',
  254: 'Message hash',
};

/** OpenSSL's SSL_alert_desc_string_long(). */
const ALERT_NAMES: Record<number, string> = {
  0: 'close notify',
  10: 'unexpected_message',
  20: 'bad record mac',
  21: 'decryption failed',
  22: 'record overflow',
  30: 'decompression failure',
  40: 'handshake failure',
  42: 'bad certificate',
  43: 'unsupported certificate',
  44: 'certificate revoked',
  45: 'certificate expired',
  46: 'certificate unknown',
  47: 'illegal parameter',
  48: 'unknown CA',
  49: 'access denied',
  50: 'decode error',
  51: 'decrypt error',
  70: 'protocol version',
  71: 'insufficient security',
  80: 'internal error',
  86: 'inappropriate fallback',
  90: 'user canceled',
  100: 'no renegotiation',
  109: 'missing extension',
  110: 'unsupported extension',
  112: 'unrecognized name',
  113: 'bad certificate status response',
  115: 'unknown PSK identity',
  // 116 certificate_required has no name in OpenSSL 3.0: curl 7.88.1 prints `unknown (628)`.
  120: 'no application protocol',
};

/**
 * OpenSSL 3's reason strings for a fatal alert received (SSL_R_SSLV3_ALERT_* and
 * SSL_R_TLSV1_ALERT_*, reason 1000 + the alert's code; `openssl errstr 0A000410`).
 */
const OPENSSL_ALERT_REASONS: Record<number, string> = {
  10: 'sslv3 alert unexpected message',
  20: 'sslv3 alert bad record mac',
  21: 'tlsv1 alert decryption failed',
  22: 'tlsv1 alert record overflow',
  30: 'sslv3 alert decompression failure',
  40: 'sslv3 alert handshake failure',
  41: 'sslv3 alert no certificate',
  42: 'sslv3 alert bad certificate',
  43: 'sslv3 alert unsupported certificate',
  44: 'sslv3 alert certificate revoked',
  45: 'sslv3 alert certificate expired',
  46: 'sslv3 alert certificate unknown',
  47: 'sslv3 alert illegal parameter',
  48: 'tlsv1 alert unknown ca',
  49: 'tlsv1 alert access denied',
  50: 'tlsv1 alert decode error',
  51: 'tlsv1 alert decrypt error',
  60: 'tlsv1 alert export restriction',
  70: 'tlsv1 alert protocol version',
  71: 'tlsv1 alert insufficient security',
  80: 'tlsv1 alert internal error',
  86: 'tlsv1 alert inappropriate fallback',
  90: 'tlsv1 alert user cancelled',
  100: 'tlsv1 alert no renegotiation',
  109: 'tlsv13 alert missing extension',
  110: 'tlsv1 unsupported extension',
  111: 'tlsv1 certificate unobtainable',
  112: 'tlsv1 unrecognized name',
  113: 'tlsv1 bad certificate status response',
  114: 'tlsv1 bad certificate hash value',
  115: 'tlsv1 alert unknown psk identity',
  116: 'tlsv13 alert certificate required',
  120: 'tlsv1 alert no application protocol',
};

/** The OpenSSL curl 7.88.1 is linked with on Debian 12, as curl names it in errors. */
export const CURL_OPENSSL = 'OpenSSL/3.0.19';

/** `error:0A000410:SSL routines::sslv3 alert handshake failure` for alert 40. */
export function opensslAlertError(description: number): string {
  const reason = 1000 + description;
  const code = (0x0a000000 + reason).toString(16).toUpperCase().padStart(8, '0');
  return `error:${code}:SSL routines::${OPENSSL_ALERT_REASONS[description] ?? `reason(${reason})`}`;
}

export function curlAlertName(description: number): string {
  return ALERT_NAMES[description] ?? 'unknown';
}

export function curlTlsStepLine(s: CurlTlsStep): string {
  const head = `* TLSv${s.version} (${s.direction === 'in' ? 'IN' : 'OUT'}), `;
  switch (s.kind) {
    case 'handshake':
      return `${head}TLS handshake, ${HANDSHAKE_NAMES[s.type] ?? 'Unknown'} (${s.type}):`;
    case 'change-cipher-spec':
      return `${head}TLS change cipher, Change cipher spec (1):`;
    case 'alert': {
      const code = ((s.level === 'warning' ? 1 : 2) << 8) | s.description;
      return `${head}TLS alert, ${curlAlertName(s.description)} (${code}):`;
    }
  }
}

export interface CurlTlsTrust {
  /** --cacert; absent means the system store. */
  readonly cafile?: string;
  /** The capath curl was built with; netlab reads none. */
  readonly capath?: string;
  /** -k */
  readonly insecure?: boolean;
}

/** What --ciphers and --tls13-ciphers asked for, as given. */
export interface CurlCipherSelection {
  readonly ciphers?: string;
  readonly tls13Ciphers?: string;
}

/** ALPN offer, the cipher selection and the handshake lines, with the CA lines after the ClientHello. */
export function curlTlsHandshakeLines(
  alpnOffered: readonly string[],
  steps: readonly CurlTlsStep[],
  trust: CurlTlsTrust,
  selection: CurlCipherSelection = {},
): string[] {
  const out: string[] = [];
  if (alpnOffered.length) out.push(`* ALPN: offers ${alpnOffered.join(',')}`);
  if (selection.ciphers !== undefined) out.push(`* Cipher selection: ${selection.ciphers}`);
  if (selection.tls13Ciphers !== undefined) out.push(`* TLS 1.3 cipher selection: ${selection.tls13Ciphers}`);
  for (const s of steps) {
    out.push(curlTlsStepLine(s));
    if (
      s.kind === 'handshake' &&
      s.type === 1 &&
      s.direction === 'out' &&
      !trust.insecure &&
      out.every((l) => !l.startsWith('*  CAfile'))
    ) {
      out.push(`*  CAfile: ${trust.cafile ?? '/etc/ssl/certs/ca-certificates.crt'}`);
      out.push(`*  CApath: ${trust.capath ?? 'none'}`);
    }
  }
  return out;
}

export interface CurlServerCertificate {
  /** `CN=localhost`, attributes in certificate order joined by "; ". */
  readonly subject: string;
  readonly issuer: string;
  /** `Dec  1 19:39:39 2026 GMT`. */
  readonly startDate: string;
  readonly expireDate: string;
  /** How the host matched: the SAN entry, 'ip' for an address, or null for no match. */
  readonly hostMatch: { readonly host: string; readonly matched: string | 'ip' | null };
}

export interface CurlTlsSession {
  readonly version: '1.2' | '1.3';
  /** OpenSSL's name: TLS_AES_128_GCM_SHA256, ECDHE-ECDSA-AES128-GCM-SHA256. */
  readonly cipher: string;
  readonly alpn?: string;
  /** Whether ALPN was offered at all. */
  readonly alpnOffered: boolean;
  readonly certificate?: CurlServerCertificate;
  readonly verified: boolean;
}

/** From "SSL connection using" to "using HTTP/1.1" (or 1.x, or 2), for a handshake that succeeded. */
export function curlTlsSessionLines(s: CurlTlsSession, trust: CurlTlsTrust): string[] {
  const out = [`* SSL connection using TLSv${s.version} / ${s.cipher}`];
  if (s.alpnOffered) {
    out.push(
      s.alpn
        ? `* ALPN: server accepted ${s.alpn}`
        : '* ALPN: server did not agree on a protocol. Uses default.',
    );
  }
  const c = s.certificate;
  if (c) {
    out.push('* Server certificate:');
    out.push(`*  subject: ${c.subject}`);
    out.push(`*  start date: ${c.startDate}`);
    out.push(`*  expire date: ${c.expireDate}`);
    const m = c.hostMatch;
    if (m.matched === 'ip') out.push(`*  subjectAltName: host "${m.host}" matched cert's IP address!`);
    else if (m.matched !== null)
      out.push(`*  subjectAltName: host "${m.host}" matched cert's "${m.matched}"`);
    else if (trust.insecure) out.push(`*  subjectAltName does not match ${m.host}`);
    out.push(`*  issuer: ${c.issuer}`);
    out.push(
      s.verified
        ? '*  SSL certificate verify ok.'
        : '*  SSL certificate verify result: unable to get local issuer certificate (20), continuing anyway.',
    );
  }
  // curl 7.88.1: what ALPN settled, or 1.x when the server picked none; nothing without ALPN.
  if (s.alpnOffered) out.push(`* using HTTP/${s.alpn === 'h2' ? '2' : s.alpn ? '1.1' : '1.x'}`);
  return out;
}

/** OpenSSL's X509_verify_cert_error_string() for netlab's chain error codes. */
const VERIFY_TEXT: Record<string, string> = {
  'empty-chain': 'no certificate presented',
  'unknown-ca': 'unable to get local issuer certificate',
  'self-signed-untrusted': 'self-signed certificate',
  'chain-too-long': 'certificate chain too long',
  'bad-signature': 'certificate signature failure',
  'unsupported-algorithm': 'CA signature digest algorithm too weak',
  'weak-key': 'EE certificate key too weak',
  expired: 'certificate has expired',
  'not-yet-valid': 'certificate is not yet valid',
  'not-a-ca': 'invalid CA certificate',
  'path-too-long': 'path length constraint exceeded',
  'bad-key-usage': 'key usage does not include certificate signing',
  'bad-extended-key-usage': 'unsupported certificate purpose',
  'unhandled-critical-extension': 'unhandled critical extension',
};

export const CURL_SSL_ADVICE: readonly string[] = [
  'More details here: https://curl.se/docs/sslcerts.html',
  '',
  'curl failed to verify the legitimacy of the server and therefore could not',
  'establish a secure connection to it. To learn more about this situation and',
  'how to fix it, please visit the web page mentioned above.',
];

export type CurlTlsFailure =
  /** The certificate did not verify (`certificate` is netlab's ChainErrorCode). */
  | { readonly kind: 'verify'; readonly certificate: string; readonly host: string; readonly depth: number }
  /** The server ended the handshake with this fatal alert (its code: 40 is handshake_failure). */
  | { readonly kind: 'alert'; readonly description: number }
  /** Some other handshake failure: an alert sent, a protocol error, or the connection closed. */
  | { readonly kind: 'handshake'; readonly message: string }
  /** --tls-max below the --tlsv1.x minimum: libcurl refuses before the ClientHello. */
  | { readonly kind: 'version-range' }
  /** --cacert names a file that cannot be read. */
  | { readonly kind: 'cafile'; readonly file: string }
  /** --cert names a file that cannot be read as a PEM certificate. */
  | { readonly kind: 'client-cert'; readonly file: string }
  /** The client key (--key, else the --cert file) cannot be read, or is not the certificate's. */
  | { readonly kind: 'client-key'; readonly file: string };

export interface CurlTlsError {
  readonly exitCode: number;
  /** The `* ...` line before "Closing connection". */
  readonly info: string;
  /** The `curl: (N) ...` line and what follows it. */
  readonly final: readonly string[];
}

export function curlTlsError(f: CurlTlsFailure): CurlTlsError {
  switch (f.kind) {
    case 'verify': {
      if (f.certificate === 'hostname-mismatch') {
        const text = `SSL: no alternative certificate subject name matches target host name '${f.host}'`;
        return { exitCode: 60, info: `* ${text}`, final: [`curl: (60) ${text}`, ...CURL_SSL_ADVICE] };
      }
      let why = VERIFY_TEXT[f.certificate] ?? 'certificate verify failed';
      if (f.certificate === 'self-signed-untrusted' && f.depth > 0)
        why = 'self-signed certificate in certificate chain';
      const text = `SSL certificate problem: ${why}`;
      return { exitCode: 60, info: `* ${text}`, final: [`curl: (60) ${text}`, ...CURL_SSL_ADVICE] };
    }
    case 'alert': {
      const text = `${CURL_OPENSSL}: ${opensslAlertError(f.description)}`;
      return { exitCode: 35, info: `* ${text}`, final: [`curl: (35) ${text}`] };
    }
    case 'handshake':
      return {
        exitCode: 35,
        info: `* netlab TLS: ${f.message}`,
        final: [`curl: (35) netlab TLS: ${f.message}`],
      };
    case 'version-range':
      return {
        exitCode: 35,
        info: '* CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION',
        final: ['curl: (35) CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION'],
      };
    case 'cafile':
      return {
        exitCode: 77,
        info: `* error setting certificate file: ${f.file}`,
        final: [`curl: (77) error setting certificate file: ${f.file}`],
      };
    // lib/vtls/openssl.c cert_stuff(): SSL_CTX_use_certificate_chain_file, then the key.
    case 'client-cert': {
      const text = `could not load PEM client certificate from ${f.file}, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?)`;
      return { exitCode: 58, info: `* ${text}`, final: [`curl: (58) ${text}`] };
    }
    case 'client-key': {
      const text = `unable to set private key file: '${f.file}' type PEM`;
      return { exitCode: 58, info: `* ${text}`, final: [`curl: (58) ${text}`] };
    }
  }
}
