/**
 * Builds the DNS of a lab in one call: given the zones and which nodes serve each, it
 * writes the zones a hierarchy needs — the root delegating each TLD, each TLD delegating
 * its children, every delegation with NS records and glue — starts authoritative servers
 * on those nodes, recursive resolvers (primed with the root servers' addresses as root
 * hints) and stub resolvers pointing at them. The tour's "the resolver asks the root
 * server" runs on this.
 *
 * Generated names: the root's servers are `a.root-servers.net.`, `b.root-servers.net.`...
 * (their A records are glue in the root zone, as in the real root), every other zone's
 * are `ns1.<zone>`, `ns2.<zone>`... Generated SOA: serial 1, refresh 7200, retry 3600,
 * expire 1209600, minimum 300 (so negative answers are cached for 5 minutes).
 *
 * A zone can instead come as complete master-file text (`text`), whose apex NS records
 * and their A records are used for its delegation.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { Node } from '../../link/node.ts';
import { RecordType } from './dns-constants.ts';
import type { DnsServerAddress } from './dns-io.ts';
import type { DnsRecord } from './dns-message.ts';
import { canonicalName, isSubdomain, labelCount, nameKey } from './dns-name.ts';
import { HostsFile } from './hosts-file.ts';
import type { RecursiveResolver, RecursiveResolverOptions } from './recursive-resolver.ts';
import { DEFAULT_RESOLV_CONF } from './resolv-conf.ts';
import {
  type DnsServerService,
  DNS_PORT,
  installAuthoritativeServer,
  installRecursiveResolver,
  installStubResolver,
  type StreamConnector,
} from './dns-sim.ts';
import type { StubResolver } from './stub-resolver.ts';
import { Zone } from './zone.ts';
import { parseZoneFile } from './zone-file.ts';

/** What the builder needs of a network: `Network` (src/lab) fits. */
export interface DnsNetworkView {
  node(name: string): Node | undefined;
  hostAddress(name: string): number | undefined;
}

export interface HierarchyZoneSpec {
  /** `.`, `com.`, `example.com.` */
  readonly origin: string;
  /** Nodes serving it (the first is the primary, the SOA's MNAME). */
  readonly servers: readonly string[];
  /** Extra master-file lines, relative to the origin (`www A 192.0.2.80`). */
  readonly records?: string;
  /** A complete zone file instead (SOA, NS and all). */
  readonly text?: string;
  /** TTL of generated records and default of `records`. Default 3600. */
  readonly ttl?: number;
}

export interface HierarchyClientSpec {
  readonly node: string;
  /** Resolver nodes or dotted quads, as resolv.conf `nameserver` lines. */
  readonly nameservers: readonly string[];
  /** /etc/hosts text. */
  readonly hosts?: string;
  readonly search?: readonly string[];
}

export interface DnsHierarchySpec {
  /** Must include the root zone `.`. */
  readonly zones: readonly HierarchyZoneSpec[];
  /** Nodes that run a recursive resolver on port 53. */
  readonly resolvers?: readonly string[];
  readonly clients?: readonly HierarchyClientSpec[];
  readonly resolverOptions?: Omit<RecursiveResolverOptions, 'rootHints'>;
  /** TCP for resolvers and clients (TC fallback), when the nodes have it. */
  readonly connect?: (node: Node) => StreamConnector | undefined;
}

export interface DnsHierarchy {
  readonly zones: ReadonlyMap<string, Zone>;
  readonly servers: ReadonlyMap<string, DnsServerService>;
  readonly resolvers: ReadonlyMap<string, RecursiveResolver>;
  readonly stubs: ReadonlyMap<string, StubResolver>;
  readonly rootHints: readonly DnsServerAddress[];
}

interface Planned {
  readonly spec: HierarchyZoneSpec;
  readonly origin: string;
  readonly ttl: number;
  /** NS host names and their addresses. */
  readonly ns: { name: string; address: string }[];
  readonly given?: readonly DnsRecord[];
}

function fail(message: string): NetlabError {
  return new NetlabError('bad-dns-hierarchy', message);
}

export function buildDnsHierarchy(net: DnsNetworkView, spec: DnsHierarchySpec): DnsHierarchy {
  const addressOf = (node: string): string => {
    const a = net.hostAddress(node);
    if (a === undefined) throw fail(`node '${node}' has no IPv4 address to serve DNS on`);
    return formatIpv4Address(a);
  };
  const nodeOf = (name: string): Node => {
    const n = net.node(name);
    if (!n) throw fail(`no node named '${name}'`);
    return n;
  };
  const planned: Planned[] = spec.zones
    .map((z): Planned => {
      const origin = canonicalName(z.origin);
      if (z.servers.length === 0) throw fail(`zone ${origin} has no servers`);
      const ttl = z.ttl ?? 3600;
      if (z.text !== undefined) {
        const parsed = parseZoneFile(z.text, { origin, fileName: `zone ${origin}` });
        const nsNames = parsed.records
          .filter((r) => r.type === RecordType.NS && nameKey(r.name) === nameKey(origin))
          .map((r) => (r.data.kind === 'name' ? r.data.target : ''));
        const ns = nsNames.map((name, i) => {
          const a = parsed.records.find((r) => r.type === RecordType.A && nameKey(r.name) === nameKey(name));
          const address =
            a?.data.kind === 'a' ? a.data.address : addressOf(z.servers[Math.min(i, z.servers.length - 1)]!);
          return { name, address };
        });
        return { spec: z, origin, ttl, ns, given: parsed.records };
      }
      const ns = z.servers.map((node, i) => ({
        name: origin === '.' ? `${String.fromCharCode(97 + i)}.root-servers.net.` : `ns${i + 1}.${origin}`,
        address: addressOf(node),
      }));
      return { spec: z, origin, ttl, ns };
    })
    .sort((a, b) => labelCount(a.origin) - labelCount(b.origin));
  const keys = new Set<string>();
  for (const p of planned) {
    if (keys.has(nameKey(p.origin))) throw fail(`zone ${p.origin} is listed twice`);
    keys.add(nameKey(p.origin));
  }
  if (!keys.has('.')) throw fail('the hierarchy needs a root zone (origin ".")');

  const parentOf = (p: Planned): Planned | undefined => {
    let best: Planned | undefined;
    for (const q of planned) {
      if (q === p || !isSubdomain(p.origin, q.origin)) continue;
      if (!best || labelCount(q.origin) > labelCount(best.origin)) best = q;
    }
    return best;
  };
  const extra = new Map<Planned, DnsRecord[]>(planned.map((p) => [p, []]));
  for (const p of planned) {
    const parent = parentOf(p);
    if (!parent) continue;
    const list = extra.get(parent)!;
    const ttl = parent.ttl;
    for (const n of p.ns)
      list.push({
        name: p.origin,
        type: RecordType.NS,
        class: 1,
        ttl,
        data: { kind: 'name', target: n.name },
      });
    for (const n of p.ns)
      if (isSubdomain(n.name, parent.origin))
        list.push({
          name: n.name,
          type: RecordType.A,
          class: 1,
          ttl,
          data: { kind: 'a', address: n.address },
        });
  }

  const zones = new Map<string, Zone>();
  const byServer = new Map<string, Zone[]>();
  for (const p of planned) {
    let records: DnsRecord[];
    if (p.given) {
      const has = new Set(p.given.map((r) => `${nameKey(r.name)}|${r.type}`));
      records = [...p.given, ...extra.get(p)!.filter((r) => !has.has(`${nameKey(r.name)}|${r.type}`))];
    } else {
      const ttl = p.ttl;
      const soa: DnsRecord = {
        name: p.origin,
        type: RecordType.SOA,
        class: 1,
        ttl,
        data: {
          kind: 'soa',
          mname: p.ns[0]!.name,
          rname: p.origin === '.' ? 'hostmaster.root-servers.net.' : `hostmaster.${p.origin}`,
          serial: 1,
          refresh: 7200,
          retry: 3600,
          expire: 1209600,
          minimum: 300,
        },
      };
      const own: DnsRecord[] = [soa];
      for (const n of p.ns)
        own.push({
          name: p.origin,
          type: RecordType.NS,
          class: 1,
          ttl,
          data: { kind: 'name', target: n.name },
        });
      for (const n of p.ns)
        if (isSubdomain(n.name, p.origin))
          own.push({
            name: n.name,
            type: RecordType.A,
            class: 1,
            ttl,
            data: { kind: 'a', address: n.address },
          });
      const more = p.spec.records
        ? parseZoneFile(`$ORIGIN ${p.origin}\n$TTL ${ttl}\n${p.spec.records}`, {
            fileName: `zone ${p.origin}`,
          }).records
        : [];
      records = [...own, ...extra.get(p)!, ...more];
    }
    const zone = new Zone(p.origin, records);
    zones.set(p.origin, zone);
    for (const s of p.spec.servers) byServer.set(s, [...(byServer.get(s) ?? []), zone]);
  }

  const servers = new Map<string, DnsServerService>();
  for (const [node, list] of byServer)
    servers.set(node, installAuthoritativeServer(nodeOf(node), list).service);

  const root = planned.find((p) => p.origin === '.')!;
  const rootHints = root.ns.map((n) => ({ address: n.address, port: DNS_PORT }));
  const resolvers = new Map<string, RecursiveResolver>();
  for (const r of spec.resolvers ?? []) {
    const node = nodeOf(r);
    if (servers.has(r)) throw fail(`node '${r}' already runs an authoritative server on port 53`);
    const { service, resolver } = installRecursiveResolver(
      node,
      { ...spec.resolverOptions, rootHints },
      spec.connect?.(node),
    );
    servers.set(r, service);
    resolvers.set(r, resolver);
  }

  const stubs = new Map<string, StubResolver>();
  for (const c of spec.clients ?? []) {
    const node = nodeOf(c.node);
    const nameservers = c.nameservers.map((n) => (parseIpv4Address(n) !== undefined ? n : addressOf(n)));
    const conf = { ...DEFAULT_RESOLV_CONF, nameservers, search: (c.search ?? []).map(canonicalName) };
    const stub = installStubResolver(
      node,
      { conf, hosts: c.hosts ? HostsFile.parse(c.hosts) : new HostsFile() },
      spec.connect?.(node),
    );
    stubs.set(c.node, stub);
  }
  return { zones, servers, resolvers, stubs, rootHints };
}
