import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { Random } from '../../sim/random.ts';
import { type Certificate, parseCertificatesPem } from './certificate.ts';
import {
  encodePkcs8,
  encodePrivateKeyPem,
  encodeSpki,
  generateEcKey,
  keyMatches,
  parsePrivateKeyDer,
  parsePrivateKeyPem,
  parseSpki,
  type PrivateKey,
} from './keys.ts';
import { seededRandomSource } from './random-source.ts';
import { sampleRsaKey, SAMPLE_RSA_KEY_COUNT } from './sample-rsa-keys.ts';
import { signData, verifyData } from './signature.ts';

const testdata = (name: string) => readFileSync(new URL(`./testdata/${name}`, import.meta.url), 'utf8');

function key(text: string): PrivateKey {
  const k = parsePrivateKeyPem(text);
  if (k instanceof ProtocolError) throw new Error(k.toString());
  return k;
}

describe('private and public keys', () => {
  it('reads the three forms OpenSSL writes: PKCS #8, PKCS #1 RSA and SEC 1 EC', () => {
    const rsa8 = key(testdata('rsa-leaf.key'));
    const rsa1 = key(testdata('rsa-leaf.pkcs1.key'));
    const ec8 = key(testdata('ec-leaf.key'));
    const ec1 = key(testdata('ec-leaf.sec1.key'));
    expect(rsa8).toEqual(rsa1);
    expect(ec8).toEqual(ec1);
    const rsaCert = (parseCertificatesPem(testdata('rsa-leaf.crt')) as Certificate[])[0]!;
    const ecCert = (parseCertificatesPem(testdata('ec-leaf.crt')) as Certificate[])[0]!;
    expect(keyMatches(rsa8, rsaCert.publicKey)).toBe(true);
    expect(keyMatches(ec8, ecCert.publicKey)).toBe(true);
    expect(keyMatches(ec8, rsaCert.publicKey)).toBe(false);
  });

  it('writes PKCS #8 that reads back to the same key', () => {
    for (const k of [key(testdata('rsa-leaf.key')), key(testdata('ec-inter.key')), sampleRsaKey(1)]) {
      expect(parsePrivateKeyDer(encodePkcs8(k))).toEqual(k);
      expect(parsePrivateKeyPem(encodePrivateKeyPem(k))).toEqual(k);
    }
  });

  it("re-encodes OpenSSL's PKCS #8 RSA key byte for byte", () => {
    const text = testdata('rsa-leaf.key');
    const b64 = text.replace(/-----[^-]+-----|\s/g, '');
    expect(btoa(String.fromCharCode(...encodePkcs8(key(text))))).toBe(b64);
  });

  it('round-trips SubjectPublicKeyInfo for RSA and every curve', () => {
    const random = seededRandomSource(new Random(3));
    for (const k of [
      sampleRsaKey(0),
      generateEcKey('P-256', random),
      generateEcKey('P-384', random),
      generateEcKey('P-521', random),
    ]) {
      expect(parseSpki(encodeSpki(k.publicKey))).toEqual(k.publicKey);
    }
  });

  it('generates the same EC key from the same seed', () => {
    const a = generateEcKey('P-256', seededRandomSource(new Random(9)));
    const b = generateEcKey('P-256', seededRandomSource(new Random(9)));
    const c = generateEcKey('P-256', seededRandomSource(new Random(10)));
    expect(a).toEqual(b);
    expect(a.d).not.toEqual(c.d);
  });

  it('ships usable fixed RSA keys', () => {
    for (let i = 0; i < SAMPLE_RSA_KEY_COUNT; i++) {
      const k = sampleRsaKey(i);
      expect(k.publicKey.bits).toBe(2048);
      const sig = signData(k, { kind: 'rsa-pkcs1', hash: 'sha256' }, Uint8Array.of(1, 2, 3));
      expect(
        verifyData(k.publicKey, { kind: 'rsa-pkcs1', hash: 'sha256' }, Uint8Array.of(1, 2, 3), sig),
      ).toBe(true);
    }
  });

  it('refuses a point that is not on the curve', () => {
    const k = generateEcKey('P-256', seededRandomSource(new Random(1)));
    const spki = encodeSpki(k.publicKey);
    spki[spki.length - 1]! ^= 1;
    expect((parseSpki(spki) as ProtocolError).code).toBe('bad-key');
  });

  it('refuses encrypted and missing keys with typed errors', () => {
    expect(
      (
        parsePrivateKeyPem(
          '-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n',
        ) as ProtocolError
      ).code,
    ).toBe('encrypted-pem');
    expect((parsePrivateKeyPem(testdata('rsa-leaf.crt')) as ProtocolError).code).toBe('no-key');
  });
});

describe('signatures', () => {
  const data = new TextEncoder().encode('the site name and public key');
  it('ECDSA signatures are deterministic (RFC 6979) and verify', () => {
    const k = generateEcKey('P-256', seededRandomSource(new Random(5)));
    const alg = { kind: 'ecdsa', hash: 'sha256' } as const;
    const s1 = signData(k, alg, data);
    expect(signData(k, alg, data)).toEqual(s1);
    expect(s1[0]).toBe(0x30);
    expect(verifyData(k.publicKey, alg, data, s1)).toBe(true);
    expect(verifyData(k.publicKey, alg, Uint8Array.of(1), s1)).toBe(false);
    expect(verifyData(k.publicKey, alg, data, s1.subarray(1))).toBe(false);
  });

  it('RSA-PSS signatures verify with the salt length they were made with', () => {
    const k = sampleRsaKey(2);
    const alg = { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 } as const;
    const sig = signData(k, alg, data);
    expect(verifyData(k.publicKey, alg, data, sig)).toBe(true);
    expect(verifyData(k.publicKey, { ...alg, saltLength: 20 }, data, sig)).toBe(false);
  });

  it('a signature made with one key does not verify with another', () => {
    const alg = { kind: 'rsa-pkcs1', hash: 'sha256' } as const;
    expect(verifyData(sampleRsaKey(1).publicKey, alg, data, signData(sampleRsaKey(0), alg, data))).toBe(
      false,
    );
  });
});
