/**
 * The notes' claim about I/O models, with numbers: a blocking server with one thread
 * serves one client at a time (its throughput does not grow with clients, its latency
 * does); a thread per client or an event loop over a poller serves them all (throughput
 * grows with the clients); polling non-blocking I/O pays would-block calls and latency.
 */
import { describe, expect, it } from 'vitest';
import { formatIoModelsTable, ioModelsCsv, runIoModels } from '../../src/lab/experiments/io-models.ts';

describe('io-models experiment', async () => {
  const r = await runIoModels({ clients: [1, 20], requests: 5 });
  const row = (clients: number, label: string) =>
    r.rows.find((x) => x.clients === clients && x.label.startsWith(label))!;

  it('one blocking thread: throughput stays flat, latency explodes with clients', () => {
    const one = row(1, 'blocking, 1');
    const many = row(20, 'blocking, 1');
    expect(many.throughput).toBeLessThan(one.throughput * 1.5);
    expect(many.meanLatency).toBeGreaterThan(one.meanLatency * 20);
  });

  it('a thread per client and the event loop both scale, with the same latency; the event loop needs one thread', () => {
    const threads = row(20, 'blocking, thread');
    const events = row(20, 'event-driven');
    expect(threads.throughput).toBeGreaterThan(row(20, 'blocking, 1').throughput * 8);
    expect(events.throughput).toBeCloseTo(threads.throughput, 0);
    expect(events.meanLatency).toBe(threads.meanLatency);
    expect([threads.threads, events.threads]).toEqual([20, 1]);
  });

  it('polling non-blocking I/O wastes calls that would block and adds latency', () => {
    const polling = row(20, 'non-blocking');
    const events = row(20, 'event-driven');
    expect(polling.wouldBlock).toBeGreaterThan(events.wouldBlock * 50);
    expect(polling.meanLatency).toBeGreaterThan(events.meanLatency);
  });

  it('prints a table and CSV, the same on every run', async () => {
    expect(formatIoModelsTable(r)[0]).toMatch(/^clients\s+server\s+threads\s+req\/s/);
    expect(ioModelsCsv(r).split('\n')[0]).toBe(
      'clients,server,threads,requests_per_s,mean_ms,p99_ms,max_ms,would_block,cpu_busy',
    );
    expect(ioModelsCsv(await runIoModels({ clients: [1, 20], requests: 5 }))).toBe(ioModelsCsv(r));
  });
});
