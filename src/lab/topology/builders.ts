/**
 * The builders by name, with the type of each option, for the scenario file's `generate:`
 * block (the scenario reader converts YAML values by these types; the builders check
 * ranges themselves, so TypeScript callers get the same checks).
 */
import { bus } from './bus.ts';
import { chain } from './chain.ts';
import { mesh } from './mesh.ts';
import { ring } from './ring.ts';
import { star } from './star.ts';
import type { Topology } from './topology.ts';
import { tree } from './tree.ts';

/**
 * integer: a whole number; word: a string; prefix: `10.0.0.0/24`; pairs: a list of
 * two-number lists; medium: a map of rate, delay, loss.
 */
export type BuilderOptionType = 'integer' | 'word' | 'prefix' | 'pairs' | 'medium';

export interface BuilderInfo {
  readonly kind: string;
  readonly options: Readonly<Record<string, BuilderOptionType>>;
  // biome-ignore lint/suspicious/noExplicitAny: options are checked against `options` before the call
  readonly build: (options: any) => Topology;
}

export const BUILDERS: Readonly<Record<string, BuilderInfo>> = {
  bus: { kind: 'bus', options: { hosts: 'integer', subnet: 'prefix', medium: 'medium' }, build: bus },
  star: {
    kind: 'star',
    options: { hosts: 'integer', centre: 'word', subnet: 'prefix', medium: 'medium' },
    build: star,
  },
  ring: { kind: 'ring', options: { routers: 'integer', hosts: 'integer' }, build: ring },
  mesh: {
    kind: 'mesh',
    options: { routers: 'integer', hosts: 'integer', degree: 'integer', edges: 'pairs' },
    build: mesh,
  },
  tree: {
    kind: 'tree',
    options: { depth: 'integer', fanout: 'integer', inner: 'word', hosts: 'integer', subnet: 'prefix' },
    build: tree,
  },
  chain: { kind: 'chain', options: { routers: 'integer' }, build: chain },
};
