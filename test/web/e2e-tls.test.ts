/**
 * The web lab decrypts the HTTPS tour with the run's key log, end to end in headless
 * Chromium: the tour's first GET over TLS is an HTTP row in the packet list, and in the
 * inspector the decode goes on under TLS to HTTP with the request line, its fields marked
 * in the "Decrypted TLS" bytes; with "Decrypt TLS with the run's keys" off, the same packet
 * is only Application Data. The key log download holds the secrets of the CLI's tour.keylog.
 *
 * Skips, loudly, when Chromium is not installed (as e2e.test.ts does).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFilter, chromiumOrWarn, type Lab, runToEnd, startLab } from './browser.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');
const ARTIFACTS = join(HERE, 'artifacts');
const available = chromiumOrWarn("the web lab's TLS decryption end-to-end tests");

describe.skipIf(!available)('the web lab decrypts TLS with the run’s keys, in Chromium', () => {
  let lab: Lab;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    lab = await startLab();
    page = await lab.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await runToEnd(page, lab.url, '', 70);
  }, 180_000);

  afterAll(async () => {
    await lab?.close();
  });

  it("shows the tour's first GET over TLS as HTTP under TLS, and only Application Data with the switch off", async () => {
    await page.click('[role=tab][data-tab=packets]');
    // The filter sees the wire: TLS segments the laptop sent.
    await applyFilter(page, 'tls && frame.iface == "laptop:eth0"');
    expect(await page.textContent('.count')).toMatch(/^[1-9]\d* of/);
    await page.uncheck('#pkt-follow');
    await page.$eval('.vlist-scroller', (el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    const get = page.locator('.vlist-row', { hasText: 'GET / HTTP/1.1' }).first();
    await get.waitFor();
    expect(await get.textContent()).toMatch(/HTTP\s*\d+\s*GET \/ HTTP\/1\.1$/);
    const row = await get.getAttribute('data-row');
    await get.click();
    await page.waitForSelector('.pkt-layer');
    const layers = await page.$$eval('.pkt-layer summary', (els) => els.map((e) => e.textContent));
    expect(layers).toEqual([
      expect.stringMatching(/^Ethernet II/),
      expect.stringMatching(/^Internet Protocol Version 4/),
      expect.stringMatching(/^Transmission Control Protocol/),
      'Transport Layer Security',
      'Transport Layer Security (decrypted)',
      'Hypertext Transfer Protocol',
    ]);
    const tree = (await page.textContent('.pkt-tree'))!;
    expect(tree).toContain('Request Method: GET');
    expect(tree).toContain('Request URI: /');
    expect(tree).toContain('[Keys]: client application traffic keys (generation 0)');
    const tabs = await page.$$eval('.pkt-hex-tab', (els) => els.map((e) => e.textContent));
    expect(tabs).toEqual([
      expect.stringMatching(/^Frame \(\d+ bytes\)$/),
      expect.stringMatching(/^Decrypted TLS \(\d+ bytes\)$/),
    ]);
    // A decrypted field marks its bytes in the decrypted record's tab.
    await page.click('.pkt-field:has-text("Host: www.example.com")');
    expect(await page.getAttribute('.pkt-hex-tab >> nth=1', 'aria-selected')).toBe('true');
    const marked = await page.$$eval('.pkt-hex mark', (els) => els.map((e) => e.textContent ?? ''));
    expect(marked.filter((m) => m.length === 1).join('')).toBe('Host: www.example.com..');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'tls-decrypted-get.png') });

    // The eavesdropper's view.
    await page.uncheck('#pkt-decrypt');
    await page.waitForFunction(
      (r) => document.querySelector(`.vlist-row[data-row="${r}"]`)?.textContent?.endsWith('Application Data'),
      row,
    );
    await page.waitForFunction(() => document.querySelectorAll('.pkt-layer').length === 4);
    const off = await page.$$eval('.pkt-layer summary', (els) => els.map((e) => e.textContent));
    expect(off[3]).toBe('Transport Layer Security');
    expect(await page.textContent('.pkt-tree')).toContain('Encrypted Application Data');
    expect(await page.textContent('.pkt-tree')).not.toContain('GET');
    expect(await page.$$('.pkt-hex-tab')).toHaveLength(0);
    await page.screenshot({ path: join(ARTIFACTS, 'tls-eavesdropper.png') });
    await page.check('#pkt-decrypt');
    await page.waitForFunction(() => document.querySelectorAll('.pkt-layer').length === 6);
    expect(errors).toEqual([]);
  });

  it('filters on the HTTP inside TLS with decryption on, and finds none with it off', async () => {
    await page.click('[role=tab][data-tab=packets]');
    const count = () => page.textContent('.count');
    // The tour's page and its subresources, each a GET the laptop sent inside TLS.
    await applyFilter(page, 'http.request.method == "GET" && frame.iface == "laptop:eth0"');
    const on = Number.parseInt((await count())!, 10);
    expect(on).toBeGreaterThanOrEqual(4);
    await page.locator('.vlist-row', { hasText: 'GET / HTTP/1.1' }).first().waitFor();
    await page.uncheck('#pkt-decrypt');
    await page.waitForFunction(() => /^0 of/.test(document.querySelector('.count')?.textContent ?? ''));
    await page.check('#pkt-decrypt');
    await page.waitForFunction(
      (n) => document.querySelector('.count')?.textContent?.startsWith(`${n} of`),
      on,
    );
    expect(errors).toEqual([]);
  });

  it('downloads the key log beside the pcap: the CLI’s tour.keylog', async () => {
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.click('button.download-keylog'),
    ]);
    expect(download.suggestedFilename()).toBe('tour.keylog');
    const ours = readFileSync((await download.path())!, 'utf8');
    const dir = mkdtempSync(join(tmpdir(), 'netlab-keylog-'));
    execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'src/cli/main.ts'),
        'tour',
        '--pcap',
        join(dir, 'tour.pcap'),
        '--no-web',
      ],
      { cwd: ROOT, stdio: 'ignore' },
    );
    // The same secrets; the lab lists them in the order either end logged them first.
    const sorted = (text: string) =>
      text
        .split('\n')
        .filter((l) => l !== '')
        .sort();
    expect(sorted(ours)).toEqual(sorted(readFileSync(join(dir, 'tour.keylog'), 'utf8')));
    expect(ours.split('\n').filter((l) => l !== '').length).toBe(6 * 5);
  });
});
