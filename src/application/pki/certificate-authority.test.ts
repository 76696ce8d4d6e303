import { describe, expect, it } from 'vitest';
import { toHex } from '../../bytes/hex.ts';
import { Random } from '../../sim/random.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { CertificateAuthority } from './certificate-authority.ts';
import { certificateToPem } from './certificate.ts';
import {
  certificationRequestToPem,
  createCertificationRequest,
  parseCertificationRequest,
  parseCertificationRequestPem,
  verifyCertificationRequest,
} from './certification-request.ts';
import { generateEcKey } from './keys.ts';
import { formatName } from './name.ts';
import { Oid } from './oid.ts';
import { seededRandomSource } from './random-source.ts';
import { sampleRsaKey } from './sample-rsa-keys.ts';
import { WebPki } from './web-pki.ts';
import './trace-events.ts';

const T0 = 1_735_689_600;

describe('certificate authority', () => {
  it("issues a leaf from a request: the site's name and key, signed by the CA, traced", () => {
    const sim = new Simulator({ seed: 7 });
    const events: TraceEvent[] = [];
    sim.trace.onAny((e) => events.push(e));
    const ctx = { random: seededRandomSource(sim.random.fork('ca')), now: () => T0, trace: sim };
    const root = CertificateAuthority.createRoot(
      { name: { commonName: 'Lab Root' }, key: generateEcKey('P-256', ctx.random) },
      ctx,
    );
    const siteKey = generateEcKey('P-256', ctx.random);
    const csr = createCertificationRequest(
      { subject: { organization: 'Shop', commonName: 'shop.example' }, names: ['shop.example', '10.0.0.5'] },
      siteKey,
    );
    expect(verifyCertificationRequest(csr)).toBe(true);
    const issued = root.issue(csr);
    if ('refused' in issued) throw new Error(issued.message);
    const c = issued.certificate;
    expect(formatName(c.subject)).toBe('O = Shop, CN = shop.example');
    expect(formatName(c.issuer)).toBe('CN = Lab Root');
    expect(c.publicKey).toEqual(siteKey.publicKey);
    expect(
      c.subjectAltNames?.map((n) => (n.kind === 'dns' ? n.name : n.kind === 'ip' ? n.text : '')),
    ).toEqual(['shop.example', '10.0.0.5']);
    expect(c.basicConstraints).toEqual({ ca: false });
    expect(c.keyUsage).toEqual(['digitalSignature']);
    expect(c.extKeyUsage).toEqual([Oid.serverAuth]);
    expect(c.notAfter - c.notBefore).toBe(90 * 86400);
    expect(toHex(c.authorityKeyId!)).toBe(toHex(root.certificate.subjectKeyId!));
    expect(issued.chain).toEqual([c]);
    expect(events.map((e) => e.type)).toEqual(['pki.issue', 'pki.request', 'pki.issue']);
    const req = events[1] as Extract<TraceEvent, { type: 'pki.request' }>;
    expect(req.names).toEqual(['DNS:shop.example', 'IP Address:10.0.0.5']);
    expect(req.proofOfPossession).toBe(true);
  });

  it('refuses a request not signed by its own key, and one with no names', () => {
    const ctx = { random: seededRandomSource(new Random(1)), now: () => T0 };
    const root = CertificateAuthority.createRoot(
      { name: { commonName: 'Root' }, key: generateEcKey('P-256', ctx.random) },
      ctx,
    );
    const a = generateEcKey('P-256', ctx.random);
    const b = generateEcKey('P-256', ctx.random);
    const csr = createCertificationRequest({ subject: { commonName: 'x.example' }, names: ['x.example'] }, a);
    const forged = { ...csr, publicKey: b.publicKey };
    expect(root.issue(forged)).toMatchObject({ refused: 'bad-proof-of-possession' });
    const nameless = createCertificationRequest({ subject: { organization: 'Nobody' }, names: [] }, a);
    expect(root.issue(nameless)).toMatchObject({ refused: 'no-names' });
    root.policy = (r) =>
      r.subjectAltNames.some((n) => n.kind === 'dns' && n.name.endsWith('.bank'))
        ? 'high-risk name'
        : undefined;
    const bank = createCertificationRequest({ subject: { commonName: 'my.bank' }, names: ['my.bank'] }, a);
    expect(root.issue(bank)).toEqual({ refused: 'policy', message: 'high-risk name' });
  });

  it('puts keyEncipherment in RSA leaves (for TLS 1.2 RSA key exchange)', () => {
    const pki = new WebPki({ random: seededRandomSource(new Random(2)), now: () => T0 });
    const site = pki.issueSite(['rsa.example'], { key: 'rsa' });
    expect(site.chain[0]!.keyUsage).toEqual(['digitalSignature', 'keyEncipherment']);
    expect(site.key.kind).toBe('rsa');
  });

  it('is deterministic: the same seed gives the same certificates byte for byte', () => {
    const build = (seed: number) => {
      const pki = new WebPki({ random: seededRandomSource(new Random(seed)), now: () => T0 });
      return pki.issueSite(['a.example']).chain.map(certificateToPem).join('');
    };
    expect(build(11)).toBe(build(11));
    expect(build(11)).not.toBe(build(12));
  });

  it('round-trips PKCS #10 requests through PEM', () => {
    const key = sampleRsaKey(3);
    const csr = createCertificationRequest(
      { subject: { country: 'KR', commonName: 'r.example' }, names: ['r.example', '::1'] },
      key,
    );
    const back = parseCertificationRequestPem(certificationRequestToPem(csr));
    expect(back).toEqual(csr);
    expect(parseCertificationRequest(csr.der.subarray(0, 50))).toMatchObject({ code: 'truncated' });
  });
});
