import { describe, expect, it } from 'vitest';
import { DAY } from '../pki/der-time.ts';
import { TrustStore } from '../pki/trust-store.ts';
import { alertsSent, failureOf, handshake, makePair, NOW, T0, testPki } from './test-helpers.ts';

describe('the client checks the server certificate, with an alert per failure', () => {
  const pki = testPki();

  it('accepts a valid chain and reports every check it made', () => {
    const p = handshake(makePair({}, {}));
    const v = p.clientEvents.find((e) => e.kind === 'peer-verified');
    expect(v?.kind === 'peer-verified' && v.validation.ok).toBe(true);
    expect(v?.kind === 'peer-verified' && v.validation.steps.map((s) => s.check)).toContain('hostname');
  });

  const cases: [string, () => Parameters<typeof makePair>, string, string][] = [
    [
      'unknown CA',
      () => [{}, { certificates: [pki.issueSite(['server.test'], { ca: pki.untrustedCa('Evil CA') })] }],
      'unknown-ca',
      'unknown_ca',
    ],
    ['expired', () => [{ now: () => T0 + 120 * DAY }, {}], 'expired', 'certificate_expired'],
    ['not yet valid', () => [{ now: () => T0 - DAY }, {}], 'not-yet-valid', 'bad_certificate'],
    ['wrong host', () => [{ serverName: 'other.test' }, {}], 'hostname-mismatch', 'bad_certificate'],
    [
      'self-signed',
      () => {
        const ca = pki.untrustedCa('server.test');
        return [{}, { certificates: [{ chain: [ca.certificate], key: ca.key }] }];
      },
      'self-signed-untrusted',
      'unknown_ca',
    ],
    [
      'a client certificate used by a server',
      () => [{}, { certificates: [pki.issueSite(['server.test'], { usage: 'client' })] }],
      'bad-extended-key-usage',
      'unsupported_certificate',
    ],
  ];
  for (const version of ['1.3', '1.2'] as const) {
    for (const [what, setup, code, alert] of cases) {
      it(`TLS ${version}: ${what} → ${alert}`, () => {
        const [c, s] = setup();
        const p = handshake(makePair({ ...c, versions: [version] }, s));
        expect(failureOf(p.clientEvents)).toMatchObject({
          code: 'tls-certificate',
          certificate: code,
          alertName: alert,
          side: 'local',
        });
        expect(failureOf(p.serverEvents)).toMatchObject({ code: 'tls-alert-received', alertName: alert });
        expect(p.client.state).toBe('failed');
        expect(p.server.state).toBe('failed');
      });
    }
  }

  it('verify: false accepts anything (curl -k)', () => {
    const p = handshake(makePair({ verify: false, serverName: 'wrong.test' }, {}));
    expect(p.client.established).toBe(true);
    expect(p.clientEvents.some((e) => e.kind === 'peer-verified')).toBe(false);
  });
});

describe('client certificates (mutual TLS)', () => {
  const pki = testPki();
  const alice = pki.issueSite(['alice.test'], { usage: 'client' });
  const aliceRsa = pki.issueSite(['alice.test'], { usage: 'client', key: 'rsa' });
  const serverSide = { requestClientCertificate: true, trustStore: pki.browserTrust } as const;

  for (const version of ['1.3', '1.2'] as const) {
    for (const [name, cred] of [
      ['ECDSA', alice],
      ['RSA', aliceRsa],
    ] as const) {
      it(`TLS ${version}: the server asks, the client proves its ${name} key`, () => {
        const p = handshake(makePair({ versions: [version], certificate: cred }, serverSide));
        expect(failureOf(p.serverEvents)).toBeUndefined();
        expect(p.server.session!.peerCertificates[0]!.der).toEqual(cred.chain[0]!.der);
        const ladder = p.clientEvents.flatMap((e) =>
          e.kind === 'handshake' ? [`${e.direction} ${e.details.type}`] : [],
        );
        expect(ladder).toContain('received CertificateRequest');
        expect(ladder).toContain('sent CertificateVerify');
      });
    }

    it(`TLS ${version}: no certificate when one is only requested`, () => {
      const p = handshake(makePair({ versions: [version] }, serverSide));
      expect(p.server.established).toBe(true);
      expect(p.server.session?.peerCertificates).toEqual([]);
    });

    it(`TLS ${version}: no certificate when one is required`, () => {
      const p = handshake(
        makePair({ versions: [version] }, { ...serverSide, requireClientCertificate: true }),
      );
      expect(failureOf(p.serverEvents)?.alertName).toBe(
        version === '1.3' ? 'certificate_required' : 'handshake_failure',
      );
    });

    it(`TLS ${version}: a client certificate from an unknown CA`, () => {
      const rogue = pki.issueSite(['mallory.test'], { usage: 'client', ca: pki.untrustedCa() });
      const p = handshake(makePair({ versions: [version], certificate: rogue }, serverSide));
      expect(failureOf(p.serverEvents)).toMatchObject({
        code: 'tls-certificate',
        certificate: 'unknown-ca',
        alertName: 'unknown_ca',
      });
      expect(alertsSent(p.serverEvents)).toEqual(['unknown_ca']);
    });
  }

  it("a server certificate store without the client's CA refuses it", () => {
    const store = new TrustStore('only-global', [pki.globalRoot.certificate]);
    const p = handshake(
      makePair({ certificate: alice }, { requestClientCertificate: true, trustStore: store, now: () => NOW }),
    );
    expect(failureOf(p.serverEvents)?.certificate).toBe('unknown-ca');
  });
});
