/**
 * curl 7.88.1's TLS 1.3 handshake lines (OpenSSL 3.0) against a server that asks for a
 * client certificate: test/interop/curl-client-cert.test.ts checks them against real
 * curl and `openssl s_server -Verify 1` on every run, and the lab's tests expect netlab's
 * curl to print the same.
 */

/** With a certificate (`--cert`): the client's Certificate and CERT verify after the server's Finished. */
export const CURL_TLS13_CLIENT_CERT: readonly string[] = [
  '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
  '* TLSv1.3 (IN), TLS handshake, Server hello (2):',
  '* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):',
  '* TLSv1.3 (IN), TLS handshake, Request CERT (13):',
  '* TLSv1.3 (IN), TLS handshake, Certificate (11):',
  '* TLSv1.3 (IN), TLS handshake, CERT verify (15):',
  '* TLSv1.3 (IN), TLS handshake, Finished (20):',
  // OpenSSL's middlebox-compatibility ChangeCipherSpec (RFC 8446 Appendix D.4), netlab's too.
  '* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):',
  '* TLSv1.3 (OUT), TLS handshake, Certificate (11):',
  '* TLSv1.3 (OUT), TLS handshake, CERT verify (15):',
  '* TLSv1.3 (OUT), TLS handshake, Finished (20):',
];

/** Without one: an empty Certificate, no CERT verify. */
export const CURL_TLS13_NO_CLIENT_CERT: readonly string[] = [
  ...CURL_TLS13_CLIENT_CERT.slice(0, 9),
  '* TLSv1.3 (OUT), TLS handshake, Finished (20):',
];
