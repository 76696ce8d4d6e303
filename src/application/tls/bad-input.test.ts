/**
 * Hostile and broken input: truncated and oversized records, bad MACs, unexpected
 * messages, tampered signatures and Finished messages, garbage. Each gets the right alert,
 * the connection ends in 'failed', and no exception escapes; parsers are fuzzed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { ContentType } from './code-points.ts';
import { frameHandshake, HandshakeReassembler } from './handshake-framing.ts';
import {
  parseCertificateMessage,
  parseCertificateRequest12,
  parseCertificateRequest13,
  parseCertificateVerify,
  parseEncryptedExtensions,
  parseNewSessionTicket13,
  parseServerKeyExchange,
} from './handshake-messages.ts';
import { parseClientHello, parseServerHello, serializeClientHello } from './hello.ts';
import { MAX_PLAINTEXT, RecordReader, serializeRecord } from './record.ts';
import { NULL_PROTECTION } from './record-protection.ts';
import {
  alertsSent,
  failureOf,
  handshake,
  makePair,
  records,
  sentItems,
  sessionKeys,
  testPki,
} from './test-helpers.ts';

const fuzzRuns = { numRuns: 300 };

describe('parsers never throw', () => {
  const parsers: [string, (b: Uint8Array) => unknown][] = [
    ['ClientHello', parseClientHello],
    ['ServerHello', parseServerHello],
    ['Certificate 1.3', (b) => parseCertificateMessage(b, true)],
    ['Certificate 1.2', (b) => parseCertificateMessage(b, false)],
    ['CertificateRequest 1.3', parseCertificateRequest13],
    ['CertificateRequest 1.2', parseCertificateRequest12],
    ['CertificateVerify', parseCertificateVerify],
    ['ServerKeyExchange', parseServerKeyExchange],
    ['EncryptedExtensions', parseEncryptedExtensions],
    ['NewSessionTicket', parseNewSessionTicket13],
  ];
  for (const [name, parse] of parsers) {
    it(`${name} on random bytes`, () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), (b) => {
          parse(b);
        }),
        fuzzRuns,
      );
    });
  }

  it('ClientHello: every mutation of a real one parses or fails with a typed error', () => {
    const p = makePair({ alpn: ['h2'] }, {});
    p.client.start();
    const body = records(p.client.takeOutput())[0]!.fragment.slice(4);
    const ch = parseClientHello(body);
    expect(ch).not.toBeInstanceOf(ProtocolError);
    expect(serializeClientHello(ch as never)).toEqual(body);
    fc.assert(
      fc.property(
        fc.nat(body.length - 1),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(body.length),
        (i, v, cut) => {
          const m = body.slice(0, Math.max(i + 1, cut));
          m[i] = v;
          const r = parseClientHello(m);
          if (r instanceof ProtocolError) expect(r.protocol).toBe('tls');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('the record reader gives the same records fed byte by byte or at once', () => {
    const p = handshake(makePair({}, {}));
    const all = p.wire.filter((w) => w.from === 'server').map((w) => w.bytes);
    const joined = new Uint8Array(all.reduce((n, b) => n + b.length, 0));
    let at = 0;
    for (const b of all) {
      joined.set(b, at);
      at += b.length;
    }
    const once = records(joined).map((r) => [r.type, Array.from(r.fragment)]);
    const r = new RecordReader();
    const slow: unknown[] = [];
    for (const byte of joined) {
      r.push(Uint8Array.of(byte));
      for (let rec = r.next(); rec !== null; rec = r.next()) {
        if (rec instanceof ProtocolError) throw new Error(rec.toString());
        slow.push([rec.type, Array.from(rec.fragment)]);
      }
    }
    expect(slow).toEqual(once);
  });

  it('handshake reassembly is the same whatever the record boundaries', () => {
    const msgs = [
      frameHandshake(11, new Uint8Array(3000).fill(1)),
      frameHandshake(15, Uint8Array.of(1, 2)),
      frameHandshake(20, new Uint8Array(32)),
    ];
    const stream = new Uint8Array(msgs.reduce((n, m) => n + m.length, 0));
    let at = 0;
    for (const m of msgs) {
      stream.set(m, at);
      at += m.length;
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 500 }), { minLength: 1, maxLength: 40 }), (sizes) => {
        const r = new HandshakeReassembler();
        const got: number[] = [];
        let p = 0;
        for (let i = 0; p < stream.length; i++) {
          const n = sizes[i % sizes.length]!;
          const out = r.push(stream.subarray(p, p + n));
          if (out instanceof ProtocolError) throw new Error(out.toString());
          for (const m of out) got.push(m.type, m.body.length);
          p += n;
        }
        expect(got).toEqual([11, 3000, 15, 2, 20, 32]);
        expect(r.partial).toBe(false);
      }),
    );
  });
});

describe('machines under attack', () => {
  it('random bytes to a server: an alert or a wait, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), (b) => {
        const p = makePair({}, {});
        const events = p.server.receive(b);
        const f = failureOf(events);
        if (f) expect(f.alertName).not.toBe('internal_error');
      }),
      { numRuns: 200 },
    );
  });

  it('random bytes after a real ClientHello: the client never throws', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 5, maxLength: 300 }),
        fc.integer({ min: 20, max: 23 }),
        (b, type) => {
          const p = makePair({}, {});
          p.client.start();
          const rec = serializeRecord(type, 0x0303, b.subarray(0, 200));
          const f = failureOf(p.client.receive(rec));
          if (f) expect(f.alertName).not.toBe('internal_error');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('every single-byte corruption of the server flight is caught with an alert', () => {
    for (const version of ['1.3', '1.2'] as const) {
      const ref = handshake(makePair({ versions: [version] }, {}, 5));
      const flight = ref.wire.find((w) => w.from === 'server')!.bytes;
      // The legacy version bytes of plaintext record headers are ignored by design (RFC 8446 §5.1).
      const ignored = new Set<number>();
      for (let at = 0; at < flight.length; at += 5 + ((flight[at + 3]! << 8) | flight[at + 4]!)) {
        if (flight[at] !== 23) ignored.add(at + 2);
      }
      fc.assert(
        fc.property(fc.nat(flight.length - 1), fc.integer({ min: 1, max: 255 }), (i, x) => {
          if (ignored.has(i)) return;
          const p = makePair({ versions: [version] }, {}, 5);
          p.client.start();
          const bad = flight.slice();
          bad[i]! ^= x;
          const events = p.client.receive(bad);
          const f = failureOf(events);
          // Either refused now with an alert, or (a corrupted length) still waiting for bytes.
          if (f) expect(f.alertName).not.toBe('internal_error');
          else expect(p.client.established).toBe(false);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('a record longer than the limit: record_overflow, before it is buffered', () => {
    const p = makePair({}, {});
    const head = Uint8Array.of(22, 3, 3, (MAX_PLAINTEXT + 2049) >> 8, (MAX_PLAINTEXT + 2049) & 0xff);
    expect(failureOf(p.server.receive(head))?.alertName).toBe('record_overflow');
    const q = handshake(makePair({}, {}));
    // Under TLS 1.3 the limit is 2^14 + 256.
    const head13 = Uint8Array.of(23, 3, 3, (MAX_PLAINTEXT + 257) >> 8, (MAX_PLAINTEXT + 257) & 0xff);
    expect(failureOf(q.client.receive(head13))?.alertName).toBe('record_overflow');
  });

  it('a protected record whose plaintext exceeds 2^14: record_overflow', () => {
    const p = handshake(makePair({}, {}));
    const keys = sessionKeys(p);
    const seal = keys.protection('server', 'application');
    const big = seal.seal(ContentType.ApplicationData, new Uint8Array(MAX_PLAINTEXT + 1), 0x0303);
    expect(failureOf(p.client.receive(big))?.alertName).toBe('record_overflow');
  });

  it('a plaintext record over 2^14 before encryption: record_overflow', () => {
    const p = makePair({}, {});
    const rec = serializeRecord(22, 0x0301, new Uint8Array(MAX_PLAINTEXT + 1));
    expect(failureOf(p.server.receive(rec))?.alertName).toBe('record_overflow');
  });

  for (const version of ['1.3', '1.2'] as const) {
    it(`TLS ${version}: a flipped bit in application data: bad_record_mac, then nothing more is read`, () => {
      const p = handshake(makePair({ versions: [version] }, {}));
      p.client.write(new TextEncoder().encode('secret'));
      const rec = p.client.takeOutput();
      rec[rec.length - 3]! ^= 0x10;
      const events = p.server.receive(rec);
      expect(failureOf(events)).toMatchObject({ alertName: 'bad_record_mac', side: 'remote' });
      expect(alertsSent(events)).toEqual(['bad_record_mac']);
      expect(p.server.receive(rec)).toEqual([]);
      // The alert is protected, and the client understands it.
      const alert = p.server.takeOutput();
      expect(alert[0]).toBe(version === '1.3' ? 23 : 21);
      expect(failureOf(p.client.receive(alert))?.alertName).toBe('bad_record_mac');
    });
  }

  it('a truncated protected record waits; the stream adapter reports the truncation at end of stream', () => {
    const p = handshake(makePair({}, {}));
    p.client.write(new TextEncoder().encode('hello'));
    const rec = p.client.takeOutput();
    expect(p.server.receive(rec.subarray(0, rec.length - 1))).toEqual([]);
    expect(p.server.established).toBe(true);
  });

  it('application data before the handshake: unexpected_message', () => {
    const p = makePair({}, {});
    expect(failureOf(p.server.receive(serializeRecord(23, 0x0303, Uint8Array.of(1, 2, 3))))?.alertName).toBe(
      'unexpected_message',
    );
  });

  it('a handshake message of a type netlab never accepts: unexpected_message', () => {
    const p = makePair({}, {});
    const rec = serializeRecord(22, 0x0301, frameHandshake(99, new Uint8Array(4)));
    expect(failureOf(p.server.receive(rec))?.alertName).toBe('unexpected_message');
  });

  it('a handshake header claiming 16 MiB: decode_error, nothing buffered', () => {
    const p = makePair({}, {});
    const rec = serializeRecord(22, 0x0301, Uint8Array.of(1, 0xff, 0xff, 0xff));
    expect(failureOf(p.server.receive(rec))?.alertName).toBe('decode_error');
  });

  it('plain HTTP sent to a TLS server: unexpected_message, saying so', () => {
    const p = makePair({}, {});
    const f = failureOf(p.server.receive(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n')));
    expect(f?.alertName).toBe('unexpected_message');
    expect(f?.message).toContain('plain HTTP');
  });

  it('too many empty records in a row: unexpected_message', () => {
    const q = handshake(makePair({}, {}));
    const prot = sessionKeys(q).protection('server', 'application');
    const events = [];
    for (let i = 0; i < 40; i++)
      events.push(...q.client.receive(prot.seal(ContentType.ApplicationData, new Uint8Array(0), 0x0303)));
    expect(failureOf(events)?.alertName).toBe('unexpected_message');
  });

  it('ChangeCipherSpec after a TLS 1.3 handshake: unexpected_message', () => {
    const p = handshake(makePair({}, {}));
    expect(failureOf(p.client.receive(NULL_PROTECTION.seal(20, Uint8Array.of(1), 0x0303)))?.alertName).toBe(
      'unexpected_message',
    );
  });

  it('TLS 1.2: a ChangeCipherSpec that is not 0x01: decode_error', () => {
    const q = makePair({ versions: ['1.2'] }, {});
    q.client.start();
    q.server.receive(q.client.takeOutput());
    q.client.receive(q.server.takeOutput());
    expect(q.client.state).toBe('client-wait-change-cipher-spec');
    expect(failureOf(q.client.receive(serializeRecord(20, 0x0303, Uint8Array.of(2))))?.alertName).toBe(
      'decode_error',
    );
  });

  it('TLS 1.2: a tampered ServerKeyExchange signature: decrypt_error', () => {
    const p = makePair({ versions: ['1.2'] }, {});
    p.client.start();
    p.server.receive(p.client.takeOutput());
    const flight = p.server.takeOutput();
    const recs = records(flight);
    // SH, Certificate, SKE, SHD share one record; the SKE signature's last byte sits before SHD's 4 bytes.
    const body = recs[0]!.fragment;
    const tampered = flight.slice();
    tampered[5 + body.length - 4 - 1]! ^= 1;
    const f = failureOf(p.client.receive(tampered));
    expect(f?.alertName).toBe('decrypt_error');
  });

  it('TLS 1.3: a tampered CertificateVerify or Finished: decrypt_error', () => {
    const messages: Record<number, string> = {
      15: 'the server CertificateVerify signature does not verify',
      20: 'the server Finished does not verify',
    };
    for (const which of [15, 20]) {
      const ref = handshake(makePair({}, {}, 9));
      const items = sentItems(ref, 'server');
      const keys = sessionKeys(ref);
      const p = makePair({}, {}, 9);
      p.client.start();
      const hs = keys.protection('server', 'handshake');
      let failed: ReturnType<typeof failureOf>;
      for (const item of items) {
        let content = item.content;
        if (item.type === ContentType.Handshake && content[0] === which) {
          content = content.slice();
          content[content.length - 1]! ^= 1;
        }
        const rec =
          item.stage === 'none'
            ? NULL_PROTECTION.seal(item.type, content, 0x0303)
            : hs.seal(item.type, content, 0x0303);
        failed ??= failureOf(p.client.receive(rec));
        if (failed || item.stage === 'application') break;
      }
      expect(failed?.alertName, `message ${which}`).toBe('decrypt_error');
      expect(failed?.message).toBe(messages[which]);
    }
  });

  /** An established TLS 1.2 pair and the first ClientHello, protected as `from` would send it now. */
  function helloAfterHandshake(from: 'client' | 'server') {
    const pki = testPki();
    const p = handshake(makePair({ versions: ['1.2'] }, { certificates: [pki.issueSite(['server.test'])] }));
    const seal = sessionKeys(p).protection(from, 'application');
    // `from` already sent one protected record (its Finished): move past it.
    seal.seal(ContentType.Handshake, new Uint8Array(1), 0x0303);
    const hello = records(p.wire[0]!.bytes)[0]!.fragment;
    return { p, record: seal.seal(ContentType.Handshake, hello, 0x0303) };
  }

  it('TLS 1.2: a renegotiation attempt gets a no_renegotiation warning and the connection goes on', () => {
    const { p, record } = helloAfterHandshake('client');
    const events = p.server.receive(record);
    expect(failureOf(events)).toBeUndefined();
    expect(alertsSent(events)).toEqual(['no_renegotiation']);
    expect(p.server.established).toBe(true);
  });

  it('TLS 1.2: a ClientHello sent to an established client: unexpected_message, named for the client', () => {
    const { p, record } = helloAfterHandshake('server');
    const f = failureOf(p.client.receive(record));
    expect(f).toMatchObject({ alertName: 'unexpected_message', message: 'ClientHello sent to a client' });
  });
});

describe('version rollback', () => {
  it('a ServerHello with TLS 1.1: protocol_version', () => {
    const p = makePair({ versions: ['1.2'] }, {});
    p.client.start();
    p.server.receive(p.client.takeOutput());
    const flight = p.server.takeOutput();
    // ServerHello body starts after the 5-byte record header and 4-byte handshake header.
    flight[9] = 3;
    flight[10] = 2;
    expect(failureOf(p.client.receive(flight))?.alertName).toBe('protocol_version');
  });
});
