/**
 * What TLS and the PKI take from the host in real mode: randomness from the operating
 * system's CSPRNG (crypto.getRandomValues), and the wall clock for certificate validity.
 * Inside the simulator both come from the scenario instead (seeded random, epoch + time).
 */
import { webcrypto } from 'node:crypto';
import type { UnixTime } from '../application/pki/der-time.ts';
import type { RandomSource } from '../application/pki/random-source.ts';

const MAX_CHUNK = 65536; // getRandomValues' limit per call

export const hostRandom: RandomSource = (length) => {
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += MAX_CHUNK)
    webcrypto.getRandomValues(out.subarray(at, Math.min(length, at + MAX_CHUNK)));
  return out;
};

export const hostWallClock = (): UnixTime => Math.floor(Date.now() / 1000);
