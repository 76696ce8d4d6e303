/**
 * Runs the ns-3 baseline programs of bench/ns3/ (built against Debian's ns-3 3.37 by
 * bench/ns3/build.sh) and returns their JSON line plus their peak memory, so every
 * benchmark can print the peer's figure from the same run. Returns undefined when ns-3 is
 * not installed (`apt-get install libns3-dev ns3`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('./ns3/', import.meta.url));

export function ns3Available(): boolean {
  return existsSync('/usr/include/ns3/core-module.h');
}

export interface Ns3Result {
  readonly json: Record<string, unknown>;
  /** Peak resident set size in bytes (from GNU time), when measurable. */
  readonly maxRssBytes?: number;
}

/** Runs `bench/ns3/run.sh SCENARIO ARGS...` (which builds the programs when they are missing). */
export function runNs3(scenario: 'chain' | 'dumbbell', args: readonly string[] = []): Ns3Result | undefined {
  if (!ns3Available()) return undefined;
  const time = existsSync('/usr/bin/time');
  const cmd = time ? '/usr/bin/time' : 'bash';
  const argv = time
    ? ['-f', 'MAXRSS %M', 'bash', `${here}run.sh`, scenario, ...args]
    : [`${here}run.sh`, scenario, ...args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ns-3 ${scenario} failed: ${r.stderr}`);
  const line = r.stdout.trim().split('\n').at(-1)!;
  const rss = /MAXRSS (\d+)/.exec(r.stderr)?.[1];
  return {
    json: JSON.parse(line) as Record<string, unknown>,
    maxRssBytes: rss === undefined ? undefined : Number(rss) * 1024,
  };
}
