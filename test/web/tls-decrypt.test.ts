/**
 * The web lab's TLS decryption, in Node: the engine collects the run's key log (the same
 * lines the CLI writes to tour.keylog), and with it the tour's HTTPS packets read as HTTP
 * in the list and the inspector; with decryption off they are Application Data again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyLogCollector } from '../../src/application/tls/key-log.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import { parseScenario } from '../../src/lab/scenario/index.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';

const spec = parseScenario(
  readFileSync(join(import.meta.dirname, '..', '..', 'examples', 'tour.yaml'), 'utf8'),
  'examples/tour.yaml',
).spec;

describe('the web lab decrypts TLS with the run’s key log', async () => {
  const e = new LabEngine(spec);
  await e.advanceTo(e.duration);
  const rows = e.rows(0, e.capture.count);
  const get = rows.find((r) => r.protocol === 'HTTP' && r.info === 'GET / HTTP/1.1')!;

  it('collects the run’s key log, each secret once (both ends log it)', async () => {
    const run = new ScenarioRun(spec);
    const all = new KeyLogCollector(run.sim.trace);
    await run.run();
    const lines = all
      .text()
      .split('\n')
      .filter((l) => l !== '');
    expect(lines.length).toBe(2 * 6 * 5); // client and server, 6 connections, 5 secrets each
    expect(e.tls.keyLogText()).toBe(`${[...new Set(lines)].join('\n')}\n`);
    expect(e.tls.keyLogSize).toBeGreaterThanOrEqual(5);
    expect(e.tls.keyLogText()).toMatch(/^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}\n/);
  });

  it("shows the tour's first GET over TLS as HTTP, with its layers under TLS", () => {
    expect(get).toBeDefined();
    const d = e.inspect(get.index);
    expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'TLS', 'TLS', 'HTTP']);
    expect(d.sources).toHaveLength(1);
    const text = new TextDecoder().decode(d.sources[0]!.bytes);
    expect(text).toMatch(/^GET \/ HTTP\/1\.1\r\nHost: www\.example\.com\r\n/);
    expect(d.sources[0]!.name).toBe(`Decrypted TLS (${d.sources[0]!.bytes.length} bytes)`);
  });

  it('names the encrypted handshake, and the responses', () => {
    expect(
      rows.some(
        (r) =>
          r.protocol === 'TLS' &&
          r.info.includes('Encrypted Extensions, Certificate, Certificate Verify, Finished'),
      ),
    ).toBe(true);
    expect(rows.some((r) => r.protocol === 'HTTP' && r.info.startsWith('HTTP/1.1 200 OK'))).toBe(true);
    expect(rows.some((r) => r.info.includes('Application Data') && r.info.includes('Encrypted'))).toBe(false);
  });

  it('the display filter finds what the list shows: http matches the decrypted HTTP rows, and not when off', () => {
    const filtered = (text: string) => {
      const got = e.setFilter(text);
      expect(got).not.toHaveProperty('error');
      return e.rows(0, e.visibleCount()).map((r) => r.index);
    };
    try {
      const http = rows.filter((r) => r.protocol === 'HTTP').map((r) => r.index);
      expect(http.length).toBeGreaterThan(0);
      expect(filtered('http')).toEqual(http);
      expect(filtered('http.request.method == "GET"')).toEqual(
        rows.filter((r) => r.protocol === 'HTTP' && r.info.startsWith('GET ')).map((r) => r.index),
      );
      expect(filtered('http.request.uri == "/" && http.host == "www.example.com"')).toContain(get.index);
      // Switching decryption off filters again: the tour's HTTP is all inside TLS.
      e.setFilter('http');
      e.decryptTls = false;
      const wire = e.rows(0, e.visibleCount());
      expect(wire.every((r) => r.protocol === 'HTTP')).toBe(true);
      expect(wire.map((r) => r.index)).not.toContain(get.index);
      e.decryptTls = true;
      expect(e.rows(0, e.visibleCount()).map((r) => r.index)).toEqual(http);
    } finally {
      e.decryptTls = true;
      e.setFilter('');
    }
  });

  it('off, shows the capture as an eavesdropper sees it', () => {
    e.decryptTls = false;
    try {
      const row = e.row(get.index);
      expect([row.protocol, row.info]).toEqual(['TLS', 'Application Data']);
      const d = e.inspect(get.index);
      expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'TLS']);
      expect(d.sources).toEqual([]);
    } finally {
      e.decryptTls = true;
    }
  });
});
