/**
 * A full-duplex point-to-point link (a cable, a fibre, a leased line) between two devices.
 *
 * Each direction is independent. A frame of L bytes occupies the sender for the
 * serialisation delay `wireBytes(L) * 8 / rate` (Ethernet's FCS, preamble and gap included),
 * then arrives `delay` later (propagation). Impairments, each drawn from the link's own
 * seeded random stream: `loss` (probability a frame is lost on the wire; the loss shows at
 * the receiving end at arrival time), `duplicate` (probability a second copy arrives) and
 * `jitter` (a uniform extra delay in [0, jitter] per frame, which reorders frames when it
 * exceeds the gap between them).
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import type { Random } from '../sim/random.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { Time } from '../sim/time.ts';
import type { Channel } from './channel.ts';
import { wireBytes } from './ethernet.ts';
import type { NetDevice } from './net-device.ts';

export interface LinkOptions {
  /** Bit/s. Default 1 Gbit/s. Infinity means no serialisation delay. */
  rate?: number;
  /** One-way propagation delay in ns. Default 0. */
  delay?: Time;
  /** Probability in [0, 1] that a frame is lost. Default 0. */
  loss?: number;
  /** Probability in [0, 1] that a frame is delivered twice. Default 0. */
  duplicate?: number;
  /** Extra random delay per frame, uniform in [0, jitter] ns. Default 0. */
  jitter?: Time;
}

export class PointToPointLink implements Channel {
  readonly devices: readonly [NetDevice, NetDevice];
  readonly rate: number;
  /** May change while running (the web lab's link panel); frames already sent keep their arrival time. */
  delay: Time;
  loss: number;
  duplicate: number;
  jitter: Time;
  private carrier = true;
  private readonly nsPerByte: number;
  private readonly random: Random;
  private readonly sim: Simulator;
  private readonly toA: (frame: Uint8Array) => void;
  private readonly toB: (frame: Uint8Array) => void;

  constructor(a: NetDevice, b: NetDevice, options: LinkOptions = {}) {
    if (a.channel || b.channel) {
      throw new NetlabError(
        'device-in-use',
        `${a.channel ? a.label : b.label} is already attached to a link`,
      );
    }
    if (a.node.sim !== b.node.sim)
      throw new NetlabError('cross-simulation', 'devices belong to different simulators');
    this.rate = options.rate ?? 1e9;
    this.delay = options.delay ?? 0;
    this.loss = options.loss ?? 0;
    this.duplicate = options.duplicate ?? 0;
    this.jitter = options.jitter ?? 0;
    validate(this.rate, this.delay, this.loss, this.duplicate, this.jitter);
    this.devices = [a, b];
    this.sim = a.node.sim;
    this.nsPerByte = 8e9 / this.rate;
    this.random = this.sim.random.fork(`link/${this.name}`);
    this.toA = (frame) => this.arrive(a, frame);
    this.toB = (frame) => this.arrive(b, frame);
    a.channel = this;
    b.channel = this;
  }

  get name(): string {
    return `${this.devices[0].label} <-> ${this.devices[1].label}`;
  }

  get up(): boolean {
    return this.carrier;
  }

  /** The device at the other end from `dev`. */
  peer(dev: NetDevice): NetDevice {
    return dev === this.devices[0] ? this.devices[1] : this.devices[0];
  }

  setUp(up: boolean): void {
    if (up === this.carrier) return;
    this.carrier = up;
    if (!up) for (const d of this.devices) d.flush('no-carrier');
    const trace = this.sim.trace;
    if (trace.wants('link.state'))
      trace.emit({ type: 'link.state', time: this.sim.now, link: this.name, up });
  }

  transmit(from: NetDevice, frame: Uint8Array): Time {
    const now = this.sim.now;
    const end = now + Math.round(wireBytes(frame.length) * this.nsPerByte);
    const deliver = from === this.devices[0] ? this.toB : this.toA;
    let arrival = end + this.delay;
    if (this.jitter > 0) arrival += this.random.int(this.jitter + 1);
    this.sim.at(arrival, deliver, frame);
    if (this.duplicate > 0 && this.random.chance(this.duplicate)) {
      this.sim.at(arrival + (this.jitter > 0 ? this.random.int(this.jitter + 1) : 0), deliver, frame.slice());
    }
    return end;
  }

  private arrive(to: NetDevice, frame: Uint8Array): void {
    if (!this.carrier) {
      to.drop('no-carrier', frame);
      return;
    }
    if (this.loss > 0 && this.random.chance(this.loss)) {
      to.drop('link-loss', frame);
      return;
    }
    to.deliver(frame);
  }
}

/** Shared by every channel constructor: impossible settings are API misuse. */
export function validate(rate: number, delay: Time, loss: number, duplicate: number, jitter: Time): void {
  if (!(rate > 0)) throw new NetlabError('bad-link', `link rate must be positive, got ${rate}`);
  if (!(delay >= 0) || !Number.isFinite(delay))
    throw new NetlabError('bad-link', `link delay must be >= 0, got ${delay}`);
  if (!(loss >= 0 && loss <= 1)) throw new NetlabError('bad-link', `loss must be in [0, 1], got ${loss}`);
  if (!(duplicate >= 0 && duplicate <= 1)) {
    throw new NetlabError('bad-link', `duplicate must be in [0, 1], got ${duplicate}`);
  }
  if (!(jitter >= 0) || !Number.isFinite(jitter))
    throw new NetlabError('bad-link', `jitter must be >= 0, got ${jitter}`);
}
