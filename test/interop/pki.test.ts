/**
 * The PKI against real OpenSSL: certificates netlab's CA issues pass `openssl verify`
 * (strict X.509 checks, host name, purpose) and print with `openssl x509 -text`; its
 * PKCS #10 requests pass `openssl req -verify`; and certificates OpenSSL itself makes (RSA
 * and EC) are parsed and validated by netlab, and refused for the wrong host or root.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../src/bytes/protocol-error.ts';
import {
  type Certificate,
  certificateToPem,
  certificationRequestToPem,
  createCertificationRequest,
  DAY,
  encodePrivateKeyPem,
  fingerprintSha256,
  generateEcKey,
  keyMatches,
  parseCertificatesPem,
  parseCertificationRequestPem,
  parsePrivateKeyPem,
  sampleRsaKey,
  seededRandomSource,
  TrustStore,
  validateChain,
  verifyCertificationRequest,
  WebPki,
} from '../../src/application/pki/index.ts';
import { Random } from '../../src/sim/random.ts';
import { hasOpenssl, openssl, tempDir, warnIfNoOpenssl } from './openssl-helpers.ts';

warnIfNoOpenssl('the PKI interop tests');

const T0 = 1_735_689_600;

function certs(text: string): Certificate[] {
  const c = parseCertificatesPem(text);
  if (c instanceof ProtocolError) throw new Error(c.toString());
  return c;
}

describe.skipIf(!hasOpenssl())('PKI interop with openssl', () => {
  const pki = new WebPki({ random: seededRandomSource(new Random(5)), now: () => T0 });
  const dir = tempDir('netlab-pki-');
  const file = (name: string, text: string) => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const roots = file(
    'roots.pem',
    certificateToPem(pki.netlabRoot.certificate) + certificateToPem(pki.globalRoot.certificate),
  );
  const at = String(T0 + DAY);

  it('openssl verify accepts our EC chain strictly, for the host and for TLS servers', () => {
    const site = pki.issueSite(['www.example.com', '192.0.2.1']);
    const leaf = file('leaf.pem', certificateToPem(site.chain[0]!));
    const inter = file('inter.pem', certificateToPem(site.chain[1]!));
    const r = openssl([
      'verify',
      '-x509_strict',
      '-attime',
      at,
      '-purpose',
      'sslserver',
      '-verify_hostname',
      'www.example.com',
      '-CAfile',
      roots,
      '-untrusted',
      inter,
      leaf,
    ]);
    expect(r.stdout + r.stderr).toContain(': OK');
    expect(r.status).toBe(0);
    const ip = openssl([
      'verify',
      '-attime',
      at,
      '-verify_ip',
      '192.0.2.1',
      '-CAfile',
      roots,
      '-untrusted',
      inter,
      leaf,
    ]);
    expect(ip.status).toBe(0);
    const wrong = openssl([
      'verify',
      '-attime',
      at,
      '-verify_hostname',
      'evil.example',
      '-CAfile',
      roots,
      '-untrusted',
      inter,
      leaf,
    ]);
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout + wrong.stderr).toContain('hostname mismatch');
    const late = openssl([
      'verify',
      '-attime',
      String(T0 + 100 * DAY),
      '-CAfile',
      roots,
      '-untrusted',
      inter,
      leaf,
    ]);
    expect(late.stdout + late.stderr).toContain('certificate has expired');
  });

  it('openssl verify accepts an RSA leaf signed by the RSA root', () => {
    const site = pki.issueSite(['rsa.example.com'], { key: 'rsa', ca: pki.globalRoot });
    const leaf = file('rsa-leaf.pem', certificateToPem(site.chain[0]!));
    const r = openssl([
      'verify',
      '-x509_strict',
      '-attime',
      at,
      '-purpose',
      'sslserver',
      '-CAfile',
      roots,
      leaf,
    ]);
    expect(r.status).toBe(0);
  });

  it('openssl x509 -text shows what we wrote', () => {
    const site = pki.issueSite(['shop.example', '*.shop.example', '10.1.2.3']);
    const r = openssl(['x509', '-noout', '-text', '-in', file('shop.pem', certificateToPem(site.chain[0]!))]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Issuer: C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1');
    expect(r.stdout).toContain('Subject: CN = shop.example');
    expect(r.stdout).toContain('DNS:shop.example, DNS:*.shop.example, IP Address:10.1.2.3');
    expect(r.stdout).toMatch(/X509v3 Basic Constraints: critical\s+CA:FALSE/);
    expect(r.stdout).toMatch(/X509v3 Key Usage: critical\s+Digital Signature/);
    expect(r.stdout).toContain('TLS Web Server Authentication');
    expect(r.stdout).toContain('Not Before: Jan  1 00:00:00 2025 GMT');
    const fp = openssl(['x509', '-noout', '-fingerprint', '-sha256', '-in', join(dir, 'shop.pem')]);
    expect(fp.stdout.trim()).toBe(`sha256 Fingerprint=${fingerprintSha256(site.chain[0]!)}`);
  });

  it('openssl req -verify accepts our PKCS #10 requests, RSA and EC', () => {
    for (const key of [sampleRsaKey(2), generateEcKey('P-256', seededRandomSource(new Random(8)))]) {
      const csr = createCertificationRequest(
        { subject: { country: 'KR', commonName: 'req.example' }, names: ['req.example'] },
        key,
      );
      const r = openssl([
        'req',
        '-verify',
        '-noout',
        '-text',
        '-in',
        file(`req-${key.kind}.pem`, certificationRequestToPem(csr)),
      ]);
      expect(r.status).toBe(0);
      expect(r.stdout + r.stderr).toMatch(/verify OK/);
      expect(r.stdout).toContain('DNS:req.example');
    }
  });

  it('openssl reads the PKCS #8 keys we write', () => {
    const k = generateEcKey('P-256', seededRandomSource(new Random(9)));
    const r = openssl(['pkey', '-noout', '-check', '-in', file('k.pem', encodePrivateKeyPem(k))]);
    expect(r.stdout + r.stderr).toContain('Key is valid');
    const rsa = openssl([
      'pkey',
      '-noout',
      '-check',
      '-in',
      file('rsa.pem', encodePrivateKeyPem(sampleRsaKey(1))),
    ]);
    expect(rsa.stdout + rsa.stderr).toContain('Key is valid');
  });

  for (const kind of ['rsa', 'ec'] as const) {
    it(`validates a ${kind.toUpperCase()} chain openssl just made, and refuses it for the wrong host or root`, () => {
      const newkey =
        kind === 'rsa'
          ? ['-newkey', 'rsa:2048']
          : ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];
      const caKey = join(dir, `${kind}-ca.key`);
      const caCrt = join(dir, `${kind}-ca.crt`);
      expect(
        openssl([
          'req',
          '-x509',
          ...newkey,
          '-nodes',
          '-keyout',
          caKey,
          '-out',
          caCrt,
          '-days',
          '30',
          '-subj',
          `/CN=OpenSSL ${kind} CA`,
        ]).status,
      ).toBe(0);
      const leafKey = join(dir, `${kind}-leaf.key`);
      const csr = join(dir, `${kind}-leaf.csr`);
      expect(
        openssl(['req', ...newkey, '-nodes', '-keyout', leafKey, '-out', csr, '-subj', '/CN=made.by.openssl'])
          .status,
      ).toBe(0);
      const ext = file(
        `${kind}.ext`,
        'subjectAltName=DNS:made.by.openssl,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
      );
      const leafCrt = join(dir, `${kind}-leaf.crt`);
      expect(
        openssl([
          'x509',
          '-req',
          '-in',
          csr,
          '-CA',
          caCrt,
          '-CAkey',
          caKey,
          '-CAcreateserial',
          '-out',
          leafCrt,
          '-days',
          '30',
          '-extfile',
          ext,
        ]).status,
      ).toBe(0);
      const [ca] = certs(readFileSync(caCrt, 'utf8'));
      const [leaf] = certs(readFileSync(leafCrt, 'utf8'));
      const key = parsePrivateKeyPem(readFileSync(leafKey, 'utf8'));
      expect(key).not.toBeInstanceOf(ProtocolError);
      expect(keyMatches(key as never, leaf!.publicKey)).toBe(true);
      const store = new TrustStore('openssl', [ca!]);
      const now = leaf!.notBefore + 60;
      expect(
        validateChain({ chain: [leaf!], trustStore: store, at: now, hostname: 'made.by.openssl' }).ok,
      ).toBe(true);
      expect(validateChain({ chain: [leaf!], trustStore: store, at: now, hostname: '127.0.0.1' }).ok).toBe(
        true,
      );
      expect(
        validateChain({ chain: [leaf!], trustStore: store, at: now, hostname: 'other.host' }).error?.code,
      ).toBe('hostname-mismatch');
      expect(validateChain({ chain: [leaf!], trustStore: pki.browserTrust, at: now }).error?.code).toBe(
        'unknown-ca',
      );
      expect(validateChain({ chain: [leaf!], trustStore: store, at: leaf!.notAfter + 1 }).error?.code).toBe(
        'expired',
      );
      // And the CSR openssl wrote verifies as ours.
      const req = parseCertificationRequestPem(readFileSync(csr, 'utf8'));
      expect(req).not.toBeInstanceOf(ProtocolError);
      expect(verifyCertificationRequest(req as never)).toBe(true);
    });
  }
});
