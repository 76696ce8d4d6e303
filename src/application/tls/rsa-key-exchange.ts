/**
 * TLS 1.2 RSA key exchange (RFC 5246 §7.4.7.1): the client encrypts a 48-byte premaster
 * secret (client version || 46 random bytes) to the server's RSA public key with
 * RSAES-PKCS1-v1_5 (micro-rsa-dsa-dh); the server decrypts it.
 *
 * Against Bleichenbacher's attack the server never reveals whether decryption or the
 * version check failed: it prepares a random premaster secret first and uses it silently
 * instead, so a bad ClientKeyExchange shows up only as a Finished that does not verify
 * (RFC 5246 §7.4.7.1, RFC 8017 §7.2.2 note).
 *
 * The encryption padding (RFC 8017 §7.2.1's random non-zero PS) comes from the
 * connection's random source (pki/rsa-seeded.ts), so in the simulator the encrypted
 * premaster secret is the same for the same seed. Its length is the modulus's: 256 bytes
 * for RSA-2048.
 */
import { PKCS1_KEM } from 'micro-rsa-dsa-dh/rsa.js';
import type { RsaPrivateKey, RsaPublicKey } from '../pki/keys.ts';
import type { RandomSource } from '../pki/random-source.ts';
import { rsaPkcs1Encrypt } from '../pki/rsa-seeded.ts';

export function rsaEncryptPremaster(
  key: RsaPublicKey,
  premaster: Uint8Array,
  random: RandomSource,
): Uint8Array {
  return rsaPkcs1Encrypt(key, premaster, random);
}

/**
 * The premaster secret: the decrypted one when it is 48 bytes starting with the version
 * the client offered, otherwise `fallback` (48 random bytes drawn before decrypting).
 */
export function rsaDecryptPremaster(
  key: RsaPrivateKey,
  encrypted: Uint8Array,
  clientVersion: number,
  fallback: Uint8Array,
): Uint8Array {
  let pms: Uint8Array | undefined;
  try {
    pms = PKCS1_KEM.decrypt({ n: key.n, d: key.d }, encrypted);
  } catch {
    pms = undefined;
  }
  const good =
    pms !== undefined &&
    pms.length === 48 &&
    pms[0] === clientVersion >> 8 &&
    pms[1] === (clientVersion & 0xff);
  return good ? pms!.slice() : fallback;
}
