import { describe, expect, it } from 'vitest';
import { Node } from '../link/node.ts';
import { PointToPointLink } from '../link/point-to-point.ts';
import { Simulator } from '../sim/simulator.ts';
import { MILLISECOND, SECOND } from '../sim/time.ts';
import { UDP, UdpLayer } from '../transport/udp/udp-layer.ts';
import { GlobalRouting } from './global-routing.ts';
import type { EchoEvent } from './icmp-layer.ts';
import { formatIpv4Address, parseIpv4Prefix } from './ipv4-address.ts';
import { Ipv4Stack } from './ipv4-stack.ts';

const P = (t: string) => parseIpv4Prefix(t)!;
const A = (t: string) => P(t).address;

/** h1 (10.0.1.10) -- r1 -- r2 -- h2 (10.0.3.10); routes set statically or globally. */
function chain(opts: { mtuMiddle?: number; global?: boolean } = {}) {
  const sim = new Simulator({ seed: 9 });
  const mk = (name: string, forwarding: boolean) => {
    const node = new Node(sim, name, forwarding ? 'router' : 'host');
    const ip = new Ipv4Stack(node, { forwarding });
    new UdpLayer(ip);
    return { node, ip };
  };
  const h1 = mk('h1', false);
  const r1 = mk('r1', true);
  const r2 = mk('r2', true);
  const h2 = mk('h2', false);
  const link = (a: typeof h1, an: string, ap: string, b: typeof h1, bn: string, bp: string, mtu = 1500) => {
    const da = a.node.addDevice(an, { mtu });
    const db = b.node.addDevice(bn, { mtu });
    a.ip.addInterface(da, [P(ap)]);
    b.ip.addInterface(db, [P(bp)]);
    return new PointToPointLink(da, db, { rate: 100e6, delay: MILLISECOND });
  };
  link(h1, 'eth0', '10.0.1.10/24', r1, 'eth0', '10.0.1.1/24');
  const middle = link(r1, 'eth1', '10.0.2.1/30', r2, 'eth0', '10.0.2.2/30', opts.mtuMiddle ?? 1500);
  link(r2, 'eth1', '10.0.3.1/24', h2, 'eth0', '10.0.3.10/24');
  if (opts.global) {
    new GlobalRouting(sim, [h1.ip, r1.ip, r2.ip, h2.ip]).compute();
  } else {
    h1.ip.addRoute(0, 0, A('10.0.1.1'));
    h2.ip.addRoute(0, 0, A('10.0.3.1'));
    r1.ip.addRoute(A('10.0.3.0'), 24, A('10.0.2.2'));
    r2.ip.addRoute(A('10.0.1.0'), 24, A('10.0.2.1'));
  }
  return { sim, h1, r1, r2, h2, middle };
}

function describeEcho(e: EchoEvent): string {
  return e.kind === 'reply'
    ? `reply seq=${e.sequence} from ${formatIpv4Address(e.from)} ttl=${e.ttl}`
    : `error ${e.report.kind}/${e.report.code} seq=${e.sequence} from ${formatIpv4Address(e.report.from)}`;
}

describe('IPv4 across routers', () => {
  it('pings across two routers: ARP, forwarding, TTL decremented twice', async () => {
    const { sim, h1 } = chain();
    const events: string[] = [];
    const arps: string[] = [];
    sim.trace.on('arp.request', (e) => arps.push(`${e.node} who-has ${formatIpv4Address(e.target)}`));
    const sock = h1.ip.icmp.openEcho((e) => events.push(`${describeEcho(e)} @${sim.now}`));
    expect(sock.send(A('10.0.3.10'), 1, new Uint8Array(56))).toBe('sent');
    await sim.run();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatch(/^reply seq=1 from 10\.0\.3\.10 ttl=62 @/);
    expect(arps).toEqual([
      'h1 who-has 10.0.1.1',
      'r1 who-has 10.0.2.2',
      'r2 who-has 10.0.3.10',
      // No more: each target learned its asker's address from the request (RFC 826).
    ]);
  });

  it('answers TTL expiry with time exceeded from the router, quoting our echo', async () => {
    const { sim, h1 } = chain();
    const events: string[] = [];
    const sock = h1.ip.icmp.openEcho((e) => events.push(describeEcho(e)));
    sock.send(A('10.0.3.10'), 1, new Uint8Array(8), { ttl: 1 });
    sock.send(A('10.0.3.10'), 2, new Uint8Array(8), { ttl: 2 });
    await sim.run();
    expect(events).toEqual([
      'error time-exceeded/0 seq=1 from 10.0.1.1',
      'error time-exceeded/0 seq=2 from 10.0.2.2',
    ]);
  });

  it('reports net unreachable from a router without a route, and host unreachable after ARP fails', async () => {
    const { sim, h1 } = chain();
    const events: string[] = [];
    const sock = h1.ip.icmp.openEcho((e) => events.push(`${describeEcho(e)} @${sim.now / SECOND}s`));
    sock.send(A('192.168.9.9'), 1, new Uint8Array(8)); // r1 has no route
    sock.send(A('10.0.3.99'), 2, new Uint8Array(8)); // r2 ARPs 3 times, then gives up
    await sim.run();
    expect(events[0]).toMatch(/^error destination-unreachable\/0 seq=1 from 10\.0\.1\.1/);
    expect(events[1]).toMatch(/^error destination-unreachable\/1 seq=2 from 10\.0\.2\.2 @3\.0/);
  });

  it('host unreachable is reported locally when the host itself cannot resolve the next hop', async () => {
    const { sim, h1 } = chain();
    const events: string[] = [];
    const sock = h1.ip.icmp.openEcho((e) => events.push(describeEcho(e)));
    sock.send(A('10.0.1.77'), 1, new Uint8Array(8));
    await sim.run();
    expect(events).toEqual(['error destination-unreachable/1 seq=1 from 10.0.1.10']);
  });

  it('fragments over a small-MTU link and the destination reassembles', async () => {
    const { sim, h1, h2 } = chain({ mtuMiddle: 576 });
    const got: number[] = [];
    h2.node.requireService(UDP).bind(9000).onMessage = (m) => got.push(m.data.length, m.data[1999]!);
    const data = new Uint8Array(2000).map((_, i) => i & 0xff);
    h1.node.requireService(UDP).bind().sendTo(data, A('10.0.3.10'), 9000);
    await sim.run();
    expect(got).toEqual([2000, 1999 & 0xff]);
  });

  it('with DF set, a router answers fragmentation-needed with the next-hop MTU', async () => {
    const { sim, h1 } = chain({ mtuMiddle: 576 });
    const events: string[] = [];
    let mtu = 0;
    const sock = h1.ip.icmp.openEcho((e) => {
      events.push(describeEcho(e));
      if (e.kind === 'error') mtu = e.report.nextHopMtu;
    });
    sock.send(A('10.0.3.10'), 1, new Uint8Array(1000), { dontFragment: true });
    await sim.run();
    expect(events).toEqual(['error destination-unreachable/4 seq=1 from 10.0.1.1']);
    expect(mtu).toBe(576);
  });

  it('a closed UDP port answers port unreachable to the sending socket', async () => {
    const { sim, h1 } = chain();
    const errors: string[] = [];
    const s = h1.node.requireService(UDP).bind(40000);
    s.onError = (r) => errors.push(`${r.kind}/${r.code} from ${formatIpv4Address(r.from)}`);
    s.sendTo(new Uint8Array(10), A('10.0.3.10'), 33434);
    await sim.run();
    expect(errors).toEqual(['destination-unreachable/3 from 10.0.3.10']);
  });

  it('global routing installs shortest paths; a cut cable makes the next hop unreachable', async () => {
    const { sim, h1, middle } = chain({ global: true });
    expect(h1.ip.routes.lookup(A('10.0.3.10'))?.gateway).toBe(A('10.0.1.1'));
    const events: string[] = [];
    const sock = h1.ip.icmp.openEcho((e) => events.push(describeEcho(e)));
    middle.setUp(false);
    sock.send(A('10.0.3.10'), 1, new Uint8Array(8));
    await sim.run();
    // r1 cannot resolve r2 over the dead link: after 3 ARP tries it reports host unreachable.
    expect(events).toEqual(['error destination-unreachable/1 seq=1 from 10.0.1.1']);
  });

  it('drops packets with a bad header checksum and says why', async () => {
    const { sim, h1, r1 } = chain();
    const drops: string[] = [];
    sim.trace.on('ip.drop', (e) => drops.push(`${e.node} ${e.reason}`));
    const dev = r1.node.device('eth0');
    // A frame to r1 with a corrupted IPv4 header checksum.
    const frame = new Uint8Array(60);
    frame.set([0x45, 0, 0, 28, 0, 1, 0, 0, 64, 17, 0xde, 0xad, 10, 0, 1, 10, 10, 0, 1, 1], 14);
    frame.set([2, 0, 0, 0, 0, 0], 0);
    frame[12] = 8;
    const mac = dev.mac;
    frame.set(
      [
        Math.floor(mac / 2 ** 40),
        Math.floor(mac / 2 ** 32) & 255,
        (mac >>> 24) & 255,
        (mac >>> 16) & 255,
        (mac >>> 8) & 255,
        mac & 255,
      ],
      0,
    );
    h1.node.device('eth0').send(frame);
    await sim.run();
    expect(drops).toEqual(['r1 bad-checksum']);
  });
});
