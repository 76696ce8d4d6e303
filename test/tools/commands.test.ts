/**
 * The shell's commands on a small network: their output as the real tools print it, their
 * exit statuses, and their answers to bad input.
 */
import { describe, expect, it } from 'vitest';
import { IPV4 } from '../../src/internet/ipv4-stack.ts';
import { formatMac } from '../../src/link/mac-address.ts';
import { MILLISECOND, SECOND } from '../../src/sim/time.ts';
import { Lab, TWO_LANS } from './lab-harness.ts';

describe('shell', () => {
  it('answers an unknown command like bash, status 127', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'pnig 10.0.0.1');
    expect(r.status).toBe(127);
    expect(r.err).toEqual(['pnig: command not found']);
  });

  it('reports an unterminated quote and refuses node commands on the lab shell', async () => {
    const lab = new Lab(TWO_LANS);
    const q = await lab.sh('h1', "echo 'oops");
    expect(q.status).toBe(2);
    expect(q.err[0]).toContain("unexpected EOF while looking for matching `''");
    const n = await lab.sh(undefined, 'ping 10.0.1.11');
    expect(n.status).toBe(2);
    expect(n.err[0]).toContain('runs on a node');
  });

  it('echo prints its words; help lists the commands', async () => {
    const lab = new Lab(TWO_LANS);
    expect((await lab.sh('h1', 'echo "hello   world" again')).out).toEqual(['hello   world again']);
    const help = await lab.sh('h1', 'help');
    expect(help.out.some((l) => l.startsWith('ping '))).toBe(true);
    expect(help.out.some((l) => l.startsWith('traceroute '))).toBe(true);
  });
});

describe('ping', () => {
  it('prints replies, the statistics, and exits 0', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ping -c 2 10.0.1.11');
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe('PING 10.0.1.11 (10.0.1.11) 56(84) bytes of data.');
    expect(r.out[1]).toMatch(/^64 bytes from 10\.0\.1\.11: icmp_seq=1 ttl=64 time=0\.\d{3} ms$/);
    expect(r.out[2]).toMatch(/^64 bytes from 10\.0\.1\.11: icmp_seq=2 ttl=64 time=0\.\d{3} ms$/);
    expect(r.out.slice(3, 6)).toEqual([
      '',
      '--- 10.0.1.11 ping statistics ---',
      '2 packets transmitted, 2 received, 0% packet loss, time 1000ms',
    ]);
    expect(r.out[6]).toMatch(/^rtt min\/avg\/max\/mdev = [\d.]+\/[\d.]+\/[\d.]+\/[\d.]+ ms$/);
  });

  it('shows names when given a name, like iputils', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ping -c 1 h3');
    expect(r.out[0]).toBe('PING h3 (10.0.2.10) 56(84) bytes of data.');
    expect(r.out[1]).toMatch(/^64 bytes from h3 \(10\.0\.2\.10\): icmp_seq=1 ttl=63 time=/);
  });

  it('without room for a timestamp (-s 8) prints no time, as iputils does', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ping -c 1 -s 8 10.0.1.11');
    expect(r.out[0]).toBe('PING 10.0.1.11 (10.0.1.11) 8(36) bytes of data.');
    expect(r.out[1]).toBe('16 bytes from 10.0.1.11: icmp_seq=1 ttl=64');
  });

  it('reports an address nobody answers ARP for: Destination Host Unreachable from itself, after 3 s', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ping -c 1 10.0.1.200');
    expect(r.status).toBe(1);
    const err = r.lines.find((l) => l.text.startsWith('From'))!;
    expect(err.text).toBe('From 10.0.1.10 icmp_seq=1 Destination Host Unreachable');
    expect(err.time).toBe(3 * SECOND);
    expect(r.out).toContain('1 packets transmitted, 0 received, +1 errors, 100% packet loss, time 0ms');
  });

  it('marks duplicated replies (DUP!)', async () => {
    const lab = new Lab(
      TWO_LANS.replace('    - [r1:eth1, h3]', '    - { endpoints: [r1:eth1, h3], duplicate: 1 }'),
    );
    const r = await lab.sh('h1', 'ping -c 2 10.0.2.10');
    expect(r.out.filter((l) => l.endsWith('(DUP!)')).length).toBeGreaterThan(0);
    expect(r.out.some((l) => /2 received, \+\d+ duplicates/.test(l))).toBe(true);
  });

  it('answers bad usage with iputils’ messages and status 2', async () => {
    const lab = new Lab(TWO_LANS);
    const cases: [string, string][] = [
      ['ping', 'ping: usage error: Destination address required'],
      ['ping -c 0 10.0.1.11', "ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807"],
      ['ping -c x 10.0.1.11', "ping: invalid argument: 'x'"],
      ['ping -z 10.0.1.11', "ping: invalid option -- 'z'"],
      ['ping -c 1 nowhere', 'ping: nowhere: Name or service not known'],
      ['ping -c 1 -I eth9 10.0.1.11', 'ping: unknown iface: eth9'],
    ];
    for (const [line, message] of cases) {
      const r = await lab.sh('h1', line);
      expect([line, r.status, r.err]).toEqual([line, 2, [message]]);
    }
  });

  it('without a route says Network is unreachable', async () => {
    const r = await new Lab(TWO_LANS).sh('lonely', 'ping -c 1 10.0.2.10');
    expect(r.status).toBe(2);
    expect(r.err).toEqual(['ping: connect: Network is unreachable']);
  });

  it('prints the statistics when interrupted, like Ctrl-C', async () => {
    const lab = new Lab(TWO_LANS);
    const job = lab.start('h1', 'ping 10.0.1.11');
    await lab.wait(2500 * MILLISECOND);
    job.interrupt();
    expect(await job.done).toBe(0);
    const text = lab.linesOf(job).map((l) => l.text);
    expect(text).toContain('3 packets transmitted, 3 received, 0% packet loss, time 2000ms');
  });

  it('with -t 1 across a router gets Time to live exceeded from the router', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ping -c 1 -t 1 10.0.2.10');
    expect(r.out).toContain('From 10.0.1.1 icmp_seq=1 Time to live exceeded');
  });
});

describe('traceroute', () => {
  it('lists the router, then the destination', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'traceroute h3');
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe('traceroute to h3 (10.0.2.10), 30 hops max, 60 byte packets');
    expect(r.out[1]).toMatch(/^ 1 {2}r1 \(10\.0\.1\.1\) {2}[\d.]+ ms {2}[\d.]+ ms {2}[\d.]+ ms$/);
    expect(r.out[2]).toMatch(/^ 2 {2}h3 \(10\.0\.2\.10\) {2}[\d.]+ ms {2}[\d.]+ ms {2}[\d.]+ ms$/);
    expect(r.out.length).toBe(3);
  });

  it('prints * for a silent hop and stops at -m', async () => {
    // A firewall on r1 that drops every ICMP message it would send: probes go unanswered.
    const lab = new Lab(TWO_LANS);
    lab.network
      .node('r1')!
      .service(IPV4)!
      .filters.output.push((p) => (p[9] === 1 ? 'drop' : 'accept'));
    const r = await lab.sh('h1', 'traceroute -n -q 2 -w 1 10.0.2.10');
    // The silent router is a line of stars; the destination behind it still answers.
    expect(r.out.slice(1)).toEqual([
      ' 1  * *',
      expect.stringMatching(/^ 2 {2}10\.0\.2\.10 {2}[\d.]+ ms {2}[\d.]+ ms$/),
    ]);
    expect(r.endedAt).toBeGreaterThan(2 * SECOND);
    expect(r.endedAt).toBeLessThan(2 * SECOND + MILLISECOND);
    const capped = await lab.sh('h1', 'traceroute -n -m 1 -q 1 -w 1 10.0.2.10');
    expect(capped.out.slice(1)).toEqual([' 1  *']);
  });

  it('rejects a missing host and a bad option', async () => {
    const lab = new Lab(TWO_LANS);
    expect((await lab.sh('h1', 'traceroute')).status).toBe(2);
    const bad = await lab.sh('h1', 'traceroute -q 0 h3');
    expect(bad.status).toBe(2);
    expect(bad.err[0]).toContain("invalid argument: '0'");
  });
});

describe('arp and ip', () => {
  it('arp -a, arp -n and static entries', async () => {
    const lab = new Lab(TWO_LANS);
    await lab.sh('h1', 'ping -c 1 10.0.1.11');
    const h2mac = formatMac(lab.network.node('h2')!.device('eth0').mac);
    expect((await lab.sh('h1', 'arp -a')).out).toEqual([`h2 (10.0.1.11) at ${h2mac} [ether] on eth0`]);
    expect((await lab.sh('h1', 'arp -an')).out).toEqual([`? (10.0.1.11) at ${h2mac} [ether] on eth0`]);
    expect((await lab.sh('h1', 'arp -s 10.0.1.50 02:aa:bb:cc:dd:ee')).status).toBe(0);
    const table = (await lab.sh('h1', 'arp -n')).out;
    expect(table[0]).toMatch(/^Address {18}HWtype {2}HWaddress/);
    expect(
      table.some((l) => l.startsWith('10.0.1.50') && l.includes('02:aa:bb:cc:dd:ee') && l.includes('CM')),
    ).toBe(true);
    expect((await lab.sh('h1', 'arp -d 10.0.1.50')).status).toBe(0);
    const gone = await lab.sh('h1', 'arp -d 10.0.1.50');
    expect([gone.status, gone.err]).toEqual([1, ['No ARP entry for 10.0.1.50']]);
  });

  it('ip route shows connected and default routes as iproute2 does', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ip route');
    expect(r.out).toEqual([
      'default via 10.0.1.1 dev eth0',
      '10.0.1.0/24 dev eth0 proto kernel scope link src 10.0.1.10',
    ]);
  });

  it('ip route add gives a host without a gateway its way out; del takes it away', async () => {
    const lab = new Lab(TWO_LANS);
    expect((await lab.sh('lonely', 'ip route add 10.0.2.0/24 via 10.0.1.1')).status).toBe(0);
    expect((await lab.sh('lonely', 'ip r')).out).toContain('10.0.2.0/24 via 10.0.1.1 dev eth0');
    expect((await lab.sh('lonely', 'ping -c 1 10.0.2.10')).status).toBe(0);
    const dup = await lab.sh('lonely', 'ip route add 10.0.2.0/24 via 10.0.1.1');
    expect(dup.err).toEqual(['RTNETLINK answers: File exists']);
    expect((await lab.sh('lonely', 'ip route del 10.0.2.0/24')).status).toBe(0);
    expect((await lab.sh('lonely', 'ip route del 10.0.2.0/24')).err).toEqual([
      'RTNETLINK answers: No such process',
    ]);
    expect((await lab.sh('lonely', 'ip route add 10.9.0.0/16 via 10.7.0.1')).err).toEqual([
      'Error: Nexthop has invalid gateway.',
    ]);
  });

  it('ip route get names the next hop and the source address', async () => {
    const r = await new Lab(TWO_LANS).sh('h1', 'ip route get 10.0.2.10');
    expect(r.out[0]).toBe('10.0.2.10 via 10.0.1.1 dev eth0 src 10.0.1.10 uid 0 ');
  });

  it('ip addr shows lo and eth0; ip link set down stops traffic and shows in ip link', async () => {
    const lab = new Lab(TWO_LANS);
    const addr = (await lab.sh('h1', 'ip addr')).out;
    expect(addr[0]).toBe(
      '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    );
    expect(addr).toContain('    inet 10.0.1.10/24 brd 10.0.1.255 scope global eth0');
    expect((await lab.sh('h1', 'ip link set eth0 down')).status).toBe(0);
    expect((await lab.sh('h1', 'ip link show eth0')).out[0]).toMatch(
      /^2: eth0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN/,
    );
    expect((await lab.sh('h1', 'ping -c 1 -W 1 10.0.1.11')).status).toBe(1);
    expect((await lab.sh('h1', 'ip link set dev eth0 up')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 10.0.1.11')).status).toBe(0);
    expect((await lab.sh('h1', 'ip link set eth7 down')).err).toEqual(['Cannot find device "eth7"']);
    expect((await lab.sh('h1', 'ip frob')).err).toEqual(['Object "frob" is unknown, try "ip help".']);
  });

  it('ip neigh lists the ARP cache with its states', async () => {
    const lab = new Lab(TWO_LANS);
    await lab.sh('h1', 'ping -c 1 -W 1 10.0.1.200');
    await lab.sh('h1', 'ping -c 1 10.0.1.11');
    const out = (await lab.sh('h1', 'ip neigh')).out;
    expect(out).toContain(
      `10.0.1.11 dev eth0 lladdr ${formatMac(lab.network.node('h2')!.device('eth0').mac)} REACHABLE`,
    );
  });
});

describe('arping', () => {
  it('broadcasts the first probe, then unicasts to the MAC that answered', async () => {
    const lab = new Lab(TWO_LANS);
    const r = await lab.sh('h1', 'arping -c 2 10.0.1.11');
    const mac = formatMac(lab.network.node('h2')!.device('eth0').mac).toUpperCase();
    expect(r.status).toBe(0);
    expect(r.out[0]).toBe('ARPING 10.0.1.11 from 10.0.1.10 eth0');
    expect(r.out[1]).toMatch(new RegExp(`^Unicast reply from 10\\.0\\.1\\.11 \\[${mac}\\]  0\\.\\d{3}ms$`));
    expect(r.out.slice(-2)).toEqual(['Sent 2 probes (1 broadcast(s))', 'Received 2 response(s)']);
  });

  it('-D finds an address already in use; -U announces without expecting replies', async () => {
    const lab = new Lab(TWO_LANS);
    expect((await lab.sh('h1', 'arping -D -c 1 10.0.1.11')).status).toBe(1);
    expect((await lab.sh('h1', 'arping -D -c 1 10.0.1.123')).status).toBe(0);
    const u = await lab.sh('h1', 'arping -U -c 1 10.0.1.10');
    expect([u.status, u.out]).toEqual([
      0,
      ['ARPING 10.0.1.10 from 10.0.1.10 eth0', 'Sent 1 probes (1 broadcast(s))', 'Received 0 response(s)'],
    ]);
    expect((await lab.sh('h1', 'arping -c 1 10.0.1.200')).status).toBe(1);
  });
});

describe('iptables', () => {
  it('adds, lists, prints as commands, deletes and flushes rules; policies apply', async () => {
    const lab = new Lab(TWO_LANS);
    expect(
      (
        await lab.sh(
          'h2',
          'iptables -A INPUT -p tcp -s 10.0.1.0/24 --dport 80 -j REJECT --reject-with icmp-admin-prohibited',
        )
      ).status,
    ).toBe(0);
    expect((await lab.sh('h2', 'iptables -I INPUT -p icmp --icmp-type echo-request -j DROP')).status).toBe(0);
    expect((await lab.sh('h2', 'iptables -S INPUT')).out).toEqual([
      '-P INPUT ACCEPT',
      '-A INPUT -p icmp -m icmp --icmp-type 8 -j DROP',
      '-A INPUT -s 10.0.1.0/24 -p tcp -m tcp --dport 80 -j REJECT --reject-with icmp-admin-prohibited',
    ]);
    expect((await lab.sh('h2', 'iptables -L INPUT')).out).toEqual([
      'Chain INPUT (policy ACCEPT)',
      'target     prot opt source               destination         ',
      'DROP       icmp --  anywhere             anywhere             icmp echo-request',
      'REJECT     tcp  --  10.0.1.0/24          anywhere             tcp dpt:http reject-with icmp-admin-prohibited',
    ]);
    expect((await lab.sh('h1', 'ping -c 1 -W 1 10.0.1.11')).status).toBe(1);
    expect((await lab.sh('h2', 'iptables -D INPUT 1')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 10.0.1.11')).status).toBe(0);
    expect((await lab.sh('h2', 'iptables -P INPUT DROP')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 -W 1 10.0.1.11')).status).toBe(1);
    expect((await lab.sh('h2', 'iptables -F')).status).toBe(0);
    expect((await lab.sh('h2', 'iptables -P INPUT ACCEPT')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 10.0.1.11')).status).toBe(0);
  });

  it('answers mistakes in iptables’ words', async () => {
    const lab = new Lab(TWO_LANS);
    const cases: [string, number, string][] = [
      ['iptables -A BOGUS -j DROP', 1, 'iptables: No chain/target/match by that name.'],
      ['iptables -A INPUT -p gre -j DROP', 2, 'iptables v1.8.9 (legacy): unknown protocol "gre" specified'],
      [
        'iptables -A INPUT -j MASQUERADE',
        2,
        "iptables v1.8.9 (legacy): Couldn't load target `MASQUERADE':No such file or directory",
      ],
      ['iptables -A INPUT --dport 80 -j DROP', 2, 'iptables v1.8.9 (legacy): unknown option "--dport"'],
      [
        'iptables -A INPUT -s 10.0.0.300 -j DROP',
        2,
        "iptables v1.8.9 (legacy): host/network `10.0.0.300' not found",
      ],
      ['iptables -D INPUT 5', 1, 'iptables: Index of deletion too big.'],
    ];
    for (const [line, status, message] of cases) {
      const r = await lab.sh('h2', line);
      expect([line, r.status, r.err[0]]).toEqual([line, status, message]);
    }
  });
});

describe('tcpdump', () => {
  it('prints only what the filter selects, and its counts when stopped', async () => {
    const lab = new Lab(TWO_LANS);
    const dump = lab.start('h2', 'tcpdump -n -i eth0 icmp');
    await lab.sh('h2', 'ping -c 1 10.0.1.10');
    dump.interrupt();
    await dump.done;
    const lines = lab.linesOf(dump);
    const out = lines.filter((l) => l.stream === 'out').map((l) => l.text.slice(16));
    expect(out).toEqual([
      expect.stringMatching(/^IP 10\.0\.1\.11 > 10\.0\.1\.10: ICMP echo request, id \d+, seq 1, length 64$/),
      expect.stringMatching(/^IP 10\.0\.1\.10 > 10\.0\.1\.11: ICMP echo reply, id \d+, seq 1, length 64$/),
    ]);
    const err = lines.filter((l) => l.stream === 'err').map((l) => l.text);
    expect(err.slice(-3)).toEqual([
      '2 packets captured',
      '4 packets received by filter',
      '0 packets dropped by kernel',
    ]);
  });

  it('-w writes a pcap file, -c stops after N packets', async () => {
    const lab = new Lab(TWO_LANS);
    const dump = lab.start('h2', 'tcpdump -i eth0 -c 3 -w h2.pcap');
    await lab.sh('h2', 'ping -c 2 10.0.1.10');
    expect(await dump.done).toBe(0);
    const file = lab.run.env.files.get('h2.pcap')!;
    const view = new DataView(file.buffer, file.byteOffset);
    expect(view.getUint32(0, true)).toBe(0xa1b23c4d);
    // Three records: header 24 bytes, then 16 + 60 (ARP) and 16 + 98 twice... at least 3 records.
    let at = 24;
    let records = 0;
    while (at < file.length) {
      at += 16 + view.getUint32(at + 8, true);
      records++;
    }
    expect(records).toBe(3);
  });

  it('rejects a bad filter and a missing interface', async () => {
    const lab = new Lab(TWO_LANS);
    const f = await lab.sh('h2', 'tcpdump port banana');
    expect([f.status, f.err]).toEqual([1, ['tcpdump: illegal port number banana']]);
    const i = await lab.sh('h2', 'tcpdump -i eth3');
    expect([i.status, i.err]).toEqual([1, ['tcpdump: eth3: No such device exists']]);
  });
});

describe('iperf (UDP)', () => {
  it('reports what arrived, with losses and the server report on the client', async () => {
    const lab = new Lab(TWO_LANS);
    const server = lab.start('h3', 'iperf -s -u');
    const c = await lab.sh('h1', 'iperf -c 10.0.2.10 -u -b 10M -t 2');
    expect(c.status).toBe(0);
    expect(c.out[1]).toBe('Client connecting to 10.0.2.10, UDP port 5001');
    expect(c.out[2]).toBe('Sending 1470 byte datagrams, IPG target: 1121.52 us (kalman adjust)');
    expect(c.out).toContain('[  1] Server Report:');
    const last = c.out.at(-1)!;
    expect(last).toMatch(
      /^\[ {2}1\] 0\.0000-\d\.\d{4} sec {2}2\.50 MBytes {2}10\.5 Mbits\/sec +[\d.]+ ms 0\/1784 \(0%\)$/,
    );
    server.interrupt();
    expect(await server.done).toBe(0);
  });

  it('explains bad usage', async () => {
    const lab = new Lab(TWO_LANS);
    expect((await lab.sh('h1', 'iperf')).status).toBe(1);
    expect((await lab.sh('h1', 'iperf -c 10.0.2.10 -u -b fast')).err).toEqual([
      'iperf: invalid bandwidth fast',
    ]);
    lab.start('h3', 'iperf -s -u');
    expect((await lab.sh('h3', 'iperf -s -u')).err).toEqual(['bind failed: Address already in use']);
  });
});

describe('lab commands', () => {
  it('link down cuts exactly one cable; node down powers a node off', async () => {
    const lab = new Lab(TWO_LANS);
    expect((await lab.sh(undefined, 'link down r1 h3')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 -W 1 10.0.2.10')).status).toBe(1);
    expect((await lab.sh(undefined, 'link up r1:eth1 h3')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 10.0.2.10')).status).toBe(0);
    expect((await lab.sh(undefined, 'link down h1 h3')).err).toEqual([
      'link: no single cable between h1 and h3',
    ]);
    expect((await lab.sh(undefined, 'node down sw1')).status).toBe(0);
    expect((await lab.sh('h1', 'ping -c 1 -W 1 10.0.1.11')).status).toBe(1);
    expect((await lab.sh(undefined, 'node sideways sw1')).status).toBe(2);
  });
});
