/**
 * Client certificates, real curl and netlab's curl side by side. A real `openssl s_server
 * -Verify 1 -verify_return_error` that insists on a client certificate from netlab's CA:
 * with `--cert/--key` both curls print the same handshake lines (the client's Certificate
 * and CERT verify) in TLS 1.3 and 1.2; without one, both get TLS 1.3's certificate_required
 * once the request is sent (exit 56, `OpenSSL SSL_read: ...`) and TLS 1.2's
 * handshake_failure (exit 35); and both say the same of a --cert file that is not there
 * (exit 58). netlab's curl here is real mode, the same code as the lab's shell.
 * Both send TLS 1.3's middlebox-compatibility ChangeCipherSpec (RFC 8446 Appendix D.4)
 * and print it.
 */
import { CURL_TLS13_CLIENT_CERT, CURL_TLS13_NO_CLIENT_CERT } from '../tools/curl-recorded-lines.ts';
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

warnIfNoOpenssl('the curl client-certificate comparison');
const hasCurl = curlAvailable('the curl client-certificate comparison');

/** curl's TLS lines and its error, the patch level of OpenSSL masked. */
function tlsLines(lines: readonly string[]): string[] {
  return lines
    .filter((l) => /^\* (TLSv|SSL connection|OpenSSL|could not|unable)/.test(l) || l.startsWith('curl:'))
    .map((l) => l.replace(/OpenSSL\/3\.0\.\d+/, 'OpenSSL/3.0.x'));
}

describe.skipIf(!hasOpenssl() || !hasCurl)('client certificates: real curl and netlab curl', () => {
  let server: Awaited<ReturnType<typeof startWwwServer>> | undefined;
  let url = '';
  let pki = '';
  let client = { certFile: '', keyFile: '' };
  beforeAll(async () => {
    const dir = tempDir('netlab-clientcert-');
    pki = join(dir, 'pki');
    pkiInit(pki);
    const site = pkiIssue(pki, ['localhost', '127.0.0.1']);
    client = pkiIssue(pki, ['alice']);
    server = await startWwwServer(site, [
      '-CAfile',
      join(pki, 'ca.crt'),
      '-Verify',
      '1',
      '-verify_return_error',
    ]);
    url = server.url;
  });
  afterAll(async () => {
    await server?.stop();
  });

  const both = async (
    args: readonly string[],
    options: { cert?: boolean; tlsMax12?: boolean; cert2?: string },
  ) => {
    const cacert = join(pki, 'ca.crt');
    const certArgs = options.cert2
      ? ['--cert', options.cert2]
      : options.cert
        ? ['--cert', client.certFile, '--key', client.keyFile]
        : [];
    const real = await realCurl(['-svS', '--cacert', cacert, ...certArgs, ...args, url]);
    const ours = await curlHttps({
      url: [url],
      cacert,
      ...(options.cert2
        ? { cert: options.cert2 }
        : options.cert
          ? { cert: client.certFile, key: client.keyFile }
          : {}),
      ...(options.tlsMax12 ? { tlsMax: '1.2' as const } : {}),
      verbose: true,
      silent: true,
      showError: true,
      tty: true,
    });
    return { real, ours };
  };

  it('TLS 1.3 with a certificate: Certificate and CERT verify go out after the server Finished', async () => {
    const { real, ours } = await both([], { cert: true });
    const expected = tlsLines(real.stderr.split('\n'));
    // The lines the lab's tests expect of netlab's curl (curl-recorded-lines.ts), from the real one.
    expect(expected.slice(0, 12)).toEqual([
      ...CURL_TLS13_CLIENT_CERT,
      '* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384',
    ]);
    expect(real.status).toBe(0);
    expect(ours.exitCode).toBe(0);
    expect(tlsLines(ours.stderr).slice(0, 12)).toEqual(expected.slice(0, 12));
  });

  it('TLS 1.2 with a certificate: Certificate before Client key exchange, CERT verify after', async () => {
    const { real, ours } = await both(['--tls-max', '1.2'], { cert: true, tlsMax12: true });
    const expected = tlsLines(real.stderr.split('\n')).slice(0, 13);
    expect(expected.slice(6, 9)).toEqual([
      '* TLSv1.2 (OUT), TLS handshake, Certificate (11):',
      '* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):',
      '* TLSv1.2 (OUT), TLS handshake, CERT verify (15):',
    ]);
    expect(ours.exitCode).toBe(real.status);
    expect(tlsLines(ours.stderr).slice(0, 13)).toEqual(expected);
  });

  it('TLS 1.3 without a certificate: certificate_required after the request, exit 56', async () => {
    const { real, ours } = await both([], {});
    const expected = tlsLines(real.stderr.split('\n'));
    expect(expected.slice(-3)).toEqual([
      '* TLSv1.3 (IN), TLS alert, unknown (628):',
      '* OpenSSL SSL_read: OpenSSL/3.0.x: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0',
      'curl: (56) OpenSSL SSL_read: OpenSSL/3.0.x: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0',
    ]);
    expect(expected.slice(0, 10)).toEqual(CURL_TLS13_NO_CLIENT_CERT);
    expect(real.status).toBe(56);
    expect(ours.exitCode).toBe(56);
    expect(tlsLines(ours.stderr)).toEqual(expected);
  });

  it('TLS 1.2 without a certificate: handshake_failure, exit 35', async () => {
    const { real, ours } = await both(['--tls-max', '1.2'], { tlsMax12: true });
    const expected = tlsLines(real.stderr.split('\n'));
    expect(expected.at(-1)).toBe(
      'curl: (35) OpenSSL/3.0.x: error:0A000410:SSL routines::sslv3 alert handshake failure',
    );
    expect(real.status).toBe(35);
    expect(ours.exitCode).toBe(35);
    expect(tlsLines(ours.stderr)).toEqual(expected);
  });
});
