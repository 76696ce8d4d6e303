/**
 * The I/O models of the notes, measured: the same load — N clients, each sending
 * `requests` requests with think time between them, each request costing the server
 * `service` of CPU on one core — against four servers (src/transport/io-models):
 *
 * - blocking, one thread: `await read()` on one connection at a time, so every other
 *   client waits its turn (latency grows with N, throughput stays at one client's);
 * - blocking, a thread per client: scales, at the price of a thread (and its memory)
 *   per connection;
 * - non-blocking with polling: one thread sweeping every socket with `tryRead` every
 *   `poll` ms, paying would-block calls and up to a sweep of extra latency;
 * - event-driven: one thread waiting on a Poller (select/epoll) and serving only sockets
 *   that are ready: the threaded server's figures with a single thread.
 *
 * Everything is simulated time and deterministic.
 */
import { MILLISECOND, type Time } from '../../sim/time.ts';
import { type IoExperimentResult, runIoExperiment } from '../../transport/io-models/experiment.ts';
import type { IoModel } from '../../transport/io-models/server-options.ts';
import { textTable } from './text-table.ts';

export interface IoModelsOptions {
  /** Client counts. Default 1, 10, 50, 100. */
  readonly clients?: readonly number[];
  readonly requests?: number;
  readonly thinkTime?: Time;
  readonly serviceTime?: Time;
  readonly seed?: number;
}

export interface IoModelsRow extends IoExperimentResult {
  readonly label: string;
}

export interface IoModelsResult {
  readonly rows: readonly IoModelsRow[];
}

const SERVERS: readonly { label: string; model: IoModel; perClient: boolean }[] = [
  { label: 'blocking, 1 thread', model: 'blocking', perClient: false },
  { label: 'blocking, thread per client', model: 'blocking', perClient: true },
  { label: 'non-blocking (polling)', model: 'non-blocking', perClient: false },
  { label: 'event-driven (poller)', model: 'event-driven', perClient: false },
];

export async function runIoModels(o: IoModelsOptions = {}): Promise<IoModelsResult> {
  const rows: IoModelsRow[] = [];
  for (const clients of o.clients ?? [1, 10, 50, 100]) {
    for (const s of SERVERS) {
      const r = await runIoExperiment({
        model: s.model,
        clients,
        threads: s.perClient ? clients : 1,
        requests: o.requests,
        thinkTime: o.thinkTime,
        serviceTime: o.serviceTime,
        seed: o.seed,
      });
      rows.push({ ...r, label: s.label });
    }
  }
  return { rows };
}

const ms = (t: Time) => (t / MILLISECOND).toFixed(3);

export function formatIoModelsTable(r: IoModelsResult): string[] {
  return textTable(
    ['clients', 'server', 'threads', 'req/s', 'mean ms', 'p99 ms', 'would-block', 'cpu busy'],
    r.rows.map((x) => [
      String(x.clients),
      x.label,
      String(x.threads),
      x.throughput.toFixed(0),
      ms(x.meanLatency),
      ms(x.p99Latency),
      String(x.wouldBlock),
      `${(x.cpuBusy * 100).toFixed(1)}%`,
    ]),
    { left: [1], minWidth: 6 },
  );
}

export function ioModelsCsv(r: IoModelsResult): string {
  const lines = ['clients,server,threads,requests_per_s,mean_ms,p99_ms,max_ms,would_block,cpu_busy'];
  for (const x of r.rows) {
    lines.push(
      [
        x.clients,
        `"${x.label}"`,
        x.threads,
        x.throughput.toFixed(3),
        ms(x.meanLatency),
        ms(x.p99Latency),
        ms(x.maxLatency),
        x.wouldBlock,
        x.cpuBusy.toFixed(4),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function ioModelsJson(r: IoModelsResult): unknown {
  return { experiment: 'io-models', rows: r.rows };
}
