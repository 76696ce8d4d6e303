/**
 * The discrete-event kernel. A `Simulator` is an instance, never a global: two can run
 * side by side in one process. It owns the virtual clock, the future-event list, the
 * seeded root of randomness and the trace bus, and knows nothing of networking.
 *
 * Callbacks scheduled with `at`/`after` run at their simulated instant. Code written with
 * promises (`await sim.sleep(...)`, sockets) works too: promises that the simulation
 * resolves are created with `deferred()`, and `run()` lets their continuations run at the
 * simulated instant they were resolved, before any later event.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import { type EventFn, EventQueue, type ScheduledEvent } from './event-queue.ts';
import { yieldToHost } from './macrotask.ts';
import { Random } from './random.ts';
import { DOUBLE_FIELD, type Time } from './time.ts';
import { TraceBus } from './trace.ts';

export interface SimulatorOptions {
  /** Root seed for every random stream in the run. Default 1. */
  seed?: number;
}

export interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(reason: unknown): void;
}

export class Simulator {
  readonly trace = new TraceBus();
  readonly random: Random;
  private readonly queue = new EventQueue();
  private clock: Time = DOUBLE_FIELD;
  private stopped = false;
  private running = false;
  private wokePromises = false;
  /** Events executed so far (cancelled events are not counted). */
  eventsExecuted = 0;

  constructor(options: SimulatorOptions = {}) {
    this.clock = 0;
    this.random = new Random(options.seed ?? 1);
  }

  get now(): Time {
    return this.clock;
  }

  /** Number of events waiting (including cancelled ones not yet discarded). */
  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `fn(arg)` at absolute time `time` (not before now). */
  at<A>(time: Time, fn: (arg: A) => void, arg?: A): ScheduledEvent {
    if (!(time >= this.clock)) {
      throw new NetlabError('sim-past', `cannot schedule at ${time} ns: the clock is at ${this.clock} ns`);
    }
    return this.queue.push(time, fn as EventFn, arg);
  }

  /** Schedules `fn(arg)` after `delay` nanoseconds. */
  after<A>(delay: Time, fn: (arg: A) => void, arg?: A): ScheduledEvent {
    return this.at(this.clock + (delay > 0 ? delay : 0), fn, arg);
  }

  /** A promise the simulation resolves; its continuations run at the instant it resolves. */
  deferred<T>(): Deferred<T> {
    let res!: (v: T) => void;
    let rej!: (e: unknown) => void;
    const promise = new Promise<T>((a, b) => {
      res = a;
      rej = b;
    });
    return {
      promise,
      resolve: (v: T) => {
        this.wokePromises = true;
        res(v);
      },
      reject: (e: unknown) => {
        this.wokePromises = true;
        rej(e);
      },
    };
  }

  /**
   * Says that async code was started from inside an event (a command, an application
   * handler): `run()` then lets its continuations run at this instant, before the next
   * event, even if they await promises the simulator did not create.
   */
  wake(): void {
    this.wokePromises = true;
  }

  /** Resolves after `delay` nanoseconds of simulated time. */
  sleep(delay: Time): Promise<void> {
    const d = this.deferred<void>();
    this.after(delay, () => d.resolve());
    return d.promise;
  }

  /** Stops `run()` after the current event. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Runs one event. Returns false when nothing is left. Does not run promise
   * continuations; use `run()` for code that awaits.
   */
  step(until = Number.POSITIVE_INFINITY): boolean {
    const ev = this.queue.peek();
    if (!ev || ev.time > until) return false;
    this.queue.pop();
    this.clock = ev.time;
    this.eventsExecuted++;
    const fn = ev.fn!;
    fn(ev.arg);
    return true;
  }

  /**
   * Runs events until the queue is empty, `stop()` is called, or the next event is later
   * than `until`; then the clock is set to `until` (when finite). Resolves when done.
   */
  async run(until: Time = Number.POSITIVE_INFINITY): Promise<void> {
    if (this.running) throw new NetlabError('sim-reentrant', 'run() is already in progress');
    this.running = true;
    this.stopped = false;
    try {
      await yieldToHost();
      for (;;) {
        this.runBatch(until);
        if (this.wokePromises) {
          this.wokePromises = false;
          await yieldToHost();
          if (!this.stopped) continue;
        }
        break;
      }
      if (!this.stopped && Number.isFinite(until) && until > this.clock) this.clock = until;
    } finally {
      this.running = false;
    }
  }

  /** Runs events synchronously until a promise needs its continuations run, or done. */
  private runBatch(until: Time): void {
    const queue = this.queue;
    while (!this.stopped && !this.wokePromises) {
      const ev = queue.peek();
      if (!ev || ev.time > until) return;
      queue.pop();
      const fn = ev.fn!;
      this.clock = ev.time;
      this.eventsExecuted++;
      fn(ev.arg);
    }
  }
}
