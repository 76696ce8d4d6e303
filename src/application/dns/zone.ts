/**
 * An authoritative zone's data and the lookup of RFC 1034 §4.3.2 (steps 3a-3c) over it:
 * exact matches, CNAME chasing inside the zone, delegations (NS below the apex: a referral
 * with glue), empty non-terminals (NODATA, not NXDOMAIN: RFC 8020's point, RFC 4592 §2.2.2),
 * and negative answers carrying the SOA whose TTL is min(SOA TTL, SOA MINIMUM)
 * (RFC 2308 §3 and §5).
 *
 * Checked when built (as BIND's named-checkzone does): one SOA, at the apex; NS at the
 * apex; every name inside the zone; no other data beside a CNAME (RFC 1034 §3.6.2);
 * no two records with the same data.
 *
 * Left out: wildcards (RFC 4592), DNAME, DNSSEC, zone transfers.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { RecordType } from './dns-constants.ts';
import type { DnsRecord } from './dns-message.ts';
import { isSubdomain, nameAndAncestors, nameKey } from './dns-name.ts';
import { formatRdata } from './dns-presentation.ts';
import { parseZoneFile, type ZoneFileOptions } from './zone-file.ts';

/** CNAMEs followed inside one zone before giving up (a loop, or an absurd chain). */
export const MAX_CNAME_CHAIN = 8;

export type ZoneLookup =
  /** Data for the name: `answers` may start with a CNAME chain. */
  | {
      readonly kind: 'answer';
      readonly answers: readonly DnsRecord[];
      readonly additional: readonly DnsRecord[];
    }
  /** A delegation: the child zone's NS records and the glue this zone holds for them. */
  | {
      readonly kind: 'referral';
      readonly answers: readonly DnsRecord[];
      readonly cut: string;
      readonly ns: readonly DnsRecord[];
      readonly glue: readonly DnsRecord[];
    }
  /** The name exists but has no data of the type (RFC 2308 §2.2). */
  | { readonly kind: 'nodata'; readonly answers: readonly DnsRecord[]; readonly soa: DnsRecord }
  /** The name does not exist (RFC 2308 §2.1). */
  | { readonly kind: 'nxdomain'; readonly answers: readonly DnsRecord[]; readonly soa: DnsRecord }
  /** A CNAME chain that loops or is too long: the server answers SERVFAIL. */
  | { readonly kind: 'cname-loop'; readonly answers: readonly DnsRecord[] };

export class Zone {
  readonly origin: string;
  readonly soa: DnsRecord;
  /** name key -> type -> RRset, in insertion order. */
  private readonly nodes = new Map<string, Map<number, DnsRecord[]>>();
  /** Every name that exists, including empty non-terminals. */
  private readonly existing = new Set<string>();
  private readonly all: DnsRecord[] = [];

  constructor(origin: string, records: readonly DnsRecord[]) {
    this.origin = origin;
    const originKey = nameKey(origin);
    const seen = new Set<string>();
    for (const r of records) {
      if (!isSubdomain(r.name, origin))
        throw new NetlabError('bad-zone', `${r.name} is outside the zone ${origin}`);
      const k = nameKey(r.name);
      const dup = `${k} ${r.type} ${formatRdata(r.data).toLowerCase()}`;
      if (seen.has(dup)) continue; // RFC 2181 §5: an RRset holds no duplicates
      seen.add(dup);
      let node = this.nodes.get(k);
      if (!node) {
        node = new Map();
        this.nodes.set(k, node);
      }
      const set = node.get(r.type);
      if (set) {
        // RFC 2181 §5.2: every record of an RRset has the TTL of the first.
        set.push(set[0]!.ttl === r.ttl ? r : { ...r, ttl: set[0]!.ttl });
      } else node.set(r.type, [r]);
      this.all.push(r);
      for (const a of nameAndAncestors(r.name)) {
        const ak = nameKey(a);
        if (this.existing.has(ak)) break;
        this.existing.add(ak);
        if (ak === originKey) break;
      }
    }
    for (const [k, node] of this.nodes) {
      if (node.has(RecordType.CNAME) && node.size > 1) {
        throw new NetlabError(
          'bad-zone',
          `${node.get(RecordType.CNAME)![0]!.name} has a CNAME and other data`,
        );
      }
      if (node.has(RecordType.SOA) && k !== originKey) {
        throw new NetlabError(
          'bad-zone',
          `SOA record at ${node.get(RecordType.SOA)![0]!.name}, not at the apex ${origin}`,
        );
      }
    }
    const apex = this.nodes.get(originKey);
    const soa = apex?.get(RecordType.SOA);
    if (!soa) throw new NetlabError('bad-zone', `zone ${origin} has no SOA record at its apex`);
    if (soa.length > 1) throw new NetlabError('bad-zone', `zone ${origin} has more than one SOA record`);
    if (!apex?.get(RecordType.NS))
      throw new NetlabError('bad-zone', `zone ${origin} has no NS records at its apex`);
    this.soa = soa[0]!;
  }

  /** Builds a zone from master-file text (throws ZoneFileError or NetlabError('bad-zone')). */
  static fromText(text: string, options: ZoneFileOptions = {}): Zone {
    const parsed = parseZoneFile(text, options);
    return new Zone(parsed.origin, parsed.records);
  }

  /** Every record, in the order given. */
  records(): readonly DnsRecord[] {
    return this.all;
  }

  /** The RRset of `type` at exactly `name`, ignoring delegations (glue lookups). */
  rrset(name: string, type: number): readonly DnsRecord[] | undefined {
    return this.nodes.get(nameKey(name))?.get(type);
  }

  /** Whether `name` is at or below the apex. */
  contains(name: string): boolean {
    return isSubdomain(name, this.origin);
  }

  /** The SOA to put in the authority section of a negative answer (RFC 2308 §3). */
  negativeSoa(): DnsRecord {
    const d = this.soa.data;
    const minimum = d.kind === 'soa' ? d.minimum : this.soa.ttl;
    return { ...this.soa, ttl: Math.min(this.soa.ttl, minimum) };
  }

  /** The closest delegation at or above `name` and below the apex, if any. */
  private delegation(name: string): string | undefined {
    const chain = nameAndAncestors(name);
    const originKey = nameKey(this.origin);
    let cut: string | undefined;
    for (const n of chain) {
      const k = nameKey(n);
      if (k === originKey) break;
      if (this.nodes.get(k)?.has(RecordType.NS)) cut = n;
    }
    return cut;
  }

  /** A/AAAA records held for `names` (glue and additional-section data). */
  addressesOf(names: readonly string[]): DnsRecord[] {
    const out: DnsRecord[] = [];
    const done = new Set<string>();
    for (const n of names) {
      const k = nameKey(n);
      if (done.has(k) || !this.contains(n)) continue;
      done.add(k);
      out.push(...(this.rrset(n, RecordType.A) ?? []), ...(this.rrset(n, RecordType.AAAA) ?? []));
    }
    return out;
  }

  /** Answers `qname`/`qtype` from this zone's data (the caller checked `contains`). */
  lookup(qname: string, qtype: number): ZoneLookup {
    const chain: DnsRecord[] = [];
    let name = qname;
    const visited = new Set<string>();
    for (;;) {
      const cut = this.delegation(name);
      if (cut !== undefined) {
        // A referral; after a CNAME, the resolver follows it from the chain's end.
        const ns = this.rrset(cut, RecordType.NS)!;
        return { kind: 'referral', answers: chain, cut, ns, glue: this.addressesOf(ns.map(targetOf)) };
      }
      const node = this.nodes.get(nameKey(name));
      if (!node) {
        if (this.existing.has(nameKey(name)))
          return { kind: 'nodata', answers: chain, soa: this.negativeSoa() };
        return { kind: 'nxdomain', answers: chain, soa: this.negativeSoa() };
      }
      if (qtype === RecordType.ANY) {
        const answers = [...chain, ...[...node.values()].flat()];
        return { kind: 'answer', answers, additional: [] };
      }
      const set = node.get(qtype);
      if (set) return { kind: 'answer', answers: [...chain, ...set], additional: this.additionalFor(set) };
      const cname = node.get(RecordType.CNAME);
      if (!cname) return { kind: 'nodata', answers: chain, soa: this.negativeSoa() };
      chain.push(cname[0]!);
      visited.add(nameKey(name));
      const target = targetOf(cname[0]!);
      if (visited.has(nameKey(target)) || chain.length > MAX_CNAME_CHAIN)
        return { kind: 'cname-loop', answers: chain };
      // RFC 1034 §4.3.2 step 3a: restart at the target, if this zone holds it.
      if (!this.contains(target)) return { kind: 'answer', answers: chain, additional: [] };
      name = target;
    }
  }

  /** RFC 1035 §3.3.9, §3.3.11: addresses of MX exchanges and NS hosts go in the additional section. */
  private additionalFor(set: readonly DnsRecord[]): DnsRecord[] {
    const names = set
      .map((r) =>
        r.data.kind === 'mx' ? r.data.exchange : r.type === RecordType.NS ? targetOf(r) : undefined,
      )
      .filter((n): n is string => n !== undefined);
    return names.length ? this.addressesOf(names) : [];
  }
}

/** The name inside NS, CNAME, PTR or MX data. */
export function targetOf(r: DnsRecord): string {
  const d = r.data;
  if (d.kind === 'name') return d.target;
  if (d.kind === 'mx') return d.exchange;
  throw new NetlabError('bad-record', `${r.name} type ${r.type} holds no name`);
}
