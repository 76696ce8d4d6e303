/**
 * `ss` (iproute2 6.1): socket statistics, the modern netstat.
 *
 *   ss -tan    every TCP socket     ss -uan   every UDP socket     ss -tuan   both, with Netid
 *   ss -tln    TCP listeners        ss -t     TCP connections (not TIME-WAIT, not SYN-RECV)
 *
 * Output is laid out as ss lays it out when not writing to a terminal. For a listener
 * Recv-Q is the accept queue and Send-Q the backlog. Numeric always (-n changes nothing).
 * Left out: filters (`state ...`, `dport = ...`), -i, -m, -e, -p, -s, UNIX and raw sockets.
 */
import { ssLines } from '../format/netstat.ts';
import { SOCKET_OPTIONS, selectSocketRows } from '../netstat-rows.ts';
import type { Command } from '../shell/command.ts';
import { parseOptions } from '../shell/options.ts';

const SPEC = {
  program: 'ss',
  options: {
    ...SOCKET_OPTIONS,
  },
} as const;

export const ss: Command = {
  name: 'ss',
  summary: 'socket statistics (TCP and UDP sockets)',
  scope: 'node',
  async run(argv, ctx) {
    const parsed = parseOptions(argv, SPEC);
    if ('error' in parsed) {
      ctx.err(parsed.error);
      return 1;
    }
    if (!ctx.node) {
      ctx.err('ss: no node');
      return 1;
    }
    const o = parsed.options;
    const { rows, which, both } = selectSocketRows(ctx.node, o);
    for (const line of ssLines(rows, which, both || (o.tcp === true && o.udp === true))) ctx.out(line);
    return 0;
  },
};
