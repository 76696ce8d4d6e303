/**
 * Typed readers for the values of a scenario file: each takes a tree node and its path,
 * returns the value or `undefined` after reporting exactly one problem at the node's
 * position. Messages start with the key they concern and say what would be accepted.
 */
import { parseDuration, type Time } from '../../sim/time.ts';
import { looksLikeByteRate, parseProbability, parseQueueLimit, parseRate } from '../units.ts';
import { type Ipv4Prefix, parseIpv4Address, parseIpv4Prefix } from '../../internet/ipv4-address.ts';
import type { QueueLimit } from '../../link/drop-tail-queue.ts';
import { didYouMean } from './did-you-mean.ts';
import type { ProblemList } from './problem.ts';
import { describe, type TreeEntry, type TreeMap, type TreeNode, type TreeScalar } from './yaml-tree.ts';

/** The last component of a path, for messages: `topology.links[2].rate` → `rate`. */
export function keyOf(path: string): string {
  const last = path.slice(path.lastIndexOf('.') + 1);
  return last === '' ? 'value' : last;
}

/**
 * Checks `node` is a map whose keys are all in `allowed`; reports unknown keys (with a
 * suggestion, or the list of keys allowed). Returns the entries by key, or undefined when
 * `node` is not a map.
 */
export function readMap(
  node: TreeNode,
  path: string,
  what: string,
  allowed: readonly string[],
  problems: ProblemList,
): Map<string, TreeEntry> | undefined {
  if (node.kind !== 'map') {
    problems.error(node.pos, path, `${what} must be a map of keys, got ${describe(node)}`);
    return undefined;
  }
  return entriesOf(node, path, what, allowed, problems);
}

/** Like readMap for a node already known to be a map. */
export function entriesOf(
  node: TreeMap,
  path: string,
  what: string,
  allowed: readonly string[],
  problems: ProblemList,
): Map<string, TreeEntry> {
  const out = new Map<string, TreeEntry>();
  for (const entry of node.entries) {
    if (allowed.includes(entry.key)) {
      out.set(entry.key, entry);
      continue;
    }
    const hint = didYouMean(entry.key, allowed);
    problems.error(
      entry.keyPos,
      path === '' ? entry.key : `${path}.${entry.key}`,
      hint === ''
        ? `unknown key '${entry.key}' in ${what}; expected one of: ${allowed.join(', ')}`
        : `unknown key '${entry.key}' in ${what}${hint}`,
    );
  }
  return out;
}

export function readString(node: TreeNode, path: string, problems: ProblemList): string | undefined {
  if (node.kind === 'scalar' && node.value !== null && typeof node.value !== 'boolean')
    return String(node.value);
  problems.error(node.pos, path, `${keyOf(path)}: expected text, got ${describe(node)}`);
  return undefined;
}

/** Text allowed to be empty (`description:` with nothing after it is ''). */
export function readText(node: TreeNode, path: string, problems: ProblemList): string | undefined {
  if (node.kind === 'scalar' && node.value === null) return '';
  return readString(node, path, problems);
}

/** A whole number in [min, max]. */
export function readInteger(
  node: TreeNode,
  path: string,
  problems: ProblemList,
  min: number,
  max: number,
): number | undefined {
  const v = node.kind === 'scalar' ? node.value : undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max) return v;
  problems.error(
    node.pos,
    path,
    `${keyOf(path)}: expected a whole number from ${min} to ${max.toLocaleString('en-US')}, got ${describe(node)}`,
  );
  return undefined;
}

/** A non-negative duration (`10ms`, `1.5s`; a bare number is seconds), in ns. */
export function readDuration(node: TreeNode, path: string, problems: ProblemList): Time | undefined {
  const v = scalarText(node);
  const t = v === undefined ? undefined : parseDuration(v);
  if (t !== undefined && Number.isSafeInteger(t)) return t;
  const negative = typeof v === 'number' ? v < 0 : typeof v === 'string' && /^\s*-/.test(v);
  problems.error(
    node.pos,
    path,
    negative
      ? `${keyOf(path)}: must not be negative, got ${describe(node)}`
      : `${keyOf(path)}: expected a duration such as 10ms, 1.5s, 250us or 100ns, got ${describe(node)}`,
  );
  return undefined;
}

/** A rate in bit/s (`1Gbps`, `100Mbps`; a bare number is bit/s). */
export function readRate(node: TreeNode, path: string, problems: ProblemList): number | undefined {
  const v = scalarText(node);
  const rate = v === undefined ? undefined : parseRate(v);
  if (rate !== undefined) return rate;
  const hint =
    typeof v === 'string' && looksLikeByteRate(v)
      ? '; rates are in bits per second (1 byte = 8 bits): write e.g. 80Mbps for 10 MB/s'
      : ', such as 1Gbps, 100Mbps, 64kbps or a number of bit/s';
  problems.error(node.pos, path, `${keyOf(path)}: expected a positive rate${hint}, got ${describe(node)}`);
  return undefined;
}

/** A probability in [0, 1]: `0.001` or `0.1%`. */
export function readProbability(node: TreeNode, path: string, problems: ProblemList): number | undefined {
  const v = scalarText(node);
  const p = v === undefined ? undefined : parseProbability(v);
  if (p !== undefined && p >= 0 && p <= 1) return p;
  problems.error(
    node.pos,
    path,
    p === undefined
      ? `${keyOf(path)}: expected a probability such as 0.001 or 0.1%, got ${describe(node)}`
      : `${keyOf(path)}: must be between 0 and 1 (0% and 100%), got ${describe(node)}`,
  );
  return undefined;
}

/** Packets (`100`) or bytes with a unit (`64KB`, `64KiB`). */
export function readQueue(node: TreeNode, path: string, problems: ProblemList): QueueLimit | undefined {
  const v = scalarText(node);
  const q = v === undefined ? undefined : parseQueueLimit(v);
  if (q !== undefined) return q;
  problems.error(
    node.pos,
    path,
    `${keyOf(path)}: expected a number of packets (100) or of bytes with a unit (64KB, 64KiB), got ${describe(node)}`,
  );
  return undefined;
}

/** An IPv4 address without a prefix length: `10.0.0.254`. */
export function readAddress(node: TreeNode, path: string, problems: ProblemList): number | undefined {
  const v = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  const a = v === undefined ? undefined : parseIpv4Address(v);
  if (a !== undefined) return a;
  const hint = v?.includes('/') ? ' (without a prefix length)' : '';
  problems.error(
    node.pos,
    path,
    `${keyOf(path)}: expected an IPv4 address such as 10.0.0.254${hint}, got ${describe(node)}`,
  );
  return undefined;
}

/** An address with its prefix length: `10.0.0.1/24`. */
export function readPrefix(node: TreeNode, path: string, problems: ProblemList): Ipv4Prefix | undefined {
  const v = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  // The length is required: a bare address would silently be a /32.
  const p = v?.includes('/') ? parseIpv4Prefix(v) : undefined;
  if (p !== undefined) return p;
  const bare = v !== undefined && parseIpv4Address(v) !== undefined;
  problems.error(
    node.pos,
    path,
    bare
      ? `${keyOf(path)}: ${v} needs a prefix length, e.g. ${v}/24`
      : `${keyOf(path)}: expected an address with a prefix length such as 10.0.0.1/24, got ${describe(node)}`,
  );
  return undefined;
}

/** One of `choices` (case-insensitive), returned in its canonical spelling. */
export function readChoice<T extends string>(
  node: TreeNode,
  path: string,
  problems: ProblemList,
  choices: readonly T[],
): T | undefined {
  const v = node.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
  const found = v === undefined ? undefined : choices.find((c) => c === v.toLowerCase());
  if (found !== undefined) return found;
  const hint = v === undefined ? '' : didYouMean(v, choices);
  problems.error(
    node.pos,
    path,
    `${keyOf(path)}: expected one of ${choices.join(', ')}, got ${describe(node)}${hint}`,
  );
  return undefined;
}

/** A scalar as text or number, for unit parsers; undefined for maps, lists, booleans, null. */
function scalarText(node: TreeNode): string | number | undefined {
  if (node.kind !== 'scalar') return undefined;
  const v = (node as TreeScalar).value;
  return typeof v === 'string' || typeof v === 'number' ? v : undefined;
}
