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
import { readFileSync } from 'node:fs';
import { serializeFrame } from '../../src/application/http2/frame-codec.ts';
import { CLIENT_PREFACE } from '../../src/application/http2/preface.ts';
import { serializeAlert } from '../../src/application/tls/alert.ts';
import { serializeRecord } from '../../src/application/tls/record.ts';
import { fromHex } from '../../src/bytes/hex.ts';
import { decodeHttp1 } from '../../src/tools/dissect/http1.ts';
import { ascii, tcpFrame } from '../../src/tools/dissect/tcp-test-frames.ts';

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

describe('display filter above TCP: what the dissector finds', () => {
  const rfc8448 = JSON.parse(
    readFileSync(new URL('../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
  ) as { summary: Record<string, string> };
  // RFC 8448's ClientHello (SNI "server"), on port 8443: TLS by its record header, not the port.
  const HELLO = tcpFrame(fromHex(rfc8448.summary.client_hello_record!), { dport: 8443 });
  const ALERT = tcpFrame(serializeRecord(21, 0x0303, serializeAlert({ level: 'fatal', description: 40 })), {
    toClient: true,
  });
  const GET = tcpFrame(ascii('GET /style.css HTTP/1.1\r\nHost: www.example.com\r\n\r\n'), { dport: 80 });
  const OK = tcpFrame(ascii('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n'), {
    sport: 80,
    toClient: true,
  });
  const BODY = tcpFrame(ascii('the middle of a body, on port 80'), { sport: 80, toClient: true });
  const H2 = tcpFrame(
    new Uint8Array([
      ...CLIENT_PREFACE,
      ...serializeFrame({ type: 'SETTINGS', ack: false, settings: [] }),
      ...serializeFrame({
        type: 'HEADERS',
        streamId: 3,
        endStream: true,
        endHeaders: true,
        fragment: Uint8Array.of(0x82),
      }),
    ]),
    { dport: 80 },
  );

  it('tls, http and http2 match the packets the packet list names so, on any port', () => {
    const all = [HELLO, ALERT, GET, OK, BODY, H2, SYN];
    expect(all.map((f) => matches('tls', f))).toEqual([true, true, false, false, false, false, false]);
    expect(all.map((f) => matches('http', f))).toEqual([false, false, true, true, false, false, false]);
    expect(all.map((f) => matches('http2', f))).toEqual([false, false, false, false, false, true, false]);
    // The middle of a body is TCP, as in the packet list; DNS over UDP still by its port.
    expect(matches('tcp && !http && !tls && !http2', BODY)).toBe(true);
    expect(matches('dns', DNS)).toBe(true);
  });

  it('TLS fields: record and handshake types, the SNI, alerts', () => {
    expect(matches('tls.handshake.type == 1', HELLO)).toBe(true);
    expect(matches('tls.handshake.type == 2', HELLO)).toBe(false);
    expect(matches('tls.record.content_type == 22 && tls.record.version == 0x0301', HELLO)).toBe(true);
    expect(matches('tls.handshake.extensions_server_name == "server"', HELLO)).toBe(true);
    expect(matches('tls.handshake.extensions_server_name == "www.example.com"', HELLO)).toBe(false);
    expect(matches('tls.handshake.extensions_server_name', HELLO)).toBe(true);
    expect(matches('tls.handshake.extensions_server_name', ALERT)).toBe(false);
    expect(matches('tls.alert_message.desc == 40 && tls.alert_message.level == 2', ALERT)).toBe(true);
    expect(matches('tls.record.length > 100', HELLO)).toBe(true);
    // A field the packet lacks: every comparison false, as in Wireshark.
    expect(matches('tls.handshake.type != 1', ALERT)).toBe(false);
    expect(matches('tls.handshake.type != 1', GET)).toBe(false);
  });

  it('HTTP fields: method, URI, host, status code', () => {
    expect(matches('http.request.method == "GET"', GET)).toBe(true);
    expect(matches('http.request.method == "POST"', GET)).toBe(false);
    expect(matches('http.request.method != "POST"', GET)).toBe(true);
    expect(matches('http.request.uri == "/style.css" && http.host == "www.example.com"', GET)).toBe(true);
    expect(matches('http.request && !http.response', GET)).toBe(true);
    expect(matches('http.response.code == 404 && http.response.phrase == "Not Found"', OK)).toBe(true);
    expect(matches('http.response.code >= 400', GET)).toBe(false);
  });

  it('http and its fields also match the HTTP a key log decrypts, only in TLS packets', () => {
    // What the engine hands the filter for a TLS record that decrypts to a GET (meta.decrypted).
    const decoded = (text: string) => () => [
      { kind: 'http' as const, messages: decodeHttp1(ascii(text), 0, text.length)! },
    ];
    const decrypted = decoded('GET /secret HTTP/1.1\r\nHost: www.example.com\r\n\r\n');
    expect(matches('http', ALERT)).toBe(false);
    expect(matches('http', ALERT, { decrypted })).toBe(true);
    expect(matches('tls && http', ALERT, { decrypted })).toBe(true);
    expect(
      matches('http.request.method == "GET" && http.request.uri == "/secret"', ALERT, { decrypted }),
    ).toBe(true);
    expect(matches('http.request.uri == "/other"', ALERT, { decrypted })).toBe(false);
    expect(matches('http2', ALERT, { decrypted })).toBe(false);
    // A record's last bytes may come in a segment without a record header.
    expect(matches('http', BODY, { decrypted })).toBe(true);
    expect(matches('http', BODY, { decrypted: () => [] })).toBe(false);
    // The wire's own HTTP wins; a segment without data, or read as HTTP, never asks.
    const never = () => {
      throw new Error('asked for a decryption of a packet that cannot end a record');
    };
    expect(matches('http.request.uri == "/style.css"', GET, { decrypted: never })).toBe(true);
    expect(matches('http', SYN, { decrypted: never })).toBe(false);
    expect(matches('http2.streamid == 3', H2, { decrypted: never })).toBe(true);
  });

  it('HTTP/2 fields: every frame of the segment counts', () => {
    expect(matches('http2.type == 4', H2)).toBe(true);
    expect(matches('http2.type == 1 && http2.streamid == 3', H2)).toBe(true);
    expect(matches('http2.streamid == 5', H2)).toBe(false);
    expect(matches('http2.flags == 0x05', H2)).toBe(true);
    expect(matches('http2.type', GET)).toBe(false);
  });
});
