/** examples/firewall-icmp.yaml and examples/tcp-vs-udp.yaml: what their descriptions claim, checked. */
import { describe, expect, it } from 'vitest';
import { pingErrors, pingReplies, pingSummary, runExample, tracerouteHops } from './run-example.ts';

describe('firewall-icmp: a firewall that blocks ICMP', async () => {
  const r = await runExample('firewall-icmp', { trace: ['ip.drop'] });

  it('before the rule, ping and the web both work', () => {
    expect(pingSummary(r.linesOf('laptop', 'ping -c 2 10.0.2.80', 0)).received).toBe(2);
    expect(r.linesOf('laptop', 'curl', 0).map((l) => l.text)).toContain('<h1>still here</h1>');
  });

  it('with DROP, ping gets no answer at all while curl and traceroute still work', () => {
    const ping = r.linesOf('laptop', 'ping -c 2 -W 1');
    expect(pingSummary(ping)).toEqual({ transmitted: 2, received: 0, errors: 0 });
    expect(pingErrors(ping)).toEqual([]);
    expect(r.linesOf('laptop', 'curl', 1).map((l) => l.text)).toContain('<h1>still here</h1>');
    expect(tracerouteHops(r.linesOf('laptop', 'traceroute')).map((h) => h.addresses[0])).toEqual([
      '10.0.1.1',
      '10.0.2.80',
    ]);
    const drops = r.events.filter((e) => e.type === 'ip.drop' && e.reason === 'filtered');
    expect(drops.length).toBe(4); // two pings dropped, then two rejected
    expect(drops.every((e) => e.type === 'ip.drop' && e.node === 'r1' && e.protocol === 1)).toBe(true);
  });

  it('the rule counts what it dropped, as iptables -L -v shows', () => {
    const rule = r.linesOf('r1', 'iptables -L FORWARD').find((l) => l.text.includes('DROP'))!.text;
    expect(rule).toMatch(
      /^\s+2\s+168 DROP\s+icmp --\s+\*\s+\*\s+0\.0\.0\.0\/0\s+0\.0\.0\.0\/0\s+icmptype 8$/,
    );
  });

  it('with REJECT, ping hears from the firewall at once', () => {
    const ping = r.linesOf('laptop', 'ping -c 2 10.0.2.80', 1);
    expect(pingReplies(ping)).toEqual([]);
    expect(pingErrors(ping)).toEqual([
      { from: '10.0.1.1', seq: 1, message: 'Destination Port Unreachable' },
      { from: '10.0.1.1', seq: 2, message: 'Destination Port Unreachable' },
    ]);
  });
});

describe('tcp-vs-udp: a virtual circuit vs datagrams on a lossy, reordering path', async () => {
  const r = await runExample('tcp-vs-udp', { trace: ['tcp.retransmit'] });

  it('UDP loses about 2% and delivers some out of order, and nothing is sent again', () => {
    const lines = r.linesOf('h2', 'iperf -s -u').map((l) => l.text);
    const report = lines.find((l) => / ms \d+\/\d+ /.test(l))!;
    const [, lost, total] = / ms (\d+)\/(\d+) /.exec(report)!.map(Number);
    expect(lost! / total!).toBeGreaterThan(0.01);
    expect(lost! / total!).toBeLessThan(0.04);
    expect(Number(/(\d+) datagrams received out-of-order/.exec(lines.join('\n'))![1])).toBeGreaterThan(10);
  });

  it('TCP delivers every byte the client wrote, retransmitting what was lost', () => {
    const sent = r
      .linesOf('h1', 'iperf -c 10.0.2.10 -t 4')
      .map((l) => l.text)
      .find((l) => / sec /.test(l))!;
    const got = r
      .linesOf('h2', 'iperf -s', 1)
      .map((l) => l.text)
      .find((l) => / sec /.test(l))!;
    const bytes = (l: string) => /sec\s+([\d.]+ \w+)/.exec(l)![1];
    expect(bytes(got)).toBe(bytes(sent));
    const retransmits = r.events.filter((e) => e.type === 'tcp.retransmit');
    expect(retransmits.length).toBeGreaterThan(5);
    expect(retransmits.every((e) => e.type === 'tcp.retransmit' && e.node === 'h1')).toBe(true);
  });
});
