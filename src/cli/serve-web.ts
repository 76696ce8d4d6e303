/**
 * Serving the web lab for `npm start`: builds web/dist when it is missing or older than
 * its sources (the app, the simulator it bundles, the examples), then serves it on a
 * localhost port with a small static file server.
 *
 * The server answers GET and HEAD only, for files under its root: paths are decoded,
 * normalised and checked to stay inside the root (no `..`, no encoded separators, no NUL),
 * directories serve their index.html, unknown types go out as application/octet-stream
 * with `X-Content-Type-Options: nosniff`. It listens on 127.0.0.1 only.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_DIST = join(REPO_ROOT, 'web', 'dist');

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.woff2': 'font/woff2',
  '.pcap': 'application/vnd.tcpdump.pcap',
};

/** The file a request path names under `root`, or null when it would leave the root or is malformed. */
export function resolveRequestPath(root: string, urlPath: string): string | null {
  const path = urlPath.split('?')[0]!.split('#')[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || !decoded.startsWith('/')) return null;
  if (decoded.split('/').some((part) => part === '..')) return null;
  const base = resolve(root);
  const full = resolve(base, `.${normalize(decoded)}`);
  if (full !== base && !full.startsWith(base + sep)) return null;
  return full;
}

export interface StaticServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Serves `root` on 127.0.0.1. `port` 0 asks the system for a free port; a list tries each
 * in turn (5173, 5174...), taking the first free one.
 */
export async function serveStatic(root: string, ports: number | readonly number[]): Promise<StaticServer> {
  const server = createServer((req, res) => {
    void handle(root, req.method ?? 'GET', req.url ?? '/').then(
      ({ status, headers, body }) => {
        res.writeHead(status, headers);
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      () => {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('internal error\n');
      },
    );
  });
  const candidates = typeof ports === 'number' ? [ports] : ports;
  let lastError: unknown;
  for (const p of candidates) {
    try {
      await new Promise<void>((ok, fail) => {
        const onError = (e: Error) => {
          server.off('listening', onListening);
          fail(e);
        };
        const onListening = () => {
          server.off('error', onError);
          ok();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(p, '127.0.0.1');
      });
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : p;
      return {
        server,
        port,
        url: `http://localhost:${port}/`,
        close: () => new Promise<void>((ok) => server.close(() => ok())),
      };
    } catch (e) {
      lastError = e;
      if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
    }
  }
  throw lastError;
}

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

async function handle(root: string, method: string, url: string): Promise<Answer> {
  const text = (status: number, body: string, extra: Record<string, string> = {}): Answer => ({
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', ...extra },
    body: `${body}\n`,
  });
  if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed', { Allow: 'GET, HEAD' });
  let file = resolveRequestPath(root, url);
  if (file === null) return text(400, 'bad path');
  let info = await stat(file).catch(() => null);
  if (info?.isDirectory()) {
    file = join(file, 'index.html');
    info = await stat(file).catch(() => null);
  }
  if (!info?.isFile()) return text(404, 'not found');
  const body = await readFile(file);
  const type = MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  return {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Length': String(body.length),
      'X-Content-Type-Options': 'nosniff',
      // Hashed assets never change; the page must be fetched fresh to see a new build.
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    },
    body,
  };
}

/** The newest modification time (ms) of the files the lab is built from. */
export function newestSource(repo = REPO_ROOT): number {
  let newest = 0;
  const walk = (dir: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (p === join(repo, 'src', 'real') || p === join(repo, 'src', 'cli')) continue;
        walk(p);
      } else if (!entry.name.endsWith('.test.ts')) {
        newest = Math.max(newest, statSync(p).mtimeMs);
      }
    }
  };
  walk(join(repo, 'web', 'src'));
  walk(join(repo, 'src'));
  walk(join(repo, 'examples'));
  for (const f of ['web/index.html', 'web/vite.config.ts', 'package-lock.json']) {
    const p = join(repo, f);
    if (existsSync(p)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Whether web/dist is missing or older than its sources. */
export function webBuildStale(repo = REPO_ROOT): boolean {
  const index = join(repo, 'web', 'dist', 'index.html');
  if (!existsSync(index)) return true;
  return statSync(index).mtimeMs < newestSource(repo);
}

/** Runs `vite build` for the lab (into `outDir`, default web/dist). Rejects with its output on failure. */
export function buildWeb(outDir?: string, repo = REPO_ROOT): Promise<void> {
  const vite = join(repo, 'node_modules', 'vite', 'bin', 'vite.js');
  const args = [vite, 'build', '--config', join(repo, 'web', 'vite.config.ts'), '--logLevel', 'warn'];
  if (outDir !== undefined) args.push('--outDir', outDir, '--emptyOutDir');
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, args, { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += String(d)));
    child.stderr.on('data', (d) => (output += String(d)));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? ok() : fail(new Error(`vite build failed (${code}):\n${output}`)),
    );
  });
}

/** The ports `npm start` tries: PORT when set, else 5173 and the next nineteen, then any free one. */
export function portsToTry(env: NodeJS.ProcessEnv): number[] {
  const fromEnv = env.PORT;
  if (fromEnv !== undefined && fromEnv !== '') {
    const n = Number(fromEnv);
    if (!(Number.isInteger(n) && n >= 0 && n <= 65535))
      throw new Error(`PORT must be a port number, got '${fromEnv}'`);
    return [n];
  }
  return [...Array.from({ length: 20 }, (_, i) => 5173 + i), 0];
}

/**
 * Whether `netlab tour` goes on to serve the lab: `--no-web` says no, `--web` says yes;
 * otherwise only for a person at a terminal — not when the output is piped or captured
 * (a test, a script) or under CI, where a server that never exits would hang the caller.
 */
export function wantsWebLab(args: readonly string[], stdoutIsTty: boolean, env: NodeJS.ProcessEnv): boolean {
  if (args.includes('--no-web')) return false;
  if (args.includes('--web')) return true;
  return stdoutIsTty && env.CI !== 'true' && env.CI !== '1';
}

/**
 * What `netlab tour` does after the tour: build the lab if needed, serve it, print the URL,
 * and keep serving until the process is stopped (Ctrl-C). Resolves with an exit status
 * when the server closes or could not start.
 */
export async function serveWebLab(
  write: (line: string) => void,
  error: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let s: StaticServer;
  try {
    if (webBuildStale()) {
      write('# building the web lab (web/dist)...');
      await buildWeb();
    }
    s = await serveStatic(WEB_DIST, portsToTry(env));
  } catch (e) {
    error(`netlab: the web lab could not be served: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  write(`# the web lab, with this tour loaded: ${s.url}  (Ctrl-C to stop)`);
  await new Promise<void>((ok) => s.server.on('close', () => ok()));
  return 0;
}
