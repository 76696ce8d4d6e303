/**
 * Reads `script`: a list of `{at, node?, run}` steps. A step with `node` runs in that
 * node's shell; one without runs on the lab (`link down A B`, `node down X`). Steps come
 * out sorted by time, stably (same-time steps keep file order).
 *
 * Lab commands are checked against the topology (the nodes and the link they name must
 * exist; `links` is undefined when some links could not be read, and then link names are
 * not checked); node commands only by name, with a warning for names the shell may not
 * know.
 */
import { formatDuration, type Time } from '../../sim/time.ts';
import { didYouMean } from './did-you-mean.ts';
import { type DraftLink, type DraftNode, isMedium, kindOf } from './draft.ts';
import type { Position, ProblemList } from './problem.ts';
import { readDuration, readMap, readString } from './read-values.ts';
import { LAB_COMMANDS, type LinkRef, NODE_COMMANDS, parseLinkRef, words } from './script-commands.ts';
import type { ScriptStep } from './spec.ts';
import { describe, type TreeNode } from './yaml-tree.ts';

/** A step and where it was written. */
export interface DraftStep {
  readonly step: ScriptStep;
  readonly at: Position;
  readonly path: string;
}

export function readScript(
  tree: TreeNode,
  nodes: ReadonlyMap<string, DraftNode>,
  links: readonly DraftLink[] | undefined,
  problems: ProblemList,
): DraftStep[] {
  if (tree.kind === 'scalar' && tree.value === null) return [];
  if (tree.kind !== 'seq') {
    problems.error(
      tree.pos,
      'script',
      `script must be a list of steps such as [{at: 1s, node: h1, run: ping 10.0.0.2}], got ${describe(tree)}`,
    );
    return [];
  }
  const out: DraftStep[] = [];
  tree.items.forEach((item, i) => {
    const path = `script[${i}]`;
    const keys = readMap(item, path, 'a script step', ['at', 'node', 'run'], problems);
    if (!keys) return;
    const atEntry = keys.get('at');
    const runEntry = keys.get('run');
    if (!atEntry || !runEntry) {
      const missing = [atEntry ? '' : "'at' (when)", runEntry ? '' : "'run' (the command)"]
        .filter((s) => s)
        .join(' and ');
      problems.error(item.pos, path, `a script step needs ${missing}`);
      return;
    }
    const at = readStepTime(atEntry.value, `${path}.at`, problems);
    const run = readString(runEntry.value, `${path}.run`, problems)?.trim();
    let node: string | undefined;
    const nodeEntry = keys.get('node');
    if (nodeEntry) {
      node = readString(nodeEntry.value, `${path}.node`, problems);
      if (node !== undefined && !nodes.has(node)) {
        problems.error(
          nodeEntry.value.pos,
          `${path}.node`,
          `script step names no node '${node}'${didYouMean(node, nodes.keys())}`,
        );
        node = undefined;
      }
    }
    if (at === undefined || run === undefined) return;
    if (run === '') {
      problems.error(runEntry.value.pos, `${path}.run`, 'run: the command is empty');
      return;
    }
    const runAt = runEntry.value.pos;
    if (nodeEntry) {
      if (node !== undefined) checkNodeCommand(run, node, runAt, `${path}.run`, problems);
    } else {
      checkLabCommand(run, nodes, links, runAt, `${path}.run`, problems);
    }
    const step: ScriptStep = { at, ...(node === undefined ? {} : { node }), run, line: item.pos.line };
    if (!nodeEntry || node !== undefined) out.push({ step, at: item.pos, path });
  });
  return out
    .map((s, i) => ({ s, i }))
    .sort((a, b) => a.s.step.at - b.s.step.at || a.i - b.i)
    .map(({ s }) => s);
}

function readStepTime(tree: TreeNode, path: string, problems: ProblemList): Time | undefined {
  const negative =
    tree.kind === 'scalar' &&
    ((typeof tree.value === 'number' && tree.value < 0) ||
      (typeof tree.value === 'string' && /^\s*-/.test(tree.value)));
  if (negative) {
    problems.error(
      tree.pos,
      path,
      `at: a script step cannot run before the start (time 0), got ${describe(tree)}`,
    );
    return undefined;
  }
  return readDuration(tree, path, problems);
}

function checkNodeCommand(
  run: string,
  node: string,
  at: Position,
  path: string,
  problems: ProblemList,
): void {
  const name = words(run)[0]!;
  if (NODE_COMMANDS.includes(name)) return;
  if (LAB_COMMANDS.includes(name)) {
    problems.warning(at, path, `'${name}' is a lab command; remove 'node: ${node}' to run it on the lab`);
    return;
  }
  problems.warning(
    at,
    path,
    `unknown command '${name}'${didYouMean(name, NODE_COMMANDS)}; known: ${NODE_COMMANDS.join(', ')}`,
  );
}

function checkLabCommand(
  run: string,
  nodes: ReadonlyMap<string, DraftNode>,
  links: readonly DraftLink[] | undefined,
  at: Position,
  path: string,
  problems: ProblemList,
): void {
  const name = words(run)[0]!;
  if (NODE_COMMANDS.includes(name) && !LAB_COMMANDS.includes(name)) {
    problems.error(at, path, `'${name}' runs on a node: add 'node:' to say which`);
  } else if (!LAB_COMMANDS.includes(name)) {
    problems.warning(
      at,
      path,
      `unknown lab command '${name}'${didYouMean(name, LAB_COMMANDS)}; known: ${LAB_COMMANDS.join(', ')}`,
    );
  } else {
    const error = labCommandError(run, nodes, links);
    if (error !== undefined) problems.error(at, path, error);
  }
}

/** What is wrong with a `node` or `link` lab command, or undefined. */
function labCommandError(
  run: string,
  nodes: ReadonlyMap<string, DraftNode>,
  links: readonly DraftLink[] | undefined,
): string | undefined {
  const w = words(run);
  const verb = w[1];
  if (w[0] === 'node') {
    if (w.length !== 3 || (verb !== 'down' && verb !== 'up'))
      return `usage: node down NODE | node up NODE, got '${run}'`;
    return nodes.has(w[2]!) ? undefined : `node ${verb}: no node '${w[2]}'${didYouMean(w[2]!, nodes.keys())}`;
  }
  if (w[0] !== 'link') return undefined;
  if (w.length !== 4 || (verb !== 'down' && verb !== 'up'))
    return `usage: link down A B | link up A B, got '${run}'`;
  const a = parseLinkRef(w[2]!);
  const b = parseLinkRef(w[3]!);
  for (const ref of [a, b]) {
    if (!nodes.has(ref.node))
      return `link ${verb}: no node '${ref.node}'${didYouMean(ref.node, nodes.keys())}`;
  }
  if (!links) return undefined; // some links failed to read: which exist is unknown
  const fits = (e: DraftLink['endpoints'][0], r: LinkRef) =>
    e.node === r.node && (r.interface === undefined || r.interface === e.interface);
  const matches = links.filter(
    ({ endpoints: [x, y] }) => (fits(x, a) && fits(y, b)) || (fits(x, b) && fits(y, a)),
  );
  if (matches.length === 0) return `link ${verb}: no link joins ${w[2]} and ${w[3]}`;
  if (matches.length > 1) {
    const example = matches[0]!.endpoints.map((e) => `${e.node}:${e.interface}`).join(' ');
    return `link ${verb}: ${matches.length} links join ${w[2]} and ${w[3]}; name the interfaces, e.g. link ${verb} ${example}`;
  }
  const [x, y] = matches[0]!.endpoints;
  const medium = [x, y].find((e) => isMedium(kindOf(nodes.get(e.node)!)));
  if (medium) {
    const station = medium === x ? y : x;
    const kind = kindOf(nodes.get(medium.node)!);
    return `link ${verb}: ${station.node} is not cabled to ${kind} '${medium.node}' on its own but taps its shared medium; run 'ip link set ${station.interface} ${verb}' on ${station.node}, or 'node ${verb} ${medium.node}' to fail the whole ${kind}`;
  }
  return undefined;
}

/** Warns about steps at or after the end of the run. */
export function warnLateSteps(steps: readonly DraftStep[], duration: Time, problems: ProblemList): void {
  for (const s of steps) {
    if (s.step.at >= duration) {
      problems.warning(
        s.at,
        s.path,
        `this step at ${formatDuration(s.step.at)} never runs: the run ends at ${formatDuration(duration)} (duration)`,
      );
    }
  }
}
