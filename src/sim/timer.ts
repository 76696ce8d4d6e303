/**
 * A re-armable timer for protocol machines' adapters (retransmission, delayed ACK, ARP
 * retry, cache aging). Re-arming to a later deadline does not touch the event queue: the
 * pending event fires, sees the deadline moved, and sleeps again. So a timer restarted on
 * every packet costs one queue entry, not one per restart.
 */
import type { ScheduledEvent } from './event-queue.ts';
import type { Simulator } from './simulator.ts';
import { DOUBLE_FIELD, type Time } from './time.ts';

export class Timer {
  private deadline: Time = DOUBLE_FIELD;
  private event: ScheduledEvent | null = null;

  constructor(
    private readonly sim: Simulator,
    private readonly onFire: () => void,
  ) {
    this.deadline = -1;
  }

  /** Whether the timer is armed. */
  get armed(): boolean {
    return this.deadline >= 0;
  }

  /** The absolute time it fires at, or -1 when disarmed. */
  get expiresAt(): Time {
    return this.deadline;
  }

  /** Arms (or re-arms) the timer to fire at absolute time `at`. */
  setAt(at: Time): void {
    this.deadline = at;
    if (this.event && this.event.time <= at) return;
    this.event?.cancel();
    this.event = this.sim.at(at, this.fire);
  }

  /** Arms (or re-arms) the timer to fire `delay` from now. */
  set(delay: Time): void {
    this.setAt(this.sim.now + delay);
  }

  cancel(): void {
    this.deadline = -1;
    this.event?.cancel();
    this.event = null;
  }

  private readonly fire = (): void => {
    this.event = null;
    if (this.deadline < 0) return;
    if (this.sim.now < this.deadline) {
      this.event = this.sim.at(this.deadline, this.fire);
      return;
    }
    this.deadline = -1;
    this.onFire();
  };
}
