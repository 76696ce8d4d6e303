/**
 * `host NAME [SERVER]`: BIND 9.18's host in its everyday form, on a simulated node (see
 * src/tools/dns/host-run.ts and src/tools/format/host.ts).
 */
import type { Command } from '../shell/command.ts';
import { runHost } from '../dns/host-run.ts';
import { nodeDnsEnvironment, toolDnsIo } from '../dns/node-dns.ts';

export const host: Command = {
  name: 'host',
  summary: 'DNS lookup utility',
  scope: 'node',
  async run(argv, ctx) {
    const io = toolDnsIo(ctx.node!);
    if (!io) {
      ctx.err('host: socket: Address family not supported by protocol');
      return 1;
    }
    return runHost(io, argv, nodeDnsEnvironment(ctx));
  },
};
