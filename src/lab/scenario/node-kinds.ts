/**
 * The node kinds a scenario may name, and the keys each accepts. Adding a kind (server,
 * nat-router, load-balancer...) is a row here, a reader in read-nodes.ts and a member of
 * `NodeSpec`; planned kinds are listed so a file using one gets "not supported yet"
 * instead of "unknown".
 */
export interface NodeKindInfo {
  readonly status: 'supported' | 'planned';
  /** One line for the reference and for messages. */
  readonly summary: string;
  /** Keys besides `kind`. */
  readonly keys: readonly string[];
}

export const NODE_KINDS: Readonly<Record<string, NodeKindInfo>> = {
  host: {
    status: 'supported',
    summary: 'an end system with an IP stack and a shell; does not forward',
    keys: ['ip', 'interfaces', 'gateway', 'routes'],
  },
  router: {
    status: 'supported',
    summary: 'an IPv4 router: forwards between its interfaces, answers traceroute',
    keys: ['ip', 'interfaces', 'routes'],
  },
  switch: {
    status: 'supported',
    summary: 'a learning L2 switch (bridge)',
    keys: ['aging', 'mac_table_size'],
  },
  hub: { status: 'supported', summary: 'a repeater hub: a shared medium', keys: ['rate', 'delay', 'loss'] },
  bus: {
    status: 'supported',
    summary: 'a shared bus cable (drawn as a line)',
    keys: ['rate', 'delay', 'loss'],
  },
  server: { status: 'planned', summary: 'a host running services', keys: [] },
  'nat-router': { status: 'planned', summary: 'a router translating private addresses', keys: [] },
  firewall: { status: 'planned', summary: 'a router filtering packets', keys: [] },
  'load-balancer': { status: 'planned', summary: 'an L4/L7 load balancer', keys: [] },
};

export const SUPPORTED_KINDS: readonly string[] = Object.keys(NODE_KINDS).filter(
  (k) => NODE_KINDS[k]!.status === 'supported',
);
