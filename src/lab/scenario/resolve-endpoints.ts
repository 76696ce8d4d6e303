/**
 * Gives every link endpoint a concrete interface, and checks the links make sense.
 *
 * Rules, applied to the file's links in order (generated links are already concrete):
 * - `node:iface` names that interface. On a host or router that declared interfaces it
 *   must be one of them; on one that declared none, and on switches, hubs and buses, it
 *   is created.
 * - `node` alone takes, on a host or router, the first declared interface no link uses
 *   or names (a host with no declared interfaces gets eth0, then eth1...); on a switch,
 *   hub or bus, the lowest free port p1, p2... that no link names explicitly.
 * - An interface joins at most one link; a link joins two different nodes; two shared
 *   media (hub/bus) cannot be cabled to each other (a hub is not a device with a port).
 *
 * A link that fails gives back what it took, so one mistake is reported once, not again
 * by every later link of the same node.
 */
import { didYouMean } from './did-you-mean.ts';
import { type DraftEndpoint, type DraftLink, type DraftNode, isLayer3, isMedium, kindOf } from './draft.ts';
import type { ProblemList } from './problem.ts';

/** Where each interface got its link: `node:iface` → the link. */
export type InterfaceUse = Map<string, DraftLink>;

export function resolveEndpoints(
  nodes: ReadonlyMap<string, DraftNode>,
  broken: ReadonlySet<string>,
  generated: readonly DraftLink[],
  links: readonly DraftLink[],
  problems: ProblemList,
): { resolved: DraftLink[]; used: InterfaceUse } {
  const used: InterfaceUse = new Map();
  for (const link of generated) for (const e of link.endpoints) used.set(`${e.node}:${e.interface}`, link);
  // Interfaces named explicitly anywhere are never handed out automatically.
  const reserved: InterfaceUse = new Map();
  for (const link of links) {
    for (const e of link.endpoints) {
      const key = `${e.node}:${e.interface}`;
      if (e.interface && !reserved.has(key)) reserved.set(key, link);
    }
  }
  const resolved: DraftLink[] = [];
  for (const link of links) {
    const undo: (() => void)[] = [];
    let ok = true;
    for (const e of link.endpoints) {
      const node = broken.has(e.node) ? undefined : nodes.get(e.node);
      if (!node) {
        if (!broken.has(e.node)) {
          problems.error(
            e.at,
            e.path,
            `link endpoint '${e.node}' names no node${didYouMean(e.node, nodes.keys())}`,
          );
        }
        ok = false;
        continue;
      }
      const assigned = assignInterface(node, e, link, used, reserved, problems);
      if (assigned) undo.push(assigned);
      else ok = false;
    }
    const [a, b] = link.endpoints;
    if (ok && a.node === b.node) {
      problems.error(
        link.at,
        link.path,
        `a link must join two different nodes, but both ends are '${a.node}'`,
      );
      ok = false;
    }
    if (ok) {
      const ka = kindOf(nodes.get(a.node)!);
      const kb = kindOf(nodes.get(b.node)!);
      if (isMedium(ka) && isMedium(kb)) {
        problems.error(
          link.at,
          link.path,
          `cannot cable ${ka} '${a.node}' to ${kb} '${b.node}': both are shared media; join them with a switch, or use one ${ka}`,
        );
        ok = false;
      }
    }
    if (ok) resolved.push(link);
    else for (const u of undo) u();
  }
  return { resolved, used };
}

/** Gives `e` an interface; returns how to take it back, or undefined after reporting. */
function assignInterface(
  node: DraftNode,
  e: DraftEndpoint,
  link: DraftLink,
  used: InterfaceUse,
  reserved: InterfaceUse,
  problems: ProblemList,
): (() => void) | undefined {
  const kind = kindOf(node);
  const given = e.interface;
  let name = given;
  let created = false;
  if (name !== undefined) {
    if (!node.interfaces.some((i) => i.name === given)) {
      if (isLayer3(kind) && !node.autoInterfaces) {
        if (node.incomplete) return undefined;
        const names = node.interfaces.map((i) => i.name);
        problems.error(
          e.at,
          e.path,
          `${kind} '${node.name}' has no interface '${name}'${didYouMean(name, names)}; its interfaces: ${names.join(', ') || 'none'}`,
        );
        return undefined;
      }
      created = true;
    }
    const previous = used.get(`${node.name}:${name}`);
    if (previous) {
      problems.error(
        e.at,
        e.path,
        `interface ${node.name}:${name} is already used by the link at line ${previous.at.line}`,
      );
      return undefined;
    }
  } else if (isLayer3(kind) && !node.autoInterfaces) {
    const free = (n: string) => !used.has(`${node.name}:${n}`) && !reserved.has(`${node.name}:${n}`);
    name = node.interfaces.find((i) => free(i.name))?.name;
    if (name === undefined) {
      if (node.incomplete) return undefined;
      problems.error(e.at, e.path, noFreeInterface(node, used, reserved));
      return undefined;
    }
  } else {
    const prefix = isLayer3(kind) ? 'eth' : 'p';
    const free = (n: string) =>
      !node.interfaces.some((i) => i.name === n) &&
      !reserved.has(`${node.name}:${n}`) &&
      !used.has(`${node.name}:${n}`);
    for (let n = isLayer3(kind) ? 0 : 1; name === undefined; n++)
      if (free(`${prefix}${n}`)) name = `${prefix}${n}`;
    created = true;
  }
  const key = `${node.name}:${name}`;
  if (created) node.interfaces.push({ name, at: e.at, path: e.path });
  used.set(key, link);
  e.interface = name;
  return () => {
    used.delete(key);
    e.interface = given;
    if (created)
      node.interfaces.splice(
        node.interfaces.findIndex((i) => i.name === name),
        1,
      );
  };
}

function noFreeInterface(node: DraftNode, used: InterfaceUse, reserved: InterfaceUse): string {
  const kind = kindOf(node);
  if (node.generated) {
    return `${kind} '${node.name}' was made by generate and has no spare interface; attach extra nodes to a generated switch`;
  }
  const takers = node.interfaces.map((i) => {
    const key = `${node.name}:${i.name}`;
    return { name: i.name, line: (used.get(key) ?? reserved.get(key))!.at.line };
  });
  const why =
    takers.length === 0
      ? 'it declares no interfaces'
      : takers.length === 1
        ? `its only interface ${takers[0]!.name} is taken by the link at line ${takers[0]!.line}`
        : `all its interfaces are taken: ${takers.map((t) => `${t.name} by the link at line ${t.line}`).join(', ')}`;
  return `${kind} '${node.name}' has no free interface for this link: ${why}; declare another under 'interfaces'`;
}
