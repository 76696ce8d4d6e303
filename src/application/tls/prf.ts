/**
 * The TLS 1.2 pseudo-random function and what it derives (RFC 5246 §5, §6.3, §7.4.9,
 * §8.1; RFC 7627 §4): P_hash over HMAC (@noble/hashes), the master secret (classic, or the
 * extended master secret bound to the session hash), the key block and Finished's
 * verify_data. The PRF hash is the suite's: SHA-256, or SHA-384 for the *_SHA384 suites.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import type { TranscriptHash } from './transcript.ts';
import { concatBytes } from '../../bytes/concat.ts';

const HASHES = { sha256, sha384 } as const;
const enc = new TextEncoder();

/** PRF(secret, label, seed) = P_hash(secret, label + seed), cut to `length` (§5). */
export function prf12(
  alg: TranscriptHash,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Uint8Array {
  const h = HASHES[alg];
  const labelSeed = concatBytes([enc.encode(label), seed]);
  const out = new Uint8Array(length);
  let a = labelSeed; // A(0)
  let at = 0;
  while (at < length) {
    a = hmac(h, secret, a); // A(i) = HMAC(secret, A(i-1))
    const block = hmac(h, secret, concatBytes([a, labelSeed]));
    out.set(block.subarray(0, Math.min(block.length, length - at)), at);
    at += block.length;
  }
  return out;
}

export const MASTER_SECRET_LENGTH = 48;

/** master_secret = PRF(pre_master_secret, "master secret", client_random + server_random) (§8.1). */
export function masterSecret(
  alg: TranscriptHash,
  pms: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
): Uint8Array {
  return prf12(alg, pms, 'master secret', concatBytes([clientRandom, serverRandom]), MASTER_SECRET_LENGTH);
}

/** RFC 7627 §4: PRF(pre_master_secret, "extended master secret", session_hash). */
export function extendedMasterSecret(
  alg: TranscriptHash,
  pms: Uint8Array,
  sessionHash: Uint8Array,
): Uint8Array {
  return prf12(alg, pms, 'extended master secret', sessionHash, MASTER_SECRET_LENGTH);
}

export interface KeyBlock12 {
  readonly clientKey: Uint8Array;
  readonly serverKey: Uint8Array;
  readonly clientIv: Uint8Array;
  readonly serverIv: Uint8Array;
}

/** key_block = PRF(master, "key expansion", server_random + client_random) (§6.3); AEAD suites have no MAC keys. */
export function keyBlock12(
  alg: TranscriptHash,
  master: Uint8Array,
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  keyLength: number,
  ivLength: number,
): KeyBlock12 {
  const block = prf12(
    alg,
    master,
    'key expansion',
    concatBytes([serverRandom, clientRandom]),
    2 * keyLength + 2 * ivLength,
  );
  let at = 0;
  const take = (n: number) => block.slice(at, (at += n));
  return {
    clientKey: take(keyLength),
    serverKey: take(keyLength),
    clientIv: take(ivLength),
    serverIv: take(ivLength),
  };
}

/** verify_data = PRF(master, finished_label, Hash(handshake_messages)) cut to 12 bytes (§7.4.9). */
export function verifyData12(
  alg: TranscriptHash,
  master: Uint8Array,
  label: 'client finished' | 'server finished',
  handshakeHash: Uint8Array,
): Uint8Array {
  return prf12(alg, master, label, handshakeHash, 12);
}
