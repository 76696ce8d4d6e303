/**
 * netlab's curl and real curl 7.88.1 side by side against a real `openssl s_server` that
 * speaks no ALPN: the same TLS lines (TLS 1.3's middlebox-compatibility ChangeCipherSpec
 * included, RFC 8446 Appendix D.4), "ALPN: server did not agree on a protocol" and
 * "using HTTP/1.x"; and for `--tlsv1.3 --tls-max 1.2`, the same exit 35 in libcurl's words.
 * netlab's curl here is real mode, the same code as the lab's shell.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pkiInit, pkiIssue } from '../../src/real/pki-files.ts';
import { curlHttps } from '../../src/real/tls-client.ts';
import {
  curlAvailable,
  curlStderr as realCurl,
  hasOpenssl,
  startWwwServer,
  tempDir,
  warnIfNoOpenssl,
} from './openssl-helpers.ts';

warnIfNoOpenssl('the curl wording comparison');
const hasCurl = curlAvailable('the curl wording comparison');

/** The lines both curls print of TLS, ALPN and the HTTP version, and the error. */
const compared = (lines: readonly string[]) =>
  lines.filter(
    (l) =>
      /^\* (TLSv1\.[23] \((OUT|IN)\), TLS (handshake|change cipher)|SSL connection|ALPN|using HTTP|CURL_)/.test(
        l,
      ) || l.startsWith('curl:'),
  );

describe.skipIf(!hasOpenssl() || !hasCurl)('curl wording: real curl and netlab curl', () => {
  let server: Awaited<ReturnType<typeof startWwwServer>> | undefined;
  let url = '';
  let cacert = '';
  beforeAll(async () => {
    const pki = join(tempDir('netlab-curl-wording-'), 'pki');
    pkiInit(pki);
    cacert = join(pki, 'ca.crt');
    server = await startWwwServer(pkiIssue(pki, ['localhost', '127.0.0.1']));
    url = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('a server without ALPN: the same handshake lines, "did not agree", "using HTTP/1.x"', async () => {
    const real = await realCurl(['-svS', '--cacert', cacert, url]);
    const ours = await curlHttps({
      url: [url],
      cacert,
      verbose: true,
      silent: true,
      showError: true,
      tty: true,
    });
    const expected = compared(real.stderr.split('\n'));
    expect(real.status).toBe(0);
    expect(expected).toContain('* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):');
    expect(expected).toContain('* ALPN: server did not agree on a protocol. Uses default.');
    expect(expected).toContain('* using HTTP/1.x');
    expect(ours.exitCode).toBe(0);
    // Up to the HTTP version; after it real curl also prints the server's session tickets.
    const upTo = (xs: string[]) => xs.slice(0, xs.indexOf('* using HTTP/1.x') + 1);
    expect(upTo(compared(ours.stderr)).map((l) => l.replace(/TLS_AES_\w+/, 'SUITE'))).toEqual(
      upTo(expected).map((l) => l.replace(/TLS_AES_\w+/, 'SUITE')),
    );
  });

  it('--tlsv1.3 --tls-max 1.2: exit 35, CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION', async () => {
    const real = await realCurl(['-sS', '--cacert', cacert, '--tlsv1.3', '--tls-max', '1.2', url]);
    const ours = await curlHttps({
      url: [url],
      cacert,
      tlsMin: '1.3',
      tlsMax: '1.2',
      silent: true,
      showError: true,
      tty: true,
    });
    expect(real.status).toBe(35);
    expect(ours.exitCode).toBe(35);
    expect(ours.stderr).toEqual(real.stderr.trimEnd().split('\n'));
  });
});
