import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes/hex.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { internetChecksum } from './checksum.ts';
import {
  decrementTtl,
  type Ipv4HeaderInit,
  type Ipv4Packet,
  IpProtocol,
  ipv4HeaderLength,
  parseIpv4,
  serializeIpv4,
  writeIpv4Header,
} from './ipv4.ts';

// Captured with tshark from Linux 6.18 (two network namespaces joined by a veth pair);
// tshark reports every IP checksum good.

/** An ICMP echo request 192.168.1.10 -> 192.168.1.1: DF, TTL 64, id 0x12cc, 56 data bytes. */
const PING = fromHex(
  '4500004c12cc40004001a489c0a8010ac0a80101' +
    '0800c88f1c46000100f1536500000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
/** An IGMPv3 report to 224.0.0.22: IHL 6 with the Router Alert option (RFC 2113), TOS 0xc0, TTL 1. */
const IGMP = fromHex('46c000280000400001024247c0a8010ae0000016940400002200e8f90000000104000000ef010203');
/** A traceroute probe, UDP 40001 -> 33434 with TTL 1. */
const PROBE = fromHex(
  '4500003ca99b40000111fb51c0a8010a0a0909099c41829a002816f9404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f',
);

function mustParse(bytes: Uint8Array, offset = 0): Ipv4Packet {
  const p = parseIpv4(bytes, offset);
  if (p instanceof ProtocolError) throw new Error(p.toString());
  return p;
}

function thrownCode(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof NetlabError ? e.code : 'not-a-netlab-error';
  }
  return undefined;
}

function errorCode(r: unknown): string | undefined {
  return r instanceof ProtocolError ? r.code : undefined;
}

describe('parseIpv4 on captured packets', () => {
  it('reads every field of a ping', () => {
    const p = mustParse(PING);
    expect(p.header).toEqual({
      headerLength: 20,
      dscp: 0,
      ecn: 0,
      totalLength: 76,
      identification: 0x12cc,
      dontFragment: true,
      moreFragments: false,
      fragmentOffset: 0,
      ttl: 64,
      protocol: IpProtocol.ICMP,
      checksum: 0xa489,
      source: 0xc0a8010a,
      destination: 0xc0a80101,
      options: new Uint8Array(0),
    });
    expect(toHex(p.payload)).toBe(toHex(PING.subarray(20)));
  });

  it('returns views, not copies', () => {
    const p = mustParse(PING);
    expect(p.payload.buffer).toBe(PING.buffer);
    expect(p.payload.byteOffset).toBe(PING.byteOffset + 20);
  });

  it('reads options, DSCP and the TTL of an IGMP report', () => {
    const p = mustParse(IGMP);
    expect(p.header.headerLength).toBe(24);
    expect(toHex(p.header.options)).toBe('94040000');
    expect(p.header.dscp).toBe(48); // CS6, network control
    expect(p.header.ecn).toBe(0);
    expect(p.header.ttl).toBe(1);
    expect(p.header.protocol).toBe(2);
    expect(p.header.destination).toBe(0xe0000016);
    expect(toHex(p.payload)).toBe('2200e8f90000000104000000ef010203');
  });

  it('parses inside an Ethernet frame and ignores the padding after Total Length', () => {
    const frame = new Uint8Array(14 + IGMP.length + 6);
    frame.set(IGMP, 14);
    frame.fill(0xee, 14 + IGMP.length);
    const p = mustParse(frame, 14);
    expect(p.header.totalLength).toBe(40);
    expect(p.payload.length).toBe(16);
    expect(toHex(p.payload)).toBe('2200e8f90000000104000000ef010203');
  });
});

describe('serializeIpv4 reproduces captured packets', () => {
  it('a ping', () => {
    const init: Ipv4HeaderInit = {
      protocol: IpProtocol.ICMP,
      source: 0xc0a8010a,
      destination: 0xc0a80101,
      identification: 0x12cc,
      dontFragment: true,
    };
    expect(toHex(serializeIpv4(init, PING.subarray(20)))).toBe(toHex(PING));
  });

  it('a header with options', () => {
    const init: Ipv4HeaderInit = {
      protocol: 2,
      source: 0xc0a8010a,
      destination: 0xe0000016,
      ttl: 1,
      dscp: 48,
      dontFragment: true,
      options: fromHex('94040000'),
    };
    expect(toHex(serializeIpv4(init, IGMP.subarray(24)))).toBe(toHex(IGMP));
  });

  it('a parsed header serialises back to the same bytes', () => {
    for (const bytes of [PING, IGMP, PROBE]) {
      const p = mustParse(bytes);
      expect(toHex(serializeIpv4(p.header, p.payload))).toBe(toHex(bytes));
    }
  });

  it('pads options to a multiple of 4 with End of Option List', () => {
    // Just a No Operation: 1 byte padded to 4.
    const out = serializeIpv4(
      { protocol: 17, source: 1, destination: 2, options: fromHex('01') },
      new Uint8Array(0),
    );
    expect(out.length).toBe(24);
    expect(toHex(out.subarray(20))).toBe('01000000');
    expect(out[0]).toBe(0x46);
    expect(internetChecksum(out, 0, 24)).toBe(0);
    expect(ipv4HeaderLength(fromHex('01'))).toBe(24);
    expect(ipv4HeaderLength()).toBe(20);
  });

  it('writes into a preallocated frame at an offset', () => {
    const frame = new Uint8Array(14 + 76).fill(0xaa);
    const hl = writeIpv4Header(
      frame,
      14,
      {
        protocol: 1,
        source: 0xc0a8010a,
        destination: 0xc0a80101,
        identification: 0x12cc,
        dontFragment: true,
      },
      56,
    );
    expect(hl).toBe(20);
    expect(toHex(frame.subarray(14, 34))).toBe(toHex(PING.subarray(0, 20)));
    expect(frame[13]).toBe(0xaa);
    expect(frame[34]).toBe(0xaa);
  });

  it('throws on misuse', () => {
    const base = { protocol: 17, source: 1, destination: 2 };
    const out = new Uint8Array(100);
    expect(() => writeIpv4Header(out, 0, { ...base, ttl: 256 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, protocol: -1 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, identification: 0x10000 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, dscp: 64 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, ecn: 4 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, fragmentOffset: 12 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, fragmentOffset: 65536 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, options: new Uint8Array(41) }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, base, 65516)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, base, -1)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, source: 2 ** 32 }, 0)).toThrow(NetlabError);
    expect(() => writeIpv4Header(out, 0, { ...base, destination: 1.5 }, 0)).toThrow(NetlabError);
    expect(writeIpv4Header(out, 0, { ...base, destination: -1 }, 0)).toBe(20); // int32 form of 255.255.255.255
    expect(() => writeIpv4Header(out, 81, base, 0)).toThrow(NetlabError);
    expect(writeIpv4Header(out, 80, base, 65515)).toBe(20);
    expect(thrownCode(() => writeIpv4Header(out, 0, { ...base, ttl: 300 }, 0))).toBe('bad-ipv4-header');
  });
});

describe('parseIpv4 rejects bad headers with typed errors', () => {
  const withByte = (src: Uint8Array, at: number, value: number): Uint8Array => {
    const b = src.slice();
    b[at] = value;
    return b;
  };
  /** Re-checksums a modified header so only the intended defect remains. */
  const fixChecksum = (b: Uint8Array): Uint8Array => {
    const hl = (b[0]! & 15) * 4;
    b[10] = 0;
    b[11] = 0;
    const c = internetChecksum(b, 0, Math.min(hl, b.length));
    b[10] = c >> 8;
    b[11] = c & 0xff;
    return b;
  };

  it('truncated', () => {
    expect(errorCode(parseIpv4(PING.subarray(0, 19)))).toBe('truncated');
    expect(errorCode(parseIpv4(new Uint8Array(0)))).toBe('truncated');
    expect(errorCode(parseIpv4(PING.subarray(0, 75)))).toBe('truncated');
    expect(errorCode(parseIpv4(IGMP.subarray(0, 22)))).toBe('truncated');
    expect(errorCode(parseIpv4(PING, 60))).toBe('truncated');
  });

  it('bad-version', () => {
    expect(errorCode(parseIpv4(withByte(PING, 0, 0x65)))).toBe('bad-version');
  });

  it('bad-header-length', () => {
    expect(errorCode(parseIpv4(withByte(PING, 0, 0x44)))).toBe('bad-header-length');
    expect(errorCode(parseIpv4(withByte(PING, 0, 0x40)))).toBe('bad-header-length');
  });

  it('bad-total-length', () => {
    const b = withByte(PING, 3, 19);
    expect(errorCode(parseIpv4(fixChecksum(b)))).toBe('bad-total-length');
    const opt = fixChecksum(withByte(IGMP, 3, 20)); // below the 24-byte header
    expect(errorCode(parseIpv4(opt))).toBe('bad-total-length');
  });

  it('bad-checksum, unless verification is off', () => {
    const b = withByte(PING, 8, 63);
    const e = parseIpv4(b);
    expect(errorCode(e)).toBe('bad-checksum');
    expect((e as ProtocolError).offset).toBe(10);
    expect((e as ProtocolError).side).toBe('remote');
    const p = parseIpv4(b, 0, { verifyChecksum: false });
    expect(p).not.toBeInstanceOf(ProtocolError);
    expect((p as Ipv4Packet).header.ttl).toBe(63);
  });

  it('reserved-flag', () => {
    expect(errorCode(parseIpv4(fixChecksum(withByte(PING, 6, 0xc0))))).toBe('reserved-flag');
  });

  it('error offsets are absolute in the input', () => {
    const frame = new Uint8Array(14 + PING.length);
    frame.set(PING, 14);
    frame[14 + 8] = 1;
    expect((parseIpv4(frame, 14) as ProtocolError).offset).toBe(24);
  });
});

describe('decrementTtl', () => {
  it('matches what the router wrote', () => {
    // The probe with TTL 1 would be dropped; decrement a copy of the ping instead.
    const b = PING.slice();
    expect(decrementTtl(b)).toBe(63);
    expect(b[8]).toBe(63);
    expect(internetChecksum(b, 0, 20)).toBe(0);
    expect(toHex(b.subarray(10, 12))).toBe('a589');
  });

  it('works at an offset and refuses TTL 0', () => {
    const frame = new Uint8Array(14 + PROBE.length);
    frame.set(PROBE, 14);
    expect(decrementTtl(frame, 14)).toBe(0);
    expect(internetChecksum(frame, 14, 34)).toBe(0);
    expect(() => decrementTtl(frame, 14)).toThrow(NetlabError);
  });
});

/** Valid option bytes: a mix of NOPs and type-length-value options, at most `max` bytes. */
const ipv4Options = (max = 40): fc.Arbitrary<Uint8Array> =>
  fc
    .array(
      fc.oneof(
        fc.constant(Uint8Array.of(1)),
        fc
          .record({
            type: fc.integer({ min: 2, max: 255 }),
            body: fc.uint8Array({ maxLength: 8 }),
          })
          .map(({ type, body }) => Uint8Array.of(type, body.length + 2, ...body)),
      ),
      { maxLength: 6 },
    )
    .map((parts) => {
      const out: number[] = [];
      for (const p of parts) if (out.length + p.length <= max) out.push(...p);
      return Uint8Array.from(out);
    });

const headerInit = (options: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Ipv4HeaderInit> =>
  fc.record({
    protocol: fc.integer({ min: 0, max: 255 }),
    source: fc.integer({ min: 0, max: 0xffffffff }),
    destination: fc.integer({ min: 0, max: 0xffffffff }),
    ttl: fc.integer({ min: 0, max: 255 }),
    identification: fc.integer({ min: 0, max: 0xffff }),
    dontFragment: fc.boolean(),
    moreFragments: fc.boolean(),
    fragmentOffset: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
    dscp: fc.integer({ min: 0, max: 63 }),
    ecn: fc.integer({ min: 0, max: 3 }),
    options,
  });

describe('IPv4 properties', () => {
  it('parse(serialize(x)) gives x back', () => {
    // Options padded to a multiple of 4 already, so they come back byte for byte.
    const padded = fc
      .integer({ min: 0, max: 10 })
      .chain((n) => fc.uint8Array({ minLength: 4 * n, maxLength: 4 * n }));
    fc.assert(
      fc.property(headerInit(padded), fc.uint8Array({ maxLength: 300 }), (init, payload) => {
        const bytes = serializeIpv4(init, payload);
        const p = mustParse(bytes);
        const hl = 20 + (init.options?.length ?? 0);
        expect(p.header).toEqual({
          ...init,
          headerLength: hl,
          totalLength: hl + payload.length,
          checksum: (bytes[10]! << 8) | bytes[11]!,
        });
        expect(p.payload).toEqual(payload);
        expect(serializeIpv4(p.header, p.payload)).toEqual(bytes);
      }),
    );
  });

  it('random bytes give a packet or a ProtocolError, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), fc.boolean(), (bytes, verifyChecksum) => {
        const r = parseIpv4(bytes, 0, { verifyChecksum });
        if (!(r instanceof ProtocolError)) {
          expect(r.header.headerLength + r.payload.length).toBe(r.header.totalLength);
          expect(r.header.totalLength).toBeLessThanOrEqual(bytes.length);
        }
      }),
    );
  });

  it('truncations and bit flips of valid packets never throw, and flips are caught', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(PING, IGMP, PROBE),
        fc.nat(),
        fc.integer({ min: 0, max: 7 }),
        fc.nat(),
        (pkt, at, bit, cut) => {
          const b = pkt.slice();
          const i = at % b.length;
          b[i]! ^= 1 << bit;
          const r = parseIpv4(b);
          const hl = (pkt[0]! & 15) * 4;
          // A single flipped bit in the header is always caught (by the checksum if nothing else).
          if (i < hl) expect(r).toBeInstanceOf(ProtocolError);
          else expect(r).not.toBeInstanceOf(ProtocolError);
          const t = parseIpv4(pkt.subarray(0, cut % pkt.length));
          expect(errorCode(t)).toBe('truncated');
        },
      ),
    );
  });

  it('serialise then parse works with random valid option lists too', () => {
    fc.assert(
      fc.property(headerInit(ipv4Options()), fc.uint8Array({ maxLength: 64 }), (init, payload) => {
        const p = mustParse(serializeIpv4(init, payload));
        const opts = init.options ?? new Uint8Array(0);
        expect(p.header.options.subarray(0, opts.length)).toEqual(opts);
        expect(p.header.options.subarray(opts.length).every((x) => x === 0)).toBe(true);
      }),
    );
  });
});
