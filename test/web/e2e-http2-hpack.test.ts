/**
 * The web lab decodes HTTP/2 header blocks (HPACK) in the http2 example, end to end in
 * headless Chromium: the laptop's request for the stylesheet is `HEADERS[3]: GET
 * /style.css` in the packet list, its header fields are in the inspector with their
 * representations, and selecting one marks its encoded bytes in the Decrypted TLS tab.
 *
 * Skips, loudly, when Chromium is not installed (as e2e.test.ts does).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyFilter, chromiumOrWarn, type Lab, runToEnd, startLab } from './browser.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ARTIFACTS = join(HERE, 'artifacts');
const available = chromiumOrWarn("the web lab's HPACK end-to-end tests");

describe.skipIf(!available)('the web lab decodes HTTP/2 header blocks, in Chromium', () => {
  let lab: Lab;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    lab = await startLab();
    page = await lab.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
    await runToEnd(page, lab.url, '#example=http2', 12);
    expect(await page.getAttribute('body', 'data-scenario')).toBe('http2');
  }, 180_000);

  afterAll(async () => {
    await lab?.close();
  });

  it('shows the description’s list as a list, its filters as code', async () => {
    const items = await page.$$eval('.side .description li', (els) => els.map((e) => e.textContent ?? ''));
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(
      /^HTTP\/1\.1 keep-alive \(browser --http1\.1\): a connection carries one request at a time\./,
    );
    const code = await page.$$eval('.side .description code', (els) => els.map((e) => e.textContent));
    expect(code).toEqual(['http2.type == 5', 'http2.streamid == 3']);
  });

  it('shows the stylesheet request’s decoded headers and marks a field’s encoded bytes', async () => {
    await page.click('[role=tab][data-tab=packets]');
    await applyFilter(page, 'http2.headers.path == "/style.css" && frame.iface == "laptop:eth0"');
    expect(await page.textContent('.count')).toMatch(/^1 of/);
    const row = page.locator('.vlist-row', { hasText: 'HEADERS[3]: GET /style.css' }).first();
    await row.waitFor();
    expect(await row.textContent()).toMatch(/HTTP2\s*\d+\s*HEADERS\[3\]: GET \/style\.css$/);
    await row.click();
    await page.waitForSelector('.pkt-layer');
    const tree = (await page.textContent('.pkt-tree'))!;
    expect(tree).toContain('Stream: HEADERS, Stream ID: 3, Length 41, GET /style.css');
    expect(tree).toContain('[Header block]: 41 bytes for 153 bytes of headers (73% saved)');
    for (const line of [
      'Header: :method: GET',
      'Header: :scheme: https',
      'Header: :authority: www',
      'Header: :path: /style.css',
      'Representation: Literal Header Field with Incremental Indexing - Indexed Name',
      'Index: 64 (dynamic table)',
      '[Value encoding]: Huffman, 7 bytes for 10',
    ])
      expect(tree).toContain(line);
    await page.click('.pkt-field:text-is("Header: :path: /style.css")');
    expect(await page.getAttribute('.pkt-hex-tab >> nth=1', 'aria-selected')).toBe('true');
    const marked = await page.$$eval('.pkt-hex mark', (els) => els.map((e) => e.textContent ?? ''));
    const hex = marked.filter((m) => m.length === 2);
    // 0x44: literal with incremental indexing, name index 4 (:path); 0x87: a 7-octet Huffman string.
    expect(hex).toHaveLength(9);
    expect(hex.slice(0, 2)).toEqual(['44', '87']);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'http2-hpack-headers.png') });
    expect(errors).toEqual([]);
  });
});
