/**
 * Checks the IPv4 plan of a resolved scenario: every interface address is assignable and
 * unique, every gateway and next hop is on a directly connected subnet, static routes
 * name networks. Errors stop the scenario; oddities that can be deliberate (a gateway no
 * node owns, overlapping subnets on one node) are warnings.
 */
import {
  formatIpv4Address,
  formatIpv4Prefix,
  type Ipv4Prefix,
  prefixContains,
  prefixMask,
  networkOf,
} from '../../internet/ipv4-address.ts';
import type { DraftInterface, DraftNode, Located } from './draft.ts';
import type { ProblemList } from './problem.ts';

export function checkAddresses(nodes: readonly DraftNode[], problems: ProblemList): void {
  const owners = new Map<number, { node: DraftNode; iface: DraftInterface }>();
  for (const node of nodes) {
    for (const iface of node.interfaces) {
      if (!iface.address) continue;
      if (!checkAssignable(iface.address, iface, problems)) continue;
      const owner = owners.get(iface.address.address);
      if (owner) {
        problems.error(
          iface.at,
          iface.path,
          `address ${formatIpv4Address(iface.address.address)} is already used by ${owner.node.name}:${owner.iface.name} (line ${owner.iface.at.line})`,
        );
      } else {
        owners.set(iface.address.address, { node, iface });
      }
    }
    warnOverlaps(node, problems);
  }
  for (const node of nodes) {
    const subnets = node.interfaces.filter((i) => i.address !== undefined).map((i) => i.address!);
    if (node.gateway) checkNextHop(node, node.gateway, 'gateway', subnets, owners, problems);
    const seen = new Map<string, Located<Ipv4Prefix>>();
    for (const route of node.routes) {
      const to = route.to.value;
      const network = networkOf(to);
      const label = to.length === 0 ? 'default' : formatIpv4Prefix(to);
      if (network !== to.address) {
        const fixed = formatIpv4Prefix({ address: network, length: to.length });
        problems.error(
          route.to.at,
          route.to.path,
          `route to ${label} has host bits set; did you mean ${fixed}?`,
        );
        continue;
      }
      const key = `${network}/${to.length}`;
      const earlier = seen.get(key);
      if (earlier) {
        problems.error(
          route.to.at,
          route.to.path,
          `a route to ${label} is already given at line ${earlier.at.line}`,
        );
        continue;
      }
      seen.set(key, route.to);
      if (to.length === 0 && node.gateway) {
        problems.error(
          route.to.at,
          route.to.path,
          `${node.name} has both a gateway (line ${node.gateway.at.line}) and a default route; keep one`,
        );
        continue;
      }
      checkNextHop(node, route.via, 'route via', subnets, owners, problems);
    }
  }
}

/** Reports addresses no interface may have; true when the address is fine. */
function checkAssignable(p: Ipv4Prefix, iface: DraftInterface, problems: ProblemList): boolean {
  const text = formatIpv4Prefix(p);
  const first = p.address >>> 24;
  let why: string | undefined;
  if (p.length === 0)
    why = 'a /0 prefix would put every address on this link; use the subnet length, e.g. /24';
  else if (first === 0) why = '0.0.0.0/8 means "this network" and cannot be assigned';
  else if (first === 127) why = '127.0.0.0/8 is the loopback network and cannot be assigned to an interface';
  else if (first >= 224 && first < 240) why = 'it is a multicast address (224.0.0.0/4)';
  else if (first >= 240) why = 'it is in the reserved range 240.0.0.0/4';
  else if (p.length <= 30) {
    const host = p.address & ~prefixMask(p.length);
    const allOnes = ~prefixMask(p.length) >>> 0;
    const example = formatIpv4Prefix({ address: networkOf(p) + 1, length: p.length });
    if (host === 0)
      why = `it is the network address of its subnet; a host needs one inside it, e.g. ${example}`;
    else if (host >>> 0 === allOnes)
      why = `it is the broadcast address of its subnet; use another, e.g. ${example}`;
  }
  if (why === undefined) return true;
  problems.error(iface.at, iface.path, `${text} cannot be an interface address: ${why}`);
  return false;
}

function checkNextHop(
  node: DraftNode,
  hop: Located<number>,
  what: 'gateway' | 'route via',
  subnets: readonly Ipv4Prefix[],
  owners: ReadonlyMap<number, { node: DraftNode; iface: DraftInterface }>,
  problems: ProblemList,
): void {
  const text = formatIpv4Address(hop.value);
  if (subnets.length === 0) {
    problems.error(
      hop.at,
      hop.path,
      `${what} ${text}: ${node.name} has no address on any interface to reach it from`,
    );
    return;
  }
  if (!subnets.some((s) => prefixContains(s, hop.value))) {
    problems.error(
      hop.at,
      hop.path,
      `${what} ${text} is not inside any of ${node.name}'s subnets (${subnets.map(formatIpv4Prefix).join(', ')}); a next hop must be on a directly connected network`,
    );
    return;
  }
  const owner = owners.get(hop.value);
  if (owner?.node === node) {
    problems.error(hop.at, hop.path, `${what} ${text} is ${node.name}'s own address`);
  } else if (!owner) {
    problems.warning(hop.at, hop.path, `${what} ${text} is not the address of any node`);
  }
}

function warnOverlaps(node: DraftNode, problems: ProblemList): void {
  const addressed = node.interfaces.filter((i) => i.address !== undefined);
  for (let i = 0; i < addressed.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = addressed[j]!;
      const b = addressed[i]!;
      const shorter = a.address!.length <= b.address!.length ? a.address! : b.address!;
      const other = shorter === a.address ? b.address! : a.address!;
      if (prefixContains(shorter, other.address)) {
        problems.warning(
          b.at,
          b.path,
          `${node.name}:${b.name} (${formatIpv4Prefix(b.address!)}) overlaps ${node.name}:${a.name} (${formatIpv4Prefix(a.address!)}); routing between them is ambiguous`,
        );
      }
    }
  }
}
