/**
 * Mutual TLS in the lab: `pki.clients` gives a host a client certificate, `web[].tls.
 * client_auth` with `client_ca` checks it, and the shell's curl presents it with
 * `--cert NAME` — with the lines real curl 7.88.1 prints for a client-certificate
 * handshake against `openssl s_server -Verify 1 -verify_return_error` (TLS 1.3 and 1.2,
 * recorded from the real tools; test/interop/curl-client-cert.test.ts compares them
 * live), curl's exit 58 for a certificate it cannot load, and the alert a server sends for
 * a missing, untrusted or expired one.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from './lab-harness.ts';
import { CURL_TLS13_CLIENT_CERT, CURL_TLS13_NO_CLIENT_CERT } from './curl-recorded-lines.ts';
import { MUTUAL_TLS_HOSTS } from './mutual-tls-lab.ts';

const WEB = `${MUTUAL_TLS_HOSTS}web:
  - { server: web, tls: { names: [web], client_auth: require }, files: { /index.html: members only } }
  - { server: web, port: 8443, tls: { names: [web], client_auth: request }, files: { /index.html: asks } }
`;

const tlsLines = (err: readonly string[]) =>
  err.filter((l) => /^\* (TLSv|SSL connection|OpenSSL|could not|unable)/.test(l) || l.startsWith('curl:'));

/** What real curl 7.88.1 printed against `openssl s_server -Verify 1 -verify_return_error` with --cert. */
const REAL_TLS13_WITH_CERT = [
  ...CURL_TLS13_CLIENT_CERT,
  '* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256',
];
const REAL_TLS12_WITH_CERT = [
  '* TLSv1.2 (OUT), TLS handshake, Client hello (1):',
  '* TLSv1.2 (IN), TLS handshake, Server hello (2):',
  '* TLSv1.2 (IN), TLS handshake, Certificate (11):',
  '* TLSv1.2 (IN), TLS handshake, Server key exchange (12):',
  '* TLSv1.2 (IN), TLS handshake, Request CERT (13):',
  '* TLSv1.2 (IN), TLS handshake, Server finished (14):',
  '* TLSv1.2 (OUT), TLS handshake, Certificate (11):',
  '* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):',
  '* TLSv1.2 (OUT), TLS handshake, CERT verify (15):',
  '* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):',
  '* TLSv1.2 (OUT), TLS handshake, Finished (20):',
  '* TLSv1.2 (IN), TLS handshake, Finished (20):',
  '* SSL connection using TLSv1.2 / ECDHE-ECDSA-AES128-GCM-SHA256',
];
/** The TLS 1.3 flight of a client without a certificate: an empty Certificate, no CertificateVerify. */
const TLS13_NO_CERT = [
  ...CURL_TLS13_NO_CLIENT_CERT,
  '* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256',
];
/** A fatal alert once the handshake is over: the line as it arrives, then SSL_read's failure (56). */
const READ_ALERT = (alert: string, reason: string, code: string) => [
  `* TLSv1.3 (IN), TLS alert, ${alert}:`,
  `* OpenSSL SSL_read: OpenSSL/3.0.19: error:${code}:SSL routines::${reason}, errno 0`,
  `curl: (56) OpenSSL SSL_read: OpenSSL/3.0.19: error:${code}:SSL routines::${reason}, errno 0`,
];

describe('mutual TLS: curl --cert in the lab', () => {
  it('TLS 1.3: CertificateRequest answered with Certificate and CertificateVerify; the page names the client', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('alice', 'curl -sSv --cert alice https://web/');
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['members only']);
    expect(tlsLines(r.err)).toEqual(REAL_TLS13_WITH_CERT);
    expect(r.err).toContain('< x-client-verify: SUCCESS');
    expect(r.err).toContain('< x-client-dn: CN=alice');
  });

  it('TLS 1.2: Certificate before ClientKeyExchange, CertificateVerify after it', async () => {
    const l = new Lab(WEB);
    const r = await l.sh(
      'alice',
      'curl -sSv --tls-max 1.2 --http1.1 --cert alice.crt --key alice.key https://web/',
    );
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['members only']);
    expect(tlsLines(r.err)).toEqual(REAL_TLS12_WITH_CERT);
    expect(r.err).toContain('< X-Client-DN: CN=alice');
  });

  it('require without a certificate: TLS 1.3 certificate_required after the request (56), TLS 1.2 handshake_failure (35)', async () => {
    const l = new Lab(WEB);
    const v13 = await l.sh('bob', 'curl -sSv https://web/');
    expect(v13.status).toBe(56);
    expect(v13.out).toEqual([]);
    expect(tlsLines(v13.err)).toEqual([
      ...TLS13_NO_CERT,
      ...READ_ALERT('unknown (628)', 'tlsv13 alert certificate required', '0A00045C'),
    ]);
    const v12 = await l.sh('bob', 'curl -sSv --tls-max 1.2 https://web/');
    expect(v12.status).toBe(35);
    expect(tlsLines(v12.err).slice(-4)).toEqual([
      '* TLSv1.2 (OUT), TLS handshake, Finished (20):',
      '* TLSv1.2 (IN), TLS alert, handshake failure (552):',
      '* OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
      'curl: (35) OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
    ]);
  });

  it('a certificate from a CA the server does not accept: unknown_ca; an expired one: certificate_expired', async () => {
    const l = new Lab(WEB);
    const untrusted = await l.sh('mallory', 'curl -sSv --cert mallory https://web/');
    expect(untrusted.status).toBe(56);
    expect(tlsLines(untrusted.err).slice(-3)).toEqual(
      READ_ALERT('unknown CA (560)', 'tlsv1 alert unknown ca', '0A000418'),
    );
    const v12 = await l.sh('mallory', 'curl -sSv --tls-max 1.2 --cert mallory https://web/');
    expect(v12.status).toBe(35);
    expect(tlsLines(v12.err).slice(-2)).toEqual([
      '* OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca',
      'curl: (35) OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca',
    ]);
    const expired = await l.sh('alice', 'curl -sSv --cert old https://web/');
    expect(expired.status).toBe(56);
    expect(tlsLines(expired.err).slice(-3)).toEqual(
      READ_ALERT('certificate expired (557)', 'sslv3 alert certificate expired', '0A000415'),
    );
  });

  it('client_auth: request lets a client without a certificate in, and says so', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('bob', 'curl -sSv https://web:8443/');
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['asks']);
    expect(r.err).toContain('< x-client-verify: NONE');
    expect(r.err.some((x) => x.startsWith('< x-client-dn'))).toBe(false);
  });

  it('--cert and --key that name nothing the host holds: curl exit 58 in its own words', async () => {
    const l = new Lab(WEB);
    const none = await l.sh('bob', 'curl -sSv --cert alice https://web/');
    expect(none.status).toBe(58);
    expect(none.err.slice(-4)).toEqual([
      '* ALPN: offers h2,http/1.1',
      '* could not load PEM client certificate from alice, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?)',
      '* Closing connection 0',
      'curl: (58) could not load PEM client certificate from alice, OpenSSL error error:80000002:system library::No such file or directory, (no key found, wrong pass phrase, or wrong file format?)',
    ]);
    const noKey = await l.sh('alice', 'curl -sS --cert alice.crt https://web/');
    expect(noKey).toMatchObject({
      status: 58,
      err: ["curl: (58) unable to set private key file: 'alice.crt' type PEM"],
    });
    const otherKey = await l.sh('alice', 'curl -sS --cert alice.crt --key old.key https://web/');
    expect(otherKey).toMatchObject({
      status: 58,
      err: ["curl: (58) unable to set private key file: 'old.key' type PEM"],
    });
    // Over http:// no TLS, so nothing to load (as real curl).
    const plain = await l.sh('bob', 'curl -sS --cert alice http://web:443/');
    expect(plain.status).not.toBe(58);
  });
});
