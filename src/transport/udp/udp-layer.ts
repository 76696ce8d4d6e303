/**
 * UDP for one node (RFC 768, RFC 1122 §4.1): demultiplexes datagrams to sockets by local
 * address and port, answers datagrams for closed ports with ICMP port unreachable (which
 * is how traceroute knows it reached the destination), and hands ICMP errors to the socket
 * whose datagram they quote.
 *
 * A socket's receive queue is bounded in bytes (`receiveBuffer`, default 212,992 like
 * Linux's rmem_default); datagrams that do not fit are dropped and traced, as a real
 * kernel does when the application reads too slowly.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { UnreachableCode } from '../../internet/icmp.ts';
import type { Ipv4Interface } from '../../internet/ipv4-interface.ts';
import {
  type IcmpErrorReport,
  type Ipv4Stack,
  packetBytes,
  type SendResult,
  type TransportProtocol,
} from '../../internet/ipv4-stack.ts';
import type { Ipv4Packet } from '../../internet/ipv4.ts';
import { ServiceKey } from '../../link/service-key.ts';
import type { Deferred } from '../../sim/simulator.ts';
import type { UdpDropReason } from '../trace-events.ts';
import { parseUdp, serializeUdp } from './udp-datagram.ts';
import '../trace-events.ts';

export const UDP = new ServiceKey<UdpLayer>('UDP');
const PROTOCOL_UDP = 17;
/** Linux's default ip_local_port_range. */
const EPHEMERAL_FIRST = 32768;
const EPHEMERAL_LAST = 60999;

export interface UdpMessage {
  readonly data: Uint8Array;
  readonly from: number;
  readonly port: number;
  /** The address it was sent to (ours, or a broadcast address). */
  readonly to: number;
  readonly ttl: number;
}

export interface UdpSocketOptions {
  /** Receive queue limit in bytes. Default 212992. */
  receiveBuffer?: number;
}

export class UdpSocket {
  /** When set, datagrams are handed here instead of being queued for `receive()`. */
  onMessage: ((m: UdpMessage) => void) | null = null;
  /** ICMP errors about datagrams this socket sent (port unreachable, TTL exceeded...). */
  onError: ((r: IcmpErrorReport) => void) | null = null;
  private readonly queue: UdpMessage[] = [];
  private queuedBytes = 0;
  private waiter: Deferred<UdpMessage | null> | null = null;
  private open = true;
  readonly receiveBuffer: number;

  constructor(
    private readonly layer: UdpLayer,
    readonly localAddress: number,
    readonly localPort: number,
    options: UdpSocketOptions,
  ) {
    this.receiveBuffer = options.receiveBuffer ?? 212_992;
  }

  get closed(): boolean {
    return !this.open;
  }

  /** Datagrams waiting to be read, and their bytes (netstat's Recv-Q). */
  get pending(): { datagrams: number; bytes: number } {
    return { datagrams: this.queue.length, bytes: this.queuedBytes };
  }

  sendTo(
    data: Uint8Array,
    address: number,
    port: number,
    options: { ttl?: number; dontFragment?: boolean } = {},
  ): SendResult {
    if (!this.open) throw new NetlabError('socket-closed', 'send on a closed socket');
    if (!(port > 0 && port < 65536)) throw new NetlabError('bad-port', `bad destination port ${port}`);
    return this.layer.send(this, data, address, port, options);
  }

  /** The next datagram, or null once the socket is closed. */
  receive(): Promise<UdpMessage | null> {
    const m = this.queue.shift();
    if (m) {
      this.queuedBytes -= m.data.length;
      return Promise.resolve(m);
    }
    if (!this.open) return Promise.resolve(null);
    if (this.waiter)
      throw new NetlabError('concurrent-receive', 'receive() is already pending on this socket');
    this.waiter = this.layer.ip.sim.deferred();
    return this.waiter.promise;
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.layer.unbind(this);
    this.waiter?.resolve(null);
    this.waiter = null;
  }

  /** @internal called by the layer. */
  deliver(m: UdpMessage): boolean {
    if (this.onMessage) {
      this.onMessage(m);
      return true;
    }
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w.resolve(m);
      return true;
    }
    if (this.queuedBytes + m.data.length > this.receiveBuffer) return false;
    this.queue.push(m);
    this.queuedBytes += m.data.length;
    return true;
  }
}

export class UdpLayer implements TransportProtocol {
  private readonly sockets = new Map<number, UdpSocket[]>();
  private nextEphemeral: number;

  constructor(readonly ip: Ipv4Stack) {
    ip.registerProtocol(PROTOCOL_UDP, this);
    ip.node.setService(UDP, this);
    this.nextEphemeral = EPHEMERAL_FIRST + ip.node.random.int(EPHEMERAL_LAST - EPHEMERAL_FIRST + 1);
  }

  /** Binds a socket. Port 0 picks a free ephemeral port; address 0 means any local address. */
  bind(port = 0, address = 0, options: UdpSocketOptions = {}): UdpSocket {
    if (!(Number.isInteger(port) && port >= 0 && port < 65536))
      throw new NetlabError('bad-port', `bad port ${port}`);
    if (address !== 0 && !this.ip.isLocalAddress(address)) {
      throw new NetlabError('address-not-available', 'Cannot assign requested address');
    }
    const p = port === 0 ? this.ephemeral() : port;
    const list = this.sockets.get(p) ?? [];
    if (list.some((s) => s.localAddress === 0 || address === 0 || s.localAddress === address)) {
      throw new NetlabError('address-in-use', `Address already in use (port ${p})`);
    }
    const s = new UdpSocket(this, address, p, options);
    list.push(s);
    this.sockets.set(p, list);
    return s;
  }

  /** Every open socket (for netstat). */
  list(): UdpSocket[] {
    return [...this.sockets.values()].flat();
  }

  /** @internal */
  unbind(s: UdpSocket): void {
    const list = (this.sockets.get(s.localPort) ?? []).filter((x) => x !== s);
    if (list.length) this.sockets.set(s.localPort, list);
    else this.sockets.delete(s.localPort);
  }

  /** @internal */
  send(
    s: UdpSocket,
    data: Uint8Array,
    address: number,
    port: number,
    options: { ttl?: number; dontFragment?: boolean },
  ): SendResult {
    let source = s.localAddress;
    if (source === 0) {
      const route = address === 0xffff_ffff ? undefined : this.ip.routes.lookup(address);
      source = this.ip.isLocalAddress(address)
        ? address
        : (route?.iface.sourceFor(route.gateway || address) ?? this.ip.interfaces[0]?.address ?? 0);
    }
    const datagram = serializeUdp(
      { sourcePort: s.localPort, destinationPort: port, payload: data },
      source,
      address,
    );
    return this.ip.send(
      {
        protocol: PROTOCOL_UDP,
        destination: address,
        source,
        ttl: options.ttl,
        dontFragment: options.dontFragment,
      },
      datagram,
    );
  }

  receive(packet: Ipv4Packet, _iface: Ipv4Interface): void {
    const h = packet.header;
    const d = parseUdp(packet.payload, h.source, h.destination);
    if (d instanceof ProtocolError) {
      this.drop(d.code === 'bad-checksum' ? 'bad-checksum' : 'malformed', 0);
      return;
    }
    const list = this.sockets.get(d.destinationPort);
    const socket =
      list?.find((s) => s.localAddress === h.destination) ?? list?.find((s) => s.localAddress === 0);
    if (!socket) {
      if (this.ip.isLocalAddress(h.destination)) {
        this.ip.sendIcmpError('destination-unreachable', UnreachableCode.Port, packetBytes(packet));
      }
      this.drop('no-listener', d.destinationPort);
      return;
    }
    const ok = socket.deliver({
      data: d.payload.slice(),
      from: h.source,
      port: d.sourcePort,
      to: h.destination,
      ttl: h.ttl,
    });
    if (!ok) this.drop('buffer-full', d.destinationPort);
  }

  receiveError(report: IcmpErrorReport): void {
    const p = report.originalPayload;
    if (p.length < 4) return;
    const sourcePort = (p[0]! << 8) | p[1]!;
    const list = this.sockets.get(sourcePort);
    const s =
      list?.find((x) => x.localAddress === report.originalSource) ?? list?.find((x) => x.localAddress === 0);
    s?.onError?.(report);
  }

  private ephemeral(): number {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let i = 0; i < span; i++) {
      const p = this.nextEphemeral;
      this.nextEphemeral = p === EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (!this.sockets.has(p)) return p;
    }
    throw new NetlabError('no-ephemeral-port', 'no free ephemeral port');
  }

  private drop(reason: UdpDropReason, port: number): void {
    const sim = this.ip.sim;
    if (sim.trace.wants('udp.drop'))
      sim.trace.emit({ type: 'udp.drop', time: sim.now, node: this.ip.node.name, reason, port });
  }
}
