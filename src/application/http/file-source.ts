/**
 * Where the static file handler finds files: an interface with two implementations, an
 * in-memory tree here (for simulations and the browser lab) and a real directory in
 * src/real/http-directory.ts (for `netlab serve http --root DIR`).
 *
 * Paths are the decoded, normalised request paths of request-target.ts ('/img/a.png');
 * a source never sees '..'.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { SIM_WALL_EPOCH_MS } from '../../sim/time.ts';

export type FileEntry =
  | {
      readonly kind: 'file';
      readonly size: number;
      /** Last modification, ms since the Unix epoch. */
      readonly modified: number;
      /** The whole content (small files, memory sources). */
      read(): Uint8Array | Promise<Uint8Array>;
      /** The content as a stream (large files on disk), when the source can. */
      stream?(): AsyncIterable<Uint8Array>;
    }
  | { readonly kind: 'directory'; readonly modified: number };

export interface FileSource {
  /** The file or directory at `path`, or undefined when there is none. */
  stat(path: string): FileEntry | undefined | Promise<FileEntry | undefined>;
}

/** The simulated wall clock's start (2025-01-01T00:00:00Z): memory files' modification time unless told otherwise. */
export const DEFAULT_FILE_TIME = SIM_WALL_EPOCH_MS;

export interface MemoryFilesOptions {
  /** Modification time of every file, ms since the epoch. Default 2025-01-01T00:00:00Z. */
  readonly modified?: number;
}

/**
 * An in-memory tree from `{ '/index.html': '<html>...', '/img/logo.png': bytes }`. Text is
 * stored as UTF-8. Directories are implied by the paths ('/' always exists).
 */
export function memoryFiles(
  files: Readonly<Record<string, Uint8Array | string>>,
  options: MemoryFilesOptions = {},
): FileSource {
  const modified = options.modified ?? DEFAULT_FILE_TIME;
  const encoder = new TextEncoder();
  const entries = new Map<string, FileEntry>();
  const dirs = new Set<string>(['/']);
  for (const [path, content] of Object.entries(files)) {
    if (
      !path.startsWith('/') ||
      path.endsWith('/') ||
      path.includes('//') ||
      /(^|\/)\.\.?(\/|$)/.test(path)
    ) {
      throw new NetlabError('http-bad-file-path', `not a file path: ${JSON.stringify(path)}`);
    }
    const bytes = typeof content === 'string' ? encoder.encode(content) : content;
    entries.set(path, { kind: 'file', size: bytes.length, modified, read: () => bytes });
    for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) dirs.add(path.slice(0, i));
  }
  for (const d of dirs) {
    if (entries.has(d)) throw new NetlabError('http-bad-file-path', `${d} is both a file and a directory`);
    entries.set(d, { kind: 'directory', modified });
  }
  return {
    stat: (path) => entries.get(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path),
  };
}
