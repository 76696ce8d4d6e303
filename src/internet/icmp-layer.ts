/**
 * ICMP for one node (RFC 792, RFC 1122 §3.2.2, RFC 1812 §4.3): answers echo requests,
 * hands echo replies to ping sockets, sends error messages for the IP layer, and delivers
 * received errors to the protocol whose datagram they quote (so traceroute sees its
 * "time exceeded" and "port unreachable").
 *
 * Errors are never sent about an ICMP error, a broadcast or multicast datagram, a
 * non-initial fragment, or a datagram whose source is not a unique host (RFC 1812
 * §4.3.2.7), and are rate-limited with a token bucket (RFC 1812 §4.3.2.8; Linux's
 * icmp_msgs_per_sec = 1000 with a burst of 50), so a flood cannot make a router flood back.
 */
import { ProtocolError } from '../bytes/protocol-error.ts';
import { SECOND } from '../sim/time.ts';
import { type IcmpMessage, parseIcmp, quoteOriginal, serializeIcmp } from './icmp.ts';
import { isMulticast, readIpv4 } from './ipv4-address.ts';
import type { Ipv4Interface } from './ipv4-interface.ts';
import type { IcmpErrorReport, Ipv4Stack, TransportProtocol } from './ipv4-stack.ts';
import type { Ipv4Packet } from './ipv4.ts';

/** What a ping socket hears: a reply to one of its requests, or an error quoting one. */
export type EchoEvent =
  | {
      readonly kind: 'reply';
      readonly from: number;
      readonly sequence: number;
      readonly ttl: number;
      readonly data: Uint8Array;
      readonly bytes: number;
    }
  | { readonly kind: 'error'; readonly report: IcmpErrorReport; readonly sequence: number };

export interface EchoSocket {
  readonly identifier: number;
  send(
    destination: number,
    sequence: number,
    data: Uint8Array,
    options?: { ttl?: number; dontFragment?: boolean; source?: number },
  ): string;
  close(): void;
}

const ICMP = 1;

export class IcmpLayer implements TransportProtocol {
  /** `net.ipv4.icmp_echo_ignore_all`: do not answer pings. */
  echoIgnoreAll = false;
  /** Tokens refill at this many per second... */
  rateLimit = 1000;
  /** ...up to this many. */
  burst = 50;
  private tokens = 50;
  private lastRefill = 0;
  private readonly echo = new Map<number, (e: EchoEvent) => void>();

  constructor(private readonly ip: Ipv4Stack) {}

  receive(packet: Ipv4Packet, iface: Ipv4Interface): void {
    const msg = parseIcmp(packet.payload);
    if (msg instanceof ProtocolError) {
      this.ip.dropPacket(packet, 'malformed');
      return;
    }
    const h = packet.header;
    switch (msg.kind) {
      case 'echo-request':
        if (this.echoIgnoreAll) {
          this.ip.dropPacket(packet, 'echo-ignored');
          return;
        }
        // RFC 1122 §3.2.2.6: the reply carries the request's identifier, sequence and data.
        // A request to a broadcast address is not answered (Linux's icmp_echo_ignore_broadcasts).
        if (!this.ip.isLocalAddress(h.destination)) return;
        this.ip.send(
          { protocol: ICMP, destination: h.source, source: h.destination },
          serializeIcmp({
            kind: 'echo-reply',
            identifier: msg.identifier,
            sequence: msg.sequence,
            data: msg.data,
          }),
        );
        return;
      case 'echo-reply':
        this.echo.get(msg.identifier)?.({
          kind: 'reply',
          from: h.source,
          sequence: msg.sequence,
          ttl: h.ttl,
          data: msg.data,
          bytes: packet.payload.length,
        });
        return;
      case 'destination-unreachable':
      case 'time-exceeded':
        this.deliverError(
          msg.kind,
          msg.code,
          h.source,
          msg.kind === 'destination-unreachable' ? msg.nextHopMtu : 0,
          msg.original,
        );
        return;
      default:
        void iface;
    }
  }

  /** Opens a ping socket; replies and errors for `identifier` go to `onEvent`. */
  openEcho(onEvent: (e: EchoEvent) => void, identifier?: number): EchoSocket {
    let id = identifier ?? this.ip.node.random.u32() & 0xffff;
    while (this.echo.has(id)) id = (id + 1) & 0xffff;
    this.echo.set(id, onEvent);
    const ip = this.ip;
    return {
      identifier: id,
      send: (destination, sequence, data, options = {}) =>
        ip.send(
          {
            protocol: ICMP,
            destination,
            ttl: options.ttl,
            dontFragment: options.dontFragment,
            source: options.source,
          },
          serializeIcmp({ kind: 'echo-request', identifier: id, sequence, data }),
        ),
      close: () => {
        this.echo.delete(id);
      },
    };
  }

  /** Sends an ICMP error about `packet` (IP bytes) back to its source, if the rules allow. */
  sendError(
    kind: 'destination-unreachable' | 'time-exceeded',
    code: number,
    packet: Uint8Array,
    nextHopMtu = 0,
    inIface?: Ipv4Interface,
  ): void {
    if (packet.length < 20) return;
    const source = readIpv4(packet, 12);
    const destination = readIpv4(packet, 16);
    const fragOffset = ((packet[6]! << 8) | packet[7]!) & 0x1fff;
    if (fragOffset !== 0) return;
    if (source === 0 || source === 0xffff_ffff || isMulticast(source) || source >>> 24 === 127) return;
    if (destination === 0xffff_ffff || isMulticast(destination)) return;
    if (inIface?.isSubnetBroadcast(destination)) return;
    if (packet[9] === ICMP) {
      const hl = (packet[0]! & 15) * 4;
      const t = packet[hl];
      // Only echo and other informational messages may be answered with an error.
      if (t !== undefined && t !== 0 && t !== 8 && t !== 13 && t !== 14) return;
    }
    if (!this.takeToken()) return;
    const original = quoteOriginal(packet);
    const msg: IcmpMessage =
      kind === 'time-exceeded' ? { kind, code, original } : { kind, code, nextHopMtu, original };
    const type = kind === 'time-exceeded' ? 11 : 3;
    const trace = this.ip.sim.trace;
    if (trace.wants('icmp.error')) {
      trace.emit({
        type: 'icmp.error',
        time: this.ip.sim.now,
        node: this.ip.node.name,
        icmpType: type,
        code,
        to: source,
        about: destination,
      });
    }
    // The error's source is the address of the interface it leaves by towards the original
    // sender (RFC 1812 §4.3.2.4, Linux's default): on symmetric paths, the interface facing
    // the sender, which is what traceroute shows for each hop.
    this.ip.send({ protocol: ICMP, destination: source }, serializeIcmp(msg));
  }

  /** An error about a packet this node itself sent, detected locally (e.g. ARP failed). */
  reportLocalError(
    kind: 'destination-unreachable' | 'time-exceeded',
    code: number,
    packet: Uint8Array,
    iface: Ipv4Interface,
  ): void {
    this.deliverError(kind, code, iface.address, 0, packet);
  }

  private deliverError(
    kind: IcmpErrorReport['kind'],
    code: number,
    from: number,
    nextHopMtu: number,
    original: Uint8Array,
  ): void {
    if (original.length < 20 || original[0]! >> 4 !== 4) return;
    const hl = (original[0]! & 15) * 4;
    if (original.length < hl) return;
    const report: IcmpErrorReport = {
      kind,
      code,
      from,
      nextHopMtu,
      original,
      originalProtocol: original[9]!,
      originalSource: readIpv4(original, 12),
      originalDestination: readIpv4(original, 16),
      originalPayload: original.subarray(hl),
    };
    if (report.originalProtocol === ICMP) {
      const inner = report.originalPayload;
      if (inner.length >= 8 && inner[0] === 8) {
        const id = (inner[4]! << 8) | inner[5]!;
        this.echo.get(id)?.({ kind: 'error', report, sequence: (inner[6]! << 8) | inner[7]! });
      }
      return;
    }
    this.ip.dispatchError(report);
  }

  private takeToken(): boolean {
    const now = this.ip.sim.now;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.lastRefill) * this.rateLimit) / SECOND);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
