import { readFileSync } from 'node:fs';
import { fromHex } from '../../bytes/hex.ts';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { Random } from '../../sim/random.ts';
import { CertificateAuthority } from './certificate-authority.ts';
import { type Certificate, parseCertificate, parseCertificatesPem, signCertificate } from './certificate.ts';
import { type ChainErrorCode, validateChain } from './chain-validation.ts';
import { DAY } from './der-time.ts';
import { generateEcKey } from './keys.ts';
import { buildName } from './name.ts';
import { Oid } from './oid.ts';
import { seededRandomSource } from './random-source.ts';
import { TrustStore } from './trust-store.ts';
import { WebPki } from './web-pki.ts';

const T0 = 1_735_689_600; // 2025-01-01

/** The server certificate of RFC 8448 §3, cut out of its Certificate handshake message. */
function rfc8448Certificate(): Uint8Array {
  const v = JSON.parse(
    readFileSync(new URL('../../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
  );
  const msg = fromHex(v.summary.certificate);
  return msg.subarray(11, 11 + ((msg[8]! << 16) | (msg[9]! << 8) | msg[10]!));
}
const context = () => ({ random: seededRandomSource(new Random(42)), now: () => T0 });
const testdata = (name: string) => {
  const c = parseCertificatesPem(readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8'));
  if (c instanceof ProtocolError) throw new Error(c.toString());
  return c[0]!;
};

function code(
  chain: readonly Certificate[],
  store: TrustStore,
  host?: string,
  at = T0 + DAY,
): ChainErrorCode | 'ok' {
  const v = validateChain({
    chain,
    trustStore: store,
    at,
    ...(host === undefined ? {} : { hostname: host }),
  });
  return v.ok ? 'ok' : v.error!.code;
}

describe('chain validation', () => {
  const ctx = context();
  const pki = new WebPki(ctx);
  const site = pki.issueSite(['shop.example', '192.0.2.10']);

  it('accepts a leaf + intermediate leading to a trusted root, recording each check', () => {
    const v = validateChain({
      chain: site.chain,
      trustStore: pki.browserTrust,
      at: T0 + DAY,
      hostname: 'shop.example',
    });
    expect(v.ok).toBe(true);
    expect(v.path.map((c) => c.subject.rdns.at(-1)![0]!.value)).toEqual([
      'shop.example',
      'Netlab TLS Issuing CA 1',
      'Netlab Root CA',
    ]);
    expect(v.steps.map((s) => `${s.check}@${s.depth}`)).toEqual([
      'issuer@0',
      'issuer@1',
      'trust-anchor@2',
      'signature@0',
      'signature@1',
      'validity@0',
      'validity@1',
      'validity@2',
      'ca@1',
      'path-length@1',
      'ca@2',
      'purpose@0',
      'hostname@0',
    ]);
    expect(v.steps.every((s) => s.ok)).toBe(true);
    expect(code(site.chain, pki.browserTrust, '192.0.2.10')).toBe('ok');
  });

  it('unknown-ca: the root is not in the store, or the intermediate was not sent', () => {
    const store = new TrustStore('empty', [pki.globalRoot.certificate]);
    expect(code(site.chain, store, 'shop.example')).toBe('unknown-ca');
    expect(code([site.chain[0]!], pki.browserTrust, 'shop.example')).toBe('unknown-ca');
    const other = pki.untrustedCa();
    const rogue = pki.issueSite(['shop.example'], { ca: other });
    expect(code(rogue.chain, pki.browserTrust, 'shop.example')).toBe('unknown-ca');
  });

  it('self-signed-untrusted: a self-signed leaf, or an untrusted root sent along', () => {
    const k = generateEcKey('P-256', ctx.random);
    const name = buildName({ commonName: 'shop.example' });
    const self = signCertificate(
      {
        serialNumber: 1n,
        issuer: name,
        subject: name,
        notBefore: T0,
        notAfter: T0 + 30 * DAY,
        publicKey: k.publicKey,
        subjectAltNames: [{ kind: 'dns', name: 'shop.example' }],
      },
      k,
      { kind: 'ecdsa', hash: 'sha256' },
    );
    expect(code([self], pki.browserTrust, 'shop.example')).toBe('self-signed-untrusted');
    const other = pki.untrustedCa();
    const rogue = pki.issueSite(['shop.example'], { ca: other });
    expect(code([...rogue.chain, other.certificate], pki.browserTrust, 'shop.example')).toBe(
      'self-signed-untrusted',
    );
    // Trusted directly when the store holds the very certificate (pinning).
    expect(code([self], new TrustStore('pinned', [self]), 'shop.example')).toBe('ok');
  });

  it('expired and not-yet-valid, at simulated time', () => {
    expect(code(site.chain, pki.browserTrust, 'shop.example', T0 + 91 * DAY)).toBe('expired');
    expect(code(site.chain, pki.browserTrust, 'shop.example', T0 - 1)).toBe('not-yet-valid');
    expect(code(site.chain, pki.browserTrust, 'shop.example', T0 + 90 * DAY)).toBe('ok');
    const old = pki.issueSite(['shop.example'], { notBefore: T0 - 400 * DAY, days: 365 });
    expect(code(old.chain, pki.browserTrust, 'shop.example')).toBe('expired');
  });

  it('hostname-mismatch, wildcards and IP addresses', () => {
    expect(code(site.chain, pki.browserTrust, 'evil.example')).toBe('hostname-mismatch');
    expect(code(site.chain, pki.browserTrust, '192.0.2.11')).toBe('hostname-mismatch');
    const wild = pki.issueSite(['*.example.net']);
    expect(code(wild.chain, pki.browserTrust, 'www.example.net')).toBe('ok');
    expect(code(wild.chain, pki.browserTrust, 'example.net')).toBe('hostname-mismatch');
    expect(code(wild.chain, pki.browserTrust, 'a.b.example.net')).toBe('hostname-mismatch');
  });

  it("bad-signature: one flipped bit in the leaf's signed part", () => {
    const leaf = site.chain[0]!;
    const bytes = leaf.der.slice();
    const at = leaf.der.indexOf(0x73 /* 's' of shop.example */, 100);
    bytes[at] = 0x53; // 'S': still a valid certificate, but not the one the CA signed
    const forged = parseCertificate(bytes) as Certificate;
    expect(forged).not.toBeInstanceOf(ProtocolError);
    expect(code([forged, site.chain[1]!], pki.browserTrust)).toBe('bad-signature');
  });

  it('not-a-ca: a leaf used to sign another certificate', () => {
    const k = generateEcKey('P-256', ctx.random);
    const leaf = site.chain[0]!;
    const below = signCertificate(
      {
        serialNumber: 5n,
        issuer: leaf.subject,
        subject: buildName({ commonName: 'victim.example' }),
        notBefore: T0,
        notAfter: T0 + 30 * DAY,
        publicKey: k.publicKey,
        subjectAltNames: [{ kind: 'dns', name: 'victim.example' }],
      },
      site.key,
      { kind: 'ecdsa', hash: 'sha256' },
    );
    expect(code([below, ...site.chain], pki.browserTrust, 'victim.example')).toBe('not-a-ca');
  });

  it('path-too-long: an intermediate below a pathlen:0 intermediate', () => {
    const sub = pki.issuingCa.createIntermediate({
      name: { commonName: 'Sub CA' },
      key: generateEcKey('P-256', ctx.random),
    });
    const leaf = sub.issueFor(
      { subject: { commonName: 'deep.example' }, names: ['deep.example'] },
      generateEcKey('P-256', ctx.random),
    );
    expect(leaf.chain).toHaveLength(3);
    expect(code(leaf.chain, pki.browserTrust, 'deep.example')).toBe('path-too-long');
  });

  it('bad-key-usage: a CA whose keyUsage lacks keyCertSign', () => {
    const root = pki.netlabRoot;
    const k = generateEcKey('P-256', ctx.random);
    const weird = signCertificate(
      {
        serialNumber: 7n,
        issuer: root.certificate.subject,
        subject: buildName({ commonName: 'No Sign CA' }),
        notBefore: T0,
        notAfter: T0 + 300 * DAY,
        publicKey: k.publicKey,
        basicConstraints: { ca: true },
        keyUsage: ['digitalSignature'],
      },
      root.key,
      { kind: 'ecdsa', hash: 'sha256' },
    );
    const ca = CertificateAuthority.fromCertificate([weird, root.certificate], k, ctx);
    const leaf = ca.issueFor(
      { subject: { commonName: 'x.example' }, names: ['x.example'] },
      generateEcKey('P-256', ctx.random),
    );
    expect(code(leaf.chain, pki.browserTrust, 'x.example')).toBe('bad-key-usage');
  });

  it('bad-extended-key-usage: a client certificate presented as a server one', () => {
    const client = pki.issueSite(['alice.example'], { usage: 'client' });
    expect(code(client.chain, pki.browserTrust, 'alice.example')).toBe('bad-extended-key-usage');
    const v = validateChain({
      chain: client.chain,
      trustStore: pki.browserTrust,
      at: T0 + DAY,
      purpose: 'client',
    });
    expect(v.ok).toBe(true);
  });

  it('unhandled-critical-extension', () => {
    const k = generateEcKey('P-256', ctx.random);
    const cert = signCertificate(
      {
        serialNumber: 9n,
        issuer: pki.issuingCa.certificate.subject,
        subject: buildName({ commonName: 'crit.example' }),
        notBefore: T0,
        notAfter: T0 + 30 * DAY,
        publicKey: k.publicKey,
        subjectAltNames: [{ kind: 'dns', name: 'crit.example' }],
        extraExtensions: [{ oid: Oid.nameConstraints, critical: true, value: Uint8Array.of(0x30, 0) }],
      },
      pki.issuingCa.key,
      { kind: 'ecdsa', hash: 'sha256' },
    );
    expect(code([cert, pki.issuingCa.certificate], pki.browserTrust, 'crit.example')).toBe(
      'unhandled-critical-extension',
    );
  });

  it('weak-key and chain-too-long', () => {
    const rfc = parseCertificate(rfc8448Certificate()) as Certificate;
    const store = new TrustStore('rfc8448', [rfc]);
    const at = rfc.notBefore + DAY;
    expect(validateChain({ chain: [rfc], trustStore: store, at }).error?.code).toBe('weak-key');
    expect(validateChain({ chain: [rfc], trustStore: store, at, minRsaBits: 1024 }).ok).toBe(true);
    expect(
      validateChain({ chain: site.chain, trustStore: pki.browserTrust, at: T0 + DAY, maxDepth: 2 }).error
        ?.code,
    ).toBe('chain-too-long');
    expect(validateChain({ chain: [], trustStore: store, at }).error?.code).toBe('empty-chain');
  });

  it('validates chains OpenSSL made (RSA, and EC with a P-384 intermediate)', () => {
    const rsaRoot = testdata('rsa-root.crt');
    const rsaLeaf = testdata('rsa-leaf.crt');
    const at = rsaLeaf.notBefore + DAY;
    const rsaStore = new TrustStore('openssl-rsa', [rsaRoot]);
    for (const host of ['rsa.test', 'www.rsa.test', '127.0.0.1', '::1']) {
      expect(code([rsaLeaf], rsaStore, host, at), host).toBe('ok');
    }
    expect(code([rsaLeaf], rsaStore, 'other.test', at)).toBe('hostname-mismatch');
    const ecStore = new TrustStore('openssl-ec', [testdata('ec-root.crt')]);
    expect(code([testdata('ec-leaf.crt'), testdata('ec-inter.crt')], ecStore, 'ec.test', at)).toBe('ok');
    expect(code([testdata('ec-leaf.crt')], ecStore, 'ec.test', at)).toBe('unknown-ca');
    expect(code([rsaLeaf], ecStore, 'rsa.test', at)).toBe('unknown-ca');
  });
});
