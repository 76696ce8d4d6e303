import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../bytes/hex.ts';
import { serializeAlert } from '../../application/tls/alert.ts';
import { frameHandshake } from '../../application/tls/handshake-framing.ts';
import { serializeClientHello } from '../../application/tls/hello.ts';
import { serializeRecord } from '../../application/tls/record.ts';
import { handshake, makePair, testPki } from '../../application/tls/test-helpers.ts';
import { allFields, fieldAt, findField, where } from './dissect-test-helpers.ts';
import { dissect } from './index.ts';
import { tcpFrame } from './tcp-test-frames.ts';
import type { Layer } from './types.ts';

const simple = JSON.parse(
  readFileSync(new URL('../../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
) as { summary: Record<string, string> };
const others = JSON.parse(
  readFileSync(new URL('../../../vectors/tls13/rfc8448-other-traces.json', import.meta.url), 'utf8'),
) as {
  sections: {
    section: string;
    steps: { party: string; step: string; fields?: { name: string; hex?: string }[] }[];
  }[];
};
const hrrStep = others.sections
  .find((s) => s.section.startsWith('5.'))!
  .steps.find((s) => s.party === 'server' && s.step.startsWith('construct a ServerHello'))!;
const HRR = fromHex(hrrStep.fields!.find((f) => f.name === 'ServerHello')!.hex!);

const tls = (payload: Uint8Array, toClient = false): Layer => {
  const d = dissect(tcpFrame(payload, { toClient }));
  expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'TLS']);
  return d.layers[3]!;
};
const info = (payload: Uint8Array) => dissect(tcpFrame(payload)).info;
const values = (l: Layer, name: string) => allFields(l.fields, name).map((f) => f.value);

describe('the TLS layer: RFC 8448 §3 hellos, byte for byte', () => {
  // The payload starts at frame offset 54: the record header, the handshake header at 59,
  // the ClientHello body at 63 (its random at 65, cipher suites at 100, extensions at 110).
  const CH = fromHex(simple.summary.client_hello_record!);

  it('the ClientHello record: header, handshake header, version, random, suites, compression', () => {
    const l = tls(CH);
    expect(l.title).toBe('Transport Layer Security');
    expect(l.problem).toBeUndefined();
    expect(dissect(tcpFrame(CH)).info).toBe('Client Hello');
    const record = fieldAt(l, 'TLSv1 Record Layer');
    expect(where(record)).toEqual(['Handshake Protocol: Client Hello', 54, 201]);
    expect(record.children!.slice(0, 3).map(where)).toEqual([
      ['Handshake (22)', 54, 1],
      ['TLS 1.0 (0x0301)', 55, 2],
      ['196', 57, 2],
    ]);
    const hs = fieldAt(l, 'TLSv1 Record Layer', 'Handshake Protocol');
    const f = (name: string) => where(findField(hs.children!, name));
    expect(f('Handshake Type')).toEqual(['Client Hello (1)', 59, 1]);
    expect(f('Length')).toEqual(['192', 60, 3]);
    expect(f('Version')).toEqual(['TLS 1.2 (0x0303)', 63, 2]);
    expect(f('Random')).toEqual(['cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7', 65, 32]);
    expect(f('Session ID Length')).toEqual(['0', 97, 1]);
    expect(f('Cipher Suites Length')).toEqual(['6', 98, 2]);
    expect(
      fieldAt(l, 'TLSv1 Record Layer', 'Handshake Protocol', 'Cipher Suites').children!.map(where),
    ).toEqual([
      ['TLS_AES_128_GCM_SHA256 (0x1301)', 100, 2],
      ['TLS_CHACHA20_POLY1305_SHA256 (0x1303)', 102, 2],
      ['TLS_AES_256_GCM_SHA384 (0x1302)', 104, 2],
    ]);
    expect(f('Compression Method')).toEqual(['null (0)', 107, 1]);
    expect(f('Extensions Length')).toEqual(['145', 108, 2]);
  });

  it('the ClientHello extensions: every type by name, and the bodies a learner looks for', () => {
    const l = tls(CH);
    expect(allFields(l.fields, 'Extension').map((e) => [e.value, e.offset])).toEqual([
      ['server_name (len=11)', 110],
      ['renegotiation_info (len=1)', 125],
      ['supported_groups (len=20)', 130],
      ['session_ticket (len=0)', 154],
      ['key_share (len=38)', 158],
      ['supported_versions (len=3)', 200],
      ['signature_algorithms (len=32)', 207],
      ['psk_key_exchange_modes (len=2)', 243],
      ['record_size_limit (len=2)', 249],
    ]);
    expect(where(findField(l.fields, 'Server Name'))).toEqual(['server', 119, 6]);
    expect(values(l, 'Supported Group')).toEqual([
      'x25519 (0x001d)',
      'secp256r1 (0x0017)',
      'secp384r1 (0x0018)',
      'secp521r1 (0x0019)',
      'ffdhe2048 (0x0100)',
      'ffdhe3072 (0x0101)',
      'ffdhe4096 (0x0102)',
      'ffdhe6144 (0x0103)',
      'ffdhe8192 (0x0104)',
    ]);
    const share = findField(l.fields, 'Key Share Entry')!;
    expect(where(share)).toEqual(['Group: x25519, Key Exchange length: 32', 164, 36]);
    expect(share.children!.map(where)).toEqual([
      ['x25519 (29)', 164, 2],
      ['32', 166, 2],
      ['99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c', 168, 32],
    ]);
    expect(where(findField(l.fields, 'Supported Version'))).toEqual(['TLS 1.3 (0x0304)', 205, 2]);
    const algorithms = values(l, 'Signature Algorithm');
    expect(algorithms).toHaveLength(15);
    expect(algorithms.slice(0, 3)).toEqual([
      'ecdsa_secp256r1_sha256 (0x0403)',
      'ecdsa_secp384r1_sha384 (0x0503)',
      'ecdsa_secp521r1_sha512 (0x0603)',
    ]);
    expect(l.decoded).toEqual({
      kind: 'tls',
      records: [
        {
          offset: 54,
          type: 22,
          version: 0x0301,
          length: 196,
          present: 196,
          handshakes: [{ offset: 59, type: 1, length: 192, present: 192 }],
        },
      ],
      serverName: 'server',
    });
  });

  it('the ServerHello record: the suite chosen, the server key share, TLS 1.3 in supported_versions', () => {
    const l = tls(fromHex(simple.summary.server_hello_record!), true);
    expect(dissect(tcpFrame(fromHex(simple.summary.server_hello_record!), { toClient: true })).info).toBe(
      'Server Hello',
    );
    const hs = fieldAt(l, 'TLSv1.2 Record Layer', 'Handshake Protocol');
    expect(where(findField(hs.children!, 'Cipher Suite'))).toEqual([
      'TLS_AES_128_GCM_SHA256 (0x1301)',
      98,
      2,
    ]);
    expect(where(findField(hs.children!, 'Key Exchange'))).toEqual([
      'c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f',
      111,
      32,
    ]);
    expect(where(findField(hs.children!, 'Supported Version'))).toEqual(['TLS 1.3 (0x0304)', 147, 2]);
  });

  it('a HelloRetryRequest (RFC 8448 §5) is named so, its key_share only the group', () => {
    const record = serializeRecord(22, 0x0303, HRR);
    expect(info(record)).toBe('Hello Retry Request');
    const l = tls(record, true);
    expect(findField(l.fields, 'Selected Group')!.value).toBe('secp256r1 (23)');
    expect(values(l, 'Extension')).toEqual([
      'key_share (len=2)',
      'cookie (len=116)',
      'supported_versions (len=2)',
    ]);
  });
});

describe('the TLS layer: TLS 1.2 in the clear', () => {
  const pki = testPki();
  const rsa = pki.issueSite(['server.test'], { key: 'rsa', ca: pki.globalRoot });
  const wire = (client: object, server: object) => handshake(makePair(client, server)).wire;

  it('ECDHE: the server flight (certificates with their subject, the curve, the key) and the client key exchange', () => {
    const w = wire({ versions: ['1.2'] }, {});
    const flight = w.find((x) => x.from === 'server')!.bytes;
    expect(info(flight)).toBe('Server Hello, Certificate, Server Key Exchange, Server Hello Done');
    const l = tls(flight, true);
    expect(fieldAt(l, 'TLSv1.2 Record Layer').value).toBe('Handshake Protocol: Multiple Handshake Messages');
    const certs = values(l, 'Certificate');
    expect(certs).toHaveLength(2);
    expect(certs[0]).toMatch(/^\d+ bytes \(subject CN=server\.test\)$/);
    expect(certs[1]).toMatch(/^\d+ bytes \(subject CN=Netlab TLS Issuing CA 1\)$/);
    const params = findField(l.fields, 'EC Diffie-Hellman Server Params')!;
    expect(params.value).toBe('x25519, public key of 32 bytes');
    expect(params.children!.map((c) => [c.name, c.name === 'Pubkey' ? c.value.length : c.value])).toEqual([
      ['Curve Type', 'named_curve (0x03)'],
      ['Named Curve', 'x25519 (0x001d)'],
      ['Pubkey Length', '32'],
      ['Pubkey', 64],
      ['Signature Algorithm', 'ecdsa_secp256r1_sha256 (0x0403)'],
      ['Signature Length', params.children![5]!.value],
      ['Signature', `${params.children![5]!.value} bytes`],
    ]);
    // The ServerHello of a 1.3-capable server talking 1.2 ends its random with DOWNGRD\x01.
    expect(findField(l.fields, 'Random')!.value.slice(-16)).toBe('444f574e47524401');
    const client = w.filter((x) => x.from === 'client')[1]!.bytes;
    expect(info(client)).toBe('Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message');
    const c = tls(client);
    expect(findField(c.fields, 'EC Diffie-Hellman Client Params')!.value).toBe('public key of 32 bytes');
    expect(findField(c.fields, 'Change Cipher Spec Message')!.value).toBe('1');
    // The Finished is encrypted: 40 bytes (8 explicit nonce, 16 verify_data, 16 tag).
    expect(fieldAt(c, 'TLSv1.2 Record Layer').value).toBe('Handshake Protocol: Client Key Exchange');
    expect(allFields(c.fields, 'Handshake Protocol').map((h) => h.value)).toEqual([
      'Client Key Exchange',
      'Encrypted Handshake Message',
    ]);
    expect(c.fields[2]!.children!.find((x) => x.name === 'Length')!.value).toBe('40');
  });

  it('RSA key exchange: the encrypted premaster secret, 256 bytes under a 2048-bit key', () => {
    const w = wire(
      { versions: ['1.2'], suites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] },
      { certificates: [rsa] },
    );
    expect(info(w.find((x) => x.from === 'server')!.bytes)).toBe(
      'Server Hello, Certificate, Server Hello Done',
    );
    const c = tls(w.filter((x) => x.from === 'client')[1]!.bytes);
    const pms = findField(c.fields, 'RSA Encrypted PreMaster Secret')!;
    // Record at 54, handshake header at 59, the u16 length at 63, the ciphertext at 65.
    expect(pms.children!.map(where)).toEqual([
      ['256', 63, 2],
      ['256 bytes', 65, 256],
    ]);
  });

  it('a CertificateRequest: certificate types, signature algorithms, the CA names', () => {
    const w = wire({ versions: ['1.2'] }, { requestClientCertificate: true, trustStore: pki.browserTrust });
    const flight = w.find((x) => x.from === 'server')!.bytes;
    expect(info(flight)).toBe(
      'Server Hello, Certificate, Server Key Exchange, Certificate Request, Server Hello Done',
    );
    const l = tls(flight, true);
    expect(values(l, 'Certificate type')).toEqual(['RSA Sign (1)', 'ECDSA Sign (64)']);
    expect(findField(l.fields, 'Distinguished Names')!.value).toMatch(/^\(\d+ bytes\)$/);
  });

  it('alerts: two bytes in the clear are read, a longer alert record is encrypted', () => {
    const plain = serializeRecord(21, 0x0303, serializeAlert({ level: 'fatal', description: 40 }));
    expect(info(plain)).toBe('Alert (Level: Fatal, Description: Handshake Failure)');
    const l = tls(plain);
    expect(fieldAt(l, 'TLSv1.2 Record Layer', 'Alert Message').children!.map(where)).toEqual([
      ['Fatal (2)', 59, 1],
      ['Handshake Failure (40)', 60, 1],
    ]);
    expect(info(serializeRecord(21, 0x0303, serializeAlert({ level: 'warning', description: 48 })))).toBe(
      'Alert (Level: Warning, Description: Unknown CA)',
    );
    expect(info(serializeRecord(21, 0x0303, new Uint8Array(26).fill(0x5a)))).toBe('Encrypted Alert');
  });
});

describe('the TLS layer: records and segments', () => {
  it('names every record of a segment, in order, as Wireshark does', () => {
    const ccs = serializeRecord(20, 0x0303, Uint8Array.of(1));
    const data = serializeRecord(23, 0x0303, new Uint8Array(40).fill(0xa7));
    expect(info(new Uint8Array([...ccs, ...data, ...data]))).toBe(
      'Change Cipher Spec, Application Data, Application Data',
    );
    const l = tls(new Uint8Array([...ccs, ...data]));
    expect(l.fields.map((f) => [f.name, f.value, f.offset, f.length])).toEqual([
      ['TLSv1.2 Record Layer', 'Change Cipher Spec Protocol: Change Cipher Spec', 54, 6],
      ['TLSv1.2 Record Layer', 'Application Data Protocol: Application Data', 60, 45],
    ]);
    expect(where(findField(l.fields, 'Encrypted Application Data'))).toEqual(['40 bytes', 65, 40]);
  });

  it('a record the segment ends inside: its header, the bytes present, and a note', () => {
    const record = serializeRecord(23, 0x0303, new Uint8Array(8226).fill(0x33));
    const cut = record.subarray(0, 1448);
    expect(info(cut)).toBe('Application Data [record cut: 1443 of 8226 bytes in this segment]');
    const l = tls(cut);
    expect(where(findField(l.fields, '[Record cut by the segment end]'))).toEqual([
      '1443 of 8226 bytes in this segment; the rest follows in later segments',
      59,
      1443,
    ]);
    expect(l.problem).toBeUndefined();
    // The next segments start inside the record: TCP payload, not TLS.
    expect(dissect(tcpFrame(record.subarray(1448, 2896))).protocol).toBe('TCP');
  });

  it('a handshake message split over full records (a large Certificate) is still read', () => {
    const body = new Uint8Array(20000);
    body.set([0x00, 0x4e, 0x1d]); // certificate_list of 19997 bytes
    body.set([0x00, 0x4e, 0x1a], 3); // one certificate of 19994 bytes
    const message = frameHandshake(11, body);
    const first = serializeRecord(22, 0x0303, message.subarray(0, 16384));
    expect(info(first)).toBe('Certificate');
    const l = tls(first, true);
    expect(findField(l.fields, '[Message continues]')!.value).toBe(
      '16380 of 20000 bytes in this segment and record',
    );
    expect(findField(l.fields, 'Certificate')!.value).toBe(
      '19994 bytes [16374 of 19994 bytes in this segment]',
    );
  });

  it('what follows the last record: the start of a header, or bytes that are not TLS', () => {
    const ccs = serializeRecord(20, 0x0303, Uint8Array.of(1));
    const partial = tls(new Uint8Array([...ccs, 0x17, 0x03]));
    expect(where(partial.fields[1])).toEqual(['2 of 5 bytes', 60, 2]);
    expect(partial.problem).toBeUndefined();
    const junk = tls(new Uint8Array([...ccs, ...new TextEncoder().encode('hello, world')]));
    expect(junk.fields[1]!.name).toBe('Ignored Unknown Record');
    expect(junk.problem).toBe('Malformed: bytes after the last record are not a TLS record');
  });

  it('a ClientHello with a broken extension: the field says malformed, the rest is read', () => {
    const hello = serializeClientHello({
      legacyVersion: 0x0303,
      random: new Uint8Array(32),
      sessionId: new Uint8Array(0),
      cipherSuites: [0x1301],
      compressionMethods: [0],
      extensions: [{ type: 0, data: Uint8Array.of(0, 9, 0, 0, 3, 0x61) }],
    });
    const l = tls(serializeRecord(22, 0x0301, frameHandshake(1, hello)));
    expect(findField(l.fields, '[Malformed]')!.value).toBe('server_name: bad length');
    expect(l.problem).toBe('Malformed: server_name: bad length');
    expect(findField(l.fields, 'Cipher Suite')!.value).toBe('TLS_AES_128_GCM_SHA256 (0x1301)');
  });

  it('is not fooled: no record header, no TLS (on port 443 too)', () => {
    expect(dissect(tcpFrame(new Uint8Array(100).fill(0x8f))).protocol).toBe('TCP');
    // Version 3.5 does not exist; a length past 2^14 + 2048 is not a record.
    expect(dissect(tcpFrame(Uint8Array.of(0x16, 3, 5, 0, 1, 1))).protocol).toBe('TCP');
    expect(dissect(tcpFrame(Uint8Array.of(0x17, 3, 3, 0x48, 0x01, 1))).protocol).toBe('TCP');
    // Port 8443, or any: a record header is the evidence.
    const record = serializeRecord(23, 0x0303, new Uint8Array(20));
    expect(dissect(tcpFrame(record, { sport: 50000, dport: 8443 })).protocol).toBe('TLS');
  });

  it('never throws, whatever follows a record header', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(20, 21, 22, 23),
        fc.constantFrom(0x0301, 0x0303),
        fc.uint8Array({ minLength: 1, maxLength: 400 }),
        fc.boolean(),
        (type, version, fragment, handshake) => {
          const body = fragment;
          if (handshake && body.length >= 4) {
            // A plausible handshake header, so the message decoders run on random bodies.
            body[0] = [1, 2, 11, 12, 13, 16][body[1]! % 6]!;
            body[1] = 0;
            body[2] = (body.length - 4) >> 8;
            body[3] = (body.length - 4) & 0xff;
          }
          const d = dissect(tcpFrame(serializeRecord(type, version, body)));
          expect(d.protocol).toBe('TLS');
          const layer = d.layers[3]!;
          for (const f of layer.fields) expect(f.offset + f.length).toBeLessThanOrEqual(54 + 5 + body.length);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
