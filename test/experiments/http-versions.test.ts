/**
 * The http-versions experiment checks, with numbers, what the course notes claim about
 * HTTP/1.0, keep-alive, pipelining and HTTP/2 on a page of N = 20 images.
 */
import { describe, expect, it } from 'vitest';
import {
  experimentSite,
  formatHttpVersionsTable,
  type HttpVersionsResult,
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

  it('gives identical figures run after run', async () => {
    const again = await runHttpVersions({ rtts: [10 * MILLISECOND], resources: N });
    expect(again.rows[0]!.runs).toEqual(result.rows.find((r) => r.rtt === 10 * MILLISECOND)!.runs);
  });
});

describe('http-versions output', () => {
  const fixed: HttpVersionsResult = {
    parameters: {
      rtts: [MILLISECOND, 300 * MILLISECOND],
      resources: 20,
      size: 10_000,
      rate: 50e6,
      versions: ['http1.0', 'http1.1'],
      seed: 1,
    },
    rows: [
      {
        rtt: MILLISECOND,
        runs: [
          {
            version: 'http1.0',
            rtt: MILLISECOND,
            loadTime: 44_560_000,
            connections: 21,
            resources: 21,
            failed: 0,
            bytes: 1,
          },
          {
            version: 'http1.1',
            rtt: MILLISECOND,
            loadTime: 40_250_000,
            connections: 6,
            resources: 21,
            failed: 0,
            bytes: 1,
          },
        ],
      },
      {
        rtt: 300 * MILLISECOND,
        runs: [
          {
            version: 'http1.0',
            rtt: 3e8,
            loadTime: 3_011_000_000,
            connections: 21,
            resources: 21,
            failed: 0,
            bytes: 1,
          },
          {
            version: 'http1.1',
            rtt: 3e8,
            loadTime: 2_111_040_000,
            connections: 6,
            resources: 21,
            failed: 0,
            bytes: 1,
          },
        ],
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
    expect(httpVersionsJson(fixed)).toEqual({
      experiment: 'http-versions',
      parameters: {
        rttsMs: [1, 300],
        resources: 20,
        sizeBytes: 10000,
        rateBitsPerSecond: 50e6,
        versions: ['http1.0', 'http1.1'],
        seed: 1,
      },
      rows: [
        {
          rttMs: 1,
          runs: [
            { version: 'http1.0', pageLoadMs: 44.56, connections: 21, resources: 21, failed: 0, bytes: 1 },
            { version: 'http1.1', pageLoadMs: 40.25, connections: 6, resources: 21, failed: 0, bytes: 1 },
          ],
        },
        {
          rttMs: 300,
          runs: [
            { version: 'http1.0', pageLoadMs: 3011, connections: 21, resources: 21, failed: 0, bytes: 1 },
            { version: 'http1.1', pageLoadMs: 2111.04, connections: 6, resources: 21, failed: 0, bytes: 1 },
          ],
        },
      ],
    });
  });

  it('refuses impossible options with a typed error', async () => {
    await expect(runHttpVersions({ resources: -1 })).rejects.toMatchObject({ code: 'experiment-bad-option' });
    await expect(runHttpVersions({ rtts: [] })).rejects.toMatchObject({ code: 'experiment-bad-option' });
    await expect(runHttpVersions({ versions: ['spdy' as 'h2'] })).rejects.toMatchObject({
      code: 'experiment-bad-option',
    });
  });
});
