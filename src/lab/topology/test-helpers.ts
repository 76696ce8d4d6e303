/**
 * Test helpers for the builders: a topology rendered as short readable lines, so tests
 * compare names and addresses at a glance.
 */
import { formatIpv4Address, formatIpv4Prefix } from '../../internet/ipv4-address.ts';
import type { Topology } from './topology.ts';

/** `h1 host eth0=10.0.0.1/24 gw=10.0.0.254` per node. */
export function nodeLines(t: Topology): string[] {
  return t.nodes.map((n) => {
    const ifaces = n.interfaces.map((i) => (i.address ? `${i.name}=${formatIpv4Prefix(i.address)}` : i.name));
    const gw = n.kind === 'host' && n.gateway !== undefined ? ` gw=${formatIpv4Address(n.gateway)}` : '';
    return `${n.name} ${n.kind} ${ifaces.join(' ')}${gw}`.trimEnd();
  });
}

/** `h1:eth0-sw1:p1` per link. */
export function linkLines(t: Topology): string[] {
  return t.links.map((l) => l.endpoints.map((e) => `${e.node}:${e.interface}`).join('-'));
}
