/**
 * A shared medium: a bus (one cable every station taps) or a repeater hub (which is
 * electrically the same thing). Every frame one device sends reaches every other device
 * on the medium, which is why a third station can sniff traffic between two others: only
 * its NIC's MAC filter keeps the frame from its software, and promiscuous mode turns the
 * filter off.
 *
 * One transmission at a time: a device that finds the medium busy defers (carrier sense)
 * and transmits when the medium is idle, waiting devices served in the order they began
 * waiting. Collisions and exponential backoff (CSMA/CD) are not modelled, as in ns-3's
 * CsmaChannel: the bandwidth sharing they produce is modelled, their randomness is not.
 */
import { NetlabError } from '../bytes/netlab-error.ts';
import type { Random } from '../sim/random.ts';
import type { Simulator } from '../sim/simulator.ts';
import type { Time } from '../sim/time.ts';
import type { Channel } from './channel.ts';
import { wireBytes } from './ethernet.ts';
import type { NetDevice } from './net-device.ts';
import { type LinkOptions, validate } from './point-to-point.ts';

export class SharedMedium implements Channel {
  readonly devices: NetDevice[] = [];
  readonly rate: number;
  readonly delay: Time;
  readonly loss: number;
  private carrier = true;
  private busyUntil: Time = 0;
  private idlePending = false;
  private readonly waiting: NetDevice[] = [];
  private readonly nsPerByte: number;
  private readonly random: Random;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    options: Omit<LinkOptions, 'duplicate' | 'jitter'> = {},
  ) {
    this.rate = options.rate ?? 10e6;
    this.delay = options.delay ?? 0;
    this.loss = options.loss ?? 0;
    validate(this.rate, this.delay, this.loss, 0, 0);
    this.nsPerByte = 8e9 / this.rate;
    this.random = sim.random.fork(`medium/${name}`);
  }

  get up(): boolean {
    return this.carrier;
  }

  attach(dev: NetDevice): void {
    if (dev.channel) throw new NetlabError('device-in-use', `${dev.label} is already attached to a link`);
    dev.channel = this;
    this.devices.push(dev);
  }

  setUp(up: boolean): void {
    if (up === this.carrier) return;
    this.carrier = up;
    if (!up) for (const d of this.devices) d.flush('no-carrier');
    if (this.sim.trace.wants('link.state')) {
      this.sim.trace.emit({ type: 'link.state', time: this.sim.now, link: this.name, up });
    }
  }

  transmit(from: NetDevice, frame: Uint8Array): Time {
    const now = this.sim.now;
    if (now < this.busyUntil) {
      this.waiting.push(from);
      this.scheduleIdle();
      return -1;
    }
    const end = now + Math.round(wireBytes(frame.length) * this.nsPerByte);
    this.busyUntil = end;
    const arrival = end + this.delay;
    const receivers = this.devices.filter((d) => d !== from);
    receivers.forEach((d, i) => {
      // Each receiver owns its buffer (a router may rewrite it); the last takes the original.
      const copy = i === receivers.length - 1 ? frame : frame.slice();
      this.sim.at(arrival, () => this.arrive(d, copy));
    });
    if (this.waiting.length > 0) this.scheduleIdle();
    return end;
  }

  private arrive(to: NetDevice, frame: Uint8Array): void {
    if (!this.carrier) to.drop('no-carrier', frame);
    else if (this.loss > 0 && this.random.chance(this.loss)) to.drop('link-loss', frame);
    else to.deliver(frame);
  }

  private scheduleIdle(): void {
    if (this.idlePending) return;
    this.idlePending = true;
    this.sim.at(Math.max(this.busyUntil, this.sim.now), this.idle);
  }

  private readonly idle = (): void => {
    this.idlePending = false;
    // Hand the medium to waiting devices in turn until one of them actually transmits.
    while (this.waiting.length > 0 && this.sim.now >= this.busyUntil) this.waiting.shift()!.mediumIdle();
    if (this.waiting.length > 0) this.scheduleIdle();
  };
}
