/**
 * Checks that look at the shape of the cabling: L2 segments (everything joined through
 * switches, hubs and buses) and loops in them. All warnings — a scenario may show a
 * broadcast storm or a misconfigured subnet on purpose:
 * - a loop of switches/hubs/buses (no spanning tree: a broadcast storm);
 * - two addressed interfaces on one segment in different subnets;
 * - a gateway owned by an interface on a different segment;
 * - a node with no links, an addressed interface with no link.
 */
import { formatIpv4Address, formatIpv4Prefix, prefixContains } from '../../internet/ipv4-address.ts';
import { type DraftInterface, type DraftLink, type DraftNode, isLayer3, kindOf } from './draft.ts';
import type { ProblemList } from './problem.ts';
import type { InterfaceUse } from './resolve-endpoints.ts';

export function checkSegments(
  nodes: ReadonlyMap<string, DraftNode>,
  links: readonly DraftLink[],
  used: InterfaceUse,
  problems: ProblemList,
): void {
  warnLoops(nodes, links, problems);
  // The rest would mostly echo errors already reported (a link that failed leaves its
  // nodes "unlinked"), so it waits until the file has none.
  if (problems.hasErrors) return;
  const segments = new UnionFind();
  for (const link of links) {
    const [a, b] = link.endpoints;
    segments.union(`${a.node}:${a.interface}`, `${b.node}:${b.interface}`);
  }
  for (const node of nodes.values()) {
    if (isLayer3(kindOf(node))) continue;
    const first = node.interfaces[0];
    for (const i of node.interfaces)
      if (first) segments.union(`${node.name}:${first.name}`, `${node.name}:${i.name}`);
  }
  warnSubnetMismatch(nodes, segments, problems);
  warnGatewayElsewhere(nodes, segments, problems);
  warnUnused(nodes, links, used, problems);
}

function warnUnused(
  nodes: ReadonlyMap<string, DraftNode>,
  links: readonly DraftLink[],
  used: InterfaceUse,
  problems: ProblemList,
): void {
  const linked = new Set(links.flatMap((l) => l.endpoints.map((e) => e.node)));
  for (const node of nodes.values()) {
    if (!linked.has(node.name)) {
      problems.warning(node.at, node.path, `node '${node.name}' has no links`);
      continue;
    }
    for (const iface of node.interfaces) {
      if (iface.address && !used.has(`${node.name}:${iface.name}`)) {
        problems.warning(
          iface.at,
          iface.path,
          `interface ${node.name}:${iface.name} has an address but no link, so ${formatIpv4Prefix(iface.address)} is unreachable`,
        );
      }
    }
  }
}

function warnLoops(
  nodes: ReadonlyMap<string, DraftNode>,
  links: readonly DraftLink[],
  problems: ProblemList,
): void {
  const forest = new UnionFind();
  const tree = new Map<string, string[]>();
  for (const link of links) {
    const [a, b] = link.endpoints;
    const na = nodes.get(a.node)!;
    const nb = nodes.get(b.node)!;
    if (isLayer3(kindOf(na)) || isLayer3(kindOf(nb))) continue;
    if (forest.find(a.node) !== forest.find(b.node)) {
      forest.union(a.node, b.node);
      tree.set(a.node, [...(tree.get(a.node) ?? []), b.node]);
      tree.set(b.node, [...(tree.get(b.node) ?? []), a.node]);
      continue;
    }
    const loop = pathBetween(tree, a.node, b.node);
    problems.warning(
      link.at,
      link.path,
      `this link closes a loop ${[...loop, loop[0]].join(' – ')} and switches here run no spanning tree: a broadcast (an ARP request) will circulate forever, a broadcast storm; remove a link to break the loop`,
    );
  }
}

/** The path from `from` to `to` in a forest (both in the same tree). */
function pathBetween(tree: ReadonlyMap<string, string[]>, from: string, to: string): string[] {
  const previous = new Map<string, string>([[from, from]]);
  const queue = [from];
  for (let i = 0; i < queue.length && !previous.has(to); i++) {
    for (const next of tree.get(queue[i]!) ?? []) {
      if (!previous.has(next)) {
        previous.set(next, queue[i]!);
        queue.push(next);
      }
    }
  }
  const path = [to];
  while (path[path.length - 1] !== from) path.push(previous.get(path[path.length - 1]!)!);
  return path.reverse();
}

function warnSubnetMismatch(
  nodes: ReadonlyMap<string, DraftNode>,
  segments: UnionFind,
  problems: ProblemList,
): void {
  const first = new Map<string, { node: DraftNode; iface: DraftInterface }>();
  const reported = new Set<string>();
  for (const node of nodes.values()) {
    for (const iface of node.interfaces) {
      if (!iface.address) continue;
      const segment = segments.find(`${node.name}:${iface.name}`);
      const ref = first.get(segment);
      if (!ref) {
        first.set(segment, { node, iface });
        continue;
      }
      const a = ref.iface.address!;
      const b = iface.address;
      if (prefixContains(a, b.address) && prefixContains(b, a.address)) continue;
      const key = `${segment}/${formatIpv4Prefix(b)}`;
      if (reported.has(key)) continue;
      reported.add(key);
      problems.warning(
        iface.at,
        iface.path,
        `${node.name}:${iface.name} (${formatIpv4Prefix(b)}) shares a LAN with ${ref.node.name}:${ref.iface.name} (${formatIpv4Prefix(a)}) but not a subnet; they cannot talk without a router`,
      );
    }
  }
}

function warnGatewayElsewhere(
  nodes: ReadonlyMap<string, DraftNode>,
  segments: UnionFind,
  problems: ProblemList,
): void {
  const owner = new Map<number, string>();
  for (const node of nodes.values()) {
    for (const i of node.interfaces) if (i.address) owner.set(i.address.address, `${node.name}:${i.name}`);
  }
  for (const node of nodes.values()) {
    const gw = node.gateway;
    if (!gw) continue;
    const gwIface = owner.get(gw.value);
    const local = node.interfaces.find((i) => i.address && prefixContains(i.address, gw.value));
    if (!gwIface || !local) continue; // reported by check-addresses
    if (segments.find(gwIface) !== segments.find(`${node.name}:${local.name}`)) {
      problems.warning(
        gw.at,
        gw.path,
        `gateway ${formatIpv4Address(gw.value)} is ${gwIface}, which is not on the same LAN as ${node.name}:${local.name}`,
      );
    }
  }
}

class UnionFind {
  private readonly parent = new Map<string, string>();

  find(x: string): string {
    let root = x;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    while (x !== root) {
      const next = this.parent.get(x) ?? root;
      this.parent.set(x, root);
      x = next;
    }
    return root;
  }

  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}
