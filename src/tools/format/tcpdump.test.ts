import { describe, expect, it } from 'vitest';
import { internetChecksum } from '../../internet/checksum.ts';
import { writeIpv4Header } from '../../internet/ipv4.ts';
import { pseudoHeaderSum } from '../../internet/pseudo-header.ts';
import { writeEthernetHeader } from '../../link/ethernet.ts';
import { dissect } from '../dissect/index.ts';
import { TcpdumpPrinter, tcpdumpTime } from './tcpdump.ts';

const A = 0x0a000001;
const B = 0x0a000002;

/** An Ethernet/IPv4/TCP frame with correct checksums. */
function tcp(
  src: number,
  dst: number,
  sport: number,
  dport: number,
  seq: number,
  ack: number,
  flags: number,
  payload = 0,
  options: number[] = [],
): Uint8Array {
  const hl = 20 + options.length;
  const seg = new Uint8Array(hl + payload);
  const v = new DataView(seg.buffer);
  v.setUint16(0, sport);
  v.setUint16(2, dport);
  v.setUint32(4, seq);
  v.setUint32(8, ack);
  seg[12] = (hl / 4) << 4;
  seg[13] = flags;
  v.setUint16(14, 502);
  seg.set(options, 20);
  v.setUint16(16, internetChecksum(seg, 0, seg.length, pseudoHeaderSum(src, dst, 6, seg.length)));
  const frame = new Uint8Array(Math.max(60, 34 + seg.length));
  writeEthernetHeader(frame, 0x020000000002, 0x020000000001, 0x0800);
  writeIpv4Header(
    frame,
    14,
    { protocol: 6, source: src, destination: dst, ttl: 64, dontFragment: true, identification: 1 },
    seg.length,
  );
  frame.set(seg, 34);
  return frame;
}

const MSS_SACK_TS_WS = [2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 7];

describe('tcpdump lines', () => {
  it('formats time of day from simulated time', () => {
    expect(tcpdumpTime(0)).toBe('00:00:00.000000');
    expect(tcpdumpTime(3_723_000_123_456)).toBe('01:02:03.000123');
  });

  it('prints a TCP handshake, data and close with absolute then relative numbers', () => {
    const p = new TcpdumpPrinter({ numeric: true });
    const line = (f: Uint8Array) => p.line(0, f, dissect(f)).slice(16);
    expect(line(tcp(A, B, 40000, 80, 1000, 0, 0x02, 0, MSS_SACK_TS_WS))).toBe(
      'IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [S], seq 1000, win 502, options [mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7], length 0',
    );
    expect(line(tcp(B, A, 80, 40000, 5000, 1001, 0x12))).toBe(
      'IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [S.], seq 5000, ack 1001, win 502, length 0',
    );
    expect(line(tcp(A, B, 40000, 80, 1001, 5001, 0x10))).toBe(
      'IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [.], ack 1, win 502, length 0',
    );
    expect(line(tcp(A, B, 40000, 80, 1001, 5001, 0x18, 100))).toBe(
      'IP 10.0.0.1.40000 > 10.0.0.2.80: Flags [P.], seq 1:101, ack 1, win 502, length 100',
    );
    expect(line(tcp(B, A, 80, 40000, 5001, 1101, 0x11))).toBe(
      'IP 10.0.0.2.80 > 10.0.0.1.40000: Flags [F.], seq 1, ack 101, win 502, length 0',
    );
  });

  it('names hosts and well-known ports without -n', () => {
    const p = new TcpdumpPrinter({ hostName: (a) => (a === A ? 'h1' : a === B ? 'h2' : undefined) });
    const f = tcp(A, B, 40000, 80, 1, 0, 0x02);
    expect(p.line(0, f, dissect(f))).toBe(
      '00:00:00.000000 IP h1.40000 > h2.http: Flags [S], seq 1, win 502, length 0',
    );
  });

  it('-e adds the link-level header', () => {
    const p = new TcpdumpPrinter({ numeric: true, ethernet: true });
    const f = tcp(A, B, 1, 2, 1, 0, 0x04);
    expect(p.line(0, f, dissect(f)).slice(16)).toBe(
      '02:00:00:00:00:01 > 02:00:00:00:00:02, ethertype IPv4 (0x0800), length 60: IP 10.0.0.1.1 > 10.0.0.2.2: Flags [R], seq 1, win 502, length 0',
    );
  });
});
