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

/**
 * `realClock` whose timers do not keep the process alive (they are unref'd): for deadlines
 * that matter only while a socket is open, such as TLS's close linger (tls-stream.ts). The
 * open socket keeps the process running until the deadline fires; once the socket is gone
 * a timer left behind holds nothing up. `sleep` is realClock's (it keeps the process alive).
 */
export const realDeadlineClock: Clock = {
  now: realClock.now,
  sleep: realClock.sleep,
  setTimer: (delay, fn) => {
    const t = setTimeout(fn, delay / NS_PER_MS);
    t.unref();
    return () => clearTimeout(t);
  },
};
