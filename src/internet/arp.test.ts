import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../bytes/hex.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { parseEthernet } from '../link/ethernet.ts';
import { ArpOp, type ArpPacket, isGratuitousArp, parseArp, serializeArp } from './arp.ts';

// Captured with tshark from Linux 6.18: 192.168.1.10 (02:00:00:00:00:0a) resolving
// 192.168.1.1 (02:00:00:00:00:01), and the answer. Whole Ethernet frames (42 bytes: a veth
// hands them to the capture before any padding).
const REQUEST_FRAME = fromHex(
  'ffffffffffff02000000000a0806000108000604000102000000000ac0a8010a000000000000c0a80101',
);
const REPLY_FRAME = fromHex(
  '02000000000a02000000000108060001080006040002020000000001c0a8010102000000000ac0a8010a',
);
const REQUEST = REQUEST_FRAME.subarray(14);
const REPLY = REPLY_FRAME.subarray(14);

function mustParse(bytes: Uint8Array): ArpPacket {
  const p = parseArp(bytes);
  if (p instanceof ProtocolError) throw new Error(p.toString());
  return p;
}

function code(r: unknown): string | undefined {
  return r instanceof ProtocolError ? r.code : undefined;
}

describe('ARP on captured packets', () => {
  it('parses a request', () => {
    expect(mustParse(REQUEST)).toEqual({
      op: ArpOp.Request,
      senderMac: 0x02000000000a,
      senderIp: 0xc0a8010a,
      targetMac: 0,
      targetIp: 0xc0a80101,
    });
  });

  it('parses a reply', () => {
    expect(mustParse(REPLY)).toEqual({
      op: ArpOp.Reply,
      senderMac: 0x020000000001,
      senderIp: 0xc0a80101,
      targetMac: 0x02000000000a,
      targetIp: 0xc0a8010a,
    });
  });

  it('serialises both to the same 28 bytes', () => {
    expect(toHex(serializeArp(mustParse(REQUEST)))).toBe(toHex(REQUEST));
    expect(toHex(serializeArp(mustParse(REPLY)))).toBe(toHex(REPLY));
  });

  it('ignores Ethernet padding after the 28 bytes', () => {
    const padded = new Uint8Array(60);
    padded.set(REPLY_FRAME);
    const frame = parseEthernet(padded);
    if (frame instanceof ProtocolError) throw new Error(frame.toString());
    expect(frame.payload.length).toBe(46);
    expect(mustParse(frame.payload)).toEqual(mustParse(REPLY));
  });

  it('recognises gratuitous ARP', () => {
    expect(isGratuitousArp(mustParse(REQUEST))).toBe(false);
    // An announcement: sender and target IP both 192.168.1.10 (RFC 5227 §3).
    const announce = fromHex('000108000604000102000000000ac0a8010a000000000000c0a8010a');
    expect(isGratuitousArp(mustParse(announce))).toBe(true);
  });
});

describe('parseArp errors', () => {
  const withByte = (at: number, value: number): Uint8Array => {
    const b = REQUEST.slice();
    b[at] = value;
    return b;
  };

  it('truncated', () => {
    expect(code(parseArp(REQUEST.subarray(0, 27)))).toBe('truncated');
    expect(code(parseArp(new Uint8Array(0)))).toBe('truncated');
  });

  it('unsupported hardware or protocol', () => {
    expect(code(parseArp(withByte(1, 6)))).toBe('unsupported'); // IEEE 802 networks
    expect(code(parseArp(withByte(2, 0x86)))).toBe('unsupported');
    expect(code(parseArp(withByte(4, 8)))).toBe('unsupported');
    expect(code(parseArp(withByte(5, 16)))).toBe('unsupported');
  });

  it('bad-op for RARP and others', () => {
    expect(code(parseArp(withByte(7, 3)))).toBe('bad-op');
    expect(code(parseArp(withByte(7, 0)))).toBe('bad-op');
    expect(code(parseArp(withByte(6, 1)))).toBe('bad-op');
  });

  it('serializeArp refuses a bad opcode', () => {
    const p = { ...mustParse(REQUEST), op: 3 } as unknown as ArpPacket;
    expect(() => serializeArp(p)).toThrow(NetlabError);
  });
});

describe('ARP properties', () => {
  const mac = fc.integer({ min: 0, max: 0xffff_ffff_ffff });
  const ip = fc.integer({ min: 0, max: 0xffffffff });
  const packet: fc.Arbitrary<ArpPacket> = fc.record({
    op: fc.constantFrom(ArpOp.Request, ArpOp.Reply),
    senderMac: mac,
    senderIp: ip,
    targetMac: mac,
    targetIp: ip,
  });

  it('parse(serialize(x)) deep-equals x', () => {
    fc.assert(
      fc.property(packet, (p) => {
        const b = serializeArp(p);
        expect(b.length).toBe(28);
        expect(parseArp(b)).toEqual(p);
      }),
    );
  });

  it('random bytes give a packet or a ProtocolError, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
        const r = parseArp(b);
        expect(r instanceof ProtocolError || r.op === 1 || r.op === 2).toBe(true);
      }),
    );
    // Random bodies behind a valid fixed part reach the address fields.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 40 }), (tail) => {
        const b = new Uint8Array(8 + tail.length);
        b.set(REQUEST.subarray(0, 8));
        b.set(tail, 8);
        const r = mustParse(b);
        expect(serializeArp(r)).toEqual(b.subarray(0, 28));
      }),
    );
  });
});
