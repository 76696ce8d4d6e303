/**
 * No cipher suite in common, no connection — and netlab's curl says so in real curl's
 * words. A real `openssl s_server` that accepts only TLS 1.2 with RSA key exchange
 * (`-cipher AES128-GCM-SHA256`), and a client that offers only ECDHE suites for TLS 1.2:
 * the server answers the ClientHello with a handshake_failure alert. The real curl 7.88.1
 * and netlab's curl (real mode, the same code as the lab's) print the same `-v` lines —
 * the cipher selection, the ClientHello, the alert, OpenSSL's error string — and exit 35.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
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

warnIfNoOpenssl('the curl handshake_failure comparison');
const hasCurl = curlAvailable('the curl handshake_failure comparison');

/** curl's own lines (`* ...` and `curl: (N) ...`), the patch level of OpenSSL masked. */
function curlLines(lines: readonly string[]): string[] {
  return lines
    .filter((l) => l.startsWith('*') || l.startsWith('curl:'))
    .map((l) => l.replace(/OpenSSL\/3\.0\.\d+/, 'OpenSSL/3.0.x'));
}

const CIPHERS = 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256';

describe.skipIf(!hasOpenssl() || !hasCurl)('handshake_failure: real curl and netlab curl', () => {
  it('print the same lines and exit 35 against an s_server with no suite in common', async () => {
    const dir = tempDir('netlab-nosuite-');
    const pki = join(dir, 'pki');
    pkiInit(pki, { keyType: 'rsa' });
    const site = pkiIssue(pki, ['localhost', '127.0.0.1'], { keyType: 'rsa' });
    const server = await startWwwServer(site, ['-tls1_2', '-cipher', 'AES128-GCM-SHA256']);
    const { url, port } = server;
    try {
      const cacert = join(pki, 'ca.crt');
      // -sS: no progress meter (not a terminal here), the error line still printed.
      const real = await realCurl(['-svS', '--cacert', cacert, '--ciphers', CIPHERS, url]);
      const ours = await curlHttps({
        url: [url],
        cacert,
        ciphers: CIPHERS.split(':'),
        verbose: true,
        silent: true,
        showError: true,
        tty: true,
      });
      const expected = curlLines(real.stderr.split('\n'));
      expect(expected).toEqual([
        `*   Trying 127.0.0.1:${port}...`,
        `* Connected to 127.0.0.1 (127.0.0.1) port ${port} (#0)`,
        '* ALPN: offers h2,http/1.1',
        `* Cipher selection: ${CIPHERS}`,
        '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
        `*  CAfile: ${cacert}`,
        '*  CApath: /etc/ssl/certs',
        '* TLSv1.3 (IN), TLS alert, handshake failure (552):',
        '* OpenSSL/3.0.x: error:0A000410:SSL routines::sslv3 alert handshake failure',
        '* Closing connection 0',
        'curl: (35) OpenSSL/3.0.x: error:0A000410:SSL routines::sslv3 alert handshake failure',
      ]);
      expect(real.status).toBe(35);
      expect(curlLines(ours.stderr)).toEqual(expected);
      expect(ours.exitCode).toBe(35);
      // The server saw no suite it could pick.
      expect(server.output()).toContain('no shared cipher');
    } finally {
      await server.stop();
    }
  });
});
