/**
 * Test support: a Network straight from a topology builder (star, bus, chain...), with
 * the scenario fields a test has no use for left neutral: static routing, no script, no
 * descriptions, ten minutes of simulated time.
 */
import { SECOND } from '../../sim/time.ts';
import { Network } from '../network.ts';
import type { Topology } from './topology.ts';

export function topologyNetwork(topology: Topology, options: { readonly seed: number }): Network {
  return new Network({
    name: 'test',
    description: '',
    descriptionKo: '',
    seed: options.seed,
    duration: 600 * SECOND,
    routing: 'static',
    convergence: 0,
    nodes: topology.nodes,
    links: topology.links,
    script: [],
  });
}
