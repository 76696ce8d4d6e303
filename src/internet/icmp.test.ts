import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/concat.ts';
import { fromHex, toHex } from '../bytes/hex.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import {
  type IcmpMessage,
  parseIcmp,
  quoteOriginal,
  serializeIcmp,
  TimeExceededCode,
  UnreachableCode,
} from './icmp.ts';
import { type Ipv4HeaderInit, parseIpv4, serializeIpv4 } from './ipv4.ts';

// Captured with tshark from Linux 6.18 (192.168.1.10 on one veth end, 192.168.1.1 on the
// other, the latter forwarding to 10.9.9.0/24 over a link with MTU 1000). tshark reports
// every checksum good. Everything ICMP 192.168.1.1 sent was built by the Linux kernel.

/** Echo request, id 0x1c46 seq 1, iputils-style data: an 8-byte timestamp then 0x10..0x37. */
const ECHO_DATA = fromHex(
  '00f1536500000000101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f3031323334353637',
);
const ECHO_REQUEST = fromHex(`0800c88f1c460001${toHex(ECHO_DATA)}`);
/** The kernel's echo reply, with its IPv4 header. */
const ECHO_REPLY_IP = fromHex(`4500004cec3f000040010b16c0a80101c0a8010a0000d08f1c460001${toHex(ECHO_DATA)}`);
/** A DNS query for example.com (UDP 40000 -> 53) to a host with nothing on port 53... */
const DNS_QUERY_IP = fromHex(
  '450000396bae400040114baac0a8010ac0a801019c4000350025e5462b1e01000001000000000000076578616d706c6503636f6d0000010001',
);
/** ...and its port unreachable, TOS 0xc0, quoting the whole query. */
const PORT_UNREACHABLE_IP = fromHex(
  `45c00055ec56000040010a36c0a80101c0a8010a0303808f00000000${toHex(DNS_QUERY_IP)}`,
);
/** A traceroute probe with TTL 1 to 10.9.9.9... */
const PROBE_IP = fromHex(
  '4500003ca99b40000111fb51c0a8010a0a0909099c41829a002816f9404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f',
);
/** ...and the router's time exceeded. */
const TIME_EXCEEDED_IP = fromHex(
  `45c00058f141000040010548c0a80101c0a8010a0b00c9fd00000000${toHex(PROBE_IP)}`,
);
/** A 1228-byte UDP datagram with DF (data: i & 0xff) towards the 1000-byte-MTU link... */
const BIG_DF_IP = concatBytes([
  fromHex('450004cc000040004011615dc0a8010a0a0909099c42000704b87e13'),
  Uint8Array.from({ length: 1200 }, (_, i) => i & 0xff),
]);
/** ...and the router's fragmentation needed with next-hop MTU 1000, cut to 576 bytes. */
const FRAG_NEEDED_IP = concatBytes([
  fromHex('45c00240f17e000040010323c0a80101c0a8010a03044d6f000003e8'),
  BIG_DF_IP.subarray(0, 548),
]);
/** A timestamp request (type 13), built by hand: an `other` message. */
const TIMESTAMP_REQUEST = fromHex('0d00f29800010002000000640000000000000000');

function icmpOf(ipBytes: Uint8Array): Uint8Array {
  const p = parseIpv4(ipBytes);
  if (p instanceof ProtocolError) throw new Error(p.toString());
  return p.payload;
}

function mustParse(bytes: Uint8Array): IcmpMessage {
  const m = parseIcmp(bytes);
  if (m instanceof ProtocolError) throw new Error(m.toString());
  return m;
}

/** The IPv4 header fields Linux used for its ICMP errors from 192.168.1.1. */
const fromRouter = (identification: number): Ipv4HeaderInit => ({
  protocol: 1,
  source: 0xc0a80101,
  destination: 0xc0a8010a,
  identification,
  dscp: 48,
});

describe('ICMP on captured packets', () => {
  it('parses and rebuilds an echo request', () => {
    const m = mustParse(ECHO_REQUEST);
    expect(m).toEqual({ kind: 'echo-request', identifier: 0x1c46, sequence: 1, data: ECHO_DATA });
    expect(toHex(serializeIcmp(m))).toBe(toHex(ECHO_REQUEST));
  });

  it('answers it byte for byte as Linux did', () => {
    const req = mustParse(ECHO_REQUEST);
    if (req.kind !== 'echo-request') throw new Error('not an echo request');
    const reply = serializeIcmp({ ...req, kind: 'echo-reply' });
    const ip = serializeIpv4(
      { protocol: 1, source: 0xc0a80101, destination: 0xc0a8010a, identification: 0xec3f },
      reply,
    );
    expect(toHex(ip)).toBe(toHex(ECHO_REPLY_IP));
    expect(mustParse(icmpOf(ECHO_REPLY_IP))).toEqual({
      kind: 'echo-reply',
      identifier: 0x1c46,
      sequence: 1,
      data: ECHO_DATA,
    });
  });

  it('port unreachable quoting a whole DNS query', () => {
    const m = mustParse(icmpOf(PORT_UNREACHABLE_IP));
    expect(m).toEqual({
      kind: 'destination-unreachable',
      code: UnreachableCode.Port,
      nextHopMtu: 0,
      original: DNS_QUERY_IP,
    });
    const rebuilt = serializeIcmp({
      kind: 'destination-unreachable',
      code: UnreachableCode.Port,
      nextHopMtu: 0,
      original: quoteOriginal(DNS_QUERY_IP),
    });
    expect(toHex(serializeIpv4(fromRouter(0xec56), rebuilt))).toBe(toHex(PORT_UNREACHABLE_IP));
  });

  it('time exceeded in transit', () => {
    const m = mustParse(icmpOf(TIME_EXCEEDED_IP));
    expect(m).toEqual({ kind: 'time-exceeded', code: TimeExceededCode.Ttl, original: PROBE_IP });
    const rebuilt = serializeIcmp({ kind: 'time-exceeded', code: 0, original: quoteOriginal(PROBE_IP) });
    expect(toHex(serializeIpv4(fromRouter(0xf141), rebuilt))).toBe(toHex(TIME_EXCEEDED_IP));
  });

  it('fragmentation needed with the next-hop MTU, quoting 548 bytes to stay within 576', () => {
    const m = mustParse(icmpOf(FRAG_NEEDED_IP));
    expect(m.kind).toBe('destination-unreachable');
    if (m.kind !== 'destination-unreachable') return;
    expect(m.code).toBe(UnreachableCode.FragmentationNeeded);
    expect(m.nextHopMtu).toBe(1000);
    expect(m.original.length).toBe(548);
    const quote = quoteOriginal(BIG_DF_IP);
    expect(quote.length).toBe(548);
    const rebuilt = serializeIcmp({
      kind: 'destination-unreachable',
      code: 4,
      nextHopMtu: 1000,
      original: quote,
    });
    const ip = serializeIpv4(fromRouter(0xf17e), rebuilt);
    expect(ip.length).toBe(576);
    expect(toHex(ip)).toBe(toHex(FRAG_NEEDED_IP));
  });

  it('other types are kept raw', () => {
    const m = mustParse(TIMESTAMP_REQUEST);
    expect(m).toEqual({ kind: 'other', type: 13, code: 0, rest: TIMESTAMP_REQUEST.subarray(4) });
    expect(toHex(serializeIcmp(m))).toBe(toHex(TIMESTAMP_REQUEST));
  });

  it('returns views into the input', () => {
    const m = mustParse(ECHO_REQUEST);
    if (m.kind !== 'echo-request') throw new Error('not an echo request');
    expect(m.data.buffer).toBe(ECHO_REQUEST.buffer);
  });
});

describe('parseIcmp errors', () => {
  it('truncated below 8 bytes', () => {
    expect((parseIcmp(ECHO_REQUEST.subarray(0, 7)) as ProtocolError).code).toBe('truncated');
    expect((parseIcmp(new Uint8Array(0)) as ProtocolError).code).toBe('truncated');
  });

  it('bad-checksum over the whole message, data included', () => {
    const b = ECHO_REQUEST.slice();
    b[40]! ^= 0x01;
    const e = parseIcmp(b) as ProtocolError;
    expect(e).toBeInstanceOf(ProtocolError);
    expect(e.code).toBe('bad-checksum');
    expect(e.protocol).toBe('icmp');
    // A cut message fails its checksum too.
    expect((parseIcmp(ECHO_REQUEST.subarray(0, 20)) as ProtocolError).code).toBe('bad-checksum');
  });

  it('an echo with a non-zero code is not an echo', () => {
    const m = serializeIcmp({ kind: 'other', type: 8, code: 1, rest: new Uint8Array(4) });
    expect(mustParse(m)).toMatchObject({ kind: 'other', type: 8, code: 1 });
  });
});

describe('serializeIcmp misuse', () => {
  it('throws on out-of-range fields', () => {
    const data = new Uint8Array(0);
    expect(() => serializeIcmp({ kind: 'echo-request', identifier: 0x10000, sequence: 0, data })).toThrow(
      NetlabError,
    );
    expect(() => serializeIcmp({ kind: 'echo-reply', identifier: 0, sequence: -1, data })).toThrow(
      NetlabError,
    );
    expect(() => serializeIcmp({ kind: 'time-exceeded', code: 256, original: data })).toThrow(NetlabError);
    expect(() =>
      serializeIcmp({ kind: 'destination-unreachable', code: 4, nextHopMtu: 70000, original: data }),
    ).toThrow(NetlabError);
    expect(() => serializeIcmp({ kind: 'other', type: 13, code: 0, rest: new Uint8Array(3) })).toThrow(
      NetlabError,
    );
  });
});

describe('quoteOriginal', () => {
  it('quotes a short datagram whole, and never its link padding', () => {
    expect(quoteOriginal(PROBE_IP)).toEqual(PROBE_IP);
    const padded = concatBytes([DNS_QUERY_IP, new Uint8Array(7)]);
    expect(quoteOriginal(padded)).toEqual(DNS_QUERY_IP);
    expect(quoteOriginal(padded).buffer).toBe(padded.buffer);
  });

  it('honours maxTotal: header + ICMP header + quote fit', () => {
    expect(quoteOriginal(BIG_DF_IP, 1500).length).toBe(1228);
    expect(quoteOriginal(BIG_DF_IP, 68).length).toBe(40);
    expect(() => quoteOriginal(BIG_DF_IP, 67)).toThrow(NetlabError);
  });

  it('copes with garbage', () => {
    expect(quoteOriginal(new Uint8Array(3)).length).toBe(3);
    expect(quoteOriginal(fromHex('45000002aabbccdd')).length).toBe(8); // bogus total length
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), (b) => {
        const q = quoteOriginal(b);
        expect(q.length).toBeLessThanOrEqual(Math.min(b.length, 548));
      }),
    );
  });
});

const u16 = fc.integer({ min: 0, max: 0xffff });
const u8 = fc.integer({ min: 0, max: 255 });
const message: fc.Arbitrary<IcmpMessage> = fc.oneof(
  fc.record({
    kind: fc.constantFrom('echo-request' as const, 'echo-reply' as const),
    identifier: u16,
    sequence: u16,
    data: fc.uint8Array({ maxLength: 100 }),
  }),
  fc.record({
    kind: fc.constant('destination-unreachable' as const),
    code: u8,
    nextHopMtu: u16,
    original: fc.uint8Array({ maxLength: 100 }),
  }),
  fc.record({
    kind: fc.constant('time-exceeded' as const),
    code: u8,
    original: fc.uint8Array({ maxLength: 100 }),
  }),
  fc.record({
    kind: fc.constant('other' as const),
    type: u8.filter((t) => t !== 0 && t !== 3 && t !== 8 && t !== 11),
    code: u8,
    rest: fc.uint8Array({ minLength: 4, maxLength: 100 }),
  }),
);

describe('ICMP properties', () => {
  it('parse(serialize(x)) deep-equals x', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(parseIcmp(serializeIcmp(m))).toEqual(m);
      }),
    );
  });

  it('random bytes, truncations and bit flips give a message or a ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (b) => {
        const r = parseIcmp(b);
        expect(r instanceof ProtocolError || typeof r.kind === 'string').toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(ECHO_REQUEST, TIMESTAMP_REQUEST, icmpOf(FRAG_NEEDED_IP)),
        fc.nat(),
        fc.nat(),
        (m, at, cut) => {
          const b = m.slice();
          b[at % b.length]! ^= 1 << (at % 8);
          expect((parseIcmp(b) as ProtocolError).code).toBe('bad-checksum');
          // A cut usually breaks the checksum, but not always (e.g. trailing zeros): never throws.
          const r = parseIcmp(m.subarray(0, cut % m.length));
          if (cut % m.length < 8) expect((r as ProtocolError).code).toBe('truncated');
        },
      ),
    );
  });
});
