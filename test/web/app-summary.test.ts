/** Application protocols named in the packet list where the dissector stops at UDP or TCP. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeDnsMessage } from '../../src/application/dns/dns-message.ts';
import { appSummary } from '../../web/src/engine/app-summary.ts';
import { emptyFields, readPacketFields } from '../../web/src/engine/packet-fields.ts';

const hex = (s: string) =>
  Uint8Array.from(
    s
      .replace(/\s+/g, '')
      .match(/../g)!
      .map((b) => Number.parseInt(b, 16)),
  );
const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));

/** An Ethernet/IPv4/TCP frame 10.0.0.1:40000 → 10.0.0.2:`port` carrying `payload`. */
function tcp(payload: Uint8Array, port = 80): Uint8Array {
  const ipLen = 20 + 20 + payload.length;
  const head = hex(
    `020000000002 020000000001 0800 4500 ${ipLen.toString(16).padStart(4, '0')} 0001 4000 4006 0000 0a000001 0a000002
     9c40 ${port.toString(16).padStart(4, '0')} 00000001 00000001 5018 ffff 0000 0000`,
  );
  const f = new Uint8Array(head.length + payload.length);
  f.set(head);
  f.set(payload, head.length);
  return f;
}

const summary = (frame: Uint8Array, dissector = 'TCP') =>
  appSummary(frame, readPacketFields(frame, emptyFields()), dissector);

describe('application summaries', () => {
  it('names HTTP/1.x by its start line, and the HTTP/2 preface', () => {
    expect(summary(tcp(ascii('GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n')))).toEqual({
      protocol: 'HTTP',
      info: 'GET /index.html HTTP/1.1',
    });
    expect(summary(tcp(ascii('HTTP/1.0 404 Not Found\r\n\r\n')))).toEqual({
      protocol: 'HTTP',
      info: 'HTTP/1.0 404 Not Found',
    });
    expect(summary(tcp(ascii('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')))).toEqual({
      protocol: 'HTTP2',
      info: 'Magic (connection preface)',
    });
    // The middle of a body is just TCP.
    expect(summary(tcp(ascii('Hello, world: not a start line\r\n')))).toBeUndefined();
    expect(summary(tcp(ascii('GET / HTTP/3.0\r\n')))).toBeUndefined();
  });

  it('names TLS records and handshake messages', () => {
    // A ClientHello record (handshake type 1, length 0x2c inside a 0x30-byte record).
    const hello = hex(`16 0301 0030 01 00002c 0303 ${'00'.repeat(44)}`);
    expect(summary(tcp(hello, 443))).toEqual({ protocol: 'TLS', info: 'Client Hello' });
    // Server Hello, Change Cipher Spec and an encrypted Finished in one segment.
    const flight = hex(`16 0303 0008 02 000004 00000000  14 0303 0001 01  16 0303 0028 ${'a7'.repeat(40)}`);
    expect(summary(tcp(flight, 443))).toEqual({
      protocol: 'TLS',
      info: 'Server Hello, Change Cipher Spec, Encrypted Handshake Message',
    });
    expect(summary(tcp(hex('17 0303 0004 deadbeef  15 0303 0002 0100'), 443))).toEqual({
      protocol: 'TLS',
      info: 'Application Data, Alert',
    });
  });

  it('names DNS over TCP by its message, after the length prefix', () => {
    const message = serializeDnsMessage({
      id: 0x1a2b,
      qr: false,
      opcode: 0,
      aa: false,
      tc: false,
      rd: true,
      ra: false,
      z: false,
      ad: false,
      cd: false,
      rcode: 0,
      questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
      answers: [],
      authority: [],
      additional: [],
    });
    const payload = new Uint8Array(message.length + 2);
    payload[0] = message.length >> 8;
    payload[1] = message.length & 0xff;
    payload.set(message, 2);
    expect(summary(tcp(payload, 53))).toEqual({
      protocol: 'DNS',
      info: 'Standard query 0x1a2b A www.example.com',
    });
  });

  it('leaves alone what the dissector already named, and empty segments', () => {
    expect(summary(tcp(ascii('GET / HTTP/1.1\r\n')), 'HTTP')).toBeUndefined();
    expect(summary(tcp(new Uint8Array(0)))).toBeUndefined();
  });

  it('never throws on any payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.constantFrom(80, 443, 53, 8080), (payload, port) => {
        const s = summary(tcp(payload, port));
        expect(s === undefined || (typeof s.protocol === 'string' && typeof s.info === 'string')).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
