/**
 * Interop with BIND's real dig and nslookup (Debian's dnsutils): they query netlab's
 * real-mode server on 127.0.0.1 (an ephemeral port, UDP and TCP), and netlab's own dig
 * asks the same questions; both outputs must be the same lines, except the fields that
 * differ run to run (query ID, query time, WHEN, the version in the banner).
 *
 * Skips with a loud warning when dig is not installed (CI installs dnsutils).
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigArgs, realDig, realNslookup } from '../../src/real/dns-client.ts';
import type { DnsServerHandle } from '../../src/real/dns-server.ts';
import { maskDigRunFields, serveZone } from './dig-helpers.ts';

const run = promisify(execFile);
const hasDig = spawnSync('dig', ['-v'], { stdio: 'ignore' }).status === 0;
const hasNslookup = spawnSync('nslookup', ['-version'], { stdio: 'ignore' }).status === 0;
if (!hasDig)
  console.warn('\n*** dig is not installed: DNS interop tests are SKIPPED (apt-get install dnsutils) ***\n');

const big = Array.from(
  { length: 12 },
  (_, i) => `big TXT "${String(i).padStart(3, '0')} ${'z'.repeat(160)}"`,
).join('\n');
const ZONE = `$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@ NS ns1
@ MX 10 mail
@ TXT "v=spf1 mx -all" "with \\"quotes\\" and \\\\ backslash"
ns1 A 127.0.0.53
www A 192.0.2.80
www AAAA 2001:db8::80
mail A 192.0.2.25
alias CNAME www
a-rather-long-owner-name-for-columns A 192.0.2.7
${big}
`;

let server: DnsServerHandle;

beforeAll(async () => {
  if (!hasDig) return;
  server = await serveZone(ZONE, 'netlab-dns-');
});

afterAll(async () => {
  await server?.close();
});

async function realDigLines(args: string[]): Promise<{ lines: string[]; status: number }> {
  try {
    const { stdout } = await run('dig', args, { timeout: 20_000 });
    const lines = stdout.split('\n');
    lines.pop();
    return { lines, status: 0 };
  } catch (e) {
    const err = e as { stdout: string; code: number };
    const lines = err.stdout.split('\n');
    lines.pop();
    return { lines, status: err.code };
  }
}

async function compare(question: string[]): Promise<string[]> {
  const args = ['@127.0.0.1', '-p', String(server.port), ...question];
  const real = await realDigLines(args);
  const ours = await realDig(parseDigArgs(args));
  expect(real.lines.length).toBeGreaterThan(0);
  expect(maskDigRunFields(ours.lines)).toEqual(maskDigRunFields(real.lines));
  expect(ours.status).toBe(real.status);
  return real.lines;
}

describe.skipIf(!hasDig)('real dig against netlab serve dns, and netlab dig beside it', () => {
  it('A: the same output line for line', async () => {
    const lines = await compare(['www.example.com', 'A']);
    expect(lines).toContain('www.example.com.\t3600\tIN\tA\t192.0.2.80');
    expect(lines).toContain(';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1');
  });

  it('AAAA, MX with its additional address, TXT with escapes', async () => {
    expect(await compare(['www.example.com', 'AAAA'])).toContain(
      'www.example.com.\t3600\tIN\tAAAA\t2001:db8::80',
    );
    const mx = await compare(['example.com', 'MX']);
    expect(mx).toContain('mail.example.com.\t3600\tIN\tA\t192.0.2.25');
    const txt = await compare(['example.com', 'TXT']);
    expect(txt).toContain(
      'example.com.\t\t3600\tIN\tTXT\t"v=spf1 mx -all" "with \\"quotes\\" and \\\\ backslash"',
    );
  });

  it('CNAME chased inside the zone, and a long owner name past its column', async () => {
    const lines = await compare(['alias.example.com', 'A']);
    expect(lines).toContain('alias.example.com.\t3600\tIN\tCNAME\twww.example.com.');
    expect(await compare(['a-rather-long-owner-name-for-columns.example.com'])).toContain(
      'a-rather-long-owner-name-for-columns.example.com. 3600 IN A 192.0.2.7',
    );
  });

  it('NXDOMAIN with the SOA in the authority section', async () => {
    const lines = await compare(['nope.example.com']);
    expect(maskDigRunFields(lines)).toContain(';; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: X');
    expect(lines).toContain(
      'example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300',
    );
  });

  it('+tcp, and +short', async () => {
    const tcp = await compare(['www.example.com', '+tcp']);
    expect(tcp).toContain(`;; SERVER: 127.0.0.1#${server.port}(127.0.0.1) (TCP)`);
    expect(await compare(['www.example.com', '+short'])).toEqual(['192.0.2.80']);
  });

  it('a truncated answer makes dig (real and ours) retry over TCP', async () => {
    for (const extra of [[], ['+noedns']]) {
      const lines = await compare(['big.example.com', 'TXT', ...extra]);
      expect(lines[0]).toBe(';; Truncated, retrying in TCP mode.');
      expect(lines).toContain(`;; SERVER: 127.0.0.1#${server.port}(127.0.0.1) (TCP)`);
      expect(lines.filter((l) => l.startsWith('big.example.com.'))).toHaveLength(12);
    }
  });

  it.skipIf(!hasNslookup)('nslookup: real and ours print the same', async () => {
    for (const name of ['www.example.com', 'alias.example.com', 'nope.example.com']) {
      let real: string[];
      let status = 0;
      try {
        real = (
          await run('nslookup', [`-port=${server.port}`, name, '127.0.0.1'], { timeout: 20_000 })
        ).stdout.split('\n');
      } catch (e) {
        const err = e as { stdout: string; code: number };
        real = err.stdout.split('\n');
        status = err.code;
      }
      real.pop();
      const ours = await realNslookup({ name, server: '127.0.0.1', port: server.port });
      expect(ours.lines, name).toEqual(real);
      expect(ours.status).toBe(status);
    }
  });
});
