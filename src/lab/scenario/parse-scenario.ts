/**
 * `parseScenario`: a scenario file's text → a validated `ScenarioSpec`, or a
 * `ScenarioError` listing every problem with file, line and column.
 *
 * Steps: YAML → positioned tree; top-level keys; `generate:`; nodes; links (endpoints get
 * concrete interfaces, then numbers); address and cabling checks; DNS; the PKI; web servers; script; duration. Each
 * step reports what it finds and carries on with what it could read, so one run reports
 * as many problems as possible. The format is documented in docs/scenario-format.md.
 */
import type { Time } from '../../sim/time.ts';
import { checkAddresses } from './check-addresses.ts';
import { checkSegments } from './check-segments.ts';
import { DEFAULT_CONVERGENCE, DEFAULT_ROUTING, DEFAULT_SEED, DURATION_GRACE, MAX_NODES } from './defaults.ts';
import type { DraftLink, DraftNode } from './draft.ts';
import { linkSpec } from './link-spec.ts';
import { type Position, type Problem, ProblemList, ScenarioError } from './problem.ts';
import { readDns } from './read-dns.ts';
import { readPki } from './read-pki.ts';
import { readWeb } from './read-web.ts';
import { readGenerate } from './read-generate.ts';
import { type LinkSettings, NO_SETTINGS, readLinks, readSettingsMap } from './read-links.ts';
import { readNodes } from './read-nodes.ts';
import { readScript, warnLateSteps } from './read-script.ts';
import {
  entriesOf,
  readChoice,
  readDuration,
  readInteger,
  readMap,
  readString,
  readText,
} from './read-values.ts';
import { resolveEndpoints } from './resolve-endpoints.ts';
import { estimatedRunTime } from './script-commands.ts';
import type { NodeSpec, RoutingMode, ScenarioSpec } from './spec.ts';
import { describe, parseYamlTree, type TreeEntry, type TreeNode } from './yaml-tree.ts';

export const TOP_KEYS = [
  'name',
  'description',
  'description_ko',
  'seed',
  'duration',
  'routing',
  'convergence',
  'defaults',
  'topology',
  'dns',
  'pki',
  'web',
  'script',
] as const;

export interface ParsedScenario {
  readonly spec: ScenarioSpec;
  /** Problems that do not stop the scenario, sorted by position. */
  readonly warnings: Problem[];
}

/**
 * Parses and validates a scenario. `fileName` is used in messages and as the default
 * name (its base name without extension). Throws `ScenarioError` (code
 * 'scenario-invalid') when there is any error; never throws anything else for any text.
 */
export function parseScenario(text: string, fileName: string): ParsedScenario {
  const problems = new ProblemList(fileName);
  const spec = read(text, fileName, problems);
  const all = problems.sorted();
  if (spec === undefined || problems.hasErrors) throw new ScenarioError(all);
  return { spec, warnings: all };
}

function read(text: string, fileName: string, problems: ProblemList): ScenarioSpec | undefined {
  const root = parseYamlTree(text, problems);
  if (root === undefined) return undefined;
  if (root.kind !== 'map') {
    const empty = root.kind === 'scalar' && root.value === null;
    problems.error(
      root.pos,
      '',
      empty
        ? "the file is empty; a scenario needs at least 'topology: {nodes: ..., links: ...}'"
        : `a scenario must be a map of keys (name, topology, script...), got ${describe(root)}`,
    );
    return undefined;
  }
  const top = entriesOf(root, '', 'the scenario', TOP_KEYS, problems);
  const header = readHeader(top, fileName, problems);
  const defaults = readDefaults(top.get('defaults'), problems);
  const topologyEntry = top.get('topology');
  if (!topologyEntry) {
    problems.error(root.pos, 'topology', "a scenario needs 'topology' (its nodes and links)");
    return undefined;
  }
  const topology = readTopology(topologyEntry.value, defaults, problems);
  if (!topology) return undefined;
  const { nodes, links, linksKnown } = topology;

  const dnsEntry = top.get('dns');
  const dns = dnsEntry ? readDns(dnsEntry.value, nodes, text.split(/\r?\n/), problems) : undefined;
  const pkiEntry = top.get('pki');
  const pki = pkiEntry ? readPki(pkiEntry.value, nodes, problems) : undefined;
  const webEntry = top.get('web');
  const web = webEntry
    ? readWeb(webEntry.value, nodes, problems, pki?.cas.map((c) => c.name) ?? [])
    : undefined;

  const scriptEntry = top.get('script');
  const steps = scriptEntry
    ? readScript(scriptEntry.value, nodes, linksKnown ? links : undefined, problems)
    : [];
  const lastEnd = steps.reduce((end, s) => Math.max(end, s.step.at + estimatedRunTime(s.step.run)), 0);
  if (header.duration !== undefined) warnLateSteps(steps, header.duration, problems);

  if (problems.hasErrors) return undefined;
  return {
    ...header,
    duration: header.duration ?? lastEnd + DURATION_GRACE,
    nodes: [...nodes.values()].map(nodeSpec),
    links: links.map((l) => l.spec!),
    script: steps.map((s) => s.step),
    ...(dns ? { dns } : {}),
    ...(web ? { web } : {}),
    ...(pki ? { pki } : {}),
  };
}

interface Header {
  readonly name: string;
  readonly description: string;
  readonly descriptionKo: string;
  readonly seed: number;
  /** Undefined when the file leaves it to the default. */
  readonly duration: Time | undefined;
  readonly routing: RoutingMode;
  readonly convergence: Time;
}

function readHeader(top: ReadonlyMap<string, TreeEntry>, fileName: string, problems: ProblemList): Header {
  const value = <T>(key: string, reader: (node: TreeNode, key: string) => T | undefined): T | undefined => {
    const e = top.get(key);
    return e === undefined ? undefined : reader(e.value, key);
  };
  const name = value('name', (n, k) => {
    const text = readString(n, k, problems);
    if (text?.trim() === '') problems.error(n.pos, k, 'name: must not be empty');
    return text?.trim() || undefined;
  });
  const duration = value('duration', (n, k) => {
    const t = readDuration(n, k, problems);
    if (t === 0) problems.error(n.pos, k, 'duration: must be longer than 0s');
    return t || undefined;
  });
  return {
    name: name ?? baseName(fileName),
    description: value('description', (n, k) => readText(n, k, problems)) ?? '',
    descriptionKo: value('description_ko', (n, k) => readText(n, k, problems)) ?? '',
    seed: value('seed', (n, k) => readInteger(n, k, problems, 0, 0xffff_ffff)) ?? DEFAULT_SEED,
    duration,
    routing:
      value('routing', (n, k) => readChoice(n, k, problems, ['global', 'static'] as const)) ??
      DEFAULT_ROUTING,
    convergence: value('convergence', (n, k) => readDuration(n, k, problems)) ?? DEFAULT_CONVERGENCE,
  };
}

function readDefaults(entry: TreeEntry | undefined, problems: ProblemList): LinkSettings {
  if (!entry) return NO_SETTINGS;
  const keys = readMap(entry.value, 'defaults', 'defaults', ['link'], problems);
  const link = keys?.get('link');
  return link ? readSettingsMap(link.value, 'defaults.link', 'defaults.link', problems) : NO_SETTINGS;
}

interface ReadTopology {
  readonly nodes: ReadonlyMap<string, DraftNode>;
  readonly links: readonly DraftLink[];
  /** False when some file link could not be read or resolved (so which links exist is unsure). */
  readonly linksKnown: boolean;
}

/** `topology`: generated and file nodes, resolved links, and the checks across them. */
function readTopology(
  tree: TreeNode,
  defaults: LinkSettings,
  problems: ProblemList,
): ReadTopology | undefined {
  const topo = readMap(tree, 'topology', 'topology', ['nodes', 'links', 'generate'], problems);
  if (!topo) return undefined;
  const part = (key: string) => topo.get(key)?.value;

  const generateTree = part('generate');
  const generated = generateTree ? readGenerate(generateTree, defaults, problems) : undefined;
  const nodes = new Map<string, DraftNode>();
  for (const n of generated?.nodes ?? []) nodes.set(n.name, n);
  const nodesTree = part('nodes');
  const { nodes: fileNodes, broken } = nodesTree
    ? readNodes(nodesTree, problems)
    : { nodes: [], broken: new Set<string>() };
  for (const n of fileNodes) {
    const earlier = nodes.get(n.name);
    if (earlier) {
      problems.error(
        n.at,
        n.path,
        `node '${n.name}' is already made by generate (${generated!.kind}, line ${earlier.at.line}); choose another name`,
      );
      broken.add(n.name); // links naming it are ambiguous: leave them unreported
      continue;
    }
    nodes.set(n.name, n);
  }
  if (!checkNodeCount(nodes.size, tree.pos, problems)) return undefined;

  const errorsBeforeLinks = problems.errorCount;
  const linksTree = part('links');
  const fileLinks = linksTree ? readLinks(linksTree, problems) : [];
  const { resolved, used } = resolveEndpoints(
    nodes,
    broken,
    generated?.links ?? [],
    fileLinks.map((e) => e.link),
    problems,
  );
  const linksKnown = problems.errorCount === errorsBeforeLinks && resolved.length === fileLinks.length;
  const settingsOf = new Map(fileLinks.map((e) => [e.link, e.settings]));
  for (const link of resolved) link.spec = linkSpec(link, settingsOf.get(link)!, defaults, nodes, problems);
  const links: DraftLink[] = [...(generated?.links ?? []), ...resolved];

  checkAddresses([...nodes.values()], problems);
  checkSegments(nodes, links, used, problems);
  return { nodes, links, linksKnown };
}

function checkNodeCount(count: number, at: Position, problems: ProblemList): boolean {
  if (count === 0 && !problems.hasErrors) {
    problems.error(at, 'topology', "the topology has no nodes; add 'nodes' or 'generate'");
  }
  if (count <= MAX_NODES) return true;
  problems.error(at, 'topology', `the topology has ${count} nodes; the limit is ${MAX_NODES}`);
  return false;
}

function nodeSpec(n: DraftNode): NodeSpec {
  const interfaces = n.interfaces.map((i) =>
    i.address ? { name: i.name, address: i.address } : { name: i.name },
  );
  const routes = n.routes.map((r) => ({ to: r.to.value, via: r.via.value }));
  const f = n.fields;
  switch (f.kind) {
    case 'host':
      return {
        kind: 'host',
        name: n.name,
        interfaces,
        ...(n.gateway ? { gateway: n.gateway.value } : {}),
        routes,
      };
    case 'router':
      return { kind: 'router', name: n.name, interfaces, routes };
    default: {
      const { kind, ...rest } = f;
      return { kind, name: n.name, interfaces, ...rest } as NodeSpec;
    }
  }
}

/** `examples/star.yaml` → `star`. */
function baseName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  return (dot > 0 ? base.slice(0, dot) : base) || 'scenario';
}
