/**
 * Reads the top-level `dns:` section: the zones and the nodes that serve them, the nodes
 * that run a recursive resolver, and each client's stub resolver (resolv.conf and hosts
 * file). The network builds it with `buildDnsHierarchy` (src/application/dns).
 *
 *   dns:
 *     zones:
 *       - { origin: ., servers: [root] }
 *       - { origin: com., servers: [tld] }
 *       - origin: example.com.
 *         servers: [ns1]
 *         records: |
 *           www  300  IN  A  203.0.113.10
 *     resolvers: [resolver]
 *     clients:
 *       laptop: { nameservers: [resolver], hosts: "10.0.0.9 printer" }
 *
 * Decisions, documented in docs/scenario-format.md: an origin without its final dot is
 * taken as absolute (`example.com` is `example.com.`), since an origin can only be
 * absolute; hosts not listed under `clients` use the first resolver; zone text is checked
 * here, with its errors placed on the YAML line they are on (exactly for `|` blocks; for
 * other text styles at the value, naming the line within it).
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import { type HierarchyZoneSpec, planDnsZones } from '../../application/dns/dns-hierarchy.ts';
import { canonicalName, nameKey } from '../../application/dns/dns-name.ts';
import { HostsFile } from '../../application/dns/hosts-file.ts';
import { MAX_NAMESERVERS } from '../../application/dns/resolv-conf.ts';
import { parseTtl, ZoneFileError } from '../../application/dns/zone-file.ts';
import { closest, didYouMean } from './did-you-mean.ts';
import { type DraftNode, isLayer3, kindOf } from './draft.ts';
import type { Position, ProblemList } from './problem.ts';
import { readInteger, readMap, readString, readText } from './read-values.ts';
import type { DnsClientSpec, DnsSpec, DnsZoneSpec } from './spec.ts';
import { describe, type TreeNode, type TreeScalar } from './yaml-tree.ts';

/** TTL of generated records when a zone does not say (BIND's usual $TTL). */
export const DEFAULT_ZONE_TTL = 3600;
/** Zones in one scenario. */
export const MAX_ZONES = 1000;
/** RFC 2181 §8: a TTL is at most 2^31 - 1 seconds. */
const MAX_TTL = 2_147_483_647;

const ZONE_KEYS = ['origin', 'servers', 'records', 'zone_file', 'ttl'] as const;
const CLIENT_KEYS = ['nameservers', 'search', 'hosts', 'timeout', 'attempts', 'ndots'] as const;

interface DraftZone {
  readonly spec: DnsZoneSpec;
  readonly at: Position;
  readonly path: string;
  /** Where the records or zone text was written, to place its errors. */
  readonly text?: { readonly node: TreeScalar; readonly path: string };
}

/**
 * Reads `dns:`. `nodes` are the topology's nodes; `source` the file's lines (to place
 * errors inside zone text). Returns undefined when nothing usable was read.
 */
export function readDns(
  tree: TreeNode,
  nodes: ReadonlyMap<string, DraftNode>,
  source: readonly string[],
  problems: ProblemList,
): DnsSpec | undefined {
  const keys = readMap(tree, 'dns', 'dns', ['zones', 'resolvers', 'clients'], problems);
  if (!keys) return undefined;
  const errorsBefore = problems.errorCount;
  const ctx = new DnsReader(nodes, source, problems);

  const zonesEntry = keys.get('zones');
  const zones = zonesEntry ? ctx.zones(zonesEntry.value) : [];
  if (!zonesEntry)
    problems.error(tree.pos, 'dns.zones', "dns needs 'zones': at least the zones its servers serve");

  const resolversEntry = keys.get('resolvers');
  const resolvers = resolversEntry ? ctx.nodeList(resolversEntry.value, 'dns.resolvers', 'a resolver') : [];
  const serving = new Map<string, string>();
  for (const z of zones) for (const s of z.spec.servers) serving.set(s, z.spec.origin);
  for (const r of resolvers) {
    const origin = serving.get(r.name);
    if (origin !== undefined)
      problems.error(
        r.at,
        r.path,
        `node '${r.name}' already serves zone ${origin} on port 53; a recursive resolver needs a node of its own`,
      );
  }
  if (resolvers.length > 0 && zonesEntry && !zones.some((z) => z.spec.origin === '.'))
    problems.error(
      zonesEntry.value.pos,
      'dns.zones',
      "recursive resolvers start at the root: add the root zone, e.g. '- { origin: ., servers: [root] }'",
    );

  const clientsEntry = keys.get('clients');
  const dnsNodes = new Set([...serving.keys(), ...resolvers.map((r) => r.name)]);
  // Which nodes serve DNS is only sure when the zones and resolvers read cleanly.
  ctx.warnNoServer = problems.errorCount === errorsBefore;
  const listed = clientsEntry ? ctx.clients(clientsEntry.value, dnsNodes) : [];

  if (problems.errorCount > errorsBefore) return undefined;
  ctx.checkHierarchy(
    zones,
    resolvers.map((r) => r.name),
    zonesEntry?.value.pos ?? tree.pos,
  );
  if (problems.errorCount > errorsBefore) return undefined;

  // Hosts not listed use the first resolver, as a DHCP-configured LAN would.
  const first = resolvers[0] && ctx.addressOf(resolvers[0].name);
  const named = new Set(listed.map((c) => c.node));
  const defaults: DnsClientSpec[] =
    first === undefined
      ? []
      : [...nodes.values()]
          .filter((n) => kindOf(n) === 'host' && !named.has(n.name) && ctx.addressOf(n.name) !== undefined)
          .map((n) => ({ ...DEFAULT_CLIENT, node: n.name, nameservers: [first] }));
  const order = new Map([...nodes.keys()].map((name, i) => [name, i]));
  const clients = [...listed, ...defaults].sort((a, b) => order.get(a.node)! - order.get(b.node)!);
  return { zones: zones.map((z) => z.spec), resolvers: resolvers.map((r) => r.name), clients };
}

const DEFAULT_CLIENT = { search: [], hosts: '', timeout: 5, attempts: 2, ndots: 1 } as const;

class DnsReader {
  /** Warn about nameservers that run no name server. */
  warnNoServer = true;

  constructor(
    private readonly nodes: ReadonlyMap<string, DraftNode>,
    private readonly source: readonly string[],
    private readonly problems: ProblemList,
  ) {}

  /** A node's primary address (its first addressed interface), as the network gives it. */
  addressOf(name: string): number | undefined {
    return this.nodes.get(name)?.interfaces.find((i) => i.address !== undefined)?.address?.address;
  }

  zones(tree: TreeNode): DraftZone[] {
    const path = 'dns.zones';
    if (tree.kind !== 'seq') {
      this.problems.error(
        tree.pos,
        path,
        `zones must be a list such as [{origin: ., servers: [root]}], got ${describe(tree)}`,
      );
      return [];
    }
    if (tree.items.length > MAX_ZONES) {
      this.problems.error(tree.pos, path, `dns has ${tree.items.length} zones; the limit is ${MAX_ZONES}`);
      return [];
    }
    const out: DraftZone[] = [];
    const seen = new Map<string, Position>();
    tree.items.forEach((item, i) => {
      const z = this.zone(item, `${path}[${i}]`);
      if (!z) return;
      const key = nameKey(z.spec.origin);
      const earlier = seen.get(key);
      if (earlier) {
        this.problems.error(
          z.at,
          `${z.path}.origin`,
          `zone ${z.spec.origin} is listed twice (first on line ${earlier.line})`,
        );
        return;
      }
      seen.set(key, z.at);
      out.push(z);
    });
    return out;
  }

  private zone(item: TreeNode, path: string): DraftZone | undefined {
    const keys = readMap(item, path, 'a zone', ZONE_KEYS, this.problems);
    if (!keys) return undefined;
    const originEntry = keys.get('origin');
    const serversEntry = keys.get('servers');
    if (!originEntry || !serversEntry) {
      const missing = [
        originEntry ? '' : "'origin' (its name, such as example.com.)",
        serversEntry ? '' : "'servers' (the nodes that serve it)",
      ]
        .filter((s) => s)
        .join(' and ');
      this.problems.error(item.pos, path, `a zone needs ${missing}`);
      return undefined;
    }
    const errorsBefore = this.problems.errorCount;
    const origin = this.domain(originEntry.value, `${path}.origin`);
    const servers = this.nodeList(serversEntry.value, `${path}.servers`, 'a name server');
    if (servers.length === 0 && serversEntry.value.kind === 'seq' && serversEntry.value.items.length === 0)
      this.problems.error(
        serversEntry.value.pos,
        `${path}.servers`,
        'servers: a zone needs at least one server',
      );
    const ttlEntry = keys.get('ttl');
    const ttl = ttlEntry ? this.ttl(ttlEntry.value, `${path}.ttl`) : DEFAULT_ZONE_TTL;
    const recordsEntry = keys.get('records');
    const fileEntry = keys.get('zone_file');
    if (recordsEntry && fileEntry)
      this.problems.error(
        fileEntry.keyPos,
        `${path}.zone_file`,
        "give 'records' (lines added to a generated SOA and NS) or 'zone_file' (a complete zone), not both",
      );
    const textEntry = fileEntry ?? recordsEntry;
    const textPath = `${path}.${fileEntry ? 'zone_file' : 'records'}`;
    const text = textEntry ? readText(textEntry.value, textPath, this.problems) : undefined;
    if (this.problems.errorCount > errorsBefore || origin === undefined || ttl === undefined)
      return undefined;
    const spec: DnsZoneSpec = {
      origin,
      servers: servers.map((s) => s.name),
      ...(text !== undefined && text.trim() !== '' ? (fileEntry ? { text } : { records: text }) : {}),
      ttl,
    };
    const placed =
      textEntry && textEntry.value.kind === 'scalar' ? { node: textEntry.value, path: textPath } : undefined;
    const zone: DraftZone = { spec, at: originEntry.value.pos, path, ...(placed ? { text: placed } : {}) };
    if (fileEntry && spec.text === undefined)
      this.problems.error(fileEntry.value.pos, textPath, 'zone_file: the zone text is empty');
    else this.checkZoneText(zone);
    return zone;
  }

  /**
   * Builds the zone on its own (its text, the generated SOA and NS), reporting errors on
   * their YAML lines; what depends on other zones is checked by `checkHierarchy`.
   */
  private checkZoneText(z: DraftZone): void {
    try {
      planDnsZones({ zones: [toHierarchyZone(z.spec)] }, (node) =>
        formatIpv4Address(this.addressOf(node) ?? 0),
      );
    } catch (e) {
      if (!this.reportZoneError(e, z)) throw e;
    }
  }

  /** Reports a zone-building error at the best position; false when `e` is not one. */
  private reportZoneError(e: unknown, z: DraftZone): boolean {
    if (e instanceof ZoneFileError) {
      const t = z.text;
      if (!t) {
        this.problems.error(z.at, z.path, e.problem);
        return true;
      }
      const block = this.blockLine(t.node, e.line);
      if (block) this.problems.error(block, t.path, e.problem);
      else this.problems.error(t.node.pos, t.path, `line ${e.line} of the zone text: ${e.problem}`);
      return true;
    }
    if (
      e instanceof NetlabError &&
      (e.code === 'bad-dns-hierarchy' || e.code === 'bad-zone' || e.code === 'bad-name')
    ) {
      const at = z.text?.node.pos ?? z.at;
      const message = e.message.startsWith(`zone ${z.spec.origin}: `)
        ? e.message.slice(`zone ${z.spec.origin}: `.length)
        : e.message;
      const said = message.startsWith(`zone ${z.spec.origin} `)
        ? message
        : `zone ${z.spec.origin}: ${message}`;
      this.problems.error(at, z.text?.path ?? z.path, said);
      return true;
    }
    return false;
  }

  /**
   * The YAML position of line `n` of a literal block scalar (`records: |`), whose lines
   * map one to one onto the file's; undefined for other styles.
   */
  private blockLine(node: TreeScalar, n: number): Position | undefined {
    const header = this.source[node.pos.line - 1];
    if (header?.[node.pos.column - 1] !== '|') return undefined;
    const line = node.pos.line + n;
    const text = this.source[line - 1];
    if (text === undefined) return undefined;
    const indent = text.length - text.trimStart().length;
    return { line, column: indent + 1 };
  }

  /** Builds every zone as the network will (delegations, glue) and reports what fails. */
  checkHierarchy(zones: readonly DraftZone[], resolvers: readonly string[], at: Position): void {
    try {
      planDnsZones({ zones: zones.map((z) => toHierarchyZone(z.spec)), resolvers }, (node) =>
        formatIpv4Address(this.addressOf(node) ?? 0),
      );
    } catch (e) {
      const origin = e instanceof NetlabError ? (e.details?.origin as string | undefined) : undefined;
      const fileOrigin = e instanceof ZoneFileError ? e.file.replace(/^zone /, '') : undefined;
      const z = zones.find((x) => x.spec.origin === (origin ?? fileOrigin));
      if (z && this.reportZoneError(e, z)) return;
      if (e instanceof NetlabError) {
        this.problems.error(at, 'dns.zones', e.message);
        return;
      }
      throw e;
    }
  }

  /** A domain name, made absolute. */
  private domain(tree: TreeNode, path: string): string | undefined {
    const text = readString(tree, path, this.problems);
    if (text === undefined) return undefined;
    const t = text.trim();
    if (t === '') {
      this.problems.error(tree.pos, path, `${last(path)}: a domain name is empty; the root zone is '.'`);
      return undefined;
    }
    try {
      return canonicalName(t.endsWith('.') ? t : `${t}.`);
    } catch (e) {
      const why = e instanceof NetlabError ? e.message : String(e);
      this.problems.error(tree.pos, path, `${last(path)}: '${t}' is not a domain name: ${why}`);
      return undefined;
    }
  }

  private ttl(tree: TreeNode, path: string): number | undefined {
    const v = tree.kind === 'scalar' ? tree.value : undefined;
    const n =
      typeof v === 'number' && Number.isInteger(v) && v >= 0
        ? v
        : typeof v === 'string'
          ? parseTtl(v.trim())
          : undefined;
    if (n !== undefined && n <= MAX_TTL) return n;
    this.problems.error(
      tree.pos,
      path,
      `ttl: expected seconds (300) or BIND units such as 1h, 30m, 1d, got ${describe(tree)}`,
    );
    return undefined;
  }

  /** A list of node names that can run DNS (hosts and routers with an address). */
  nodeList(tree: TreeNode, path: string, role: string): { name: string; at: Position; path: string }[] {
    if (tree.kind !== 'seq') {
      const hint = tree.kind === 'scalar' && typeof tree.value === 'string' ? ` (write [${tree.value}])` : '';
      this.problems.error(
        tree.pos,
        path,
        `${last(path)}: expected a list of node names${hint}, got ${describe(tree)}`,
      );
      return [];
    }
    const out: { name: string; at: Position; path: string }[] = [];
    const seen = new Set<string>();
    tree.items.forEach((item, i) => {
      const p = `${path}[${i}]`;
      const name = this.nodeName(item, p, role);
      if (name === undefined) return;
      if (seen.has(name)) {
        this.problems.error(item.pos, p, `${last(path)}: '${name}' is listed twice`);
        return;
      }
      seen.add(name);
      out.push({ name, at: item.pos, path: p });
    });
    return out;
  }

  /** A node that exists, is a host or router, and has an address. */
  private nodeName(tree: TreeNode, path: string, role: string): string | undefined {
    const name = readString(tree, path, this.problems);
    if (name === undefined) return undefined;
    const node = this.nodes.get(name);
    if (!node) {
      this.problems.error(
        tree.pos,
        path,
        `${role} names no node '${name}'${didYouMean(name, this.nodes.keys())}`,
      );
      return undefined;
    }
    const kind = kindOf(node);
    if (!isLayer3(kind)) {
      this.problems.error(
        tree.pos,
        path,
        `'${name}' is a ${kind}; only hosts and routers run DNS (they have an IP stack)`,
      );
      return undefined;
    }
    if (this.addressOf(name) === undefined && !node.incomplete) {
      this.problems.error(
        tree.pos,
        path,
        `node '${name}' has no IPv4 address to serve DNS on; give it one, e.g. ip: 10.0.0.53/24`,
      );
      return undefined;
    }
    return node.incomplete ? undefined : name;
  }

  clients(tree: TreeNode, dnsNodes: ReadonlySet<string>): DnsClientSpec[] {
    const path = 'dns.clients';
    if (tree.kind !== 'map') {
      this.problems.error(
        tree.pos,
        path,
        `clients must be a map from node name to its resolver settings, such as {laptop: {nameservers: [resolver]}}, got ${describe(tree)}`,
      );
      return [];
    }
    const out: DnsClientSpec[] = [];
    for (const entry of tree.entries) {
      const p = `${path}.${entry.key}`;
      const node = this.nodeName({ kind: 'scalar', value: entry.key, pos: entry.keyPos }, p, 'a DNS client');
      const keys = readMap(entry.value, p, 'a DNS client', CLIENT_KEYS, this.problems);
      if (node === undefined || !keys) continue;
      const nsEntry = keys.get('nameservers');
      if (!nsEntry) {
        this.problems.error(
          entry.keyPos,
          p,
          `client '${node}' needs 'nameservers' (resolver nodes or addresses)`,
        );
        continue;
      }
      const nameservers = this.nameservers(nsEntry.value, `${p}.nameservers`, node, dnsNodes);
      const searchEntry = keys.get('search');
      const search = searchEntry ? this.search(searchEntry.value, `${p}.search`) : [];
      const hostsEntry = keys.get('hosts');
      const hosts = hostsEntry ? this.hosts(hostsEntry.value, `${p}.hosts`) : '';
      const option = (key: string, min: number, max: number, fallback: number) => {
        const e = keys.get(key);
        return e ? readInteger(e.value, `${p}.${key}`, this.problems, min, max) : fallback;
      };
      // resolv.conf(5)'s ranges: timeout 1..30 s, attempts 1..5, ndots 0..15.
      const timeout = option('timeout', 1, 30, DEFAULT_CLIENT.timeout);
      const attempts = option('attempts', 1, 5, DEFAULT_CLIENT.attempts);
      const ndots = option('ndots', 0, 15, DEFAULT_CLIENT.ndots);
      if (
        nameservers === undefined ||
        search === undefined ||
        hosts === undefined ||
        timeout === undefined ||
        attempts === undefined ||
        ndots === undefined
      )
        continue;
      out.push({ node, nameservers, search, hosts, timeout, attempts, ndots });
    }
    return out;
  }

  private nameservers(
    tree: TreeNode,
    path: string,
    client: string,
    dnsNodes: ReadonlySet<string>,
  ): number[] | undefined {
    if (tree.kind !== 'seq' || tree.items.length === 0) {
      this.problems.error(
        tree.pos,
        path,
        `nameservers: expected a list of resolver nodes or addresses such as [resolver] or [10.0.0.53], got ${describe(tree)}`,
      );
      return undefined;
    }
    const out: number[] = [];
    let ok = true;
    tree.items.forEach((item, i) => {
      const p = `${path}[${i}]`;
      const text = item.kind === 'scalar' && typeof item.value === 'string' ? item.value : undefined;
      const literal = text === undefined ? undefined : parseIpv4Address(text);
      if (literal !== undefined) {
        out.push(literal);
        return;
      }
      if (text !== undefined && /^[\d.]+$/.test(text)) {
        this.problems.error(item.pos, p, `nameservers: '${text}' is not an IPv4 address`);
        ok = false;
        return;
      }
      const name = this.nodeName(item, p, 'a nameserver');
      if (name === undefined) {
        ok = false;
        return;
      }
      if (!dnsNodes.has(name) && this.warnNoServer) {
        const hint = closest(name, dnsNodes);
        this.problems.warning(
          item.pos,
          p,
          `${client}'s nameserver '${name}' runs no name server: its queries will be refused${hint ? ` (did you mean '${hint}'?)` : ''}`,
        );
      }
      out.push(this.addressOf(name)!);
    });
    if (out.length > MAX_NAMESERVERS)
      this.problems.warning(
        tree.items[MAX_NAMESERVERS]!.pos,
        `${path}[${MAX_NAMESERVERS}]`,
        `nameservers: only the first ${MAX_NAMESERVERS} are used (glibc's MAXNS)`,
      );
    return ok ? out.slice(0, MAX_NAMESERVERS) : undefined;
  }

  private search(tree: TreeNode, path: string): string[] | undefined {
    if (tree.kind !== 'seq') {
      this.problems.error(
        tree.pos,
        path,
        `search: expected a list of domains such as [example.com], got ${describe(tree)}`,
      );
      return undefined;
    }
    const out: string[] = [];
    let ok = true;
    tree.items.forEach((item, i) => {
      const d = this.domain(item, `${path}[${i}]`);
      if (d === undefined) ok = false;
      else out.push(d);
    });
    return ok ? out : undefined;
  }

  private hosts(tree: TreeNode, path: string): string | undefined {
    const text = readText(tree, path, this.problems);
    if (text === undefined) return undefined;
    try {
      HostsFile.parse(text);
      return text;
    } catch (e) {
      if (!(e instanceof NetlabError) || e.code !== 'bad-hosts') throw e;
      const n = e.details?.line as number;
      const block = tree.kind === 'scalar' ? this.blockLine(tree, n) : undefined;
      const why = e.message.replace(/^hosts:\d+: /, '');
      if (block) this.problems.error(block, path, `hosts: ${why}`);
      else this.problems.error(tree.pos, path, `hosts: line ${n}: ${why}`);
      return undefined;
    }
  }
}

function toHierarchyZone(z: DnsZoneSpec): HierarchyZoneSpec {
  return z;
}

function last(path: string): string {
  return path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
}
