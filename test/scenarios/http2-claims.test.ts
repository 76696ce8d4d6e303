/**
 * examples/http2.yaml: each claim of its description, checked from the run — the page-load
 * times and connection counts of HTTP/1.1 keep-alive, HTTP/2 and HTTP/2 with push, the
 * streams and PUSH_PROMISEs on the wire (read the way the web lab's inspector reads them,
 * decrypted with the run's key log), and the TIME_WAIT connections netstat shows.
 */
import { describe, expect, it } from 'vitest';
import type { OutputLine } from '../../src/tools/shell/shell.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';
import { runExample } from './run-example.ts';

interface WaterfallRow {
  readonly path: string;
  readonly connection: number;
  readonly pushed: boolean;
}

function waterfall(lines: readonly OutputLine[]): {
  rows: WaterfallRow[];
  loadMs: number;
  connections: number;
} {
  const rows: WaterfallRow[] = [];
  for (const l of lines) {
    const m = /^\s*\d+\s+https:\/\/www(\/\S*)\s+200\s.*#(\d+)( push)?/.exec(l.text);
    if (m) rows.push({ path: m[1]!, connection: Number(m[2]), pushed: m[3] !== undefined });
  }
  const total = lines
    .map((l) => /^Page load time ([\d.]+) ms: .* (\d+) connections?$/.exec(l.text))
    .find(Boolean);
  return { rows, loadMs: Number(total![1]), connections: Number(total![2]) };
}

describe('http2: one page over HTTP/1.1, HTTP/2 and HTTP/2 with push', async () => {
  const r = await runExample('http2');
  const h1 = waterfall(r.linesOf('laptop', 'browser --http1.1'));
  const h2 = waterfall(r.linesOf('laptop', 'browser --h2 --no-push'));
  const push = waterfall(r.linesOf('laptop', 'browser --h2 https'));

  it('HTTP/1.1 keep-alive opens 6 connections and takes 473.8 ms', () => {
    expect(h1.rows).toHaveLength(27);
    expect(new Set(h1.rows.map((x) => x.connection))).toEqual(new Set([1, 2, 3, 4, 5, 6]));
    expect([h1.loadMs, h1.connections]).toEqual([473.8, 6]);
  });

  it('HTTP/2 puts every request on one connection: 371.2 ms', () => {
    expect(r.linesOf('laptop', 'browser --h2 --no-push').map((l) => l.text)).toContain(
      '  HTTP/2 (ALPN h2 over TLS), at most 6 connections per origin',
    );
    expect(h2.rows).toHaveLength(27);
    expect(h2.rows.every((x) => x.connection === 1 && !x.pushed)).toBe(true);
    expect([h2.loadMs, h2.connections]).toEqual([371.2, 1]);
  });

  it('with push, the stylesheet and the script come from the push cache: 322.3 ms, about an RTT less', () => {
    expect(push.rows.filter((x) => x.pushed).map((x) => x.path)).toEqual(['/style.css', '/app.js']);
    expect([push.loadMs, push.connections]).toEqual([322.3, 1]);
    expect(h2.loadMs - push.loadMs).toBeGreaterThan(40);
    expect(h2.loadMs - push.loadMs).toBeLessThan(60);
  });

  it('netstat at 10 s: eight connections in TIME_WAIT, six of them HTTP/1.1’s', () => {
    const waits = r.linesOf('laptop', 'netstat').filter((l) => /10\.0\.0\.80:443\s+TIME_WAIT/.test(l.text));
    expect(waits).toHaveLength(8);
  });

  describe('on the wire, decrypted as the web lab does', async () => {
    const e = new LabEngine(r.spec);
    await e.advanceTo(e.duration);
    const rows = (filter: string) => {
      expect(e.setFilter(filter)).not.toHaveProperty('error');
      return e.rows(0, e.visibleCount());
    };
    const streams = (info: string, type: string) =>
      [...info.matchAll(new RegExp(`\\b${type}\\[(\\d+)\\]`, 'g'))].map((m) => Number(m[1]));

    it('the HTTP/2 load without push: 27 streams, 1, 3, 5 … 53, all from the laptop’s one connection', () => {
      const sent = rows('http2.type == 1 && frame.iface == "laptop:eth0"');
      const ports = new Set(sent.map((x) => x.source));
      expect(ports.size).toBe(1);
      // The first three rows are the no-push load (the pushed load follows at 7 s).
      const firstLoad = sent.filter((x) => x.time < 7e9).flatMap((x) => streams(x.info, 'HEADERS'));
      expect(firstLoad).toEqual(Array.from({ length: 27 }, (_, i) => 2 * i + 1));
    });

    it('one TLS record carries DATA of several streams', () => {
      const data = rows('http2.type == 0 && frame.iface == "www:eth0"');
      expect(data.some((x) => new Set(streams(x.info, 'DATA')).size > 1)).toBe(true);
    });

    it('with push: a PUSH_PROMISE each for the stylesheet and the script, then their responses on streams 2 and 4', () => {
      const promises = rows('http2.type == 5 && frame.iface == "www:eth0"');
      expect(promises).toHaveLength(1);
      expect(streams(promises[0]!.info, 'PUSH_PROMISE')).toEqual([1, 1]);
      const pushed = rows('(http2.streamid == 2 || http2.streamid == 4) && frame.iface == "www:eth0"');
      expect(pushed.flatMap((x) => streams(x.info, 'HEADERS'))).toEqual([2, 4]);
      // With decryption off the same frames are Application Data: no HTTP/2 to filter.
      e.decryptTls = false;
      expect(rows('http2.type == 5')).toHaveLength(0);
      e.decryptTls = true;
    });
  });
});
