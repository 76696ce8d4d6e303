/**
 * The TCP engine of iperf (iperf 2's default mode): a bulk sender that writes as fast as
 * the connection takes data for a given time, and a receiver that counts what arrives,
 * both reporting bytes per interval. It measures throughput the way iperf does: the
 * client counts bytes its writes handed to TCP, the server bytes it read; each report is
 * bytes over [from, to] seconds since the connection was made. So a bottleneck link
 * shows as the throughput it allows, whatever the access links.
 *
 * Event driven (non-blocking writes and reads on readiness), not promise driven: a long
 * transfer costs no promise per write. The shell's `iperf` command formats the reports
 * (src/tools/format/iperf.ts).
 */
import type { Simulator } from '../sim/simulator.ts';
import { SECOND, type Time } from '../sim/time.ts';
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { StreamEndpoint, StreamError, StreamErrorCode } from '../transport/byte-stream.ts';
import { WOULD_BLOCK } from '../transport/pollable.ts';
import type { TcpConnectOptions, TcpLayer, TcpListenOptions } from '../transport/tcp/tcp-layer.ts';
import type { TcpListener } from '../transport/tcp/tcp-listener.ts';
import type { TcpSocket } from '../transport/tcp/tcp-socket.ts';

/** iperf 2's default port and TCP write size (-l). */
export const IPERF_PORT = 5001;
export const IPERF_TCP_LENGTH = 128 * 1024;

/** Bytes moved between `from` and `to`, in ns since the connection started. */
export interface IperfInterval {
  readonly id: number;
  readonly from: Time;
  readonly to: Time;
  readonly bytes: number;
}

export interface IperfTcpResult extends IperfInterval {
  readonly local: StreamEndpoint;
  readonly remote: StreamEndpoint;
  /** Set when the connection failed (the transfer figures are what moved before). */
  readonly error?: StreamErrorCode;
}

export interface IperfTcpClientOptions {
  readonly address: string | number;
  readonly port?: number;
  /** How long to send (-t). Default 10 s. */
  readonly duration?: Time;
  /** Report every (-i); none by default. */
  readonly interval?: Time;
  /** Bytes per write (-l). Default 128 KiB. */
  readonly length?: number;
  readonly socket?: TcpConnectOptions;
  readonly onConnected?: (socket: TcpSocket) => void;
  readonly onInterval?: (r: IperfInterval) => void;
}

/** Interval bookkeeping shared by both ends. */
class Meter {
  readonly start: Time;
  bytes = 0;
  private intervalStart: Time;
  private intervalBytes = 0;
  private timer: ScheduledEvent | null = null;

  constructor(
    private readonly sim: Simulator,
    readonly id: number,
    private readonly interval: Time | undefined,
    private readonly onInterval: ((r: IperfInterval) => void) | undefined,
  ) {
    this.start = sim.now;
    this.intervalStart = sim.now;
    if (interval !== undefined && onInterval) this.timer = sim.after(interval, this.tick);
  }

  add(n: number): void {
    this.bytes += n;
    this.intervalBytes += n;
  }

  private readonly tick = (): void => {
    this.report(this.sim.now);
    this.timer = this.sim.after(this.interval!, this.tick);
  };

  private report(end: Time): void {
    this.onInterval?.({
      id: this.id,
      from: this.intervalStart - this.start,
      to: end - this.start,
      bytes: this.intervalBytes,
    });
    this.intervalStart = end;
    this.intervalBytes = 0;
  }

  /** Stops the interval timer; a last partial interval is reported if it is at least half long. */
  finish(): IperfInterval {
    this.timer?.cancel();
    this.timer = null;
    const now = this.sim.now;
    if (this.interval !== undefined && this.onInterval && now - this.intervalStart >= this.interval / 2)
      this.report(now);
    return { id: this.id, from: 0, to: now - this.start, bytes: this.bytes };
  }
}

/** `iperf -c`: connect, send for `duration`, close; resolves with the total. */
export function iperfTcpClient(tcp: TcpLayer, o: IperfTcpClientOptions): Promise<IperfTcpResult> {
  const sim = tcp.sim;
  const length = o.length ?? IPERF_TCP_LENGTH;
  const duration = o.duration ?? 10 * SECOND;
  const block = new Uint8Array(length);
  for (let i = 0; i < length; i++) block[i] = (i % 10) + 0x30; // iperf fills with "0123456789"
  const done = sim.deferred<IperfTcpResult>();
  let socket: TcpSocket;
  try {
    socket = tcp.open(o.address, o.port ?? IPERF_PORT, o.socket);
  } catch (e) {
    return Promise.reject(e);
  }
  let meter: Meter | undefined;
  let offset = 0;
  let finished = false;
  let stopAt: ScheduledEvent | undefined;
  const finish = (error?: StreamErrorCode) => {
    if (finished) return;
    finished = true;
    stopAt?.cancel();
    stop();
    const total = meter ? meter.finish() : { id: 1, from: 0, to: 0, bytes: 0 };
    if (!error) socket.close();
    done.resolve({ ...total, local: socket.local, remote: socket.remote, ...(error ? { error } : {}) });
  };
  const pump = () => {
    if (finished) return;
    if (socket.failed) {
      try {
        socket.tryWrite(block);
      } catch (e) {
        finish((e as StreamError).code);
      }
      return;
    }
    if (socket.state !== 'ESTABLISHED') return;
    if (!meter) {
      meter = new Meter(sim, 1, o.interval, o.onInterval);
      o.onConnected?.(socket);
      stopAt = sim.after(duration, () => finish());
    }
    for (;;) {
      const n = socket.tryWrite(block, offset);
      if (n === WOULD_BLOCK) break;
      meter.add(n);
      offset = (offset + n) % length;
    }
  };
  const stop = socket.watch(pump);
  return done.promise;
}

export interface IperfTcpServerOptions {
  readonly port?: number;
  readonly interval?: Time;
  readonly socket?: TcpListenOptions;
  readonly onConnection?: (id: number, socket: TcpSocket) => void;
  readonly onInterval?: (r: IperfInterval) => void;
  /** A connection ended (the client closed, or it failed). */
  readonly onDone?: (r: IperfTcpResult) => void;
}

/** `iperf -s`: accepts connections and counts what each sends until it closes. */
export class IperfTcpServer {
  readonly listener: TcpListener;
  private nextId = 1;
  private readonly live = new Set<() => void>();
  private readonly buffer = new Uint8Array(64 * 1024);

  constructor(
    private readonly tcp: TcpLayer,
    private readonly o: IperfTcpServerOptions = {},
  ) {
    this.listener = tcp.listen(o.port ?? IPERF_PORT, o.socket);
    this.listener.watch(this.onAccept);
  }

  private readonly onAccept = (): void => {
    for (let s = this.listener.tryAccept(); s !== WOULD_BLOCK; s = this.listener.tryAccept()) this.serve(s);
  };

  private serve(socket: TcpSocket): void {
    const id = this.nextId++;
    const meter = new Meter(this.tcp.sim, id, this.o.interval, this.o.onInterval);
    this.o.onConnection?.(id, socket);
    let ended = false;
    const end = (error?: StreamErrorCode) => {
      if (ended) return;
      ended = true;
      stop();
      this.live.delete(stopAll);
      const total = meter.finish();
      socket.close();
      this.o.onDone?.({ ...total, local: socket.local, remote: socket.remote, ...(error ? { error } : {}) });
    };
    const drain = () => {
      if (ended) return;
      for (;;) {
        let n: number | typeof WOULD_BLOCK;
        try {
          n = socket.tryReadInto(this.buffer);
        } catch (e) {
          end((e as StreamError).code);
          return;
        }
        if (n === WOULD_BLOCK) return;
        if (n < 0) {
          end();
          return;
        }
        meter.add(n);
      }
    };
    const stop = socket.watch(drain);
    const stopAll = () => end();
    this.live.add(stopAll);
    drain();
  }

  /** Stops listening and ends every transfer in progress. */
  close(): void {
    this.listener.close();
    for (const s of [...this.live]) s();
  }
}
