/**
 * The lab's files: what commands write (`curl -o FILE`, `tcpdump -w FILE`) is kept by
 * name in the lab's shared map, and the CLI saves it in an output folder after the run.
 *
 * - `/dev/null` is the sink it is on a real system: `curl -o /dev/null` keeps nothing.
 * - A name is saved below the output folder as a relative path (a leading `/` dropped,
 *   `.` and empty segments skipped); a name with a `..` segment, or nothing left, would
 *   leave the folder — a scenario from elsewhere must not write outside it — and is not
 *   saved.
 */

export const NULL_DEVICE = '/dev/null';

/** Keeps `bytes` under `name`, or nothing for /dev/null. */
export function keepLabFile(files: Map<string, Uint8Array>, name: string, bytes: Uint8Array): void {
  if (name === NULL_DEVICE) return;
  files.set(name, bytes);
}

/** The path below the output folder that `name` is saved at, or undefined when it would leave it. */
export function savedPath(name: string): string | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.some((p) => p === '..')) return undefined;
  return parts.join('/');
}
