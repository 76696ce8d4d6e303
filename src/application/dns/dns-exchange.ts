/**
 * One query to one server and its answer: the exchange every DNS client performs
 * (RFC 1035 §4.2, §7.3; RFC 5452 for the defences). Used by the stub resolver, the
 * recursive resolver and dig.
 *
 * - The query ID and the UDP source port are drawn from the seeded random for every
 *   query (RFC 5452 §4.5, §9.2), so a blind spoofer must guess 32 bits.
 * - A datagram counts as the answer only if it comes from the server's address and port,
 *   is a response, carries the ID and repeats the question (RFC 5452 §4.1-4.3); anything
 *   else is traced as 'dns.ignored' and the wait goes on.
 * - A truncated (TC) answer is retried over TCP when the environment has TCP (RFC 7766
 *   §5), as is everything when `tcp` is asked for.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { Time } from '../../sim/time.ts';
import { typeName } from './dns-constants.ts';
import type { DnsIo, DnsServerAddress } from './dns-io.ts';
import { type DnsMessage, type DnsQuestion, parseDnsMessage, serializeDnsMessage } from './dns-message.ts';
import { sameName } from './dns-name.ts';
import { queryOverStream } from './dns-stream.ts';
import type {
  DnsIgnoredReason,
  DnsQueryFields,
  DnsResponseKind,
  DnsRole,
  DnsTransportName,
} from './trace-events.ts';

export interface ExchangeOptions {
  /** How long to wait for the answer, per transport attempt. */
  readonly timeout: Time;
  readonly role: DnsRole;
  /** Query over TCP from the start (dig +tcp). */
  readonly tcp?: boolean;
  /** Retry over TCP when the UDP answer is truncated. Default true. */
  readonly tcpFallback?: boolean;
  /** Ignore TC and take the truncated answer (dig +ignore). */
  readonly ignoreTc?: boolean;
}

export type ExchangeResult =
  | {
      readonly ok: true;
      readonly response: DnsMessage;
      /** The response as received (for dig's MSG SIZE). */
      readonly bytes: Uint8Array;
      /** The query as sent (with its ID). */
      readonly query: DnsMessage;
      readonly queryBytes: Uint8Array;
      readonly server: DnsServerAddress;
      readonly transport: DnsTransportName;
      /** From sending the query that got this answer to receiving it. */
      readonly rtt: Time;
      /** Whether a truncated UDP answer came first (then TCP was used). */
      readonly retriedOverTcp: boolean;
    }
  | {
      readonly ok: false;
      /**
       * `refused`: an ICMP port unreachable (UDP) or a RST (TCP) — nothing listens there,
       * what dig reports as "connection refused".
       */
      readonly error: 'timeout' | 'refused' | 'no-tcp' | 'network';
      readonly detail: string;
      readonly server: DnsServerAddress;
      readonly transport: DnsTransportName;
    };

/** Whether `response` answers `query` (ID, QR, question echoed). */
export function matchResponse(query: DnsMessage, response: DnsMessage): DnsIgnoredReason | null {
  if (!response.qr) return 'not-response';
  if (response.id !== query.id) return 'wrong-id';
  const q = query.questions[0];
  const r = response.questions[0];
  // FORMERR/NOTIMP answers may omit the question; accept those by ID.
  if (q && r === undefined && response.rcode !== 0) return null;
  if (!q || !r || r.type !== q.type || r.class !== q.class || !sameName(r.name, q.name))
    return 'wrong-question';
  return null;
}

/** Classifies a response for traces and for the resolver. */
export function responseKind(query: DnsQuestion, m: DnsMessage): { kind: DnsResponseKind; zone?: string } {
  if (m.tc) return { kind: 'truncated' };
  if (m.rcode === 3) return { kind: 'nxdomain' };
  if (m.rcode !== 0) return { kind: 'error' };
  if (m.answers.some((a) => a.type === query.type || query.type === 255)) return { kind: 'answer' };
  if (m.answers.some((a) => a.type === 5)) return { kind: 'cname' };
  const ns = m.authority.find((a) => a.type === 2);
  if (ns && !m.aa) return { kind: 'referral', zone: ns.name };
  return { kind: 'nodata' };
}

const MAX_PORT_TRIES = 16;

/** One try of a query: what every trace event about it names. */
interface Attempt {
  readonly io: DnsIo;
  readonly role: DnsRole;
  readonly server: DnsServerAddress;
  readonly transport: DnsTransportName;
  readonly query: DnsMessage;
}

/** What every trace event about one query carries: who asked whom, over what, and what. */
function queryFields(a: Attempt): DnsQueryFields {
  const q = a.query.questions[0];
  return {
    node: a.io.node,
    role: a.role,
    server: a.server.address,
    port: a.server.port,
    transport: a.transport,
    id: a.query.id,
    qname: q?.name ?? '',
    qtype: q ? typeName(q.type) : '',
  };
}

function emitQuery(a: Attempt): void {
  const t = a.io.trace;
  if (!t?.wants('dns.query')) return;
  t.emit({ type: 'dns.query', time: a.io.clock.now(), ...queryFields(a), rd: a.query.rd });
}

function emitResponse(a: Attempt, m: DnsMessage, rtt: Time): void {
  const t = a.io.trace;
  if (!t?.wants('dns.response')) return;
  const k = responseKind(a.query.questions[0]!, m);
  t.emit({
    type: 'dns.response',
    time: a.io.clock.now(),
    // The response's ID and question are the query's: only a matching answer is traced.
    ...queryFields(a),
    rcode: rcodeText(m),
    kind: k.kind,
    aa: m.aa,
    tc: m.tc,
    answers: m.answers.length,
    authority: m.authority.length,
    additional: m.additional.length + (m.edns ? 1 : 0),
    ...(k.zone === undefined ? {} : { zone: k.zone }),
    rttNs: rtt,
  });
}

function rcodeText(m: DnsMessage): string {
  const full = m.rcode | ((m.edns?.extendedRcode ?? 0) << 4);
  return ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED'][full] ?? `RCODE${full}`;
}

function emitTimeout(a: Attempt): void {
  const t = a.io.trace;
  if (!t?.wants('dns.timeout')) return;
  t.emit({ type: 'dns.timeout', time: a.io.clock.now(), ...queryFields(a) });
}

function emitIgnored(io: DnsIo, from: DnsServerAddress, reason: DnsIgnoredReason): void {
  if (io.trace?.wants('dns.ignored'))
    io.trace.emit({
      type: 'dns.ignored',
      time: io.clock.now(),
      node: io.node,
      from: from.address,
      port: from.port,
      reason,
    });
}

/** The answer to `a`, sent at `sent`: traced, and the result of the exchange. */
function answered(
  a: Attempt,
  response: DnsMessage,
  bytes: Uint8Array,
  queryBytes: Uint8Array,
  sent: Time,
): ExchangeResult {
  const rtt = a.io.clock.now() - sent;
  emitResponse(a, response, rtt);
  return {
    ok: true,
    response,
    bytes,
    query: a.query,
    queryBytes,
    server: a.server,
    transport: a.transport,
    rtt,
    retriedOverTcp: false,
  };
}

/** Binds a UDP socket on a random unprivileged port. */
function openRandomPort(io: DnsIo) {
  for (let i = 0; i < MAX_PORT_TRIES; i++) {
    const port = 1024 + io.random.int(65536 - 1024);
    try {
      return io.openUdp(port);
    } catch (e) {
      if (!(e instanceof NetlabError && e.code === 'address-in-use')) throw e;
    }
  }
  return io.openUdp(0);
}

async function overUdp(
  io: DnsIo,
  query: DnsMessage,
  bytes: Uint8Array,
  server: DnsServerAddress,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  const attempt: Attempt = { io, role: options.role, server, transport: 'udp', query };
  const socket = openRandomPort(io);
  try {
    const sent = io.clock.now();
    emitQuery(attempt);
    socket.send(bytes, server);
    const deadline = sent + options.timeout;
    for (;;) {
      const left = deadline - io.clock.now();
      const d = left > 0 ? await socket.receive(left) : null;
      if (d === null) {
        emitTimeout(attempt);
        return { ok: false, error: 'timeout', detail: 'no answer', server, transport: 'udp' };
      }
      if ('refused' in d) {
        if (d.refused.address !== server.address || d.refused.port !== server.port) continue;
        return { ok: false, error: 'refused', detail: 'connection refused', server, transport: 'udp' };
      }
      if (d.from.address !== server.address || d.from.port !== server.port) {
        emitIgnored(io, d.from, 'wrong-source');
        continue;
      }
      const m = parseDnsMessage(d.data);
      if (m instanceof ProtocolError) {
        emitIgnored(io, d.from, 'malformed');
        continue;
      }
      const mismatch = matchResponse(query, m);
      if (mismatch) {
        emitIgnored(io, d.from, mismatch);
        continue;
      }
      return answered(attempt, m, d.data, bytes, sent);
    }
  } finally {
    socket.close();
  }
}

async function overTcp(
  io: DnsIo,
  query: DnsMessage,
  bytes: Uint8Array,
  server: DnsServerAddress,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  if (!io.connect)
    return { ok: false, error: 'no-tcp', detail: 'this host has no TCP', server, transport: 'tcp' };
  const attempt: Attempt = { io, role: options.role, server, transport: 'tcp', query };
  const sent = io.clock.now();
  emitQuery(attempt);
  let stream: Awaited<ReturnType<NonNullable<DnsIo['connect']>>>;
  try {
    stream = await withTimeout(io, io.connect(server.address, server.port), options.timeout);
  } catch (e) {
    const detail = e instanceof Error ? e.message : String(e);
    if (detail === 'timeout') emitTimeout(attempt);
    const refused = (e as { code?: unknown } | null)?.code === 'connection-refused';
    return {
      ok: false,
      error: detail === 'timeout' ? 'timeout' : refused ? 'refused' : 'network',
      detail: refused ? 'connection refused' : detail,
      server,
      transport: 'tcp',
    };
  }
  try {
    const left = Math.max(1, sent + options.timeout - io.clock.now());
    const reply = await queryOverStream(stream, bytes, query.id, left, io.clock);
    if (reply === null) {
      emitTimeout(attempt);
      return { ok: false, error: 'timeout', detail: 'no answer over TCP', server, transport: 'tcp' };
    }
    const m = parseDnsMessage(reply);
    if (m instanceof ProtocolError || matchResponse(query, m)) {
      emitIgnored(io, server, m instanceof ProtocolError ? 'malformed' : matchResponse(query, m)!);
      return { ok: false, error: 'network', detail: 'bad answer over TCP', server, transport: 'tcp' };
    }
    return answered(attempt, m, reply, bytes, sent);
  } finally {
    stream.close();
  }
}

function withTimeout<T>(io: DnsIo, p: Promise<T>, timeout: Time): Promise<T> {
  const d = io.deferred<T>();
  const cancel = io.clock.setTimer(timeout, () => d.reject(new Error('timeout')));
  p.then(
    (v) => {
      cancel();
      d.resolve(v);
    },
    (e) => {
      cancel();
      d.reject(e);
    },
  );
  return d.promise;
}

/**
 * Sends `message` (its ID is replaced by a random one) to `server` and returns the
 * matching answer, or why there is none.
 */
export async function exchange(
  io: DnsIo,
  message: DnsMessage,
  server: DnsServerAddress,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  const query: DnsMessage = { ...message, id: io.random.int(0x10000) };
  const bytes = serializeDnsMessage(query);
  if (options.tcp) return overTcp(io, query, bytes, server, options);
  const udp = await overUdp(io, query, bytes, server, options);
  if (!udp.ok || !udp.response.tc || options.ignoreTc || options.tcpFallback === false || !io.connect)
    return udp;
  const tcp = await overTcp(io, query, bytes, server, options);
  return tcp.ok ? { ...tcp, retriedOverTcp: true } : tcp;
}
