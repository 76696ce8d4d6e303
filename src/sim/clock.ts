/**
 * Time as adapters see it. Sans-I/O machines take `now` as an argument and return
 * deadlines; the adapter that runs a machine over a stream needs a clock to read and to
 * sleep on. In the simulator that is simulated time (`simClock`); in real mode it is the
 * host's monotonic clock (src/real/real-clock.ts). Both count integer nanoseconds.
 */
import type { Simulator } from './simulator.ts';
import type { Time } from './time.ts';

export interface Clock {
  /** Nanoseconds since an arbitrary fixed origin. */
  now(): Time;
  /** Resolves after `delay` nanoseconds. */
  sleep(delay: Time): Promise<void>;
  /** Calls `fn` after `delay` ns unless the returned function is called first. */
  setTimer(delay: Time, fn: () => void): () => void;
}

/** The simulator's virtual clock. */
export function simClock(sim: Simulator): Clock {
  return {
    now: () => sim.now,
    sleep: (delay) => sim.sleep(delay),
    setTimer: (delay, fn) => {
      const ev = sim.after(delay, fn);
      return () => ev.cancel();
    },
  };
}
