/**
 * Runs the real `openssl` command line (OpenSSL 1.1 or 3.x) for interop tests: certificate
 * checks, and s_client / s_server as TLS peers of netlab's own TLS. Tests skip with a loud
 * warning when openssl is not installed: `describe.skipIf(!hasOpenssl())`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';

let available: boolean | undefined;

export function hasOpenssl(): boolean {
  if (available === undefined)
    available = spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
  return available;
}

export function warnIfNoOpenssl(what: string): void {
  if (!hasOpenssl()) {
    console.warn(
      `SKIPPED: openssl not installed, so ${what} did not run. Install it (apt-get install openssl).`,
    );
  }
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs openssl to completion with optional standard input. It blocks the event loop: never
 * use it against a server running in this process (use `opensslAsync`).
 */
export function openssl(args: readonly string[], input?: string): RunResult {
  const r = spawnSync('openssl', args, { input: input ?? '', encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Runs openssl without blocking the event loop (for peers served by this process). */
export function opensslAsync(
  args: readonly string[],
  input?: string,
  timeoutMs = 30_000,
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
    child.stdin!.end(input ?? '');
  });
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'netlab-tls-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * Runs a long-lived openssl process (s_client, s_server) and collects its output. `done`
 * resolves when it exits; `kill()` stops it (and only it).
 */
export function startOpenssl(args: readonly string[]): {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly done: Promise<number | null>;
  kill(): void;
} {
  const child = spawn('openssl', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d.toString('utf8');
  });
  const done = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => out,
    done,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}

/** Resolves once `pattern` appears in the output (or rejects after `ms`). */
export async function waitForOutput(output: () => string, pattern: RegExp, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!pattern.test(output())) {
    if (Date.now() - start > ms)
      throw new Error(`timed out waiting for ${pattern}; output so far:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * `openssl s_server -www` with this certificate and key (and `extra` options) on a free
 * loopback port, once it accepts: its https:// URL, what it printed, and `stop()`.
 */
export async function startWwwServer(
  cert: { readonly certFile: string; readonly keyFile: string },
  extra: readonly string[] = [],
): Promise<{
  readonly url: string;
  readonly port: number;
  readonly output: () => string;
  stop(): Promise<void>;
}> {
  const port = await freePort();
  const server = startOpenssl([
    's_server',
    '-accept',
    String(port),
    '-www',
    '-cert',
    cert.certFile,
    '-key',
    cert.keyFile,
    ...extra,
  ]);
  const stop = async () => {
    server.kill();
    await server.done;
  };
  try {
    await waitForOutput(server.output, /ACCEPT/);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `https://127.0.0.1:${port}/`, port, output: server.output, stop };
}

/** A loopback port free now, for an `openssl s_server -accept` to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Runs the real curl; its exit status and what it printed on stderr (-v lines, errors). */
export function curlStderr(args: readonly string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('curl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    child.once('close', (status) => resolve({ status, stderr }));
  });
}

/** Whether the real curl is installed; warns loudly, naming what is skipped, when it is not. */
export function curlAvailable(what: string): boolean {
  const ok = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!ok) console.warn(`SKIPPED: curl not installed, so ${what} did not run.`);
  return ok;
}
