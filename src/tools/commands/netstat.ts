/**
 * `netstat` (net-tools 2.10): the node's Internet sockets.
 *
 *   netstat -an     every TCP and UDP socket, numeric     netstat -tan / -uan   one protocol
 *   netstat -ln     only servers (listeners, unbound UDP) netstat -n            connected only
 *
 * Addresses are always printed as numbers (netlab's tools do not resolve here), so -n
 * changes nothing. TIME_WAIT connections are listed until their 2 MSL timer expires.
 * Left out: the UNIX-domain section of -a, -p, -e, -o, -r, -i and -s.
 */
import { netstatLines } from '../format/netstat.ts';
import { SOCKET_OPTIONS, selectSocketRows } from '../netstat-rows.ts';
import type { Command } from '../shell/command.ts';
import { parseOptions } from '../shell/options.ts';

const SPEC = {
  program: 'netstat',
  options: {
    ...SOCKET_OPTIONS,
    wide: { short: 'W', long: 'wide' },
  },
} as const;

export const netstat: Command = {
  name: 'netstat',
  summary: 'list network connections and listening sockets',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      ctx.err('usage: netstat [-antuWl]');
      return 1;
    }
    if (!ctx.node) {
      ctx.err('netstat: no node');
      return 1;
    }
    const { rows, which } = selectSocketRows(ctx.node, parsed.options);
    for (const line of netstatLines(rows, which)) ctx.out(line);
    return 0;
  },
};
