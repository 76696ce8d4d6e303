/**
 * A real directory as a FileSource for the static file handler, for `netlab serve http
 * --root DIR` (and https, h2). Paths never leave the root: request paths are already
 * normalised (no '..'), and a symbolic link that resolves outside the root is treated as
 * absent. Files above `streamAbove` (see static-files.ts) are streamed from disk in 64 KiB
 * reads, so serving a large file costs bounded memory.
 *
 * The cache, and the rule that keeps it fresh. Each path remembers what the last
 * request learnt: the resolved path (realpath), the file's identity as stat() gave it —
 * device, inode, size, mtime, ctime — and, for files up to `maxFileBytes`, the content.
 * Every request stats the path again, as nginx does for every request when its
 * open_file_cache is off (https://nginx.org/en/docs/http/ngx_http_core_module.html#open_file_cache):
 * the cache saves the other calls, never that one (the requests of one event-loop turn
 * share a stat issued after all of them arrived, batched-stat.ts). The remembered answer
 * is used only when all five identity fields are unchanged; otherwise the path is resolved
 * and checked against the root again and the file read again. A deleted file fails the
 * stat and is absent at once. ctime is in the identity because changes to an inode mark
 * it for update — a write, a new or removed hard link, a chmod, even `touch -d` or
 * `cp -p` setting mtime back (POSIX.1-2017 XBD "File Times Update"; write(), link(),
 * unlink(), utimensat()), and on Linux file systems a rename too.
 *
 * Timestamps have a resolution (a kernel clock tick, 2 s on FAT), so a write in the same
 * tick as the one before leaves size, mtime and ctime as they were. Git calls such an
 * index entry "racy" (Documentation/technical/racy-git.txt) and so do we: content read
 * less than `settleMs` after the file's last change is not trusted on later requests but
 * read again until the file has been quiet that long. A file served from the cache is thus
 * never older than the file on disk as of the request's own stat.
 *
 * What the cache does not re-check: the directories above a file. If a directory that
 * held a file is moved out of the root and replaced by a symbolic link to its new place,
 * the file itself is unchanged (same inode, same ctime), and the cache goes on serving the
 * bytes it read while the file was inside the root, until the file changes. Those bytes
 * are ones the root already published; nothing outside the root that was not is served.
 *
 * A small file's content is read as soon as its path is looked up and found changed (or
 * new), for a HEAD or a 304 too: the entry's size and times then come from the same
 * descriptor as the bytes (fstat), so Content-Length, ETag and body agree.
 *
 * Bounds: `maxEntries` paths and `maxBytes` of content (file-cache.ts, LRU).
 */
import { createReadStream, type Stats } from 'node:fs';
import { open, readFile, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FileEntry, FileSource } from '../application/http/file-source.ts';
import { batchedStat } from './batched-stat.ts';
import { BoundedLru } from './file-cache.ts';

export interface DirectoryCacheOptions {
  /** Request paths remembered. Default 1024. */
  readonly maxEntries?: number;
  /** Content bytes held, all files together. Default 16 MiB. */
  readonly maxBytes?: number;
  /** Files up to this size have their content cached. Default 256 KiB (static-files.ts streams above it). */
  readonly maxFileBytes?: number;
  /** Content is trusted once the file has not changed for this long before it was read. Default 2000 ms. */
  readonly settleMs?: number;
}

export interface DirectoryFilesOptions {
  /** The cache's bounds, or false for none (realpath, stat and a read per request). */
  readonly cache?: DirectoryCacheOptions | false;
  /** The wall clock, ms since the epoch, compared with file times. Default Date.now. */
  readonly now?: () => number;
}

/** A directory source, with its cache visible to tests. */
export interface DirectoryFiles extends FileSource {
  /** Paths and content bytes held now. */
  cacheSize(): { readonly entries: number; readonly bytes: number };
}

/** What one request path was found to be: identity, resolved path, entry, maybe content. */
interface Known {
  readonly dev: number;
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
  readonly ctimeMs: number;
  readonly real: string;
  readonly entry: FileEntry;
  /** The file's content when cached (then `entry.read` returns it). */
  readonly content?: Uint8Array;
  /** Wall-clock ms before the content was read; the content is trusted when the file's last change is settleMs older. */
  readonly readAt: number;
  /** Cache accounting: the content's length, 0 without. */
  readonly bytes: number;
}

function sameFile(k: Known, st: Stats): boolean {
  return (
    k.ino === st.ino &&
    k.dev === st.dev &&
    k.size === st.size &&
    k.mtimeMs === st.mtimeMs &&
    k.ctimeMs === st.ctimeMs
  );
}

function bytesOf(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

export function directoryFiles(root: string, options: DirectoryFilesOptions = {}): DirectoryFiles {
  const realRoot = realpath(root);
  const now = options.now ?? Date.now;
  const stat = batchedStat();
  const c = options.cache === false ? undefined : (options.cache ?? {});
  const settleMs = c?.settleMs ?? 2000;
  const maxFileBytes = c?.maxFileBytes ?? 256 * 1024;
  const cache = new BoundedLru<Known>({
    maxEntries: c ? (c.maxEntries ?? 1024) : 0,
    maxBytes: c?.maxBytes ?? 16 * 1024 * 1024,
  });

  /** The path resolved and checked against the root, with an entry that reads lazily. */
  const resolve = async (base: string, joined: string, st: Stats): Promise<Known | undefined> => {
    let real: string;
    try {
      real = await realpath(joined);
    } catch {
      return undefined;
    }
    if (real !== base && !real.startsWith(base + sep)) return undefined;
    const modified = st.mtimeMs;
    let entry: FileEntry;
    if (st.isDirectory()) entry = { kind: 'directory', modified };
    else if (st.isFile()) {
      entry = {
        kind: 'file',
        size: st.size,
        modified,
        read: async () => bytesOf(await readFile(real)),
        stream: () => fileChunks(real),
      };
    } else return undefined;
    const { dev, ino, size, mtimeMs, ctimeMs } = st;
    return { dev, ino, size, mtimeMs, ctimeMs, real, entry, readAt: 0, bytes: 0 };
  };

  /**
   * Reads the file whole through one descriptor, so the identity (fstat) and the content
   * are of the same file; the entry's size is the content's. A file that changed while
   * being read (its length is not fstat's size) is served as read, but not trusted again.
   */
  const load = async (known: Known): Promise<Known> => {
    const readAt = now();
    const fh = await open(known.real, 'r');
    let st: Stats;
    let content: Uint8Array;
    try {
      st = await fh.stat();
      // One read of one byte more than fstat's size: a regular file reads whole up to its
      // end (pread(2) returns less only there), so a full buffer means it grew since.
      const buf = Buffer.allocUnsafeSlow(st.size + 1);
      const n = (await fh.read(buf, 0, buf.length, 0)).bytesRead;
      content = n <= st.size ? new Uint8Array(buf.buffer, buf.byteOffset, n) : bytesOf(await fh.readFile());
    } finally {
      await fh.close();
    }
    const { dev, ino, size, mtimeMs, ctimeMs } = st;
    const entry: FileEntry = { kind: 'file', size: content.length, modified: mtimeMs, read: () => content };
    return {
      dev,
      ino,
      size,
      mtimeMs,
      ctimeMs,
      real: known.real,
      entry,
      content,
      readAt: content.length === size ? readAt : Number.NEGATIVE_INFINITY,
      bytes: content.length,
    };
  };

  const settled = (k: Known) => k.readAt - Math.max(k.ctimeMs, k.mtimeMs) > settleMs;

  return {
    async stat(path: string): Promise<FileEntry | undefined> {
      const base = await realRoot;
      const joined = join(base, ...path.split('/').filter((s) => s !== ''));
      let st: Stats;
      try {
        st = await stat(joined);
      } catch {
        cache.delete(joined);
        return undefined;
      }
      const cached = cache.get(joined);
      let known = cached;
      if (known === undefined || !sameFile(known, st)) {
        known = await resolve(base, joined, st);
        if (known === undefined) {
          cache.delete(joined);
          return undefined;
        }
      }
      if (
        c &&
        known.entry.kind === 'file' &&
        known.size <= maxFileBytes &&
        !(known.content && settled(known))
      ) {
        try {
          known = await load(known);
        } catch (e) {
          cache.delete(joined);
          if (gone(e)) return undefined; // deleted between the stat and the open
          throw e;
        }
      }
      if (known !== cached) cache.set(joined, known);
      return known.entry;
    },
    cacheSize: () => ({ entries: cache.size, bytes: cache.bytes }),
  };
}

function gone(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    yield bytesOf(chunk as Buffer);
  }
}
