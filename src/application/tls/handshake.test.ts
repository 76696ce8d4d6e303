import { describe, expect, it } from 'vitest';
import { toHex } from '../../bytes/hex.ts';
import type { CipherSuiteName } from './cipher-suites.ts';
import type { KeyExchangeGroup } from './key-exchange.ts';
import { dataOf, failureOf, handshake, ladder, makePair, pump, testPki } from './test-helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);

function exchange(p: ReturnType<typeof makePair>) {
  p.client.write(enc('GET / HTTP/1.1\r\n\r\n'));
  pump(p);
  p.server.write(enc('HTTP/1.1 200 OK\r\n\r\nhello'));
  pump(p);
  return { atServer: dataOf(p.serverEvents), atClient: dataOf(p.clientEvents) };
}

describe('TLS 1.3 handshakes between netlab client and server', () => {
  const suites13: CipherSuiteName[] = [
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_256_GCM_SHA384',
    'TLS_CHACHA20_POLY1305_SHA256',
  ];
  const groups: KeyExchangeGroup[] = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1'];
  for (const suite of suites13) {
    for (const group of groups) {
      it(`${suite} with ${group}, ECDSA certificate`, () => {
        const p = handshake(makePair({ suites: [suite], groups: [group] }, { groups: [group] }));
        expect(failureOf(p.clientEvents)).toBeUndefined();
        expect(p.client.session).toMatchObject({
          version: '1.3',
          suite,
          keyExchange: group,
          signatureScheme: 'ecdsa_secp256r1_sha256',
        });
        expect(p.server.session).toMatchObject({ version: '1.3', suite, keyExchange: group });
        expect(exchange(p)).toEqual({
          atServer: 'GET / HTTP/1.1\r\n\r\n',
          atClient: 'HTTP/1.1 200 OK\r\n\r\nhello',
        });
      });
    }
  }

  it('shows the 1-RTT ladder, encrypted from EncryptedExtensions on', () => {
    const p = handshake(makePair({}, {}));
    expect(ladder(p.clientEvents)).toEqual([
      '> ClientHello',
      '< ServerHello',
      '< EncryptedExtensions',
      '< Certificate',
      '< CertificateVerify',
      '< Finished',
      '> Finished',
    ]);
    const enc = p.clientEvents.flatMap((e) => (e.kind === 'handshake' ? [e.encrypted] : []));
    expect(enc).toEqual([false, false, true, true, true, true, true]);
    expect(p.wire.map((w) => w.from)).toEqual(['client', 'server', 'client']);
  });

  it('RSA certificate: CertificateVerify with rsa_pss_rsae_sha256', () => {
    const pki = testPki();
    const p = handshake(
      makePair({}, { certificates: [pki.issueSite(['server.test'], { key: 'rsa', ca: pki.globalRoot })] }),
    );
    expect(p.client.session?.signatureScheme).toBe('rsa_pss_rsae_sha256');
    expect(exchange(p).atClient).toContain('hello');
  });

  it('HelloRetryRequest when the client guessed the wrong group', () => {
    const p = handshake(
      makePair({ groups: ['secp256r1', 'x25519'], keyShares: ['secp256r1'] }, { groups: ['x25519'] }),
    );
    expect(ladder(p.clientEvents).slice(0, 4)).toEqual([
      '> ClientHello',
      '< HelloRetryRequest',
      '> ClientHello',
      '< ServerHello',
    ]);
    expect(p.client.session).toMatchObject({ keyExchange: 'x25519', helloRetry: true });
    expect(p.server.session?.helloRetry).toBe(true);
    expect(exchange(p).atServer).toContain('GET');
  });

  it('middlebox compatibility mode: session id echoed, ChangeCipherSpec records ignored', () => {
    const p = handshake(makePair({ middleboxCompat: true }, {}));
    expect(failureOf(p.clientEvents)).toBeUndefined();
    expect(ladder(p.clientEvents)).toContain('< ChangeCipherSpec');
    expect(ladder(p.clientEvents)).toContain('> ChangeCipherSpec');
    const ch = p.clientEvents.find((e) => e.kind === 'handshake' && e.details.type === 'ClientHello');
    expect(ch?.kind === 'handshake' && ch.details.type === 'ClientHello' && ch.details.sessionId.length).toBe(
      64,
    );
  });

  it("negotiates ALPN, preferring the server's order", () => {
    const p = handshake(makePair({ alpn: ['http/1.1', 'h2'] }, { alpn: ['h2', 'http/1.1'] }));
    expect(p.client.session?.alpn).toBe('h2');
    expect(p.server.session?.alpn).toBe('h2');
  });

  it('no common ALPN protocol: no_application_protocol', () => {
    const p = handshake(makePair({ alpn: ['spdy/3'] }, { alpn: ['h2'] }));
    expect(failureOf(p.serverEvents)?.alertName).toBe('no_application_protocol');
    expect(failureOf(p.clientEvents)).toMatchObject({
      code: 'tls-alert-received',
      alertName: 'no_application_protocol',
    });
  });

  it('picks the certificate by SNI', () => {
    const pki = testPki();
    const a = pki.issueSite(['a.test']);
    const b = pki.issueSite(['b.test']);
    const p = handshake(makePair({ serverName: 'b.test' }, { certificates: [a, b] }));
    expect(p.client.session!.peerCertificates[0]!.der).toEqual(b.chain[0]!.der);
  });

  it('KeyUpdate in both directions keeps data flowing', () => {
    const p = handshake(makePair({}, {}));
    p.client.updateKeys(true);
    pump(p);
    expect(
      p.serverEvents
        .filter((e) => e.kind === 'key-update')
        .map((e) => e.kind === 'key-update' && e.direction),
    ).toEqual(['received', 'sent']);
    expect(exchange(p)).toEqual({
      atServer: 'GET / HTTP/1.1\r\n\r\n',
      atClient: 'HTTP/1.1 200 OK\r\n\r\nhello',
    });
  });

  it("splits application data into records of at most 2^14 bytes, or the peer's record_size_limit", () => {
    const p = handshake(makePair({ recordSizeLimit: 1000 }, {}));
    const big = new Uint8Array(40_000).fill(65);
    p.server.write(big);
    const out = p.server.takeOutput();
    // 1.3: limit 1000 counts the content type, so 999 bytes of data per record, + 5 header + 1 type + 16 tag.
    expect(out.length).toBe(Math.ceil(40_000 / 999) * 22 + 40_000);
    p.client.write(big);
    const up = p.client.takeOutput();
    expect(up.length).toBe(3 * (5 + 1 + 16) + 40_000);
  });
});

describe('TLS 1.2 handshakes between netlab client and server', () => {
  const pki = testPki();
  const rsa = pki.issueSite(['server.test'], { key: 'rsa', ca: pki.globalRoot });
  const ec = pki.issueSite(['server.test']);
  const cases: [CipherSuiteName, 'ec' | 'rsa', string][] = [
    ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', 'ec', 'ecdsa_secp256r1_sha256'],
    ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', 'ec', 'ecdsa_secp256r1_sha256'],
    ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256', 'ec', 'ecdsa_secp256r1_sha256'],
    ['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'rsa', 'rsa_pkcs1_sha256'],
    ['TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'rsa', 'rsa_pkcs1_sha256'],
    ['TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256', 'rsa', 'rsa_pkcs1_sha256'],
    ['TLS_RSA_WITH_AES_128_GCM_SHA256', 'rsa', ''],
    ['TLS_RSA_WITH_AES_256_GCM_SHA384', 'rsa', ''],
  ];
  for (const [suite, key, scheme] of cases) {
    it(`${suite}`, () => {
      const p = handshake(
        makePair({ versions: ['1.2'], suites: [suite] }, { certificates: [key === 'rsa' ? rsa : ec] }),
      );
      expect(failureOf(p.clientEvents)).toBeUndefined();
      expect(p.client.session).toMatchObject({ version: '1.2', suite, extendedMasterSecret: true });
      if (scheme) expect(p.client.session?.signatureScheme).toBe(scheme);
      else expect(p.client.session?.keyExchange).toBe('rsa');
      expect(exchange(p)).toEqual({
        atServer: 'GET / HTTP/1.1\r\n\r\n',
        atClient: 'HTTP/1.1 200 OK\r\n\r\nhello',
      });
    });
  }

  it("shows the notes' ladder for RSA key exchange: the client sends the encrypted premaster secret", () => {
    const p = handshake(
      makePair({ versions: ['1.2'], suites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] }, { certificates: [rsa] }),
    );
    expect(ladder(p.clientEvents)).toEqual([
      '> ClientHello',
      '< ServerHello',
      '< Certificate',
      '< ServerHelloDone',
      '> ClientKeyExchange',
      '> ChangeCipherSpec',
      '> Finished',
      '< ChangeCipherSpec',
      '< Finished',
    ]);
    const cke = p.clientEvents.find((e) => e.kind === 'handshake' && e.details.type === 'ClientKeyExchange');
    expect(cke?.kind === 'handshake' && cke.details.type === 'ClientKeyExchange' && cke.details.kind).toBe(
      'rsa',
    );
    const keylogs = (events: typeof p.clientEvents) =>
      events.flatMap((e) =>
        e.kind === 'keylog' ? [`${e.label} ${toHex(e.clientRandom)} ${toHex(e.secret)}`] : [],
      );
    expect(keylogs(p.clientEvents)).toHaveLength(1);
    expect(keylogs(p.clientEvents)).toEqual(keylogs(p.serverEvents));
  });

  it('ECDHE ladder includes ServerKeyExchange', () => {
    const p = handshake(makePair({ versions: ['1.2'] }, {}));
    expect(ladder(p.clientEvents).slice(0, 5)).toEqual([
      '> ClientHello',
      '< ServerHello',
      '< Certificate',
      '< ServerKeyExchange',
      '< ServerHelloDone',
    ]);
  });

  it('without extended master secret', () => {
    const p = handshake(makePair({ versions: ['1.2'], extendedMasterSecret: false }, {}));
    expect(p.client.session?.extendedMasterSecret).toBe(false);
    expect(exchange(p).atClient).toContain('hello');
  });

  it("chooses the suite that fits the server's certificate", () => {
    const p = handshake(makePair({ versions: ['1.2'] }, { certificates: [rsa] }));
    expect(p.client.session?.suite).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
  });
});

describe('negotiation failures', () => {
  it('no common cipher suite: handshake_failure', () => {
    const p = handshake(makePair({ versions: ['1.2'], suites: ['TLS_RSA_WITH_AES_128_GCM_SHA256'] }, {}));
    expect(failureOf(p.serverEvents)).toMatchObject({ code: 'tls-protocol', alertName: 'handshake_failure' });
    expect(failureOf(p.clientEvents)).toMatchObject({
      code: 'tls-alert-received',
      alertName: 'handshake_failure',
    });
  });

  it('no common version: protocol_version', () => {
    const p = handshake(makePair({ versions: ['1.2'] }, { versions: ['1.3'] }));
    expect(failureOf(p.serverEvents)?.alertName).toBe('protocol_version');
    expect(failureOf(p.clientEvents)?.alertName).toBe('protocol_version');
  });

  it('no common group in TLS 1.3: handshake_failure', () => {
    const p = handshake(makePair({ versions: ['1.3'], groups: ['secp384r1'] }, { groups: ['x25519'] }));
    expect(failureOf(p.serverEvents)?.alertName).toBe('handshake_failure');
  });

  it('a fallback connection to a server that could do better: inappropriate_fallback (RFC 7507)', () => {
    const p = handshake(makePair({ versions: ['1.2'], fallback: true }, {}));
    expect(failureOf(p.serverEvents)?.alertName).toBe('inappropriate_fallback');
  });

  it('a server that must pick 1.2 marks its random; a 1.3-capable client refuses the downgrade', () => {
    const p = makePair({}, {});
    p.client.start();
    // An attacker strips supported_versions from the ClientHello so the server sees a 1.2-only client.
    const ch = p.client.takeOutput();
    const stripped = stripExtension(ch, 43);
    p.server.receive(stripped);
    const sh = p.server.takeOutput();
    expect(toHex(sh.subarray(5 + 4 + 2 + 24, 5 + 4 + 2 + 32))).toBe('444f574e47524401');
    const events = p.client.receive(sh);
    expect(failureOf(events)).toMatchObject({ alertName: 'illegal_parameter', side: 'remote' });
    expect(failureOf(events)?.message).toContain('downgrade');
  });
});

/** Removes one extension from a ClientHello record (fixing the lengths). */
function stripExtension(record: Uint8Array, type: number): Uint8Array {
  const body = record.subarray(9);
  let at = 2 + 32;
  at += 1 + body[at]!;
  at += 2 + ((body[at]! << 8) | body[at + 1]!);
  at += 1 + body[at]!;
  const extStart = at + 2;
  const kept: number[] = [];
  for (let p = extStart; p < body.length; ) {
    const t = (body[p]! << 8) | body[p + 1]!;
    const len = (body[p + 2]! << 8) | body[p + 3]!;
    if (t !== type) kept.push(...body.subarray(p, p + 4 + len));
    p += 4 + len;
  }
  const newBody = [...body.subarray(0, at), kept.length >> 8, kept.length & 0xff, ...kept];
  const hs = [1, 0, newBody.length >> 8, newBody.length & 0xff, ...newBody];
  return Uint8Array.from([22, 3, 1, hs.length >> 8, hs.length & 0xff, ...hs]);
}
