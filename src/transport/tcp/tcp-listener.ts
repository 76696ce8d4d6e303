/**
 * A listening TCP socket (RFC 9293 §3.10.1 passive OPEN; the BSD listen/accept calls). A
 * SYN for its port creates a connection in SYN-RECEIVED; once the handshake completes the
 * connection waits in the accept queue until the application takes it.
 *
 * The backlog bounds both: a SYN is dropped (and traced 'backlog-full') while
 * half-open + queued connections reach `backlog`, as Linux drops SYNs when its request
 * queue or accept queue is full (without SYN cookies, which netlab leaves out). So a SYN
 * flood fills the backlog and nothing more; each half-open entry leaves when its SYN-ACK
 * retransmissions run out (synAckRetries, about a minute with the defaults).
 *
 * netstat shows a listener's accept queue as Recv-Q; ss also shows the backlog as Send-Q.
 */
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import type { Deferred } from '../../sim/simulator.ts';
import { StreamError, type StreamEndpoint } from '../byte-stream.ts';
import { type Pollable, WOULD_BLOCK, type WouldBlock } from '../pollable.ts';
import type { TcpSocketOptions } from './tcp-config.ts';
import type { TcpLayer } from './tcp-layer.ts';
import type { TcpSocket } from './tcp-socket.ts';

export class TcpListener implements Pollable {
  readonly local: StreamEndpoint;
  private readonly queue: TcpSocket[] = [];
  private readonly halfOpen = new Set<TcpSocket>();
  private waiters: Deferred<TcpSocket>[] = [];
  private watchers: (() => void)[] = [];
  private open = true;
  /** SYNs dropped because the backlog was full. */
  synDrops = 0;

  constructor(
    readonly layer: TcpLayer,
    /** 0 = every local address. */
    readonly address: number,
    readonly port: number,
    readonly backlog: number,
    /** Options every accepted connection gets. */
    readonly options: TcpSocketOptions,
  ) {
    this.local = { address: formatIpv4Address(address), port };
  }

  get closed(): boolean {
    return !this.open;
  }

  /** Connections waiting to be accepted (netstat's Recv-Q for a listener). */
  get pending(): number {
    return this.queue.length;
  }

  /** Connections still in the handshake. */
  get halfOpenCount(): number {
    return this.halfOpen.size;
  }

  /** Whether a new SYN may be taken (backlog not full). */
  hasRoom(): boolean {
    return this.open && this.halfOpen.size + this.queue.length < this.backlog;
  }

  /** The next established connection. Rejects with 'stream-closed' once the listener closes. */
  accept(): Promise<TcpSocket> {
    if (!this.open) return Promise.reject(new StreamError('stream-closed', 'listener closed'));
    const s = this.queue.shift();
    if (s) {
      s.listener = null;
      return Promise.resolve(s);
    }
    const d = this.layer.sim.deferred<TcpSocket>();
    this.waiters.push(d);
    return d.promise;
  }

  /** The next established connection, or WOULD_BLOCK. */
  tryAccept(): TcpSocket | WouldBlock {
    if (!this.open) throw new StreamError('stream-closed', 'listener closed');
    const s = this.queue.shift();
    if (!s) return WOULD_BLOCK;
    s.listener = null;
    return s;
  }

  /** Stops listening: queued connections are reset (as Linux does), waiting accepts fail. */
  close(): void {
    if (!this.open) return;
    this.open = false;
    this.layer.unlisten(this);
    const queued = this.queue.splice(0);
    for (const s of [...queued, ...this.halfOpen]) {
      s.listener = null;
      s.abort();
    }
    this.halfOpen.clear();
    const err = new StreamError('stream-closed', 'listener closed');
    for (const w of this.waiters.splice(0)) w.reject(err);
    this.layer.notify(this);
  }

  get readable(): boolean {
    return this.queue.length > 0 || !this.open;
  }

  get writable(): boolean {
    return false;
  }

  get failed(): boolean {
    return false;
  }

  get hangup(): boolean {
    return !this.open;
  }

  watch(fn: () => void): () => void {
    this.watchers = [...this.watchers, fn];
    return () => {
      this.watchers = this.watchers.filter((w) => w !== fn);
    };
  }

  /** @internal */
  notifyWatchers(): void {
    for (const fn of this.watchers) fn();
  }

  /** @internal A SYN created `s` for this listener. */
  adopt(s: TcpSocket): void {
    s.listener = this;
    this.halfOpen.add(s);
  }

  /** @internal `s` finished its handshake. */
  established(s: TcpSocket): void {
    if (!this.halfOpen.delete(s)) return;
    const w = this.waiters.shift();
    if (w) {
      s.listener = null;
      w.resolve(s);
    } else {
      this.queue.push(s);
    }
    this.layer.notify(this);
  }

  /** @internal `s` closed before it was accepted. */
  forget(s: TcpSocket): void {
    this.halfOpen.delete(s);
    const i = this.queue.indexOf(s);
    if (i >= 0) this.queue.splice(i, 1);
    s.listener = null;
  }
}
