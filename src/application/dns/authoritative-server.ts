/**
 * An authoritative name server as a sans-I/O machine: query bytes in, response bytes out
 * (RFC 1034 §4.3.2, RFC 1035 §4.1, RFC 2308 negative answers, RFC 6891 EDNS, RFC 7766
 * sizes over TCP). It holds zones and answers from the one that most closely encloses
 * the name:
 *
 * - data: AA set, the RRset (after any CNAME chain inside the zone), MX/NS addresses in
 *   the additional section;
 * - NXDOMAIN / NODATA: AA set, the zone's SOA in the authority section (TTL capped by the
 *   SOA minimum) so resolvers can cache the negative answer;
 * - a delegated name: a referral (AA clear, NS in authority, glue in additional);
 * - a name in no zone it serves: REFUSED; a message it cannot parse, or with other than
 *   one question: FORMERR; an opcode other than QUERY: NOTIMP; EDNS version above 0:
 *   BADVERS (RFC 6891 §6.1.3); a looping CNAME chain: SERVFAIL.
 *
 * Over UDP the response is cut to 512 octets, or the EDNS size the client offered
 * (at most `maxUdpPayload`, 1232 by default as BIND 9.18), whole RRsets at a time, with
 * TC set so the client retries over TCP. Responses (QR set) and datagrams shorter than a
 * header are never answered, so two servers cannot ping-pong.
 *
 * Left out: zone transfers (AXFR/IXFR answer NOTIMP), NOTIFY, UPDATE, DNS cookies,
 * DNSSEC, response rate limiting.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { Opcode, Rcode, RecordClass, RecordType } from './dns-constants.ts';
import {
  DNS_HEADER_LENGTH,
  DNS_MAX_MESSAGE,
  DNS_UDP_LIMIT,
  type DnsMessage,
  type DnsRecord,
  type Edns,
  EMPTY_MESSAGE,
  parseDnsMessage,
  peekDnsId,
  serializeDnsMessage,
} from './dns-message.ts';
import { nameKey } from './dns-name.ts';
import type { Zone } from './zone.ts';

export type DnsTransportKind = 'udp' | 'tcp';

/** What the server did with a query, for traces and tools. */
export type ServeOutcome =
  | 'answer'
  | 'referral'
  | 'nodata'
  | 'nxdomain'
  | 'refused'
  | 'formerr'
  | 'notimp'
  | 'badvers'
  | 'servfail'
  | 'ignored';

export interface ServeResult {
  /** Bytes to send back; null when the input is not answered at all. */
  readonly response: Uint8Array | null;
  readonly outcome: ServeOutcome;
  /** The query, when it parsed. */
  readonly query?: DnsMessage;
  /** The response before serialization (before truncation). */
  readonly message?: DnsMessage;
  /** Whether the response was cut to fit UDP and TC set. */
  readonly truncated: boolean;
  /** Why parsing failed, for FORMERR. */
  readonly error?: ProtocolError;
}

export interface AuthoritativeServerOptions {
  /** Largest UDP response whatever the client offers (BIND's max-udp-size default: 1232). */
  readonly maxUdpPayload?: number;
}

/** Chooses the UDP response size limit for a query (RFC 6891 §6.2.5). */
export function udpLimitFor(query: DnsMessage | undefined, maxUdpPayload: number): number {
  if (!query?.edns) return DNS_UDP_LIMIT;
  return Math.max(DNS_UDP_LIMIT, Math.min(query.edns.udpSize, maxUdpPayload));
}

/** The OPT record a server puts in its responses to EDNS queries. */
export function serverEdns(udpSize: number, extendedRcode = 0): Edns {
  return { udpSize, extendedRcode, version: 0, dnssecOk: false, flags: 0, options: [] };
}

/** Header of a response to `query`, with nothing in it yet. */
export function responseTo(query: DnsMessage, rcode: number, ednsSize: number): DnsMessage {
  const base: DnsMessage = {
    ...EMPTY_MESSAGE,
    id: query.id,
    qr: true,
    opcode: query.opcode,
    rd: query.rd,
    cd: query.cd,
    rcode: rcode & 0xf,
    questions: query.questions,
  };
  return query.edns ? { ...base, edns: serverEdns(ednsSize, rcode >> 4) } : base;
}

export class AuthoritativeServer {
  private readonly zones: Zone[] = [];
  readonly maxUdpPayload: number;

  constructor(zones: readonly Zone[] = [], options: AuthoritativeServerOptions = {}) {
    this.maxUdpPayload = Math.max(DNS_UDP_LIMIT, Math.min(options.maxUdpPayload ?? 1232, DNS_MAX_MESSAGE));
    for (const z of zones) this.addZone(z);
  }

  addZone(zone: Zone): void {
    const k = nameKey(zone.origin);
    const at = this.zones.findIndex((z) => nameKey(z.origin) === k);
    if (at >= 0) this.zones[at] = zone;
    else this.zones.push(zone);
  }

  zoneList(): readonly Zone[] {
    return this.zones;
  }

  /** The served zone that most closely encloses `name`. */
  findZone(name: string): Zone | undefined {
    let best: Zone | undefined;
    for (const z of this.zones)
      if (z.contains(name) && (!best || z.origin.length > best.origin.length)) best = z;
    return best;
  }

  /** Handles one query as received over `transport`. */
  handle(bytes: Uint8Array, transport: DnsTransportKind): ServeResult {
    if (bytes.length < DNS_HEADER_LENGTH) return { response: null, outcome: 'ignored', truncated: false };
    if ((bytes[2]! & 0x80) !== 0) return { response: null, outcome: 'ignored', truncated: false };
    const query = parseDnsMessage(bytes);
    if (query instanceof ProtocolError) {
      const message: DnsMessage = {
        ...EMPTY_MESSAGE,
        id: peekDnsId(bytes)!,
        qr: true,
        opcode: (bytes[2]! >> 3) & 0xf,
        rd: (bytes[2]! & 1) !== 0,
        rcode: Rcode.FORMERR,
      };
      return {
        response: serializeDnsMessage(message),
        outcome: 'formerr',
        message,
        truncated: false,
        error: query,
      };
    }
    const { message, outcome } = this.answer(query);
    const limit = transport === 'udp' ? udpLimitFor(query, this.maxUdpPayload) : DNS_MAX_MESSAGE;
    const response = serializeDnsMessage(message, { maxSize: limit });
    const truncated = (response[2]! & 0x02) !== 0 && !message.tc;
    return { response, outcome, query, message, truncated };
  }

  /** The full response to a parsed query (no size limit applied). */
  answer(query: DnsMessage): { message: DnsMessage; outcome: ServeOutcome } {
    const size = this.maxUdpPayload;
    if (query.edns && query.edns.version > 0) {
      return { message: { ...responseTo(query, Rcode.BADVERS, size), questions: [] }, outcome: 'badvers' };
    }
    if (query.opcode !== Opcode.QUERY)
      return { message: responseTo(query, Rcode.NOTIMP, size), outcome: 'notimp' };
    if (query.questions.length !== 1)
      return { message: responseTo(query, Rcode.FORMERR, size), outcome: 'formerr' };
    const q = query.questions[0]!;
    if (q.type === RecordType.AXFR || q.type === 251 /* IXFR */ || q.type === RecordType.OPT) {
      return { message: responseTo(query, Rcode.NOTIMP, size), outcome: 'notimp' };
    }
    const zone =
      q.class === RecordClass.IN || q.class === RecordClass.ANY ? this.findZone(q.name) : undefined;
    if (!zone) return { message: responseTo(query, Rcode.REFUSED, size), outcome: 'refused' };
    const base = responseTo(query, Rcode.NOERROR, size);
    const r = zone.lookup(q.name, q.type);
    switch (r.kind) {
      case 'answer':
        return {
          message: { ...base, aa: true, answers: r.answers, additional: r.additional },
          outcome: 'answer',
        };
      case 'referral':
        return {
          message: {
            ...base,
            aa: r.answers.length > 0,
            answers: r.answers,
            authority: r.ns,
            additional: r.glue,
          },
          outcome: 'referral',
        };
      case 'nodata':
        return { message: { ...base, aa: true, answers: r.answers, authority: [r.soa] }, outcome: 'nodata' };
      case 'nxdomain':
        return {
          message: { ...base, aa: true, rcode: Rcode.NXDOMAIN, answers: r.answers, authority: [r.soa] },
          outcome: 'nxdomain',
        };
      case 'cname-loop':
        return {
          message: { ...base, rcode: Rcode.SERVFAIL, answers: r.answers as DnsRecord[] },
          outcome: 'servfail',
        };
    }
  }
}
