/**
 * What DNS clients and resolvers need from the world, injected: a clock, seeded
 * randomness, UDP sockets, a way to open TCP connections (any `ByteStream`), promise
 * factories and the trace bus. The simulator adapter (dns-sim-io.ts) provides them from a
 * node's UDP layer and simulated time; real mode (src/real/dns-*.ts) from node:dgram,
 * node:net and the host clock. The resolver logic above it never touches either.
 */
import type { Clock } from '../../sim/clock.ts';
import type { Random } from '../../sim/random.ts';
import type { Deferred } from '../../sim/simulator.ts';
import type { Time } from '../../sim/time.ts';
import type { TraceBus } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import './trace-events.ts';

/** A server as clients name it: dotted-quad address and port. */
export interface DnsServerAddress {
  readonly address: string;
  readonly port: number;
}

export interface DnsDatagram {
  readonly data: Uint8Array;
  readonly from: DnsServerAddress;
}

/**
 * An ICMP port unreachable about a datagram this socket sent to `to`: what a connected
 * UDP socket reports as ECONNREFUSED (glibc's resolver and dig connect theirs).
 */
export interface DnsRefused {
  readonly refused: DnsServerAddress;
}

export interface DnsDatagramSocket {
  readonly localPort: number;
  send(data: Uint8Array, to: DnsServerAddress): void;
  /** The next datagram or refusal, or null after `timeout` ns (or once closed). */
  receive(timeout: Time): Promise<DnsDatagram | DnsRefused | null>;
  close(): void;
}

export interface DnsIo {
  /** Names the host in trace events. */
  readonly node: string;
  readonly clock: Clock;
  readonly random: Random;
  readonly trace?: TraceBus;
  /** A promise the environment resolves (sim.deferred() inside a simulation). */
  deferred<T>(): Deferred<T>;
  /** Binds a UDP socket on `port` (0: any). Throws NetlabError('address-in-use') when taken. */
  openUdp(port: number): DnsDatagramSocket;
  /** Opens a TCP connection, when the environment has TCP. */
  connect?(address: string, port: number): Promise<ByteStream>;
}

/** A plain-promise Deferred, for environments outside the simulator. */
export { plainDeferred } from '../../sim/plain-deferred.ts';

/**
 * A bounded receive queue with one waiting reader and a timeout, the part every
 * datagram socket adapter shares. Datagrams beyond `limit` queued are dropped.
 */
export class DatagramQueue {
  private readonly queue: (DnsDatagram | DnsRefused)[] = [];
  private waiter: { d: Deferred<DnsDatagram | DnsRefused | null>; cancel: () => void } | null = null;
  private closed = false;

  constructor(
    private readonly io: Pick<DnsIo, 'clock' | 'deferred'>,
    private readonly limit = 64,
  ) {}

  push(d: DnsDatagram | DnsRefused): void {
    if (this.closed) return;
    const w = this.waiter;
    if (w) {
      this.waiter = null;
      w.cancel();
      w.d.resolve(d);
      return;
    }
    if (this.queue.length < this.limit) this.queue.push(d);
  }

  receive(timeout: Time): Promise<DnsDatagram | DnsRefused | null> {
    const next = this.queue.shift();
    if (next) return Promise.resolve(next);
    if (this.closed) return Promise.resolve(null);
    if (this.waiter) throw new Error('DatagramQueue: receive() already pending');
    const d = this.io.deferred<DnsDatagram | DnsRefused | null>();
    const cancel = this.io.clock.setTimer(Math.max(0, timeout), () => {
      if (this.waiter?.d === d) this.waiter = null;
      d.resolve(null);
    });
    this.waiter = { d, cancel };
    return d.promise;
  }

  close(): void {
    this.closed = true;
    const w = this.waiter;
    this.waiter = null;
    if (w) {
      w.cancel();
      w.d.resolve(null);
    }
  }
}
