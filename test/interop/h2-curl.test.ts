/**
 * `netlab curl --http2` against the real curl 7.88.1: both fetch from netlab's real-mode
 * HTTP/2 server (h2c prior knowledge), and what they print must be the same, line for
 * line — the only difference allowed is the heap address curl prints as "easy handle".
 * `netlab curl` is curl's one engine (realCurl with --http2-prior-knowledge:
 * src/tools/commands/curl-transfers.ts, which the simulator's curl runs too).
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RealCurlOptions, realCurl as netlabCurl } from '../../src/real/http-client.ts';
import { type H2ServerHandle, serveH2 } from '../../src/real/h2-server.ts';

const hasCurl = spawnSync('curl', ['--version'], { encoding: 'utf8' });
const curlOk = hasCurl.status === 0 && /curl 7\.88\.1/.test(hasCurl.stdout) && /nghttp2/.test(hasCurl.stdout);
if (!curlOk) {
  console.warn(
    'SKIPPED: curl 7.88.1 with nghttp2 is not installed, so the curl --http2 output comparison did not run.',
  );
}

function realCurl(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string[] }> {
  return new Promise((resolve) => {
    execFile('curl', args, { encoding: 'buffer' }, (err, stdout, stderr) => {
      const code = err ? Number((err as { code?: number }).code ?? 1) : 0;
      const lines = stderr.toString('utf8').split('\n');
      if (lines.at(-1) === '') lines.pop();
      resolve({ code, stdout, stderr: lines });
    });
  });
}

const normalise = (lines: readonly string[]) =>
  lines.map((l) =>
    l.replace(/easy handle 0x[0-9a-f]+/, 'easy handle 0x…').replace(/host: 0x[0-9a-f]+/, 'host: 0x…'),
  );

/** The upload's lines, and the others, each in their order. */
function uploadApart(lines: readonly string[]): [string[], string[]] {
  const upload = (l: string) => l.startsWith('} [') || l === '* We are completely uploaded and fine';
  return [lines.filter(upload), lines.filter((l) => !upload(l))];
}

describe.skipIf(!curlOk)('netlab curl --http2 prints what curl 7.88.1 prints', () => {
  let server: H2ServerHandle;
  let base: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-h2curl-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>netlab</title>\n');
    server = await serveH2({ port: 0, root: dir, cleartext: true });
    base = `http://127.0.0.1:${server.port}`;
  });
  afterAll(() => server.close());

  const cases: [string, string[], Partial<Omit<RealCurlOptions, 'url'>>][] = [
    ['GET', [], {}],
    ['HEAD (-I)', ['-I'], { head: true }],
    ['POST (-d), answered 405', ['-d', 'a=1&b=2'], { data: 'a=1&b=2' }],
    ['a 404 with -H', ['-H', 'X-Test: yes'], { headers: [['X-Test', 'yes']] }],
  ];

  for (const [name, args, options] of cases) {
    it(name, async () => {
      const path = name.startsWith('a 404') ? '/missing' : '/index.html';
      const url = `${base}${path}`;
      const real = await realCurl(['-sv', '--http2-prior-knowledge', ...args, url]);
      expect(real.stderr.length).toBeGreaterThan(15);
      const engine = await netlabCurl({
        url,
        verbose: true,
        silent: true,
        tty: false,
        keepCr: true,
        http2PriorKnowledge: true,
        ...options,
      });
      // The upload's lines ("} [7 bytes data]", "We are completely uploaded and fine") come
      // before or after the 405's when the server answers on the request's HEADERS: that
      // depends on which reaches curl first on a loaded machine, so they are compared apart.
      const [engineUpload, engineRest] = uploadApart(normalise(engine.stderr));
      const [realUpload, realRest] = uploadApart(normalise(real.stderr));
      expect(engineRest).toEqual(realRest);
      expect(engineUpload).toEqual(realUpload);
      expect(Buffer.from(engine.stdout).toString('utf8')).toBe(real.stdout.toString('utf8'));
      expect(engine.exitCode).toBe(real.code);
    });
  }

  it('a refused connection', async () => {
    const url = 'http://127.0.0.1:1/';
    const real = await realCurl(['-sSv', '--http2-prior-knowledge', url]);
    expect(real.code).toBe(7);
    const engine = await netlabCurl({
      url,
      verbose: true,
      silent: true,
      showError: true,
      tty: false,
      http2PriorKnowledge: true,
    });
    // The milliseconds a refused connect took are the machine's.
    const ms = (lines: readonly string[]) => lines.map((l) => l.replace(/after \d+ ms/, 'after N ms'));
    expect(ms(engine.stderr)).toEqual(ms(real.stderr));
    expect(engine.exitCode).toBe(7);
  });
});
