/**
 * Every example scenario's description makes claims about what happens ("the centre
 * fails and everyone is cut off", "throughput stays under the narrowest link", "the
 * second ping is faster: no ARP"). These tests run each example and check those claims
 * against what the tools print, with numbers.
 */
import { describe, expect, it } from 'vitest';
import { formatMac } from '../../src/link/mac-address.ts';
import {
  iperfLines,
  pingErrors,
  pingReplies,
  pingSummary,
  runExample,
  tracerouteHops,
} from './run-example.ts';

describe('default: two LANs and a router', async () => {
  const r = await runExample('default');
  const ping = r.linesOf('h1', 'ping');

  it('pings h3 across the router: TTL 63, the first reply slower (it waited for two ARP exchanges)', () => {
    const replies = pingReplies(ping);
    expect(replies.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(replies.every((x) => x.ttl === 63)).toBe(true);
    expect(replies[0]!.ms).toBeGreaterThan(replies[1]!.ms * 1.5);
    expect(replies[1]!.ms).toBe(replies[2]!.ms);
    expect(pingSummary(ping)).toEqual({ transmitted: 3, received: 3, errors: 0 });
  });

  it('traceroute shows r1 then h3', () => {
    expect(tracerouteHops(r.linesOf('h1', 'traceroute')).map((h) => h.addresses)).toEqual([
      ['10.0.1.1'],
      ['10.0.2.10'],
    ]);
  });

  it("h1's ARP table holds its gateway only, never h3", () => {
    const r1 = r.run.network.node('r1')!.device('eth0').mac;
    expect(r.linesOf('h1', 'arp').map((l) => l.text)).toEqual([
      `r1 (10.0.1.1) at ${formatMac(r1)} [ether] on eth0`,
    ]);
  });
});

describe('latency-rtt: serialisation, propagation and queueing', async () => {
  const r = await runExample('latency-rtt', { trace: ['link.drop'] });
  const small = pingReplies(r.linesOf('h1', 'ping -c 3 -i 0.5 10', 0));
  const large = pingReplies(r.linesOf('h1', 'ping -c 3 -i 0.5 -s 1400'));
  const loaded = pingReplies(r.linesOf('h1', 'ping -c 3 -i 0.5 10', 1));

  it('small pings take 2 × (10 ms + ~1 ms): about 22 ms; the first also waited for ARP', () => {
    expect(small[1]!.ms).toBeGreaterThan(21.5);
    expect(small[1]!.ms).toBeLessThan(22.5);
    expect(small[0]!.ms).toBeGreaterThan(42);
    expect(small[0]!.ms).toBeLessThan(45);
  });

  it('large pings add exactly the extra serialisation of 1344 bytes each way', () => {
    // (1442 - 98) bytes × 8 bits at 1 Mbit/s, twice: 21.504 ms.
    expect(large[1]!.ms - small[1]!.ms).toBeCloseTo(21.5, 0);
  });

  it('under load the RTT grows as the one-way queue fills: about 130, 170, 225 ms', () => {
    expect(loaded.map((x) => x.seq)).toEqual([1, 2, 3]);
    expect(loaded[0]!.ms).toBeGreaterThan(100);
    expect(loaded[1]!.ms).toBeGreaterThan(loaded[0]!.ms + 20);
    expect(loaded[2]!.ms).toBeGreaterThan(loaded[1]!.ms + 20);
  });

  it("only h2's queue (the loaded direction) ever overflows", () => {
    const drops = r.events.filter((e) => e.type === 'link.drop');
    expect(drops.length).toBeGreaterThan(0);
    expect(drops.every((e) => e.type === 'link.drop' && e.node === 'h2' && e.reason === 'queue-full')).toBe(
      true,
    );
  });
});

describe('bottleneck: the narrowest link caps throughput', async () => {
  const r = await runExample('bottleneck', { trace: ['link.drop'] });

  it('the server receives 9.57 Mbit/s each second, never more than the 10 Mbit/s link, losing the rest', () => {
    const server = iperfLines(r.linesOf('h2', 'iperf'));
    expect(server.length).toBe(6); // five per-second lines and the total
    for (const s of server) {
      expect(s.mbps).toBeGreaterThan(9.5);
      expect(s.mbps).toBeLessThan(10);
      expect(s.lost!).toBeGreaterThan(0);
    }
  });

  it('the sender sent 21 Mbit/s: the first link carried all of it', () => {
    const lines = r.linesOf('h1', 'iperf');
    const sent = iperfLines(
      lines.slice(
        0,
        lines.findIndex((l) => l.text.includes('Server Report')),
      ),
    );
    expect(sent.length).toBe(6);
    expect(sent.every((c) => c.mbps > 20.5)).toBe(true);
  });

  it('every drop is at r1, into the 10 Mbit/s link, because its queue was full', () => {
    const drops = r.events.filter((e) => e.type === 'link.drop');
    expect(drops.length).toBeGreaterThan(1000);
    expect(
      drops.every(
        (e) => e.type === 'link.drop' && e.node === 'r1' && e.iface === 'eth1' && e.reason === 'queue-full',
      ),
    ).toBe(true);
  });

  it('pings meet the full queue: most die, the rest wait about 120 ms instead of under 2 ms', () => {
    const before = pingReplies(r.linesOf('h1', 'ping -c 2'));
    expect(before.every((x) => x.ms < 2.5)).toBe(true);
    const during = r.linesOf('h1', 'ping -c 20');
    const replies = pingReplies(during);
    expect(replies.length).toBeGreaterThan(0);
    expect(pingSummary(during).received).toBeLessThan(10);
    for (const x of replies) {
      expect(x.ms).toBeGreaterThan(110);
      expect(x.ms).toBeLessThan(135);
    }
  });
});

describe('lan-man-wan: smaller area, faster and less congested', async () => {
  const r = await runExample('lan-man-wan');
  const rtt = (node: string) => pingReplies(r.linesOf(node, 'ping'))[1]!.ms;

  it('RTT is about 4 µs on the LAN, 0.5 ms on the MAN, 40 ms on the WAN', () => {
    expect(rtt('lan1')).toBeLessThan(0.01);
    expect(rtt('man1')).toBeGreaterThan(0.45);
    expect(rtt('man1')).toBeLessThan(0.6);
    expect(rtt('wan1')).toBeGreaterThan(40);
    expect(rtt('wan1')).toBeLessThan(41);
  });

  it('the LAN and MAN deliver all 21 Mbit/s; the WAN at most its 10 and loses the rest', () => {
    const total = (node: string) => iperfLines(r.linesOf(node, 'iperf')).at(-1)!;
    expect(total('lan2').lost).toBe(0);
    expect(total('man2').lost).toBe(0);
    expect(total('lan2').mbps).toBeGreaterThan(20.5);
    expect(total('wan2').mbps).toBeLessThan(10);
    expect(total('wan2').lost!).toBeGreaterThan(total('wan2').total! / 3);
  });
});

describe('bus-sniffing: everyone on a bus hears everything', async () => {
  const r = await runExample('bus-sniffing');
  const frames = (node: string) =>
    r
      .linesOf(node, 'tcpdump')
      .filter((l) => l.stream === 'out')
      .map((l) => l.text.slice(16));

  it('eve sees the whole h1–h2 conversation: ARP request and reply, three echo requests and replies', () => {
    expect(frames('eve')).toEqual([
      'ARP, Request who-has h2 tell h1, length 46',
      'ARP, Reply h2 is-at 02:00:00:00:00:02, length 46',
      ...[1, 2, 3].flatMap((seq) => [
        expect.stringMatching(new RegExp(`^IP h1 > h2: ICMP echo request, id \\d+, seq ${seq}, length 64$`)),
        expect.stringMatching(new RegExp(`^IP h2 > h1: ICMP echo reply, id \\d+, seq ${seq}, length 64$`)),
      ]),
    ]);
  });

  it('mallory, on a switch, sees only the broadcast ARP request', () => {
    expect(frames('mallory')).toEqual(['ARP, Request who-has h4 tell h3, length 46']);
  });
});

describe('star: a failed leaf hurts only itself', async () => {
  const r = await runExample('star');
  it('the added host h5 answers at once, h2 after its cable is cut does not, h3–h4 carry on', () => {
    expect(pingSummary(r.linesOf('h1', 'ping -c 2 10.0.0.5')).received).toBe(2);
    expect(pingSummary(r.linesOf('h1', 'ping -c 2 -W 1 10.0.0.2')).received).toBe(0);
    expect(pingSummary(r.linesOf('h3', 'ping')).received).toBe(2);
  });
});

describe('star-centre-failure: the centre takes everyone down', async () => {
  const r = await runExample('star-centre-failure');
  it('everything works, then nothing while sw1 is down, then everything again', () => {
    for (const [node, dst] of [
      ['h1', '10.0.0.2'],
      ['h3', '10.0.0.4'],
    ] as const) {
      expect(pingSummary(r.linesOf(node, `ping -c 2 ${dst}`, 0)).received).toBe(2);
      expect(pingSummary(r.linesOf(node, `ping -c 2 -W 1 ${dst}`)).received).toBe(0);
      expect(pingSummary(r.linesOf(node, `ping -c 2 ${dst}`, 1)).received).toBe(2);
    }
  });
});

describe('ring-failure: one failed link lengthens the path, a second splits the ring', async () => {
  const r = await runExample('ring-failure');
  const trace = (n: number) => tracerouteHops(r.linesOf('h1', 'traceroute', n));
  const ping = r.linesOf('h1', 'ping');

  it('first the short way round via r2, then the long way via r5 and r4', () => {
    expect(trace(0).map((h) => h.addresses[0])).toEqual(['10.1.0.1', '10.1.2.2', '10.2.3.2', '10.3.0.2']);
    expect(trace(1).map((h) => h.addresses[0])).toEqual([
      '10.1.0.1',
      '10.1.5.2',
      '10.4.5.1',
      '10.3.4.1',
      '10.3.0.2',
    ]);
  });

  it('pings lost only while routing converges, then one hop longer (TTL one lower)', () => {
    const replies = pingReplies(ping);
    const before = replies.filter((x) => x.time < 4e9);
    const after = replies.filter((x) => x.time > 5e9 && x.time < 8e9);
    expect(before.every((x) => x.ttl === 61)).toBe(true);
    expect(after.every((x) => x.ttl === 60)).toBe(true);
    expect(after.length).toBeGreaterThan(10);
    expect(replies.some((x) => x.time > 4e9 && x.time < 4.9e9)).toBe(false);
  });

  it('after the second cut h3 is unreachable: r1 says so, and traceroute ends with !N', () => {
    const errors = pingErrors(ping);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.from === '10.1.0.1' && e.message === 'Destination Net Unreachable')).toBe(
      true,
    );
    expect(trace(2).at(-1)!.annotation).toBe('!N');
  });
});

describe('mesh-resilience: failed routers are routed around', async () => {
  const r = await runExample('mesh-resilience');
  const via = (n: number) => tracerouteHops(r.linesOf('h1', 'traceroute', n))[1]!.addresses[0];

  it('each failure moves the path to another two-hop route', () => {
    const paths = [via(0), via(1), via(2)];
    expect(new Set(paths).size).toBe(3);
    for (let n = 0; n < 3; n++) expect(tracerouteHops(r.linesOf('h1', 'traceroute', n)).length).toBe(4);
  });

  it('when all of r1’s neighbours are down, h1 is cut off', () => {
    const ping = r.linesOf('h1', 'ping');
    const late = pingReplies(ping).filter((x) => x.time > 9.6e9);
    expect(late).toEqual([]);
    expect(pingErrors(ping).length).toBeGreaterThan(0);
  });
});

describe('tree: load on a branch slows its subtree only', async () => {
  const r = await runExample('tree');
  it("h1's pings (same branch as the flood) wait and drop; h3's (other branch) do not change", () => {
    const h1 = pingReplies(r.linesOf('h1', 'ping'));
    const h3 = pingReplies(r.linesOf('h3', 'ping'));
    expect(h3.length).toBe(90);
    expect(Math.max(...h3.map((x) => x.ms))).toBeLessThan(1);
    expect(h1.length).toBeLessThan(80);
    expect(Math.max(...h1.map((x) => x.ms))).toBeGreaterThan(100);
  });

  it('the server receives under 10 Mbit/s of the 31.5 sent', () => {
    const total = iperfLines(r.linesOf('srv', 'iperf')).at(-1)!;
    expect(total.mbps).toBeLessThan(10);
    expect(total.mbps).toBeGreaterThan(9);
  });
});

describe('arp-spoofing: forged replies redirect a victim on a switched LAN', async () => {
  const r = await runExample('arp-spoofing');
  const net = r.run.network;
  const r1Mac = formatMac(net.node('r1')!.device('eth0').mac);
  const attackerMac = formatMac(net.node('attacker')!.device('eth0').mac);
  const gatewayEntry = (n: number) =>
    r.linesOf('victim', 'arp', n).find((l) => l.text.includes('(10.0.0.1)'))!.text;

  it("the victim's entry for its gateway changes from r1's MAC to the attacker's", () => {
    expect(gatewayEntry(0)).toContain(r1Mac);
    expect(gatewayEntry(1)).toContain(attackerMac);
    expect(gatewayEntry(2)).toContain(attackerMac);
  });

  it('the redirected pings reach the attacker, never the server', () => {
    expect(pingSummary(r.linesOf('victim', 'ping -c 2')).received).toBe(2);
    expect(pingSummary(r.linesOf('victim', 'ping -c 3')).received).toBe(0);
    const seen = r
      .linesOf('attacker', 'tcpdump')
      .filter((l) => / IP victim > server: ICMP echo request/.test(l.text));
    expect(seen.length).toBe(3);
  });

  it('arpspoof prints one forged reply per two seconds, in dsniff’s format', () => {
    const lines = r.linesOf('attacker', 'arpspoof').filter((l) => l.stream === 'out');
    expect(lines.length).toBeGreaterThanOrEqual(4);
    expect(lines[0]!.text).toMatch(
      /^2:0:0:0:0:\w+ 2:0:0:0:0:\w+ 0806 42: arp reply 10\.0\.0\.1 is-at 2:0:0:0:0:\w+$/,
    );
    expect(lines[1]!.time - lines[0]!.time).toBe(2e9);
  });
});

describe('ttl-traceroute: TTL, time exceeded, and how traceroute maps a path', async () => {
  const r = await runExample('ttl-traceroute');
  it('a TTL-3 ping dies at the third router, which says so', () => {
    expect(pingErrors(r.linesOf('h1', 'ping -c 1 -t 3'))).toEqual([
      { from: '10.1.3.2', seq: 1, message: 'Time to live exceeded' },
    ]);
  });

  it('traceroute lists every router with RTTs 10 ms apart, then h2', () => {
    const hops = tracerouteHops(r.linesOf('h1', 'traceroute'));
    expect(hops.map((h) => h.addresses[0])).toEqual([
      '10.1.1.2',
      '10.1.2.2',
      '10.1.3.2',
      '10.1.4.2',
      '10.1.5.2',
    ]);
    hops.forEach((h, i) => {
      expect(h.times[1]!).toBeGreaterThan(10 * (i + 1));
      expect(h.times[1]!).toBeLessThan(10 * (i + 1) + 0.5);
    });
  });
});
