/**
 * Reads link settings (`defaults.link`, each entry of `topology.links`, `generate.link`)
 * and link endpoints, and works out a link's numbers.
 *
 * Precedence, lowest first: the built-in default (the LAN preset, no impairments, MTU
 * 1500); `defaults.link.preset`; the other keys of `defaults.link`; the link's own
 * `preset`; the link's own keys. So a link's preset beats a default rate, and a default
 * loss still applies to a link that only picks a preset.
 */
import { type LinkPreset, linkPreset } from '../presets.ts';
import { DEFAULT_LINK, MAX_MTU, MIN_MTU } from './defaults.ts';
import { didYouMean } from './did-you-mean.ts';
import type { DraftEndpoint, DraftLink, Located } from './draft.ts';
import type { Position, ProblemList } from './problem.ts';
import { checkName } from './read-nodes.ts';
import {
  entriesOf,
  readDuration,
  readInteger,
  readProbability,
  readQueue,
  readRate,
  readString,
} from './read-values.ts';
import type { LinkParams } from './spec.ts';
import { describe, type TreeEntry, type TreeNode } from './yaml-tree.ts';

export const LINK_SETTING_KEYS = [
  'preset',
  'rate',
  'delay',
  'loss',
  'duplicate',
  'jitter',
  'queue',
  'mtu',
] as const;
type SettingKey = (typeof LINK_SETTING_KEYS)[number];

/** What one map of link settings says, each value with its position. */
export interface LinkSettings {
  readonly preset?: Located<LinkPreset>;
  readonly values: { readonly [K in keyof LinkParams]?: Located<LinkParams[K]> };
}

export const NO_SETTINGS: LinkSettings = { values: {} };

/** Reads the setting keys out of already key-checked entries. */
export function readLinkSettings(
  keys: Map<string, TreeEntry>,
  path: string,
  problems: ProblemList,
): LinkSettings {
  const values: { -readonly [K in keyof LinkParams]?: Located<LinkParams[K]> } = {};
  let preset: Located<LinkPreset> | undefined;
  const at = (k: SettingKey) => `${path}.${k}`;
  for (const key of LINK_SETTING_KEYS) {
    const entry = keys.get(key);
    if (!entry) continue;
    const node = entry.value;
    const p = at(key);
    const loc = <T>(value: T | undefined): Located<T> | undefined =>
      value === undefined ? undefined : { value, at: node.pos, path: p };
    switch (key) {
      case 'preset': {
        const name = readString(node, p, problems);
        if (name === undefined) break;
        const found = linkPreset(name);
        if (found) preset = { value: found, at: node.pos, path: p };
        else
          problems.error(
            node.pos,
            p,
            `preset: expected lan, man or wan, got '${name}'${didYouMean(name, ['lan', 'man', 'wan'])}`,
          );
        break;
      }
      case 'rate':
        values.rate = loc(readRate(node, p, problems));
        break;
      case 'delay':
        values.delay = loc(readDuration(node, p, problems));
        break;
      case 'jitter':
        values.jitter = loc(readDuration(node, p, problems));
        break;
      case 'loss':
        values.loss = loc(readProbability(node, p, problems));
        break;
      case 'duplicate':
        values.duplicate = loc(readProbability(node, p, problems));
        break;
      case 'queue':
        values.queue = loc(readQueue(node, p, problems));
        break;
      case 'mtu':
        values.mtu = loc(readInteger(node, p, problems, MIN_MTU, MAX_MTU));
        break;
    }
  }
  return { ...(preset ? { preset } : {}), values };
}

/** A map holding only link settings (`defaults.link`, `generate.link`). */
export function readSettingsMap(
  tree: TreeNode,
  path: string,
  what: string,
  problems: ProblemList,
): LinkSettings {
  if (tree.kind !== 'map') {
    problems.error(
      tree.pos,
      path,
      `${what} must be a map of link settings such as {preset: lan}, got ${describe(tree)}`,
    );
    return NO_SETTINGS;
  }
  return readLinkSettings(entriesOf(tree, path, what, LINK_SETTING_KEYS, problems), path, problems);
}

/** The numbers of a link given the file's defaults and its own settings. */
export function resolveLinkParams(defaults: LinkSettings, own: LinkSettings): LinkParams {
  const fromPreset = (s: LinkSettings): Partial<LinkParams> =>
    s.preset ? { rate: s.preset.value.rate, delay: s.preset.value.delay, queue: s.preset.value.queue } : {};
  const explicit = (s: LinkSettings): Partial<LinkParams> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(s.values)) if (v !== undefined) out[k] = v.value;
    return out as Partial<LinkParams>;
  };
  return {
    ...DEFAULT_LINK,
    ...fromPreset(defaults),
    ...explicit(defaults),
    ...fromPreset(own),
    ...explicit(own),
  };
}

/** Reads `topology.links`. Endpoint names are resolved later (resolve-endpoints.ts). */
export function readLinks(
  tree: TreeNode,
  problems: ProblemList,
): { link: DraftLink; settings: LinkSettings }[] {
  const path = 'topology.links';
  if (tree.kind !== 'seq') {
    problems.error(
      tree.pos,
      path,
      `links must be a list such as [{endpoints: [h1, sw1]}], got ${describe(tree)}`,
    );
    return [];
  }
  const out: { link: DraftLink; settings: LinkSettings }[] = [];
  tree.items.forEach((item, i) => {
    const p = `${path}[${i}]`;
    let endpointsNode: TreeNode | undefined;
    let keys: Map<string, TreeEntry>;
    if (item.kind === 'seq') {
      // Shorthand: a link written as its endpoint pair, `- [h1, sw1]`.
      endpointsNode = item;
      keys = new Map();
    } else if (item.kind === 'map') {
      keys = entriesOf(item, p, 'a link', ['endpoints', ...LINK_SETTING_KEYS], problems);
      endpointsNode = keys.get('endpoints')?.value;
      if (!endpointsNode) {
        problems.error(item.pos, p, "a link needs 'endpoints': [node, node], e.g. [h1:eth0, sw1]");
        return;
      }
    } else {
      problems.error(
        item.pos,
        p,
        `a link must be a map such as {endpoints: [h1, sw1]}, got ${describe(item)}`,
      );
      return;
    }
    const endpointsPath = item.kind === 'seq' ? p : `${p}.endpoints`;
    const endpoints = readEndpoints(endpointsNode, endpointsPath, problems);
    const settings = readLinkSettings(keys, p, problems);
    if (endpoints) out.push({ link: { endpoints, at: item.pos, path: p }, settings });
  });
  return out;
}

function readEndpoints(
  tree: TreeNode,
  path: string,
  problems: ProblemList,
): readonly [DraftEndpoint, DraftEndpoint] | undefined {
  if (tree.kind !== 'seq' || tree.items.length !== 2) {
    const got =
      tree.kind === 'seq' ? `${tree.items.length} item${tree.items.length === 1 ? '' : 's'}` : describe(tree);
    problems.error(tree.pos, path, `endpoints must be a list of two ends such as [h1:eth0, sw1], got ${got}`);
    return undefined;
  }
  const a = readEndpoint(tree.items[0]!, `${path}[0]`, problems);
  const b = readEndpoint(tree.items[1]!, `${path}[1]`, problems);
  return a && b ? [a, b] : undefined;
}

/** `node` or `node:interface`. */
function readEndpoint(tree: TreeNode, path: string, problems: ProblemList): DraftEndpoint | undefined {
  const text = tree.kind === 'scalar' && typeof tree.value === 'string' ? tree.value.trim() : undefined;
  if (text === undefined) {
    problems.error(tree.pos, path, `a link endpoint is "node" or "node:interface", got ${describe(tree)}`);
    return undefined;
  }
  const colon = text.indexOf(':');
  const node = colon < 0 ? text : text.slice(0, colon);
  const iface = colon < 0 ? undefined : text.slice(colon + 1);
  if (!checkName(node, 'node', tree.pos, path, problems)) return undefined;
  if (iface !== undefined && !checkName(iface, 'interface', tree.pos, path, problems)) return undefined;
  return { node, ...(iface === undefined ? {} : { interface: iface }), at: tree.pos, path };
}

/** The position of a link's explicit setting, for messages about it. */
export function settingPosition(
  settings: LinkSettings,
  key: keyof LinkParams | 'preset',
): Position | undefined {
  return key === 'preset' ? settings.preset?.at : settings.values[key]?.at;
}
