/**
 * A `Deferred` over an ordinary promise, for code that runs outside a simulation (real
 * mode, plain unit tests). Inside one, use `sim.deferred()` instead: its continuations run
 * at the simulated instant the promise is settled.
 */
import type { Deferred } from './simulator.ts';

export function plainDeferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((a, b) => {
    resolve = a;
    reject = b;
  });
  return { promise, resolve, reject };
}
