/**
 * The real directory source and its cache (http-directory.ts) on a real file system: what
 * a hit reuses, what makes it read again (a change on disk, a file too fresh to trust), a
 * deleted file, symbolic links out of the root, and the bounds; then the same through
 * serveHttp and a real socket.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { FileEntry } from '../application/http/file-source.ts';
import { fileEtag } from '../application/http/static-files.ts';
import { directoryFiles } from './http-directory.ts';
import { serveHttp } from './http-server.ts';

const tmp = mkdtempSync(join(tmpdir(), 'netlab-dir-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let root: string;
let n = 0;
beforeEach(() => {
  root = join(tmp, `root${n++}`);
  mkdirSync(root);
});

/** A clock 10 s ahead: every file looks long settled, so content is cached at once. */
const later = () => Date.now() + 10_000;
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function file(e: FileEntry | undefined): Promise<Extract<FileEntry, { kind: 'file' }>> {
  if (e?.kind !== 'file') throw new Error(`not a file: ${JSON.stringify(e)}`);
  return e;
}

describe('directoryFiles cache', () => {
  it('a hit returns the bytes read before, validated by one stat', async () => {
    writeFileSync(join(root, 'a.html'), 'hello\n');
    const src = directoryFiles(root, { now: later });
    const first = await file(await src.stat('/a.html'));
    const bytes = await first.read();
    expect(dec(bytes)).toBe('hello\n');
    expect(src.cacheSize()).toEqual({ entries: 1, bytes: 6 });
    const again = await file(await src.stat('/a.html'));
    expect(again).toBe(first); // the same entry: nothing re-read, headers derivable once
    expect(await again.read()).toBe(bytes);
    const st = statSync(join(root, 'a.html'));
    expect([again.size, again.modified]).toEqual([6, st.mtimeMs]);
    await src.stat('/a.html/'); // the same file on disk: the same entry, held once
    expect(src.cacheSize()).toEqual({ entries: 1, bytes: 6 });
  });

  it('a file changed on disk is served fresh, even with its size and mtime put back', async () => {
    const path = join(root, 'a.html');
    writeFileSync(path, 'version 1\n');
    const src = directoryFiles(root, { now: later });
    expect(dec(await (await file(await src.stat('/a.html'))).read())).toBe('version 1\n');
    writeFileSync(path, 'version 22\n'); // another size
    const e2 = await file(await src.stat('/a.html'));
    expect(dec(await e2.read())).toBe('version 22\n');
    expect(e2.size).toBe(11);
    // Same size and mtime as before (`touch -d`, `cp -p`): only ctime tells. Wait out a
    // timestamp tick so the ctime moves (the settle rule covers the same-tick case).
    const T = 1_700_000_000; // whole seconds: utimes keeps them exactly
    utimesSync(path, T, T);
    expect(dec(await (await file(await src.stat('/a.html'))).read())).toBe('version 22\n');
    await sleep(30);
    writeFileSync(path, 'version 33\n');
    utimesSync(path, T, T);
    expect(statSync(path).mtimeMs).toBe(T * 1000);
    const e3 = await file(await src.stat('/a.html'));
    expect(dec(await e3.read())).toBe('version 33\n');
  });

  it('content read within settleMs of the file changing is read again on every request', async () => {
    writeFileSync(join(root, 'a.html'), 'fresh\n');
    const src = directoryFiles(root); // the real clock: the file changed just now
    const b1 = await (await file(await src.stat('/a.html'))).read();
    const b2 = await (await file(await src.stat('/a.html'))).read();
    expect(dec(b2)).toBe('fresh\n');
    expect(b2).not.toBe(b1); // re-read, not trusted yet
    const settled = directoryFiles(root, { now: later });
    const s1 = await (await file(await settled.stat('/a.html'))).read();
    expect(await (await file(await settled.stat('/a.html'))).read()).toBe(s1);
  });

  it('a deleted file is absent at once, and leaves the cache', async () => {
    writeFileSync(join(root, 'gone.txt'), 'x');
    const src = directoryFiles(root, { now: later });
    await file(await src.stat('/gone.txt'));
    expect(src.cacheSize().entries).toBe(1);
    rmSync(join(root, 'gone.txt'));
    expect(await src.stat('/gone.txt')).toBeUndefined();
    expect(src.cacheSize()).toEqual({ entries: 0, bytes: 0 });
  });

  it('refuses a symbolic link out of the root, also where a cached file was', async () => {
    const outside = join(tmp, `outside${n}`);
    mkdirSync(outside);
    writeFileSync(join(outside, 'secret.txt'), 'secret\n');
    writeFileSync(join(root, 'inside.txt'), 'inside\n');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'escape.txt'));
    symlinkSync(outside, join(root, 'outdir'));
    symlinkSync(join(root, 'inside.txt'), join(root, 'alias.txt'));
    const src = directoryFiles(root, { now: later });
    expect(await src.stat('/escape.txt')).toBeUndefined();
    expect(await src.stat('/escape.txt')).toBeUndefined(); // no cached answer either
    expect(await src.stat('/outdir/secret.txt')).toBeUndefined();
    expect(dec(await (await file(await src.stat('/alias.txt'))).read())).toBe('inside\n');
    // A cached file replaced by a link out of the root: the stat sees another inode.
    expect(dec(await (await file(await src.stat('/inside.txt'))).read())).toBe('inside\n');
    rmSync(join(root, 'inside.txt'));
    symlinkSync(join(outside, 'secret.txt'), join(root, 'inside.txt'));
    expect(await src.stat('/inside.txt')).toBeUndefined();
    expect(await src.stat('/alias.txt')).toBeUndefined(); // now resolves out of the root too
  });

  it('stays within its bounds in entries and bytes; big files are not held', async () => {
    for (let i = 0; i < 5; i++) writeFileSync(join(root, `${i}.bin`), Buffer.alloc(1000, i));
    writeFileSync(join(root, 'big.bin'), Buffer.alloc(5000, 9));
    const src = directoryFiles(root, {
      now: later,
      cache: { maxEntries: 3, maxBytes: 2500, maxFileBytes: 4096 },
    });
    for (let i = 0; i < 5; i++) {
      const e = await file(await src.stat(`/${i}.bin`));
      expect((await e.read())[0]).toBe(i);
      const { entries, bytes } = src.cacheSize();
      expect(entries).toBeLessThanOrEqual(3);
      expect(bytes).toBeLessThanOrEqual(2500);
    }
    expect(src.cacheSize()).toEqual({ entries: 2, bytes: 2000 });
    const big = await file(await src.stat('/big.bin'));
    expect(big.size).toBe(5000);
    expect((await big.read()).length).toBe(5000); // read from disk, not held
    expect(src.cacheSize()).toEqual({ entries: 3, bytes: 2000 });
    let streamed = 0;
    for await (const c of big.stream!()) streamed += c.length;
    expect(streamed).toBe(5000);
    for (let i = 0; i < 3; i++) await src.stat(`/${i}.bin`);
    expect(src.cacheSize()).toEqual({ entries: 2, bytes: 2000 }); // big.bin's path evicted by entries
  });

  it('without a cache, reads on demand as before', async () => {
    writeFileSync(join(root, 'a.txt'), 'abc');
    const src = directoryFiles(root, { cache: false });
    const e = await file(await src.stat('/a.txt'));
    expect(dec(await e.read())).toBe('abc');
    expect(src.cacheSize()).toEqual({ entries: 0, bytes: 0 });
    expect((await src.stat('/'))?.kind).toBe('directory');
  });
});

describe('serveHttp with the cache', () => {
  it('serves a changed file fresh, with the new ETag; a deleted one is 404', async () => {
    const path = join(root, 'index.html');
    writeFileSync(path, '<p>one</p>\n');
    const server = await serveHttp({ port: 0, root, files: { now: later } });
    try {
      const url = `http://127.0.0.1:${server.port}/index.html`;
      const r1 = await fetch(url);
      expect(await r1.text()).toBe('<p>one</p>\n');
      const st1 = statSync(path);
      expect(r1.headers.get('etag')).toBe(fileEtag({ size: st1.size, modified: st1.mtimeMs }));
      const r2 = await fetch(url);
      expect(await r2.text()).toBe('<p>one</p>\n');
      writeFileSync(path, '<p>two, longer</p>\n');
      utimesSync(path, st1.atime, new Date(st1.mtimeMs + 5000));
      const r3 = await fetch(url);
      const st3 = statSync(path);
      expect(await r3.text()).toBe(readFileSync(path, 'utf8'));
      expect(r3.headers.get('etag')).toBe(fileEtag({ size: st3.size, modified: st3.mtimeMs }));
      expect(r3.headers.get('content-length')).toBe('19');
      rmSync(path);
      const r4 = await fetch(url);
      expect(r4.status).toBe(404);
      await r4.text();
    } finally {
      await server.close();
    }
  });
});
