import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, serializeDnsMessage } from '../../application/dns/dns-message.ts';
import { serializeRecord } from '../../application/tls/record.ts';
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { appProtocolOf, decodeTcpPayload, dissect } from './index.ts';
import { ascii, PAYLOAD_OFFSET, tcpFrame } from './tcp-test-frames.ts';

const QUERY = serializeDnsMessage({
  ...EMPTY_MESSAGE,
  id: 0x1a2b,
  rd: true,
  questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
});

describe('the application protocol of a TCP segment', () => {
  it('DNS over TCP: one whole message after its two-byte length, to or from port 53', () => {
    const payload = new Uint8Array([QUERY.length >> 8, QUERY.length & 0xff, ...QUERY]);
    const d = dissect(tcpFrame(payload, { sport: 40000, dport: 53 }));
    expect([d.protocol, d.info]).toEqual(['DNS', 'Standard query 0x1a2b A www.example.com']);
    const dns = d.layers[3]!;
    expect([dns.offset, dns.length]).toEqual([PAYLOAD_OFFSET, payload.length]);
    expect(dns.fields.slice(0, 2).map((f) => [f.name, f.value, f.offset, f.length])).toEqual([
      ['Length', String(QUERY.length), 54, 2],
      ['Transaction ID', '0x1a2b', 56, 2],
    ]);
    // Half a message (no reassembly here), or another port: TCP.
    expect(dissect(tcpFrame(payload.subarray(0, 20), { sport: 40000, dport: 53 })).protocol).toBe('TCP');
    expect(dissect(tcpFrame(payload, { sport: 40000, dport: 5353 })).protocol).toBe('TCP');
  });

  it('names each protocol by its first bytes', () => {
    const kind = (payload: Uint8Array, dport = 80) =>
      appProtocolOf(
        tcpFrame(payload, { dport }),
        PAYLOAD_OFFSET,
        PAYLOAD_OFFSET + payload.length,
        40000,
        dport,
      );
    expect(kind(ascii('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))).toBe('HTTP');
    expect(kind(CLIENT_PREFACE)).toBe('HTTP2');
    expect(kind(serializeRecord(22, 0x0301, new Uint8Array(10)), 443)).toBe('TLS');
    expect(kind(ascii('body text, in the middle of a response'))).toBeUndefined();
    expect(kind(new Uint8Array(0))).toBeUndefined();
  });

  it('the cheap answer, the decoded values and the dissection always agree', () => {
    const starts = [
      ascii('GET / HTTP/1.1\r\n'),
      ascii('HTTP/1.1 200 OK\r\n'),
      CLIENT_PREFACE,
      Uint8Array.of(0x16, 3, 1),
      Uint8Array.of(0x17, 3, 3),
      Uint8Array.of(0, 0, 8, 4, 0, 0, 0, 0, 0),
      new Uint8Array(0),
    ];
    fc.assert(
      fc.property(
        fc.constantFrom(...starts),
        fc.uint8Array({ maxLength: 200 }),
        fc.constantFrom(53, 80, 443),
        (start, rest, dport) => {
          const payload = new Uint8Array([...start, ...rest]);
          if (payload.length === 0) return;
          const frame = tcpFrame(payload, { dport });
          const end = PAYLOAD_OFFSET + payload.length;
          const cheap = appProtocolOf(frame, PAYLOAD_OFFSET, end, 40000, dport);
          const d = dissect(frame);
          expect(d.layers.length > 3 ? d.layers[3]!.protocol : undefined).toBe(cheap);
          const decoded = decodeTcpPayload(frame, PAYLOAD_OFFSET, end, 40000, dport);
          if (cheap !== 'DNS') expect(decoded).toEqual(d.layers[3]?.decoded);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
