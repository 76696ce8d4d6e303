/**
 * The web lab end to end, in headless Chromium: the app is built, served on an ephemeral
 * loopback port and driven as a person would — load the tour, run it, read the ladder,
 * pick a packet and a field, type ping into a terminal, cut a cable and watch the replies
 * stop — and its downloads are compared byte for byte with the CLI's. Screenshots of each
 * step go to test/web/artifacts/ (git-ignored).
 *
 * Skips, loudly, when Chromium is not installed (`apt-get install chromium`; .ci/run
 * installs it).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumOrWarn, type Lab, startLab } from './browser.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const ROOT = join(HERE, '..', '..');
const ARTIFACTS = join(HERE, 'artifacts');
const available = chromiumOrWarn("the web lab's end-to-end tests");

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

/** Runs the CLI the README documents and returns its stdout. */
function cli(args: string[]): Buffer {
  return execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/main.ts'), ...args], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
}

async function openTour(lab: Lab, options: { locale?: string; hash?: string } = {}): Promise<Page> {
  const page = await lab.newPage({ locale: options.locale });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  (page as unknown as { netlabErrors: string[] }).netlabErrors = errors;
  await page.goto(`${lab.url}${options.hash ?? ''}`);
  await page.waitForSelector('body[data-scenario]');
  return page;
}

const errorsOf = (page: Page) => (page as unknown as { netlabErrors: string[] }).netlabErrors;

/** Sets the speed slider (log10 of the speed) as a person dragging it would. */
async function setSpeed(page: Page, log10: number): Promise<void> {
  await page.$eval(
    '#speed',
    (el, v) => {
      (el as HTMLInputElement).value = String(v);
      el.dispatchEvent(new Event('input', { bubbles: true }));
    },
    log10,
  );
}

describe.skipIf(!available)('the web lab in Chromium', () => {
  let lab: Lab;
  let page: Page;

  beforeAll(async () => {
    lab = await startLab();
    page = await openTour(lab);
  }, 120_000);

  afterAll(async () => {
    await lab?.close();
  });

  it('opens with the tour (what npm start prints) loaded, paused at 0 s', async () => {
    expect(await page.getAttribute('body', 'data-scenario')).toBe('tour');
    expect(await page.textContent('.clock')).toBe('t = 0.000000 s');
    expect(await page.textContent('.side-title')).toBe('tour');
    expect(await page.textContent('.side .description')).toContain('What happens when you type');
    const canvas = await page.$('canvas.topology-canvas');
    expect((await canvas!.boundingBox())!.width).toBeGreaterThan(500);
    await shot(page, '01-tour-loaded');
  });

  it('runs the tour to its end: the timeline is what `netlab run tour` prints', async () => {
    await setSpeed(page, 3);
    await page.waitForFunction(() => document.querySelector('.speed-out')?.textContent === '×1000');
    await page.click('button.play');
    await page.waitForSelector('body[data-ended="true"]', { timeout: 60_000 });
    expect(await page.textContent('.clock')).toBe('t = 70.000000 s');
    await page.click('[role=tab][data-tab=timeline]');
    const timeline = (await page.textContent('.timeline-log'))!;
    const expected = cli(['run', 'tour'])
      .toString()
      .split('\n')
      .filter((l) => l.startsWith('['));
    expect(expected.length).toBeGreaterThan(10);
    for (const line of expected) expect(timeline).toContain(line);
    await shot(page, '02-tour-ended-timeline');
  });

  it('draws the tour’s TCP 3-way handshake in the sequence view', async () => {
    await page.click('[role=tab][data-tab=sequence]');
    await page.waitForSelector('.ladder-svg .msg');
    // The first TCP connection is chosen: the laptop's browser and the web server.
    expect(
      await page.$eval('.conv-select', (s) => (s as HTMLSelectElement).selectedOptions[0]?.textContent),
    ).toMatch(/^laptop ↔ www \(\d+ ↔ (80|443)\) — TCP/);
    const lanes = await page.$$eval('.ladder-svg .lane-name', (els) => els.map((e) => e.textContent));
    expect(lanes).toEqual(['laptop', 'www']);
    const labels = await page.$$eval('.ladder-svg .msg', (els) =>
      els.map((e) => e.getAttribute('aria-label')),
    );
    expect(labels.slice(0, 3)).toEqual([
      'laptop → www: TCP SYN Seq=0',
      'www → laptop: TCP SYN, ACK Seq=0 Ack=1',
      'laptop → www: TCP ACK Seq=1 Ack=1',
    ]);
    // The next segment carries the first message, named by it: the HTTP request, or TLS's ClientHello.
    expect(labels[3]).toMatch(
      /^laptop → www: (HTTP GET \/ HTTP\/1\.1|TLS Client Hello) \(PSH, ACK Seq=1 Ack=1 Len=\d+\)$/,
    );
    const notes = await page.$$eval('.ladder-svg .note', (els) => els.map((e) => e.firstChild?.textContent));
    expect(notes.slice(0, 3)).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    expect(notes).toContain('GET /');
    await shot(page, '03-sequence-tcp-handshake');
    // An arrow is a button: it opens its packet in the inspector.
    await page.focus('.ladder-svg .msg >> nth=0');
    await page.keyboard.press('Enter');
    await page.waitForSelector('.pkt-frame');
    expect(await page.textContent('.pkt-tree')).toContain('Flags: 0x002 (SYN)');
  });

  it('decodes the tour’s first application message field by field, its bytes marked in the hex', async () => {
    await page.click('[role=tab][data-tab=packets]');
    await page.fill(
      'input.filter',
      '(tls.handshake.type == 1 || http.request.method == "GET") && frame.iface == "laptop:eth0"',
    );
    await page.press('input.filter', 'Enter');
    await page.waitForFunction(() =>
      /^[1-9]\d* of/.test(document.querySelector('.count')?.textContent ?? ''),
    );
    // Follow keeps the newest in view: turn it off and go to the first match.
    await page.uncheck('#pkt-follow');
    await page.$eval('.vlist-scroller', (el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new Event('scroll'));
    });
    await page.click('.vlist-row[data-row="0"]');
    await page.waitForSelector('.pkt-layer');
    const layers = await page.$$eval('.pkt-layer summary', (els) => els.map((e) => e.textContent));
    expect(layers[3]).toMatch(/^(Transport Layer Security|Hypertext Transfer Protocol)$/);
    const https = layers[3] === 'Transport Layer Security';
    // The ClientHello's SNI, or the request's Host header: the host name the browser asked for.
    await page.click(
      `.pkt-field:has-text("${https ? 'Server Name: www.example.com' : 'Host: www.example.com'}")`,
    );
    const marked = await page.$$eval('.pkt-hex mark', (els) => els.map((e) => e.textContent ?? ''));
    expect(marked.filter((m) => m.length === 1).join('')).toBe(
      https ? 'www.example.com' : 'Host: www.example.com\r\n'.replace(/[\r\n]/g, '.'),
    );
    if (https)
      expect(await page.textContent('.pkt-tree')).toContain('Cipher Suite: TLS_AES_128_GCM_SHA256 (0x1301)');
    else expect(await page.textContent('.pkt-tree')).toContain('Request Method: GET');
    await shot(page, '03b-packet-tls-or-http-fields');
    await page.fill('input.filter', '');
    await page.press('input.filter', 'Enter');
  });

  it('runs a scenario file typed into the editor: one connection, its close and TIME-WAIT', async () => {
    const p = await openTour(lab);
    await p.click('[role=tab][data-tab=library]');
    await p.fill('textarea.editor', readFileSync(join(HERE, 'fixtures', 'http-page.yaml'), 'utf8'));
    await p.click('button:has-text("Run this file")');
    await p.waitForSelector('body[data-scenario="http-page"]');
    expect(await p.textContent('.problems')).toBe('Loaded. Press Play.');
    await p.fill('#jump', '70');
    await p.press('#jump', 'Enter');
    await p.waitForSelector('body[data-ended="true"]');
    await p.click('[role=tab][data-tab=sequence]');
    await p.waitForSelector('.ladder-svg .msg');
    const labels = await p.$$eval('.ladder-svg .msg', (els) => els.map((e) => e.getAttribute('aria-label')));
    expect(labels.map((l) => l!.replace(/ Seq=.*/, '').replace(/ \(PSH.*/, ''))).toEqual([
      'client → server: TCP SYN',
      'server → client: TCP SYN, ACK',
      'client → server: TCP ACK',
      'client → server: HTTP GET / HTTP/1.1',
      'server → client: TCP ACK',
      'server → client: HTTP HTTP/1.1 200 OK',
      'client → server: TCP FIN, ACK',
      'server → client: TCP ACK',
      'server → client: TCP FIN, ACK',
      'client → server: TCP ACK',
    ]);
    const notes = await p.$$eval('.ladder-svg .note', (els) => els.map((e) => e.firstChild?.textContent));
    expect(notes).toEqual([
      'SYN-SENT',
      'SYN-RECEIVED',
      'ESTABLISHED',
      'GET /',
      'ESTABLISHED',
      '200 OK',
      'FIN-WAIT-1',
      'CLOSE-WAIT',
      'LAST-ACK',
      'FIN-WAIT-2',
      'TIME-WAIT',
      'CLOSED',
      'CLOSED',
    ]);
    // The 60 s of TIME-WAIT are a marked gap in the evenly spaced ladder.
    expect(await p.$$eval('.ladder-svg .ladder-gap', (els) => els.map((e) => e.textContent))).toContain(
      '+60 s',
    );
    await shot(p, '04-sequence-tcp-close');
    // An error in the file is listed with its line and column.
    await p.click('[role=tab][data-tab=library]');
    await p.fill('textarea.editor', 'name: broken\ntopology:\n  nodes:\n    h1: { kind: hots }\n');
    await p.click('button:has-text("Run this file")');
    await p.waitForSelector('.problems .problem');
    expect(await p.textContent('.problems')).toMatch(
      /:4:\d+: unknown node kind 'hots' \(did you mean 'host'\?\)/,
    );
    expect(errorsOf(p)).toEqual([]);
  });

  it('gives the same pcap and trace as the CLI for the same scenario and seed', async () => {
    const fresh = await openTour(lab);
    await fresh.fill('#jump', '70');
    await fresh.press('#jump', 'Enter');
    await fresh.waitForSelector('body[data-ended="true"]', { timeout: 60_000 });
    const [pcap] = await Promise.all([
      fresh.waitForEvent('download'),
      fresh.click('button:has-text("pcap")'),
    ]);
    const browserPcap = readFileSync((await pcap.path())!);
    const dir = join(ARTIFACTS, 'downloads');
    mkdirSync(dir, { recursive: true });
    cli(['run', 'tour', '--pcap', join(dir, 'cli.pcap')]);
    const cliPcap = readFileSync(join(dir, 'cli.pcap'));
    expect(browserPcap.length).toBeGreaterThan(10_000);
    expect(browserPcap.equals(cliPcap)).toBe(true);
    const [trace] = await Promise.all([
      fresh.waitForEvent('download'),
      fresh.click('button:has-text("trace")'),
    ]);
    const browserTrace = readFileSync((await trace.path())!, 'utf8');
    const cliTrace = cli(['run', 'tour', '--json', '--trace', 'all,link.frames']).toString();
    expect(browserTrace.match(/^\{"trace":"tcp\.state"/gm)?.length).toBeGreaterThan(10);
    expect(browserTrace).toBe(cliTrace);
    expect(errorsOf(fresh)).toEqual([]);
  });

  it('draws the ARP and ICMP ladder of the ping example', async () => {
    page = await openTour(lab, { hash: '#example=default' });
    expect(await page.getAttribute('body', 'data-scenario')).toBe('default');
    await page.fill('#jump', '6');
    await page.press('#jump', 'Enter');
    await page.waitForSelector('body[data-ended="true"]');
    await page.click('[role=tab][data-tab=sequence]');
    await page.waitForSelector('.ladder-svg .msg');
    const labels = await page.$$eval('.ladder-svg .msg', (els) =>
      els.map((e) => e.getAttribute('aria-label')),
    );
    // The first ping waits for two ARP exchanges: h1 asks for its gateway, r1 for h3.
    expect(labels).toContain('h1 → r1: ARP Who has 10.0.1.1? Tell 10.0.1.10');
    expect(labels).toContain('r1 → h1: ARP 10.0.1.1 is at 02:00:00:00:00:09');
    expect(labels).toContain('r1 → h3: ARP Who has 10.0.2.10? Tell 10.0.2.1');
    expect(labels.filter((l) => l?.startsWith('h1 → h3: ICMP Echo (ping) request'))).toHaveLength(3);
    expect(labels.filter((l) => l?.startsWith('h3 → h1: ICMP Echo (ping) reply'))).toHaveLength(3);
    // traceroute's first probe dies at r1, which answers with time exceeded.
    expect(labels.some((l) => l?.startsWith('h1 → h3: UDP') && l.includes('lost: ttl-expired (r1)'))).toBe(
      true,
    );
    expect(labels.some((l) => l?.startsWith('r1 → h1: ICMP Time-to-live exceeded'))).toBe(true);
    const lanes = await page.$$eval('.ladder-svg .lane-name', (els) => els.map((e) => e.textContent));
    expect(lanes).toEqual(['h1', 'r1', 'h3']);
    await shot(page, '05-sequence-arp-icmp');
  });

  it('selects a packet and shows its layers, a field and its bytes in the hex', async () => {
    await page.click('[role=tab][data-tab=packets]');
    await page.fill('input.filter', 'icmp.type == 8 && frame.iface == "h1:eth0"');
    await page.press('input.filter', 'Enter');
    await page.waitForFunction(() => document.querySelector('.count')?.textContent?.startsWith('3 of'));
    await page.click('.vlist-row[data-row="0"]');
    await page.waitForSelector('.pkt-layer');
    const layers = await page.$$eval('.pkt-layer summary', (els) => els.map((e) => e.textContent));
    expect(layers[0]).toMatch(/^Ethernet II, Src: 02:00:00:00:00:01/);
    expect(layers[1]).toMatch(/^Internet Protocol Version 4, Src: 10\.0\.1\.10, Dst: 10\.0\.2\.10/);
    expect(layers[2]).toMatch(/^Internet Control Message Protocol/);
    await page.click('.pkt-field:has-text("Time to Live: 64")');
    // TTL is byte 22 of the frame (14 of Ethernet + 8): 0x40 = 64, the only byte marked.
    expect(await page.$$eval('.pkt-hex mark', (els) => els.map((e) => e.textContent))).toEqual(['40', '@']);
    await page.click('.pkt-field:has-text("Source Address: 10.0.1.10")');
    expect(await page.$$eval('.pkt-hex mark', (els) => els.map((e) => e.textContent).slice(0, 4))).toEqual([
      '0a',
      '00',
      '01',
      '0a',
    ]);
    await shot(page, '06-packet-fields-hex');
    // A bad filter is red and says why.
    await page.fill('input.filter', 'ip.sorce == 1');
    await page.press('input.filter', 'Enter');
    await page.waitForSelector('input.filter.invalid');
    expect(await page.textContent('.filter-error')).toContain(
      "unknown field 'ip.sorce' (did you mean 'ip.src'?)",
    );
    await page.fill('input.filter', '');
    await page.press('input.filter', 'Enter');
  });

  it('runs ping typed into a terminal and shows the replies', async () => {
    await page.click('.element-list button:has-text("h1")');
    await page.fill('.terminal-input', 'ping -c 2 -i 0.2 10.0.2.10');
    await page.press('.terminal-input', 'Enter');
    await page.waitForFunction(
      () =>
        document.querySelector('.terminal-log')?.textContent?.includes('2 packets transmitted, 2 received'),
      undefined,
      { timeout: 20_000 },
    );
    const log = (await page.textContent('.terminal-log'))!;
    expect(log).toContain('$ ping -c 2 -i 0.2 10.0.2.10');
    expect(log.match(/64 bytes from 10\.0\.2\.10: icmp_seq=\d ttl=63/g)?.length).toBeGreaterThanOrEqual(5);
    // The clock was started for the command and stops when it is done.
    await page.waitForSelector('body[data-playing="false"]');
    await shot(page, '07-terminal-ping');
  });

  it('takes a link down: the replies stop, frames stop leaving the cut interface', async () => {
    const p = await openTour(lab, { hash: '#example=default' });
    await p.click('.element-list button:has-text("h1")');
    await p.fill('.terminal-input', 'ping -i 0.2 h3');
    await p.press('.terminal-input', 'Enter');
    // The timeline has every node's output, whichever panel is open.
    const replies = async () =>
      ((await p.textContent('.timeline-log'))!.match(/64 bytes from h3/g) ?? []).length;
    await p.waitForFunction(
      () =>
        (document.querySelector('.timeline-log')?.textContent?.match(/64 bytes from h3/g) ?? []).length >= 3,
      undefined,
      { timeout: 20_000 },
    );
    await p.click('.back');
    await p.click('.element-list button:has-text("r1:eth1 ↔ sw2:p1")');
    await p.click('button:has-text("Cut the cable")');
    await p.waitForSelector('.state-down');
    const cutAt = Number(await p.getAttribute('body', 'data-sim-time'));
    const before = await replies();
    // Two simulated seconds later: no reply got through, nothing left r1:eth1.
    await p.waitForFunction((t) => Number(document.body.dataset.simTime) > t + 2e9, cutAt, {
      timeout: 20_000,
    });
    expect(await replies()).toBeLessThanOrEqual(before + 1);
    await p.click('[role=tab][data-tab=packets]');
    await p.fill('input.filter', 'frame.iface == "r1:eth1"');
    await p.press('input.filter', 'Enter');
    await p.waitForFunction(() => /^\d+ of /.test(document.querySelector('.count')?.textContent ?? ''));
    const sentBefore = Number((await p.textContent('.count'))!.split(' ')[0]);
    // Before the cut: r1's ARP request for h3, and every echo request that got a reply.
    expect(sentBefore).toBeGreaterThanOrEqual(before + 1);
    await p.fill(
      'input.filter',
      `frame.iface == "r1:eth1" && frame.time > ${(cutAt / 1e9 + 0.001).toFixed(6)}`,
    );
    await p.press('input.filter', 'Enter');
    await p.waitForFunction(() => /^0 of /.test(document.querySelector('.count')?.textContent ?? ''));
    await shot(p, '08-link-down');
    // Ctrl-C in the terminal: ping prints its statistics, with the losses.
    await p.click('.back');
    await p.click('.element-list button:has-text("h1")');
    await p.press('.terminal-input', 'Control+c');
    await p.waitForFunction(() =>
      /--- h3 ping statistics ---/.test(document.querySelector('.terminal-log')?.textContent ?? ''),
    );
    const stats = (await p.textContent('.terminal-log'))!;
    const m = /(\d+) packets transmitted, (\d+) received/.exec(stats)!;
    expect(Number(m[2])).toBeLessThan(Number(m[1]));
    expect(errorsOf(p)).toEqual([]);
  });

  it('speaks Korean when the browser does, and switches languages', async () => {
    const ko = await openTour(lab, { locale: 'ko-KR' });
    expect(await ko.getAttribute('html', 'lang')).toBe('ko');
    expect(await ko.textContent('[role=tab][data-tab=packets]')).toBe('패킷');
    expect(await ko.textContent('button.play')).toContain('재생');
    expect(await ko.textContent('.side .description')).toMatch(
      /브라우저에 https?:\/\/www\.example\.com\/을 입력하면/,
    );
    const fit = await ko.evaluate(() => [
      document.documentElement.scrollWidth,
      document.documentElement.scrollHeight,
      document.querySelector('header.top')!.getBoundingClientRect().height,
    ]);
    expect(fit[0]).toBeLessThanOrEqual(1280);
    expect(fit[1]).toBeLessThanOrEqual(720);
    expect(fit[2]).toBeLessThan(60);
    await shot(ko, '09-korean');
    await ko.selectOption('select[aria-label="언어"]', 'en');
    await ko.waitForSelector('[role=tab][data-tab=packets]:has-text("Packets")');
    expect(await ko.textContent('.side .description')).toContain('What happens when you type');
  });

  it('fits 1280x720 without overflow, with readable contrast', async () => {
    const p = await openTour(lab);
    const box = await p.evaluate(() => {
      const r = (s: string) => document.querySelector(s)!.getBoundingClientRect().toJSON() as DOMRect;
      return {
        scrollW: document.documentElement.scrollWidth,
        scrollH: document.documentElement.scrollHeight,
        header: r('header.top'),
        map: r('.topology'),
        side: r('.side'),
        bottom: r('.bottom'),
      };
    });
    expect(box.scrollW).toBeLessThanOrEqual(1280);
    expect(box.scrollH).toBeLessThanOrEqual(720);
    expect(box.header.height).toBeLessThan(60);
    expect(box.map.height).toBeGreaterThan(250);
    expect(box.side.left).toBeGreaterThanOrEqual(box.map.right - 1);
    expect(box.side.right).toBeLessThanOrEqual(1280);
    expect(box.bottom.top).toBeGreaterThanOrEqual(box.map.bottom);
    expect(box.bottom.bottom).toBeLessThanOrEqual(720);
    // WCAG AA: 4.5:1 for text, measured on the page's computed colours.
    const ratios = await p.evaluate(() => {
      const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
      const lum = (c: string) => {
        const [r, g, b] = rgb(c).map((v) => {
          const s = v / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        });
        return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
      };
      const bg = (el: Element): string => {
        for (let e: Element | null = el; e; e = e.parentElement) {
          const c = getComputedStyle(e).backgroundColor;
          if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c;
        }
        return 'rgb(255, 255, 255)';
      };
      const out: Record<string, number> = {};
      for (const sel of [
        '.side .description p',
        '.side .muted',
        'button.play',
        '[role=tab][aria-selected=false]',
        '.vlist-header',
        'input.filter',
        '.run-status',
        '.map-legend span',
      ]) {
        const el = document.querySelector(sel);
        if (!el) continue;
        const a = lum(getComputedStyle(el).color);
        const b = lum(bg(el));
        out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      }
      return out;
    });
    expect(Object.keys(ratios).length).toBeGreaterThanOrEqual(7);
    for (const [sel, r] of Object.entries(ratios)) expect([sel, r >= 4.5]).toEqual([sel, true]);
    await shot(p, '10-layout-1280x720');
  });

  it('can be driven from the keyboard', async () => {
    const p = await openTour(lab, { hash: '#example=default' });
    await p.focus('canvas.topology-canvas');
    await p.keyboard.press('ArrowRight');
    await p.waitForSelector('.side-title:has-text("h1")');
    await p.keyboard.press('ArrowRight');
    await p.waitForSelector('.side-title:has-text("h2")');
    await p.keyboard.press('ArrowDown');
    await p.waitForSelector('.side-title:has-text("h1:eth0 ↔ sw1:p1")');
    await p.keyboard.press('Escape');
    await p.waitForSelector('.side-title:has-text("default")');
    // Space plays, from anywhere but a field.
    await p.focus('canvas.topology-canvas');
    await p.keyboard.press('Space');
    await p.waitForSelector('body[data-playing="true"]');
    await p.keyboard.press('Space');
    await p.waitForSelector('body[data-playing="false"]');
    // The bottom tabs follow the arrow keys.
    await p.focus('[role=tab][data-tab=packets]');
    await p.keyboard.press('ArrowRight');
    expect(await p.getAttribute('[role=tab][data-tab=sequence]', 'aria-selected')).toBe('true');
    expect(await p.evaluate(() => document.activeElement?.getAttribute('data-tab'))).toBe('sequence');
    // The packet list moves its selection with the arrows.
    await p.fill('#jump', '2');
    await p.press('#jump', 'Enter');
    await p.waitForFunction(() => Number(document.body.dataset.simTime) >= 2e9);
    await p.click('[role=tab][data-tab=packets]');
    await p.focus('.vlist');
    await p.keyboard.press('Home');
    await p.keyboard.press('ArrowDown');
    await p.waitForSelector('.pkt-frame:has-text("Frame 2:")');
    expect(errorsOf(p)).toEqual([]);
  });

  it('steps one event at a time and jumps back in time', async () => {
    const p = await openTour(lab, { hash: '#example=default' });
    await p.fill('#jump', '1');
    await p.press('#jump', 'Enter');
    await p.waitForFunction(() => document.querySelector('.clock')?.textContent === 't = 1.000000 s');
    const events = async () =>
      Number((await p.textContent('.run-status'))!.match(/^([\d,]+) events/)![1]!.replace(/,/g, ''));
    const n = await events();
    await p.click('button:has-text("Step")');
    await p.waitForFunction(
      (k) => document.querySelector('.run-status')?.textContent?.startsWith(`${k + 1} events`),
      n,
    );
    await p.click('button:has-text("Step")');
    await p.waitForFunction(
      (k) => document.querySelector('.run-status')?.textContent?.startsWith(`${k + 2} events`),
      n,
    );
    await p.fill('#jump', '0.5');
    await p.press('#jump', 'Enter');
    await p.waitForFunction(() => document.querySelector('.clock')?.textContent === 't = 0.500000 s');
    expect(await p.textContent('.count')).toBe('0 packets');
    expect(errorsOf(p)).toEqual([]);
  });
});
