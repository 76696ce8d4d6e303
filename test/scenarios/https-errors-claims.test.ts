/**
 * examples/https-certificate-errors.yaml: each claim of its description, checked — the
 * browser's error for each refused certificate, curl's exit 60 and text, the alert on the
 * wire (received by the server), and no HTTP request ever sent to a refused server.
 */
import { describe, expect, it } from 'vitest';
import type { TraceEventOf } from '../../src/sim/trace.ts';
import { runExample } from './run-example.ts';
import '../../src/application/tls/trace-events.ts';
import '../../src/application/http/trace-events.ts';

describe('https-certificate-errors: why a browser says "Your connection is not private"', async () => {
  const r = await runExample('https-certificate-errors', { trace: ['tls.alert', 'http.request'] });
  const text = (prefix: string) => r.linesOf('laptop', prefix).map((l) => l.text);
  const alertsAt = (server: string) =>
    r.events
      .filter((e): e is TraceEventOf<'tls.alert'> => e.type === 'tls.alert')
      .filter((e) => e.node === server && e.direction === 'received' && e.level === 'fatal')
      .map((e) => e.alert);
  const requestsTo = (server: string) =>
    r.events.filter((e) => e.type === 'http.request' && e.node === server && e.side === 'server').length;

  it('good: the page loads over TLS', () => {
    const lines = text('browser https://good/');
    expect(lines.find((l) => l.startsWith('1 '))).toMatch(/^1\s+https:\/\/good\/\s+200\s+14\s/);
    expect(requestsTo('good')).toBe(1);
  });

  const cases: [string, string, string, string, string][] = [
    [
      'shady',
      'NET::ERR_CERT_AUTHORITY_INVALID',
      'unknown-ca: unable to get local issuer certificate: CN = Shady Private CA',
      'curl: (60) SSL certificate problem: unable to get local issuer certificate',
      'unknown_ca',
    ],
    [
      'stale',
      'NET::ERR_CERT_DATE_INVALID',
      'expired: certificate has expired: CN = stale',
      'curl: (60) SSL certificate problem: certificate has expired',
      'certificate_expired',
    ],
    [
      'wrong',
      'NET::ERR_CERT_COMMON_NAME_INVALID',
      'hostname-mismatch: hostname mismatch: wrong is not in DNS:www.example.org',
      "curl: (60) SSL: no alternative certificate subject name matches target host name 'wrong'",
      'bad_certificate',
    ],
  ];
  for (const [server, netError, detail, curlLine, alert] of cases) {
    it(`${server}: ${netError}, curl exit 60, ${alert} on the wire, no HTTP request`, () => {
      const browser = r.linesOf('laptop', `browser https://${server}/`);
      expect(r.result.steps.find((s) => s.step.run === `browser https://${server}/`)?.status).toBe(1);
      expect(browser.filter((l) => l.stream === 'err').map((l) => l.text)).toEqual([
        `browser: https://${server}/: Your connection is not private`,
        `  Attackers might be trying to steal your information from ${server} (for example, passwords, messages, or credit cards).`,
        `  ${netError}`,
        `  ${detail}`,
      ]);
      const curl = r.linesOf('laptop', `curl -sS https://${server}/`).map((l) => l.text);
      expect(curl[0]).toBe(curlLine);
      expect(curl).toContain('curl failed to verify the legitimacy of the server and therefore could not');
      expect(r.result.steps.find((s) => s.step.run === `curl -sS https://${server}/`)?.status).toBe(60);
      // Once from the browser, once from curl.
      expect(alertsAt(server)).toEqual([alert, alert]);
      // The browser (HTTP/1.1) never sent its request ('http.request' is HTTP/1.x's event;
      // curl -k's request to shady went over HTTP/2, chosen by ALPN).
      expect(requestsTo(server)).toBe(0);
    });
  }

  it('curl -k fetches the shady page anyway', () => {
    expect(text('curl -k https://shady/')).toEqual(['<h1>shady</h1>']);
    expect(r.result.steps.find((s) => s.step.run === 'curl -k https://shady/')?.status).toBe(0);
  });
});
