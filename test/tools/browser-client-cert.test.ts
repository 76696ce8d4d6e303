/**
 * Mutual TLS in the lab's browser: `browser --cert NAME` gives a site that asks the
 * node's client certificate (the user's pick in Chromium's certificate picker); without it
 * the browser answers CertificateRequest with none. A server that refuses or wanted one
 * fails the page with Chromium's ERR_BAD_SSL_CLIENT_AUTH_CERT, over TLS 1.3 (the alert
 * arrives while the response is read) and TLS 1.2 (handshake_failure during the
 * handshake) alike; test/interop/chromium.test.ts shows real Chromium saying the same
 * against the real-mode server.
 */
import { describe, expect, it } from 'vitest';
import { Lab } from './lab-harness.ts';
import { MUTUAL_TLS_HOSTS } from './mutual-tls-lab.ts';

const WEB = `${MUTUAL_TLS_HOSTS}web:
  - { server: web, tls: { names: [web], client_auth: require }, files: { /index.html: members only } }
  - { server: web, port: 8443, tls: { names: [web], client_auth: require, versions: [1.2] }, files: { /index.html: old } }
  - { server: web, port: 9443, tls: { names: [web], client_auth: request }, files: { /index.html: asks } }
`;

/** The page's row of the waterfall: its URL, then its status. */
const pageRow = (out: readonly string[], url: string) =>
  out
    .find((l) => l.startsWith(`1  ${url} `))
    ?.split(/\s+/)
    .slice(1, 3);

/** Chromium's error page for a refused client certificate, as the command prints it. */
const REFUSED = (host: string, why: string) => [
  `  ${host} didn't accept your login certificate, or one may not have been provided.`,
  '  ERR_BAD_SSL_CLIENT_AUTH_CERT',
  `  ${why}`,
];

describe('browser --cert: mutual TLS in the lab browser', () => {
  it('with a certificate from the CA the server accepts, the page loads over TLS 1.3 and 1.2', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('alice', 'browser --cert alice https://web/');
    expect(r.status).toBe(0);
    expect(r.out).toContain(
      '  client certificate alice (CN=alice, issued by CN=Netlab TLS Issuing CA 1,O=Netlab Trust Services,C=KR), for a site that asks',
    );
    expect(pageRow(r.out, 'https://web/')).toEqual(['https://web/', '200']);
    const v12 = await l.sh('alice', 'browser --cert alice https://web:8443/');
    expect(v12.status).toBe(0);
    expect(pageRow(v12.out, 'https://web:8443/')).toEqual(['https://web:8443/', '200']);
  });

  it('without one: ERR_BAD_SSL_CLIENT_AUTH_CERT from certificate_required (1.3) and handshake_failure (1.2)', async () => {
    const l = new Lab(WEB);
    const v13 = await l.sh('bob', 'browser https://web/');
    expect(v13.status).toBe(1);
    expect(pageRow(v13.out, 'https://web/')).toEqual(['https://web/', 'net::ERR_BAD_SSL_CLIENT_AUTH_CERT']);
    expect(v13.err).toEqual([
      "browser: https://web/: This site can't provide a secure connection",
      ...REFUSED('web', 'the server sent certificate_required; the browser gave no certificate'),
    ]);
    const v12 = await l.sh('bob', 'browser https://web:8443/');
    expect(v12.status).toBe(1);
    expect(v12.err).toEqual([
      "browser: https://web:8443/: This site can't provide a secure connection",
      ...REFUSED('web', 'the server sent handshake_failure; the browser gave no certificate'),
    ]);
  });

  it('a certificate from another CA: unknown_ca; an expired one: certificate_expired', async () => {
    const l = new Lab(WEB);
    const untrusted = await l.sh('mallory', 'browser --cert mallory https://web/');
    expect(untrusted.status).toBe(1);
    expect(untrusted.out).toContain(
      '  client certificate mallory (CN=mallory, issued by CN=Shady Private CA), for a site that asks',
    );
    expect(untrusted.err.slice(1)).toEqual(
      REFUSED('web', 'the server sent unknown_ca to the certificate the browser gave'),
    );
    const expired = await l.sh('alice', 'browser --cert old https://web/');
    expect(expired.status).toBe(1);
    expect(expired.err.slice(1)).toEqual(
      REFUSED('web', 'the server sent certificate_expired to the certificate the browser gave'),
    );
  });

  it('client_auth: request lets a browser without a certificate in', async () => {
    const l = new Lab(WEB);
    const r = await l.sh('bob', 'browser https://web:9443/');
    expect(r.status).toBe(0);
    expect(pageRow(r.out, 'https://web:9443/')).toEqual(['https://web:9443/', '200']);
  });

  it('a name the node does not hold: exit 1 before any connection, saying what it has', async () => {
    const l = new Lab(WEB);
    const none = await l.sh('bob', 'browser --cert alice https://web/');
    expect(none.status).toBe(1);
    expect(none.err).toEqual([
      "browser: no client certificate named 'alice' on bob (pki.clients gives this node none)",
    ]);
    expect(none.out.some((x) => x.startsWith('1  '))).toBe(false);
    const other = await l.sh('alice', 'browser --cert bob https://web/');
    expect(other.err).toEqual(["browser: no client certificate named 'bob' on alice (it has: alice, old)"]);
    const usage = await l.sh('alice', 'browser --cert');
    expect(usage.status).toBe(2);
  });
});
