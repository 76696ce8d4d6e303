/**
 * A network interface card: a MAC address, an output queue, a transmitter and a receive
 * filter. It is attached to one channel (a cable to another device, or a shared bus).
 *
 * Transmit path: `send()` starts transmitting at once when the transmitter is idle and the
 * queue is empty; otherwise the frame waits in the DropTail queue (or is tail-dropped).
 * The device schedules one wake-up at the end of the current transmission only when
 * something is waiting, so an uncongested hop costs a single event (the arrival).
 *
 * Receive path: frames addressed to this MAC, to broadcast or to a group address go up to
 * the node; other frames are discarded by the filter unless the device is promiscuous
 * (a sniffer, or a switch port), in which case they go up marked `forUs = false`.
 */
import { ETHERNET_HEADER_LENGTH, frameDestination } from './ethernet.ts';
import type { Channel } from './channel.ts';
import { DropTailQueue, type QueueLimit } from './drop-tail-queue.ts';
import { isGroupMac, type MacAddress } from './mac-address.ts';
import { DOUBLE_FIELD, type Time } from '../sim/time.ts';
import type { Node } from './node.ts';
import type { LinkDropReason } from './trace-events.ts';

export interface NetDeviceOptions {
  /** Output queue limit. Default 100 packets. */
  queue?: QueueLimit;
  /** Largest IP packet the device sends. Default 1500. */
  mtu?: number;
}

export interface DeviceCounters {
  txFrames: number;
  txBytes: number;
  rxFrames: number;
  rxBytes: number;
  drops: number;
}

export class NetDevice {
  channel: Channel | null = null;
  mtu: number;
  /** Administrative state (`ip link set dev X up|down`). */
  adminUp = true;
  readonly counters: DeviceCounters = { txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, drops: 0 };
  readonly queue: DropTailQueue;
  private promiscuousUsers = 0;
  private busyUntil: Time = DOUBLE_FIELD;
  private wakePending = false;
  /** A frame that found a shared medium busy and waits for `mediumIdle()`. */
  private deferred: Uint8Array | null = null;

  constructor(
    readonly node: Node,
    readonly name: string,
    readonly mac: MacAddress,
    options: NetDeviceOptions = {},
  ) {
    this.busyUntil = 0;
    this.queue = new DropTailQueue(options.queue ?? { packets: 100 });
    this.mtu = options.mtu ?? 1500;
  }

  /** `node:iface`, as traces and tools name it. */
  get label(): string {
    return `${this.node.name}:${this.name}`;
  }

  /** Up administratively and on a live node. */
  get up(): boolean {
    return this.adminUp && this.node.up;
  }

  /** Up and attached to a live medium: frames can leave. */
  get carrier(): boolean {
    return this.up && this.channel?.up === true;
  }

  get promiscuous(): boolean {
    return this.promiscuousUsers > 0;
  }

  /** Counted, so two sniffers on one interface do not turn each other off. */
  setPromiscuous(on: boolean): void {
    this.promiscuousUsers = Math.max(0, this.promiscuousUsers + (on ? 1 : -1));
  }

  setAdminUp(up: boolean): void {
    if (up === this.adminUp) return;
    this.adminUp = up;
    if (!up) this.flush('interface-down');
    const sim = this.node.sim;
    if (sim.trace.wants('link.iface')) {
      sim.trace.emit({ type: 'link.iface', time: sim.now, node: this.node.name, iface: this.name, up });
    }
  }

  /** Queues or transmits a complete Ethernet frame. False when it was dropped. */
  send(frame: Uint8Array): boolean {
    if (!this.up) return this.drop('interface-down', frame);
    if (this.channel === null || !this.channel.up) return this.drop('no-carrier', frame);
    if (frame.length > this.mtu + ETHERNET_HEADER_LENGTH) return this.drop('mtu', frame);
    const now = this.node.sim.now;
    if (this.queue.length === 0 && this.deferred === null && now >= this.busyUntil) {
      this.transmit(frame);
      return true;
    }
    if (!this.queue.enqueue(frame)) return this.drop('queue-full', frame);
    this.scheduleWake();
    return true;
  }

  /** The shared medium is free and it is this device's turn. */
  mediumIdle(): void {
    const frame = this.deferred;
    this.deferred = null;
    if (!frame) return;
    if (this.carrier) this.transmit(frame);
    else this.drop(this.up ? 'no-carrier' : this.node.up ? 'interface-down' : 'node-down', frame);
    // Whatever queued behind the deferred frame goes next.
    if (this.deferred === null && this.queue.length > 0) this.scheduleWake();
  }

  /** A whole frame arrived from the channel. The buffer is now this device's to keep or change. */
  deliver(frame: Uint8Array): void {
    if (!this.up) {
      this.drop(this.node.up ? 'interface-down' : 'node-down', frame);
      return;
    }
    this.counters.rxFrames++;
    this.counters.rxBytes += frame.length;
    const trace = this.node.sim.trace;
    if (trace.active && trace.wants('link.rx')) {
      trace.emit({ type: 'link.rx', time: this.node.sim.now, node: this.node.name, iface: this.name, frame });
    }
    const dst = frameDestination(frame);
    if (dst === this.mac || isGroupMac(dst)) this.node.receive(this, frame, true);
    else if (this.promiscuousUsers > 0) this.node.receive(this, frame, false);
  }

  /** Drops everything waiting (the device or node went down, or the carrier was lost). */
  flush(reason: LinkDropReason): void {
    if (this.deferred) {
      this.drop(reason, this.deferred);
      this.deferred = null;
    }
    for (const f of this.queue.clear()) this.drop(reason, f);
  }

  /** Records a drop (counter and trace). Always returns false, for `return this.drop(...)`. */
  drop(reason: LinkDropReason, frame: Uint8Array): false {
    this.counters.drops++;
    const sim = this.node.sim;
    if (sim.trace.active && sim.trace.wants('link.drop')) {
      sim.trace.emit({
        type: 'link.drop',
        time: sim.now,
        node: this.node.name,
        iface: this.name,
        reason,
        frame,
      });
    }
    return false;
  }

  private transmit(frame: Uint8Array): void {
    const channel = this.channel!;
    const end = channel.transmit(this, frame);
    if (end < 0) {
      this.deferred = frame;
      return;
    }
    this.busyUntil = end;
    this.counters.txFrames++;
    this.counters.txBytes += frame.length;
    const sim = this.node.sim;
    if (sim.trace.active && sim.trace.wants('link.tx')) {
      sim.trace.emit({ type: 'link.tx', time: sim.now, node: this.node.name, iface: this.name, frame });
    }
    if (this.queue.length > 0) this.scheduleWake();
  }

  private scheduleWake(): void {
    if (this.wakePending || this.deferred !== null) return;
    this.wakePending = true;
    const sim = this.node.sim;
    sim.at(Math.max(this.busyUntil, sim.now), this.wake);
  }

  private readonly wake = (): void => {
    this.wakePending = false;
    if (this.deferred !== null) return;
    if (!this.carrier) {
      this.flush(this.up ? 'no-carrier' : this.node.up ? 'interface-down' : 'node-down');
      return;
    }
    const frame = this.queue.dequeue();
    if (frame) this.transmit(frame);
  };
}
