/**
 * `iperf` in TCP mode (iperf 2's default) across a 10 Mbit/s bottleneck: the per-interval
 * reports show the bottleneck's rate (minus header and Ethernet overhead), the server
 * counts the same bytes the client's TCP delivered, and a closed port is reported as
 * iperf reports it.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../src/sim/time.ts';
import { Lab } from '../tools/lab-harness.ts';

const BOTTLENECK = `
defaults:
  link: { rate: 100Mbps, delay: 100us, queue: 100 }
topology:
  nodes:
    h1: { kind: host, ip: 10.1.1.1/24, gateway: 10.1.1.2 }
    r1: { kind: router, interfaces: { eth0: 10.1.1.2/24, eth1: 10.1.2.1/24 } }
    r2: { kind: router, interfaces: { eth0: 10.1.2.2/24, eth1: 10.1.3.1/24 } }
    h2: { kind: host, ip: 10.1.3.2/24, gateway: 10.1.3.1 }
  links:
    - endpoints: [h1, r1:eth0]
    - endpoints: [r1:eth1, r2:eth0]
      rate: 10Mbps
      delay: 10ms
    - endpoints: [r2:eth1, h2]
`;

/** Mbit/s of an iperf line such as `[  1] 1.0000-2.0000 sec  1.12 MBytes  9.42 Mbits/sec`. */
function mbits(line: string): number {
  const m = /([\d.]+) ([KMG]?)bits\/sec$/.exec(line);
  if (!m) throw new Error(`not an iperf line: ${line}`);
  return Number(m[1]) * ({ '': 1e-6, K: 1e-3, M: 1, G: 1e3 } as Record<string, number>)[m[2]!]!;
}

describe('iperf TCP', () => {
  it('reports per interval and in total, near the 10 Mbit/s bottleneck', async () => {
    const lab = new Lab(BOTTLENECK);
    const server = lab.start('h2', 'iperf -s -i 1');
    const c = await lab.sh('h1', 'iperf -c 10.1.3.2 -t 5 -i 1');
    expect(c.status).toBe(0);
    expect(c.out.slice(0, 6)).toEqual([
      '------------------------------------------------------------',
      'Client connecting to 10.1.3.2, TCP port 5001',
      'TCP window size:  256 KByte (default)',
      '------------------------------------------------------------',
      expect.stringMatching(/^\[ {2}1\] local 10\.1\.1\.1 port \d+ connected with 10\.1\.3\.2 port 5001$/),
      '[ ID] Interval       Transfer     Bandwidth',
    ]);
    const intervals = c.out.slice(6, 11);
    expect(intervals.map((l) => l.slice(0, 24))).toEqual([
      '[  1] 0.0000-1.0000 sec ',
      '[  1] 1.0000-2.0000 sec ',
      '[  1] 2.0000-3.0000 sec ',
      '[  1] 3.0000-4.0000 sec ',
      '[  1] 4.0000-5.0000 sec ',
    ]);
    // After slow start, every second carries what the bottleneck carries: 10 Mbit/s of
    // frames, 1448 of every 1538 wire bytes being data (9.41 Mbit/s of goodput).
    for (const l of intervals.slice(1)) {
      expect(mbits(l)).toBeGreaterThan(9.0);
      expect(mbits(l)).toBeLessThan(10.5);
    }
    expect(c.out[11]).toMatch(/^\[ {2}1\] 0\.0000-5\.0000 sec +[\d.]+ MBytes +[\d.]+ Mbits\/sec$/);
    await lab.wait(2 * SECOND);
    const s = lab.linesOf(server).map((l) => l.text);
    expect(s.slice(0, 4)).toEqual([
      '------------------------------------------------------------',
      'Server listening on TCP port 5001',
      'TCP window size:  256 KByte (default)',
      '------------------------------------------------------------',
    ]);
    expect(s[4]).toMatch(/^\[ {2}1\] local 10\.1\.3\.2 port 5001 connected with 10\.1\.1\.1 port \d+$/);
    const total = s.at(-1)!;
    expect(total).toMatch(/^\[ {2}1\] 0\.0000-5\.\d{4} sec/);
    expect(mbits(total)).toBeGreaterThan(8.5);
    expect(mbits(total)).toBeLessThan(9.42);
  });

  it('a closed port: connect failed: Connection refused', async () => {
    const lab = new Lab(BOTTLENECK);
    const c = await lab.sh('h1', 'iperf -c 10.1.3.2 -t 1');
    expect(c.status).toBe(1);
    expect(c.err).toEqual(['connect failed: Connection refused']);
  });
});
