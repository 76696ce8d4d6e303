/**
 * A node: a box with network devices (a host, a router, a switch...). The link layer hands
 * it whole frames that passed a device's MAC filter; it dispatches them by EtherType to
 * the protocol handlers the upper layers registered. Services (the IPv4 stack, UDP...) are
 * attached under typed keys.
 *
 * A node can fail (`node down X`): its devices then neither send nor receive, and every
 * frame that reaches it is dropped with reason `node-down`.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import type { Random } from '../sim/random.ts';
import type { Simulator } from '../sim/simulator.ts';
import { frameEtherType } from './ethernet.ts';
import { localMac, type MacAddress } from './mac-address.ts';
import { NetDevice, type NetDeviceOptions } from './net-device.ts';
import type { ServiceKey } from './service-key.ts';
import './trace-events.ts';

/**
 * A protocol's receive function. `forUs` is false for frames a promiscuous device accepted
 * although they were addressed to another station.
 */
export type FrameHandler = (device: NetDevice, frame: Uint8Array, forUs: boolean) => void;

const macCounters = new WeakMap<Simulator, number>();

/** Deterministic MAC allocation: the n-th device created in a simulation gets `localMac(n)`. */
function nextMac(sim: Simulator): MacAddress {
  const n = (macCounters.get(sim) ?? 0) + 1;
  macCounters.set(sim, n);
  return localMac(n);
}

export class Node {
  readonly devices: NetDevice[] = [];
  readonly random: Random;
  /** What the node is, for tools and the UI: 'host', 'router', 'switch', 'hub'... */
  kind: string;
  private alive = true;
  private readonly handlers = new Map<number, FrameHandler>();
  private readonly services = new Map<ServiceKey<unknown>, unknown>();
  private readonly stateListeners: ((up: boolean) => void)[] = [];

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    kind = 'host',
  ) {
    this.kind = kind;
    this.random = sim.random.fork(`node/${name}`);
  }

  get up(): boolean {
    return this.alive;
  }

  /** Fails or restores the whole node. */
  setUp(up: boolean): void {
    if (up === this.alive) return;
    this.alive = up;
    if (!up) for (const d of this.devices) d.flush('node-down');
    if (this.sim.trace.wants('node.state')) {
      this.sim.trace.emit({ type: 'node.state', time: this.sim.now, node: this.name, up });
    }
    for (const fn of this.stateListeners) fn(up);
  }

  /** Called when the node fails or recovers (global routing listens). */
  onStateChange(fn: (up: boolean) => void): void {
    this.stateListeners.push(fn);
  }

  /** Creates a device on this node. Its MAC is allocated deterministically unless given. */
  addDevice(name: string, options: NetDeviceOptions & { mac?: MacAddress } = {}): NetDevice {
    if (this.devices.some((d) => d.name === name)) {
      throw new NetlabError('duplicate-device', `${this.name} already has a device named ${name}`);
    }
    const dev = new NetDevice(this, name, options.mac ?? nextMac(this.sim), options);
    this.devices.push(dev);
    return dev;
  }

  device(name: string): NetDevice {
    const d = this.devices.find((x) => x.name === name);
    if (!d) throw new NetlabError('no-such-device', `${this.name} has no device ${name}`);
    return d;
  }

  /** Registers the receive function for an EtherType (one per type). */
  registerProtocol(etherType: number, handler: FrameHandler): void {
    this.handlers.set(etherType, handler);
  }

  /** Entry point for frames that passed a device's filter. Bridges override it. */
  receive(device: NetDevice, frame: Uint8Array, forUs: boolean): void {
    const handler = this.handlers.get(frameEtherType(frame));
    if (handler) handler(device, frame, forUs);
  }

  setService<T>(key: ServiceKey<T>, value: T): void {
    this.services.set(key, value);
  }

  service<T>(key: ServiceKey<T>): T | undefined {
    return this.services.get(key) as T | undefined;
  }

  requireService<T>(key: ServiceKey<T>): T {
    const s = this.services.get(key);
    if (s === undefined) throw new NetlabError('no-service', `${this.name} has no ${key.name}`);
    return s as T;
  }
}
