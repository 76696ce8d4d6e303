/**
 * A real directory as a FileSource for the static file handler, for `netlab serve http
 * --root DIR`. Paths never leave the root: request paths are already normalised (no
 * '..'), and a symbolic link that resolves outside the root is treated as absent.
 * Files above `streamAbove` (see static-files.ts) are streamed from disk in 64 KiB reads,
 * so serving a large file costs bounded memory.
 */
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import type { FileEntry, FileSource } from '../application/http/file-source.ts';

export function directoryFiles(root: string): FileSource {
  const realRoot = realpath(root);
  return {
    async stat(path: string): Promise<FileEntry | undefined> {
      const base = await realRoot;
      let real: string;
      try {
        real = await realpath(join(base, ...path.split('/').filter((s) => s !== '')));
      } catch {
        return undefined;
      }
      if (real !== base && !real.startsWith(base + sep)) return undefined;
      let st: Awaited<ReturnType<typeof stat>>;
      try {
        st = await stat(real);
      } catch {
        return undefined;
      }
      const modified = st.mtimeMs;
      if (st.isDirectory()) return { kind: 'directory', modified };
      if (!st.isFile()) return undefined;
      return {
        kind: 'file',
        size: st.size,
        modified,
        read: async () => {
          const b = await readFile(real);
          return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
        },
        stream: () => fileChunks(real),
      };
    },
  };
}

async function* fileChunks(path: string): AsyncIterable<Uint8Array> {
  for await (const chunk of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    const b = chunk as Buffer;
    yield new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
}
