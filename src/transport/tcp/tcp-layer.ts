/**
 * TCP for one node (RFC 9293, RFC 1122 §4.2): registered with the IPv4 stack as protocol
 * 6, it checks each segment (checksum, header, options, impossible flags), finds its
 * connection by the four-tuple or its listener by port, and answers the rest as RFC 9293
 * §3.10.7.1 says for a CLOSED port: a RST, never in answer to a RST, never to a broadcast
 * or multicast address (RFC 1122 §4.2.3.10). ICMP errors quoting a segment reach its
 * connection after the quoted sequence number is checked (RFC 5927 §4.1).
 *
 * Ports: listen() binds a port (0.0.0.0 or one address); connect() picks an ephemeral
 * port from Linux's range 32768-60999, starting at a random point of the node's seeded
 * stream. ISNs and timestamp offsets come from the same stream (RFC 9293 §3.4.1 wants them
 * unpredictable; here they are also reproducible). A SYN for a connection in TIME-WAIT
 * with a higher sequence number opens a new incarnation (RFC 9293 §3.6.1, RFC 6191).
 *
 * `defaults` plays the part of the sysctls: options every new socket of the node starts
 * from (see tcp-config.ts for the list).
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { UnreachableCode } from '../../internet/icmp.ts';
import { isMulticast, parseIpv4Address } from '../../internet/ipv4-address.ts';
import type { Ipv4Interface } from '../../internet/ipv4-interface.ts';
import {
  FRAME_HEADROOM,
  type IcmpErrorReport,
  type Ipv4Stack,
  type TransportProtocol,
} from '../../internet/ipv4-stack.ts';
import type { Ipv4Packet } from '../../internet/ipv4.ts';
import { ServiceKey } from '../../link/service-key.ts';
import type { Simulator } from '../../sim/simulator.ts';
import { StreamError } from '../byte-stream.ts';
import type { TcpDropReason } from '../trace-events.ts';
import { resolveTcpConfig, TCP_DEFAULTS, type TcpSocketOptions } from './tcp-config.ts';
import { FrameSlab } from './frame-slab.ts';
import { TcpListener } from './tcp-listener.ts';
import { parseTcp, PROTOCOL_TCP, TcpFlag, type TcpSegment, writeTcp } from './tcp-segment.ts';
import { seqDiff } from './tcp-seq.ts';
import { TcpSocket } from './tcp-socket.ts';
import '../trace-events.ts';

export const TCP = new ServiceKey<TcpLayer>('TCP');

/** Linux's default net.ipv4.ip_local_port_range. */
export const EPHEMERAL_FIRST = 32768;
export const EPHEMERAL_LAST = 60999;
/** listen() backlog when none is given (Linux's SOMAXCONN before 5.4). */
export const DEFAULT_BACKLOG = 128;
/** The largest backlog accepted (Linux's SOMAXCONN today). */
export const MAX_BACKLOG = 4096;

export interface TcpListenOptions extends TcpSocketOptions {
  /** Half-open plus not-yet-accepted connections. Default 128, at most 4096. */
  backlog?: number;
  /** Local address to listen on (dotted quad or number); default every address. */
  address?: string | number;
}

export interface TcpConnectOptions extends TcpSocketOptions {
  /** Local port; default an ephemeral one. */
  localPort?: number;
  /** Local address; default the outgoing interface's. */
  localAddress?: string | number;
}

/** Something whose watchers must run after the current processing (socket or listener). */
interface Notifiable {
  notifyWatchers(): void;
}

export class TcpLayer implements TransportProtocol {
  /** Options new sockets start from (the node's sysctls). */
  readonly defaults: Required<Omit<TcpSocketOptions, 'mss'>> = { ...TCP_DEFAULTS };
  /** Connections by local port, then remote address * 65536 + remote port. */
  private readonly byPort = new Map<number, Map<number, TcpSocket[]>>();
  private readonly listenersByPort = new Map<number, TcpListener[]>();
  /** Every connection, in creation order (netstat lists them so). */
  private readonly all = new Set<TcpSocket>();
  private nextEphemeral: number;
  private pendingNotify: Notifiable[] = [];
  /** @internal Where outgoing frames are allocated. */
  readonly frames = new FrameSlab();
  private flushing = false;

  constructor(readonly ip: Ipv4Stack) {
    ip.registerProtocol(PROTOCOL_TCP, this);
    ip.node.setService(TCP, this);
    this.nextEphemeral = EPHEMERAL_FIRST + ip.node.random.int(EPHEMERAL_LAST - EPHEMERAL_FIRST + 1);
  }

  get sim(): Simulator {
    return this.ip.sim;
  }

  // ---- the application's calls ------------------------------------------------------------

  /** listen(): a listener on `port` (1..65535). */
  listen(port: number, options: TcpListenOptions = {}): TcpListener {
    checkPort(port, false);
    const { backlog = DEFAULT_BACKLOG, address, ...socketOptions } = options;
    if (!Number.isInteger(backlog) || backlog < 1 || backlog > MAX_BACKLOG)
      throw new NetlabError('bad-option', `backlog must be an integer in 1..${MAX_BACKLOG}, got ${backlog}`);
    const addr = address === undefined ? 0 : this.localAddressOf(address);
    // Validate the options now rather than at the first SYN.
    resolveTcpConfig(socketOptions, this.defaults, 1460);
    const list = this.listenersByPort.get(port) ?? [];
    if (list.some((l) => l.address === 0 || addr === 0 || l.address === addr))
      throw new NetlabError('address-in-use', `Address already in use (port ${port})`);
    const l = new TcpListener(this, addr, port, backlog, socketOptions);
    this.listenersByPort.set(port, [...list, l]);
    return l;
  }

  /**
   * connect(): resolves with the socket once ESTABLISHED; rejects with a StreamError
   * ('connection-refused', 'timed-out', 'unreachable').
   */
  connect(address: string | number, port: number, options: TcpConnectOptions = {}): Promise<TcpSocket> {
    let s: TcpSocket;
    try {
      s = this.createActive(address, port, options);
    } catch (e) {
      return Promise.reject(e);
    }
    return s.startConnect();
  }

  /**
   * Non-blocking connect(): the socket at once, in SYN-SENT (EINPROGRESS). It becomes
   * writable when established, and `failed` (with the error thrown by its next call) if not.
   */
  open(address: string | number, port: number, options: TcpConnectOptions = {}): TcpSocket {
    const s = this.createActive(address, port, options);
    s.startConnect().catch(() => {});
    return s;
  }

  private createActive(address: string | number, port: number, options: TcpConnectOptions): TcpSocket {
    checkPort(port, false);
    const dst = typeof address === 'number' ? address >>> 0 : parseIpv4Address(address);
    if (dst === undefined) throw new NetlabError('bad-address', `not an IPv4 address: ${address}`);
    const { localPort, localAddress, ...socketOptions } = options;
    const route = this.ip.isLocalAddress(dst) ? undefined : this.ip.routes.lookup(dst);
    if (!route && !this.ip.isLocalAddress(dst))
      throw new StreamError('unreachable', 'Network is unreachable');
    const src =
      localAddress !== undefined
        ? this.localAddressOf(localAddress)
        : route
          ? route.iface.sourceFor(route.gateway || dst)
          : dst;
    if (src === 0) throw new StreamError('unreachable', 'Network is unreachable');
    const mtu = route ? route.iface.device.mtu : this.mtuOfLocal(dst);
    const config = resolveTcpConfig(socketOptions, this.defaults, mtu - 40);
    let lport: number;
    if (localPort !== undefined) {
      checkPort(localPort, false);
      if (this.portInUse(localPort))
        throw new NetlabError('address-in-use', `Address already in use (port ${localPort})`);
      lport = localPort;
    } else lport = this.ephemeral();
    const rnd = this.ip.node.random;
    const s = new TcpSocket(this, src, lport, dst, port, config, rnd.u32(), rnd.u32());
    this.add(s);
    return s;
  }

  /** Every connection of this node (TIME-WAIT included), for netstat. */
  connections(): TcpSocket[] {
    return [...this.all];
  }

  /** Every listener, in port order. */
  listeners(): TcpListener[] {
    return [...this.listenersByPort.entries()].sort((a, b) => a[0] - b[0]).flatMap(([, l]) => l);
  }

  // ---- bookkeeping --------------------------------------------------------------------------

  private add(s: TcpSocket): void {
    let m = this.byPort.get(s.localPort);
    if (!m) {
      m = new Map();
      this.byPort.set(s.localPort, m);
    }
    const key = s.remoteAddress * 65536 + s.remotePort;
    const list = m.get(key);
    if (list) list.push(s);
    else m.set(key, [s]);
    this.all.add(s);
  }

  /** @internal A connection reached CLOSED. */
  remove(s: TcpSocket): void {
    if (!this.all.delete(s)) return;
    const m = this.byPort.get(s.localPort);
    if (!m) return;
    const key = s.remoteAddress * 65536 + s.remotePort;
    const list = m.get(key)?.filter((x) => x !== s) ?? [];
    if (list.length) m.set(key, list);
    else m.delete(key);
    if (m.size === 0) this.byPort.delete(s.localPort);
  }

  /** @internal */
  unlisten(l: TcpListener): void {
    const list = (this.listenersByPort.get(l.port) ?? []).filter((x) => x !== l);
    if (list.length) this.listenersByPort.set(l.port, list);
    else this.listenersByPort.delete(l.port);
  }

  /** @internal Runs `target`'s watchers once the current processing is over. */
  notify(target: Notifiable): void {
    const q = this.pendingNotify;
    if (q[q.length - 1] !== target && !q.includes(target)) q.push(target);
  }

  /** @internal Called at the end of every entry into the layer. */
  flushNotifications(): void {
    if (this.flushing || this.pendingNotify.length === 0) return;
    this.flushing = true;
    try {
      for (let guard = 0; this.pendingNotify.length > 0 && guard < 10_000; guard++) {
        const batch = this.pendingNotify;
        this.pendingNotify = [];
        for (const t of batch) t.notifyWatchers();
      }
    } finally {
      this.flushing = false;
    }
  }

  private portInUse(port: number): boolean {
    return this.byPort.has(port) || this.listenersByPort.has(port);
  }

  private ephemeral(): number {
    const span = EPHEMERAL_LAST - EPHEMERAL_FIRST + 1;
    for (let i = 0; i < span; i++) {
      const p = this.nextEphemeral;
      this.nextEphemeral = p === EPHEMERAL_LAST ? EPHEMERAL_FIRST : p + 1;
      if (!this.portInUse(p)) return p;
    }
    throw new NetlabError('no-ephemeral-port', 'Cannot assign requested address (no free ephemeral port)');
  }

  private localAddressOf(address: string | number): number {
    const a = typeof address === 'number' ? address >>> 0 : parseIpv4Address(address);
    if (a === undefined) throw new NetlabError('bad-address', `not an IPv4 address: ${address}`);
    if (a !== 0 && !this.ip.isLocalAddress(a))
      throw new NetlabError('address-not-available', 'Cannot assign requested address');
    return a;
  }

  private mtuOfLocal(addr: number): number {
    const iface = this.ip.interfaces.find((i) => i.addresses.some((p) => p.address === addr));
    return iface?.device.mtu ?? 1500;
  }

  // ---- receive path ---------------------------------------------------------------------------

  receive(packet: Ipv4Packet, _iface: Ipv4Interface): void {
    const h = packet.header;
    const src = h.source;
    const dst = h.destination;
    const seg = parseTcp(packet.payload, src, dst);
    if (seg instanceof ProtocolError) {
      const p = packet.payload;
      const reason: TcpDropReason =
        seg.code === 'bad-checksum'
          ? 'bad-checksum'
          : seg.code === 'bad-offset'
            ? 'bad-offset'
            : seg.code === 'bad-option'
              ? 'bad-option'
              : 'malformed';
      const ports = p.length >= 4;
      this.traceDrop(
        reason,
        src,
        dst,
        ports ? (p[0]! << 8) | p[1]! : 0,
        ports ? (p[2]! << 8) | p[3]! : 0,
        p.length >= 14 ? p[13]! : 0,
      );
      return;
    }
    const f = seg.flags;
    if (f & TcpFlag.SYN && f & (TcpFlag.FIN | TcpFlag.RST)) {
      this.traceDrop('bad-flags', src, dst, seg.sourcePort, seg.destinationPort, f);
      return;
    }
    const sock = this.lookup(dst, seg.destinationPort, src, seg.sourcePort);
    if (sock) {
      if (
        sock.state === 'TIME-WAIT' &&
        f & TcpFlag.SYN &&
        !(f & TcpFlag.ACK) &&
        seqDiff(seg.seq, sock.connection.receiver.nxtWire) > 0 &&
        this.findListener(dst, seg.destinationPort)
      ) {
        // A new incarnation of the connection (RFC 9293 §3.6.1): TIME-WAIT gives way.
        sock.connection.abort(this.sim.now);
        this.remove(sock);
      } else {
        sock.deliver(seg);
        return;
      }
    }
    const listener = this.findListener(dst, seg.destinationPort);
    if (listener) this.toListener(listener, seg, src, dst);
    else this.refuse(seg, src, dst, 'no-listener');
    this.flushNotifications();
  }

  private lookup(local: number, lport: number, remote: number, rport: number): TcpSocket | undefined {
    const list = this.byPort.get(lport)?.get(remote * 65536 + rport);
    if (!list) return undefined;
    if (list.length === 1) return list[0]!.localAddress === local ? list[0] : undefined;
    return list.find((s) => s.localAddress === local);
  }

  private findListener(local: number, port: number): TcpListener | undefined {
    const list = this.listenersByPort.get(port);
    if (!list) return undefined;
    return list.find((l) => l.address === local) ?? list.find((l) => l.address === 0);
  }

  /** RFC 9293 §3.10.7.2, LISTEN state. */
  private toListener(l: TcpListener, seg: TcpSegment, src: number, dst: number): void {
    const f = seg.flags;
    if (f & TcpFlag.RST) {
      this.traceDrop('not-syn', src, dst, seg.sourcePort, seg.destinationPort, f);
      return;
    }
    if (f & TcpFlag.ACK) {
      this.refuse(seg, src, dst, 'not-syn');
      return;
    }
    if (!(f & TcpFlag.SYN)) {
      this.traceDrop('not-syn', src, dst, seg.sourcePort, seg.destinationPort, f);
      return;
    }
    if (!this.ip.isLocalAddress(dst) || isMulticast(src) || src === 0xffff_ffff) {
      this.traceDrop('not-syn', src, dst, seg.sourcePort, seg.destinationPort, f);
      return;
    }
    if (!l.hasRoom()) {
      l.synDrops++;
      this.traceDrop('backlog-full', src, dst, seg.sourcePort, seg.destinationPort, f);
      return;
    }
    const route = this.ip.routes.lookup(src);
    const mtu = route ? route.iface.device.mtu : this.mtuOfLocal(dst);
    const config = resolveTcpConfig(l.options, this.defaults, mtu - 40);
    const rnd = this.ip.node.random;
    const s = new TcpSocket(
      this,
      dst,
      seg.destinationPort,
      src,
      seg.sourcePort,
      config,
      rnd.u32(),
      rnd.u32(),
    );
    this.add(s);
    l.adopt(s);
    s.startAccept(seg);
  }

  /** RFC 9293 §3.10.7.1: a RST for a segment that has no connection. */
  private refuse(seg: TcpSegment, src: number, dst: number, reason: TcpDropReason): void {
    const f = seg.flags;
    this.traceDrop(reason, src, dst, seg.sourcePort, seg.destinationPort, f);
    if (f & TcpFlag.RST) return;
    if (!this.ip.isLocalAddress(dst) || isMulticast(src) || src === 0xffff_ffff) return;
    const hasAck = (f & TcpFlag.ACK) !== 0;
    const segLen = seg.payload.length + (f & TcpFlag.SYN ? 1 : 0) + (f & TcpFlag.FIN ? 1 : 0);
    const frame = this.frames.frame(FRAME_HEADROOM + 20);
    const n = writeTcp(
      frame,
      FRAME_HEADROOM,
      {
        sourcePort: seg.destinationPort,
        destinationPort: seg.sourcePort,
        seq: hasAck ? seg.ack : 0,
        ack: hasAck ? 0 : (seg.seq + segLen) >>> 0,
        flags: hasAck ? TcpFlag.RST : TcpFlag.RST | TcpFlag.ACK,
        window: 0,
      },
      dst,
      src,
    );
    this.ip.sendFrame({ protocol: PROTOCOL_TCP, destination: src, source: dst }, frame, n);
  }

  receiveError(report: IcmpErrorReport): void {
    const p = report.originalPayload;
    if (p.length < 8) return;
    const sport = (p[0]! << 8) | p[1]!;
    const dport = (p[2]! << 8) | p[3]!;
    const seq = ((p[4]! << 24) | (p[5]! << 16) | (p[6]! << 8) | p[7]!) >>> 0;
    const s = this.lookup(report.originalSource, sport, report.originalDestination, dport);
    if (!s) return;
    // RFC 5927 §4.1: only an error quoting a sequence number in flight is believed.
    const snd = s.connection.sender;
    const off = snd.una + seqDiff(seq, snd.wire(snd.una));
    if (off < snd.una || off > snd.nxt) return;
    if (report.kind !== 'destination-unreachable') return;
    if (report.code === UnreachableCode.FragmentationNeeded) {
      if (report.nextHopMtu >= 68) s.icmp('mtu', report.nextHopMtu);
    } else if (report.code === UnreachableCode.Port || report.code === UnreachableCode.Protocol) {
      s.icmp('hard', 0);
    } else {
      s.icmp('unreachable', 0);
    }
  }

  /** @internal */
  traceDrop(
    reason: TcpDropReason,
    source: number,
    destination: number,
    sourcePort: number,
    destinationPort: number,
    flags: number,
  ): void {
    const sim = this.sim;
    if (!sim.trace.active || !sim.trace.wants('tcp.drop')) return;
    sim.trace.emit({
      type: 'tcp.drop',
      time: sim.now,
      node: this.ip.node.name,
      reason,
      source,
      destination,
      sourcePort,
      destinationPort,
      flags,
    });
  }
}

function checkPort(port: number, allowZero: boolean): void {
  if (!Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535)
    throw new NetlabError('bad-port', `bad port ${port}`);
}
