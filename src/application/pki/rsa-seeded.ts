/**
 * The two RSA operations that need randomness, with the randomness supplied by the caller:
 * RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1: the padding string PS is random non-zero
 * bytes) and RSASSA-PSS signing (RFC 8017 §8.1.1 with EMSA-PSS-ENCODE, §9.1.1: the salt is
 * random). micro-rsa-dsa-dh draws both from its own CSPRNG and takes no random source, so
 * a simulated run with RSA would differ from run to run; here the caller's source (the
 * node's seeded one in the simulator, the host's CSPRNG in real mode) decides them, and the
 * same seed gives the same bytes.
 *
 * Only the encodings are written here — byte layouts of RFC 8017, built with the library's
 * hashes and MGF1. The RSA primitives themselves (RSAEP, RSASP1: the modular
 * exponentiations) are micro-rsa-dsa-dh's, which exports them only as `_TEST`; they are
 * looked up once and checked, so a library release without them fails loudly at load,
 * never quietly. The library's own decryption and verification read what this writes
 * (rsa-seeded.test.ts), and so does OpenSSL (test/interop/rsa-seeded.test.ts).
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { _TEST, mgf1 } from 'micro-rsa-dsa-dh/rsa.js';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { bigintToBytes, bytesToBigint } from './der.ts';
import type { RsaPrivateKey, RsaPublicKey } from './keys.ts';
import type { RandomSource } from './random-source.ts';
import type { HashName } from './signature.ts';

type Primitive = (key: { n: bigint; e?: bigint; d?: bigint }, m: bigint) => bigint;

const primitives = _TEST as { RSAEP?: Primitive; RSASP1?: Primitive } | undefined;
if (typeof primitives?.RSAEP !== 'function' || typeof primitives.RSASP1 !== 'function') {
  throw new NetlabError(
    'rsa-library',
    'micro-rsa-dsa-dh no longer exports RSAEP and RSASP1 (as _TEST): src/application/pki/rsa-seeded.ts needs them',
  );
}
/** RFC 8017 §5.1.1: c = m^e mod n (the library's, with its range check). */
const RSAEP = primitives.RSAEP;
/** RFC 8017 §5.2.1: s = m^d mod n. */
const RSASP1 = primitives.RSASP1;

const HASHES = { sha1, sha256, sha384, sha512 } as const;

/** The modulus length in bytes (k of RFC 8017). */
function modulusBytes(n: bigint): number {
  return Math.ceil(n.toString(2).length / 8);
}

/**
 * RSAES-PKCS1-v1_5-ENCRYPT (RFC 8017 §7.2.1): EM = 0x00 || 0x02 || PS || 0x00 || M, where
 * PS is at least 8 random non-zero bytes (zeros drawn from `random` are drawn again).
 */
export function rsaPkcs1Encrypt(key: RsaPublicKey, message: Uint8Array, random: RandomSource): Uint8Array {
  const k = modulusBytes(key.n);
  if (message.length > k - 11) throw new NetlabError('rsa-message-too-long', 'message too long');
  const ps = random(k - message.length - 3);
  for (let i = 0; i < ps.length; i++) {
    // A bounded redraw: a source returning only zeros is a broken source, not a hang.
    for (let tries = 0; ps[i] === 0; tries++) {
      if (tries === 1000) throw new NetlabError('rsa-random', 'the random source keeps returning zeros');
      ps[i] = random(1)[0]!;
    }
  }
  const em = new Uint8Array(k);
  em[1] = 0x02;
  em.set(ps, 2);
  em.set(message, k - message.length);
  return bigintToBytes(RSAEP({ n: key.n, e: key.e }, bytesToBigint(em)), k);
}

/**
 * RSASSA-PSS-SIGN (RFC 8017 §8.1.1) with MGF1 over the same hash and a salt of
 * `saltLength` bytes from `random`; the trailer field is 0xbc.
 */
export function rsaPssSign(
  key: RsaPrivateKey,
  hash: HashName,
  saltLength: number,
  message: Uint8Array,
  random: RandomSource,
): Uint8Array {
  const h = HASHES[hash];
  const hLen = h.outputLen;
  const emBits = key.n.toString(2).length - 1;
  const emLen = Math.ceil(emBits / 8);
  if (emLen < hLen + saltLength + 2)
    throw new NetlabError('rsa-encoding', 'PSS: key too small for hash and salt');
  // EMSA-PSS-ENCODE, §9.1.1 steps 2–12.
  const salt = saltLength === 0 ? new Uint8Array(0) : random(saltLength);
  const mPrime = new Uint8Array(8 + hLen + saltLength);
  mPrime.set(h(message), 8);
  mPrime.set(salt, 8 + hLen);
  const H = h(mPrime);
  const db = new Uint8Array(emLen - hLen - 1);
  db[emLen - saltLength - hLen - 2] = 0x01;
  db.set(salt, db.length - saltLength);
  const mask = mgf1(h)(H, { dkLen: db.length });
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = new Uint8Array(emLen);
  em.set(db);
  em.set(H, db.length);
  em[emLen - 1] = 0xbc;
  return bigintToBytes(RSASP1({ n: key.n, d: key.d }, bytesToBigint(em)), modulusBytes(key.n));
}
