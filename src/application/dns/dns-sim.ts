/**
 * DNS on simulated nodes: the DnsIo a node's clients use (its UDP layer, simulated time,
 * the node's seeded random, and TCP — the node's own TCP layer unless a `connect` is
 * injected), and services under typed keys:
 *
 * - `DNS_SERVER`: a name server on port 53 — authoritative (answering from zones) or
 *   recursive (resolving for its clients) — over UDP, and over TCP when the node has a
 *   TCP layer (RFC 7766: at most `MAX_TCP_CLIENTS` connections at once; more are closed
 *   at once). `serveStream` answers DNS over any other ByteStream too.
 * - `RESOLVER`: the host's stub resolver (hosts file + resolv.conf), used by tools and
 *   applications to look names up; installing it also gives the node its `NAME_RESOLVER`
 *   (stub-name-resolver.ts), so `ping NAME` resolves over DNS.
 *
 * ICMP port unreachable about a query reaches its socket as a refusal (what a connected
 * UDP socket reports as ECONNREFUSED), so a client asking a host that runs no server
 * learns it at once instead of timing out — as glibc's resolver and dig do.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { formatIpv4Address, parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { Node } from '../../link/node.ts';
import { ServiceKey } from '../../link/service-key.ts';
import { simClock } from '../../sim/clock.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { NAME_RESOLVER } from '../../transport/name-resolver.ts';
import { TCP } from '../../transport/tcp/tcp-layer.ts';
import type { TcpListener } from '../../transport/tcp/tcp-listener.ts';
import { UDP, type UdpSocket } from '../../transport/udp/udp-layer.ts';
import { AuthoritativeServer, type DnsTransportKind, type ServeResult } from './authoritative-server.ts';
import { typeName, rcodeName } from './dns-constants.ts';
import { DatagramQueue, type DnsDatagramSocket, type DnsIo } from './dns-io.ts';
import { serveDnsStream } from './dns-stream.ts';
import { RecursiveResolver, type RecursiveResolverOptions } from './recursive-resolver.ts';
import { StubNameResolver } from './stub-name-resolver.ts';
import { StubResolver, type StubResolverOptions } from './stub-resolver.ts';
import type { Zone } from './zone.ts';

export const DNS_PORT = 53;

export type StreamConnector = (address: string, port: number) => Promise<ByteStream>;

/** Simultaneous DNS-over-TCP connections one server accepts (RFC 7766 §6.2.2 asks for a limit). */
export const MAX_TCP_CLIENTS = 64;

/** TCP connections over the node's own TCP layer, when it has one. */
export function tcpConnector(node: Node): StreamConnector | undefined {
  const tcp = node.service(TCP);
  return tcp ? (address, port) => tcp.connect(address, port) : undefined;
}

/**
 * The DnsIo of a simulated node. `connect` gives it TCP (for TC fallback and +tcp);
 * default: the node's TCP layer, if any. `label` names its random stream, so two clients
 * on one node draw different IDs and ports.
 */
export function simDnsIo(node: Node, connect = tcpConnector(node), label = 'dns'): DnsIo {
  const sim = node.sim;
  const udp = node.requireService(UDP);
  const clock = simClock(sim);
  const io: DnsIo = {
    node: node.name,
    clock,
    random: node.random.fork(label),
    trace: sim.trace,
    deferred: () => sim.deferred(),
    openUdp(port: number): DnsDatagramSocket {
      const socket = udp.bind(port);
      const queue = new DatagramQueue(io);
      socket.onMessage = (m) =>
        queue.push({ data: m.data, from: { address: formatIpv4Address(m.from), port: m.port } });
      socket.onError = (r) => {
        const p = r.originalPayload;
        if (r.kind !== 'destination-unreachable' || r.code !== 3 || p.length < 4) return;
        const port = (p[2]! << 8) | p[3]!;
        queue.push({ refused: { address: formatIpv4Address(r.originalDestination), port } });
      };
      return {
        localPort: socket.localPort,
        send(data, to) {
          const a = parseIpv4Address(to.address);
          if (a === undefined) throw new NetlabError('bad-address', `not an IPv4 address: ${to.address}`);
          socket.sendTo(data, a, to.port);
        },
        receive: (timeout) => queue.receive(timeout),
        close() {
          queue.close();
          socket.close();
        },
      };
    },
    ...(connect ? { connect } : {}),
  };
  return io;
}

type Handler = (
  bytes: Uint8Array,
  transport: DnsTransportKind,
) => Promise<Pick<ServeResult, 'response' | 'outcome' | 'query' | 'message'>>;

/** A name server on a node: UDP port 53 now, and any stream handed to `serveStream`. */
export class DnsServerService {
  readonly socket: UdpSocket;
  /** The TCP listener on the same port, when the node has TCP. */
  readonly listener: TcpListener | undefined;
  /** Queries answered, by outcome. */
  readonly stats = new Map<string, number>();
  private tcpClients = 0;

  constructor(
    readonly node: Node,
    readonly role: 'authoritative' | 'recursive',
    private readonly handler: Handler,
    port = DNS_PORT,
  ) {
    const udp = node.requireService(UDP);
    this.socket = udp.bind(port);
    this.socket.onMessage = (m) => {
      const from = formatIpv4Address(m.from);
      void this.handler(m.data, 'udp').then((r) => {
        this.note(r, from, m.port, 'udp');
        if (r.response && !this.socket.closed) this.socket.sendTo(r.response, m.from, m.port);
      });
      // The handler is async and was started from an event callback, not a simulated
      // promise: wake the simulator so its continuations run at this instant.
      node.sim.wake();
    };
    this.listener = node.service(TCP)?.listen(port);
    if (this.listener) void this.acceptLoop(this.listener);
    node.setService(DNS_SERVER, this);
  }

  private async acceptLoop(listener: TcpListener): Promise<void> {
    for (;;) {
      let stream: ByteStream;
      try {
        stream = await listener.accept();
      } catch {
        return; // the listener was closed
      }
      if (this.tcpClients >= MAX_TCP_CLIENTS) {
        stream.close();
        continue;
      }
      this.tcpClients++;
      void this.serveStream(stream).finally(() => this.tcpClients--);
    }
  }

  /** Serves DNS over a connected stream (RFC 7766) until it closes. */
  serveStream(stream: ByteStream): Promise<void> {
    return serveDnsStream(
      stream,
      async (q) => {
        const r = await this.handler(q, 'tcp');
        this.note(r, stream.remote.address, stream.remote.port, 'tcp');
        return r.response;
      },
      { clock: simClock(this.node.sim) },
    );
  }

  close(): void {
    this.socket.close();
    this.listener?.close();
  }

  private note(
    r: Pick<ServeResult, 'response' | 'outcome' | 'query' | 'message'>,
    from: string,
    port: number,
    transport: DnsTransportKind,
  ): void {
    this.stats.set(r.outcome, (this.stats.get(r.outcome) ?? 0) + 1);
    const t = this.node.sim.trace;
    if (!t.wants('dns.serve')) return;
    const q = r.query?.questions[0];
    t.emit({
      type: 'dns.serve',
      time: this.node.sim.now,
      node: this.node.name,
      role: this.role,
      from,
      port,
      transport,
      qname: q?.name ?? '',
      qtype: q ? typeName(q.type) : '',
      outcome: r.outcome,
      rcode: r.message ? rcodeName(r.message.rcode) : '',
      truncated: r.response !== null && (r.response[2]! & 0x02) !== 0,
    });
  }
}

export const DNS_SERVER = new ServiceKey<DnsServerService>('DNS server');
export const RESOLVER = new ServiceKey<StubResolver>('resolver');
export const RECURSIVE_RESOLVER = new ServiceKey<RecursiveResolver>('recursive resolver');

/** Runs an authoritative server for `zones` on the node's UDP port 53. */
export function installAuthoritativeServer(
  node: Node,
  zones: readonly Zone[],
): { service: DnsServerService; server: AuthoritativeServer } {
  const server = new AuthoritativeServer(zones);
  const service = new DnsServerService(node, 'authoritative', (b, t) => Promise.resolve(server.handle(b, t)));
  return { service, server };
}

/** Runs a recursive resolver on the node's UDP port 53. */
export function installRecursiveResolver(
  node: Node,
  options: RecursiveResolverOptions,
  connect?: StreamConnector,
): { service: DnsServerService; resolver: RecursiveResolver } {
  const resolver = new RecursiveResolver(simDnsIo(node, connect, 'dns/resolver'), options);
  const service = new DnsServerService(node, 'recursive', (b, t) => resolver.handleQuery(b, t));
  node.setService(RECURSIVE_RESOLVER, resolver);
  return { service, resolver };
}

/** Gives the node a stub resolver (its /etc/hosts and /etc/resolv.conf). */
export function installStubResolver(
  node: Node,
  options: StubResolverOptions = {},
  connect?: StreamConnector,
): StubResolver {
  const stub = new StubResolver(simDnsIo(node, connect, 'dns/stub'), options);
  node.setService(RESOLVER, stub);
  node.setService(NAME_RESOLVER, new StubNameResolver(stub));
  return stub;
}
