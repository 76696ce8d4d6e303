/**
 * The rows of `netstat` and `ss` for one node: its TCP listeners and connections (TIME-WAIT
 * included, until it expires) and its UDP sockets, with the queue sizes the kernel would
 * report in /proc/net/tcp and /proc/net/udp.
 */
import { formatIpv4Address } from '../internet/ipv4-address.ts';
import type { Node } from '../link/node.ts';
import { TCP } from '../transport/tcp/tcp-layer.ts';
import { UDP } from '../transport/udp/udp-layer.ts';
import type { SocketRow } from './format/netstat.ts';

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
