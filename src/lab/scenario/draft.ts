/**
 * The scenario while it is being read: nodes and links with the source positions every
 * later check needs to point at. `parseScenario` turns drafts into the plain `ScenarioSpec`
 * once everything is resolved.
 */
import type { Ipv4Prefix } from '../../internet/ipv4-address.ts';
import type { Position } from './problem.ts';
import type { LinkSpec, NodeSpec, SharedMediumSpec, SwitchSpec } from './spec.ts';

/** A value and where it was written. */
export interface Located<T> {
  readonly value: T;
  readonly at: Position;
  readonly path: string;
}

export interface DraftInterface {
  readonly name: string;
  readonly address?: Ipv4Prefix;
  readonly at: Position;
  readonly path: string;
}

export interface DraftRoute {
  readonly to: Located<Ipv4Prefix>;
  readonly via: Located<number>;
}

/** Fields only some kinds have, already resolved. */
export type KindFields =
  | { readonly kind: 'host' | 'router' }
  | Omit<SwitchSpec, 'name' | 'interfaces'>
  | Omit<SharedMediumSpec, 'name' | 'interfaces'>;

export interface DraftNode {
  readonly name: string;
  readonly fields: KindFields;
  /** Where the node is declared (its name key), or the `generate:` block. */
  readonly at: Position;
  readonly path: string;
  /** Made by `generate:`; its links and interfaces are fixed. */
  readonly generated: boolean;
  /** Grows as links name or auto-name interfaces. */
  readonly interfaces: DraftInterface[];
  /** A host or router that declared no interfaces: links create eth0, eth1... */
  readonly autoInterfaces: boolean;
  /** Some declared interface could not be read (already reported): don't pile on. */
  readonly incomplete?: boolean;
  readonly gateway?: Located<number>;
  readonly routes: readonly DraftRoute[];
}

export type NodeKindName = NodeSpec['kind'];

export function kindOf(node: DraftNode): NodeKindName {
  return node.fields.kind;
}

/** Hosts and routers: addressed interfaces, named eth<n>. */
export function isLayer3(kind: NodeKindName): boolean {
  return kind === 'host' || kind === 'router';
}

/** Hubs and buses: a shared medium, not a device. */
export function isMedium(kind: NodeKindName): boolean {
  return kind === 'hub' || kind === 'bus';
}

export interface DraftEndpoint {
  readonly node: string;
  /** Absent until resolved when the file left it out. */
  interface?: string;
  readonly at: Position;
  readonly path: string;
}

export interface DraftLink {
  readonly endpoints: readonly [DraftEndpoint, DraftEndpoint];
  readonly at: Position;
  readonly path: string;
  /** Set for generated links (already complete) and once an explicit link is resolved. */
  spec?: LinkSpec;
}
