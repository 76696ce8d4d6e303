import { describe, expect, it } from 'vitest';
import { testPki } from '../../../application/tls/test-helpers.ts';
import { decryptTlsConnection, type TlsDecryption } from './decrypt.ts';
import { exchange, frameOf, keyLogOf, REQUEST, RESPONSE, segmentsOf } from './test-connection.ts';

const dec = new TextDecoder();

/** One line per record: who, frame, keys and sequence, inner type, what it holds. */
function summary(d: TlsDecryption): string[] {
  return d.records.map((r) => {
    const where = `${r.direction} f${r.frame} ${r.keys}${r.keys === 'clear' ? '' : `#${r.sequence}`}`;
    if (r.failure !== undefined) return `${where} ${r.failure}`;
    const c = r.content!;
    const what =
      c.type === 22
        ? `hs ${handshakeTypes(c.bytes).join(',')}`
        : c.type === 23
          ? `data ${JSON.stringify(dec.decode(c.bytes))}`
          : c.type === 21
            ? `alert ${c.bytes[0]},${c.bytes[1]}`
            : `ccs`;
    return `${where} ${what}`;
  });
}

function handshakeTypes(b: Uint8Array): number[] {
  const out: number[] = [];
  for (let at = 0; at + 4 <= b.length; at += 4 + ((b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!))
    out.push(b[at]!);
  return out;
}

const frames = (segs: ReturnType<typeof segmentsOf>) => segs.map(frameOf);

describe('decryptTlsConnection: TLS 1.3', () => {
  const p = exchange({ alpn: ['h2', 'http/1.1'] }, { alpn: ['http/1.1'] });
  const segs = segmentsOf(p.wire);

  it('opens every record with the key log, in the frame where it completes', () => {
    const d = decryptTlsConnection(frames(segs), keyLogOf(p));
    expect(d.notes).toEqual([]);
    expect(d.version).toBe(0x0304);
    expect(d.suite?.name).toBe('TLS_AES_128_GCM_SHA256');
    expect(d.alpn).toBe('http/1.1');
    expect(d.client).toBe('10.0.0.1:40000');
    expect(d.server).toBe('10.0.0.2:443');
    expect(summary(d)).toEqual([
      'client f2 clear hs 1',
      'server f3 clear hs 2',
      // EncryptedExtensions, Certificate, CertificateVerify, Finished under the handshake keys
      'server f3 handshake#0 hs 8,11,15,20',
      'client f4 handshake#0 hs 20',
      `client f5 application#0 data ${JSON.stringify(REQUEST)}`,
      `server f6 application#0 data ${JSON.stringify(RESPONSE)}`,
      // close_notify (warning, 0) in each direction, the second record under each sender's keys
      'client f7 application#1 alert 1,0',
      'server f8 application#1 alert 1,0',
    ]);
  });

  it('follows a KeyUpdate to the next generation of traffic keys', () => {
    const q = exchange({}, {}, { keyUpdate: true });
    const d = decryptTlsConnection(frames(segmentsOf(q.wire)), keyLogOf(q));
    expect(summary(d).slice(5)).toEqual([
      'server f6 application#0 hs 24',
      `server f7 application#0 data ${JSON.stringify(RESPONSE)}`,
      'client f8 application#1 alert 1,0',
      'server f9 application#1 alert 1,0',
    ]);
    expect(d.records.map((r) => r.generation)).toEqual([0, 0, 0, 0, 0, 0, 1, 0, 1]);
  });

  it('takes a retransmitted segment once, and a record where its bytes first arrived', () => {
    const again = [...segs.slice(0, 6), segs[5]!, ...segs.slice(6)]; // the GET, sent twice
    const d = decryptTlsConnection(frames(again), keyLogOf(p));
    expect(d.notes).toEqual([]);
    expect(summary(d).slice(4)).toEqual([
      `client f5 application#0 data ${JSON.stringify(REQUEST)}`,
      `server f7 application#0 data ${JSON.stringify(RESPONSE)}`,
      'client f8 application#1 alert 1,0',
      'server f9 application#1 alert 1,0',
    ]);
  });

  it('takes a retransmission that overlaps new bytes for the new bytes only', () => {
    // Cut at 20 bytes, then resend the first 30 bytes of the GET record with the next segment.
    const cut = segmentsOf(p.wire, 20);
    const get = cut.findIndex(
      (s, i) => i > 5 && s.from === 'client' && s.payload[0] === 23 && s.payload[4] === 54,
    );
    const record = p.wire.find((w) => w.from === 'client' && w.bytes[0] === 23 && w.bytes[4] === 54)!;
    const overlap = { ...cut[get]!, payload: record.bytes.subarray(0, 30) };
    const d0 = decryptTlsConnection(frames(cut), keyLogOf(p));
    const d = decryptTlsConnection(
      frames([...cut.slice(0, get + 1), overlap, ...cut.slice(get + 1)]),
      keyLogOf(p),
    );
    const request = (x: TlsDecryption) =>
      x.records.find((r) => r.content && dec.decode(r.content.bytes) === REQUEST)!;
    expect(request(d).frame).toBe(request(d0).frame + 1);
    expect(d.records).toHaveLength(d0.records.length);
  });

  it('puts out-of-order segments back in order: a record completes in the frame that fills the hole', () => {
    // The response record (5 + 43 + 1 + 16 = 65 bytes) cut at 30: segments r, r+1, r+2. Send r last.
    const cut = segmentsOf(p.wire, 30);
    const r = cut.findIndex(
      (s, i) => i > 3 && s.from === 'server' && s.payload[0] === 23 && s.payload[4] === 60,
    );
    expect(cut.slice(r, r + 3).map((s) => s.payload.length)).toEqual([30, 30, 5]);
    const d0 = decryptTlsConnection(frames(cut), keyLogOf(p));
    const response = (x: TlsDecryption) =>
      x.records.find((q) => q.content && dec.decode(q.content.bytes) === RESPONSE)!;
    expect(response(d0).frame).toBe(r + 2);
    const swapped = [...cut.slice(0, r), cut[r + 1]!, cut[r + 2]!, cut[r]!, ...cut.slice(r + 3)];
    const d = decryptTlsConnection(frames(swapped), keyLogOf(p));
    expect(d.notes).toEqual([]);
    expect(response(d).frame).toBe(r + 2); // where the late first segment now is
    expect(summary(d).length).toBe(summary(d0).length);
  });

  it('attributes a record split across 3 segments to the third', () => {
    // The GET record is 5 + 37 + 1 + 16 = 59 bytes: cut at 25, segments g, g+1, g+2.
    const cut = segmentsOf(p.wire, 25);
    const g = cut.findIndex(
      (s, i) => i > 2 && s.from === 'client' && s.payload[0] === 23 && s.payload[4] === 54,
    );
    expect(cut.slice(g, g + 3).map((s) => s.payload.length)).toEqual([25, 25, 9]);
    const d = decryptTlsConnection(frames(cut), keyLogOf(p));
    const get = d.records.find((r) => r.content !== undefined && dec.decode(r.content.bytes) === REQUEST)!;
    expect(get.length).toBe(54);
    expect(get.frame).toBe(g + 2);
    expect(d.records.filter((r) => r.frame === g || r.frame === g + 1)).toEqual([]);
  });

  it('stops a direction at a lost segment, saying so', () => {
    const lost = segs.filter((_, i) => i !== 6); // the response
    const d = decryptTlsConnection(frames(lost), keyLogOf(p));
    const response = p.wire.find((w) => w.from === 'server' && w.bytes.length < 100)!;
    expect(d.notes).toEqual([
      `server → client: ${response.bytes.length} bytes missing at stream byte ${
        segs[3]!.payload.length
      } (a segment the capture lacks); decryption of this direction stops there`,
    ]);
    expect(summary(d)).toEqual([
      'client f2 clear hs 1',
      'server f3 clear hs 2',
      'server f3 handshake#0 hs 8,11,15,20',
      'client f4 handshake#0 hs 20',
      `client f5 application#0 data ${JSON.stringify(REQUEST)}`,
      'client f6 application#1 alert 1,0',
    ]);
  });

  it('reports wrong keys as decryption failed, record by record, and does not throw', () => {
    const wrong = keyLogOf(p).map((l) => l.replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0')));
    const d = decryptTlsConnection(frames(segs), wrong);
    expect(summary(d)).toEqual([
      'client f2 clear hs 1',
      'server f3 clear hs 2',
      'server f3 handshake#0 decryption failed: bad_record_mac (record authentication failed)',
      'client f4 handshake#0 decryption failed: bad_record_mac (record authentication failed)',
      'client f5 handshake#1 decryption failed: bad_record_mac (record authentication failed)',
      'server f6 handshake#1 decryption failed: bad_record_mac (record authentication failed)',
      'client f7 handshake#2 decryption failed: bad_record_mac (record authentication failed)',
      'server f8 handshake#2 decryption failed: bad_record_mac (record authentication failed)',
    ]);
  });

  it('opens the data with the application keys when only the handshake lines are wrong', () => {
    const wrong = keyLogOf(p).map((l) =>
      l.includes('HANDSHAKE') ? l.replace(/[0-9a-f]$/, (c) => (c === '0' ? '1' : '0')) : l,
    );
    const d = decryptTlsConnection(frames(segs), wrong);
    expect(summary(d).slice(2, 5)).toEqual([
      'server f3 handshake#0 decryption failed: bad_record_mac (record authentication failed)',
      'client f4 handshake#0 decryption failed: bad_record_mac (record authentication failed)',
      `client f5 application#0 data ${JSON.stringify(REQUEST)}`,
    ]);
  });

  it('names the missing key log line', () => {
    const d = decryptTlsConnection(frames(segs), []);
    const random = keyLogOf(p)[0]!.split(' ')[1]!;
    expect(d.records[2]!.failure).toBe(
      `no key: the key log has no SERVER_HANDSHAKE_TRAFFIC_SECRET line for client random ${random.slice(0, 16)}…`,
    );
  });

  it('keeps at most the cap per direction, saying so', () => {
    const d = decryptTlsConnection(frames(segs), keyLogOf(p), { maxStreamBytes: 600 });
    expect(d.notes).toEqual([
      'server → client: stopped after 0 bytes: the decoder keeps at most 600 bytes per direction',
      'no ServerHello in the capture: version and cipher suite unknown',
    ]);
    expect(d.records.filter((r) => r.direction === 'server')).toEqual([]);
  });

  it('never throws on frames that are not TLS, or not even TCP', () => {
    const junk = [
      new Uint8Array(0),
      new Uint8Array(60),
      frameOf({ from: 'client', seq: 5, flags: 0x18, payload: new Uint8Array(100).fill(0x41) }),
    ];
    const d = decryptTlsConnection(junk, ['garbage', 'CLIENT_RANDOM zz']);
    expect(d.records).toEqual([]);
    expect(d.notes).toEqual([
      '10.0.0.1:40000: not TLS from stream byte 0: unknown record type 65',
      'no ClientHello in the capture: the key log cannot be matched to this connection',
    ]);
  });
});

describe('decryptTlsConnection: TLS 1.2', () => {
  it('ECDHE: the key block from CLIENT_RANDOM, keys in use after each ChangeCipherSpec', () => {
    const p = exchange({ versions: ['1.2'], suites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'] });
    const d = decryptTlsConnection(frames(segmentsOf(p.wire)), keyLogOf(p));
    expect(d.notes).toEqual([]);
    expect(d.version).toBe(0x0303);
    expect(summary(d)).toEqual([
      'client f2 clear hs 1',
      // ServerHello, Certificate, ServerKeyExchange, ServerHelloDone
      'server f3 clear hs 2,11,12,14',
      'client f4 clear hs 16',
      'client f4 clear ccs',
      'client f4 application#0 hs 20',
      'server f5 clear ccs',
      'server f5 application#0 hs 20',
      `client f6 application#1 data ${JSON.stringify(REQUEST)}`,
      `server f7 application#1 data ${JSON.stringify(RESPONSE)}`,
      'client f8 application#2 alert 1,0',
      'server f9 application#2 alert 1,0',
    ]);
  });

  it('RSA key exchange, AES-256-GCM with the SHA-384 PRF', () => {
    const rsa = testPki().issueSite(['server.test'], { key: 'rsa' });
    const p = exchange(
      { versions: ['1.2'], suites: ['TLS_RSA_WITH_AES_256_GCM_SHA384'] },
      { certificates: [rsa] },
    );
    const d = decryptTlsConnection(frames(segmentsOf(p.wire)), keyLogOf(p));
    expect(d.suite?.name).toBe('TLS_RSA_WITH_AES_256_GCM_SHA384');
    const opened = d.records.filter((r) => r.keys === 'application');
    expect(opened.map((r) => r.failure)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(opened.map((r) => dec.decode(r.content!.bytes)).slice(2, 4)).toEqual([REQUEST, RESPONSE]);
  });
});
