/**
 * The push experiment checks, with numbers, that HTTP/2 server push sends the CSS and JS
 * before they are asked for, and so saves about one round trip for them and for the page.
 */
import { describe, expect, it } from 'vitest';
import { loadPageOnce } from '../../src/lab/experiments/browser-run.ts';
import { SCRIPT_PATH, STYLESHEET_PATH, stylesAndScriptsPage } from '../../src/lab/experiments/pages.ts';
import {
  formatServerPushTable,
  runServerPush,
  serverPushCsv,
  serverPushJson,
} from '../../src/lab/experiments/server-push.ts';
import { MILLISECOND } from '../../src/sim/time.ts';

const RTTS = [20, 100];

describe('push: a page with a 15 kB stylesheet and a 40 kB script, at RTT 20 and 100 ms', async () => {
  const result = await runServerPush({ rtts: RTTS.map((r) => r * MILLISECOND) });
  const row = (rtt: number) => result.rows.find((r) => r.rtt === rtt * MILLISECOND)!;
  const resource = (run: (typeof result.rows)[number]['on'], path: string) =>
    run.page.resources.find((r) => r.path === path)!;

  it('loads the page, the CSS and the JS, pushed only when push is on', () => {
    for (const { off, on } of result.rows) {
      for (const run of [off, on]) {
        expect(run.page.resources.map((r) => [r.path, r.kind, r.status])).toEqual([
          ['/', 'document', 200],
          [STYLESHEET_PATH, 'stylesheet', 200],
          [SCRIPT_PATH, 'script', 200],
        ]);
        expect(run.page.resources.map((r) => r.bytes).slice(1)).toEqual([15_000, 40_000]);
      }
      expect(off.pushed).toBe(0);
      expect(on.pushed).toBe(2);
      expect(on.page.resources.filter((r) => r.pushed).map((r) => r.path)).toEqual([
        STYLESHEET_PATH,
        SCRIPT_PATH,
      ]);
    }
  });

  it('without push the CSS is asked for after the HTML arrives: its first byte a round trip later', () => {
    for (const rtt of RTTS) {
      const { off } = row(rtt);
      const html = resource(off, '/').end;
      expect(resource(off, STYLESHEET_PATH).firstByte - html).toBeGreaterThanOrEqual(rtt * MILLISECOND);
    }
  });

  it('with push the CSS starts right behind the HTML, in the same flight', () => {
    for (const rtt of RTTS) {
      const { on } = row(rtt);
      expect(resource(on, STYLESHEET_PATH).firstByte - resource(on, '/').end).toBeLessThan(MILLISECOND);
    }
  });

  it('push saves about one RTT for the CSS, the JS and the page', () => {
    for (const rtt of RTTS) {
      const { off, on } = row(rtt);
      const R = rtt * MILLISECOND;
      for (const saved of [off.cssTime - on.cssTime, off.jsTime - on.jsTime, off.loadTime - on.loadTime]) {
        expect(saved).toBeGreaterThan(0.9 * R);
        expect(saved).toBeLessThan(1.1 * R);
      }
    }
  });

  it('without push the load matches netlab browser loading the same page over HTTP/2', async () => {
    for (const rtt of RTTS) {
      const { page } = await loadPageOnce({
        protocol: 'h2',
        rtt: rtt * MILLISECOND,
        rate: 50e6,
        seed: 1,
        site: stylesAndScriptsPage(15_000, 40_000),
      });
      // The browser sends a few more header bytes; within a millisecond.
      expect(Math.abs(page.loadTime - row(rtt).off.loadTime)).toBeLessThan(MILLISECOND);
    }
  });

  it('prints a row per RTT with what push saved, and writes CSV and JSON', () => {
    const lines = formatServerPushTable(result);
    expect(lines[3]!.trim().split(/\s{2,}/)).toEqual([
      'RTT',
      'CSS no push',
      'CSS push',
      'page no push',
      'page push',
      'saved',
      'saved/RTT',
    ]);
    const cells = lines[5]!.trim().split(/\s+/);
    const { off, on } = row(100);
    expect(cells.slice(0, 2)).toEqual(['100', 'ms']);
    expect(cells.slice(2).map(Number)).toEqual(
      [off.cssTime, on.cssTime, off.loadTime, on.loadTime, off.loadTime - on.loadTime]
        .map((t) => Number((t / MILLISECOND).toFixed(1)))
        .concat([Number(((off.loadTime - on.loadTime) / (100 * MILLISECOND)).toFixed(2))]),
    );
    const csv = serverPushCsv(result).trim().split('\n');
    expect(csv[0]).toBe(
      'rtt_ms,css_no_push_ms,css_push_ms,js_no_push_ms,js_push_ms,load_no_push_ms,load_push_ms',
    );
    expect(csv[1]!.split(',')[0]).toBe('20');
    const json = serverPushJson(result) as { rows: { push: { pushed: number; resources: unknown[] } }[] };
    expect(json.rows.map((r) => r.push.pushed)).toEqual([2, 2]);
  });
});

describe('push options', () => {
  it('refuses impossible options with a typed error', async () => {
    const bad = { code: 'experiment-bad-option' };
    await expect(runServerPush({ rtts: [] })).rejects.toMatchObject(bad);
    await expect(runServerPush({ cssSize: 0 })).rejects.toMatchObject(bad);
    await expect(runServerPush({ rate: 1 })).rejects.toMatchObject(bad);
  });
});
