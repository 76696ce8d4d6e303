/**
 * The IPv4 layer of a node (RFC 791, RFC 1122 for hosts, RFC 1812 for routers): its
 * interfaces and addresses, the routing table, receiving, forwarding and sending.
 *
 * Packets travel as Ethernet frames with the IP packet at byte 14, from the NIC up and
 * back down, so a router forwards by rewriting the same buffer in place: TTL decremented
 * with an RFC 1624 incremental checksum update, a new Ethernet header, no copy.
 *
 * Every drop is traced with a reason, and answered as RFC 1812 says: TTL expiry with ICMP
 * time exceeded, no route with net unreachable, a silent next hop with host unreachable,
 * too big with DF set with fragmentation needed. A node with `forwarding` off (a host)
 * drops packets that are not addressed to it, as Linux does with ip_forward = 0.
 *
 * Packet-filter hooks (`filters`) run at input, forward and output, where a firewall or
 * NAT attaches later. Left out: IP options processing (options are carried, not acted
 * on), multicast routing, ICMP redirects.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { EtherType } from '../link/ethernet.ts';
import { BROADCAST_MAC } from '../link/mac-address.ts';
import type { NetDevice } from '../link/net-device.ts';
import type { Node } from '../link/node.ts';
import { ServiceKey } from '../link/service-key.ts';
import { Timer } from '../sim/timer.ts';
import { SECOND, type Time } from '../sim/time.ts';
import { ArpCache, type ArpOptions } from './arp-cache.ts';
import { parseArp } from './arp.ts';
import { internetChecksum, updateChecksum16 } from './checksum.ts';
import { IcmpLayer } from './icmp-layer.ts';
import { TimeExceededCode, UnreachableCode } from './icmp.ts';
import { type Ipv4Prefix, isMulticast, prefixMask, readIpv4 } from './ipv4-address.ts';
import { Ipv4Interface } from './ipv4-interface.ts';
import { fragmentIpv4, type Ipv4Packet, parseIpv4, Reassembler, writeIpv4Header } from './ipv4.ts';
import { type Route, RoutingTable } from './routing-table.ts';
import type { IpDropReason } from './trace-events.ts';

export const IPV4 = new ServiceKey<Ipv4Stack>('IPv4 stack');

const LIMITED_BROADCAST = 0xffff_ffff;
/** Ethernet (14) and option-less IPv4 (20) header bytes in front of a transport segment. */
export const FRAME_HEADROOM = 34;

/** A transport protocol (UDP, TCP, ICMP itself) registered for an IP protocol number. */
export interface TransportProtocol {
  receive(packet: Ipv4Packet, iface: Ipv4Interface): void;
  /** An ICMP error arrived about a datagram this protocol sent. */
  receiveError?(report: IcmpErrorReport): void;
}

/** An ICMP error, with the fields of the datagram it quotes already picked out. */
export interface IcmpErrorReport {
  readonly kind: 'destination-unreachable' | 'time-exceeded';
  readonly code: number;
  /** Who sent the error (a router, or the destination). */
  readonly from: number;
  readonly nextHopMtu: number;
  /** The quoted datagram: its IP header and the start of its payload. */
  readonly original: Uint8Array;
  readonly originalProtocol: number;
  readonly originalSource: number;
  readonly originalDestination: number;
  /** The quoted payload (the transport header is at the start). */
  readonly originalPayload: Uint8Array;
}

/**
 * The whole IP packet behind a parsed one. The stack always parses contiguous bytes (a
 * frame, or a reassembled datagram), so the header sits right before the payload.
 */
export function packetBytes(packet: Ipv4Packet): Uint8Array {
  const p = packet.payload;
  const hl = packet.header.headerLength;
  return new Uint8Array(p.buffer, p.byteOffset - hl, hl + p.length);
}

export type FilterVerdict = 'accept' | 'drop';
export interface FilterContext {
  readonly inIface?: Ipv4Interface;
  readonly outIface?: Ipv4Interface;
}
/** A packet filter sees the IP packet bytes (a view into the frame). */
export type PacketFilter = (packet: Uint8Array, context: FilterContext) => FilterVerdict;

export interface SendOptions {
  readonly protocol: number;
  readonly destination: number;
  /** Source address; default: the outgoing interface's address. */
  readonly source?: number;
  readonly ttl?: number;
  readonly dontFragment?: boolean;
  readonly dscp?: number;
  /** For the limited broadcast 255.255.255.255: which interface. */
  readonly iface?: Ipv4Interface;
}

/** What became of a send: like the errno a real socket call returns. */
export type SendResult = 'sent' | 'no-route' | 'too-big' | 'no-address' | 'filtered';

export interface Ipv4StackOptions {
  /** Forward packets between interfaces (a router). Default false. */
  forwarding?: boolean;
  /** TTL of packets this node originates. Default 64 (Linux). */
  defaultTtl?: number;
  arp?: ArpOptions;
  /** How long fragments wait for the rest (RFC 1122 §3.3.2; Linux: 30 s). */
  reassemblyTimeout?: Time;
}

export class Ipv4Stack {
  readonly interfaces: Ipv4Interface[] = [];
  readonly routes = new RoutingTable();
  readonly icmp: IcmpLayer;
  readonly filters: { input: PacketFilter[]; forward: PacketFilter[]; output: PacketFilter[] } = {
    input: [],
    forward: [],
    output: [],
  };
  forwarding: boolean;
  defaultTtl: number;
  /** Whether global routing may manage this node's routes (false once a gateway is configured). */
  globalRouting = true;
  private readonly local = new Set<number>();
  private readonly byDevice = new Map<NetDevice, Ipv4Interface>();
  private readonly protocols = new Map<number, TransportProtocol>();
  private readonly reassembler: Reassembler;
  private readonly reassemblyTimer: Timer;
  private readonly reassemblyTimeout: Time;
  private identification: number;

  constructor(
    readonly node: Node,
    private readonly options: Ipv4StackOptions = {},
  ) {
    this.forwarding = options.forwarding ?? false;
    this.defaultTtl = options.defaultTtl ?? 64;
    this.identification = node.random.u32() & 0xffff;
    this.reassemblyTimeout = options.reassemblyTimeout ?? 30 * SECOND;
    this.reassembler = new Reassembler({ timeout: this.reassemblyTimeout });
    this.reassemblyTimer = new Timer(node.sim, () => this.expireFragments());
    this.icmp = new IcmpLayer(this);
    this.protocols.set(1, this.icmp);
    node.registerProtocol(EtherType.IPv4, this.onIpv4);
    node.registerProtocol(EtherType.ARP, this.onArp);
    node.setService(IPV4, this);
  }

  get sim() {
    return this.node.sim;
  }

  /** Gives `device` the addresses `prefixes` (first = primary) and adds their connected routes. */
  addInterface(device: NetDevice, prefixes: readonly Ipv4Prefix[] = []): Ipv4Interface {
    if (device.node !== this.node)
      throw new NetlabError('foreign-device', `${device.label} is not on ${this.node.name}`);
    if (this.byDevice.has(device))
      throw new NetlabError('duplicate-interface', `${device.label} already has IPv4`);
    const iface = new Ipv4Interface(device);
    iface.arp = new ArpCache(
      this.sim,
      iface,
      (target, frames) => this.arpFailed(iface, target, frames),
      (frame) => this.dropFrame(frame, 'arp-queue-full'),
      this.options.arp,
    );
    this.interfaces.push(iface);
    this.byDevice.set(device, iface);
    for (const p of prefixes) this.addAddress(iface, p);
    return iface;
  }

  addAddress(iface: Ipv4Interface, prefix: Ipv4Prefix): void {
    iface.addresses.push(prefix);
    this.local.add(prefix.address);
    this.routes.add({
      network: prefix.address & prefixMask(prefix.length),
      length: prefix.length,
      gateway: 0,
      iface,
      metric: 0,
      protocol: 'kernel',
    });
  }

  interfaceByName(name: string): Ipv4Interface | undefined {
    return this.interfaces.find((i) => i.name === name);
  }

  interfaceOf(device: NetDevice): Ipv4Interface | undefined {
    return this.byDevice.get(device);
  }

  /** Whether `addr` is one of this node's own addresses. */
  isLocalAddress(addr: number): boolean {
    return this.local.has(addr);
  }

  /** Adds a route through `gateway` (`ip route add NET/LEN via GW`). */
  addRoute(
    network: number,
    length: number,
    gateway: number,
    protocol: Route['protocol'] = 'static',
    metric = 0,
  ): Route {
    const iface = this.interfaces.find((i) => i.onLink(gateway));
    if (!iface) throw new NetlabError('gateway-unreachable', 'Nexthop has invalid gateway');
    return this.routes.add({ network, length, gateway, iface, metric, protocol });
  }

  registerProtocol(protocol: number, handler: TransportProtocol): void {
    this.protocols.set(protocol, handler);
  }

  /** Sends a datagram this node originates. `payload` is the whole transport segment. */
  send(opts: SendOptions, payload: Uint8Array): SendResult {
    const frame = new Uint8Array(Math.max(60, FRAME_HEADROOM + payload.length));
    frame.set(payload, FRAME_HEADROOM);
    return this.sendFrame(opts, frame, payload.length);
  }

  /**
   * Like `send`, for a transport that wrote its segment straight into a frame buffer:
   * `frame` has FRAME_HEADROOM (34) free bytes for the Ethernet and IPv4 headers, then
   * `payloadLength` bytes of segment (at least 60 bytes in all). No copy is made; the
   * frame now belongs to the stack.
   */
  sendFrame(opts: SendOptions, frame: Uint8Array, payloadLength: number): SendResult {
    const dst = opts.destination >>> 0;
    let iface: Ipv4Interface | undefined;
    let nextHop = dst;
    if (dst === LIMITED_BROADCAST) {
      iface = opts.iface ?? this.interfaces[0];
    } else {
      const route = this.routes.lookup(dst);
      if (route) {
        iface = route.iface;
        nextHop = route.gateway || dst;
      }
    }
    const loopback = this.local.has(dst);
    if (!iface && !loopback) return 'no-route';
    const source = opts.source ?? (loopback ? dst : iface!.sourceFor(nextHop));
    if (source === 0 && !loopback) return 'no-address';
    const headerLength = writeIpv4Header(
      frame,
      14,
      {
        protocol: opts.protocol,
        source,
        destination: dst,
        ttl: opts.ttl ?? this.defaultTtl,
        dontFragment: opts.dontFragment ?? false,
        dscp: opts.dscp ?? 0,
        identification: this.nextId(),
      },
      payloadLength,
    );
    // (As long as the view of it would be: never past the frame's end.)
    const packetLength = Math.min(headerLength + payloadLength, frame.length - 14);
    // A view of the packet only for output filters (none on most nodes), not per packet.
    if (
      this.filters.output.length &&
      !this.runFilters(this.filters.output, frame.subarray(14, 14 + packetLength), { outIface: iface })
    ) {
      return 'filtered';
    }
    if (loopback) {
      // Delivered through the loopback path, in a later event as a real stack would.
      const lo =
        this.interfaces.find((i) => i.addresses.some((a) => a.address === dst)) ?? this.interfaces[0]!;
      this.sim.after(0, () => this.deliverLocal(frame, lo));
      return 'sent';
    }
    return this.output(iface!, nextHop, frame, dst, packetLength, opts.dontFragment ?? false);
  }

  /** Sends an ICMP error about a packet this node received (`packet`: the offending IP bytes). */
  sendIcmpError(
    kind: 'destination-unreachable' | 'time-exceeded',
    code: number,
    packet: Uint8Array,
    nextHopMtu = 0,
  ): void {
    this.icmp.sendError(kind, code, packet, nextHopMtu);
  }

  // ---- receive path ------------------------------------------------------------------

  private readonly onArp = (device: NetDevice, frame: Uint8Array, forUs: boolean): void => {
    if (!forUs) return;
    const iface = this.byDevice.get(device);
    if (!iface) return;
    const p = parseArp(frame.subarray(14));
    if (p instanceof ProtocolError) return;
    iface.arp.receive(p);
  };

  private readonly onIpv4 = (device: NetDevice, frame: Uint8Array, forUs: boolean): void => {
    // Frames a promiscuous NIC picked up for other stations stop here (Linux: PACKET_OTHERHOST).
    if (!forUs) return;
    const iface = this.byDevice.get(device);
    if (!iface) return;
    const n = frame.length;
    const vihl = n >= 34 ? frame[14]! : 0;
    const hl = (vihl & 15) * 4;
    const total = n >= 34 ? (frame[16]! << 8) | frame[17]! : 0;
    if (vihl >> 4 !== 4 || hl < 20 || total < hl || 14 + total > n) {
      this.dropFrame(frame, 'malformed');
      return;
    }
    if (internetChecksum(frame, 14, 14 + hl) !== 0) {
      this.dropFrame(frame, 'bad-checksum');
      return;
    }
    const dst = readIpv4(frame, 30);
    if (
      this.local.has(dst) ||
      dst === LIMITED_BROADCAST ||
      iface.isSubnetBroadcast(dst) ||
      isMulticast(dst)
    ) {
      this.deliverLocal(frame, iface);
    } else if (this.forwarding) {
      this.forward(frame, iface, total, dst);
    } else {
      this.dropFrame(frame, 'not-forwarding');
    }
  };

  private forward(frame: Uint8Array, inIface: Ipv4Interface, total: number, dst: number): void {
    // The packet as a view only where something reads it (ICMP errors, filters): a
    // forwarded packet otherwise needs none, and a router forwards every packet.
    const ttl = frame[22]!;
    if (ttl <= 1) {
      const packet = frame.subarray(14, 14 + total);
      this.icmp.sendError('time-exceeded', TimeExceededCode.Ttl, packet, 0, inIface);
      this.dropFrame(frame, 'ttl-expired');
      return;
    }
    const route = this.routes.lookup(dst);
    if (!route) {
      const packet = frame.subarray(14, 14 + total);
      this.icmp.sendError('destination-unreachable', UnreachableCode.Net, packet, 0, inIface);
      this.dropFrame(frame, 'no-route');
      return;
    }
    const out = route.iface;
    if (
      this.filters.forward.length &&
      !this.runFilters(this.filters.forward, frame.subarray(14, 14 + total), { inIface, outIface: out })
    ) {
      this.dropFrame(frame, 'filtered');
      return;
    }
    // TTL - 1, with the header checksum updated incrementally (RFC 1624).
    const oldWord = (ttl << 8) | frame[23]!;
    frame[22] = ttl - 1;
    const sum = updateChecksum16((frame[24]! << 8) | frame[25]!, oldWord, oldWord - 0x100);
    frame[24] = sum >>> 8;
    frame[25] = sum & 0xff;
    const nextHop = route.gateway || dst;
    const trace = this.sim.trace;
    if (trace.active && trace.wants('ip.forward')) {
      trace.emit({
        type: 'ip.forward',
        time: this.sim.now,
        node: this.node.name,
        inIface: inIface.name,
        outIface: out.name,
        nextHop,
        source: readIpv4(frame, 26),
        destination: dst,
        ttl: ttl - 1,
      });
    }
    const len = 14 + total;
    this.output(
      out,
      nextHop,
      len < frame.length && len >= 60 ? frame.subarray(0, len) : frame,
      dst,
      total,
      (frame[20]! & 0x40) !== 0,
      inIface,
    );
  }

  private deliverLocal(frame: Uint8Array, iface: Ipv4Interface): void {
    let parsed = parseIpv4(frame, 14);
    if (parsed instanceof ProtocolError) {
      this.dropFrame(frame, 'malformed');
      return;
    }
    const h = parsed.header;
    if (h.moreFragments || h.fragmentOffset > 0) {
      const whole = this.reassembler.add(parsed, this.sim.now);
      if (whole instanceof ProtocolError) {
        this.dropFrame(frame, 'reassembly-failed');
        return;
      }
      if (this.reassembler.size > 0) this.reassemblyTimer.setAt(this.sim.now + this.reassemblyTimeout);
      if (!whole) return;
      parsed = parseIpv4(whole, 0);
      if (parsed instanceof ProtocolError) return;
    }
    const packet = parsed;
    if (
      this.filters.input.length &&
      !this.runFilters(this.filters.input, frame.subarray(14), { inIface: iface })
    ) {
      this.dropFrame(frame, 'filtered');
      return;
    }
    const handler = this.protocols.get(packet.header.protocol);
    if (!handler) {
      if (this.local.has(packet.header.destination)) {
        this.icmp.sendError(
          'destination-unreachable',
          UnreachableCode.Protocol,
          frame.subarray(14, 14 + packet.header.totalLength),
          0,
          iface,
        );
      }
      this.dropPacket(packet, 'unknown-protocol');
      return;
    }
    handler.receive(packet, iface);
  }

  /** Delivers an ICMP error to the protocol whose datagram it quotes. */
  dispatchError(report: IcmpErrorReport): void {
    this.protocols.get(report.originalProtocol)?.receiveError?.(report);
  }

  // ---- send path ---------------------------------------------------------------------

  private output(
    iface: Ipv4Interface,
    nextHop: number,
    frame: Uint8Array,
    dst: number,
    packetLength: number,
    dontFragment: boolean,
    inIface?: Ipv4Interface,
  ): SendResult {
    if (packetLength > iface.device.mtu) {
      const packet = frame.subarray(14, 14 + packetLength);
      if (dontFragment) {
        if (inIface) {
          this.icmp.sendError(
            'destination-unreachable',
            UnreachableCode.FragmentationNeeded,
            packet,
            iface.device.mtu,
            inIface,
          );
          this.dropFrame(frame, 'fragmentation-needed');
        }
        return 'too-big';
      }
      const fragments = fragmentIpv4(packet, iface.device.mtu);
      if (fragments instanceof ProtocolError) return 'too-big';
      for (const f of fragments) {
        const fr = new Uint8Array(Math.max(60, 14 + f.length));
        fr.set(f, 14);
        this.linkOutput(iface, nextHop, fr, dst);
      }
      return 'sent';
    }
    this.linkOutput(iface, nextHop, frame, dst);
    return 'sent';
  }

  private linkOutput(iface: Ipv4Interface, nextHop: number, frame: Uint8Array, dst: number): void {
    if (dst === LIMITED_BROADCAST || iface.isSubnetBroadcast(dst)) iface.arp.transmit(frame, BROADCAST_MAC);
    else iface.arp.send(nextHop, frame);
  }

  private arpFailed(iface: Ipv4Interface, _target: number, frames: Uint8Array[]): void {
    for (const frame of frames) {
      const packet = frame.subarray(14, 14 + ((frame[16]! << 8) | frame[17]!));
      const source = readIpv4(frame, 26);
      if (this.local.has(source))
        this.icmp.reportLocalError('destination-unreachable', UnreachableCode.Host, packet, iface);
      else this.icmp.sendError('destination-unreachable', UnreachableCode.Host, packet, 0, iface);
      this.dropFrame(frame, 'arp-failed');
    }
  }

  private expireFragments(): void {
    for (const expired of this.reassembler.expire(this.sim.now)) {
      const first = expired.firstFragment;
      if (first) this.icmp.sendError('time-exceeded', TimeExceededCode.Reassembly, first);
    }
    if (this.reassembler.size > 0) this.reassemblyTimer.set(SECOND);
  }

  private runFilters(filters: PacketFilter[], packet: Uint8Array, ctx: FilterContext): boolean {
    for (const f of filters) if (f(packet, ctx) === 'drop') return false;
    return true;
  }

  private nextId(): number {
    this.identification = (this.identification + 1) & 0xffff;
    return this.identification;
  }

  /** Traces a dropped packet given as a frame (IP at byte 14). */
  dropFrame(frame: Uint8Array, reason: IpDropReason): void {
    const trace = this.sim.trace;
    if (!trace.active || !trace.wants('ip.drop')) return;
    const ok = frame.length >= 34;
    trace.emit({
      type: 'ip.drop',
      time: this.sim.now,
      node: this.node.name,
      reason,
      source: ok ? readIpv4(frame, 26) : 0,
      destination: ok ? readIpv4(frame, 30) : 0,
      protocol: ok ? frame[23]! : 0,
    });
  }

  /** Traces a dropped packet given parsed. */
  dropPacket(packet: Ipv4Packet, reason: IpDropReason): void {
    const trace = this.sim.trace;
    if (!trace.active || !trace.wants('ip.drop')) return;
    const h = packet.header;
    trace.emit({
      type: 'ip.drop',
      time: this.sim.now,
      node: this.node.name,
      reason,
      source: h.source,
      destination: h.destination,
      protocol: h.protocol,
    });
  }
}
