/**
 * Fixtures: the output of the real programs (net-tools 2.10 `netstat -an`, iproute2 6.1.0
 * `ss -tan` / `ss -uan` / `ss -tuan`, piped, on Debian 12) for three TCP sockets and one
 * UDP socket opened by a Node script on 127.0.0.1: a listener on 45001 with backlog 7, a
 * connection to it with 1234 unread bytes on the server side, and UDP 0.0.0.0:45002.
 */
import { describe, expect, it } from 'vitest';
import { netstatLines, type SocketRow, ssLines } from './netstat.ts';

const ROWS: SocketRow[] = [
  {
    proto: 'tcp',
    state: 'LISTEN',
    recvQ: 0,
    sendQ: 0,
    backlog: 7,
    local: { address: '127.0.0.1', port: 45001 },
    foreign: { address: '0.0.0.0', port: 0 },
  },
  {
    proto: 'tcp',
    state: 'ESTABLISHED',
    recvQ: 1234,
    sendQ: 0,
    local: { address: '127.0.0.1', port: 45001 },
    foreign: { address: '127.0.0.1', port: 55226 },
  },
  {
    proto: 'tcp',
    state: 'ESTABLISHED',
    recvQ: 0,
    sendQ: 0,
    local: { address: '127.0.0.1', port: 55226 },
    foreign: { address: '127.0.0.1', port: 45001 },
  },
  {
    proto: 'udp',
    state: 'UNCONN',
    recvQ: 0,
    sendQ: 0,
    local: { address: '0.0.0.0', port: 45002 },
    foreign: { address: '0.0.0.0', port: 0 },
  },
];

describe('netstat -an', () => {
  it('matches net-tools byte for byte, trailing blanks included', () => {
    expect(netstatLines(ROWS, 'all')).toEqual([
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ',
      'tcp        0      0 127.0.0.1:45001         0.0.0.0:*               LISTEN     ',
      'tcp     1234      0 127.0.0.1:45001         127.0.0.1:55226         ESTABLISHED',
      'tcp        0      0 127.0.0.1:55226         127.0.0.1:45001         ESTABLISHED',
      'udp        0      0 0.0.0.0:45002           0.0.0.0:*                          ',
    ]);
  });

  it('TIME_WAIT and the other state names, listening and connected selections', () => {
    const tw: SocketRow = { ...ROWS[2]!, state: 'TIME-WAIT' };
    expect(netstatLines([tw], 'connected')).toEqual([
      'Active Internet connections (w/o servers)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ',
      'tcp        0      0 127.0.0.1:55226         127.0.0.1:45001         TIME_WAIT  ',
    ]);
    expect(netstatLines(ROWS, 'listening').slice(2)).toEqual([
      'tcp        0      0 127.0.0.1:45001         0.0.0.0:*               LISTEN     ',
      'udp        0      0 0.0.0.0:45002           0.0.0.0:*                          ',
    ]);
    expect(netstatLines([{ ...tw, state: 'FIN-WAIT-2' }])[2]).toMatch(/ FIN_WAIT2 {2}$/);
    expect(netstatLines([{ ...tw, state: 'CLOSE-WAIT' }])[2]).toMatch(/ CLOSE_WAIT $/);
  });
});

describe('ss', () => {
  it('ss -tan matches iproute2 byte for byte', () => {
    expect(ssLines(ROWS.slice(0, 3), 'all', false)).toEqual([
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN 0      7          127.0.0.1:45001      0.0.0.0:*           ',
      'ESTAB  1234   0          127.0.0.1:45001    127.0.0.1:55226       ',
      'ESTAB  0      0          127.0.0.1:55226    127.0.0.1:45001       ',
    ]);
  });

  it('ss -uan and ss -tuan (with the Netid column, UDP first)', () => {
    expect(ssLines(ROWS.slice(3), 'all', false)).toEqual([
      'State  Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess',
      'UNCONN 0      0            0.0.0.0:45002      0.0.0.0:*          ',
    ]);
    expect(ssLines(ROWS, 'all', true)).toEqual([
      'Netid State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'udp   UNCONN 0      0            0.0.0.0:45002      0.0.0.0:*           ',
      'tcp   LISTEN 0      7          127.0.0.1:45001      0.0.0.0:*           ',
      'tcp   ESTAB  1234   0          127.0.0.1:45001    127.0.0.1:55226       ',
      'tcp   ESTAB  0      0          127.0.0.1:55226    127.0.0.1:45001       ',
    ]);
  });

  it('an empty table is the header alone, and TIME-WAIT widens the State column', () => {
    expect(ssLines([], 'all', false)).toEqual([
      'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess',
    ]);
    // The machine's own ss output captured with LISTEN and TIME-WAIT rows:
    //   State     Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
    //   LISTEN    0      128          0.0.0.0:2024       0.0.0.0:*
    //   TIME-WAIT 0      0          127.0.0.1:18081    127.0.0.1:38100
    const rows: SocketRow[] = [
      {
        proto: 'tcp',
        state: 'LISTEN',
        recvQ: 0,
        sendQ: 0,
        backlog: 128,
        local: { address: '0.0.0.0', port: 2024 },
        foreign: { address: '0.0.0.0', port: 0 },
      },
      {
        proto: 'tcp',
        state: 'TIME-WAIT',
        recvQ: 0,
        sendQ: 0,
        local: { address: '127.0.0.1', port: 18081 },
        foreign: { address: '127.0.0.1', port: 38100 },
      },
    ];
    expect(ssLines(rows, 'all', false)).toEqual([
      'State     Recv-Q Send-Q Local Address:Port  Peer Address:Port Process',
      'LISTEN    0      128          0.0.0.0:2024       0.0.0.0:*           ',
      'TIME-WAIT 0      0          127.0.0.1:18081    127.0.0.1:38100       ',
    ]);
  });
});
