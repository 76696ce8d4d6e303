/**
 * The http-versions experiment checks, with numbers, what the course notes claim about
 * HTTP/1.0, keep-alive, pipelining and HTTP/2 on a page of N = 20 images: as the RTT grows,
 * and as the loss rate grows (where HTTP/2's single connection loses its advantage).
 */
import { describe, expect, it } from 'vitest';
import {
  experimentSite,
  formatHttpVersionsTable,
  type HttpVersionsResult,
  type HttpVersionsRun,
  httpVersionsCsv,
  httpVersionsJson,
  runHttpVersions,
} from '../../src/lab/experiments/http-versions.ts';
import { MILLISECOND } from '../../src/sim/time.ts';

const N = 20;
const ROUNDS = Math.ceil(N / 6); // files go six at a time
const RTTS = [1, 10, 100].map((ms) => ms * MILLISECOND);

describe('http-versions: page-load time of 20 images as RTT grows', async () => {
  const result = await runHttpVersions({ rtts: RTTS, resources: N });
  const t = (rtt: number, version: string) =>
    result.rows.find((r) => r.rtt === rtt * MILLISECOND)!.runs.find((x) => x.version === version)!.loadTime;

  it('loads every resource in every run, over the connections each version uses', () => {
    for (const row of result.rows) {
      for (const run of row.runs) {
        expect(run.resources).toBe(N + 1);
        expect(run.failed).toBe(0);
        expect(run.bytes).toBe(Object.values(experimentSite(N, 10_000)).reduce((n, f) => n + f.length, 0));
      }
      const conns = Object.fromEntries(row.runs.map((r) => [r.version, r.connections]));
      expect(conns).toEqual({ 'http1.0': N + 1, 'http1.1': 6, 'http1.1-pipelining': 6, h2: 1 });
    }
  });

  it('HTTP/1.0 pays a handshake per file: (1 + ⌈N/6⌉) × 2 RTT at least, and RTT per round more than keep-alive', () => {
    for (const rtt of [10, 100]) {
      const R = rtt * MILLISECOND;
      expect(t(rtt, 'http1.0')).toBeGreaterThanOrEqual((1 + ROUNDS) * 2 * R);
      expect(t(rtt, 'http1.0') - t(rtt, 'http1.1')).toBeGreaterThanOrEqual((ROUNDS - 1) * R);
    }
    // Its slope: every extra millisecond of RTT costs about 2 (1 + ⌈N/6⌉) = 10 ms.
    const slope10 = (t(100, 'http1.0') - t(10, 'http1.0')) / (90 * MILLISECOND);
    const slopeKeepAlive = (t(100, 'http1.1') - t(10, 'http1.1')) / (90 * MILLISECOND);
    expect(slope10).toBeGreaterThan(9.5);
    expect(slope10).toBeLessThan(10.5);
    expect(slope10 - slopeKeepAlive).toBeGreaterThanOrEqual(ROUNDS - 1 - 0.1);
  });

  it('keep-alive beats HTTP/1.0 at every RTT', () => {
    for (const rtt of [1, 10, 100]) expect(t(rtt, 'http1.1')).toBeLessThan(t(rtt, 'http1.0'));
  });

  it('pipelining beats keep-alive, by more as the RTT grows', () => {
    const gain = (rtt: number) => t(rtt, 'http1.1') - t(rtt, 'http1.1-pipelining');
    expect(gain(100)).toBeGreaterThan(0);
    expect(gain(100)).toBeGreaterThan(gain(10));
    expect(gain(10)).toBeGreaterThan(gain(1));
    // At least one round trip saved at 100 ms.
    expect(gain(100)).toBeGreaterThanOrEqual(100 * MILLISECOND * 0.9);
  });

  it('HTTP/2 on one connection beats keep-alive on six at long RTTs', () => {
    expect(t(100, 'h2')).toBeLessThan(t(100, 'http1.1'));
    expect(t(100, 'h2')).toBeLessThan(t(100, 'http1.0'));
  });

  it('without loss a cell is one run, and the seed changes nothing', async () => {
    for (const row of result.rows) for (const run of row.runs) expect(run.samples).toHaveLength(1);
    const other = await runHttpVersions({ rtts: [10 * MILLISECOND], resources: N, seed: 77 });
    const mine = result.rows.find((r) => r.rtt === 10 * MILLISECOND)!.runs;
    expect(other.rows[0]!.runs.map((r) => r.loadTime)).toEqual(mine.map((r) => r.loadTime));
  });

  it('gives identical figures run after run', async () => {
    const again = await runHttpVersions({ rtts: [10 * MILLISECOND], resources: N });
    expect(again.rows[0]!.runs).toEqual(result.rows.find((r) => r.rtt === 10 * MILLISECOND)!.runs);
  });
});

describe('http-versions: page-load time of 20 images as the loss rate grows (RTT 100 ms)', async () => {
  const SEEDS = 5;
  const result = await runHttpVersions({
    losses: [0, 0.02],
    seeds: SEEDS,
    resources: N,
    versions: ['http1.1', 'h2'],
  });
  const cell = (loss: number, version: string): HttpVersionsRun =>
    result.rows.find((r) => r.loss === loss)!.runs.find((x) => x.version === version)!;
  const t = (loss: number, version: string) => cell(loss, version).loadTime;

  it('runs at the loss sweep RTT of 100 ms, and each lossy cell with seeds 1..5', () => {
    expect(result.parameters.rtts).toEqual([100 * MILLISECOND]);
    expect(result.rows.map((r) => [r.rtt, r.loss])).toEqual([
      [100 * MILLISECOND, 0],
      [100 * MILLISECOND, 0.02],
    ]);
    for (const v of ['http1.1', 'h2']) {
      expect(cell(0.02, v).samples.map((s) => s.seed)).toEqual([1, 2, 3, 4, 5]);
      expect(cell(0, v).samples.map((s) => s.seed)).toEqual([1]);
    }
  });

  it('shows the median run: a real run, with the fastest and slowest around it', () => {
    for (const v of ['http1.1', 'h2']) {
      const c = cell(0.02, v);
      const times = c.samples.map((s) => s.loadTime).sort((a, b) => a - b);
      expect(c.loadTime).toBe(times[2]);
      expect(c.samples.find((s) => s.seed === c.seed)!.loadTime).toBe(c.loadTime);
      expect([c.minLoadTime, c.maxLoadTime]).toEqual([times[0], times[4]]);
      // The seeds really draw different losses.
      expect(new Set(times).size).toBeGreaterThan(1);
    }
  });

  it('every run still loads every resource', () => {
    for (const row of result.rows) {
      for (const run of row.runs) {
        for (const s of run.samples) expect([s.resources, s.failed]).toEqual([N + 1, 0]);
      }
    }
  });

  it('loss slows both, HTTP/2 by more: its advantage at 0% turns into a loss at 2%', () => {
    expect(t(0.02, 'http1.1')).toBeGreaterThan(t(0, 'http1.1'));
    expect(t(0.02, 'h2')).toBeGreaterThan(t(0, 'h2'));
    // Without loss HTTP/2 is faster than six keep-alive connections...
    expect(t(0, 'h2') / t(0, 'http1.1')).toBeLessThan(0.95);
    // ...with 2% loss on its single connection it is much slower (TCP-level HOL, one window).
    expect(t(0.02, 'h2') / t(0.02, 'http1.1')).toBeGreaterThan(1.3);
    expect(t(0.02, 'h2') - t(0, 'h2')).toBeGreaterThan(2 * (t(0.02, 'http1.1') - t(0, 'http1.1')));
  });
});

const sample = (seed: number, loadTime: number) => ({
  seed,
  loadTime,
  connections: 6,
  resources: 21,
  failed: 0,
  bytes: 1,
});

function run(version: 'http1.0' | 'http1.1', rtt: number, loss: number, times: number[], seed = 1) {
  const samples = times.map((x, i) => sample(seed + i, x));
  const sorted = [...samples].sort((a, b) => a.loadTime - b.loadTime);
  const median = sorted[(sorted.length - 1) >> 1]!;
  return {
    version,
    rtt,
    loss,
    ...median,
    connections: version === 'http1.0' ? 21 : 6,
    minLoadTime: sorted[0]!.loadTime,
    maxLoadTime: sorted[sorted.length - 1]!.loadTime,
    samples,
  };
}

describe('http-versions output', () => {
  const fixed: HttpVersionsResult = {
    parameters: {
      rtts: [MILLISECOND, 300 * MILLISECOND],
      losses: [0],
      seeds: 5,
      resources: 20,
      size: 10_000,
      rate: 50e6,
      versions: ['http1.0', 'http1.1'],
      seed: 1,
    },
    rows: [
      {
        rtt: MILLISECOND,
        loss: 0,
        runs: [run('http1.0', MILLISECOND, 0, [44_560_000]), run('http1.1', MILLISECOND, 0, [40_250_000])],
      },
      {
        rtt: 300 * MILLISECOND,
        loss: 0,
        runs: [run('http1.0', 3e8, 0, [3_011_000_000]), run('http1.1', 3e8, 0, [2_111_040_000])],
      },
    ],
  };

  it('prints rows of RTT and columns of versions, in ms', () => {
    expect(formatHttpVersionsTable(fixed)).toEqual([
      'Page-load time (ms) of a page with 20 subresources of 10000 bytes,',
      'client - router - server, 50 Mbit/s links, 6 connections per origin',
      '',
      '     RTT    HTTP/1.0  keep-alive',
      '    1 ms        44.6        40.3',
      '  300 ms      3011.0      2111.0',
    ]);
  });

  it('writes CSV and JSON for a chart', () => {
    expect(httpVersionsCsv(fixed)).toBe('rtt_ms,http1.0_ms,http1.1_ms\n1,44.56,40.25\n300,3011,2111.04\n');
    const cellJson = (version: string, ms: number, connections: number) => ({
      version,
      pageLoadMs: ms,
      minPageLoadMs: ms,
      maxPageLoadMs: ms,
      medianSeed: 1,
      connections,
      resources: 21,
      failed: 0,
      bytes: 1,
      samples: [{ seed: 1, pageLoadMs: ms, connections: 6, resources: 21, failed: 0, bytes: 1 }],
    });
    expect(httpVersionsJson(fixed)).toEqual({
      experiment: 'http-versions',
      parameters: {
        rttsMs: [1, 300],
        lossRates: [0],
        seeds: 5,
        resources: 20,
        sizeBytes: 10000,
        rateBitsPerSecond: 50e6,
        versions: ['http1.0', 'http1.1'],
        seed: 1,
      },
      rows: [
        { rttMs: 1, lossRate: 0, runs: [cellJson('http1.0', 44.56, 21), cellJson('http1.1', 40.25, 6)] },
        { rttMs: 300, lossRate: 0, runs: [cellJson('http1.0', 3011, 21), cellJson('http1.1', 2111.04, 6)] },
      ],
    });
  });

  const lossy: HttpVersionsResult = {
    parameters: { ...fixed.parameters, rtts: [100 * MILLISECOND], losses: [0, 0.005], seeds: 3 },
    rows: [
      {
        rtt: 1e8,
        loss: 0,
        runs: [run('http1.0', 1e8, 0, [1_011_000_000]), run('http1.1', 1e8, 0, [711_000_000])],
      },
      {
        rtt: 1e8,
        loss: 0.005,
        runs: [
          run('http1.0', 1e8, 0.005, [1_500_000_000, 1_100_000_000, 2_000_000_000]),
          run('http1.1', 1e8, 0.005, [800_000_000, 750_000_000, 700_000_000]),
        ],
      },
    ],
  };

  it('with loss, adds the loss column and says the figures are medians of the seeds', () => {
    expect(formatHttpVersionsTable(lossy)).toEqual([
      'Page-load time (ms) of a page with 20 subresources of 10000 bytes,',
      'client - router - server, 50 Mbit/s links, 6 connections per origin',
      'loss on the router - server link; median of 3 seeds (1..3) where there is loss',
      '',
      '       RTT      loss  HTTP/1.0  keep-alive',
      '    100 ms        0%    1011.0       711.0',
      '    100 ms      0.5%    1500.0       750.0',
    ]);
    expect(httpVersionsCsv(lossy)).toBe(
      'rtt_ms,loss_percent,http1.0_ms,http1.1_ms\n100,0,1011,711\n100,0.5,1500,750\n',
    );
    const json = httpVersionsJson(lossy) as {
      rows: { runs: { minPageLoadMs: number; maxPageLoadMs: number; medianSeed: number }[] }[];
    };
    expect(json.rows[1]!.runs.map((r) => [r.minPageLoadMs, r.maxPageLoadMs, r.medianSeed])).toEqual([
      [1100, 2000, 1],
      [700, 800, 2],
    ]);
  });

  it('refuses impossible options with a typed error', async () => {
    const bad = { code: 'experiment-bad-option' };
    await expect(runHttpVersions({ resources: -1 })).rejects.toMatchObject(bad);
    await expect(runHttpVersions({ rtts: [] })).rejects.toMatchObject(bad);
    await expect(runHttpVersions({ versions: ['spdy' as 'h2'] })).rejects.toMatchObject(bad);
    await expect(runHttpVersions({ losses: [0.9] })).rejects.toMatchObject(bad);
    await expect(runHttpVersions({ losses: [] })).rejects.toMatchObject(bad);
    await expect(runHttpVersions({ seeds: 0 })).rejects.toMatchObject(bad);
  });
});
