/**
 * A resolver's cache (RFC 1034 §4.3.4, RFC 2181 §5.4.1 ranking, RFC 2308 negative
 * caching): RRsets keyed by name and type, stored with their expiry in simulated time, so
 * TTLs count down as the clock runs and an entry read after its TTL is gone. A name that
 * does not exist (NXDOMAIN) is cached once for every type; "no data of this type"
 * (NODATA) per type. Negative entries live for min(SOA TTL, SOA MINIMUM).
 *
 * Bounded: at most `maxEntries` entries, least recently used evicted first; TTLs capped
 * at `maxTtl` (BIND's max-cache-ttl, 7 days) and `maxNegativeTtl` (max-ncache-ttl, 3 hours).
 * Glue and referral data never replace an answer still alive (ranking).
 *
 * TTLs count in whole seconds of the clock, as BIND and Unbound keep them (expiry = the
 * current second + TTL; left = expiry − the current second): an answer read again within
 * the same second still says 300, and it drops by one at every tick of the second.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import { typeName } from './dns-constants.ts';
import type { DnsRecord } from './dns-message.ts';
import { nameKey } from './dns-name.ts';

export type CacheRank = 'answer' | 'authority' | 'glue';
const RANK_ORDER: Record<CacheRank, number> = { glue: 0, authority: 1, answer: 2 };

export type CacheLookup =
  | { readonly kind: 'positive'; readonly records: readonly DnsRecord[] }
  | { readonly kind: 'nxdomain' | 'nodata'; readonly soa: DnsRecord | undefined };

/** An entry as the UI's "DNS cache" table shows it. */
export interface CacheEntryView {
  readonly name: string;
  /** `A`, `NS`...; for NXDOMAIN entries `ANY`. */
  readonly type: string;
  readonly kind: 'positive' | 'nxdomain' | 'nodata';
  /** Whole seconds left. */
  readonly ttl: number;
  readonly records: readonly DnsRecord[];
  readonly rank: CacheRank;
}

interface Entry {
  readonly name: string;
  readonly type: number;
  readonly kind: 'positive' | 'nxdomain' | 'nodata';
  readonly records: readonly DnsRecord[];
  readonly soa: DnsRecord | undefined;
  readonly expires: Time;
  readonly rank: CacheRank;
}

export interface DnsCacheOptions {
  /** Default 10000. */
  readonly maxEntries?: number;
  /** Seconds; default 604800. */
  readonly maxTtl?: number;
  /** Seconds; default 10800. */
  readonly maxNegativeTtl?: number;
}

/** The type slot NXDOMAIN entries use: they cover every type. */
const ANY_TYPE = -1;

export class DnsCache {
  private readonly map = new Map<string, Entry>();
  readonly maxEntries: number;
  readonly maxTtl: number;
  readonly maxNegativeTtl: number;
  /** Entries evicted to stay within `maxEntries` (not counting expiry). */
  evictions = 0;

  constructor(options: DnsCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxTtl = options.maxTtl ?? 604_800;
    this.maxNegativeTtl = options.maxNegativeTtl ?? 10_800;
    if (!(this.maxEntries >= 1)) throw new NetlabError('bad-cache', 'maxEntries must be at least 1');
  }

  get size(): number {
    return this.map.size;
  }

  private key(name: string, type: number): string {
    return `${nameKey(name)}|${type}`;
  }

  private live(k: string, now: Time): Entry | undefined {
    const e = this.map.get(k);
    if (!e) return undefined;
    if (e.expires <= now) {
      this.map.delete(k);
      return undefined;
    }
    // Move to the back: most recently used.
    this.map.delete(k);
    this.map.set(k, e);
    return e;
  }

  /** What the cache knows about `name`/`type` now, with TTLs counted down. */
  get(name: string, type: number, now: Time): CacheLookup | undefined {
    const nx = this.live(this.key(name, ANY_TYPE), now);
    if (nx) return { kind: 'nxdomain', soa: nx.soa && withTtl(nx.soa, nx.expires, now) };
    const e = this.live(this.key(name, type), now);
    if (!e) return undefined;
    if (e.kind === 'positive')
      return { kind: 'positive', records: e.records.map((r) => withTtl(r, e.expires, now)) };
    return { kind: e.kind, soa: e.soa && withTtl(e.soa, e.expires, now) };
  }

  /** Seconds left of an entry (for traces). */
  ttlLeft(name: string, type: number, now: Time): number | undefined {
    const e = this.map.get(this.key(name, type)) ?? this.map.get(this.key(name, ANY_TYPE));
    return e && e.expires > now ? secondsLeft(e.expires, now) : undefined;
  }

  /** Stores one RRset (all records share name, type and the first record's TTL). */
  putRRset(records: readonly DnsRecord[], now: Time, rank: CacheRank = 'answer'): boolean {
    if (records.length === 0) return false;
    const first = records[0]!;
    const k = this.key(first.name, first.type);
    const old = this.map.get(k);
    if (old && old.expires > now && old.kind === 'positive' && RANK_ORDER[old.rank] > RANK_ORDER[rank])
      return false;
    const ttl = Math.min(Math.min(...records.map((r) => r.ttl)), this.maxTtl);
    if (ttl <= 0) return false; // TTL 0: use once, never cache (RFC 1035 §3.2.1)
    this.set(k, {
      name: first.name,
      type: first.type,
      kind: 'positive',
      records: records.map((r) => ({ ...r, ttl })),
      soa: undefined,
      expires: expiry(now, ttl),
      rank,
    });
    // A name that now has data is no longer nonexistent.
    this.map.delete(this.key(first.name, ANY_TYPE));
    return true;
  }

  /** Stores a negative answer: NXDOMAIN for every type of `name`, NODATA for `type` only. */
  putNegative(
    name: string,
    type: number,
    kind: 'nxdomain' | 'nodata',
    soa: DnsRecord | undefined,
    now: Time,
  ): number {
    const soaTtl = soa ? Math.min(soa.ttl, soa.data.kind === 'soa' ? soa.data.minimum : soa.ttl) : 0;
    const ttl = Math.min(soaTtl, this.maxNegativeTtl);
    // RFC 2308 §5: without an SOA there is nothing to time the entry by; don't cache.
    if (ttl <= 0) return 0;
    const t = kind === 'nxdomain' ? ANY_TYPE : type;
    this.set(this.key(name, t), {
      name,
      type: t,
      kind,
      records: [],
      soa: soa && { ...soa, ttl },
      expires: expiry(now, ttl),
      rank: 'answer',
    });
    return ttl;
  }

  private set(k: string, e: Entry): void {
    this.map.delete(k);
    this.map.set(k, e);
    while (this.map.size > this.maxEntries) {
      const oldest = this.map.keys().next().value as string;
      this.map.delete(oldest);
      this.evictions++;
    }
  }

  /** Every live entry, oldest use first; expired ones are dropped. */
  entries(now: Time): CacheEntryView[] {
    const out: CacheEntryView[] = [];
    for (const [k, e] of this.map) {
      if (e.expires <= now) {
        this.map.delete(k);
        continue;
      }
      out.push({
        name: e.name,
        type: e.type === ANY_TYPE ? 'ANY' : typeName(e.type),
        kind: e.kind,
        ttl: secondsLeft(e.expires, now),
        records: e.records.map((r) => withTtl(r, e.expires, now)),
        rank: e.rank,
      });
    }
    return out;
  }

  clear(): void {
    this.map.clear();
  }
}

function withTtl(r: DnsRecord, expires: Time, now: Time): DnsRecord {
  return { ...r, ttl: Math.max(0, secondsLeft(expires, now)) };
}

/** When an entry stored at `now` for `ttl` seconds expires: a whole second. */
function expiry(now: Time, ttl: number): Time {
  return (Math.floor(now / SECOND) + ttl) * SECOND;
}

/** Whole seconds left before `expires`, counted in seconds of the clock. */
function secondsLeft(expires: Time, now: Time): number {
  return Math.floor(expires / SECOND) - Math.floor(now / SECOND);
}
