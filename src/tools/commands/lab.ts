/**
 * Lab commands — what the person running the lab does to the network, not what a node
 * does: `link down A B` / `link up A B` cut and restore the cable between two nodes
 * (`A:IFACE` pins an interface when two nodes share several cables), `node down X` /
 * `node up X` cut and restore a node's power.
 */
import { parseLinkRef } from '../shell/link-ref.ts';
import type { Command } from '../shell/command.ts';

export const link: Command = {
  name: 'link',
  summary: 'cut or restore a cable: link down|up A[:IFACE] B[:IFACE]',
  scope: 'lab',
  async run(argv, ctx) {
    const [state, a, b, ...extra] = argv;
    if ((state !== 'down' && state !== 'up') || a === undefined || b === undefined || extra.length > 0) {
      ctx.err('usage: link down|up NODE[:IFACE] NODE[:IFACE]');
      return 2;
    }
    const ra = parseLinkRef(a);
    const rb = parseLinkRef(b);
    const channel = ctx.network.linkBetween(ra.node, rb.node, ra.interface, rb.interface);
    if (!channel) {
      ctx.err(`link: no single cable between ${a} and ${b}`);
      return 1;
    }
    channel.setUp(state === 'up');
    return 0;
  },
};

export const node: Command = {
  name: 'node',
  summary: 'cut or restore a node’s power: node down|up NAME',
  scope: 'lab',
  async run(argv, ctx) {
    const [state, name, ...extra] = argv;
    if ((state !== 'down' && state !== 'up') || name === undefined || extra.length > 0) {
      ctx.err('usage: node down|up NAME');
      return 2;
    }
    const n = ctx.network.node(name);
    if (!n) {
      ctx.err(`node: no node named ${name}`);
      return 1;
    }
    n.setUp(state === 'up');
    return 0;
  },
};
