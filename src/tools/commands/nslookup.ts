/**
 * `nslookup NAME [SERVER]`: BIND 9.18's nslookup in its one-shot form, on a simulated
 * node, asking the servers of the node's resolv.conf or SERVER (see
 * src/tools/dns/nslookup-run.ts and src/tools/format/nslookup.ts).
 */
import type { Command } from '../shell/command.ts';
import { nodeDnsEnvironment, toolDnsIo } from '../dns/node-dns.ts';
import { runNslookup } from '../dns/nslookup-run.ts';

export const nslookup: Command = {
  name: 'nslookup',
  summary: 'query Internet name servers',
  scope: 'node',
  async run(argv, ctx) {
    const io = toolDnsIo(ctx.node!);
    if (!io) {
      ctx.err('nslookup: socket: Address family not supported by protocol');
      return 1;
    }
    return runNslookup(io, argv, nodeDnsEnvironment(ctx));
  },
};
