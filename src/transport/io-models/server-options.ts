/**
 * What the three example servers of the I/O-model experiment share: a request/response
 * protocol of fixed-size messages (the client sends `requestSize` bytes, the server
 * answers `responseSize` bytes once it has the whole request and has spent
 * `serviceTime` of processor on it) and their counters.
 */
import type { Time } from '../../sim/time.ts';
import type { TcpLayer } from '../tcp/tcp-layer.ts';
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
