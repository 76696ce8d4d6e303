/**
 * The stub resolver every host runs (what glibc's getaddrinfo does, RFC 1123 §6.1.3.1):
 * the hosts file first, then recursive queries (RD set) to the configured nameservers,
 * `timeout` seconds each, `attempts` passes over the list, the search list applied as
 * resolv.conf's `ndots` says. UDP with TCP when the answer is truncated; random IDs and
 * source ports; answers checked against the question (dns-exchange.ts).
 *
 * A server answering SERVFAIL, REFUSED or NOTIMP makes it try the next one, as glibc does.
 *
 * Left out: AAAA-and-A in parallel (ask for each type separately), `rotate`, the local
 * cache glibc lacks too (nscd/systemd-resolved play that role).
 */
import { SECOND } from '../../sim/time.ts';
import { Rcode, RecordType, rcodeName, typeName } from './dns-constants.ts';
import { type ExchangeResult, exchange } from './dns-exchange.ts';
import type { DnsIo, DnsServerAddress } from './dns-io.ts';
import { type DnsMessage, type DnsRecord, EMPTY_MESSAGE, type Edns } from './dns-message.ts';
import { canonicalName, labelCount, sameName } from './dns-name.ts';
import { HostsFile } from './hosts-file.ts';
import { DEFAULT_RESOLV_CONF, type ResolvConf } from './resolv-conf.ts';

export interface StubResolverOptions {
  readonly conf?: ResolvConf;
  readonly hosts?: HostsFile;
  /** Port of the nameservers. Default 53. */
  readonly port?: number;
}

export interface QueryOptions {
  /** Ask this server instead of the configured ones. */
  readonly server?: DnsServerAddress;
  readonly tcp?: boolean;
  /** Recursion desired. Default true. */
  readonly rd?: boolean;
  /** Offer EDNS with this UDP size (dig does, 1232). Default: none. */
  readonly ednsSize?: number;
  readonly ignoreTc?: boolean;
  /** Seconds per try; default the configuration's. */
  readonly timeout?: number;
  /** Tries per server; default the configuration's attempts. */
  readonly tries?: number;
}

export interface LookupResult {
  /** The name that answered (after the search list). */
  readonly name: string;
  readonly type: number;
  readonly source: 'hosts' | 'dns';
  /** NOERROR, NXDOMAIN, SERVFAIL...; 'TIMEOUT' when no server answered. */
  readonly status: string;
  /** Addresses (A or AAAA data) at the end of any CNAME chain. */
  readonly addresses: readonly string[];
  readonly answers: readonly DnsRecord[];
  /** The exchange that gave the answer, when DNS was used. */
  readonly exchange?: ExchangeResult;
}

export class StubResolver {
  conf: ResolvConf;
  hosts: HostsFile;
  readonly port: number;

  constructor(
    private readonly io: DnsIo,
    options: StubResolverOptions = {},
  ) {
    this.conf = options.conf ?? DEFAULT_RESOLV_CONF;
    this.hosts = options.hosts ?? new HostsFile();
    this.port = options.port ?? 53;
  }

  /** One query as dig or nslookup sends it: the configured servers in turn, or `options.server`. */
  async query(name: string, type: number, options: QueryOptions = {}): Promise<ExchangeResult> {
    const edns: Edns | undefined = options.ednsSize
      ? { udpSize: options.ednsSize, extendedRcode: 0, version: 0, dnssecOk: false, flags: 0, options: [] }
      : undefined;
    const message: DnsMessage = {
      ...EMPTY_MESSAGE,
      rd: options.rd ?? true,
      questions: [{ name: canonicalName(name), type, class: 1 }],
      ...(edns ? { edns } : {}),
    };
    const servers = options.server
      ? [options.server]
      : this.conf.nameservers.map((address) => ({ address, port: this.port }));
    const timeout = (options.timeout ?? this.conf.timeout) * SECOND;
    const tries = options.tries ?? this.conf.attempts;
    let last: ExchangeResult | undefined;
    for (let attempt = 0; attempt < tries; attempt++) {
      for (const server of servers) {
        const r = await exchange(this.io, message, server, {
          timeout,
          role: options.server ? 'dig' : 'stub',
          tcp: options.tcp ?? false,
          ignoreTc: options.ignoreTc ?? false,
        });
        last = r;
        if (!r.ok) continue;
        const rc = r.response.rcode;
        if (rc === Rcode.SERVFAIL || rc === Rcode.REFUSED || rc === Rcode.NOTIMP) continue;
        return r;
      }
    }
    return last!;
  }

  /** The names to try for `name`, in order (resolv.conf(5) search and ndots). */
  candidates(name: string): string[] {
    if (name.endsWith('.')) return [canonicalName(name)];
    const asIs = canonicalName(name);
    const searched = this.conf.search.map((d) => canonicalName(`${name}.${d === '.' ? '' : d}`));
    return labelCount(asIs) - 1 >= this.conf.ndots ? [asIs, ...searched] : [...searched, asIs];
  }

  /** Resolves a host name to addresses (A by default), hosts file first. */
  async lookup(name: string, type: number = RecordType.A): Promise<LookupResult> {
    if (type === RecordType.A || type === RecordType.AAAA) {
      const found = this.hosts.lookup(name, type === RecordType.A ? 4 : 6);
      if (found.length)
        return this.done({
          name: canonicalName(name),
          type,
          source: 'hosts',
          status: 'NOERROR',
          addresses: found,
          answers: [],
        });
    }
    let first: LookupResult | undefined;
    for (const candidate of this.candidates(name)) {
      const r = await this.query(candidate, type);
      const result = this.toResult(candidate, type, r);
      if (result.addresses.length || (result.status === 'NOERROR' && result.answers.length))
        return this.done(result);
      first ??= result;
      if (result.status !== 'NXDOMAIN' && result.status !== 'NOERROR') break;
    }
    return this.done(first!);
  }

  private toResult(name: string, type: number, r: ExchangeResult): LookupResult {
    if (!r.ok)
      return { name, type, source: 'dns', status: 'TIMEOUT', addresses: [], answers: [], exchange: r };
    const m = r.response;
    // Follow the CNAME chain inside the answer to the records of the type asked.
    let target = name;
    for (let i = 0; i < 16; i++) {
      const c = m.answers.find((a) => a.type === RecordType.CNAME && sameName(a.name, target));
      if (c?.data.kind !== 'name') break;
      target = c.data.target;
    }
    const finals = m.answers.filter((a) => a.type === type && sameName(a.name, target));
    const addresses = finals.flatMap((a) =>
      a.data.kind === 'a' || a.data.kind === 'aaaa' ? [a.data.address] : [],
    );
    return {
      name,
      type,
      source: 'dns',
      status: rcodeName(m.rcode),
      addresses,
      answers: m.answers,
      exchange: r,
    };
  }

  private done(r: LookupResult): LookupResult {
    const t = this.io.trace;
    if (t?.wants('dns.lookup'))
      t.emit({
        type: 'dns.lookup',
        time: this.io.clock.now(),
        node: this.io.node,
        name: r.name,
        qtype: typeName(r.type),
        source: r.source,
        rcode: r.status,
        addresses: r.addresses,
      });
    return r;
  }
}
