/** `netlab experiment ...` as a user runs it: the tables, the files, the usage and its errors. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EXPERIMENT_NAMES, EXPERIMENTS_USAGE, runExperimentCli } from '../../src/cli/experiment.ts';

const bin = fileURLToPath(new URL('../../bin/netlab.js', import.meta.url));

function netlab(args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the command in this process, collecting what it prints. */
async function experiment(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await runExperimentCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out, err };
}

function files() {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-exp-'));
  return { csv: join(dir, 'x.csv'), json: join(dir, 'x.json') };
}

it('prints the table and writes CSV and JSON', () => {
  const { csv, json } = files();
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

describe('netlab experiment (in process)', () => {
  it('lists every experiment with its options in the help', async () => {
    expect(EXPERIMENT_NAMES).toEqual([
      'http-versions',
      'hol-blocking',
      'header-bytes',
      'io-models',
      'push',
      'workarounds',
    ]);
    const r = await experiment(['help']);
    expect(r.status).toBe(0);
    expect(r.out).toEqual([EXPERIMENTS_USAGE]);
    for (const name of EXPERIMENT_NAMES) expect(EXPERIMENTS_USAGE).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    for (const option of [
      '--loss',
      '--seeds',
      '--slow',
      '--drop',
      '--no-cookies',
      '--variants',
      '--css',
      '--js',
      '--images',
    ]) {
      expect(EXPERIMENTS_USAGE).toContain(option);
    }
    expect((await experiment([])).status).toBe(2);
  });

  it('http-versions --loss runs the loss sweep at one RTT with medians of --seeds', async () => {
    const { csv, json } = files();
    const r = await experiment([
      'http-versions',
      ...['--loss', '0,1%', '--seeds', '3', '--resources', '4', '--versions', 'http1.1,h2'],
      ...['--csv', csv, '--json', json],
    ]);
    expect(r.err).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.out[2]).toBe('loss on the router - server link; median of 3 seeds (1..3) where there is loss');
    expect(r.out[4]!.trim().split(/\s{2,}/)).toEqual([
      'RTT',
      'loss',
      'keep-alive',
      'HTTP/2',
      'HTTP/2 / keep-alive',
    ]);
    expect(r.out.slice(5, 7).map((l) => l.trim().split(/\s+/).slice(0, 3))).toEqual([
      ['100', 'ms', '0%'],
      ['100', 'ms', '1%'],
    ]);
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('rtt_ms,loss_percent,http1.1_ms,h2_ms');
    const data = JSON.parse(readFileSync(json, 'utf8'));
    expect(data.parameters).toMatchObject({ rttsMs: [100], lossRates: [0, 0.01], seeds: 3 });
    expect(data.rows[1].runs[0].samples.map((s: { seed: number }) => s.seed)).toEqual([1, 2, 3]);
  });

  it('hol-blocking prints both parts and writes its files', async () => {
    const { csv, json } = files();
    const r = await experiment([
      'hol-blocking',
      ...['--rtt', '20', '--resources', '3', '--slow', '0.2s', '--drop', '2'],
      ...['--csv', csv, '--json', json],
    ]);
    expect(r.err).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe('Head-of-line blocking: a page of 3 images of 10000 bytes, RTT 20 ms,');
    expect(r.out).toContain('1. The server answers /img/01.png 200 ms late; the rest at once.');
    expect(r.out).toContain('2. No slow resource; the 2nd large segment from the server is lost once.');
    expect(readFileSync(csv, 'utf8').split('\n')[0]).toBe('part,variant,path,finish_ms,clean_finish_ms');
    expect(JSON.parse(readFileSync(json, 'utf8')).parameters).toMatchObject({
      rttMs: 20,
      slowMs: 200,
      dropSegment: 2,
    });
  });

  it('header-bytes takes --images, --no-cookies and --variants', async () => {
    const { csv } = files();
    const r = await experiment([
      'header-bytes',
      '--images',
      '1',
      '--no-cookies',
      '--variants',
      'http1.1,h2',
      '--csv',
      csv,
    ]);
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe("Request header bytes for one page (4 requests), Chrome's headers;");
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toHaveLength(5);
  });

  it('push takes --rtt, --css and --js', async () => {
    const r = await experiment(['push', '--rtt', '30', '--css', '1000', '--js', '2000']);
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe(
      'HTTP/2 server push: a page with /style.css (1000 bytes) and /app.js (2000 bytes),',
    );
    expect(r.out[4]!.trim().split(/\s+/).slice(0, 2)).toEqual(['30', 'ms']);
  });

  it('answers each kind of bad option with status 2 and names the experiment', async () => {
    const cases: [string[], string][] = [
      [['http-versions', '--loss', 'lots'], "not a loss rate in percent: 'lots'"],
      [['http-versions', '--loss', '90'], 'every loss rate must be between 0 and 50%'],
      [['http-versions', '--seeds', 'x'], "--seeds must be a whole number, got 'x'"],
      [['http-versions', '--versions', 'spdy'], "unknown version 'spdy'"],
      [['hol-blocking', '--rtt', '10,20'], "give one round-trip time, not a list: '10,20'"],
      [['hol-blocking', '--slow', 'later'], "not a delay: 'later'"],
      [['header-bytes', '--variants', 'h3'], "unknown variant 'h3'"],
      [['push', '--rate', 'fast'], "not a rate: 'fast'"],
      [['push', '--css', '0'], 'cssSize must be an integer'],
      [['push', '--frobnicate'], "Unknown option '--frobnicate'"],
      [['workarounds', '--images', '501'], 'images must be an integer 1..500'],
      [['workarounds', '--size', 'big'], "--size must be a whole number, got 'big'"],
    ];
    for (const [args, message] of cases) {
      const r = await experiment(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.err.join('\n')).toContain(`netlab experiment ${args[0]}: `);
      expect(r.err.join('\n')).toContain(message);
    }
  });
});
