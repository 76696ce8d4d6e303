/**
 * A channel is the medium between devices: a point-to-point cable or a shared bus. The
 * vocabulary is ns-3's (Node, NetDevice, Channel).
 */
import type { Time } from '../sim/time.ts';
import type { NetDevice } from './net-device.ts';

export interface Channel {
  /** A readable name, e.g. `h1:eth0 <-> sw1:p1`. */
  readonly name: string;
  /** The devices attached to it. */
  readonly devices: readonly NetDevice[];
  /** Carrier: false when the cable is cut or the link is administratively down. */
  readonly up: boolean;
  /** Line rate in bit/s. */
  readonly rate: number;
  /** One-way propagation delay. */
  readonly delay: Time;
  /**
   * Starts putting `frame` on the medium from `from` now. Returns when the sender's
   * transmission ends, or -1 when the medium is busy: the channel then calls
   * `from.mediumIdle()` once it is the device's turn.
   */
  transmit(from: NetDevice, frame: Uint8Array): Time;
  /** Takes the medium down or up (a cut cable, `link down A B`). */
  setUp(up: boolean): void;
}
