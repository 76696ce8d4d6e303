/**
 * A recursive resolver (RFC 1034 §5.3.3, RFC 1035 §7): it answers a client's question by
 * asking the hierarchy itself, starting from the root hints — root servers refer it to a
 * TLD's servers, those to the zone's authoritative servers, which answer — and caches
 * everything it learns (dns-cache.ts) so the next question skips the walk.
 *
 * - Referrals are followed only downwards: the NS records must be for a zone below the
 *   one asked and above the name (bailiwick, RFC 5452 §6), and glue is kept only for
 *   names inside the zone it was given for. NS names without glue are resolved first
 *   (a nested resolution, depth-limited).
 * - CNAMEs are followed across zones (each target resolved from the top of the cache).
 * - NXDOMAIN and NODATA are cached with the SOA's negative TTL (RFC 2308).
 * - Each server gets `timeout` to answer; a timeout, SERVFAIL, REFUSED, FORMERR or a lame
 *   answer moves to the next server of the zone, `rounds` times round the list; then the
 *   client gets SERVFAIL.
 * - Limits (every resolution is bounded): referrals per name, CNAME chain length, nested
 *   NS resolutions, queries sent per client question, distinct resolutions in flight
 *   (identical concurrent questions share one).
 *
 * Adapters feed it client queries (`handleQuery`) and give it a DnsIo to send its own.
 *
 * Left out: DNSSEC validation, QNAME minimisation (RFC 9156), server selection by RTT
 * (servers are tried in order), prefetching, serve-stale, EDNS client subnet.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { Time } from '../../sim/time.ts';
import { responseTo, udpLimitFor } from './authoritative-server.ts';
import { DnsCache, type DnsCacheOptions } from './dns-cache.ts';
import { Opcode, Rcode, RecordType, typeName } from './dns-constants.ts';
import { exchange } from './dns-exchange.ts';
import type { DnsIo, DnsServerAddress } from './dns-io.ts';
import {
  DNS_HEADER_LENGTH,
  DNS_MAX_MESSAGE,
  type DnsMessage,
  type DnsRecord,
  EMPTY_MESSAGE,
  parseDnsMessage,
  peekDnsId,
  serializeDnsMessage,
} from './dns-message.ts';
import { isSubdomain, nameAndAncestors, nameKey } from './dns-name.ts';
import type { DnsTransportKind, ServeOutcome } from './authoritative-server.ts';

export interface RecursiveResolverOptions {
  /** Addresses of the root servers (a root hints file's A records). */
  readonly rootHints: readonly DnsServerAddress[];
  readonly cache?: DnsCache | DnsCacheOptions;
  /** Wait per query to an authoritative server. Default 800 ms (BIND's first retry). */
  readonly timeout?: Time;
  /** Passes over a zone's server list. Default 2. */
  readonly rounds?: number;
  /** Default 16. */
  readonly maxReferrals?: number;
  /** Default 8. */
  readonly maxCnameChain?: number;
  /** Nested resolutions of NS names without glue. Default 4. */
  readonly maxDepth?: number;
  /** Queries sent for one client question, nested ones included. Default 64. */
  readonly maxQueries?: number;
  /** Distinct resolutions in flight. Default 1000. */
  readonly maxInflight?: number;
  /** Offer EDNS with this UDP size to servers (0: plain DNS). Default 1232. */
  readonly ednsSize?: number;
}

export interface Resolution {
  readonly rcode: number;
  /** CNAME chain, then the answer RRset. */
  readonly answers: readonly DnsRecord[];
  /** The SOA of a negative answer. */
  readonly authority: readonly DnsRecord[];
  /** Whether no query had to be sent. */
  readonly fromCache: boolean;
  /** Queries sent to authoritative servers for it. */
  readonly queries: number;
}

type Step =
  | { readonly kind: 'answer'; readonly records: readonly DnsRecord[] }
  | { readonly kind: 'cname'; readonly record: DnsRecord }
  | { readonly kind: 'nxdomain' | 'nodata'; readonly soa: DnsRecord | undefined }
  | { readonly kind: 'servfail' };

interface Context {
  queries: number;
  depth: number;
}

export class RecursiveResolver {
  readonly cache: DnsCache;
  private readonly rootHints: readonly DnsServerAddress[];
  private readonly timeout: Time;
  private readonly rounds: number;
  private readonly maxReferrals: number;
  private readonly maxCnameChain: number;
  private readonly maxDepth: number;
  private readonly maxQueries: number;
  private readonly maxInflight: number;
  private readonly ednsSize: number;
  private readonly inflight = new Map<string, Promise<Resolution>>();

  constructor(
    private readonly io: DnsIo,
    options: RecursiveResolverOptions,
  ) {
    this.rootHints = options.rootHints;
    this.cache =
      options.cache instanceof DnsCache ? options.cache : new DnsCache(options.cache as DnsCacheOptions);
    this.timeout = options.timeout ?? 800_000_000;
    this.rounds = options.rounds ?? 2;
    this.maxReferrals = options.maxReferrals ?? 16;
    this.maxCnameChain = options.maxCnameChain ?? 8;
    this.maxDepth = options.maxDepth ?? 4;
    this.maxQueries = options.maxQueries ?? 64;
    this.maxInflight = options.maxInflight ?? 1000;
    this.ednsSize = options.ednsSize ?? 1232;
  }

  /** Resolves `name`/`type` (identical concurrent calls share one resolution). */
  resolve(name: string, type: number): Promise<Resolution> {
    const k = `${nameKey(name)}|${type}`;
    const running = this.inflight.get(k);
    if (running) return running;
    if (this.inflight.size >= this.maxInflight) {
      return Promise.resolve({
        rcode: Rcode.SERVFAIL,
        answers: [],
        authority: [],
        fromCache: false,
        queries: 0,
      });
    }
    const p = this.resolveChain(name, type, { queries: 0, depth: 0 }).finally(() => this.inflight.delete(k));
    this.inflight.set(k, p);
    return p;
  }

  /**
   * A client's query, as received over `transport`: the response bytes (null for input
   * not to be answered), and what was done.
   */
  async handleQuery(
    bytes: Uint8Array,
    transport: DnsTransportKind,
  ): Promise<{
    response: Uint8Array | null;
    outcome: ServeOutcome;
    query?: DnsMessage;
    message?: DnsMessage;
  }> {
    if (bytes.length < DNS_HEADER_LENGTH || (bytes[2]! & 0x80) !== 0)
      return { response: null, outcome: 'ignored' };
    const query = parseDnsMessage(bytes);
    if (query instanceof ProtocolError) {
      const message: DnsMessage = {
        ...EMPTY_MESSAGE,
        id: peekDnsId(bytes)!,
        qr: true,
        ra: true,
        rcode: Rcode.FORMERR,
      };
      return { response: serializeDnsMessage(message), outcome: 'formerr', message };
    }
    const size = this.ednsSize || 1232;
    const finish = (message: DnsMessage, outcome: ServeOutcome) => {
      const limit = transport === 'udp' ? udpLimitFor(query, size) : DNS_MAX_MESSAGE;
      return { response: serializeDnsMessage(message, { maxSize: limit }), outcome, query, message };
    };
    if (query.edns && query.edns.version > 0) {
      return finish({ ...responseTo(query, Rcode.BADVERS, size), ra: true, questions: [] }, 'badvers');
    }
    if (query.opcode !== Opcode.QUERY)
      return finish({ ...responseTo(query, Rcode.NOTIMP, size), ra: true }, 'notimp');
    if (query.questions.length !== 1)
      return finish({ ...responseTo(query, Rcode.FORMERR, size), ra: true }, 'formerr');
    const q = query.questions[0]!;
    if (q.type === RecordType.AXFR || q.type === 251 || q.type === RecordType.OPT) {
      return finish({ ...responseTo(query, Rcode.NOTIMP, size), ra: true }, 'notimp');
    }
    const r = await this.resolve(q.name, q.type);
    const message: DnsMessage = {
      ...responseTo(query, r.rcode, size),
      ra: true,
      answers: r.answers,
      authority: r.authority,
    };
    const outcome: ServeOutcome =
      r.rcode === Rcode.NXDOMAIN
        ? 'nxdomain'
        : r.rcode !== 0
          ? 'servfail'
          : r.answers.length
            ? 'answer'
            : 'nodata';
    return finish(message, outcome);
  }

  private async resolveChain(qname: string, qtype: number, ctx: Context): Promise<Resolution> {
    const start = ctx.queries;
    const chain: DnsRecord[] = [];
    const seen = new Set<string>([nameKey(qname)]);
    let name = qname;
    const done = (
      rcode: number,
      answers: readonly DnsRecord[],
      authority: readonly DnsRecord[],
    ): Resolution => ({
      rcode,
      answers: [...chain, ...answers],
      authority,
      fromCache: ctx.queries === start,
      queries: ctx.queries - start,
    });
    for (let i = 0; i <= this.maxCnameChain; i++) {
      const step = await this.resolveOne(name, qtype, ctx);
      switch (step.kind) {
        case 'answer':
          return done(Rcode.NOERROR, step.records, []);
        case 'nxdomain':
          return done(Rcode.NXDOMAIN, [], step.soa ? [step.soa] : []);
        case 'nodata':
          return done(Rcode.NOERROR, [], step.soa ? [step.soa] : []);
        case 'servfail':
          return done(Rcode.SERVFAIL, [], []);
        case 'cname': {
          chain.push(step.record);
          const d = step.record.data;
          name = d.kind === 'name' ? d.target : name;
          if (seen.has(nameKey(name))) return done(Rcode.SERVFAIL, [], []);
          seen.add(nameKey(name));
        }
      }
    }
    return done(Rcode.SERVFAIL, [], []);
  }

  private cacheEvent(
    op: 'hit' | 'negative-hit' | 'miss' | 'store',
    name: string,
    type: number,
    ttl?: number,
  ): void {
    const t = this.io.trace;
    if (!t?.wants('dns.cache')) return;
    t.emit({
      type: 'dns.cache',
      time: this.io.clock.now(),
      node: this.io.node,
      op,
      name,
      qtype: typeName(type),
      ...(ttl === undefined ? {} : { ttl }),
    });
  }

  private fromCache(name: string, qtype: number): Step | undefined {
    const now = this.io.clock.now();
    const c = this.cache.get(name, qtype, now);
    if (c?.kind === 'positive') {
      this.cacheEvent('hit', name, qtype, c.records[0]?.ttl);
      return { kind: 'answer', records: c.records };
    }
    if (c) {
      this.cacheEvent('negative-hit', name, qtype, c.soa?.ttl);
      return { kind: c.kind, soa: c.soa };
    }
    if (qtype !== RecordType.CNAME) {
      const cn = this.cache.get(name, RecordType.CNAME, now);
      if (cn?.kind === 'positive') {
        this.cacheEvent('hit', name, RecordType.CNAME, cn.records[0]?.ttl);
        return { kind: 'cname', record: cn.records[0]! };
      }
    }
    return undefined;
  }

  private store(records: readonly DnsRecord[], rank: 'answer' | 'authority' | 'glue'): void {
    // Group into RRsets and cache each.
    const sets = new Map<string, DnsRecord[]>();
    for (const r of records) {
      const k = `${nameKey(r.name)}|${r.type}`;
      const list = sets.get(k);
      if (list) list.push(r);
      else sets.set(k, [r]);
    }
    const now = this.io.clock.now();
    for (const set of sets.values()) {
      if (this.cache.putRRset(set, now, rank))
        this.cacheEvent('store', set[0]!.name, set[0]!.type, set[0]!.ttl);
    }
  }

  /** The deepest zone with NS records cached above `name`, or the root. */
  private closestZone(name: string): string {
    const now = this.io.clock.now();
    for (const a of nameAndAncestors(name)) {
      if (a === '.') break;
      if (this.cache.get(a, RecordType.NS, now)?.kind === 'positive') return a;
    }
    return '.';
  }

  private async resolveOne(name: string, qtype: number, ctx: Context): Promise<Step> {
    const cached = this.fromCache(name, qtype);
    if (cached) return cached;
    this.cacheEvent('miss', name, qtype);
    let zone = this.closestZone(name);
    for (let referrals = 0; referrals <= this.maxReferrals; referrals++) {
      const m = await this.askZone(zone, name, qtype, ctx);
      if (!m) return { kind: 'servfail' };
      // Keep what the answer section says about names inside the zone asked (bailiwick).
      const inZone = (r: DnsRecord) => isSubdomain(r.name, zone);
      this.store(m.answers.filter(inZone), m.aa ? 'answer' : 'authority');
      const answer = m.answers.filter((r) => r.type === qtype && nameKey(r.name) === nameKey(name));
      if (answer.length) return { kind: 'answer', records: this.fromCacheOr(name, qtype, answer) };
      const cname = m.answers.find((r) => r.type === RecordType.CNAME && nameKey(r.name) === nameKey(name));
      if (cname && qtype !== RecordType.CNAME) return { kind: 'cname', record: cname };
      const soa = m.authority.find(
        (r) => r.type === RecordType.SOA && isSubdomain(name, r.name) && inZone(r),
      );
      if (m.rcode === Rcode.NXDOMAIN) {
        const ttl = this.cache.putNegative(name, qtype, 'nxdomain', soa, this.io.clock.now());
        if (ttl) this.cacheEvent('store', name, RecordType.ANY, ttl);
        return { kind: 'nxdomain', soa: soa && { ...soa, ttl: Math.min(soa.ttl, ttl || soa.ttl) } };
      }
      const ns = m.authority.filter((r) => r.type === RecordType.NS);
      const cut = ns[0]?.name;
      const downward =
        cut !== undefined &&
        !m.aa &&
        isSubdomain(cut, zone) &&
        nameKey(cut) !== nameKey(zone) &&
        isSubdomain(name, cut);
      if (downward) {
        const nsSet = ns.filter((r) => nameKey(r.name) === nameKey(cut));
        this.store(nsSet, 'authority');
        // Glue: addresses of the new servers, only for names inside the zone that sent them.
        const targets = new Set(nsSet.map((r) => (r.data.kind === 'name' ? nameKey(r.data.target) : '')));
        const glue = m.additional.filter(
          (r) =>
            (r.type === RecordType.A || r.type === RecordType.AAAA) &&
            targets.has(nameKey(r.name)) &&
            inZone(r),
        );
        this.store(glue, 'glue');
        zone = cut;
        continue;
      }
      if (m.aa || soa) {
        const ttl = this.cache.putNegative(name, qtype, 'nodata', soa, this.io.clock.now());
        if (ttl) this.cacheEvent('store', name, qtype, ttl);
        return { kind: 'nodata', soa: soa && { ...soa, ttl: Math.min(soa.ttl, ttl || soa.ttl) } };
      }
      // A lame or upward referral: nothing usable.
      return { kind: 'servfail' };
    }
    return { kind: 'servfail' };
  }

  /** The cached form of an answer just stored (TTLs capped), else the answer as received. */
  private fromCacheOr(name: string, type: number, records: readonly DnsRecord[]): readonly DnsRecord[] {
    const c = this.cache.get(name, type, this.io.clock.now());
    return c?.kind === 'positive' ? c.records : records;
  }

  /** Addresses of the servers of `zone`: root hints, cached glue, or nested resolutions. */
  private async serversFor(zone: string, ctx: Context): Promise<DnsServerAddress[]> {
    if (zone === '.') return [...this.rootHints];
    const now = this.io.clock.now();
    const ns = this.cache.get(zone, RecordType.NS, now);
    if (ns?.kind !== 'positive') return [];
    const names = ns.records
      .map((r) => (r.data.kind === 'name' ? r.data.target : ''))
      .filter((n) => n !== '');
    const port = this.rootHints[0]?.port ?? 53;
    const out: DnsServerAddress[] = [];
    for (const n of names) {
      const a = this.cache.get(n, RecordType.A, now);
      if (a?.kind === 'positive')
        for (const r of a.records) if (r.data.kind === 'a') out.push({ address: r.data.address, port });
    }
    if (out.length || ctx.depth >= this.maxDepth) return out;
    // No glue: resolve the server names themselves (RFC 1034 §5.3.3 step 2), one at a time.
    for (const n of names) {
      if (isSubdomain(n, zone)) continue; // would need this very zone: only glue can help
      ctx.depth++;
      const r = await this.resolveChain(n, RecordType.A, ctx);
      ctx.depth--;
      for (const rec of r.answers) if (rec.data.kind === 'a') out.push({ address: rec.data.address, port });
      if (out.length) break;
    }
    return out;
  }

  /** Asks the zone's servers in turn; the first usable response, or null. */
  private async askZone(zone: string, name: string, qtype: number, ctx: Context): Promise<DnsMessage | null> {
    const servers = await this.serversFor(zone, ctx);
    const query: DnsMessage = {
      ...EMPTY_MESSAGE,
      rd: false,
      questions: [{ name, type: qtype, class: 1 }],
      ...(this.ednsSize
        ? {
            edns: {
              udpSize: this.ednsSize,
              extendedRcode: 0,
              version: 0,
              dnssecOk: false,
              flags: 0,
              options: [],
            },
          }
        : {}),
    };
    for (let round = 0; round < this.rounds; round++) {
      for (const server of servers) {
        if (ctx.queries >= this.maxQueries) return null;
        ctx.queries++;
        const r = await exchange(this.io, query, server, { timeout: this.timeout, role: 'resolver' });
        if (!r.ok) continue;
        const rc = r.response.rcode | ((r.response.edns?.extendedRcode ?? 0) << 4);
        if (rc === Rcode.NOERROR || rc === Rcode.NXDOMAIN) return r.response;
      }
    }
    return null;
  }
}
