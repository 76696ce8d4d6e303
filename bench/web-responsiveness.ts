/**
 * The web lab's responsiveness, measured in headless Chromium (Debian's chromium driven
 * by playwright-core, as the end-to-end tests drive it), with frame times taken from
 * requestAnimationFrame inside the page:
 *
 * - mesh: a 500-node mesh (250 routers in a degree-6 mesh, a host on each: 1000 links) with
 *   every host pinging the host ten routers along every 50 ms, played at ×1 while the map
 *   animates the frames in flight. Figures: frames per second over 5 s of wall time, the
 *   median / 95th percentile / worst frame interval, frames drawn in flight per frame, and
 *   the simulated speed the worker sustained while the page drew.
 * - scroll: 1,000,000+ packets in the packet list (one UDP flood of minimum-size frames),
 *   scrolled from the first packet to the last in 300 animation frames, then jumped to
 *   random places 50 times. Figures: frames per second while scrolling, the 95th
 *   percentile and worst frame interval, the share of frames that showed at least one
 *   row still loading, the median and worst time for a jump's rows to appear, and how
 *   many row elements the page holds (the list is virtualised: a screenful, not a million).
 *
 * Headless Chromium renders with the CPU (--disable-gpu), so these figures are a floor:
 * a desktop browser with a GPU does better.
 */
import { chromium } from 'playwright-core';
import { buildWeb, serveStatic } from '../src/cli/serve-web.ts';
import { CHROMIUM, CHROMIUM_FLAGS, chromiumAvailable, EVALUATE_HELPERS } from '../test/web/browser.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WebBenchResult {
  readonly available: boolean;
  readonly mesh?: {
    readonly nodes: number;
    readonly fps: number;
    readonly p50Ms: number;
    readonly p95Ms: number;
    readonly worstMs: number;
    readonly flightsPerFrame: number;
    /** Mean time the map's drawing code took per frame (the rest of a frame is the browser's). */
    readonly drawMs: number;
    /** Times per second the map was actually redrawn (every animation frame while frames fly). */
    readonly drawnFps: number;
    readonly simSpeed: number;
    readonly packets: number;
  };
  readonly scroll?: {
    readonly packets: number;
    readonly fps: number;
    readonly p95Ms: number;
    readonly worstMs: number;
    readonly loadingFrameShare: number;
    readonly jumpP50Ms: number;
    readonly jumpWorstMs: number;
    readonly rowElements: number;
    readonly captureSeconds: number;
  };
}

/** The 500-node mesh: 250 routers of degree 6, one host each, every host pinging the one ten routers on. */
export function meshScenario(routers = 250, seconds = 30): string {
  const lines = [
    'name: mesh-500',
    'description: 250 routers in a degree-6 mesh, a host on each, every host pinging across the mesh.',
    `duration: ${seconds}s`,
    'topology:',
    `  generate: { kind: mesh, routers: ${routers}, degree: 6, hosts: 1 }`,
    'script:',
  ];
  for (let i = 1; i <= routers; i++) {
    const peer = ((i - 1 + 10) % routers) + 1;
    lines.push(`  - { at: ${(1 + (i % 20) / 100).toFixed(2)}s, node: h${i}, run: ping -i 0.05 -q h${peer} }`);
  }
  return `${lines.join('\n')}\n`;
}

/** A UDP flood of minimum-size frames: about 1.1 million packets in one second. */
export function floodScenario(): string {
  return `name: flood
description: One second of 60-byte UDP frames on a gigabit cable, for the packet list.
duration: 1200ms
topology:
  nodes:
    h1: { kind: host, ip: 10.0.0.1/24 }
    h2: { kind: host, ip: 10.0.0.2/24 }
  links:
    - { endpoints: [h1, h2], rate: 1Gbps, queue: 1000 }
script:
  - { at: 0s, node: h2, run: iperf -s -u }
  - { at: 100ms, node: h1, run: iperf -c 10.0.0.2 -u -b 151M -l 18 -t 1 }
`;
}

function stats(intervals: number[]): { fps: number; p50: number; p95: number; worst: number } {
  const sorted = [...intervals].sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const total = intervals.reduce((s, x) => s + x, 0);
  return { fps: (intervals.length / total) * 1000, p50: q(0.5), p95: q(0.95), worst: sorted.at(-1) ?? 0 };
}

export async function runWebBenchmarks(): Promise<WebBenchResult> {
  if (!chromiumAvailable()) return { available: false };
  const dir = mkdtempSync(join(tmpdir(), 'netlab-webbench-'));
  const out = join(dir, 'dist');
  await buildWeb(out);
  const server = await serveStatic(out, 0);
  const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1280, height: 720 },
  });
  await context.addInitScript({ content: EVALUATE_HELPERS });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(server.url);
    await page.waitForSelector('body[data-scenario]');

    const load = async (yaml: string, name: string) => {
      await page.click('[role=tab][data-tab=library]');
      await page.fill('textarea.editor', yaml);
      await page.click('button:has-text("Run this file")');
      await page.waitForSelector(`body[data-scenario="${name}"]`, { timeout: 120_000 });
    };

    // --- the 500-node mesh, animating ---
    await load(meshScenario(), 'mesh-500');
    await page.click('[role=tab][data-tab=timeline]');
    await page.click('button.play');
    await page.waitForFunction(() => Number(document.body.dataset.simTime) > 1.5e9, undefined, {
      timeout: 120_000,
    });
    const mesh = await page.evaluate(async () => {
      const w = window as unknown as {
        netlabFrameStats: { frames: number; flightsDrawn: number; lastDrawMs: number };
      };
      const intervals: number[] = [];
      let flights = 0;
      let drawMs = 0;
      const sim0 = Number(document.body.dataset.simTime);
      const frames0 = w.netlabFrameStats.frames;
      const t0 = performance.now();
      await new Promise<void>((done) => {
        let last = performance.now();
        const frame = (now: number) => {
          intervals.push(now - last);
          last = now;
          flights += w.netlabFrameStats.flightsDrawn;
          drawMs += w.netlabFrameStats.lastDrawMs;
          if (now - t0 < 5000) requestAnimationFrame(frame);
          else done();
        };
        requestAnimationFrame((now) => {
          last = now;
          requestAnimationFrame(frame);
        });
      });
      const wall = performance.now() - t0;
      const sim = Number(document.body.dataset.simTime) - sim0;
      const drawnPerSecond = ((w.netlabFrameStats.frames - frames0) / wall) * 1000;
      return { intervals, flights, drawMs, drawnPerSecond, simSpeed: sim / 1e6 / wall };
    });
    const meshPackets = Number((await page.textContent('.count'))?.replace(/[^\d]/g, '') ?? 0);
    await page.click('button.play'); // pause
    const m = stats(mesh.intervals);

    // --- a million packets, scrolled ---
    await load(floodScenario(), 'flood');
    await page.click('[role=tab][data-tab=packets]');
    const c0 = Date.now();
    await page.fill('#jump', '1.2');
    await page.press('#jump', 'Enter');
    await page.waitForSelector('body[data-ended="true"]', { timeout: 300_000 });
    const captureSeconds = (Date.now() - c0) / 1000;
    const scroll = await page.evaluate(async () => {
      const scroller = document.querySelector('.vlist-scroller') as HTMLElement;
      const list = (window as unknown as { netlabPacketList: { count: number; rowElements: number } })
        .netlabPacketList;
      const loading = () => scroller.querySelector('.vlist-row.loading:not([hidden])') !== null;
      const nextFrame = () => new Promise<number>((r) => requestAnimationFrame(r));
      scroller.scrollTop = 0;
      await nextFrame();
      await new Promise((r) => setTimeout(r, 300));
      const intervals: number[] = [];
      let loadingFrames = 0;
      const steps = 300;
      let last = await nextFrame();
      for (let i = 1; i <= steps; i++) {
        scroller.scrollTop = ((scroller.scrollHeight - scroller.clientHeight) * i) / steps;
        const now = await nextFrame();
        intervals.push(now - last);
        last = now;
        if (loading()) loadingFrames++;
      }
      // Jumps: how long until a screenful of rows far away is drawn.
      const jumps: number[] = [];
      let seed = 12345;
      for (let i = 0; i < 50; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        const t0 = performance.now();
        scroller.scrollTop = (scroller.scrollHeight - scroller.clientHeight) * (seed / 2 ** 31);
        await nextFrame();
        while (loading() && performance.now() - t0 < 5000) await nextFrame();
        jumps.push(performance.now() - t0);
      }
      return { intervals, loadingFrames, jumps, count: list.count, rows: list.rowElements };
    });
    const s = stats(scroll.intervals);
    const jumps = [...scroll.jumps].sort((a, b) => a - b);
    return {
      available: true,
      mesh: {
        nodes: 500,
        fps: m.fps,
        p50Ms: m.p50,
        p95Ms: m.p95,
        worstMs: m.worst,
        flightsPerFrame: mesh.flights / Math.max(1, mesh.intervals.length),
        drawMs: mesh.drawMs / Math.max(1, mesh.intervals.length),
        drawnFps: mesh.drawnPerSecond,
        simSpeed: mesh.simSpeed,
        packets: meshPackets,
      },
      scroll: {
        packets: scroll.count,
        fps: s.fps,
        p95Ms: s.p95,
        worstMs: s.worst,
        loadingFrameShare: scroll.loadingFrames / scroll.intervals.length,
        jumpP50Ms: jumps[Math.floor(jumps.length / 2)] ?? 0,
        jumpWorstMs: jumps.at(-1) ?? 0,
        rowElements: scroll.rows,
        captureSeconds,
      },
    };
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
