/**
 * Chain: K routers in a line with a host at each end, h1 – r1 – r2 – ... – rK – h2. The
 * benchmark topology: its address plan is ns-3's usual one, so the same run can be set up
 * in both.
 *
 * Names: hosts h1 (left) and h2 (right), routers r1..rK left to right.
 * Links: link n (n = 1..K+1) joins the (n-1)-th and n-th box from the left.
 * Addresses: link n is 10.1.n.0/24 (beyond n = 255: 10.2.0.0/24, 10.2.1.0/24... as ns-3's
 * `Ipv4AddressHelper::NewNetwork` counts); its left end is .1, its right end .2. So h1 is
 * 10.1.1.1 (gateway 10.1.1.2), router i has eth0 = 10.1.i.2 (left) and eth1 = 10.1.(i+1).1
 * (right), h2 is 10.1.(K+1).2 (gateway 10.1.(K+1).1). With K = 0 the two hosts share link 1
 * and have no gateway.
 */
import { chainLinkAddresses } from './address-plan.ts';
import { checkCount, type CommonOptions, type Topology, TopologyBuilder } from './topology.ts';

export interface ChainOptions extends CommonOptions {
  /** Routers between the hosts, 0..10000. Default 1. */
  readonly routers?: number;
}

export function chain(options: ChainOptions = {}): Topology {
  const k = checkCount('routers', options.routers ?? 1, 0, 10_000);
  const b = new TopologyBuilder(options);
  const first = chainLinkAddresses(1);
  const last = chainLinkAddresses(k + 1);
  b.host('h1', k === 0 ? undefined : first[1].address);
  for (let i = 1; i <= k; i++) b.router(`r${i}`);
  b.host('h2', k === 0 ? undefined : last[0].address);
  const boxes = ['h1', ...Array.from({ length: k }, (_, i) => `r${i + 1}`), 'h2'];
  for (let n = 1; n <= k + 1; n++) b.connect(boxes[n - 1]!, boxes[n]!, ...chainLinkAddresses(n));
  return b.build();
}
