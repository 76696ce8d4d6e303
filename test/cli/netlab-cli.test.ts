/** The `netlab` command as a user runs it: exit codes, output, files, errors. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/netlab.js', import.meta.url));

function netlab(args: string[], cwd?: string): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd, timeout: 120_000 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('netlab CLI', () => {
  it('runs an example by name and prints the timeline', () => {
    const r = netlab(['run', 'default']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('h1  $ ping -c 3 10.0.2.10');
    expect(r.stdout).toMatch(/\[\s+1\.0000\d\d\] h1 {4}64 bytes from 10\.0\.2\.10: icmp_seq=1 ttl=63 time=/);
    expect(r.stdout).toContain('3 packets transmitted, 3 received, 0% packet loss');
  });

  it('a command writing to /dev/null keeps nothing; a name leaving --out is not written there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-cli-'));
    const scenario = join(dir, 'files.yaml');
    writeFileSync(
      scenario,
      [
        'duration: 4s',
        'topology:',
        '  nodes:',
        '    a: { kind: host, ip: 10.0.0.1/24 }',
        '    b: { kind: host, ip: 10.0.0.2/24 }',
        '  links: [[a, b]]',
        'web:',
        "  - { server: b, files: { /index.html: 'hello' } }",
        'script:',
        '  - { at: 1s, node: a, run: curl -s -o /dev/null http://10.0.0.2/ }',
        '  - { at: 2s, node: a, run: curl -s -o ../escape.html http://10.0.0.2/ }',
        '  - { at: 3s, node: a, run: curl -s -o /pages/index.html http://10.0.0.2/ }',
      ].join('\n'),
    );
    const out = join(dir, 'out');
    const r = netlab(['run', scenario, '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`# not written: ../escape.html (outside the output folder ${out})`);
    expect(r.stdout).toContain(`# wrote ${join(out, 'pages', 'index.html')} (5 bytes)`);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('# wrote'))).toHaveLength(1);
    expect(readFileSync(join(out, 'pages', 'index.html'), 'utf8')).toBe('hello');
    expect(existsSync(join(dir, 'escape.html'))).toBe(false);
    expect(readdirSync(out)).toEqual(['pages']);
  });

  it('writes a pcap with --pcap and files written by commands into --out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-cli-'));
    const scenario = join(dir, 'cap.yaml');
    writeFileSync(
      scenario,
      [
        'duration: 3s',
        'topology:',
        '  nodes:',
        '    a: { kind: host, ip: 10.0.0.1/24 }',
        '    b: { kind: host, ip: 10.0.0.2/24 }',
        '  links: [[a, b]]',
        'script:',
        '  - { at: 0s, node: b, run: capture eth0 }',
        '  - { at: 1s, node: a, run: ping -c 1 10.0.0.2 }',
      ].join('\n'),
    );
    const r = netlab(['run', scenario, '--pcap', join(dir, 'all.pcap'), '--out', join(dir, 'out')]);
    expect(r.status).toBe(0);
    const all = readFileSync(join(dir, 'all.pcap'));
    expect(all.readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(r.stdout).toContain('(4 frames)');
    const b = readFileSync(join(dir, 'out', 'b-eth0.pcap'));
    expect(b.readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(b.length).toBeGreaterThan(24 + 4 * 16);
  });

  it('prints JSON lines with --json', () => {
    const r = netlab(['run', 'default', '--json']);
    expect(r.status).toBe(0);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: number; node: string; stream: string; text: string });
    expect(rows[0]).toMatchObject({ t: 1e9, node: 'h1', stream: 'cmd', text: 'ping -c 3 10.0.2.10' });
    expect(rows.some((x) => x.text.startsWith('64 bytes from'))).toBe(true);
  });

  it('reports a bad scenario file with file:line:column and exit status 2', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-cli-'));
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'topology:\n  nodes:\n    h1: { kind: hots }\n');
    const r = netlab(['run', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:3:\d+: unknown node kind 'hots' \(did you mean 'host'\?\)/);
  });

  it('says which file is missing', () => {
    const r = netlab(['run', 'no-such-scenario.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('no-such-scenario.yaml: No such file or directory');
  });

  it('rejects a bad seed and an unknown command', () => {
    expect(netlab(['run', 'default', '--seed', 'x']).status).toBe(2);
    const r = netlab(['frobnicate']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("unknown command 'frobnicate'");
  });

  it('pings and traceroutes on the default topology for a quick look', () => {
    const p = netlab(['ping', '-c', '2', 'h3']);
    expect(p.status).toBe(0);
    expect(p.stdout.split('\n')[0]).toBe('PING h3 (10.0.2.10) 56(84) bytes of data.');
    expect(p.stdout).toMatch(/64 bytes from h3 \(10\.0\.2\.10\): icmp_seq=1 ttl=63 time=/);
    const t = netlab(['traceroute', '-n', '10.0.2.10']);
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/ 1 {2}10\.0\.1\.1 {2}[\d.]+ ms/);
    const bad = netlab(['ping', '-c', '1', 'nowhere']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('ping: nowhere: Name or service not known');
  });

  it('tells the tour, in English or Korean, and writes the laptop’s capture and TLS keys', () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-cli-'));
    const en = netlab(['tour', '--no-web', '--pcap', join(dir, 't.pcap')]);
    expect(en.status).toBe(0);
    expect(en.stdout).toContain('» You type https://www.example.com/ into the browser and press Enter.');
    expect(en.stdout).toMatch(/» Step 3: laptop sends ACK ack=\d+ \(m\+1\)/);
    expect(en.stdout).toMatch(/» HTTPS: before any HTTP, TLS secures the TCP connection\. ClientHello/);
    expect(readFileSync(join(dir, 't.pcap')).readUInt32LE(0)).toBe(0xa1b23c4d);
    expect(readFileSync(join(dir, 't.keylog'), 'utf8')).toMatch(
      /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} /m,
    );
    const ko = netlab(['tour', '--no-web', '--no-pcap', '--lang', 'ko']);
    expect(ko.stdout).toContain('» 브라우저에 https://www.example.com/을(를) 입력하고 Enter를 누릅니다.');
    const http = netlab(['tour', '--no-web', '--no-pcap', '--http']);
    expect(http.stdout).toContain('» You type http://www.example.com/ into the browser and press Enter.');
    expect(netlab(['tour', '--lang', 'fr']).status).toBe(2);
  });

  it('checks and lists examples', () => {
    const c = netlab(['check', 'star']);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/star: ok: 6 nodes, 5 links/);
    const e = netlab(['examples']);
    expect(e.stdout).toMatch(/^default\s+/m);
    expect(e.stdout.trim().split('\n').length).toBeGreaterThanOrEqual(12);
  });
});
