/**
 * The hol-blocking experiment checks, with numbers, that a slow first response delays the
 * ones behind it on HTTP/1.1 pipelining but not on HTTP/2, and that one lost TCP segment
 * still delays every HTTP/2 stream behind it (TCP-level head-of-line blocking), where on
 * six HTTP/1.1 connections it delays only its own connection.
 */
import { describe, expect, it } from 'vitest';
import {
  formatHolBlockingTable,
  type HolRun,
  type HolVariant,
  holBlockingCsv,
  holBlockingJson,
  runHolBlocking,
} from '../../src/lab/experiments/hol-blocking.ts';
import { MILLISECOND } from '../../src/sim/time.ts';

const RTT = 50 * MILLISECOND;
const SLOW = 500 * MILLISECOND;
const N = 10;

describe('hol-blocking: a page of 10 images, the first answered 500 ms late, RTT 50 ms', async () => {
  const result = await runHolBlocking({ rtt: RTT, slow: SLOW, resources: N });
  const run = (v: HolVariant) => result.slowFirst.find((r) => r.variant === v)!;
  const finish = (r: HolRun, path: string) => r.resources.find((x) => x.path === path)!.finish;
  const others = (r: HolRun) =>
    r.resources.filter((x) => x.path.startsWith('/img/') && x.path !== result.slowPath);
  const clean = (v: HolVariant) => result.oneLoss.find((x) => x.variant === v)!.clean;

  it('loads the page and all 10 images in every run, over the connections each way uses', () => {
    expect(result.slowPath).toBe('/img/01.png');
    for (const r of [...result.slowFirst, ...result.oneLoss.flatMap((x) => [x.clean, x.lossy])]) {
      expect(r.resources.map((x) => x.path)).toEqual([
        '/',
        ...Array.from({ length: N }, (_, i) => `/img/${String(i + 1).padStart(2, '0')}.png`),
      ]);
      expect(r.resources.every((x) => x.status === 200)).toBe(true);
    }
    expect(result.slowFirst.map((r) => [r.variant, r.connections])).toEqual([
      ['pipelining-1', 1],
      ['keep-alive-6', 6],
      ['h2', 1],
    ]);
  });

  it('the slow image itself is late by the server delay in every way of loading', () => {
    // Connect (1 RTT), the page (1 RTT), then its request, the server's delay and its answer (1 RTT).
    for (const r of result.slowFirst) {
      expect(finish(r, result.slowPath)).toBeGreaterThanOrEqual(3 * RTT + SLOW);
      expect(finish(r, result.slowPath)).toBeLessThan(4 * RTT + SLOW);
    }
  });

  it('pipelining on one connection: every other image waits behind the slow one (HTTP-level HOL)', () => {
    const r = run('pipelining-1');
    const slow = finish(r, result.slowPath);
    for (const x of others(r)) expect(x.finish).toBeGreaterThan(slow);
    // Without the slow image the same load ends about SLOW earlier.
    expect(r.loadTime - clean('pipelining-1').loadTime).toBeGreaterThan(SLOW - RTT);
  });

  it('HTTP/2: the other images arrive at once, none waits for the slow one', () => {
    const r = run('h2');
    const slow = finish(r, result.slowPath);
    for (const x of others(r)) {
      expect(x.finish).toBeLessThan(slow - SLOW / 2);
      // No later than the whole page took without any slow image.
      expect(x.finish).toBeLessThanOrEqual(clean('h2').loadTime);
    }
    // The page is done when the slow image is: nothing else delays it.
    expect(r.loadTime).toBe(slow);
    expect(r.loadTime).toBeLessThan(run('pipelining-1').loadTime - RTT);
  });

  it('keep-alive on six connections: only the slow connection is tied up', () => {
    const r = run('keep-alive-6');
    const slowConn = r.resources.find((x) => x.path === result.slowPath)!.connection;
    for (const x of others(r)) {
      expect(x.connection).not.toBe(slowConn);
      expect(x.finish).toBeLessThan(finish(r, result.slowPath) - SLOW / 2);
    }
  });

  describe('one segment lost', () => {
    const loss = (v: HolVariant) => result.oneLoss.find((x) => x.variant === v)!;
    /** Images other than the one the lost segment belonged to, and how much later each finished. */
    const delays = (v: HolVariant) =>
      loss(v)
        .lossy.resources.filter((x) => x.path.startsWith('/img/') && x.path !== '/img/01.png')
        .map((x) => ({ ...x, late: x.finish - finish(loss(v).clean, x.path) }));

    it('loses exactly the 3rd large segment from the server, a full one, in each run', () => {
      for (const x of result.oneLoss) {
        expect(x.clean.lost).toEqual([]);
        expect(x.lossy.lost).toHaveLength(1);
        expect(x.lossy.lost[0]).toMatchObject({ number: 3, sourcePort: 80, length: 1448 });
      }
    });

    it('the image the segment belonged to is late by about one RTT (fast retransmit) in every way', () => {
      for (const x of result.oneLoss) {
        const late = finish(x.lossy, '/img/01.png') - finish(x.clean, '/img/01.png');
        expect(late).toBeGreaterThan(0.8 * RTT);
        expect(late).toBeLessThan(1.5 * RTT);
      }
    });

    it('on HTTP/2 it delays most of the other images, by RTTs: TCP-level HOL blocking', () => {
      const d = delays('h2');
      expect(d.filter((x) => x.late >= RTT / 2).length).toBeGreaterThanOrEqual(7);
      expect(Math.max(...d.map((x) => x.late))).toBeGreaterThan(4 * RTT);
      expect(loss('h2').lossy.loadTime - loss('h2').clean.loadTime).toBeGreaterThan(4 * RTT);
    });

    it('pipelining on one connection suffers the same: it is the single TCP connection', () => {
      const d = delays('pipelining-1');
      expect(d.filter((x) => x.late >= RTT / 2).length).toBeGreaterThanOrEqual(7);
    });

    it('on six HTTP/1.1 connections it delays only what shares the connection that lost it', () => {
      const lossy = loss('keep-alive-6').lossy;
      const lostOn = lossy.resources.find((x) => x.path === '/img/01.png')!.connection;
      const d = delays('keep-alive-6');
      const late = d.filter((x) => x.late > MILLISECOND);
      expect(late.length).toBeGreaterThanOrEqual(1);
      for (const x of late) expect(x.connection).toBe(lostOn);
      expect(d.filter((x) => Math.abs(x.late) <= MILLISECOND).length).toBeGreaterThanOrEqual(N - 3);
      // The page as a whole loses far less than on HTTP/2.
      const cost = lossy.loadTime - loss('keep-alive-6').clean.loadTime;
      expect(cost).toBeLessThan((loss('h2').lossy.loadTime - loss('h2').clean.loadTime) / 2);
    });
  });

  it('prints both tables with a row per resource and the page load', () => {
    const lines = formatHolBlockingTable(result);
    expect(lines[0]).toBe('Head-of-line blocking: a page of 10 images of 10000 bytes, RTT 50 ms,');
    expect(lines).toContain('1. The server answers /img/01.png 500 ms late; the rest at once.');
    expect(lines).toContain('2. No slow resource; the 3rd large segment from the server is lost once.');
    const slowRow = lines.find((l) => l.includes('/img/01.png (slow)'))!;
    expect(slowRow.trim().split(/\s+/).slice(2).map(Number)).toEqual(
      result.slowFirst.map((r) => Math.round(finish(r, '/img/01.png') / 100_000) / 10),
    );
    expect(lines.filter((l) => l.trim().startsWith('page load'))).toHaveLength(2);
  });

  it('writes CSV and JSON with every resource of every run', () => {
    const csv = holBlockingCsv(result).trim().split('\n');
    expect(csv[0]).toBe('part,variant,path,finish_ms,clean_finish_ms');
    // (1 page + N images + the load) per variant, in both parts.
    expect(csv).toHaveLength(1 + 2 * 3 * (N + 2));
    expect(csv).toContain(`slow-first,h2,load,${run('h2').loadTime / MILLISECOND},`);
    const json = holBlockingJson(result) as {
      parameters: { slowMs: number; dropSegment: number };
      slowFirst: { resources: unknown[] }[];
      oneLoss: { lossy: { lost: unknown[] } }[];
    };
    expect(json.parameters).toMatchObject({ slowMs: 500, dropSegment: 3 });
    expect(json.slowFirst[0]!.resources).toHaveLength(N + 1);
    expect(json.oneLoss.map((x) => x.lossy.lost.length)).toEqual([1, 1, 1]);
  });
});

describe('hol-blocking options', () => {
  it('skips the loss part with drop 0', async () => {
    const r = await runHolBlocking({ resources: 2, drop: 0, slow: 100 * MILLISECOND });
    expect(r.oneLoss).toEqual([]);
    expect(formatHolBlockingTable(r).some((l) => l.startsWith('2.'))).toBe(false);
  });

  it('refuses impossible options with a typed error', async () => {
    const bad = { code: 'experiment-bad-option' };
    await expect(runHolBlocking({ resources: 0 })).rejects.toMatchObject(bad);
    await expect(runHolBlocking({ slow: -1 })).rejects.toMatchObject(bad);
    await expect(runHolBlocking({ drop: 1.5 })).rejects.toMatchObject(bad);
    await expect(runHolBlocking({ rtt: 20_000 * MILLISECOND })).rejects.toMatchObject(bad);
  });
});
