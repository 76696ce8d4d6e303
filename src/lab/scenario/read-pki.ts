/**
 * Reads the top-level `pki:` section: certificate authorities of the scenario's own,
 * beside the simulated Internet's (the Netlab roots every host trusts and the issuing CA
 * that signs web servers' certificates by default). A CA listed here is a root that no
 * trust store holds unless `trusted_by` names the node: what a private company CA, or an
 * attacker's, looks like to a browser.
 *
 *   pki:
 *     cas:
 *       - name: Shady Private CA      # its common name; web[].tls.issuer refers to it
 *         trusted_by: [laptop]        # optional: nodes that trust it (default: none)
 */
import { didYouMean } from './did-you-mean.ts';
import type { DraftNode } from './draft.ts';
import { isLayer3, kindOf } from './draft.ts';
import type { ProblemList } from './problem.ts';
import { readMap, readString } from './read-values.ts';
import type { PkiCaSpec, PkiSpec } from './spec.ts';
import { describe, type TreeNode } from './yaml-tree.ts';

/** The simulated Internet's CAs (src/application/pki/web-pki.ts), by common name. */
export const LAB_CA_NAMES = [
  'Netlab TLS Issuing CA 1',
  'Netlab Root CA',
  'Simulated Global Trust Root R2',
  'Netlab Legacy Root',
] as const;

/** Most CAs of one scenario. */
export const MAX_CAS = 20;

const PKI_KEYS = ['cas'] as const;
const CA_KEYS = ['name', 'trusted_by'] as const;

export function readPki(
  tree: TreeNode,
  nodes: ReadonlyMap<string, DraftNode>,
  problems: ProblemList,
): PkiSpec | undefined {
  const keys = readMap(tree, 'pki', 'pki', PKI_KEYS, problems);
  if (!keys) return undefined;
  const errorsBefore = problems.errorCount;
  const cas: PkiCaSpec[] = [];
  const casEntry = keys.get('cas');
  if (casEntry) {
    const list = casEntry.value;
    if (list.kind !== 'seq') {
      problems.error(
        list.pos,
        'pki.cas',
        `cas must be a list of CAs such as [{name: Shady Private CA}], got ${describe(list)}`,
      );
    } else if (list.items.length > MAX_CAS) {
      problems.error(list.pos, 'pki.cas', `cas has ${list.items.length} CAs; the limit is ${MAX_CAS}`);
    } else {
      list.items.forEach((item, i) => {
        const path = `pki.cas[${i}]`;
        const ca = readCa(item, path, nodes, problems);
        if (!ca) return;
        const taken = [...LAB_CA_NAMES, ...cas.map((c) => c.name)];
        if (taken.includes(ca.spec.name)) {
          problems.error(
            ca.at,
            `${path}.name`,
            `name: '${ca.spec.name}' is already a CA of ${LAB_CA_NAMES.includes(ca.spec.name as never) ? 'the lab' : 'this scenario'}; give each CA its own name`,
          );
          return;
        }
        cas.push(ca.spec);
      });
    }
  }
  return problems.errorCount > errorsBefore ? undefined : { cas };
}

function readCa(
  item: TreeNode,
  path: string,
  nodes: ReadonlyMap<string, DraftNode>,
  problems: ProblemList,
): { spec: PkiCaSpec; at: TreeNode['pos'] } | undefined {
  const keys = readMap(item, path, 'a CA', CA_KEYS, problems);
  if (!keys) return undefined;
  const nameEntry = keys.get('name');
  if (!nameEntry) {
    problems.error(item.pos, path, "a CA needs 'name': its common name, such as Shady Private CA");
    return undefined;
  }
  const name = readString(nameEntry.value, `${path}.name`, problems);
  if (name === undefined) return undefined;
  if (name.trim() === '' || name.length > 64) {
    problems.error(nameEntry.value.pos, `${path}.name`, 'name: a common name has 1 to 64 characters');
    return undefined;
  }
  const trustedBy: string[] = [];
  const trustEntry = keys.get('trusted_by');
  if (trustEntry) {
    const v = trustEntry.value;
    if (v.kind !== 'seq') {
      problems.error(v.pos, `${path}.trusted_by`, `trusted_by: expected a list of nodes, got ${describe(v)}`);
      return undefined;
    }
    for (const n of v.items) {
      const node = n.kind === 'scalar' ? String(n.value ?? '') : '';
      const draft = nodes.get(node);
      if (!draft) {
        problems.error(
          n.pos,
          `${path}.trusted_by`,
          `trusted_by: no node named '${node}'${didYouMean(node, nodes.keys())}`,
        );
        continue;
      }
      if (!isLayer3(kindOf(draft))) {
        problems.error(
          n.pos,
          `${path}.trusted_by`,
          `trusted_by: ${node} is a ${kindOf(draft)}; only hosts and routers speak TLS`,
        );
        continue;
      }
      if (!trustedBy.includes(node)) trustedBy.push(node);
    }
  }
  return { spec: { name, trustedBy }, at: nameEntry.value.pos };
}
