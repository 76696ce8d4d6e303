/**
 * The DNS tools' options and their output, beside BIND's own (Debian's dnsutils / bind9-host):
 * dig's display options and several lookups on one line, nslookup -type=..., host, and
 * what each prints when nothing listens on the port. netlab's tools run the same code in
 * the simulator, so this pins the simulated output too.
 *
 * Skips with a loud warning when dig is not installed.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDigArgs, realDig, realHost, realNslookupArgs } from '../../src/real/dns-client.ts';
import type { DnsServerHandle } from '../../src/real/dns-server.ts';
import { maskDigRunFields, serveZone } from './dig-helpers.ts';

const run = promisify(execFile);
const has = (tool: string, arg: string) => spawnSync(tool, [arg], { stdio: 'ignore' }).error === undefined;
const hasDig = has('dig', '-v');
const hasNslookup = has('nslookup', '-version');
const hasHost = has('host', '-V');
if (!hasDig)
  console.warn(
    '\n*** dig is not installed: DNS tool interop tests are SKIPPED (apt-get install dnsutils) ***\n',
  );

const ZONE = `$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300
@ NS ns1
@ MX 10 mail
ns1 A 127.0.0.53
www A 192.0.2.80
www AAAA 2001:db8::80
mail A 192.0.2.25
alias CNAME www
text TXT "hello world"
`;

let server: DnsServerHandle;
/** A port nothing listens on (UDP or TCP): the server's, once closed. */
let closedPort: number;

beforeAll(async () => {
  if (!hasDig) return;
  const probe = await serveZone(ZONE, 'netlab-dns-tools-');
  closedPort = probe.port;
  await probe.close();
  server = await serveZone(ZONE, 'netlab-dns-tools-');
});

afterAll(async () => {
  await server?.close();
});

async function real(
  tool: string,
  args: string[],
): Promise<{ lines: string[]; errors: string[]; status: number }> {
  const split = (t: string) => {
    const l = t.split('\n');
    if (l.at(-1) === '') l.pop();
    return l;
  };
  try {
    const { stdout, stderr } = await run(tool, args, { timeout: 30_000 });
    return { lines: split(stdout), errors: split(stderr), status: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { lines: split(err.stdout), errors: split(err.stderr), status: err.code };
  }
}

async function sameDig(args: string[]): Promise<string[]> {
  const theirs = await real('dig', args);
  const ours = await realDig(parseDigArgs(args));
  expect(maskDigRunFields(ours.lines), args.join(' ')).toEqual(maskDigRunFields(theirs.lines));
  expect(ours.status, args.join(' ')).toBe(theirs.status);
  return theirs.lines;
}

describe.skipIf(!hasDig)('dig options, as BIND 9.18 prints them', () => {
  const at = () => ['@127.0.0.1', '-p', String(server.port)];

  it('the display options', async () => {
    for (const opts of [
      ['+noall', '+answer'],
      ['+nocmd'],
      ['+nocomments'],
      ['+noquestion'],
      ['+nostats'],
      ['+noall', '+comments', '+answer'],
      ['+noall', '+stats'],
      ['+noadditional'],
      ['+nocmd', '+noall', '+answer', '+authority'],
    ])
      await sameDig([...at(), 'example.com', 'MX', ...opts]);
    expect(await sameDig([...at(), 'www.example.com', '+noall', '+answer'])).toEqual([
      'www.example.com.\t3600\tIN\tA\t192.0.2.80',
    ]);
  });

  it('+short follows CNAMEs; NXDOMAIN and other types in short form', async () => {
    expect(await sameDig([...at(), 'alias.example.com', '+short'])).toEqual([
      'www.example.com.',
      '192.0.2.80',
    ]);
    expect(await sameDig([...at(), 'example.com', 'MX', '+short'])).toEqual(['10 mail.example.com.']);
    expect(await sameDig([...at(), 'text.example.com', 'TXT', '+short'])).toEqual(['"hello world"']);
    expect(await sameDig([...at(), 'nope.example.com', '+short'])).toEqual([]);
  });

  it('several lookups on one command line, with options local to each', async () => {
    await sameDig([...at(), 'www.example.com', 'nope.example.com', 'MX', '+nocmd']);
    await sameDig([...at(), '+nocmd', 'www.example.com', 'AAAA', 'example.com', 'NS', '+noall', '+answer']);
    await sameDig([...at(), 'MX', 'example.com', '+norec']);
    await sameDig([...at(), '-x', '192.0.2.80', '+nostats']);
  });

  it('nothing listening: connection refused over UDP and TCP, with global and local +short', async () => {
    const closed = ['@127.0.0.1', '-p', String(closedPort), '+tries=2'];
    await sameDig([...closed, 'www.example.com']);
    await sameDig([...closed, '+short', 'www.example.com']);
    await sameDig([...closed, 'www.example.com', '+short']);
    await sameDig([...closed, '+tcp', 'www.example.com']);
    await sameDig([...closed, 'www.example.com', 'nope.example.com']);
  });

  it('usage errors: the same message on stderr and the same status', async () => {
    for (const args of [
      ['+frob', 'x'],
      ['-p', 'x', 'x'],
      ['+tries', 'x'],
      ['-z', 'x'],
    ]) {
      const theirs = await real('dig', args);
      const cmd = (await import('../../src/tools/dns/dig-options.ts')).parseDigCommandLine(args);
      expect('error' in cmd && cmd.error, args.join(' ')).toEqual(theirs.errors);
      expect('error' in cmd && cmd.out, args.join(' ')).toEqual(theirs.lines);
      expect('error' in cmd && cmd.status, args.join(' ')).toBe(theirs.status);
    }
  });
});

describe.skipIf(!hasDig || !hasNslookup)('nslookup -type=..., as BIND 9.18 prints it', () => {
  it('every type it has words for, NODATA, NXDOMAIN, a reverse lookup and a closed port', async () => {
    const port = () => `-port=${server.port}`;
    for (const args of [
      ['-type=MX', 'example.com'],
      ['-type=NS', 'example.com'],
      ['-type=SOA', 'example.com'],
      ['-type=TXT', 'text.example.com'],
      ['-type=TXT', 'www.example.com'],
      ['-type=CNAME', 'alias.example.com'],
      ['-type=AAAA', 'www.example.com'],
      ['-query=mx', 'nope.example.com'],
      ['example.com'],
      ['mail.example.com'],
      ['alias.example.com'],
      ['192.0.2.80'],
      ['-frob', '-type=FOO', 'www.example.com'],
    ]) {
      const full = [port(), ...args, '127.0.0.1'];
      const theirs = await real('nslookup', full);
      const ours = await realNslookupArgs(full);
      expect(ours.lines, full.join(' ')).toEqual(theirs.lines);
      expect(ours.status, full.join(' ')).toBe(theirs.status);
    }
    const closed = [`-port=${closedPort}`, 'www.example.com', '127.0.0.1'];
    const theirs = await real('nslookup', closed);
    const ours = await realNslookupArgs(closed);
    expect(ours.lines).toEqual(theirs.lines);
    expect(ours.status).toBe(theirs.status);
  });
});

describe.skipIf(!hasDig || !hasHost)('host, as BIND 9.18 prints it', () => {
  it('the default lookups, -t, reverse lookups, NXDOMAIN and a closed port', async () => {
    for (const args of [
      ['www.example.com'],
      ['alias.example.com'],
      ['example.com'],
      ['mail.example.com'],
      ['nope.example.com'],
      ['-t', 'MX', 'example.com'],
      ['-t', 'TXT', 'www.example.com'],
      ['-t', 'TXT', 'text.example.com'],
      ['-t', 'SOA', 'example.com'],
      ['-t', 'NS', 'example.com'],
      ['192.0.2.80'],
    ]) {
      const full = ['-p', String(server.port), ...args, '127.0.0.1'];
      const theirs = await real('host', full);
      const ours = await realHost(full);
      expect(ours.lines, full.join(' ')).toEqual(theirs.lines);
      expect(ours.status, full.join(' ')).toBe(theirs.status);
    }
    const closed = ['-p', String(closedPort), 'www.example.com', '127.0.0.1'];
    const theirs = await real('host', closed);
    expect((await realHost(closed)).lines).toEqual(theirs.lines);
    const bad = await real('host', ['-t', 'frob', 'x']);
    const ours = await realHost(['-t', 'frob', 'x']);
    expect([ours.errors, ours.status]).toEqual([bad.errors, bad.status]);
  });
});
