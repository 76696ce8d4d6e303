/**
 * The checks of the options the web experiments share, so that every experiment takes
 * the same RTTs, rates, sizes and seeds and says the same thing about a bad one. Each
 * throws NetlabError('experiment-bad-option').
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Time } from '../../sim/time.ts';
import { MAX_RTT } from './experiment-network.ts';

/** Largest resource the experiments serve. */
export const MAX_SIZE = 10 * 1024 * 1024;

function bad(message: string): NetlabError {
  return new NetlabError('experiment-bad-option', message);
}

function isRtt(rtt: Time): boolean {
  return Number.isInteger(rtt) && rtt >= 0 && rtt <= MAX_RTT;
}

export function checkRtt(rtt: Time): void {
  if (!isRtt(rtt)) throw bad('the RTT must be between 0 and 10 s');
}

/** A non-empty list of RTTs. */
export function checkRtts(rtts: readonly Time[]): void {
  if (rtts.length === 0 || !rtts.every(isRtt)) throw bad('every RTT must be between 0 and 10 s');
}

/** A link rate in bit/s. */
export function checkRate(rate: number): void {
  if (!(rate >= 1000 && rate <= 100e9)) throw bad('rate must be 1 kbit/s..100 Gbit/s');
}

/** A size in bytes, 1 to `MAX_SIZE`; `name` says which. */
export function checkSize(name: string, size: number): void {
  if (!(Number.isInteger(size) && size >= 1 && size <= MAX_SIZE))
    throw bad(`${name} must be an integer 1..${MAX_SIZE} bytes`);
}

/** The scenario seed: a uint32. */
export function checkSeed(seed: number): void {
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffff_ffff))
    throw bad('seed must be an integer 0..2^32-1');
}
