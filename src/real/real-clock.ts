/** The host's monotonic clock, for protocol adapters running over real sockets. */
import type { Clock } from '../sim/clock.ts';

const NS_PER_MS = 1_000_000;

export const realClock: Clock = {
  now: () => Math.round(performance.now() * NS_PER_MS),
  sleep: (delay) => new Promise((resolve) => setTimeout(resolve, delay / NS_PER_MS)),
  setTimer: (delay, fn) => {
    const t = setTimeout(fn, delay / NS_PER_MS);
    return () => clearTimeout(t);
  },
};
