import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { pcapBytes, pcapGlobalHeader } from './pcap-writer.ts';
import { readPcap } from './pcap-reader.ts';

function ok<T>(v: T | ProtocolError): T {
  if (v instanceof ProtocolError) throw new Error(v.toString());
  return v;
}

/** A microsecond file written by hand in the given byte order. */
function microsecondFile(littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(24 + 16 + 2);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, littleEndian);
  v.setUint16(4, 2, littleEndian);
  v.setUint16(6, 4, littleEndian);
  v.setUint32(16, 65535, littleEndian);
  v.setUint32(20, 1, littleEndian);
  v.setUint32(24, 7, littleEndian);
  v.setUint32(28, 250_000, littleEndian);
  v.setUint32(32, 2, littleEndian);
  v.setUint32(36, 60, littleEndian);
  out[40] = 0xde;
  out[41] = 0xad;
  return out;
}

describe('readPcap', () => {
  it('reads back what the writer wrote', () => {
    const frames = [
      { timeNs: 0, frame: Uint8Array.of(1) },
      { timeNs: 1_000_000_001, frame: new Uint8Array(60).fill(7) },
      { timeNs: 2 ** 50, frame: Uint8Array.of(1, 2, 3) },
    ];
    const file = ok(readPcap(pcapBytes(frames)));
    expect(file).toMatchObject({ linkType: 1, nanoseconds: true, littleEndian: true, snaplen: 262_144 });
    expect(file.records.map((r) => r.timeNs)).toEqual(frames.map((f) => f.timeNs));
    expect(file.records.map((r) => Array.from(r.frame))).toEqual(frames.map((f) => Array.from(f.frame)));
    expect(file.records.map((r) => r.originalLength)).toEqual([1, 60, 3]);
  });

  it('property: any records round-trip, cut to the snaplen', () => {
    const record = fc.record({
      timeNs: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
      frame: fc.uint8Array({ maxLength: 200 }),
    });
    fc.assert(
      fc.property(
        fc.array(record, { maxLength: 8 }),
        fc.integer({ min: 1, max: 300 }),
        (records, snaplen) => {
          const file = ok(readPcap(pcapBytes(records, { snaplen })));
          expect(file.snaplen).toBe(snaplen);
          expect(file.records).toHaveLength(records.length);
          file.records.forEach((r, i) => {
            const input = records[i]!;
            expect(r.timeNs).toBe(input.timeNs);
            expect(r.originalLength).toBe(input.frame.length);
            expect(Array.from(r.frame)).toEqual(Array.from(input.frame.subarray(0, snaplen)));
          });
        },
      ),
    );
  });

  it('reads microsecond files in both byte orders', () => {
    for (const le of [true, false]) {
      const file = ok(readPcap(microsecondFile(le)));
      expect(file).toMatchObject({ nanoseconds: false, littleEndian: le, snaplen: 65535, linkType: 1 });
      expect(file.records).toHaveLength(1);
      expect(file.records[0]).toMatchObject({ timeNs: 7_250_000_000, seconds: 7, subsecondNs: 250_000_000 });
      expect(file.records[0]!.originalLength).toBe(60);
      expect(Array.from(file.records[0]!.frame)).toEqual([0xde, 0xad]);
    }
  });

  it('reads an empty capture (header only)', () => {
    expect(ok(readPcap(pcapGlobalHeader())).records).toEqual([]);
  });

  it('rejects bad input with typed errors', () => {
    const code = (b: Uint8Array) => (readPcap(b) as ProtocolError).code;
    expect(code(new Uint8Array(10))).toBe('truncated');
    expect(code(new Uint8Array(24))).toBe('bad-magic');
    const badVersion = pcapGlobalHeader();
    badVersion[4] = 1;
    expect(code(badVersion)).toBe('unsupported-version');

    const file = pcapBytes([{ timeNs: 1, frame: Uint8Array.of(1, 2, 3, 4) }], { snaplen: 4 });
    expect(code(file.subarray(0, 30))).toBe('truncated');
    expect(code(file.subarray(0, file.length - 1))).toBe('truncated');
    const tooLong = file.slice();
    new DataView(tooLong.buffer).setUint32(24 + 8, 5, true); // caplen 5 > snaplen 4
    expect(code(tooLong)).toBe('bad-length');
    const badFraction = file.slice();
    new DataView(badFraction.buffer).setUint32(24 + 4, 1_000_000_000, true);
    expect(code(badFraction)).toBe('bad-timestamp');

    const huge = pcapBytes([], { snaplen: 1 }).slice();
    new DataView(huge.buffer).setUint32(16, 0, true); // snaplen 0: bounded by 256 KiB instead
    const withRecord = new Uint8Array(24 + 16);
    withRecord.set(huge);
    new DataView(withRecord.buffer).setUint32(24 + 8, 262_145, true);
    expect(code(withRecord)).toBe('bad-length');
  });

  it('never throws on garbage, with or without a valid header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (garbage, withHeader) => {
        const input = withHeader ? new Uint8Array([...pcapGlobalHeader(64), ...garbage]) : garbage;
        const result = readPcap(input);
        if (!(result instanceof ProtocolError)) {
          for (const r of result.records)
            expect(r.frame.length).toBeLessThanOrEqual(withHeader ? 64 : 262_144);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
