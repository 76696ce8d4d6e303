import { describe, expect, it } from 'vitest';
import { formatPingTime, pingHeaderLine, pingIcmpErrorText, pingLine, pingSummaryLines } from './ping.ts';

const US = 1000;
const MS = 1_000_000;

describe('ping header', () => {
  it('prints the target, address, payload and packet size', () => {
    expect(pingHeaderLine({ target: '10.0.0.2', address: '10.0.0.2' })).toBe(
      'PING 10.0.0.2 (10.0.0.2) 56(84) bytes of data.',
    );
    expect(pingHeaderLine({ target: 'server', address: '10.0.0.2', dataBytes: 100 })).toBe(
      'PING server (10.0.0.2) 100(128) bytes of data.',
    );
    expect(
      pingHeaderLine({
        target: '10.0.0.2',
        address: '10.0.0.2',
        from: { source: '10.0.0.1', device: 'eth0' },
      }),
    ).toBe('PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 eth0: 56(84) bytes of data.');
    expect(pingHeaderLine({ target: '10.0.0.2', address: '10.0.0.2', from: { source: '10.0.0.1' } })).toBe(
      'PING 10.0.0.2 (10.0.0.2) from 10.0.0.1 : 56(84) bytes of data.',
    );
  });
});

describe('ping reply time', () => {
  it.each([
    [123_456, '0.123'],
    [999_999, '0.999'],
    [1_000_000, '1.00'],
    [1_234_000, '1.23'],
    [1_235_000, '1.24'],
    [9_994_000, '9.99'],
    [9_995_000, '10.0'],
    [12_345_000, '12.3'],
    [99_949_000, '99.9'],
    [99_950_000, '100'],
    [1_234_567_890, '1235'],
  ])('%i ns prints as %s', (ns, text) => {
    expect(formatPingTime(ns)).toBe(text);
  });
});

describe('ping lines', () => {
  it('prints replies', () => {
    const reply = { kind: 'reply', bytes: 64, from: '10.0.0.2', seq: 1, ttl: 64, rttNs: 123 * US } as const;
    expect(pingLine(reply)).toBe('64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.123 ms');
    expect(pingLine({ ...reply, duplicate: true })).toBe(
      '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 time=0.123 ms (DUP!)',
    );
    expect(pingLine({ ...reply, fromName: 'server.lab', ttl: 63, rttNs: 1.234 * MS })).toBe(
      '64 bytes from server.lab (10.0.0.2): icmp_seq=1 ttl=63 time=1.23 ms',
    );
    expect(pingLine({ ...reply, rttNs: undefined, bytes: 12 })).toBe(
      '12 bytes from 10.0.0.2: icmp_seq=1 ttl=64',
    );
    expect(pingLine({ ...reply, truncated: true })).toBe(
      '64 bytes from 10.0.0.2: icmp_seq=1 ttl=64 (truncated)',
    );
  });

  it('prints ICMP errors', () => {
    expect(pingLine({ kind: 'error', from: '10.0.0.254', seq: 1, message: pingIcmpErrorText(3, 1) })).toBe(
      'From 10.0.0.254 icmp_seq=1 Destination Host Unreachable',
    );
    expect(pingLine({ kind: 'error', from: '10.0.0.1', seq: 3, message: pingIcmpErrorText(11, 0) })).toBe(
      'From 10.0.0.1 icmp_seq=3 Time to live exceeded',
    );
  });

  it('names every ICMP error as iputils does', () => {
    expect(pingIcmpErrorText(3, 0)).toBe('Destination Net Unreachable');
    expect(pingIcmpErrorText(3, 3)).toBe('Destination Port Unreachable');
    expect(pingIcmpErrorText(3, 4, 1400)).toBe('Frag needed and DF set (mtu = 1400)');
    expect(pingIcmpErrorText(3, 13)).toBe('Packet filtered');
    expect(pingIcmpErrorText(3, 99)).toBe('Dest Unreachable, Bad Code: 99');
    expect(pingIcmpErrorText(11, 1)).toBe('Frag reassembly time exceeded');
    expect(pingIcmpErrorText(12, 0, 20)).toBe('Parameter problem: pointer = 20');
    expect(pingIcmpErrorText(42, 0)).toBe('Bad ICMP type: 42');
  });
});

describe('ping summary', () => {
  it('prints counts, loss, time and rtt statistics with iputils mdev', () => {
    expect(
      pingSummaryLines({
        target: '10.0.0.2',
        transmitted: 3,
        received: 3,
        elapsedNs: 2003 * MS,
        rttsNs: [101 * US, 115 * US, 131 * US],
      }),
    ).toEqual([
      '',
      '--- 10.0.0.2 ping statistics ---',
      '3 packets transmitted, 3 received, 0% packet loss, time 2003ms',
      'rtt min/avg/max/mdev = 0.101/0.115/0.131/0.012 ms',
    ]);
  });

  it('truncates rtts to microseconds and rounds the time to milliseconds', () => {
    const lines = pingSummaryLines({
      target: 'server',
      transmitted: 3,
      received: 2,
      elapsedNs: 2_002_500_000,
      rttsNs: [1_000_999, 3_000_999],
    });
    expect(lines.slice(2)).toEqual([
      '3 packets transmitted, 2 received, 33.3333% packet loss, time 2003ms',
      'rtt min/avg/max/mdev = 1.000/2.000/3.000/1.000 ms',
    ]);
  });

  it('counts duplicates in the statistics', () => {
    const lines = pingSummaryLines({
      target: '10.0.0.255',
      transmitted: 2,
      received: 2,
      duplicates: 1,
      elapsedNs: 1001 * MS,
      rttsNs: [100 * US, 200 * US, 300 * US],
    });
    expect(lines.slice(2)).toEqual([
      '2 packets transmitted, 2 received, +1 duplicates, 0% packet loss, time 1001ms',
      'rtt min/avg/max/mdev = 0.100/0.200/0.300/0.081 ms',
    ]);
  });

  it('prints errors and pipe when nothing came back', () => {
    expect(
      pingSummaryLines({
        target: '10.0.0.9',
        transmitted: 4,
        received: 0,
        errors: 3,
        elapsedNs: 3049 * MS,
        rttsNs: [],
        pipe: 4,
      }),
    ).toEqual([
      '',
      '--- 10.0.0.9 ping statistics ---',
      '4 packets transmitted, 0 received, +3 errors, 100% packet loss, time 3049ms',
      'pipe 4',
    ]);
  });

  it('ends with an empty line when there is neither rtt nor pipe', () => {
    expect(
      pingSummaryLines({ target: 'x', transmitted: 3, received: 0, elapsedNs: 2 * 1e9, rttsNs: [] }),
    ).toEqual([
      '',
      '--- x ping statistics ---',
      '3 packets transmitted, 0 received, 100% packet loss, time 2000ms',
      '',
    ]);
  });

  it('prints loss with %g precision and tie-breaking', () => {
    const line = (tx: number, rx: number) =>
      pingSummaryLines({ target: 'x', transmitted: tx, received: rx, elapsedNs: 0, rttsNs: [] })[2];
    expect(line(512, 511)).toBe('512 packets transmitted, 511 received, 0.195312% packet loss, time 0ms');
    expect(line(7, 1)).toBe('7 packets transmitted, 1 received, 85.7143% packet loss, time 0ms');
    expect(line(0, 0)).toBe('0 packets transmitted, 0 received');
  });

  it('uses the other variance formula when the rtt sum passes 2^31 microseconds', () => {
    const lines = pingSummaryLines({
      target: 'x',
      transmitted: 2,
      received: 2,
      elapsedNs: 1e9,
      rttsNs: [1500e9, 1000e9],
    });
    expect(lines[3]).toBe('rtt min/avg/max/mdev = 1000000.000/1250000.000/1500000.000/250000.000 ms');
    // Variance above 2^53 µs²: the square root must be taken on integers, as iputils does
    // (cross-checked against the C code compiled with gcc).
    const big = pingSummaryLines({
      target: 'x',
      transmitted: 2,
      received: 2,
      elapsedNs: 1e9,
      rttsNs: [107_000_656_000, 755_000_404_000],
    });
    expect(big[3]).toBe('rtt min/avg/max/mdev = 107000.656/431000.530/755000.404/323999.873 ms');
  });
});
