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
 *
 * The root zone is needed when there are recursive resolvers (they start there); a lab of
 * authoritative servers only, asked with `dig @server`, can do without.
 *
 * Errors are thrown, never half-built labs: a `ZoneFileError` for zone text (its file
 * is `zone <origin>` and its line counts from the first line of `records` or `text`), a
 * NetlabError('bad-dns-hierarchy') otherwise, whose `details.origin` names the zone when
 * one is at fault.
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
import { DEFAULT_RESOLV_CONF, type ResolvConf } from './resolv-conf.ts';
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
import { parseZoneFile, ZoneFileError } from './zone-file.ts';

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
  /** resolv.conf `options timeout:N attempts:N ndots:N`; glibc's defaults (5, 2, 1) otherwise. */
  readonly timeout?: number;
  readonly attempts?: number;
  readonly ndots?: number;
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

function fail(message: string, origin?: string): NetlabError {
  return new NetlabError('bad-dns-hierarchy', message, origin === undefined ? undefined : { origin });
}

/**
 * The records of a zone's `records` or `text`, names absolute. Throws `ZoneFileError`
 * (lines counted from the start of that text) or NetlabError('bad-dns-hierarchy').
 */
export function zoneSpecRecords(z: HierarchyZoneSpec): readonly DnsRecord[] {
  const origin = canonicalName(z.origin);
  const fileName = `zone ${origin}`;
  if (z.text !== undefined && z.records !== undefined)
    throw fail(`zone ${origin}: give records or a complete zone text, not both`, origin);
  if (z.text !== undefined) return parseZoneFile(z.text, { origin, fileName }).records;
  if (z.records === undefined) return [];
  const ttl = z.ttl ?? 3600;
  try {
    return parseZoneFile(`$ORIGIN ${origin}\n$TTL ${ttl}\n${z.records}`, { fileName }).records;
  } catch (e) {
    // Two lines were put in front: count from the first line of `records`.
    if (e instanceof ZoneFileError) throw new ZoneFileError(e.file, Math.max(1, e.line - 2), e.problem);
    throw e;
  }
}

/** Runs `build` for the zone `origin`, naming the zone in any bad-zone error. */
function forZone<T>(origin: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    if (e instanceof NetlabError && e.code === 'bad-zone') throw fail(`zone ${origin}: ${e.message}`, origin);
    throw e;
  }
}

export function buildDnsHierarchy(net: DnsNetworkView, spec: DnsHierarchySpec): DnsHierarchy {
  const nodeOf = (name: string): Node => {
    const n = net.node(name);
    if (!n) throw fail(`no node named '${name}'`);
    return n;
  };
  const addressOf = (node: string): string => {
    nodeOf(node);
    const a = net.hostAddress(node);
    if (a === undefined) throw fail(`node '${node}' has no IPv4 address to serve DNS on`);
    return formatIpv4Address(a);
  };
  const { zones, byServer, rootHints } = planDnsZones(spec, addressOf);

  const servers = new Map<string, DnsServerService>();
  for (const [node, list] of byServer)
    servers.set(node, installAuthoritativeServer(nodeOf(node), list).service);

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
    const conf: ResolvConf = {
      ...DEFAULT_RESOLV_CONF,
      nameservers,
      search: (c.search ?? []).map(canonicalName),
      ...(c.timeout === undefined ? {} : { timeout: c.timeout }),
      ...(c.attempts === undefined ? {} : { attempts: c.attempts }),
      ...(c.ndots === undefined ? {} : { ndots: c.ndots }),
    };
    const stub = installStubResolver(
      node,
      { conf, hosts: c.hosts ? HostsFile.parse(c.hosts) : new HostsFile() },
      spec.connect?.(node),
    );
    stubs.set(c.node, stub);
  }
  return { zones, servers, resolvers, stubs, rootHints };
}

/**
 * The NS records naming `p`'s servers, then an A record (glue) for each server whose name
 * lies inside `within`: the apex NS set when `within` is `p`'s own origin, a delegation
 * when it is the parent's (RFC 1034 §4.2.1).
 */
function nameServerRecords(p: Planned, within: string, ttl: number): DnsRecord[] {
  const records: DnsRecord[] = p.ns.map((n) => ({
    name: p.origin,
    type: RecordType.NS,
    class: 1,
    ttl,
    data: { kind: 'name', target: n.name },
  }));
  for (const n of p.ns)
    if (isSubdomain(n.name, within))
      records.push({
        name: n.name,
        type: RecordType.A,
        class: 1,
        ttl,
        data: { kind: 'a', address: n.address },
      });
  return records;
}

/** What planning the zones gives: the zones, which node serves which, the root hints. */
export interface PlannedDnsZones {
  readonly zones: ReadonlyMap<string, Zone>;
  readonly byServer: ReadonlyMap<string, readonly Zone[]>;
  readonly rootHints: readonly DnsServerAddress[];
}

/**
 * Writes every zone of the hierarchy (generated SOA and NS, delegations with glue, the
 * given records) without touching a network: `addressOf` gives a server node's address.
 * The scenario reader runs it to check a `dns:` section before any network exists.
 */
export function planDnsZones(
  spec: Pick<DnsHierarchySpec, 'zones' | 'resolvers'>,
  addressOf: (node: string) => string,
): PlannedDnsZones {
  const planned: Planned[] = spec.zones
    .map((z): Planned => {
      const origin = canonicalName(z.origin);
      if (z.servers.length === 0) throw fail(`zone ${origin} has no servers`, origin);
      const ttl = z.ttl ?? 3600;
      if (z.text !== undefined) {
        const records = zoneSpecRecords(z);
        const nsNames = records
          .filter((r) => r.type === RecordType.NS && nameKey(r.name) === nameKey(origin))
          .map((r) => (r.data.kind === 'name' ? r.data.target : ''));
        const ns = nsNames.map((name, i) => {
          const a = records.find((r) => r.type === RecordType.A && nameKey(r.name) === nameKey(name));
          const address =
            a?.data.kind === 'a' ? a.data.address : addressOf(z.servers[Math.min(i, z.servers.length - 1)]!);
          return { name, address };
        });
        if (ns.length === 0)
          throw fail(`zone ${origin}: the zone text has no NS records at its apex`, origin);
        return { spec: z, origin, ttl, ns, given: records };
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
    if (keys.has(nameKey(p.origin))) throw fail(`zone ${p.origin} is listed twice`, p.origin);
    keys.add(nameKey(p.origin));
  }
  if (!keys.has('.') && (spec.resolvers?.length ?? 0) > 0)
    throw fail('recursive resolvers need a root zone (origin ".") to start from');

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
    extra.get(parent)!.push(...nameServerRecords(p, parent.origin, parent.ttl));
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
      const own: DnsRecord[] = [soa, ...nameServerRecords(p, p.origin, ttl)];
      const more = zoneSpecRecords(p.spec);
      records = [...own, ...extra.get(p)!, ...more];
    }
    const zone = forZone(p.origin, () => new Zone(p.origin, records));
    zones.set(p.origin, zone);
    for (const s of p.spec.servers) byServer.set(s, [...(byServer.get(s) ?? []), zone]);
  }
  const root = planned.find((p) => p.origin === '.');
  const rootHints = (root?.ns ?? []).map((n) => ({ address: n.address, port: DNS_PORT }));
  return { zones, byServer, rootHints };
}
