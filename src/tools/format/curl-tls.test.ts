/**
 * curl's TLS lines after the handshake and for a version range that leaves nothing, as
 * curl 7.88.1 (OpenSSL 3.0) prints them against `openssl s_server`: with ALPN agreed
 * (`* using HTTP/1.1`), with ALPN offered and not agreed (`* using HTTP/1.x`), without
 * ALPN (no such line), and `--tlsv1.3 --tls-max 1.2`.
 */
import { describe, expect, it } from 'vitest';
import { type CurlTlsSession, curlTlsError, curlTlsSessionLines } from './curl-tls.ts';

const session = (alpn: string | undefined, alpnOffered: boolean): CurlTlsSession => ({
  version: '1.3',
  cipher: 'TLS_AES_256_GCM_SHA384',
  ...(alpn ? { alpn } : {}),
  alpnOffered,
  verified: true,
});

describe('curl TLS session lines', () => {
  it('ALPN agreed on http/1.1 or h2: "using HTTP/1.1", "using HTTP/2"', () => {
    expect(curlTlsSessionLines(session('http/1.1', true), {})).toEqual([
      '* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384',
      '* ALPN: server accepted http/1.1',
      '* using HTTP/1.1',
    ]);
    expect(curlTlsSessionLines(session('h2', true), {}).at(-1)).toBe('* using HTTP/2');
  });

  it('ALPN offered, the server chose none: the default, "using HTTP/1.x"', () => {
    expect(curlTlsSessionLines(session(undefined, true), {})).toEqual([
      '* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384',
      '* ALPN: server did not agree on a protocol. Uses default.',
      '* using HTTP/1.x',
    ]);
  });

  it('--no-alpn: no ALPN line and no "using" line', () => {
    expect(curlTlsSessionLines(session(undefined, false), {})).toEqual([
      '* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384',
    ]);
  });

  it('--tlsv1.3 --tls-max 1.2: libcurl refuses the range, exit 35', () => {
    expect(curlTlsError({ kind: 'version-range' })).toEqual({
      exitCode: 35,
      info: '* CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION',
      final: ['curl: (35) CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION'],
    });
  });
});
