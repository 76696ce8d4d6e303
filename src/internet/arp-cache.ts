/**
 * ARP (RFC 826) for one interface: the cache of IPv4-to-MAC translations, resolution of
 * unknown next hops, and the answer to requests for our own addresses.
 *
 * Resolution: the first packet to an unknown address creates an INCOMPLETE entry, sends a
 * broadcast request and waits; up to `pendingBytes` of packets wait with it (RFC 1122
 * §2.3.2.2 asks for at least one packet; Linux's unres_qlen_bytes holds 64 KiB, enough for
 * every fragment of a large datagram), the oldest dropped first beyond that. The request is repeated every `retryInterval`, at most
 * `retries` times (Linux: 3 at 1 s); then the waiting packets are dropped and the owner is
 * told, so it can answer with ICMP host unreachable.
 *
 * Receiving follows RFC 826's packet reception algorithm literally: an existing entry for
 * the sender is updated (the merge), a new one is added only when the packet is for us.
 * That is exactly why ARP spoofing works: a forged reply updates the victim's entry for
 * the gateway, and the `arp.update` trace shows the MAC change.
 *
 * Entries expire `timeout` after they were confirmed (default 60 s) and the cache holds at
 * most `maxEntries` (default 1024, Linux's gc_thresh3); the oldest entry is evicted first.
 */
import { EtherType, writeEthernetHeader } from '../link/ethernet.ts';
import { BROADCAST_MAC, type MacAddress } from '../link/mac-address.ts';
import type { ScheduledEvent } from '../sim/event-queue.ts';
import type { Simulator } from '../sim/simulator.ts';
import { SECOND, type Time } from '../sim/time.ts';
import { ArpOp, type ArpPacket, serializeArp } from './arp.ts';
import type { Ipv4Interface } from './ipv4-interface.ts';
import './trace-events.ts';

export interface ArpOptions {
  timeout?: Time;
  retries?: number;
  retryInterval?: Time;
  pendingBytes?: number;
  maxEntries?: number;
}

export interface ArpEntryView {
  readonly ip: number;
  /** null while INCOMPLETE. */
  readonly mac: MacAddress | null;
  readonly iface: string;
  /** Set with `arp -s`: never expires. */
  readonly permanent: boolean;
}

interface Entry {
  mac: MacAddress | null;
  confirmed: Time;
  pending: Uint8Array[];
  tries: number;
  retry: ScheduledEvent | null;
}

export class ArpCache {
  private readonly entries = new Map<number, Entry>();
  private observers: ((p: ArpPacket) => void)[] = [];
  readonly timeout: Time;
  readonly retries: number;
  readonly retryInterval: Time;
  readonly pendingBytes: number;
  readonly maxEntries: number;

  constructor(
    private readonly sim: Simulator,
    private readonly iface: Ipv4Interface,
    /** Told about packets that died waiting for an answer that never came. */
    private readonly onFailure: (target: number, frames: Uint8Array[]) => void,
    /** Told when a packet could not even wait (too many queued). */
    private readonly onQueueFull: (frame: Uint8Array) => void,
    options: ArpOptions = {},
  ) {
    this.timeout = options.timeout ?? 60 * SECOND;
    this.retries = options.retries ?? 3;
    this.retryInterval = options.retryInterval ?? SECOND;
    this.pendingBytes = options.pendingBytes ?? 65_536;
    this.maxEntries = options.maxEntries ?? 1024;
  }

  private get nodeName(): string {
    return this.iface.device.node.name;
  }

  /**
   * Sends an IPv4 frame (14 bytes of headroom for the Ethernet header) to `nextHop`,
   * resolving its MAC address first when needed.
   */
  send(nextHop: number, frame: Uint8Array): void {
    const e = this.entries.get(nextHop);
    const now = this.sim.now;
    if (e && e.mac !== null) {
      if (now - e.confirmed < this.timeout) {
        this.transmit(frame, e.mac);
        return;
      }
      // Expired: resolve again, as if new.
      this.entries.delete(nextHop);
    } else if (e) {
      e.pending.push(frame);
      let bytes = 0;
      for (const f of e.pending) bytes += f.length;
      while (bytes > this.pendingBytes && e.pending.length > 1) {
        const old = e.pending.shift()!;
        bytes -= old.length;
        this.onQueueFull(old);
      }
      return;
    }
    this.makeRoom();
    const entry: Entry = { mac: null, confirmed: now, pending: [frame], tries: 0, retry: null };
    this.entries.set(nextHop, entry);
    this.request(nextHop, entry);
  }

  /** Sends a broadcast frame (no resolution). */
  transmit(frame: Uint8Array, mac: MacAddress): void {
    const dev = this.iface.device;
    writeEthernetHeader(frame, mac, dev.mac, EtherType.IPv4);
    dev.send(frame);
  }

  /**
   * Sees every ARP packet this interface receives, before the cache does (what a packet
   * socket gives `arping`). Returns the function that stops observing.
   */
  observe(fn: (p: ArpPacket) => void): () => void {
    this.observers.push(fn);
    return () => {
      this.observers = this.observers.filter((o) => o !== fn);
    };
  }

  /** RFC 826 packet reception. */
  receive(p: ArpPacket): void {
    for (const o of this.observers) o(p);
    const now = this.sim.now;
    let merged = false;
    const e = this.entries.get(p.senderIp);
    if (e && p.senderIp !== 0) {
      this.update(p.senderIp, e, p.senderMac, now);
      merged = true;
    }
    const forUs = this.iface.addresses.some((a) => a.address === p.targetIp);
    if (!forUs) return;
    if (!merged && p.senderIp !== 0) {
      this.makeRoom();
      const entry: Entry = { mac: null, confirmed: now, pending: [], tries: 0, retry: null };
      this.entries.set(p.senderIp, entry);
      this.update(p.senderIp, entry, p.senderMac, now);
    }
    if (p.op === ArpOp.Request) {
      const dev = this.iface.device;
      this.sendArp(p.senderMac, {
        op: ArpOp.Reply,
        senderMac: dev.mac,
        senderIp: p.targetIp,
        targetMac: p.senderMac,
        targetIp: p.senderIp,
      });
      this.traceReply(p.senderIp, dev.mac);
    }
  }

  /** Announces our address (gratuitous ARP request, RFC 5227 §3), updating others' caches. */
  announce(): void {
    const dev = this.iface.device;
    for (const a of this.iface.addresses) {
      this.sendArp(BROADCAST_MAC, {
        op: ArpOp.Request,
        senderMac: dev.mac,
        senderIp: a.address,
        targetMac: 0,
        targetIp: a.address,
      });
    }
  }

  /** Sends an ARP packet as given (also used by the `arpspoof` tool). */
  sendArp(destination: MacAddress, p: ArpPacket): void {
    const body = serializeArp(p);
    const frame = new Uint8Array(Math.max(60, 14 + body.length));
    frame.set(body, 14);
    writeEthernetHeader(frame, destination, this.iface.device.mac, EtherType.ARP);
    this.iface.device.send(frame);
  }

  /** A static entry, as `arp -s` makes (it never expires in practice). */
  setStatic(ip: number, mac: MacAddress): void {
    this.entries.set(ip, { mac, confirmed: Number.POSITIVE_INFINITY, pending: [], tries: 0, retry: null });
  }

  lookup(ip: number): MacAddress | undefined {
    const e = this.entries.get(ip);
    if (!e || e.mac === null) return undefined;
    return this.sim.now - e.confirmed < this.timeout || e.confirmed === Number.POSITIVE_INFINITY
      ? e.mac
      : undefined;
  }

  /** Live entries (INCOMPLETE ones included), for `arp -a`. */
  list(): ArpEntryView[] {
    const now = this.sim.now;
    const out: ArpEntryView[] = [];
    for (const [ip, e] of this.entries) {
      if (e.mac === null || now - e.confirmed < this.timeout || e.confirmed === Number.POSITIVE_INFINITY) {
        out.push({
          ip,
          mac: e.mac,
          iface: this.iface.name,
          permanent: e.confirmed === Number.POSITIVE_INFINITY,
        });
      }
    }
    return out;
  }

  /** Forgets one entry (`arp -d`); false when there was none. */
  delete(ip: number): boolean {
    const e = this.entries.get(ip);
    if (!e) return false;
    e.retry?.cancel();
    return this.entries.delete(ip);
  }

  flush(): void {
    for (const e of this.entries.values()) e.retry?.cancel();
    this.entries.clear();
  }

  private update(ip: number, e: Entry, mac: MacAddress, now: Time): void {
    const previous = e.mac;
    e.mac = mac;
    if (e.confirmed !== Number.POSITIVE_INFINITY) e.confirmed = now;
    e.retry?.cancel();
    e.retry = null;
    if (previous !== mac && this.sim.trace.wants('arp.update')) {
      this.sim.trace.emit({
        type: 'arp.update',
        time: now,
        node: this.nodeName,
        iface: this.iface.name,
        ip,
        mac,
        previous,
      });
    }
    const waiting = e.pending;
    e.pending = [];
    for (const f of waiting) this.transmit(f, mac);
  }

  private request(target: number, e: Entry): void {
    e.tries++;
    const dev = this.iface.device;
    this.sendArp(BROADCAST_MAC, {
      op: ArpOp.Request,
      senderMac: dev.mac,
      senderIp: this.iface.sourceFor(target),
      targetMac: 0,
      targetIp: target,
    });
    if (this.sim.trace.wants('arp.request')) {
      this.sim.trace.emit({
        type: 'arp.request',
        time: this.sim.now,
        node: this.nodeName,
        iface: this.iface.name,
        target,
      });
    }
    e.retry = this.sim.after(this.retryInterval, () => {
      e.retry = null;
      if (this.entries.get(target) !== e || e.mac !== null) return;
      if (e.tries < this.retries) {
        this.request(target, e);
        return;
      }
      this.entries.delete(target);
      if (this.sim.trace.wants('arp.failed')) {
        this.sim.trace.emit({
          type: 'arp.failed',
          time: this.sim.now,
          node: this.nodeName,
          iface: this.iface.name,
          target,
        });
      }
      this.onFailure(target, e.pending);
    });
  }

  private traceReply(target: number, mac: MacAddress): void {
    if (this.sim.trace.wants('arp.reply')) {
      this.sim.trace.emit({
        type: 'arp.reply',
        time: this.sim.now,
        node: this.nodeName,
        iface: this.iface.name,
        target,
        mac,
      });
    }
  }

  /** Keeps the cache within its limit: expired entries go first, then the oldest. */
  private makeRoom(): void {
    if (this.entries.size < this.maxEntries) return;
    const now = this.sim.now;
    for (const [ip, e] of this.entries) {
      if (e.mac !== null && now - e.confirmed >= this.timeout) this.entries.delete(ip);
    }
    while (this.entries.size >= this.maxEntries) {
      const [ip, e] = this.entries.entries().next().value as [number, Entry];
      e.retry?.cancel();
      this.entries.delete(ip);
    }
  }
}
