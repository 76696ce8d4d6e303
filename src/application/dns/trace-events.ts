/**
 * Trace events of DNS: every query a client or resolver sends and every answer it gets
 * (so the tour can narrate "the resolver asks a root server... which refers it to com"),
 * timeouts, responses ignored because they did not match (spoofing attempts show here),
 * cache hits and misses, and what servers answered.
 */

export type DnsRole = 'stub' | 'resolver' | 'dig';
export type DnsTransportName = 'udp' | 'tcp';

/** What a response meant to the one who asked. */
export type DnsResponseKind = 'answer' | 'referral' | 'cname' | 'nxdomain' | 'nodata' | 'truncated' | 'error';

/** Why a datagram that arrived on a query's socket was not taken as its answer. */
export type DnsIgnoredReason = 'wrong-source' | 'wrong-id' | 'wrong-question' | 'not-response' | 'malformed';

/** What the events about one query (sent, answered, timed out) share. */
export interface DnsQueryFields {
  /** The node that asked. */
  readonly node: string;
  readonly role: DnsRole;
  /** The server asked, and its port. */
  readonly server: string;
  readonly port: number;
  readonly transport: DnsTransportName;
  /** The query's ID (the answer's is the same). */
  readonly id: number;
  readonly qname: string;
  readonly qtype: string;
}

declare module '../../sim/trace.ts' {
  interface TraceEventMap {
    'dns.query': DnsQueryFields & { readonly rd: boolean };
    'dns.response': DnsQueryFields & {
      readonly rcode: string;
      readonly kind: DnsResponseKind;
      readonly aa: boolean;
      readonly tc: boolean;
      readonly answers: number;
      readonly authority: number;
      readonly additional: number;
      /** For a referral: the zone it refers to. */
      readonly zone?: string;
      readonly rttNs: number;
    };
    'dns.timeout': DnsQueryFields;
    'dns.ignored': {
      readonly node: string;
      readonly from: string;
      readonly port: number;
      readonly reason: DnsIgnoredReason;
    };
    'dns.cache': {
      readonly node: string;
      readonly op: 'hit' | 'negative-hit' | 'miss' | 'store' | 'evict';
      readonly name: string;
      readonly qtype: string;
      /** Seconds left (hit) or stored for (store). */
      readonly ttl?: number;
    };
    'dns.serve': {
      readonly node: string;
      readonly role: 'authoritative' | 'recursive';
      readonly from: string;
      readonly port: number;
      readonly transport: DnsTransportName;
      readonly qname: string;
      readonly qtype: string;
      readonly outcome: string;
      readonly rcode: string;
      readonly truncated: boolean;
    };
    'dns.lookup': {
      readonly node: string;
      readonly name: string;
      readonly qtype: string;
      readonly source: 'hosts' | 'dns' | 'cache';
      readonly rcode: string;
      readonly addresses: readonly string[];
    };
  }
}
