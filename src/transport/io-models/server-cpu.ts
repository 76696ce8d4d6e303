/**
 * The server machine's processor, for the I/O-model experiment: one core that runs one
 * piece of work at a time. Work submitted while it is busy waits its turn, so request
 * handling on a single-threaded server, or on many threads sharing one core, takes
 * simulated time the way it would take real time.
 */
import type { Simulator } from '../../sim/simulator.ts';
import type { Time } from '../../sim/time.ts';

export class ServerCpu {
  private busyUntil: Time = 0;
  /** Total time spent working. */
  busy: Time = 0;

  constructor(private readonly sim: Simulator) {}

  /** Resolves once `cost` of work, queued behind what is already running, is done. */
  run(cost: Time): Promise<void> {
    const start = Math.max(this.sim.now, this.busyUntil);
    this.busyUntil = start + cost;
    this.busy += cost;
    return this.sim.sleep(this.busyUntil - this.sim.now);
  }
}
