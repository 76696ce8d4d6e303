/**
 * `netstat -an` and `ss -tan` on lab nodes: the listener, the connection on both sides,
 * TIME_WAIT on the side that closed first, and TIME_WAIT gone after 2 MSL (60 s).
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../src/sim/time.ts';
import { TCP } from '../../src/transport/tcp/tcp-layer.ts';
import type { TcpSocket } from '../../src/transport/tcp/tcp-socket.ts';
import { Lab, TWO_LANS } from '../tools/lab-harness.ts';

describe('netstat and ss on a node', () => {
  it('shows LISTEN, ESTABLISHED on both ends, then TIME_WAIT until it expires', async () => {
    const lab = new Lab(TWO_LANS);
    const server = lab.network.requireNode('h3').requireService(TCP);
    const client = lab.network.requireNode('h1').requireService(TCP);
    const l = server.listen(80);
    let conn: TcpSocket | undefined;
    void client.connect('10.0.2.10', 80).then((s) => (conn = s));
    let accepted: TcpSocket | undefined;
    void l.accept().then((s) => (accepted = s));
    await lab.wait(SECOND);
    const port = conn!.local.port;
    const h3 = await lab.sh('h3', 'netstat -an');
    expect(h3.out).toEqual([
      'Active Internet connections (servers and established)',
      'Proto Recv-Q Send-Q Local Address           Foreign Address         State      ',
      'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN     ',
      `tcp        0      0 10.0.2.10:80            ${`10.0.1.10:${port}`.padEnd(23)} ESTABLISHED`,
    ]);
    const ss = await lab.sh('h1', 'ss -tan');
    // A 5-digit ephemeral port widens the local Port column; "80" leaves the peer's at 4.
    expect(ss.out).toEqual([
      'State Recv-Q Send-Q Local Address:Port  Peer Address:PortProcess',
      `ESTAB 0      0          10.0.1.10:${port}    10.0.2.10:80         `,
    ]);
    // The client closes first: it passes through FIN_WAIT to TIME_WAIT; the server to CLOSED.
    conn!.close();
    await lab.wait(SECOND);
    accepted!.close();
    await lab.wait(SECOND);
    expect((await lab.sh('h1', 'netstat -tn')).out.slice(2)).toEqual([
      `tcp        0      0 ${`10.0.1.10:${port}`.padEnd(23)} 10.0.2.10:80            TIME_WAIT  `,
    ]);
    expect((await lab.sh('h1', 'ss -tn')).out).toEqual([
      'State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess',
    ]);
    expect((await lab.sh('h1', 'ss -tan')).out[1]).toMatch(/^TIME-WAIT 0 {6}0 /);
    expect((await lab.sh('h3', 'netstat -tan')).out.slice(2)).toEqual([
      'tcp        0      0 0.0.0.0:80              0.0.0.0:*               LISTEN     ',
    ]);
    await lab.wait(60 * SECOND);
    expect((await lab.sh('h1', 'netstat -tan')).out.slice(2)).toEqual([]);
  });

  it('rejects unknown options like net-tools', async () => {
    const lab = new Lab(TWO_LANS);
    const r = await lab.sh('h1', 'netstat -z');
    expect(r.status).toBe(1);
    expect(r.err[0]).toBe("netstat: invalid option -- 'z'");
  });
});
