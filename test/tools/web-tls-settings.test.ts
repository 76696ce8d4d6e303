/**
 * What an HTTPS server in a scenario accepts (`web[].tls.versions`, `suites`,
 * `client_auth`), seen from curl in the lab: the version and suite it picks, the alert for
 * what it refuses (with the lines real curl 7.88.1 prints against `openssl s_server
 * -tls1_2`, `-cipher`, `-verify` and `-Verify`), and the CertificateRequest of mutual TLS.
 */
import { CURL_TLS13_NO_CLIENT_CERT } from './curl-recorded-lines.ts';
import { describe, expect, it } from 'vitest';
import { Lab } from './lab-harness.ts';

const WEB = `
topology:
  nodes:
    client: { kind: host, ip: 10.0.0.10/24 }
    web: { kind: host, ip: 10.0.0.80/24 }
    sw: { kind: switch }
  links: [[client, sw], [web, sw]]
web:
  - { server: web, tls: { names: [web], versions: [1.2] }, files: { /index.html: old } }
  - server: web
    port: 8443
    tls: { names: [web], suites: [TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384] }
    files: { /index.html: picky }
  - { server: web, port: 9443, tls: { names: [web], client_auth: request }, files: { /index.html: asks } }
  - { server: web, port: 10443, tls: { names: [web], client_auth: require }, files: { /index.html: insists } }
`;

const tlsLines = (err: readonly string[]) =>
  err.filter((l) => /^\* (TLSv|SSL connection|OpenSSL)/.test(l) || l.startsWith('curl:'));

describe('web[].tls: what the server accepts', () => {
  it('versions: [1.2] answers TLS 1.2 and refuses a TLS 1.3-only client with protocol_version', async () => {
    const l = new Lab(WEB);
    const ok = await l.sh('client', 'curl -sSv https://web/');
    expect(ok.status).toBe(0);
    expect(ok.out).toEqual(['old']);
    expect(ok.err).toContain('* SSL connection using TLSv1.2 / ECDHE-ECDSA-AES128-GCM-SHA256');
    const refused = await l.sh('client', 'curl -sSv --tlsv1.3 https://web/');
    expect(refused.status).toBe(35);
    expect(tlsLines(refused.err)).toEqual([
      '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
      '* TLSv1.3 (IN), TLS alert, protocol version (582):',
      '* OpenSSL/3.0.19: error:0A00042E:SSL routines::tlsv1 alert protocol version',
      'curl: (35) OpenSSL/3.0.19: error:0A00042E:SSL routines::tlsv1 alert protocol version',
    ]);
  });

  it('suites: the server picks from its own list; nothing in common is handshake_failure', async () => {
    const l = new Lab(WEB);
    const v13 = await l.sh('client', 'curl -sSv https://web:8443/');
    expect(v13.err).toContain('* SSL connection using TLSv1.3 / TLS_CHACHA20_POLY1305_SHA256');
    const v12 = await l.sh('client', 'curl -sSv --tls-max 1.2 https://web:8443/');
    expect(v12.err).toContain('* SSL connection using TLSv1.2 / ECDHE-ECDSA-AES256-GCM-SHA384');
    const none = await l.sh('client', 'curl -sSv --tls13-ciphers TLS_AES_128_GCM_SHA256 https://web:8443/');
    expect(none.status).toBe(35);
    expect(none.err).toContain('* TLS 1.3 cipher selection: TLS_AES_128_GCM_SHA256');
    expect(none.err.at(-1)).toBe(
      'curl: (35) OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
    );
  });

  it('client_auth: request sends CertificateRequest; curl answers with no certificate and gets the page', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('client', 'curl -sSv https://web:9443/');
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['asks']);
    expect(tlsLines(r.err).slice(0, 10)).toEqual(CURL_TLS13_NO_CLIENT_CERT);
  });

  it('client_auth: require refuses a TLS 1.2 client without a certificate with handshake_failure', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('client', 'curl -sSv --tls-max 1.2 https://web:10443/');
    expect(r.status).toBe(35);
    expect(tlsLines(r.err)).toEqual([
      '* TLSv1.2 (OUT), TLS handshake, Client hello (1):',
      '* TLSv1.2 (IN), TLS handshake, Server hello (2):',
      '* TLSv1.2 (IN), TLS handshake, Certificate (11):',
      '* TLSv1.2 (IN), TLS handshake, Server key exchange (12):',
      '* TLSv1.2 (IN), TLS handshake, Request CERT (13):',
      '* TLSv1.2 (IN), TLS handshake, Server finished (14):',
      '* TLSv1.2 (OUT), TLS handshake, Certificate (11):',
      '* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):',
      '* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):',
      '* TLSv1.2 (OUT), TLS handshake, Finished (20):',
      '* TLSv1.2 (IN), TLS alert, handshake failure (552):',
      '* OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
      'curl: (35) OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
    ]);
  });
});
