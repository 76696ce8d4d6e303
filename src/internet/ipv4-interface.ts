/**
 * An IPv4 interface: a network device with one or more addresses (the first is primary,
 * used as the source of packets the node originates on it) and its own ARP cache.
 */
import type { NetDevice } from '../link/net-device.ts';
import type { ArpCache } from './arp-cache.ts';
import { broadcastOf, type Ipv4Prefix, prefixContains } from './ipv4-address.ts';

export class Ipv4Interface {
  readonly addresses: Ipv4Prefix[] = [];
  arp!: ArpCache;

  constructor(readonly device: NetDevice) {}

  get name(): string {
    return this.device.name;
  }

  /** The primary address, or 0 when the interface has none. */
  get address(): number {
    return this.addresses[0]?.address ?? 0;
  }

  /** Whether `addr` is on one of this interface's subnets. */
  onLink(addr: number): boolean {
    return this.addresses.some((p) => prefixContains(p, addr));
  }

  /** Whether `addr` is the directed broadcast address of one of this interface's subnets. */
  isSubnetBroadcast(addr: number): boolean {
    return this.addresses.some((p) => p.length < 31 && broadcastOf(p) === addr);
  }

  /** The address to use as source towards `addr`: one on the same subnet, else the primary. */
  sourceFor(addr: number): number {
    return (this.addresses.find((p) => prefixContains(p, addr)) ?? this.addresses[0])?.address ?? 0;
  }
}
