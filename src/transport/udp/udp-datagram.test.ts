import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseUdp, serializeUdp, type UdpDatagram, writeUdp } from './udp-datagram.ts';

// Captured with tshark from Linux 6.18 over a veth pair with transmit checksum offload
// off, so the kernel computed the checksum; tshark reports it good.
const CLIENT = 0xc0a8010a; // 192.168.1.10
const SERVER = 0xc0a80101; // 192.168.1.1
/** A DNS query for example.com A (id 0x2b1e, RD), 40000 -> 53. */
const DNS_QUERY = fromHex('2b1e01000001000000000000076578616d706c6503636f6d0000010001');
const DNS_DATAGRAM = fromHex(`9c4000350025e546${toHex(DNS_QUERY)}`);
/** Linux's 2000-byte datagram (data i & 0xff), 40000 -> 9999, sent as two IP fragments. */
const BIG_PAYLOAD = Uint8Array.from({ length: 2000 }, (_, i) => i & 0xff);
const BIG_HEADER = fromHex('9c40270f07d8656a');

function mustParse(bytes: Uint8Array, src?: number, dst?: number): UdpDatagram {
  const d = parseUdp(bytes, src, dst);
  if (d instanceof ProtocolError) throw new Error(d.toString());
  return d;
}

function code(r: unknown): string | undefined {
  return r instanceof ProtocolError ? r.code : undefined;
}

describe('UDP on captured datagrams', () => {
  it('parses a DNS query and verifies its checksum', () => {
    const d = mustParse(DNS_DATAGRAM, CLIENT, SERVER);
    expect(d).toEqual({
      sourcePort: 40000,
      destinationPort: 53,
      length: 37,
      checksum: 0xe546,
      payload: DNS_QUERY,
    });
    expect(d.payload.buffer).toBe(DNS_DATAGRAM.buffer);
  });

  it('serialises it to the same bytes', () => {
    const out = serializeUdp({ sourcePort: 40000, destinationPort: 53, payload: DNS_QUERY }, CLIENT, SERVER);
    expect(toHex(out)).toBe(toHex(DNS_DATAGRAM));
  });

  it('computes the checksum of a large datagram as Linux did', () => {
    const out = serializeUdp(
      { sourcePort: 40000, destinationPort: 9999, payload: BIG_PAYLOAD },
      CLIENT,
      SERVER,
    );
    expect(toHex(out.subarray(0, 8))).toBe(toHex(BIG_HEADER));
    expect(mustParse(out, CLIENT, SERVER).payload).toEqual(BIG_PAYLOAD);
  });

  it('fails the checksum against other addresses: the pseudo-header binds them', () => {
    expect(code(parseUdp(DNS_DATAGRAM, CLIENT, SERVER + 1))).toBe('bad-checksum');
    // Swapping them does not: one's complement addition commutes.
    expect(code(parseUdp(DNS_DATAGRAM, SERVER, CLIENT))).toBeUndefined();
  });
});

describe('UDP checksum rules (RFC 768)', () => {
  // 10.0.0.1:1234 -> 10.0.0.2:5678 with data d0d7: the checksum computes to 0.
  const ZERO_CASE = fromHex('04d2162e000affffd0d7');

  it('sends a computed 0 as 0xffff', () => {
    const out = serializeUdp(
      { sourcePort: 1234, destinationPort: 5678, payload: fromHex('d0d7') },
      0x0a000001,
      0x0a000002,
    );
    expect(toHex(out)).toBe(toHex(ZERO_CASE));
    expect(mustParse(out, 0x0a000001, 0x0a000002).checksum).toBe(0xffff);
  });

  it('accepts checksum 0 as "none" without verifying', () => {
    const b = DNS_DATAGRAM.slice();
    b[6] = 0;
    b[7] = 0;
    expect(mustParse(b, 1, 2).checksum).toBe(0);
  });

  it('does not verify without addresses, and refuses just one', () => {
    const b = DNS_DATAGRAM.slice();
    b[20]! ^= 0x40;
    expect(code(parseUdp(b, CLIENT, SERVER))).toBe('bad-checksum');
    expect(mustParse(b).payload[12]).toBe(DNS_QUERY[12]! ^ 0x40);
    expect(() => parseUdp(b, CLIENT)).toThrow(NetlabError);
  });
});

describe('parseUdp errors', () => {
  it('truncated below 8 bytes', () => {
    expect(code(parseUdp(DNS_DATAGRAM.subarray(0, 7)))).toBe('truncated');
  });

  it('bad-length when Length is below 8 or beyond the bytes', () => {
    const short = DNS_DATAGRAM.slice();
    short[5] = 7;
    expect(code(parseUdp(short))).toBe('bad-length');
    expect(code(parseUdp(DNS_DATAGRAM.subarray(0, 36)))).toBe('bad-length');
  });

  it('ignores bytes after Length', () => {
    const padded = new Uint8Array(DNS_DATAGRAM.length + 9);
    padded.set(DNS_DATAGRAM);
    const d = mustParse(padded, CLIENT, SERVER);
    expect(d.payload).toEqual(DNS_QUERY);
  });
});

describe('writeUdp', () => {
  it('writes at an offset and returns the length', () => {
    const out = new Uint8Array(50).fill(0xaa);
    expect(
      writeUdp(out, 5, { sourcePort: 40000, destinationPort: 53, payload: DNS_QUERY }, CLIENT, SERVER),
    ).toBe(37);
    expect(toHex(out.subarray(5, 42))).toBe(toHex(DNS_DATAGRAM));
    expect(out[4]).toBe(0xaa);
    expect(out[42]).toBe(0xaa);
  });

  it('uses data already in place without copying', () => {
    const out = new Uint8Array(14 + 20 + 8 + DNS_QUERY.length);
    const view = out.subarray(42);
    view.set(DNS_QUERY);
    expect(writeUdp(out, 34, { sourcePort: 40000, destinationPort: 53, payload: view }, CLIENT, SERVER)).toBe(
      37,
    );
    expect(toHex(out.subarray(34))).toBe(toHex(DNS_DATAGRAM));
  });

  it('throws on misuse', () => {
    const p = new Uint8Array(4);
    expect(() =>
      writeUdp(new Uint8Array(11), 0, { sourcePort: 1, destinationPort: 2, payload: p }, 1, 2),
    ).toThrow(NetlabError);
    expect(() => serializeUdp({ sourcePort: 65536, destinationPort: 2, payload: p }, 1, 2)).toThrow(
      NetlabError,
    );
    expect(() => serializeUdp({ sourcePort: 1, destinationPort: -1, payload: p }, 1, 2)).toThrow(NetlabError);
    expect(() =>
      serializeUdp({ sourcePort: 1, destinationPort: 2, payload: new Uint8Array(65528) }, 1, 2),
    ).toThrow(NetlabError);
    expect(
      serializeUdp({ sourcePort: 1, destinationPort: 2, payload: new Uint8Array(65527) }, 1, 2).length,
    ).toBe(65535);
  });
});

describe('UDP properties', () => {
  const address = fc.integer({ min: 0, max: 0xffffffff });
  const port = fc.integer({ min: 0, max: 0xffff });

  it('parse(serialize(x)) gives x back, checksum verified', () => {
    fc.assert(
      fc.property(
        port,
        port,
        fc.uint8Array({ maxLength: 600 }),
        address,
        address,
        (sp, dp, payload, src, dst) => {
          const out = serializeUdp({ sourcePort: sp, destinationPort: dp, payload }, src, dst);
          const d = mustParse(out, src, dst);
          expect(d).toEqual({
            sourcePort: sp,
            destinationPort: dp,
            length: 8 + payload.length,
            checksum: (out[6]! << 8) | out[7]!,
            payload,
          });
          expect(d.checksum).not.toBe(0);
        },
      ),
    );
  });

  it('random bytes and bit flips give a datagram or a ProtocolError, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.option(address, { nil: undefined }), (b, a) => {
        const r = a === undefined ? parseUdp(b) : parseUdp(b, a, a ^ 0x5a5a);
        if (!(r instanceof ProtocolError)) expect(r.payload.length).toBe(r.length - 8);
      }),
    );
    // Every single-bit flip of the DNS datagram is caught: by the length check or the checksum.
    for (let i = 0; i < DNS_DATAGRAM.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const b = DNS_DATAGRAM.slice();
        b[i]! ^= 1 << bit;
        expect(parseUdp(b, CLIENT, SERVER), `byte ${i} bit ${bit}`).toBeInstanceOf(ProtocolError);
      }
    }
  });
});
