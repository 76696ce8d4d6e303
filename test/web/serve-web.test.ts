/** The static server `npm start` serves the lab with, and when it builds and serves. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  portsToTry,
  resolveRequestPath,
  serveStatic,
  type StaticServer,
  wantsWebLab,
  webBuildStale,
} from '../../src/cli/serve-web.ts';

function get(
  port: number,
  path: string,
  method = 'GET',
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((ok, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (d) => (body += String(d)));
      res.on('end', () => ok({ status: res.statusCode!, type: String(res.headers['content-type']), body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('static server', () => {
  let root: string;
  let server: StaticServer;

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netlab-serve-'));
    root = join(dir, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>lab</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(root, 'assets', 'style.css'), 'body{}');
    writeFileSync(join(root, 'assets', 'data.bin'), 'xx');
    writeFileSync(join(dir, 'secret.txt'), 'do not serve');
    server = await serveStatic(root, 0);
  });

  afterAll(async () => {
    await server.close();
    rmSync(join(root, '..'), { recursive: true, force: true });
  });

  it('serves files with their MIME types, and index.html for the root', async () => {
    expect(server.url).toBe(`http://localhost:${server.port}/`);
    expect(await get(server.port, '/')).toEqual({
      status: 200,
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><title>lab</title>',
    });
    expect((await get(server.port, '/assets/app.js?v=1')).type).toBe('text/javascript; charset=utf-8');
    expect((await get(server.port, '/assets/style.css')).type).toBe('text/css; charset=utf-8');
    expect((await get(server.port, '/assets/data.bin')).type).toBe('application/octet-stream');
    expect(await get(server.port, '/assets/app.js', 'HEAD')).toMatchObject({ status: 200, body: '' });
  });

  it('refuses paths that leave the root, other methods and missing files', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/a%00b',
      '/%E0%A4%A',
    ]) {
      const r = await get(server.port, path);
      expect([path, r.status]).toEqual([path, 400]);
      expect(r.body).not.toContain('do not serve');
    }
    expect((await get(server.port, '/nope.js')).status).toBe(404);
    expect((await get(server.port, '/', 'POST')).status).toBe(405);
  });

  it('resolves request paths inside the root only', () => {
    expect(resolveRequestPath('/srv/lab', '/assets/x.js')).toBe('/srv/lab/assets/x.js');
    expect(resolveRequestPath('/srv/lab', '/a/./b//c')).toBe('/srv/lab/a/b/c');
    expect(resolveRequestPath('/srv/lab', '/a/b/..')).toBeNull();
    expect(resolveRequestPath('/srv/lab', '/%5c..%5cx')).toBeNull();
    expect(resolveRequestPath('/srv/lab', 'relative')).toBeNull();
  });

  it('takes the next port when one is busy', async () => {
    const second = await serveStatic(root, [server.port, 0]);
    expect(second.port).not.toBe(server.port);
    await second.close();
  });
});

describe('npm start and the lab', () => {
  it('serves for a person at a terminal, not when piped or under CI, unless told', () => {
    expect(wantsWebLab([], true, {})).toBe(true);
    expect(wantsWebLab([], false, {})).toBe(false);
    expect(wantsWebLab([], true, { CI: 'true' })).toBe(false);
    expect(wantsWebLab(['--no-web'], true, {})).toBe(false);
    expect(wantsWebLab(['--web'], false, { CI: 'true' })).toBe(true);
  });

  it('uses PORT when set, else 5173 and the next ones, then any free port', () => {
    expect(portsToTry({ PORT: '8080' })).toEqual([8080]);
    expect(portsToTry({}).slice(0, 3)).toEqual([5173, 5174, 5175]);
    expect(portsToTry({}).at(-1)).toBe(0);
    expect(() => portsToTry({ PORT: 'http' })).toThrow(/PORT must be a port number/);
  });

  it('rebuilds when web/dist is missing or older than a source', () => {
    const repo = mkdtempSync(join(tmpdir(), 'netlab-stale-'));
    try {
      mkdirSync(join(repo, 'web', 'src'), { recursive: true });
      mkdirSync(join(repo, 'src', 'sim'), { recursive: true });
      mkdirSync(join(repo, 'src', 'cli'), { recursive: true });
      writeFileSync(join(repo, 'web', 'src', 'main.ts'), '');
      writeFileSync(join(repo, 'src', 'sim', 'time.ts'), '');
      writeFileSync(join(repo, 'src', 'cli', 'main.ts'), '');
      expect(webBuildStale(repo)).toBe(true);
      mkdirSync(join(repo, 'web', 'dist'));
      writeFileSync(join(repo, 'web', 'dist', 'index.html'), '');
      const past = new Date(Date.now() - 60_000);
      for (const f of ['web/src/main.ts', 'src/sim/time.ts']) utimesSync(join(repo, f), past, past);
      expect(webBuildStale(repo)).toBe(false);
      // The CLI is not in the bundle: changing it does not make the lab stale.
      writeFileSync(join(repo, 'src', 'cli', 'main.ts'), '// changed');
      expect(webBuildStale(repo)).toBe(false);
      writeFileSync(join(repo, 'src', 'sim', 'time.ts'), '// changed');
      expect(webBuildStale(repo)).toBe(true);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
