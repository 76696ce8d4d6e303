import { describe, expect, it } from 'vitest';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { PcapWriter, pcapBytes, pcapGlobalHeader } from './pcap-writer.ts';

// Checked against a throwaway Python script using struct.pack('<IHHiIII', 0xa1b23c4d, 2, 4,
// 0, 0, 262144, 1) and struct.pack('<IIII', sec, nsec, caplen, len) per record.
const GLOBAL_HEADER = '4d3cb2a1 0200 0400 00000000 00000000 00000400 01000000';
const TWO_RECORDS =
  GLOBAL_HEADER +
  // t = 1.000000001 s, 4 bytes
  '01000000 01000000 04000000 04000000 01020304' +
  // t = 2.5 s, 2 bytes
  '02000000 0065cd1d 02000000 02000000 aabb';

describe('PcapWriter', () => {
  it('writes the global header on construction: ns magic little-endian, 2.4, snaplen 262144, Ethernet', () => {
    const chunks: Uint8Array[] = [];
    new PcapWriter((c) => chunks.push(c));
    expect(chunks).toHaveLength(1);
    expect(toHex(chunks[0]!)).toBe(GLOBAL_HEADER.replace(/ /g, ''));
    expect(toHex(pcapGlobalHeader())).toBe(GLOBAL_HEADER.replace(/ /g, ''));
  });

  it('writes the exact bytes of a file with two records', () => {
    const file = pcapBytes([
      { timeNs: 1_000_000_001, frame: Uint8Array.of(1, 2, 3, 4) },
      { timeNs: 2_500_000_000, frame: Uint8Array.of(0xaa, 0xbb) },
    ]);
    expect(toHex(file)).toBe(toHex(fromHex(TWO_RECORDS)));
  });

  it('cuts frames to the snaplen and records the original length', () => {
    const file = pcapBytes([{ timeNs: 0, frame: Uint8Array.of(1, 2, 3, 4, 5) }], {
      snaplen: 3,
      linkType: 101,
    });
    expect(toHex(file)).toBe(
      toHex(
        fromHex(
          '4d3cb2a1 0200 0400 00000000 00000000 03000000 65000000 00000000 00000000 03000000 05000000 010203',
        ),
      ),
    );
  });

  it('copies the frame: later changes to the live buffer do not reach the capture', () => {
    const chunks: Uint8Array[] = [];
    const writer = new PcapWriter((c) => chunks.push(c));
    const frame = Uint8Array.of(9, 9, 9);
    writer.write(5, frame);
    frame[0] = 0;
    expect(Array.from(chunks[1]!.subarray(16))).toEqual([9, 9, 9]);
    expect(writer.records).toBe(1);
    expect(writer.bytes).toBe(24 + 16 + 3);
  });

  it('rejects bad options and bad times with typed errors', () => {
    const sink = () => {};
    expect(() => new PcapWriter(sink, { snaplen: 0 })).toThrow(NetlabError);
    expect(() => new PcapWriter(sink, { snaplen: 262_145 })).toThrow(NetlabError);
    expect(() => new PcapWriter(sink, { linkType: -1 })).toThrow(NetlabError);
    const writer = new PcapWriter(sink);
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) {
      try {
        writer.write(bad, new Uint8Array(1));
        expect.unreachable();
      } catch (e) {
        expect((e as NetlabError).code).toBe('pcap-bad-time');
      }
    }
  });
});
