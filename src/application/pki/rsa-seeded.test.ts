/**
 * RSA with the caller's randomness: what rsa-seeded.ts writes is what micro-rsa-dsa-dh
 * reads back (its own PKCS #1 v1.5 decryption, its own PSS verification), the bytes
 * depend on the random source alone (same source, same ciphertext and signature), and the
 * encodings have RFC 8017's layout.
 */
import { _TEST, mgf1, PKCS1_KEM, PSS } from 'micro-rsa-dsa-dh/rsa.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { Random } from '../../sim/random.ts';
import { bigintToBytes, bytesToBigint } from './der.ts';
import { scriptedRandomSource, seededRandomSource } from './random-source.ts';
import { rsaPkcs1Encrypt, rsaPssSign } from './rsa-seeded.ts';
import { sampleRsaKey } from './sample-rsa-keys.ts';
import { signData, verifyData } from './signature.ts';

const key = sampleRsaKey(0);
const premaster = Uint8Array.from({ length: 48 }, (_, i) => (i === 0 ? 3 : i === 1 ? 3 : i));
const message = new TextEncoder().encode('TLS 1.3, server CertificateVerify');

/** m = c^d mod n with the library's primitive, to look inside the encryption padding. */
function rawDecrypt(c: Uint8Array): Uint8Array {
  return bigintToBytes(_TEST.RSADP({ n: key.n, d: key.d }, bytesToBigint(c)) as bigint, 256);
}

/** m = s^e mod n (RSAVP1 is RSAEP), to look inside the PSS encoding. */
function rawOpen(s: Uint8Array): Uint8Array {
  return bigintToBytes(_TEST.RSAEP({ n: key.n, e: key.e }, bytesToBigint(s)) as bigint, 256);
}

describe('RSAES-PKCS1-v1_5 encryption with a given random source', () => {
  it('is 256 bytes for RSA-2048 and decrypts with the library to the premaster secret', () => {
    const c = rsaPkcs1Encrypt(key.publicKey, premaster, seededRandomSource(new Random(1)));
    expect(c.length).toBe(256);
    expect(key.publicKey.bits).toBe(2048);
    expect(PKCS1_KEM.decrypt({ n: key.n, d: key.d }, c)).toEqual(premaster);
  });

  it('the same seed gives the same ciphertext, another seed another', () => {
    const a = rsaPkcs1Encrypt(key.publicKey, premaster, seededRandomSource(new Random(7)));
    const b = rsaPkcs1Encrypt(key.publicKey, premaster, seededRandomSource(new Random(7)));
    const c = rsaPkcs1Encrypt(key.publicKey, premaster, seededRandomSource(new Random(8)));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('lays out 00 02 PS 00 M with the non-zero padding drawn from the source (zeros drawn again)', () => {
    const ps = Uint8Array.from({ length: 205 }, (_, i) => (i === 3 ? 0 : (i % 255) + 1));
    const c = rsaPkcs1Encrypt(key.publicKey, premaster, scriptedRandomSource([ps, Uint8Array.of(0x5a)]));
    const em = rawDecrypt(c);
    expect([...em.subarray(0, 2)]).toEqual([0x00, 0x02]);
    expect([...em.subarray(2, 5)]).toEqual([1, 2, 3]);
    expect(em[5]).toBe(0x5a); // the zero, replaced by the next draw
    expect(em.subarray(6, 207)).toEqual(ps.subarray(4));
    expect(em[207]).toBe(0);
    expect(em.subarray(208)).toEqual(premaster);
  });

  it('refuses a message too long for the key (RFC 8017 §7.2.1 step 1)', () => {
    expect(() =>
      rsaPkcs1Encrypt(key.publicKey, new Uint8Array(246), seededRandomSource(new Random(1))),
    ).toThrow('message too long');
  });
});

describe('RSASSA-PSS signing with a given salt source', () => {
  it('verifies with the library, for SHA-256 and SHA-384', () => {
    for (const [hash, h, salt] of [
      ['sha256', sha256, 32],
      ['sha384', sha384, 48],
    ] as const) {
      const s = rsaPssSign(key, hash, salt, message, seededRandomSource(new Random(3)));
      expect(s.length).toBe(256);
      expect(PSS(h, mgf1(h), salt).verify({ n: key.n, e: key.e }, message, s)).toBe(true);
      expect(PSS(h, mgf1(h), salt).verify({ n: key.n, e: key.e }, Uint8Array.of(1), s)).toBe(false);
    }
  });

  it('the salt comes from the source: same source, same signature', () => {
    const salt = Uint8Array.from({ length: 32 }, (_, i) => i);
    const a = rsaPssSign(key, 'sha256', 32, message, scriptedRandomSource([salt]));
    const b = rsaPssSign(key, 'sha256', 32, message, scriptedRandomSource([salt]));
    const c = rsaPssSign(key, 'sha256', 32, message, scriptedRandomSource([salt.map((x) => x ^ 1)]));
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    // The salt is in the encoded message: DB = PS || 01 || salt, masked by MGF1(H) (RFC 8017 §9.1.1).
    const em = rawOpen(a);
    expect(em[255]).toBe(0xbc);
    const h = em.subarray(255 - 32, 255);
    const mask = mgf1(sha256)(h, { dkLen: 255 - 32 });
    const db = em.subarray(0, 255 - 32).map((x, i) => x ^ mask[i]!);
    db[0]! &= 0x7f;
    expect(db.subarray(-32)).toEqual(salt);
    expect(db[db.length - 33]).toBe(0x01);
    expect(db.subarray(0, db.length - 33).every((x) => x === 0)).toBe(true);
  });

  it('signData uses it when given a source, so TLS RSA-PSS signatures are seeded', () => {
    const alg = { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 } as const;
    const a = signData(key, alg, message, seededRandomSource(new Random(11)));
    const b = signData(key, alg, message, seededRandomSource(new Random(11)));
    expect(b).toEqual(a);
    expect(verifyData(key.publicKey, alg, message, a)).toBe(true);
  });
});
