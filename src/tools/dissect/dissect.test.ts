import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeArp } from '../../internet/arp.ts';
import { serializeEthernet } from '../../link/ethernet.ts';
import { ECHO_REQUEST } from './icmp-test-frames.ts';
import { dissect } from './index.ts';

describe('dissect', () => {
  it('decodes Ethernet > IPv4 > ICMP with fields located in the bytes', () => {
    const d = dissect(ECHO_REQUEST);
    expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'ICMP']);
    expect([d.source, d.destination, d.protocol]).toEqual(['10.0.0.1', '10.0.0.2', 'ICMP']);
    expect(d.info).toBe('Echo (ping) request  id=0x1234, seq=1/256, ttl=64');
    const ip = d.layers[1]!;
    const ttl = ip.fields.find((f) => f.name === 'Time to Live')!;
    expect([ttl.value, ttl.offset, ttl.length]).toEqual(['64', 22, 1]);
    expect(ip.fields.find((f) => f.name === 'Header Checksum')!.value).toBe('0x26a6 [correct]');
    expect(d.layers[2]!.fields.find((f) => f.name === 'Checksum')!.value).toBe('0x2cf6 [correct]');
    expect(d.layers.every((l) => l.problem === undefined)).toBe(true);
  });

  it('flags a bad IPv4 checksum as Wireshark does', () => {
    const bad = ECHO_REQUEST.slice();
    bad[24] = bad[24]! ^ 0xff;
    const ip = dissect(bad).layers[1]!;
    expect(ip.problem).toBe('Bad checksum');
    expect(ip.fields.find((f) => f.name === 'Header Checksum')!.value).toMatch(/\[incorrect\]$/);
  });

  it('decodes ARP requests and replies, gratuitous ones too', () => {
    const frame = (op: 1 | 2, senderIp: number, targetIp: number) =>
      serializeEthernet({
        destination: 0xffff_ffff_ffff,
        source: 0x02_00_00_00_00_01,
        etherType: 0x0806,
        payload: serializeArp({ op, senderMac: 0x02_00_00_00_00_01, senderIp, targetMac: 0, targetIp }),
      });
    expect(dissect(frame(1, 0x0a000001, 0x0a000002)).info).toBe('Who has 10.0.0.2? Tell 10.0.0.1');
    expect(dissect(frame(2, 0x0a000001, 0x0a000002)).info).toBe('10.0.0.1 is at 02:00:00:00:00:01');
    expect(dissect(frame(1, 0x0a000001, 0x0a000001)).info).toBe('Gratuitous ARP for 10.0.0.1 (Request)');
    expect(dissect(frame(1, 0x0a000001, 0x0a000002)).destination).toBe('Broadcast');
  });

  it('marks truncated packets malformed at the layer that broke', () => {
    expect(dissect(ECHO_REQUEST.subarray(0, 10)).layers[0]!.problem).toMatch(/^Malformed/);
    expect(dissect(ECHO_REQUEST.subarray(0, 20)).layers[1]!.problem).toMatch(/^Malformed/);
    expect(dissect(ECHO_REQUEST.subarray(0, 40)).info).toBe('[Malformed Packet]');
    // 14 + 6: the IPv4 layer has 6 of its 20 header bytes, and nothing is decoded.
    const short = dissect(ECHO_REQUEST.subarray(0, 20));
    expect(short.layers[1]).toEqual({
      protocol: 'IPv4',
      title: 'Internet Protocol Version 4',
      offset: 14,
      length: 6,
      fields: [],
      problem: 'Malformed: shorter than a 20-byte header',
    });
    expect([short.protocol, short.info]).toEqual(['IPv4', '[Malformed Packet]']);
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const d = dissect(bytes);
        expect(d.layers.length).toBeGreaterThan(0);
      }),
      { numRuns: 2000 },
    );
    // Random bytes behind valid Ethernet + IPv4 type fields exercise the deeper layers.
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 20, maxLength: 120 }),
        fc.constantFrom(0x45, 0x46, 0x4f),
        fc.constantFrom(1, 6, 17),
        (body, vihl, proto) => {
          const f = new Uint8Array(14 + body.length);
          f[12] = 0x08;
          f.set(body, 14);
          f[14] = vihl;
          f[16] = 0;
          f[17] = Math.min(body.length, 255);
          f[23] = proto;
          dissect(f);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
