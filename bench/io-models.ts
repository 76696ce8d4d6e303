/**
 * The I/O-model experiment as a table: `npx tsx bench/io-models.ts [CLIENTS...]`. For each
 * client count, the same load (10 requests per client, 10 ms think time, 100 µs of
 * processing per request on one core) against a blocking server with one thread, a
 * blocking server with a thread per client, a polling non-blocking server (1 ms sweeps)
 * and an event-driven server (Poller). See src/transport/io-models/experiment.ts.
 */
import { MILLISECOND } from '../src/sim/time.ts';
import { runIoExperiment } from '../src/transport/io-models/experiment.ts';

const counts = process.argv.slice(2).map(Number);
const header = ['clients', 'server', 'threads', 'req/s', 'mean ms', 'p99 ms', 'would-block', 'cpu busy'];
const rows: string[][] = [];
for (const clients of counts.length ? counts : [1, 10, 50, 100]) {
  const cases = [
    { label: 'blocking', model: 'blocking' as const, threads: 1 },
    { label: 'blocking', model: 'blocking' as const, threads: clients },
    { label: 'non-blocking', model: 'non-blocking' as const, threads: 1 },
    { label: 'event-driven', model: 'event-driven' as const, threads: 1 },
  ];
  for (const c of cases) {
    const r = await runIoExperiment({ model: c.model, clients, threads: c.threads });
    rows.push([
      String(clients),
      c.label,
      String(r.threads),
      r.throughput.toFixed(0),
      (r.meanLatency / MILLISECOND).toFixed(3),
      (r.p99Latency / MILLISECOND).toFixed(3),
      String(r.wouldBlock),
      `${(r.cpuBusy * 100).toFixed(1)}%`,
    ]);
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
console.log(header.map((h, i) => h.padStart(widths[i]!)).join('  '));
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i]!)).join('  '));
