/**
 * DNS on a simulated lab, through the tools: names for ping and traceroute over the stub
 * resolver, and dig, nslookup and host as the real ones print (their text is checked
 * against BIND's tools in test/interop/dns-tools.test.ts; here, what the network did).
 */
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../src/sim/time.ts';
import { dnsLab } from './dns-lab.ts';
import { Lab, TWO_LANS } from './lab-harness.ts';

/** The value of a `;; Query time: N msec` line. */
function queryTime(out: readonly string[]): number {
  const l = out.find((x) => x.startsWith(';; Query time:'));
  if (!l) throw new Error(`no query time in ${out.join('\n')}`);
  return Number(/(\d+) msec/.exec(l)![1]);
}

const answerLines = (out: readonly string[]) => {
  const i = out.indexOf(';; ANSWER SECTION:');
  return i < 0 ? [] : out.slice(i + 1, out.indexOf('', i));
};

describe('names for every tool, over DNS', () => {
  it('ping resolves www.example.com through the resolver and pings it', async () => {
    const lab = dnsLab();
    const r = await lab.sh('laptop', 'ping -c 2 www.example.com');
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe('PING www.example.com (192.0.2.80) 56(84) bytes of data.');
    expect(r.out[1]).toMatch(/^64 bytes from web \(192\.0\.2\.80\): icmp_seq=1 ttl=63 time=/);
    expect(r.out).toContain('2 packets transmitted, 2 received, 0% packet loss, time 1000ms');
    // The header is printed once the resolver answered: root, com, example.com, each an
    // exchange across the 10 ms link (20 ms round trip), plus ARP on the way.
    expect(r.lines[0]!.time).toBeGreaterThanOrEqual(60 * MILLISECOND);
    expect(r.lines[0]!.time).toBeLessThan(130 * MILLISECOND);
  });

  it('fails as glibc and iputils do: NXDOMAIN and NODATA are not known, SERVFAIL is temporary', async () => {
    const lab = dnsLab();
    const nx = await lab.sh('laptop', 'ping -c 1 nope.example.com');
    expect([nx.status, nx.err]).toEqual([2, ['ping: nope.example.com: Name or service not known']]);
    const nodata = await lab.sh('laptop', 'ping -c 1 mailonly.example.com');
    expect(nodata.err).toEqual(['ping: mailonly.example.com: Name or service not known']);
    // broken.example.com is delegated to web, which runs no DNS: the resolver says SERVFAIL.
    const servfail = await lab.sh('laptop', 'ping -c 1 www.broken.example.com');
    expect([servfail.status, servfail.err]).toEqual([
      2,
      ['ping: www.broken.example.com: Temporary failure in name resolution'],
    ]);
  });

  it('a dead resolver: timeouts (glibc: 5 s, 2 attempts), then a temporary failure', async () => {
    const lab = dnsLab();
    lab.network.requireNode('resolver').setUp(false);
    const t0 = lab.sim.now;
    const r = await lab.sh('laptop', 'ping -c 1 www.example.com');
    expect(r.err).toEqual(['ping: www.example.com: Temporary failure in name resolution']);
    expect(r.lines[0]!.time - t0).toBe(10 * SECOND);
  });

  it('traceroute resolves its target the same way; lab names still come first', async () => {
    const lab = dnsLab();
    const t = await lab.sh('laptop', 'traceroute -q 1 www.example.com');
    expect(t.out[0]).toBe('traceroute to www.example.com (192.0.2.80), 30 hops max, 60 byte packets');
    expect(t.out.at(-1)).toMatch(/^ 2 {2}web \(192\.0\.2\.80\)/);
    const byName = await lab.sh('laptop', 'ping -c 1 web');
    expect(byName.out[0]).toBe('PING web (192.0.2.80) 56(84) bytes of data.');
  });
});

describe('dig on a simulated node', () => {
  it('asks the node’s resolver; the second answer comes from its cache, faster and with a lower TTL', async () => {
    const lab = dnsLab();
    const first = await lab.sh('laptop', 'dig www.example.com');
    expect(first.status).toBe(0);
    expect(first.out.slice(0, 5)).toEqual([
      '',
      '; <<>> DiG 9.18-netlab <<>> www.example.com',
      ';; global options: +cmd',
      ';; Got answer:',
      expect.stringMatching(/^;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: \d+$/),
    ]);
    expect(first.out).toContain(';; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1');
    expect(answerLines(first.out)).toEqual(['www.example.com.\t300\tIN\tA\t192.0.2.80']);
    expect(first.out).toContain(';; SERVER: 10.0.0.53#53(10.0.0.53) (UDP)');
    // WHEN is the simulated clock as a date: the run started at midnight of its first day.
    expect(first.out.find((l) => l.startsWith(';; WHEN:'))).toMatch(
      /^;; WHEN: \w{3} \w{3} \d{2} 00:00:00 UTC \d{4}$/,
    );
    // Three exchanges of 20 ms across the 10 ms link, and ARP on the first of them.
    expect(queryTime(first.out)).toBeGreaterThanOrEqual(60);
    await lab.wait(7 * SECOND);
    const second = await lab.sh('laptop', 'dig www.example.com');
    expect(queryTime(second.out)).toBe(0);
    expect(answerLines(second.out)).toEqual(['www.example.com.\t293\tIN\tA\t192.0.2.80']);
    expect(second.out.find((l) => l.startsWith(';; WHEN:'))).toMatch(/ 00:00:07 UTC \d{4}$/);
  });

  it('@server by name or address; an authoritative answer has aa and no ra', async () => {
    const lab = dnsLab();
    const r = await lab.sh('laptop', 'dig @ns1 example.com MX +norec');
    expect(r.out).toContain('; (1 server found)');
    expect(r.out).toContain(';; flags: qr aa; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 2');
    expect(answerLines(r.out)).toEqual(['example.com.\t\t3600\tIN\tMX\t10 mail.example.com.']);
    expect(r.out).toContain(';; SERVER: 192.0.2.53#53(ns1) (UDP)');
    // The first exchange waited for ARP on both LANs; the next is the bare 20 ms round trip.
    expect(queryTime(r.out)).toBeGreaterThan(20);
    expect(queryTime((await lab.sh('laptop', 'dig @ns1 example.com MX +norec')).out)).toBe(20);
    const byAddress = await lab.sh('laptop', 'dig @192.0.2.53 www.example.com +short');
    expect(byAddress.out).toEqual(['192.0.2.80']);
  });

  it('NXDOMAIN is an answer (status 0), with the SOA for negative caching', async () => {
    const lab = dnsLab();
    const r = await lab.sh('laptop', 'dig nope.example.com +noall +comments +authority');
    expect(r.status).toBe(0);
    expect(r.out[1]).toMatch(/status: NXDOMAIN/);
    expect(r.out.at(-2)).toBe(
      'example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300',
    );
  });

  it('a truncated answer is fetched again over simulated TCP, and +tcp asks over TCP from the start', async () => {
    const lab = dnsLab();
    const big = await lab.sh('laptop', 'dig big.example.com TXT');
    expect(big.out[0]).toBe(';; Truncated, retrying in TCP mode.');
    expect(answerLines(big.out)).toHaveLength(30);
    expect(big.out).toContain(';; SERVER: 10.0.0.53#53(10.0.0.53) (TCP)');
    const tcp = await lab.sh('laptop', 'dig +tcp www.example.com');
    expect(tcp.out).toContain(';; SERVER: 10.0.0.53#53(10.0.0.53) (TCP)');
    expect(answerLines(tcp.out)).toEqual([
      expect.stringMatching(/^www\.example\.com\.\t\d+\tIN\tA\t192\.0\.2\.80$/),
    ]);
  });

  it('a host that runs no DNS refuses at once (port unreachable, RST); a missing one times out', async () => {
    const lab = dnsLab();
    const t0 = lab.sim.now;
    const udp = await lab.sh('laptop', 'dig @web www.example.com +tries=2');
    expect(udp.status).toBe(9);
    expect(udp.out).toEqual([
      ';; communications error to 192.0.2.80#53: connection refused',
      ';; communications error to 192.0.2.80#53: connection refused',
      '',
      '; <<>> DiG 9.18-netlab <<>> @web www.example.com +tries=2',
      '; (1 server found)',
      ';; global options: +cmd',
      ';; no servers could be reached',
    ]);
    expect(lab.sim.now - t0).toBeLessThan(SECOND);
    const tcp = await lab.sh('laptop', 'dig +tcp @web www.example.com +tries=1');
    expect(tcp.out).toEqual([
      ';; Connection to 192.0.2.80#53(web) for www.example.com failed: connection refused.',
      ';; no servers could be reached',
    ]);
    const t1 = lab.sim.now;
    // +short before the name is global: no banner (after the name, dig would print it).
    const gone = await lab.sh('laptop', 'dig +short @192.0.2.99 www.example.com +tries=2 +timeout=1');
    expect(gone.out).toEqual([
      ';; communications error to 192.0.2.99#53: timed out',
      ';; communications error to 192.0.2.99#53: timed out',
      ';; no servers could be reached',
    ]);
    expect(gone.lines.map((l) => l.time - t1)).toEqual([SECOND, 2 * SECOND, 2 * SECOND]);
  });

  it('usage errors answer as dig does', async () => {
    const lab = dnsLab();
    const bad = await lab.sh('laptop', 'dig +frob www.example.com');
    expect([bad.status, bad.err[0]]).toEqual([1, 'Invalid option: +frob']);
    const port = await lab.sh('laptop', 'dig -p 99999 www.example.com');
    expect([port.status, port.out, port.err]).toEqual([
      1,
      ["invalid port number '99999': out of range"],
      ["dig: Couldn't parse port number"],
    ]);
    const unknown = await lab.sh('laptop', 'dig @nosuchhost www.example.com');
    expect([unknown.status, unknown.err]).toEqual([
      1,
      ["dig: couldn't get address for 'nosuchhost': not found"],
    ]);
    const unsupported = await lab.sh('laptop', 'dig +trace www.example.com');
    expect([unsupported.status, unsupported.err]).toEqual([
      1,
      ["dig: +trace is not supported by netlab's dig"],
    ]);
    const onSwitch = await lab.sh('sw1', 'dig www.example.com');
    expect(onSwitch.err).toEqual(['dig: socket: Address family not supported by protocol']);
  });

  it('a node without DNS settings asks 127.0.0.1, as a host without resolv.conf does', async () => {
    const lab = new Lab(TWO_LANS);
    const r = await lab.sh('h1', 'dig www.example.com +tries=1 +timeout=1');
    expect(r.status).toBe(9);
    expect(r.out[0]).toBe(';; communications error to 127.0.0.1#53: timed out');
  });

  it('draws its IDs from the node’s seeded stream: two labs, the same IDs; two runs, different ones', async () => {
    const ids = async () => {
      const lab = dnsLab();
      const a = await lab.sh('laptop', 'dig www.example.com +noall +comments');
      const b = await lab.sh('laptop', 'dig www.example.com +noall +comments');
      return [a.out[1], b.out[1]];
    };
    const [x, y] = await ids();
    expect(x).not.toBe(y);
    expect(await ids()).toEqual([x, y]);
  });
});

describe('nslookup and host on a simulated node', () => {
  it('nslookup: the resolver’s non-authoritative answer, NXDOMAIN with status 1, MX', async () => {
    const lab = dnsLab();
    const r = await lab.sh('laptop', 'nslookup www.example.com');
    expect([r.status, r.out]).toEqual([
      0,
      [
        'Server:\t\t10.0.0.53',
        'Address:\t10.0.0.53#53',
        '',
        'Non-authoritative answer:',
        'Name:\twww.example.com',
        'Address: 192.0.2.80',
        '',
      ],
    ]);
    const nx = await lab.sh('laptop', 'nslookup nope.example.com');
    expect([nx.status, nx.out[3]]).toEqual([1, "** server can't find nope.example.com: NXDOMAIN"]);
    const mx = await lab.sh('laptop', 'nslookup -type=mx example.com ns1');
    expect(mx.out).toEqual([
      'Server:\t\tns1',
      'Address:\t192.0.2.53#53',
      '',
      'example.com\tmail exchanger = 10 mail.example.com.',
      '',
    ]);
  });

  it('host: A, AAAA and MX in turn; aliases; NXDOMAIN', async () => {
    const lab = dnsLab();
    expect((await lab.sh('laptop', 'host www.example.com')).out).toEqual([
      'www.example.com has address 192.0.2.80',
    ]);
    expect((await lab.sh('laptop', 'host example.com')).out).toEqual([
      'example.com mail is handled by 10 mail.example.com.',
    ]);
    expect((await lab.sh('laptop', 'host alias.example.com')).out).toEqual([
      'alias.example.com is an alias for www.example.com.',
      'www.example.com has address 192.0.2.80',
    ]);
    const nx = await lab.sh('laptop', 'host nope.example.com');
    expect([nx.status, nx.out]).toEqual([1, ['Host nope.example.com not found: 3(NXDOMAIN)']]);
  });
});
