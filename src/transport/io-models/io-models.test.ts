/**
 * The three I/O models against the same load: 20 clients, 10 requests each, 10 ms of
 * think time, 100 µs of processing per request on a one-core server.
 */
import { describe, expect, it } from 'vitest';
import { MILLISECOND } from '../../sim/time.ts';
import { type IoExperimentResult, runIoExperiment } from './experiment.ts';

const load = { clients: 20, requests: 10 };
interface Results {
  iterative: IoExperimentResult;
  threaded: IoExperimentResult;
  polling: IoExperimentResult;
  events: IoExperimentResult;
}
let results: Results | undefined;

async function all(): Promise<Results> {
  results ??= {
    iterative: await runIoExperiment({ ...load, model: 'blocking', threads: 1 }),
    threaded: await runIoExperiment({ ...load, model: 'blocking', threads: 20 }),
    polling: await runIoExperiment({ ...load, model: 'non-blocking', pollInterval: MILLISECOND }),
    events: await runIoExperiment({ ...load, model: 'event-driven' }),
  };
  return results;
}

describe('I/O models', () => {
  it('every server answers every request', async () => {
    for (const r of Object.values(await all())) expect(r.requests).toBe(200);
  });

  it('blocking with one thread serves one client at a time: the others wait, throughput stays at one client', async () => {
    const { iterative, events } = await all();
    // One client's pace is one request per think time (plus a round trip): about 100/s.
    expect(iterative.throughput).toBeLessThan(120);
    expect(events.throughput).toBeGreaterThan(15 * iterative.throughput);
    expect(iterative.meanLatency).toBeGreaterThan(100 * events.meanLatency);
    expect(iterative.maxLatency).toBeGreaterThan(19 * 90 * MILLISECOND); // the last client waited for 19 others
  });

  it('a thread per connection does as well as readiness, at one thread per client', async () => {
    const { threaded, events } = await all();
    expect(threaded.threads).toBe(20);
    expect(threaded.throughput / events.throughput).toBeCloseTo(1, 1);
    expect(threaded.meanLatency / events.meanLatency).toBeLessThan(1.2);
  });

  it('polling adds about half a poll interval of latency and wastes calls; readiness wastes none', async () => {
    const { polling, events } = await all();
    const extra = polling.meanLatency - events.meanLatency;
    expect(extra).toBeGreaterThan(0.3 * MILLISECOND);
    expect(extra).toBeLessThan(1.2 * MILLISECOND);
    // Most of the poller's calls find nothing to do...
    expect(polling.wouldBlock / polling.calls).toBeGreaterThan(0.5);
    // ...while the event loop only calls what the poller said is ready (a few accepts find
    // the queue already empty).
    expect(events.wouldBlock).toBeLessThanOrEqual(load.clients);
    expect(events.calls).toBeLessThan(polling.calls / 3);
  });

  it('the processor does the same work in every model', async () => {
    const r = await all();
    for (const x of [r.threaded, r.polling, r.events]) expect(x.cpuBusy).toBeCloseTo(r.events.cpuBusy, 1);
  });
});
