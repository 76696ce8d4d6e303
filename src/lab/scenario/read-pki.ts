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
 *     clients:                        # client certificates for mutual TLS (RFC 8446 §4.4.2)
 *       - name: alice                 # subject CN=alice; `curl --cert alice` (or `browser --cert alice`) on the node
 *         node: laptop                # who holds the certificate and its key
 *         issuer: Shady Private CA    # optional: default the lab's issuing CA
 *         valid_from: -100d           # optional, as web[].tls (default 0)
 *         valid_for: 90d              # optional: default 90d
 *         key: ec                     # optional: ec (default) or rsa
 *
 * A client certificate is what a CA issues a person or a device: extendedKeyUsage
 * clientAuth only and no subjectAltName. A web server with `client_auth` accepts the
 * ones its `client_ca` issued.
 */
import { didYouMean } from './did-you-mean.ts';
import type { DraftNode } from './draft.ts';
import { isLayer3, kindOf } from './draft.ts';
import type { ProblemList } from './problem.ts';
import { readChoice, readMap, readString } from './read-values.ts';
import { readCaName, readValidity } from './read-tls.ts';
import type { PkiCaSpec, PkiClientSpec, PkiSpec } from './spec.ts';
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

/** Most client certificates of one scenario. */
export const MAX_CLIENT_CERTIFICATES = 100;

const PKI_KEYS = ['cas', 'clients'] as const;
const CA_KEYS = ['name', 'trusted_by'] as const;
const CLIENT_KEYS = ['name', 'node', 'issuer', 'valid_from', 'valid_for', 'key'] as const;
/** A client certificate's name is a shell word: `curl --cert NAME`. */
const CLIENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

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
  const clients: PkiClientSpec[] = [];
  const clientsEntry = keys.get('clients');
  if (clientsEntry) {
    const list = clientsEntry.value;
    if (list.kind !== 'seq') {
      problems.error(
        list.pos,
        'pki.clients',
        `clients must be a list of client certificates such as [{name: alice, node: laptop}], got ${describe(list)}`,
      );
    } else if (list.items.length > MAX_CLIENT_CERTIFICATES) {
      problems.error(
        list.pos,
        'pki.clients',
        `clients has ${list.items.length} certificates; the limit is ${MAX_CLIENT_CERTIFICATES}`,
      );
    } else {
      const caNames = cas.map((c) => c.name);
      list.items.forEach((item, i) => {
        const path = `pki.clients[${i}]`;
        const client = readClient(item, path, nodes, caNames, problems);
        if (!client) return;
        const twin = clients.find((c) => c.name === client.spec.name && c.node === client.spec.node);
        if (twin) {
          problems.error(
            client.at,
            `${path}.name`,
            `name: ${client.spec.node} already holds a client certificate named '${twin.name}'; give each its own name`,
          );
          return;
        }
        clients.push(client.spec);
      });
    }
  }
  if (problems.errorCount > errorsBefore) return undefined;
  return clients.length > 0 ? { cas, clients } : { cas };
}

function readClient(
  item: TreeNode,
  path: string,
  nodes: ReadonlyMap<string, DraftNode>,
  scenarioCas: readonly string[],
  problems: ProblemList,
): { spec: PkiClientSpec; at: TreeNode['pos'] } | undefined {
  const keys = readMap(item, path, 'a client certificate', CLIENT_KEYS, problems);
  if (!keys) return undefined;
  const errorsBefore = problems.errorCount;
  const nameEntry = keys.get('name');
  const nodeEntry = keys.get('node');
  if (!nameEntry)
    problems.error(
      item.pos,
      path,
      "a client certificate needs 'name': its subject's common name, such as alice",
    );
  if (!nodeEntry)
    problems.error(
      item.pos,
      path,
      "a client certificate needs 'node': the host that holds it, such as laptop",
    );
  const name = nameEntry ? readString(nameEntry.value, `${path}.name`, problems) : undefined;
  if (name !== undefined && !CLIENT_NAME.test(name))
    problems.error(
      nameEntry!.value.pos,
      `${path}.name`,
      `name: '${name}' must be one shell word (letters, digits, '.', '_', '@', '-'; at most 64), since curl --cert names it`,
    );
  const node = nodeEntry ? readString(nodeEntry.value, `${path}.node`, problems) : undefined;
  if (node !== undefined) {
    const draft = nodes.get(node);
    if (!draft)
      problems.error(
        nodeEntry!.value.pos,
        `${path}.node`,
        `node: no node named '${node}'${didYouMean(node, nodes.keys())}`,
      );
    else if (!isLayer3(kindOf(draft)))
      problems.error(
        nodeEntry!.value.pos,
        `${path}.node`,
        `node: ${node} is a ${kindOf(draft)}; only hosts and routers speak TLS`,
      );
  }
  const issuerEntry = keys.get('issuer');
  const issuer = issuerEntry
    ? readCaName(issuerEntry.value, `${path}.issuer`, scenarioCas, problems)
    : undefined;
  const validity = readValidity(keys, path, problems);
  const keyEntry = keys.get('key');
  const key = keyEntry ? readChoice(keyEntry.value, `${path}.key`, problems, ['ec', 'rsa'] as const) : 'ec';
  if (
    problems.errorCount > errorsBefore ||
    name === undefined ||
    node === undefined ||
    validity === undefined ||
    key === undefined
  )
    return undefined;
  return {
    spec: {
      name,
      node,
      ...(issuer !== undefined && issuer !== LAB_CA_NAMES[0] ? { issuer } : {}),
      ...validity,
      key,
    },
    at: nameEntry!.value.pos,
  };
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
