/**
 * An L2 switch (a transparent learning bridge, IEEE 802.1D §8.7). Store-and-forward: a
 * frame is forwarded only once it has been completely received.
 *
 * Learning: the source MAC of every frame is recorded against the port it came in on.
 * Forwarding: a frame to a learned unicast address goes out of that one port (or is
 * filtered when that is the port it came from); a frame to an unknown, broadcast or
 * multicast address is flooded out of every other port. Entries age out after `aging`
 * (802.1D's default is 300 s). The table has a size limit: when it is full, new addresses
 * are not learned and frames to them are flooded, exactly the behaviour a MAC-flooding
 * attack exploits.
 *
 * Left out: spanning tree (a loop of switches storms, as real switches without STP do),
 * VLANs.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import type { Simulator } from '../sim/simulator.ts';
import { SECOND, type Time } from '../sim/time.ts';
import { frameDestination } from './ethernet.ts';
import { isGroupMac, type MacAddress, readMac } from './mac-address.ts';
import type { NetDevice, NetDeviceOptions } from './net-device.ts';
import { Node } from './node.ts';

export interface SwitchOptions {
  /** How long an address stays learned without traffic. Default 300 s (IEEE 802.1D). */
  aging?: Time;
  /** Most addresses the table holds. Default 8192. */
  tableSize?: number;
  /** Processing delay between receiving a frame and queueing it on the output port. Default 0. */
  latency?: Time;
}

export interface MacTableEntry {
  readonly mac: MacAddress;
  readonly port: string;
  /** Seconds until the entry ages out. */
  readonly ageSeconds: number;
}

interface Entry {
  port: NetDevice;
  lastSeen: Time;
}

export class LearningSwitch extends Node {
  readonly aging: Time;
  readonly tableSize: number;
  readonly latency: Time;
  private readonly table = new Map<MacAddress, Entry>();

  constructor(sim: Simulator, name: string, options: SwitchOptions = {}) {
    super(sim, name, 'switch');
    this.aging = options.aging ?? 300 * SECOND;
    this.tableSize = options.tableSize ?? 8192;
    this.latency = options.latency ?? 0;
    if (!(this.aging > 0)) throw new NetlabError('bad-switch', 'aging must be positive');
    if (!(this.tableSize >= 1)) throw new NetlabError('bad-switch', 'table size must be at least 1');
    // The table lives in RAM: a switch that loses power comes back knowing nothing.
    this.onStateChange((up) => {
      if (!up) this.clearTable();
    });
  }

  /** Adds a port: a device that hears every frame on its link. */
  addPort(name: string, options: NetDeviceOptions = {}): NetDevice {
    const dev = this.addDevice(name, options);
    dev.setPromiscuous(true);
    return dev;
  }

  override receive(inPort: NetDevice, frame: Uint8Array): void {
    const now = this.sim.now;
    this.learn(readMac(frame, 6), inPort, now);
    const dst = frameDestination(frame);
    if (this.latency > 0) {
      this.sim.after(this.latency, () => this.forward(inPort, dst, frame));
    } else {
      this.forward(inPort, dst, frame);
    }
  }

  /** The table as `show mac address-table` would list it (live entries only). */
  entries(): MacTableEntry[] {
    const now = this.sim.now;
    const out: MacTableEntry[] = [];
    for (const [mac, e] of this.table) {
      const left = e.lastSeen + this.aging - now;
      if (left > 0) out.push({ mac, port: e.port.name, ageSeconds: Math.ceil(left / SECOND) });
    }
    return out.sort((a, b) => a.mac - b.mac);
  }

  /** Forgets every learned address (as after a reboot). */
  clearTable(): void {
    this.table.clear();
  }

  private learn(src: MacAddress, port: NetDevice, now: Time): void {
    if (isGroupMac(src)) return; // a group address is never a source (802.1D §7.8)
    const e = this.table.get(src);
    if (e) {
      if (e.port !== port) {
        this.traceLearn(src, port, e.port);
        e.port = port;
      }
      e.lastSeen = now;
      return;
    }
    if (this.table.size >= this.tableSize && !this.sweep(now)) return;
    this.table.set(src, { port, lastSeen: now });
    this.traceLearn(src, port, null);
  }

  private lookup(dst: MacAddress, now: Time): NetDevice | undefined {
    const e = this.table.get(dst);
    if (!e) return undefined;
    if (now - e.lastSeen >= this.aging) {
      this.expire(dst, e);
      return undefined;
    }
    return e.port;
  }

  private forward(inPort: NetDevice, dst: MacAddress, frame: Uint8Array): void {
    const trace = this.sim.trace;
    const out = isGroupMac(dst) ? undefined : this.lookup(dst, this.sim.now);
    if (out === inPort) {
      inPort.drop('switch-filter', frame);
      return;
    }
    if (out) {
      if (trace.active && trace.wants('switch.forward')) {
        trace.emit({
          type: 'switch.forward',
          time: this.sim.now,
          node: this.name,
          inPort: inPort.name,
          outPort: out.name,
        });
      }
      out.send(frame);
      return;
    }
    if (trace.active && trace.wants('switch.flood')) {
      trace.emit({
        type: 'switch.flood',
        time: this.sim.now,
        node: this.name,
        inPort: inPort.name,
        destination: dst,
      });
    }
    const ports = this.devices.filter((d) => d !== inPort && d.carrier);
    for (let i = 0; i < ports.length; i++) ports[i]!.send(i === ports.length - 1 ? frame : frame.slice());
  }

  /** Removes aged entries; true when that made room. */
  private sweep(now: Time): boolean {
    for (const [mac, e] of this.table) if (now - e.lastSeen >= this.aging) this.expire(mac, e);
    return this.table.size < this.tableSize;
  }

  private expire(mac: MacAddress, e: Entry): void {
    this.table.delete(mac);
    if (this.sim.trace.wants('switch.age')) {
      this.sim.trace.emit({
        type: 'switch.age',
        time: this.sim.now,
        node: this.name,
        mac,
        port: e.port.name,
      });
    }
  }

  private traceLearn(mac: MacAddress, port: NetDevice, previous: NetDevice | null): void {
    if (this.sim.trace.wants('switch.learn')) {
      this.sim.trace.emit({
        type: 'switch.learn',
        time: this.sim.now,
        node: this.name,
        mac,
        port: port.name,
        previousPort: previous?.name ?? null,
      });
    }
  }
}
