/** The packet list's display filter: Wireshark's notation over real frames. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  compileDisplayFilter,
  type DisplayFilter,
  isFilterError,
  type PacketMeta,
} from '../../web/src/engine/display-filter.ts';
import { emptyFields, readPacketFields } from '../../web/src/engine/packet-fields.ts';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, '')
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16)),
  );

// An ICMP echo request 10.0.1.10 → 10.0.2.10, TTL 64, as h1 sends it in the default example.
const ICMP = hex(`
  020000000009 020000000001 0800
  4500 0054 67a1 0000 4001 fbf4 0a00010a 0a00020a
  0800 8afc ad2f 0001 ${'00'.repeat(56)}`);
// An ARP request: who has 10.0.1.1? tell 10.0.1.10.
const ARP = hex(`
  ffffffffffff 020000000001 0806
  0001 0800 06 04 0001 020000000001 0a00010a 000000000000 0a000101 ${'00'.repeat(18)}`);
// A TCP SYN 192.168.1.10:51243 → 203.0.113.80:80.
const SYN = hex(`
  020000000002 020000000001 0800
  4500 002c 0001 4000 4006 0000 c0a8010a cb007150
  c82b 0050 00000064 00000000 6002 ffff 0000 0000 020405b4`);
// UDP 10.0.0.1:5353 → 10.0.0.2:53, 4 bytes of data.
const DNS = hex(`
  020000000002 020000000001 0800
  4500 0020 0002 0000 4011 0000 0a000001 0a000002
  14e9 0035 000c 0000 deadbeef`);

function meta(over: Partial<PacketMeta> = {}): PacketMeta {
  return { number: 1, time: 1, iface: 'h1:eth0', node: 'h1', ...over };
}

function compile(text: string): DisplayFilter {
  const f = compileDisplayFilter(text);
  if (f === null || isFilterError(f)) throw new Error(`did not compile: ${text} ${JSON.stringify(f)}`);
  return f;
}

function matches(text: string, frame: Uint8Array, m: Partial<PacketMeta> = {}): boolean {
  return compile(text)(readPacketFields(frame, emptyFields()), meta(m));
}

describe('display filter', () => {
  it('matches protocols by name', () => {
    expect([ICMP, ARP, SYN, DNS].map((f) => matches('icmp', f))).toEqual([true, false, false, false]);
    expect([ICMP, ARP, SYN, DNS].map((f) => matches('arp', f))).toEqual([false, true, false, false]);
    expect([ICMP, ARP, SYN, DNS].map((f) => matches('ip', f))).toEqual([true, false, true, true]);
    expect([ICMP, ARP, SYN, DNS].map((f) => matches('tcp', f))).toEqual([false, false, true, false]);
    expect([ICMP, ARP, SYN, DNS].map((f) => matches('dns', f))).toEqual([false, false, false, true]);
    expect([ICMP, ARP, SYN, DNS].map((f) => matches('eth', f))).toEqual([true, true, true, true]);
  });

  it('compares addresses, prefixes, MACs and numbers', () => {
    expect(matches('ip.src == 10.0.1.10', ICMP)).toBe(true);
    expect(matches('ip.dst == 10.0.1.10', ICMP)).toBe(false);
    expect(matches('ip.addr == 10.0.2.10', ICMP)).toBe(true);
    expect(matches('ip.addr == 10.0.2.0/24', ICMP)).toBe(true);
    expect(matches('ip.addr == 10.0.3.0/24', ICMP)).toBe(false);
    expect(matches('ip.ttl == 64 && ip.ttl >= 64 && ip.ttl < 65 && ip.ttl gt 63', ICMP)).toBe(true);
    expect(matches('icmp.type == 8 and icmp.seq == 1 and icmp.ident == 0xad2f', ICMP)).toBe(true);
    expect(matches('eth.src == 02:00:00:00:00:01', ARP)).toBe(true);
    expect(matches('eth.dst == ff:ff:ff:ff:ff:ff', ARP)).toBe(true);
    expect(matches('arp.opcode == 1 && arp.dst.proto_ipv4 == 10.0.1.1', ARP)).toBe(true);
    expect(matches('tcp.port == 80 && tcp.srcport == 51243 && tcp.flags.syn && !tcp.flags.ack', SYN)).toBe(
      true,
    );
    expect(matches('tcp.flags.syn == 1 && tcp.flags == 0x02 && tcp.seq_raw == 100', SYN)).toBe(true);
    expect(matches('udp.dstport == 53 && udp.length == 12', DNS)).toBe(true);
    expect(matches('frame.len == 98', ICMP)).toBe(true);
  });

  it('reads frame.node, frame.iface, frame.number and frame.time from the capture', () => {
    expect(matches('frame.node == "r1"', ICMP, { node: 'r1' })).toBe(true);
    expect(matches('frame.iface == "r1:eth1"', ICMP, { iface: 'r1:eth1' })).toBe(true);
    expect(matches('frame.iface != "r1:eth1"', ICMP, { iface: 'r1:eth1' })).toBe(false);
    expect(matches('frame.number <= 10 && frame.time > 0.5', ICMP, { number: 10, time: 0.75 })).toBe(true);
  });

  it('treats a missing field as no match, and two-sided fields as Wireshark 4 does', () => {
    // ARP has no IP TTL: both comparisons are false.
    expect(matches('ip.ttl == 64', ARP)).toBe(false);
    expect(matches('ip.ttl != 64', ARP)).toBe(false);
    // != on a two-sided field: neither side equals.
    expect(matches('ip.addr != 10.0.1.10', ICMP)).toBe(false);
    expect(matches('ip.addr != 10.9.9.9', ICMP)).toBe(true);
    expect(matches('!(ip.addr == 10.0.1.10)', ICMP)).toBe(false);
  });

  it('follows precedence: not over and over or, with parentheses', () => {
    expect(matches('arp || icmp && tcp', ARP)).toBe(true);
    expect(matches('(arp || icmp) && tcp', ARP)).toBe(false);
    expect(matches('not arp or icmp', ARP)).toBe(false);
    expect(matches('not (arp or icmp)', SYN)).toBe(true);
  });

  it('shows everything for an empty filter', () => {
    expect(compileDisplayFilter('   ')).toBeNull();
  });

  it('reports mistakes with the place and a suggestion', () => {
    expect(compileDisplayFilter('ip.sorce == 1.2.3.4')).toEqual({
      error: "unknown field 'ip.sorce' (did you mean 'ip.src'?)",
      at: 0,
    });
    expect(compileDisplayFilter('ip.src == 10.0.0')).toEqual({
      error: "'10.0.0' is not an IPv4 address (ip.src)",
      at: 10,
    });
    expect(compileDisplayFilter('tcp.port == http')).toEqual({
      error: "'http' is not a whole number (tcp.port)",
      at: 12,
    });
    expect(compileDisplayFilter('icmp &&')).toEqual({ error: 'expected a protocol or field', at: 7 });
    expect(compileDisplayFilter('(icmp')).toEqual({ error: "expected ')'", at: 5 });
    expect(compileDisplayFilter('icmp == 1')).toEqual({
      error: "'icmp' is a protocol: it takes no comparison",
      at: 5,
    });
    expect(compileDisplayFilter('frame.node == "h1')).toEqual({ error: 'unterminated string', at: 14 });
    expect(compileDisplayFilter('ip.addr == 10.0.0.0/33')).toMatchObject({
      error: "'10.0.0.0/33' is not an IPv4 prefix (ip.addr)",
    });
    expect(compileDisplayFilter('ip.ttl ~ 3')).toEqual({ error: "unexpected character '~'", at: 7 });
  });

  it('never throws, whatever is typed, and what compiles never throws on any frame', () => {
    const alphabet = fc.constantFrom(...'ip.srcdsttlpor=!&|() 0123456789x"abcfgmnequ<>:/-'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 40 }), fc.uint8Array({ maxLength: 80 }), (chars, frame) => {
        const f = compileDisplayFilter(chars.join(''));
        if (f === null || isFilterError(f)) return;
        expect(typeof f(readPacketFields(frame, emptyFields()), meta())).toBe('boolean');
      }),
      { numRuns: 3000 },
    );
  });
});
