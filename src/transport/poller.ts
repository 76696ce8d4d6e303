/**
 * Readiness notification over many sockets: the select/poll/epoll model of the notes. A
 * Poller holds an interest set (which socket or listener, readable and/or writable), and
 * `wait()` resolves with every member that is ready, at once if some already are, else at
 * the simulated instant the first becomes ready (or the timeout passes, with an empty
 * list). Level-triggered like poll(2) and epoll without EPOLLET: a socket with unread data
 * is reported again by every wait until it is read.
 *
 * Errors and hang-ups are always reported (POLLERR / POLLHUP), whatever was asked. One
 * `wait()` at a time. The interest set is bounded by `maxSize` (default 65536), as epoll's
 * is by max_user_watches.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import type { Deferred, Simulator } from '../sim/simulator.ts';
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { Time } from '../sim/time.ts';
import type { Pollable } from './pollable.ts';

export interface PollInterest {
  readonly readable?: boolean;
  readonly writable?: boolean;
}

export interface PollEvent<T extends Pollable = Pollable> {
  readonly target: T;
  readonly readable: boolean;
  readonly writable: boolean;
  readonly failed: boolean;
  readonly hangup: boolean;
}

interface Entry<T extends Pollable> {
  readonly target: T;
  interest: PollInterest;
  stop: () => void;
}

export class Poller<T extends Pollable = Pollable> {
  private readonly entries = new Map<T, Entry<T>>();
  private waiter: { d: Deferred<PollEvent<T>[]>; timeout: ScheduledEvent | null } | null = null;
  /** Calls of wait(), and how many returned nothing (timeouts): the cost of polling. */
  waits = 0;
  emptyWaits = 0;

  constructor(
    private readonly sim: Simulator,
    readonly maxSize = 65536,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** Adds `target` (or changes its interest: epoll_ctl ADD / MOD). */
  add(target: T, interest: PollInterest = { readable: true }): void {
    const e = this.entries.get(target);
    if (e) {
      e.interest = interest;
      this.check();
      return;
    }
    if (this.entries.size >= this.maxSize)
      throw new NetlabError('poller-full', `a poller holds at most ${this.maxSize} sockets`);
    const stop = target.watch(() => this.check());
    this.entries.set(target, { target, interest, stop });
    this.check();
  }

  /** Removes `target` (epoll_ctl DEL). */
  remove(target: T): void {
    const e = this.entries.get(target);
    if (!e) return;
    e.stop();
    this.entries.delete(target);
  }

  /** The members ready now, without waiting. */
  poll(): PollEvent<T>[] {
    const out: PollEvent<T>[] = [];
    for (const e of this.entries.values()) {
      const t = e.target;
      const readable = e.interest.readable === true && t.readable;
      const writable = e.interest.writable === true && t.writable;
      const failed = t.failed;
      const hangup = t.hangup;
      if (readable || writable || failed || (hangup && e.interest.readable === true))
        out.push({ target: t, readable, writable, failed, hangup });
    }
    return out;
  }

  /**
   * Resolves with the ready members; waits up to `timeout` ns (default forever) for one.
   * An empty list means the timeout passed.
   */
  wait(timeout?: Time): Promise<PollEvent<T>[]> {
    if (this.waiter) throw new NetlabError('concurrent-wait', 'wait() is already pending on this poller');
    this.waits++;
    const ready = this.poll();
    if (ready.length > 0) return Promise.resolve(ready);
    if (timeout === 0) {
      this.emptyWaits++;
      return Promise.resolve([]);
    }
    const d = this.sim.deferred<PollEvent<T>[]>();
    const w: { d: Deferred<PollEvent<T>[]>; timeout: ScheduledEvent | null } = { d, timeout: null };
    if (timeout !== undefined) {
      w.timeout = this.sim.after(timeout, () => {
        if (this.waiter !== w) return;
        this.waiter = null;
        this.emptyWaits++;
        d.resolve([]);
      });
    }
    this.waiter = w;
    return d.promise;
  }

  /** Stops watching everything; a pending wait resolves empty. */
  close(): void {
    for (const e of this.entries.values()) e.stop();
    this.entries.clear();
    const w = this.waiter;
    this.waiter = null;
    if (w) {
      w.timeout?.cancel();
      w.d.resolve([]);
    }
  }

  private check(): void {
    const w = this.waiter;
    if (!w) return;
    const ready = this.poll();
    if (ready.length === 0) return;
    this.waiter = null;
    w.timeout?.cancel();
    w.d.resolve(ready);
  }
}
