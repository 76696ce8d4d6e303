/**
 * What the three example servers of the I/O-model experiment share: a request/response
 * protocol of fixed-size messages (the client sends `requestSize` bytes, the server
 * answers `responseSize` bytes once it has the whole request and has spent
 * `serviceTime` of processor on it) and their counters.
 */
import type { Time } from '../../sim/time.ts';
import { WOULD_BLOCK } from '../pollable.ts';
import type { TcpLayer } from '../tcp/tcp-layer.ts';
import type { TcpListener } from '../tcp/tcp-listener.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import type { ServerCpu } from './server-cpu.ts';

export type IoModel = 'blocking' | 'non-blocking' | 'event-driven';

export interface IoServerOptions {
  readonly tcp: TcpLayer;
  readonly port: number;
  readonly requestSize: number;
  readonly responseSize: number;
  readonly cpu: ServerCpu;
  /** Processor time per request. */
  readonly serviceTime: Time;
}

export interface IoServerStats {
  /** Connections accepted and requests answered. */
  accepted: number;
  requests: number;
  /** Non-blocking calls that returned WOULD_BLOCK: work done for nothing. */
  wouldBlock: number;
  /** Calls into the socket API in all. */
  calls: number;
}

export interface IoServer {
  readonly model: IoModel;
  readonly stats: IoServerStats;
  close(): void;
}

export function newStats(): IoServerStats {
  return { accepted: 0, requests: 0, wouldBlock: 0, calls: 0 };
}

/**
 * The non-blocking accept loop of the polling and the event-driven servers: tryAccept()
 * until it would block, every call counted, each new connection handed to `take`.
 */
export function acceptPending(
  listener: TcpListener,
  stats: IoServerStats,
  take: (s: TcpSocket) => void,
): void {
  for (;;) {
    stats.calls++;
    const s = listener.tryAccept();
    if (s === WOULD_BLOCK) {
      stats.wouldBlock++;
      break;
    }
    stats.accepted++;
    take(s);
  }
}

/**
 * One non-blocking tryWrite() of the rest of `response`, from offset `c.out`. True when
 * the response is complete: then `c.out` is -1 again and the request is counted.
 */
export function writeRest(
  s: TcpSocket,
  c: { out: number },
  response: Uint8Array,
  stats: IoServerStats,
): boolean {
  stats.calls++;
  const n = s.tryWrite(response, c.out);
  if (n === WOULD_BLOCK) stats.wouldBlock++;
  else c.out += n;
  if (c.out < response.length) return false;
  c.out = -1;
  stats.requests++;
  return true;
}
