/**
 * The rows of `netstat` and `ss` for one node: its TCP listeners and connections (TIME-WAIT
 * included, until it expires) and its UDP sockets, with the queue sizes the kernel would
 * report in /proc/net/tcp and /proc/net/udp; and the flags both tools read the same way
 * to choose among them.
 */
import { formatIpv4Address } from '../internet/ipv4-address.ts';
import type { Node } from '../link/node.ts';
import { TCP } from '../transport/tcp/tcp-layer.ts';
import { UDP } from '../transport/udp/udp-layer.ts';
import type { SocketRow, SocketSelection } from './format/netstat.ts';

const ANY = { address: '0.0.0.0', port: 0 } as const;

/** TCP listeners (by port), TCP connections (oldest first), then UDP sockets (by port). */
export function socketRows(node: Node): SocketRow[] {
  const rows: SocketRow[] = [];
  const tcp = node.service(TCP);
  if (tcp) {
    for (const l of tcp.listeners()) {
      rows.push({
        proto: 'tcp',
        state: 'LISTEN',
        recvQ: l.pending,
        sendQ: 0,
        backlog: l.backlog,
        local: l.local,
        foreign: ANY,
      });
    }
    for (const s of tcp.connections()) {
      rows.push({
        proto: 'tcp',
        state: s.state,
        recvQ: s.receiveQueue,
        sendQ: s.sendQueue,
        local: s.local,
        foreign: s.remote,
      });
    }
  }
  const udp = node.service(UDP);
  if (udp) {
    const sockets = [...udp.list()].sort((a, b) => a.localPort - b.localPort);
    for (const u of sockets) {
      rows.push({
        proto: 'udp',
        state: 'UNCONN',
        recvQ: u.pending.bytes,
        sendQ: 0,
        local: { address: formatIpv4Address(u.localAddress), port: u.localPort },
        foreign: ANY,
      });
    }
  }
  return rows;
}

/** The flags netstat and ss share, with the same letters and meaning (-a -l -n -t -u). */
export const SOCKET_OPTIONS = {
  all: { short: 'a', long: 'all' },
  listening: { short: 'l', long: 'listening' },
  numeric: { short: 'n', long: 'numeric' },
  tcp: { short: 't', long: 'tcp' },
  udp: { short: 'u', long: 'udp' },
} as const;

/** The shared flags as parsed: only those given are set. */
export interface SocketFlags {
  readonly all?: boolean;
  readonly listening?: boolean;
  readonly tcp?: boolean;
  readonly udp?: boolean;
}

/**
 * The rows the flags choose, as both tools choose them: -a every socket, -l listeners only,
 * neither the connected ones; -t and -u one protocol each, neither (`both`) TCP and UDP.
 */
export function selectSocketRows(
  node: Node,
  o: SocketFlags,
): { rows: SocketRow[]; which: SocketSelection; both: boolean } {
  const which: SocketSelection = o.all ? 'all' : o.listening ? 'listening' : 'connected';
  const both = !o.tcp && !o.udp;
  const rows = socketRows(node).filter((r) => both || (r.proto === 'tcp' ? o.tcp : o.udp));
  return { rows, which, both };
}
