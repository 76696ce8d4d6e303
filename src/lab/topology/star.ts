/**
 * Star: N hosts each cabled to one centre — a switch (the usual LAN), a hub (a shared
 * medium drawn as a star) or a router (every host on its own subnet).
 *
 * Names: the centre `sw1`, `hub1` or `r1`; hosts h1..hN, host i on the centre's i-th
 * port (p<i> on a switch or hub, eth<i-1> on a router).
 * Addresses:
 * - switch or hub: host i is the i-th address of `subnet` (default 10.0.0.0/24: 10.0.0.i).
 * - router: spoke i is 10.1.i.0/24 (as chain links are numbered): r1 is 10.1.i.1, host i
 *   is 10.1.i.2 with gateway 10.1.i.1.
 */
import { chainLinkAddresses, DEFAULT_FLAT_SUBNET, nthHostAddress } from './address-plan.ts';
import {
  checkChoice,
  checkCount,
  type CommonOptions,
  type MediumParams,
  type Topology,
  TopologyBuilder,
  topologyError,
} from './topology.ts';
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';

export type StarCentre = 'switch' | 'hub' | 'router';

export interface StarOptions extends CommonOptions {
  /** Hosts around the centre, 1..1000 (1..255 with a router). Default 4. */
  readonly hosts?: number;
  /** Default 'switch'. */
  readonly centre?: StarCentre;
  /** Switch or hub centre only. Default 10.0.0.0/24. */
  readonly subnet?: Ipv4Prefix;
  /** A hub centre's rate, delay and loss (default 10 Mbit/s, 1 µs, 0). */
  readonly medium?: MediumParams;
}

export function star(options: StarOptions = {}): Topology {
  const centre = checkChoice('centre', options.centre ?? 'switch', ['switch', 'hub', 'router'] as const);
  const hosts = checkCount('hosts', options.hosts ?? 4, 1, centre === 'router' ? 255 : 1000);
  const b = new TopologyBuilder(options);
  if (centre === 'router') {
    if (options.subnet !== undefined)
      throw topologyError('subnet', 'subnet applies to a switch or hub centre only');
    b.router('r1');
    for (let i = 1; i <= hosts; i++) {
      const [routerSide, hostSide] = chainLinkAddresses(i);
      b.host(`h${i}`, routerSide.address).connect('r1', `h${i}`, routerSide, hostSide);
    }
    return b.build();
  }
  const name = centre === 'switch' ? 'sw1' : 'hub1';
  if (centre === 'switch') b.switch(name);
  else b.medium(name, 'hub');
  const subnet = options.subnet ?? DEFAULT_FLAT_SUBNET;
  for (let i = 1; i <= hosts; i++) b.host(`h${i}`).connect(`h${i}`, name, nthHostAddress(subnet, i));
  return b.build();
}
