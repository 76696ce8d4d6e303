/**
 * A packet filter in the shape of Linux netfilter's `filter` table: three chains — INPUT
 * (packets for this node), FORWARD (packets it routes) and OUTPUT (packets it sends) —
 * each a list of rules tried in order and a policy for packets no rule decides. A rule
 * matches on protocol, source and destination prefixes, TCP/UDP ports, ICMP type and the
 * interfaces, and its target ACCEPTs, DROPs (silently) or REJECTs (drops and answers
 * with an ICMP destination unreachable, port unreachable by default, as iptables does).
 *
 * It attaches to the IPv4 stack's filter hooks, so drops show in the trace as 'ip.drop'
 * with reason 'filtered', and every rule counts the packets and bytes it matched (what
 * `iptables -L -v` shows). The `iptables` command (src/tools/commands) drives it.
 *
 * Left out: connection tracking (`-m state`), NAT, user-defined chains, LOG, and
 * `--reject-with tcp-reset` (the answers are ICMP).
 */
import { ServiceKey } from '../link/service-key.ts';
import { type Ipv4Prefix, prefixContains, readIpv4 } from './ipv4-address.ts';
import type { FilterContext, FilterVerdict, Ipv4Stack } from './ipv4-stack.ts';

export type ChainName = 'INPUT' | 'FORWARD' | 'OUTPUT';
export const CHAINS: readonly ChainName[] = ['INPUT', 'FORWARD', 'OUTPUT'];

export type RejectWith =
  | 'icmp-net-unreachable'
  | 'icmp-host-unreachable'
  | 'icmp-port-unreachable'
  | 'icmp-proto-unreachable'
  | 'icmp-admin-prohibited';

/** ICMP destination-unreachable codes for each `--reject-with`. */
export const REJECT_CODES: Readonly<Record<RejectWith, number>> = {
  'icmp-net-unreachable': 0,
  'icmp-host-unreachable': 1,
  'icmp-proto-unreachable': 2,
  'icmp-port-unreachable': 3,
  'icmp-admin-prohibited': 13,
};

export interface FirewallRule {
  /** 1 ICMP, 6 TCP, 17 UDP; absent: any. */
  readonly protocol?: number;
  readonly source?: Ipv4Prefix;
  readonly destination?: Ipv4Prefix;
  readonly sourcePort?: number;
  readonly destinationPort?: number;
  readonly icmpType?: number;
  readonly inIface?: string;
  readonly outIface?: string;
  readonly target: 'ACCEPT' | 'DROP' | 'REJECT';
  readonly rejectWith?: RejectWith;
}

export interface CountedRule extends FirewallRule {
  packets: number;
  bytes: number;
}

export interface Chain {
  policy: 'ACCEPT' | 'DROP';
  readonly rules: CountedRule[];
  /** Packets and bytes the policy decided. */
  policyPackets: number;
  policyBytes: number;
}

export const FIREWALL = new ServiceKey<Firewall>('firewall');

/** Most rules per chain: a firewall is a handful of rules, not a database. */
export const MAX_RULES_PER_CHAIN = 1000;

export class Firewall {
  readonly chains: Record<ChainName, Chain> = {
    INPUT: { policy: 'ACCEPT', rules: [], policyPackets: 0, policyBytes: 0 },
    FORWARD: { policy: 'ACCEPT', rules: [], policyPackets: 0, policyBytes: 0 },
    OUTPUT: { policy: 'ACCEPT', rules: [], policyPackets: 0, policyBytes: 0 },
  };

  /** The node's firewall, created and attached on first use. */
  static of(ip: Ipv4Stack): Firewall {
    const existing = ip.node.service(FIREWALL);
    if (existing) return existing;
    const fw = new Firewall(ip);
    ip.node.setService(FIREWALL, fw);
    return fw;
  }

  private constructor(private readonly ip: Ipv4Stack) {
    ip.filters.input.push((p, c) => this.check('INPUT', p, c));
    ip.filters.forward.push((p, c) => this.check('FORWARD', p, c));
    ip.filters.output.push((p, c) => this.check('OUTPUT', p, c));
  }

  /** The decision for a packet (the IP bytes) in a chain; counts it, answers REJECTs. */
  check(chain: ChainName, packet: Uint8Array, ctx: FilterContext): FilterVerdict {
    const c = this.chains[chain];
    if (c.rules.length === 0 && c.policy === 'ACCEPT') return 'accept';
    // The IP datagram's own length: the bytes handed over may include Ethernet padding.
    const length =
      packet.length >= 4 ? Math.min(packet.length, (packet[2]! << 8) | packet[3]!) : packet.length;
    for (const r of c.rules) {
      if (!matches(r, packet, ctx)) continue;
      r.packets++;
      r.bytes += length;
      if (r.target === 'ACCEPT') return 'accept';
      if (r.target === 'REJECT' && chain !== 'OUTPUT') {
        this.ip.sendIcmpError(
          'destination-unreachable',
          REJECT_CODES[r.rejectWith ?? 'icmp-port-unreachable'],
          packet,
        );
      }
      return 'drop';
    }
    c.policyPackets++;
    c.policyBytes += length;
    return c.policy === 'ACCEPT' ? 'accept' : 'drop';
  }
}

function matches(r: FirewallRule, p: Uint8Array, ctx: FilterContext): boolean {
  if (p.length < 20) return false;
  const proto = p[9]!;
  if (r.protocol !== undefined && r.protocol !== proto) return false;
  if (r.source && !prefixContains(r.source, readIpv4(p, 12))) return false;
  if (r.destination && !prefixContains(r.destination, readIpv4(p, 16))) return false;
  if (r.inIface !== undefined && ctx.inIface?.name !== r.inIface) return false;
  if (r.outIface !== undefined && ctx.outIface?.name !== r.outIface) return false;
  const hl = (p[0]! & 15) * 4;
  const fragment = ((p[6]! << 8) | p[7]!) & 0x1fff;
  if (r.sourcePort !== undefined || r.destinationPort !== undefined) {
    // Ports live in the first fragment only, as in netfilter without conntrack.
    if (fragment !== 0 || p.length < hl + 4 || (proto !== 6 && proto !== 17)) return false;
    if (r.sourcePort !== undefined && ((p[hl]! << 8) | p[hl + 1]!) !== r.sourcePort) return false;
    if (r.destinationPort !== undefined && ((p[hl + 2]! << 8) | p[hl + 3]!) !== r.destinationPort)
      return false;
  }
  if (r.icmpType !== undefined) {
    if (fragment !== 0 || proto !== 1 || p.length < hl + 1 || p[hl] !== r.icmpType) return false;
  }
  return true;
}
