import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { parseTcpOptions, type TcpOptions, tcpOptionsLength, writeTcpOptions } from './tcp-options.ts';
import { parseTcp, serializeTcp, TcpFlag, type TcpInit, tcpFlagNames, writeTcp } from './tcp-segment.ts';

const LO = parseIpv4Address('127.0.0.1')!;

// A real Linux 6.18 handshake and data segment between 127.0.0.1:49118 and 127.0.0.1:45003,
// captured with tshark on the loopback interface. Loopback leaves checksums to offload, so
// the checksum fields below were recomputed (pseudo-header included) with a throwaway
// Python script; every other byte is as Linux sent it.
const LINUX_SYN = fromHex(
  'bfde afcb 170297b7 00000000 a002 ffd7 d82a 0000' + '0204ffd7 0402080a 7821e14e 00000000 0103030a',
);
const LINUX_SYN_ACK = fromHex(
  'afcb bfde ca4a419b 170297b8 a012 ffcb 9586 0000' + '0204ffd7 0402080a 2f7e073b 7821e14e 0103030a',
);
const LINUX_DATA = fromHex(
  'bfde afcb 170297b8 ca4a419c 8018 0040 7a25 0000' + '0101080a 7821e14f 2f7e073b' + '68656c6c6f',
);

describe('TCP segment codec against a real Linux capture', () => {
  it('parses the SYN: MSS, SACK-permitted, timestamps, window scale', () => {
    const s = parseTcp(LINUX_SYN, LO, LO);
    expect(s).not.toBeInstanceOf(ProtocolError);
    if (s instanceof ProtocolError) return;
    expect(s.sourcePort).toBe(49118);
    expect(s.destinationPort).toBe(45003);
    expect(s.seq).toBe(386045879);
    expect(s.ack).toBe(0);
    expect(s.headerLength).toBe(40);
    expect(tcpFlagNames(s.flags)).toEqual(['SYN']);
    expect(s.window).toBe(65495);
    expect(s.checksum).toBe(0xd82a);
    expect(s.options).toEqual({
      mss: 65495,
      sackPermitted: true,
      timestamps: { value: 0x7821e14e, echoReply: 0 },
      windowScale: 10,
    });
    expect(s.payload.length).toBe(0);
  });

  it('parses the SYN-ACK and the data segment', () => {
    const sa = parseTcp(LINUX_SYN_ACK, LO, LO) as Exclude<ReturnType<typeof parseTcp>, ProtocolError>;
    expect(tcpFlagNames(sa.flags)).toEqual(['ACK', 'SYN']);
    expect(sa.seq).toBe(3393864091);
    expect(sa.ack).toBe(386045880);
    expect(sa.options.timestamps).toEqual({ value: 0x2f7e073b, echoReply: 0x7821e14e });
    const d = parseTcp(LINUX_DATA, LO, LO) as Exclude<ReturnType<typeof parseTcp>, ProtocolError>;
    expect(tcpFlagNames(d.flags)).toEqual(['ACK', 'PSH']);
    expect(d.window).toBe(64);
    expect(d.options).toEqual({ timestamps: { value: 0x7821e14f, echoReply: 0x2f7e073b } });
    expect(new TextDecoder().decode(d.payload)).toBe('hello');
  });

  it('serialises the same bytes, checksum included, in Linux option layout', () => {
    for (const bytes of [LINUX_SYN, LINUX_SYN_ACK, LINUX_DATA]) {
      const s = parseTcp(bytes, LO, LO) as Exclude<ReturnType<typeof parseTcp>, ProtocolError>;
      const again = serializeTcp({ ...s, payload: s.payload }, LO, LO);
      expect(toHex(again)).toBe(toHex(bytes));
    }
  });

  it('rejects a corrupted checksum and a flipped data bit', () => {
    const bad = LINUX_DATA.slice();
    bad[16] = bad[16]! ^ 0x01;
    expect((parseTcp(bad, LO, LO) as ProtocolError).code).toBe('bad-checksum');
    const flipped = LINUX_DATA.slice();
    flipped[flipped.length - 1] = flipped[flipped.length - 1]! ^ 0x20;
    expect((parseTcp(flipped, LO, LO) as ProtocolError).code).toBe('bad-checksum');
    // Without addresses the checksum is not checked.
    expect(parseTcp(bad)).not.toBeInstanceOf(ProtocolError);
  });
});

describe('TCP header errors', () => {
  it('truncated and bad data offsets', () => {
    expect((parseTcp(new Uint8Array(19)) as ProtocolError).code).toBe('truncated');
    const low = LINUX_DATA.slice();
    low[12] = 0x40; // 4 words
    expect((parseTcp(low) as ProtocolError).code).toBe('bad-offset');
    const high = LINUX_DATA.slice(0, 24);
    high[12] = 0x80; // 32 bytes, only 24 given
    expect((parseTcp(high) as ProtocolError).code).toBe('bad-offset');
  });

  it('rejects options with wrong lengths, naming the offset of the bad byte', () => {
    const cases: [string, number][] = [
      ['0203 05b4', 21], // MSS of length 3
      ['0304 0700', 21], // window scale of length 4
      ['0403 0000', 21], // SACK-permitted of length 3
      ['080b 00000000 00000000 00', 21], // timestamps of length 11
      ['0506 00000000 0000', 21], // SACK of length 6 (no block)
      ['050c 00000000 00000000 0000', 21], // SACK of length 12 (not 2 + 8n)
      ['fe00 0000', 21], // unknown kind, length 0
      ['fe0a 0000', 21], // unknown kind running past the header
      ['0101 0102', 23], // three NOPs, then an MSS with no length byte
    ];
    for (const [hex, at] of cases) {
      const opts = fromHex(hex);
      const seg = new Uint8Array(20 + opts.length);
      seg.set(LINUX_DATA.subarray(0, 20));
      seg[12] = ((20 + opts.length) / 4) << 4;
      seg.set(opts, 20);
      const r = parseTcp(seg);
      expect(r, hex).toBeInstanceOf(ProtocolError);
      expect((r as ProtocolError).code, hex).toBe('bad-option');
      expect((r as ProtocolError).offset, hex).toBe(at);
    }
  });

  it('stops at End of Option List and keeps unknown options', () => {
    const o = parseTcpOptions(fromHex('1e04abcd 00ffffff'), 0, 8) as TcpOptions;
    expect(o.unknown).toHaveLength(1);
    expect(o.unknown![0]!.kind).toBe(0x1e);
    expect(toHex(o.unknown![0]!.data)).toBe('abcd');
  });

  it('writes SACK blocks as NOP NOP kind 5', () => {
    const o: TcpOptions = {
      timestamps: { value: 1, echoReply: 2 },
      sack: [
        { left: 100, right: 200 },
        { left: 300, right: 400 },
      ],
    };
    expect(tcpOptionsLength(o)).toBe(12 + 4 + 16);
    const out = new Uint8Array(32);
    writeTcpOptions(out, 0, o);
    expect(toHex(out)).toBe(
      '0101080a0000000100000002' + '01010512' + '00000064000000c8' + '0000012c00000190',
    );
    expect(parseTcpOptions(out, 0, 32)).toEqual(o);
  });
});

const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const optionsArb: fc.Arbitrary<TcpOptions> = fc
  .record(
    {
      mss: u16,
      windowScale: fc.integer({ min: 0, max: 14 }),
      sackPermitted: fc.constant(true as const),
      timestamps: fc.record({ value: u32, echoReply: u32 }),
      sack: fc.array(fc.record({ left: u32, right: u32 }), { minLength: 1, maxLength: 2 }),
    },
    { requiredKeys: [] },
  )
  .filter((o) => tcpOptionsLength(o) <= 40);

describe('TCP codec properties', () => {
  it('serialise then parse gives back every field', () => {
    fc.assert(
      fc.property(
        fc.record({
          sourcePort: u16,
          destinationPort: u16,
          seq: u32,
          ack: u32,
          flags: fc.integer({ min: 0, max: 255 }),
          window: u16,
          urgentPointer: u16,
          options: optionsArb,
          payload: fc.uint8Array({ maxLength: 64 }),
        }),
        u32,
        u32,
        (init: TcpInit, src, dst) => {
          const bytes = serializeTcp(init, src, dst);
          const s = parseTcp(bytes, src, dst);
          if (s instanceof ProtocolError) throw new Error(s.toString());
          expect(s.sourcePort).toBe(init.sourcePort);
          expect(s.destinationPort).toBe(init.destinationPort);
          expect(s.seq).toBe(init.seq);
          expect(s.ack).toBe(init.ack);
          expect(s.flags).toBe(init.flags);
          expect(s.window).toBe(init.window);
          expect(s.urgentPointer).toBe(init.urgentPointer);
          expect(s.options).toEqual(init.options);
          expect([...s.payload]).toEqual([...init.payload!]);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('random bytes give a segment or a typed error, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), u32, (bytes, addr) => {
        const r = parseTcp(bytes, addr, addr);
        if (r instanceof ProtocolError)
          expect(['truncated', 'bad-offset', 'bad-checksum', 'bad-option']).toContain(r.code);
        const r2 = parseTcp(bytes);
        if (r2 instanceof ProtocolError) expect(['truncated', 'bad-offset', 'bad-option']).toContain(r2.code);
      }),
      { numRuns: 3000 },
    );
  });

  it('random option bytes with a good checksum never throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 40 }), (opts) => {
        const padded = new Uint8Array((opts.length + 3) & ~3);
        padded.set(opts);
        const seg = new Uint8Array(20 + padded.length);
        seg.set(LINUX_DATA.subarray(0, 20));
        seg[12] = ((20 + padded.length) / 4) << 4;
        seg.set(padded, 20);
        seg[16] = 0;
        seg[17] = 0;
        const init = parseTcp(seg);
        if (init instanceof ProtocolError) {
          expect(init.code).toBe('bad-option');
          return;
        }
        expect(init.headerLength).toBe(seg.length);
      }),
      { numRuns: 3000 },
    );
  });

  it('writes in place without copying when the payload already sits after the header', () => {
    const frame = new Uint8Array(100);
    const data = frame.subarray(34 + 32, 34 + 32 + 5);
    data.set([1, 2, 3, 4, 5]);
    const n = writeTcp(
      frame,
      34,
      {
        sourcePort: 1,
        destinationPort: 2,
        seq: 3,
        ack: 4,
        flags: TcpFlag.ACK,
        window: 5,
        options: { timestamps: { value: 1, echoReply: 2 } },
        payload: data,
      },
      LO,
      LO,
    );
    expect(n).toBe(37);
    const s = parseTcp(frame.subarray(34, 34 + n), LO, LO) as Exclude<
      ReturnType<typeof parseTcp>,
      ProtocolError
    >;
    expect([...s.payload]).toEqual([1, 2, 3, 4, 5]);
  });
});
