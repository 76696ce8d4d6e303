/**
 * Where key generation, serial numbers and TLS randoms get their bytes. Inside the
 * simulator it is the node's seeded `Random` (same seed, same keys, same handshake bytes);
 * real mode passes the host's CSPRNG (src/real). The simulator's generator is not
 * cryptographically strong: simulated secrets are for watching, not for keeping.
 */
import type { Random } from '../../sim/random.ts';

/** Returns `length` fresh random bytes. */
export type RandomSource = (length: number) => Uint8Array;

/** A source drawing from a seeded simulator stream. */
export function seededRandomSource(random: Random): RandomSource {
  return (length) => random.bytes(new Uint8Array(length));
}

/** A source replaying fixed byte strings in order (tests reproducing published traces). */
export function scriptedRandomSource(chunks: readonly Uint8Array[], fallback?: RandomSource): RandomSource {
  const queue = [...chunks];
  return (length) => {
    const next = queue.shift();
    if (next === undefined) {
      if (fallback) return fallback(length);
      throw new RangeError('scripted random source exhausted');
    }
    if (next.length !== length)
      throw new RangeError(`scripted random: wanted ${length} bytes, next has ${next.length}`);
    return next.slice();
  };
}
