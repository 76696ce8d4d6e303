/** `netlab experiment http-versions` as a user runs it: the table, the files, usage errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/netlab.js', import.meta.url));

function netlab(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

it('prints the table and writes CSV and JSON', () => {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-exp-'));
  const csv = join(dir, 'hv.csv');
  const json = join(dir, 'hv.json');
  const r = netlab([
    'experiment',
    'http-versions',
    '--rtt',
    '10,0.1s',
    '--resources',
    '6',
    '--csv',
    csv,
    '--json',
    json,
  ]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const lines = r.stdout.trim().split('\n');
  expect(lines[0]).toBe('Page-load time (ms) of a page with 6 subresources of 10000 bytes,');
  expect(lines[3]).toBe('     RTT    HTTP/1.0  keep-alive  pipelining      HTTP/2');
  expect(lines[4]).toMatch(/^ {3}10 ms( +\d+\.\d){4}$/);
  expect(lines[5]).toMatch(/^ {2}100 ms( +\d+\.\d){4}$/);
  const rows = readFileSync(csv, 'utf8').trim().split('\n');
  expect(rows[0]).toBe('rtt_ms,http1.0_ms,http1.1_ms,http1.1-pipelining_ms,h2_ms');
  expect(rows.slice(1).map((l) => l.split(',')[0])).toEqual(['10', '100']);
  const data = JSON.parse(readFileSync(json, 'utf8'));
  expect(data.parameters.rttsMs).toEqual([10, 100]);
  expect(data.rows[1].runs.map((x: { version: string }) => x.version)).toEqual([
    'http1.0',
    'http1.1',
    'http1.1-pipelining',
    'h2',
  ]);
  // The CSV and the table agree.
  expect(Number(rows[2]!.split(',')[1]).toFixed(1)).toBe(lines[5]!.trim().split(/\s+/)[2]);
});

it('answers bad options with status 2 and a message', () => {
  const r = netlab(['experiment', 'http-versions', '--rtt', 'soon']);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("not a round-trip time: 'soon'");
  const u = netlab(['experiment', 'nosuch']);
  expect(u.status).toBe(2);
  expect(u.stderr).toContain("unknown experiment 'nosuch'");
});
