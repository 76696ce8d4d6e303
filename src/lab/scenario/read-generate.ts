/**
 * Reads `topology.generate`: one topology builder (`kind: ring`, `routers: 5`...) whose
 * nodes and links join the file's own. Option values are converted by the types the
 * builder registry declares; ranges are checked by the builder itself, and a builder's
 * complaint is reported at the option it names.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { BUILDERS } from '../topology/builders.ts';
import type { MediumParams, Topology } from '../topology/topology.ts';
import { didYouMean } from './did-you-mean.ts';
import type { DraftLink, DraftNode } from './draft.ts';
import type { ProblemList } from './problem.ts';
import { type LinkSettings, readSettingsMap, resolveLinkParams } from './read-links.ts';
import {
  readDuration,
  readInteger,
  readMap,
  readPrefix,
  readProbability,
  readRate,
  readString,
} from './read-values.ts';
import { describe, type TreeNode } from './yaml-tree.ts';

export interface Generated {
  readonly kind: string;
  readonly nodes: DraftNode[];
  readonly links: DraftLink[];
}

export function readGenerate(
  tree: TreeNode,
  defaults: LinkSettings,
  problems: ProblemList,
): Generated | undefined {
  const path = 'topology.generate';
  const builderNames = Object.keys(BUILDERS);
  if (tree.kind !== 'map') {
    problems.error(
      tree.pos,
      path,
      `generate must be a map such as {kind: ring, routers: 4}, got ${describe(tree)}`,
    );
    return undefined;
  }
  const kindEntry = tree.entries.find((e) => e.key === 'kind');
  const kindName =
    kindEntry?.value.kind === 'scalar' && typeof kindEntry.value.value === 'string'
      ? kindEntry.value.value
      : undefined;
  const builder = kindName === undefined ? undefined : BUILDERS[kindName];
  if (!builder) {
    const at = kindEntry ? kindEntry.value.pos : tree.pos;
    const got = kindEntry
      ? `, got ${describe(kindEntry.value)}${didYouMean(kindName ?? '', builderNames)}`
      : '';
    problems.error(at, `${path}.kind`, `generate needs a kind: one of ${builderNames.join(', ')}${got}`);
    return undefined;
  }
  const optionNames = Object.keys(builder.options);
  const keys = readMap(tree, path, `generate (${builder.kind})`, ['kind', ...optionNames, 'link'], problems)!;
  const options: Record<string, unknown> = {};
  const optionPos = new Map(optionNames.map((o) => [o, keys.get(o)?.value.pos ?? tree.pos]));
  let ok = true;
  for (const name of optionNames) {
    const entry = keys.get(name);
    if (!entry) continue;
    const value = readOption(builder.options[name]!, entry.value, `${path}.${name}`, problems);
    if (value === undefined) ok = false;
    else options[name] = value;
  }
  const linkEntry = keys.get('link');
  const own = linkEntry
    ? readSettingsMap(linkEntry.value, `${path}.link`, 'generate.link', problems)
    : undefined;
  options.link = resolveLinkParams(defaults, own ?? { values: {} });
  if (!ok) return undefined;
  let topology: Topology;
  try {
    topology = builder.build(options);
  } catch (e) {
    if (!(e instanceof NetlabError) || e.code !== 'topology-invalid') throw e;
    const option = String(e.details?.option ?? '');
    problems.error(optionPos.get(option) ?? tree.pos, option ? `${path}.${option}` : path, e.message);
    return undefined;
  }
  const at = kindEntry!.keyPos;
  const nodes: DraftNode[] = topology.nodes.map((n) => {
    const { name, interfaces, ...rest } = n;
    const fields =
      rest.kind === 'host' || rest.kind === 'router'
        ? { kind: rest.kind }
        : (rest as Exclude<typeof rest, { kind: 'host' | 'router' }>);
    return {
      name,
      fields,
      at,
      path,
      generated: true,
      interfaces: interfaces.map((i) => ({ ...i, at, path })),
      autoInterfaces: false,
      ...(n.kind === 'host' && n.gateway !== undefined ? { gateway: { value: n.gateway, at, path } } : {}),
      routes: [],
    };
  });
  const links: DraftLink[] = topology.links.map((l) => ({
    endpoints: [
      { ...l.endpoints[0], at, path },
      { ...l.endpoints[1], at, path },
    ],
    at,
    path,
    spec: l,
  }));
  return { kind: builder.kind, nodes, links };
}

function readOption(type: string, tree: TreeNode, path: string, problems: ProblemList): unknown {
  switch (type) {
    case 'integer':
      return readInteger(tree, path, problems, 0, 1_000_000);
    case 'word':
      return readString(tree, path, problems);
    case 'prefix':
      return readPrefix(tree, path, problems);
    case 'pairs':
      return readPairs(tree, path, problems);
    case 'medium':
      return readMediumOption(tree, path, problems);
    default:
      throw new Error(`unknown builder option type ${type}`);
  }
}

function readPairs(tree: TreeNode, path: string, problems: ProblemList): [number, number][] | undefined {
  const bad = () => {
    problems.error(
      tree.pos,
      path,
      `edges must be a list of router-number pairs such as [[1, 2], [2, 3]], got ${describe(tree)}`,
    );
    return undefined;
  };
  if (tree.kind !== 'seq') return bad();
  const out: [number, number][] = [];
  for (const [i, item] of tree.items.entries()) {
    if (item.kind !== 'seq' || item.items.length !== 2) {
      problems.error(
        item.pos,
        `${path}[${i}]`,
        `an edge is a pair of router numbers such as [1, 2], got ${describe(item)}`,
      );
      return undefined;
    }
    const a = readInteger(item.items[0]!, `${path}[${i}][0]`, problems, 1, 1_000_000);
    const b = readInteger(item.items[1]!, `${path}[${i}][1]`, problems, 1, 1_000_000);
    if (a === undefined || b === undefined) return undefined;
    out.push([a, b]);
  }
  return out;
}

function readMediumOption(tree: TreeNode, path: string, problems: ProblemList): MediumParams | undefined {
  const keys = readMap(tree, path, 'medium', ['rate', 'delay', 'loss'], problems);
  if (!keys) return undefined;
  const out: { rate?: number; delay?: number; loss?: number } = {};
  const rate = keys.get('rate');
  const delay = keys.get('delay');
  const loss = keys.get('loss');
  if (rate) out.rate = readRate(rate.value, `${path}.rate`, problems);
  if (delay) out.delay = readDuration(delay.value, `${path}.delay`, problems);
  if (loss) out.loss = readProbability(loss.value, `${path}.loss`, problems);
  if (Object.values(out).some((v) => v === undefined)) return undefined;
  return out;
}
