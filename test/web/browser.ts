/**
 * Headless Chromium for the web lab's end-to-end tests and benchmarks: Debian's chromium
 * (installed by .ci/run) driven by playwright-core, the lab built into a temporary folder
 * and served on an ephemeral loopback port by the same server `npm start` uses.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildWeb, serveStatic, type StaticServer } from '../../src/cli/serve-web.ts';

export const CHROMIUM = process.env.NETLAB_CHROMIUM ?? '/usr/bin/chromium';

export function chromiumAvailable(): boolean {
  return existsSync(CHROMIUM);
}

/** Whether Chromium is here; warns loudly, naming the `tests` skipped, when it is not. */
export function chromiumOrWarn(tests: string): boolean {
  const available = chromiumAvailable();
  if (!available) {
    console.warn(
      `\n*** SKIPPED: ${tests} need Chromium at ${CHROMIUM} ` +
        '(apt-get install chromium, or run .ci/run; NETLAB_CHROMIUM=path overrides) ***\n',
    );
  }
  return available;
}

export interface Lab {
  readonly server: StaticServer;
  readonly url: string;
  /** A page in a browser of its own, with a fresh profile (--user-data-dir). */
  newPage(options?: { width?: number; height?: number; locale?: string }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * tsx compiles with esbuild's keepNames, which wraps named functions in `__name(...)`:
 * code passed to `page.evaluate` then needs the helper in the page too.
 */
export const EVALUATE_HELPERS = 'globalThis.__name = (f) => f;';

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Builds the lab into a temporary folder and serves it. `close()` stops the server and every browser. */
export async function startLab(): Promise<Lab> {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-web-'));
  const out = join(dir, 'dist');
  let server: StaticServer;
  try {
    await buildWeb(out);
    server = await serveStatic(out, 0);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const contexts: BrowserContext[] = [];
  const s = server;
  return {
    server: s,
    url: s.url,
    async newPage(o = {}) {
      // Playwright passes the profile folder to Chromium as --user-data-dir.
      const profile = mkdtempSync(join(dir, 'profile-'));
      const context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: CHROMIUM_FLAGS,
        viewport: { width: o.width ?? 1280, height: o.height ?? 720 },
        locale: o.locale ?? 'en-US',
        acceptDownloads: true,
      });
      await context.addInitScript({ content: EVALUATE_HELPERS });
      contexts.push(context);
      return context.pages()[0] ?? (await context.newPage());
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Opens `hash` (`#example=http2`, or '' for the tour) and runs it to `seconds` of simulated
 * time with the clock's jump box, waiting until the script has ended.
 */
export async function runToEnd(page: Page, url: string, hash: string, seconds: number): Promise<void> {
  await page.goto(`${url}${hash}`);
  await page.waitForSelector('body[data-scenario]');
  await page.fill('#jump', String(seconds));
  await page.press('#jump', 'Enter');
  await page.waitForSelector('body[data-ended="true"]', { timeout: 60_000 });
}

/**
 * Applies a display filter and waits for its count, `N of M packets`: the box is cleared
 * first, so the count read afterwards is this filter's and not the one before it.
 */
export async function applyFilter(page: Page, text: string): Promise<void> {
  await page.fill('input.filter', '');
  await page.press('input.filter', 'Enter');
  await page.waitForFunction(() => !/ of /.test(document.querySelector('.count')?.textContent ?? ' of '));
  await page.fill('input.filter', text);
  await page.press('input.filter', 'Enter');
  await page.waitForFunction(() => / of /.test(document.querySelector('.count')?.textContent ?? ''));
}
