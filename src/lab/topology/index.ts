/**
 * Topology builders: pure functions that lay out a classic network shape — bus, star,
 * ring, mesh, tree, chain — as `ScenarioSpec` nodes and links, with deterministic names
 * and address plans (documented in each file and in docs/scenario-format.md). Used by a
 * scenario file's `generate:` block and by TypeScript callers.
 */
export {
  chainLinkAddresses,
  lanHostAddress,
  MAX_PLANNED_ROUTERS,
  nthHostAddress,
  routerLanAddress,
  routerLinkAddresses,
} from './address-plan.ts';
export { BUILDERS, type BuilderInfo, type BuilderOptionType } from './builders.ts';
export { type BusOptions, bus } from './bus.ts';
export { type ChainOptions, chain } from './chain.ts';
export { type MeshOptions, mesh, meshEdges } from './mesh.ts';
export { type RingOptions, ring } from './ring.ts';
export { type StarCentre, type StarOptions, star } from './star.ts';
export type { CommonOptions, MediumParams, Topology } from './topology.ts';
export { type TreeInner, type TreeOptions, tree } from './tree.ts';
