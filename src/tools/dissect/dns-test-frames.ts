/**
 * Test frames: a DNS message inside Ethernet / IPv4 / UDP with correct checksums, as a
 * capture would hold it. Used by the dissector's and tcpdump's tests and by the tshark
 * interop test.
 */
import { ipv4TestFrame } from './ipv4-test-frame.ts';
import { serializeUdp } from '../../transport/udp/udp-datagram.ts';

/** 10.0.0.5 (a client) and 10.0.0.53 (its resolver). */
export const CLIENT = 0x0a000005;
export const RESOLVER_ADDRESS = 0x0a000035;

/** An Ethernet frame carrying `dns` from `sport` to `dport` (a query when dport is 53). */
export function dnsFrame(
  dns: Uint8Array,
  options: { sport?: number; dport?: number; from?: number; to?: number } = {},
): Uint8Array {
  const sport = options.sport ?? 40000;
  const dport = options.dport ?? 53;
  const query = dport === 53;
  const from = options.from ?? (query ? CLIENT : RESOLVER_ADDRESS);
  const to = options.to ?? (query ? RESOLVER_ADDRESS : CLIENT);
  const udp = serializeUdp({ sourcePort: sport, destinationPort: dport, payload: dns }, from, to);
  return ipv4TestFrame(17, from, to, udp);
}
