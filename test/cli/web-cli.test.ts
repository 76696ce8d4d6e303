/**
 * `netlab pki`, `netlab serve https|http|h2` and `netlab curl` as a user runs them:
 * a CA and a certificate on disk, the server says which port it took, the real curl and
 * netlab's curl both fetch from it (trusting the CA with --cacert), and each server
 * stops on SIGTERM.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/netlab.js', import.meta.url));
const hasCurl = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
if (!hasCurl)
  console.warn('\n*** curl is not installed: the real-curl halves of the CLI tests are SKIPPED ***\n');

function netlab(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { encoding: 'utf8', timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

function curl(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', args, { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const dir = mkdtempSync(join(tmpdir(), 'netlab-web-cli-'));
const root = join(dir, 'site');
mkdirSync(root);
writeFileSync(join(root, 'index.html'), '<h1>hello from netlab</h1>\n');
const running: ChildProcess[] = [];

/** Starts `netlab serve ...` and resolves with the port it printed. */
function serve(
  args: string[],
): Promise<{ port: number; child: ChildProcess; line: string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [bin, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`no port: ${seen}`)), 30_000);
    const look = (d: Buffer) => {
      seen += d.toString();
      const m = /listening on \S+ port (\d+).*$/m.exec(seen);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), child, line: m[0], exited });
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', (d: Buffer) => {
      seen += d.toString();
    });
  });
}

afterAll(() => {
  for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('netlab pki, serve and curl', () => {
  const pki = join(dir, 'pki');

  it('pki init writes a CA; pki issue a certificate with its chain and key', async () => {
    const init = await netlab(['pki', 'init', pki]);
    expect(init.status).toBe(0);
    expect(existsSync(join(pki, 'ca.crt')) && existsSync(join(pki, 'ca.key'))).toBe(true);
    const issue = await netlab(['pki', 'issue', pki, 'localhost', '127.0.0.1']);
    expect(issue.status).toBe(0);
    expect(issue.stdout).toContain('localhost.crt');
    const crt = readFileSync(join(pki, 'localhost.crt'), 'utf8');
    expect(crt.match(/BEGIN CERTIFICATE/g)?.length).toBe(2); // the leaf, then the CA
    expect(readFileSync(join(pki, 'localhost.key'), 'utf8')).toMatch(/BEGIN (EC )?PRIVATE KEY/);
    expect((await netlab(['pki', 'issue', pki])).status).toBe(2);
  });

  it('serve https on port 0: real curl --cacert and netlab curl --cacert fetch the page; SIGTERM stops it', async () => {
    const s = await serve([
      'https',
      '--port',
      '0',
      '--cert',
      join(pki, 'localhost.crt'),
      '--key',
      join(pki, 'localhost.key'),
      '--root',
      root,
    ]);
    expect(s.line).toMatch(/^listening on 127\.0\.0\.1 port \d+, serving .*: https:\/\/127\.0\.0\.1:\d+\/$/);
    const url = `https://localhost:${s.port}/`;
    if (hasCurl) {
      const real = await curl(['-sS', '--cacert', join(pki, 'ca.crt'), url]);
      expect(real.stderr).toBe('');
      expect(real.stdout).toBe('<h1>hello from netlab</h1>\n');
    }
    const ours = await netlab(['curl', '-v', '--cacert', join(pki, 'ca.crt'), url]);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe('<h1>hello from netlab</h1>\n');
    expect(ours.stderr).toContain('*  SSL certificate verify ok.');
    expect(ours.stderr).toContain(`*  CAfile: ${join(pki, 'ca.crt')}`);
    // Without the CA, the system store does not know it: exit 60.
    const refused = await netlab(['curl', '-sS', url]);
    expect(refused.status).toBe(60);
    expect(refused.stderr).toContain(
      'curl: (60) SSL certificate problem: self-signed certificate in certificate chain',
    );
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
  });

  it('serve http: netlab curl and real curl fetch over plain HTTP', async () => {
    const s = await serve(['http', '--port', '0', '--root', root]);
    const url = `http://127.0.0.1:${s.port}/`;
    const ours = await netlab(['curl', '-s', url]);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe('<h1>hello from netlab</h1>\n');
    if (hasCurl) expect((await curl(['-s', url])).stdout).toBe('<h1>hello from netlab</h1>\n');
    s.child.kill('SIGINT');
    expect(await s.exited).toBe(0);
  });

  it.skipIf(!hasCurl)(
    'serve h2 --cleartext: curl --http2-prior-knowledge and netlab curl speak HTTP/2 to it',
    async () => {
      const s = await serve(['h2', '--port', '0', '--cleartext', '--root', root]);
      const url = `http://127.0.0.1:${s.port}/`;
      const real = await curl(['-sv', '--http2-prior-knowledge', url]);
      expect(real.stdout).toBe('<h1>hello from netlab</h1>\n');
      expect(real.stderr).toContain('< HTTP/2 200');
      const ours = await netlab(['curl', '-sv', '--http2-prior-knowledge', url]);
      expect(ours.stdout).toBe('<h1>hello from netlab</h1>\n');
      expect(ours.stderr).toContain('< HTTP/2 200 ');
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    },
  );

  it('usage errors exit 2', async () => {
    const r = await netlab(['serve', 'https', '--port', '0', '--root', root]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--cert FILE and --key FILE are needed');
  });
});
