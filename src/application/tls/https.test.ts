import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../../sim/trace.ts';
import { textResponse } from '../http/router.ts';
import { DAY } from '../pki/der-time.ts';
import { TlsError } from './tls-error.ts';
import { buildHttpsPair } from './https-pair.ts';

const hello = () => textResponse(200, 'hello over simulated HTTPS');

async function fetchOnce(p: ReturnType<typeof buildHttpsPair>, url = p.url('/')) {
  let result: Awaited<ReturnType<typeof p.browser.http.fetch>> | undefined;
  let error: unknown;
  void p.browser.http.fetch(url).then(
    (r) => {
      result = r;
      p.browser.http.close();
    },
    (e) => {
      error = e;
      p.browser.http.close();
    },
  );
  await p.sim.run(60 * 1_000_000_000);
  return { result, error };
}

describe('HTTPS over simulated TCP', () => {
  it('fetches a page over TLS 1.3 on port 443; the trace annotates every handshake message', async () => {
    const p = buildHttpsPair({ handler: hello });
    const events: TraceEvent[] = [];
    p.sim.trace.onAny((e) => events.push(e));
    const { result, error } = await fetchOnce(p);
    expect(error).toBeUndefined();
    expect(result?.status).toBe(200);
    expect(new TextDecoder().decode(result!.body)).toBe('hello over simulated HTTPS\n');
    const hs = events.filter((e) => e.type === 'tls.handshake');
    expect(hs.filter((e) => e.node === 'browser').map((e) => `${e.direction} ${e.details.type}`)).toEqual([
      'sent ClientHello',
      'received ServerHello',
      'received EncryptedExtensions',
      'received Certificate',
      'received CertificateVerify',
      'received Finished',
      'sent Finished',
    ]);
    const ch = hs.find((e) => e.details.type === 'ClientHello')!;
    if (ch.details.type !== 'ClientHello') throw new Error('no ClientHello');
    expect(ch.details.serverName).toBe('www.shop.test');
    expect(ch.details.alpn).toEqual(['http/1.1']);
    expect(ch.details.versions).toEqual(['TLS 1.3', 'TLS 1.2']);
    expect(ch.details.keyShares).toEqual(['x25519']);
    const cert = hs.find((e) => e.node === 'browser' && e.details.type === 'Certificate')!;
    if (cert.details.type !== 'Certificate') throw new Error('no Certificate');
    expect(cert.details.chain.map((c) => c.subject)).toEqual([
      'CN = www.shop.test',
      'C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1',
    ]);
    const v = events.find((e) => e.type === 'pki.validate');
    expect(v?.type === 'pki.validate' && v.ok).toBe(true);
    const est = events.find((e) => e.type === 'tls.established' && e.node === 'browser');
    expect(est?.type === 'tls.established' && [est.version, est.suite, est.alpn, est.peer]).toEqual([
      'TLS 1.3',
      'TLS_AES_128_GCM_SHA256',
      'http/1.1',
      '10.0.0.2:443',
    ]);
  });

  it("TLS 1.2 with RSA key exchange: the notes' version of HTTPS", async () => {
    const p = buildHttpsPair({
      handler: hello,
      keyType: 'rsa',
      browserTls: { versions: ['1.2'], suites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] },
    });
    const events: TraceEvent[] = [];
    p.sim.trace.on('tls.established', (e) => events.push(e));
    const { result } = await fetchOnce(p);
    expect(result?.status).toBe(200);
    expect(
      events.map((e) => e.type === 'tls.established' && `${e.node} ${e.version} ${e.suite} ${e.keyExchange}`),
    ).toEqual([
      // In TLS 1.2 the server finishes first: it checks the client Finished, then sends its own.
      'web TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 rsa',
      'browser TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256 rsa',
    ]);
  });

  const failures: [string, Partial<Parameters<typeof buildHttpsPair>[0]>, string, string][] = [
    ['unknown CA', {}, 'unknown-ca', 'unknown_ca'],
    ['expired', {}, 'expired', 'certificate_expired'],
    ['wrong host', { certificateNames: ['other.shop.test'] }, 'hostname-mismatch', 'bad_certificate'],
  ];
  for (const [what, extra, code, alert] of failures) {
    it(`the browser says why it refused: ${what}`, async () => {
      let p = buildHttpsPair({ handler: hello, ...extra });
      if (what === 'unknown CA') {
        const rogue = p.pki.untrustedCa('Rogue CA');
        p = buildHttpsPair({ handler: hello, credentials: p.pki.issueSite([p.siteName], { ca: rogue }) });
      }
      if (what === 'expired') {
        const old = p.pki.issueSite([p.siteName], { notBefore: 1_735_689_600 - 100 * DAY, days: 30 });
        p = buildHttpsPair({ handler: hello, credentials: old });
      }
      const events: TraceEvent[] = [];
      p.sim.trace.onAny((e) => events.push(e));
      const { error } = await fetchOnce(p);
      expect(error).toBeInstanceOf(TlsError);
      expect(error).toMatchObject({ code: 'tls-certificate', certificate: code, alertName: alert });
      const failed = events
        .filter((e) => e.type === 'tls.failed')
        .map((e) => e.type === 'tls.failed' && `${e.node} ${e.code} ${e.alert}`);
      expect(failed).toEqual([`browser tls-certificate ${alert}`, `web tls-alert-received ${alert}`]);
      const v = events.find((e) => e.type === 'pki.validate');
      expect(v?.type === 'pki.validate' && v.error).toBe(code);
    });
  }
});
