/**
 * Reads `topology.nodes`: a map from node name to its settings, checked per kind.
 *
 * Hosts and routers declare addressed interfaces (`interfaces: {eth0: 10.0.0.1/24}`, or
 * the shorthand `ip: 10.0.0.1/24` for eth0), static `routes` and, for hosts, a `gateway`.
 * Switches take `aging` and `mac_table_size`; hubs and buses the shared medium's
 * `rate`, `delay`, `loss`. Checks here are local to one node; addresses across nodes are
 * checked in check-addresses.ts once links are known.
 */
import {
  BUS_DEFAULTS,
  HUB_DEFAULTS,
  MAX_INTERFACE_NAME_LENGTH,
  MAX_MAC_TABLE_SIZE,
  MAX_NODE_NAME_LENGTH,
  NAME_PATTERN,
  SWITCH_DEFAULTS,
} from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import type { DraftInterface, DraftNode, DraftRoute, KindFields, Located } from './draft.ts';
import { NODE_KINDS, SUPPORTED_KINDS } from './node-kinds.ts';
import type { Position, ProblemList } from './problem.ts';
import {
  readAddress,
  readDuration,
  readInteger,
  readMap,
  readPrefix,
  readProbability,
  readRate,
} from './read-values.ts';
import { describe, type TreeEntry, type TreeNode } from './yaml-tree.ts';

/** Checks a node or interface name; reports and returns false when it is unusable. */
export function checkName(
  name: string,
  what: 'node' | 'interface',
  at: Position,
  path: string,
  problems: ProblemList,
): boolean {
  const max = what === 'node' ? MAX_NODE_NAME_LENGTH : MAX_INTERFACE_NAME_LENGTH;
  if (!NAME_PATTERN.test(name)) {
    problems.error(
      at,
      path,
      `${what} name '${name}' must start with a letter and hold only letters, digits, '_', '-' and '.'`,
    );
    return false;
  }
  if (name.length > max) {
    problems.error(at, path, `${what} name '${name}' is longer than ${max} characters`);
    return false;
  }
  return true;
}

/**
 * The nodes that could be read, and the names of those that could not (already reported),
 * so that links to them are not reported again as naming no node.
 */
export function readNodes(
  tree: TreeNode,
  problems: ProblemList,
): { nodes: DraftNode[]; broken: Set<string> } {
  const path = 'topology.nodes';
  const nodes: DraftNode[] = [];
  const broken = new Set<string>();
  if (tree.kind !== 'map') {
    problems.error(
      tree.pos,
      path,
      `nodes must be a map from node name to its settings, got ${describe(tree)}`,
    );
    return { nodes, broken };
  }
  for (const entry of tree.entries) {
    const nodePath = `${path}.${entry.key}`;
    const node = checkName(entry.key, 'node', entry.keyPos, nodePath, problems)
      ? readNode(entry, nodePath, problems)
      : undefined;
    if (node) nodes.push(node);
    else broken.add(entry.key);
  }
  return { nodes, broken };
}

function readNode(entry: TreeEntry, path: string, problems: ProblemList): DraftNode | undefined {
  const value = entry.value;
  if (value.kind !== 'map') {
    problems.error(
      value.pos,
      path,
      `node '${entry.key}' must be a map of settings such as {kind: host}, got ${describe(value)}`,
    );
    return undefined;
  }
  const kindEntry = value.entries.find((e) => e.key === 'kind');
  if (!kindEntry) {
    problems.error(
      entry.keyPos,
      path,
      `node '${entry.key}' needs a kind: one of ${SUPPORTED_KINDS.join(', ')}`,
    );
    return undefined;
  }
  const kindNode = kindEntry.value;
  const kind = kindNode.kind === 'scalar' && typeof kindNode.value === 'string' ? kindNode.value : undefined;
  const info = kind === undefined ? undefined : NODE_KINDS[kind];
  if (kind === undefined || info === undefined) {
    const hint = kind === undefined ? '' : didYouMean(kind, SUPPORTED_KINDS);
    problems.error(
      kindNode.pos,
      `${path}.kind`,
      `unknown node kind ${describe(kindNode)}${hint}; supported kinds: ${SUPPORTED_KINDS.join(', ')}`,
    );
    return undefined;
  }
  if (info.status === 'planned') {
    problems.error(
      kindNode.pos,
      `${path}.kind`,
      `node kind '${kind}' (${info.summary}) is not supported yet; supported kinds: ${SUPPORTED_KINDS.join(', ')}`,
    );
    return undefined;
  }
  const keys = readMap(value, path, `a ${kind} node`, ['kind', ...info.keys], problems)!;
  const base = { name: entry.key, at: entry.keyPos, path, generated: false as const };
  switch (kind) {
    case 'host':
    case 'router':
      return readLayer3(kind, keys, base, problems);
    case 'switch':
      return {
        ...base,
        fields: readSwitch(keys, path, problems),
        interfaces: [],
        autoInterfaces: false,
        routes: [],
      };
    default: {
      const fields = readMedium(kind as 'hub' | 'bus', keys, path, problems);
      return { ...base, fields, interfaces: [], autoInterfaces: false, routes: [] };
    }
  }
}

function readLayer3(
  kind: 'host' | 'router',
  keys: Map<string, TreeEntry>,
  base: { name: string; at: Position; path: string; generated: false },
  problems: ProblemList,
): DraftNode {
  const path = base.path;
  const interfaces: DraftInterface[] = [];
  const errorsBefore = problems.errorCount;
  const ip = keys.get('ip');
  const declared = keys.get('interfaces');
  if (ip && declared) {
    problems.error(
      ip.keyPos,
      `${path}.ip`,
      `'ip' is shorthand for interfaces: {eth0: ...}; give one or the other`,
    );
  } else if (ip) {
    const address = readPrefix(ip.value, `${path}.ip`, problems);
    if (address) interfaces.push({ name: 'eth0', address, at: ip.value.pos, path: `${path}.ip` });
  } else if (declared) {
    interfaces.push(...readInterfaces(declared.value, `${path}.interfaces`, problems));
  }
  const incomplete = problems.errorCount > errorsBefore;
  let gateway: Located<number> | undefined;
  const gw = keys.get('gateway');
  if (gw) {
    const value = readAddress(gw.value, `${path}.gateway`, problems);
    if (value !== undefined) gateway = { value, at: gw.value.pos, path: `${path}.gateway` };
  }
  const routes = keys.has('routes') ? readRoutes(keys.get('routes')!.value, `${path}.routes`, problems) : [];
  return {
    ...base,
    fields: { kind },
    interfaces,
    autoInterfaces: !ip && !declared,
    incomplete,
    ...(gateway ? { gateway } : {}),
    routes,
  };
}

function readInterfaces(tree: TreeNode, path: string, problems: ProblemList): DraftInterface[] {
  if (tree.kind !== 'map') {
    problems.error(
      tree.pos,
      path,
      `interfaces must be a map such as {eth0: 10.0.0.1/24}, got ${describe(tree)}`,
    );
    return [];
  }
  const out: DraftInterface[] = [];
  for (const e of tree.entries) {
    const p = `${path}.${e.key}`;
    if (!checkName(e.key, 'interface', e.keyPos, p, problems)) continue;
    if (e.value.kind === 'scalar' && e.value.value === null) {
      out.push({ name: e.key, at: e.keyPos, path: p }); // unnumbered
      continue;
    }
    const address = readPrefix(e.value, p, problems);
    if (address) out.push({ name: e.key, address, at: e.value.pos, path: p });
  }
  return out;
}

function readRoutes(tree: TreeNode, path: string, problems: ProblemList): DraftRoute[] {
  if (tree.kind !== 'seq') {
    problems.error(
      tree.pos,
      path,
      `routes must be a list such as [{to: 10.9.0.0/16, via: 10.0.1.2}], got ${describe(tree)}`,
    );
    return [];
  }
  const out: DraftRoute[] = [];
  tree.items.forEach((item, i) => {
    const p = `${path}[${i}]`;
    const keys = readMap(item, p, 'a route', ['to', 'via'], problems);
    if (!keys) return;
    const to = keys.get('to');
    const via = keys.get('via');
    if (!to || !via) {
      problems.error(
        item.pos,
        p,
        `a route needs both 'to' (a prefix or default) and 'via' (a next-hop address)`,
      );
      return;
    }
    const prefix =
      to.value.kind === 'scalar' && to.value.value === 'default'
        ? { address: 0, length: 0 }
        : readPrefix(to.value, `${p}.to`, problems);
    const next = readAddress(via.value, `${p}.via`, problems);
    if (prefix && next !== undefined) {
      out.push({
        to: { value: prefix, at: to.value.pos, path: `${p}.to` },
        via: { value: next, at: via.value.pos, path: `${p}.via` },
      });
    }
  });
  return out;
}

function readSwitch(keys: Map<string, TreeEntry>, path: string, problems: ProblemList): KindFields {
  const aging = keys.get('aging');
  const size = keys.get('mac_table_size');
  return {
    kind: 'switch',
    aging: (aging && readAging(aging.value, `${path}.aging`, problems)) ?? SWITCH_DEFAULTS.aging,
    macTableSize:
      (size && readInteger(size.value, `${path}.mac_table_size`, problems, 1, MAX_MAC_TABLE_SIZE)) ??
      SWITCH_DEFAULTS.macTableSize,
  };
}

function readAging(tree: TreeNode, path: string, problems: ProblemList): number | undefined {
  const t = readDuration(tree, path, problems);
  if (t !== 0) return t;
  problems.error(tree.pos, path, 'aging: must be longer than 0s');
  return undefined;
}

function readMedium(
  kind: 'hub' | 'bus',
  keys: Map<string, TreeEntry>,
  path: string,
  problems: ProblemList,
): KindFields {
  const defaults = kind === 'hub' ? HUB_DEFAULTS : BUS_DEFAULTS;
  const rate = keys.get('rate');
  const delay = keys.get('delay');
  const loss = keys.get('loss');
  return {
    kind,
    rate: (rate && readRate(rate.value, `${path}.rate`, problems)) ?? defaults.rate,
    delay: (delay && readDuration(delay.value, `${path}.delay`, problems)) ?? defaults.delay,
    loss: (loss && readProbability(loss.value, `${path}.loss`, problems)) ?? defaults.loss,
  };
}
