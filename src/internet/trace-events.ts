/**
 * Trace events of the internet layer: every routing decision that matters to a learner,
 * and every drop with its reason.
 */
import type { MacAddress } from '../link/mac-address.ts';

export type IpDropReason =
  | 'bad-checksum' // header checksum wrong (RFC 1122 §3.2.1.2: silently discard)
  | 'malformed' // version, header length or total length impossible
  | 'ttl-expired' // TTL reached zero while forwarding (ICMP time exceeded sent)
  | 'no-route' // no matching route (ICMP net unreachable sent)
  | 'not-forwarding' // a host (ip_forward off) got a packet for another address
  | 'arp-failed' // the next hop never answered ARP (ICMP host unreachable)
  | 'arp-queue-full' // too many packets waiting for one ARP answer
  | 'fragmentation-needed' // too big for the next link with DF set (ICMP frag needed)
  | 'reassembly-failed' // fragments that could not be reassembled (timeout, overlap, limits)
  | 'unknown-protocol' // no handler for the protocol number (ICMP protocol unreachable)
  | 'no-listener' // a transport had no socket for the port
  | 'filtered' // a packet filter (firewall) rule dropped it
  | 'echo-ignored'; // icmp_echo_ignore_all is set

declare module '../sim/trace.ts' {
  interface TraceEventMap {
    'ip.drop': {
      readonly node: string;
      readonly reason: IpDropReason;
      readonly source: number;
      readonly destination: number;
      readonly protocol: number;
    };
    'ip.forward': {
      readonly node: string;
      readonly inIface: string;
      readonly outIface: string;
      readonly nextHop: number;
      readonly source: number;
      readonly destination: number;
      readonly ttl: number;
    };
    'arp.request': { readonly node: string; readonly iface: string; readonly target: number };
    'arp.reply': {
      readonly node: string;
      readonly iface: string;
      readonly target: number;
      readonly mac: MacAddress;
    };
    /** A cache entry was created or changed (a changed MAC is how ARP spoofing shows). */
    'arp.update': {
      readonly node: string;
      readonly iface: string;
      readonly ip: number;
      readonly mac: MacAddress;
      readonly previous: MacAddress | null;
    };
    'arp.failed': { readonly node: string; readonly iface: string; readonly target: number };
    'icmp.error': {
      readonly node: string;
      readonly icmpType: number;
      readonly code: number;
      readonly to: number;
      readonly about: number;
    };
    'routing.update': { readonly reason: string; readonly routes: number };
  }
}
