/**
 * Bus: N hosts tapping one shared cable (10BASE5-style). Every frame reaches every host,
 * which is what makes sniffing and spoofing easy.
 *
 * Names: the bus `bus1`; hosts h1..hN, host i on port p<i>.
 * Addresses: host i is the i-th address of `subnet` (default 10.0.0.0/24, so 10.0.0.i/24).
 */
import { DEFAULT_FLAT_SUBNET, nthHostAddress } from './address-plan.ts';
import {
  checkCount,
  type CommonOptions,
  type MediumParams,
  type Topology,
  TopologyBuilder,
} from './topology.ts';
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';

export interface BusOptions extends CommonOptions {
  /** Hosts on the bus, 1..1000. Default 3. */
  readonly hosts?: number;
  /** Default 10.0.0.0/24. */
  readonly subnet?: Ipv4Prefix;
  /** The bus's rate, delay and loss (default 10 Mbit/s, 2.5 µs, 0). */
  readonly medium?: MediumParams;
}

export function bus(options: BusOptions = {}): Topology {
  const hosts = checkCount('hosts', options.hosts ?? 3, 1, 1000);
  const subnet = options.subnet ?? DEFAULT_FLAT_SUBNET;
  const b = new TopologyBuilder(options).medium('bus1', 'bus');
  for (let i = 1; i <= hosts; i++) b.host(`h${i}`).connect(`h${i}`, 'bus1', nthHostAddress(subnet, i));
  return b.build();
}
