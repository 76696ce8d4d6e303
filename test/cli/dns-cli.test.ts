/**
 * `netlab serve dns`, `netlab dig`, `netlab nslookup` and `netlab host` as a user runs
 * them: the server says which port it took, real dig and netlab dig both get answers
 * from it, and it stops on SIGINT; bad zone files and bad options get their messages.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/netlab.js', import.meta.url));
const hasDig = spawnSync('dig', ['-v'], { stdio: 'ignore' }).status === 0;

function netlab(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), 'netlab-dns-cli-'));
const zone = join(dir, 'example.com.zone');
writeFileSync(
  zone,
  [
    '$ORIGIN example.com.',
    '$TTL 3600',
    '@ SOA ns1 hostmaster 1 7200 3600 1209600 300',
    '@ NS ns1',
    'ns1 A 127.0.0.53',
    'www A 192.0.2.80',
    '',
  ].join('\n'),
);

let server: ChildProcess;
let port = 0;
const served: string[] = [];
let exited: Promise<number | null>;

beforeAll(async () => {
  server = spawn(process.execPath, [bin, 'serve', 'dns', '--port', '0', '--zone', zone], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  exited = new Promise((done) => server.once('exit', (code) => done(code)));
  server.stdout!.setEncoding('utf8');
  await new Promise<void>((ready, fail) => {
    let buffer = '';
    server.stdout!.on('data', (chunk: string) => {
      buffer += chunk;
      served.push(...chunk.split('\n').filter((l) => l !== ''));
      const m = /listening on 127\.0\.0\.1 port (\d+) \(UDP and TCP\)/.exec(buffer);
      if (m && port === 0) {
        port = Number(m[1]);
        ready();
      }
    });
    server.once('exit', (code) => fail(new Error(`netlab serve dns exited (${code})`)));
  });
}, 60_000);

afterAll(async () => {
  if (server && server.exitCode === null) server.kill('SIGKILL');
});

describe('netlab serve dns', () => {
  it('prints the port it bound and its zones', () => {
    expect(port).toBeGreaterThan(0);
    expect(served[0]).toBe(
      `netlab: DNS server listening on 127.0.0.1 port ${port} (UDP and TCP); zones: example.com.`,
    );
  });

  it.skipIf(!hasDig)('answers the real dig, over UDP and TCP', () => {
    for (const extra of [[], ['+tcp']]) {
      const r = spawnSync('dig', ['@127.0.0.1', '-p', String(port), 'www.example.com', '+short', ...extra], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(r.stdout.trim()).toBe('192.0.2.80');
    }
  });

  it('answers netlab dig, nslookup and host', () => {
    const d = netlab(['dig', '@127.0.0.1', '-p', String(port), 'www.example.com', '+noall', '+answer']);
    expect([d.status, d.stdout]).toEqual([0, 'www.example.com.\t3600\tIN\tA\t192.0.2.80\n']);
    const nx = netlab(['dig', '@127.0.0.1', '-p', String(port), 'nope.example.com']);
    expect(nx.status).toBe(0);
    expect(nx.stdout).toContain('status: NXDOMAIN');
    const n = netlab(['nslookup', `-port=${port}`, 'www.example.com', '127.0.0.1']);
    expect([n.status, n.stdout.split('\n').slice(3, 5)]).toEqual([
      0,
      ['Name:\twww.example.com', 'Address: 192.0.2.80'],
    ]);
    const h = netlab(['host', '-p', String(port), 'www.example.com', '127.0.0.1']);
    expect(h.stdout.split('\n')).toContain('www.example.com has address 192.0.2.80');
  });

  it('logs the queries it answered and stops on SIGINT with status 0', async () => {
    const logged = () => served.some((l) => /^127\.0\.0\.1 (udp|tcp) www\.example\.com\. answer$/.test(l));
    // The server's output arrives through a pipe: give the event loop a moment to read it.
    for (let i = 0; i < 50 && !logged(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(logged()).toBe(true);
    server.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(served.at(-1)).toBe('netlab: DNS server stopped');
  });
});

describe('netlab DNS commands: bad input', () => {
  it('a bad zone file names the file and line; a missing one says so; bad options give usage', () => {
    const bad = join(dir, 'bad.zone');
    writeFileSync(bad, '$ORIGIN example.org.\n$TTL 300\n@ SOA ns1 h 1 2 3 4 5\nwww A 999.1.1.1\n');
    const r = netlab(['serve', 'dns', '--port', '0', '--zone', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^netlab serve dns: ${bad.replace(/[.\\/]/g, '\\$&')}:4: `));
    const missing = netlab(['serve', 'dns', '--port', '0', '--zone', join(dir, 'nope.zone')]);
    expect([missing.status, missing.stderr]).toEqual([
      2,
      `netlab serve dns: ${join(dir, 'nope.zone')}: No such file or directory\n`,
    ]);
    expect(netlab(['serve', 'dns', '--zone', zone]).status).toBe(2);
    expect(netlab(['serve', 'ftp']).stderr).toBe(
      "netlab serve: unknown protocol 'ftp' (known: dns, https, http, h2)\n",
    );
    const dig = netlab(['dig', '+frob', 'x']);
    expect([dig.status, dig.stderr.split('\n')[0]]).toEqual([1, 'Invalid option: +frob']);
  });
});
