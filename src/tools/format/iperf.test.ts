import { describe, expect, it } from 'vitest';
import { iperfBits, iperfBytes, iperfTransfer, iperfUdpServerLine, parseIperfQuantity } from './iperf.ts';

// Every expected line below was printed by the real iperf 2.1.8 on loopback.
describe('iperf 2 text', () => {
  it('adapts units like byte_snprintf', () => {
    expect(iperfBytes(180 * 1470)).toBe(' 258 KByte');
    expect(iperfBytes(38_029_000)).toBe('36.3 MByte');
    expect(iperfBytes(3 * 1470)).toBe('4.31 KByte');
    expect(iperfBits(2_116_800)).toBe('2.12 Mbit');
    expect(iperfBits(304_170_000)).toBe(' 304 Mbit');
    expect(iperfBits(523_000)).toBe(' 523 Kbit');
  });

  it('prints transfer and UDP server lines as the real tool', () => {
    expect(iperfTransfer(0, 1, 180 * 1470)).toBe('0.0000-1.0000 sec   258 KBytes  2.12 Mbits/sec');
    expect(iperfUdpServerLine(1, 0, 3.0058, 538 * 1470, 0.002, 0, 538)).toBe(
      '[  1] 0.0000-3.0058 sec   772 KBytes  2.10 Mbits/sec   0.002 ms 0/538 (0%)',
    );
    expect(iperfUdpServerLine(1, 0, 1.0002, (39323 - 1294) * 1000, 0, 1294, 39323)).toBe(
      '[  1] 0.0000-1.0002 sec  36.3 MBytes   304 Mbits/sec   0.000 ms 1294/39323 (3.3%)',
    );
  });

  it('reads -b and -l like iperf 2: upper case is binary, lower case decimal', () => {
    expect(parseIperfQuantity('2M')).toBe(2 * 1024 * 1024);
    expect(parseIperfQuantity('500k')).toBe(500_000);
    expect(parseIperfQuantity('1.5m')).toBe(1_500_000);
    expect(parseIperfQuantity('1470')).toBe(1470);
    expect(parseIperfQuantity('fast')).toBeUndefined();
    expect(parseIperfQuantity('-1M')).toBeUndefined();
  });
});
