/**
 * `dig`: BIND 9.18's DNS lookup utility, on a simulated node. Same options and output as
 * the real one (see src/tools/dns/dig-options.ts for what is taken and left out, and
 * src/tools/format/dig.ts for the text): it asks the servers of the node's resolv.conf,
 * or `@server`, over simulated UDP (TCP with +tcp, or after a truncated answer). WHEN is
 * the simulated wall clock (the run starts at midnight of a fixed date, src/sim/time.ts);
 * Query time is simulated too.
 */
import type { Command } from '../shell/command.ts';
import { parseDigCommandLine } from '../dns/dig-options.ts';
import { runDig } from '../dns/dig-run.ts';
import { nodeDnsEnvironment, toolDnsIo } from '../dns/node-dns.ts';

export const dig: Command = {
  name: 'dig',
  summary: 'DNS lookup utility',
  scope: 'node',
  async run(argv, ctx) {
    const cmd = parseDigCommandLine(argv);
    if ('error' in cmd) {
      for (const l of cmd.out) ctx.out(l);
      for (const l of cmd.error) ctx.err(l);
      return cmd.status;
    }
    const io = toolDnsIo(ctx.node!);
    if (!io) {
      ctx.err('dig: socket: Address family not supported by protocol');
      return 10;
    }
    return runDig(io, cmd, nodeDnsEnvironment(ctx));
  },
};
