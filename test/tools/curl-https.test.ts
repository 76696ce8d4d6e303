/**
 * curl and the browser over HTTPS in the lab: a web server with a certificate from the
 * lab's PKI (and three that a browser must refuse: an unknown CA, an expired one, and
 * the right CA for the wrong name), the client trusting the simulated browser roots.
 */
import { describe, expect, it } from 'vitest';
import { MILLISECOND } from '../../src/sim/time.ts';
import { Lab } from './lab-harness.ts';

const WEB = `
topology:
  nodes:
    client: { kind: host, ip: 10.0.1.10/24, gateway: 10.0.1.1 }
    web: { kind: host, ip: 10.0.2.80/24, gateway: 10.0.2.1 }
    r1: { kind: router, interfaces: { eth0: 10.0.1.1/24, eth1: 10.0.2.1/24 } }
  links:
    - { endpoints: [client, r1:eth0], delay: 5ms }
    - { endpoints: [r1:eth1, web], delay: 5ms }
routing: static
pki:
  cas: [{ name: Shady Private CA }]
web:
  - { server: web, tls: { names: [web], redirect_http: true }, files: { /index.html: "<h1>hi</h1>\\n" } }
  - { server: web, port: 8443, tls: { names: [web], issuer: Shady Private CA }, files: { /index.html: x } }
  - { server: web, port: 9443, tls: { names: [web], valid_from: -100d }, files: { /index.html: old } }
`;

describe('curl over TLS in the lab', () => {
  it('-v: every handshake message as it goes or comes, HTTP/2 by ALPN, the page', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('client', 'curl -v https://web/');
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['<h1>hi</h1>']);
    const tls = r.err.filter(
      (x) => x.startsWith('* TLSv') || x.startsWith('* ALPN') || x.startsWith('* SSL'),
    );
    expect(tls).toEqual([
      '* ALPN: offers h2,http/1.1',
      '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
      '* TLSv1.3 (IN), TLS handshake, Server hello (2):',
      '* TLSv1.3 (IN), TLS handshake, Encrypted Extensions (8):',
      '* TLSv1.3 (IN), TLS handshake, Certificate (11):',
      '* TLSv1.3 (IN), TLS handshake, CERT verify (15):',
      '* TLSv1.3 (IN), TLS handshake, Finished (20):',
      '* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):',
      '* TLSv1.3 (OUT), TLS handshake, Finished (20):',
      '* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256',
      '* ALPN: server accepted h2',
    ]);
    expect(r.err).toContain('*  issuer: C=KR; O=Netlab Trust Services; CN=Netlab TLS Issuing CA 1');
    expect(r.err).toContain('*  SSL certificate verify ok.');
    expect(r.err).toContain('* h2h3 [:scheme: https]');
    expect(r.err).toContain('> GET / HTTP/2');
    // The ServerHello comes one round trip (20 ms) after the ClientHello.
    const at = (text: string) => r.lines.find((x) => x.text === text)!.time;
    const rtt =
      at('* TLSv1.3 (IN), TLS handshake, Server hello (2):') -
      at('* TLSv1.3 (OUT), TLS handshake, Client hello (1):');
    expect(rtt).toBeGreaterThanOrEqual(20 * MILLISECOND);
    expect(rtt).toBeLessThan(21 * MILLISECOND);
  });

  it('--http1.1 offers only http/1.1 and speaks it; -L follows the plain-HTTP redirect to https', async () => {
    const l = new Lab(WEB);
    const h1 = await l.sh('client', 'curl -sv --http1.1 https://web/');
    expect(h1.err).toContain('* ALPN: offers http/1.1');
    expect(h1.err).toContain('* ALPN: server accepted http/1.1');
    expect(h1.err).toContain('> GET / HTTP/1.1');
    const redirect = await l.sh(
      'client',
      'curl -sSL -w "%{num_redirects} %{scheme} %{http_version}\\n" http://web/',
    );
    expect(redirect.status).toBe(0);
    expect(redirect.out).toEqual(['<h1>hi</h1>', '1 HTTPS 2']);
  });

  it('refuses what it should not trust: exit 60 with curl text, and the alert goes to the server', async () => {
    const l = new Lab(WEB);
    const alerts: string[] = [];
    l.sim.trace.on('tls.alert', (e) => {
      if (e.node === 'web' && e.direction === 'received') alerts.push(e.alert);
    });
    const unknown = await l.sh('client', 'curl -v https://web:8443/');
    expect(unknown.status).toBe(60);
    expect(unknown.err).toContain('* TLSv1.3 (OUT), TLS alert, unknown CA (560):');
    expect(unknown.err).toContain(
      'curl: (60) SSL certificate problem: unable to get local issuer certificate',
    );
    const expired = await l.sh('client', 'curl https://web:9443/');
    expect(expired.status).toBe(60);
    expect(expired.err[0]).toBe('curl: (60) SSL certificate problem: certificate has expired');
    const wrongName = await l.sh('client', 'curl -s -S https://10.0.2.80/');
    expect(wrongName.status).toBe(60);
    expect(wrongName.err[0]).toBe(
      "curl: (60) SSL: no alternative certificate subject name matches target host name '10.0.2.80'",
    );
    // -k: anything goes.
    const insecure = await l.sh('client', 'curl -k https://web:9443/');
    expect(insecure.status).toBe(0);
    expect(insecure.out).toEqual(['old']);
    // --cacert names a lab file; one that is not there is curl's 77.
    const noCa = await l.sh('client', 'curl --cacert ca.pem https://web/');
    expect(noCa.status).toBe(77);
    expect(noCa.err).toEqual(['curl: (77) error setting certificate file: ca.pem']);
    // The server got each refusal as an alert (the last one arrived while curl -k ran);
    // curl -k's own close ends with a close_notify, which the server answers.
    expect(alerts.filter((a) => a !== 'close_notify')).toEqual([
      'unknown_ca',
      'certificate_expired',
      'bad_certificate',
    ]);
  });
});

describe('curl TLS options in the lab', () => {
  it('--tls-max 1.2 and --ciphers pick TLS 1.2 and the suite; --tlsv1.3 --tls-max 1.2 has nothing to offer', async () => {
    const l = new Lab(WEB);
    const v12 = await l.sh('client', 'curl -sv --tls-max 1.2 https://web/');
    expect(v12.status).toBe(0);
    expect(v12.err).toContain('* TLSv1.2 (OUT), TLS handshake, Client hello (1):');
    expect(v12.err).toContain('* TLSv1.2 (IN), TLS handshake, Server key exchange (12):');
    expect(v12.err).toContain('* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):');
    expect(v12.err.find((x) => x.startsWith('* SSL connection using'))).toMatch(
      /^\* SSL connection using TLSv1\.2 \/ ECDHE-ECDSA-AES\d+-GCM-SHA\d+$/,
    );
    const chacha = await l.sh(
      'client',
      'curl -sv --tls-max 1.2 --ciphers ECDHE-ECDSA-CHACHA20-POLY1305 https://web/',
    );
    expect(chacha.err).toContain('* SSL connection using TLSv1.2 / ECDHE-ECDSA-CHACHA20-POLY1305');
    const none = await l.sh('client', 'curl -sS --tlsv1.3 --tls-max 1.2 https://web/');
    expect(none.status).toBe(35);
    // curl 7.88.1's words for it.
    expect(none.err).toEqual(['curl: (35) CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION']);
  });

  it('--resolve pins a name to an address, as curl does', async () => {
    const l = new Lab(WEB);
    const r = await l.sh(
      'client',
      'curl -s --resolve www.example.test:443:10.0.2.80 -k https://www.example.test/',
    );
    expect(r.status).toBe(0);
    expect(r.out).toEqual(['<h1>hi</h1>']);
  });
});

describe('the browser over TLS in the lab', () => {
  it('loads https:// with the TLS handshake in its own waterfall column', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('client', 'browser https://web/');
    expect(r.status).toBe(0);
    const header = r.out.find((x) => x.startsWith('#'))!.split(/\s+/);
    expect(header).toEqual([
      '#',
      'resource',
      'status',
      'size',
      'start',
      'DNS',
      'connect',
      'TLS',
      'TTFB',
      'total',
      'conn',
    ]);
    const row = r.out.find((x) => x.startsWith('1 '))!.split(/\s+/);
    expect(row.slice(1, 3)).toEqual(['https://web/', '200']);
    expect(Number(row[6])).toBeGreaterThanOrEqual(20); // TCP: a round trip (and the first ARPs)
    expect(Number(row[7])).toBeCloseTo(20, 0); // TLS 1.3: one round trip
  });

  it('shows why it refused: Chromium names, with what the check found', async () => {
    const l = new Lab(WEB);
    const unknown = await l.sh('client', 'browser https://web:8443/');
    expect(unknown.status).toBe(1);
    expect(unknown.err).toEqual([
      'browser: https://web:8443/: Your connection is not private',
      '  Attackers might be trying to steal your information from web (for example, passwords, messages, or credit cards).',
      '  NET::ERR_CERT_AUTHORITY_INVALID',
      '  unknown-ca: unable to get local issuer certificate: CN = Shady Private CA',
    ]);
    expect((await l.sh('client', 'browser https://web:9443/')).err[2]).toBe('  NET::ERR_CERT_DATE_INVALID');
    expect((await l.sh('client', 'browser https://10.0.2.80/')).err[2]).toBe(
      '  NET::ERR_CERT_COMMON_NAME_INVALID',
    );
  });
});
