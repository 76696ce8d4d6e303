/**
 * `netlab run --trace` lines: TLS events read as one line per message with what it
 * carried; other events stay `key=value`.
 */
import { describe, expect, it } from 'vitest';
import type { HandshakeDetails } from '../../application/tls/events.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { traceLine } from './trace-line.ts';
import '../../application/tls/trace-events.ts';

const MS = 1_000_000;

function handshake(
  details: HandshakeDetails,
  length: number,
  direction: 'sent' | 'received' = 'sent',
  encrypted = false,
): TraceEvent {
  return {
    type: 'tls.handshake',
    time: 1040 * MS,
    node: 'laptop',
    role: 'client',
    peer: '10.0.0.20:443',
    direction,
    details,
    length,
    encrypted,
  };
}

describe('trace lines for TLS', () => {
  it('ClientKeyExchange says what it carries: the encrypted pre-master secret, or the ECDH share', () => {
    expect(
      traceLine(
        handshake(
          { type: 'ClientKeyExchange', kind: 'rsa', encryptedPremasterSecret: 'ab'.repeat(256) },
          262,
        ),
        7,
      ),
    ).toBe(
      '[   1.040000] laptop  ~ tls.handshake client → 10.0.0.20:443 ClientKeyExchange (RSA-encrypted pre-master secret, 256 bytes) [262 bytes]',
    );
    expect(
      traceLine(
        handshake(
          { type: 'ClientKeyExchange', kind: 'ecdhe', group: 'x25519', publicKey: '01'.repeat(32) },
          37,
        ),
      ),
    ).toBe(
      '[   1.040000] laptop ~ tls.handshake client → 10.0.0.20:443 ClientKeyExchange (x25519 public key, 32 bytes) [37 bytes]',
    );
  });

  it('the server messages of a TLS 1.2 ECDHE handshake, as the client receives them', () => {
    const lines = [
      handshake(
        {
          type: 'ServerHello',
          version: 'TLS 1.2',
          random: '00'.repeat(32),
          sessionId: '',
          suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
          extensions: [],
          downgradeSentinel: true,
        },
        68,
        'received',
      ),
      handshake(
        {
          type: 'Certificate',
          chain: [
            {
              subject: 'CN = ecdsa',
              issuer: 'C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1',
              serial: '01',
              notBefore: '2025-01-01T00:00:00Z',
              notAfter: '2025-04-01T00:00:00Z',
              names: ['DNS:ecdsa'],
              key: 'EC P-256',
              ca: false,
              fingerprint: '',
            },
            {
              subject: 'C = KR, O = Netlab Trust Services, CN = Netlab TLS Issuing CA 1',
              issuer: 'C = KR, O = Netlab Trust Services, CN = Netlab Root CA',
              serial: '02',
              notBefore: '2024-01-02T00:00:00Z',
              notAfter: '2028-12-31T00:00:00Z',
              names: [],
              key: 'EC P-256',
              ca: true,
              fingerprint: '',
            },
          ],
        },
        1044,
        'received',
      ),
      handshake(
        {
          type: 'ServerKeyExchange',
          group: 'x25519',
          publicKey: 'e8'.repeat(32),
          signatureScheme: 'ecdsa_secp256r1_sha256',
        },
        115,
        'received',
      ),
      handshake({ type: 'ServerHelloDone' }, 4, 'received'),
      handshake({ type: 'ChangeCipherSpec' }, 1, 'received'),
      handshake({ type: 'Finished', verifyData: 'cf'.repeat(12) }, 16, 'received', true),
    ].map((e) => traceLine(e).slice('[   1.040000] laptop ~ '.length));
    expect(lines).toEqual([
      'tls.handshake client ← 10.0.0.20:443 ServerHello (TLS 1.2; TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256; downgrade sentinel in the random) [68 bytes]',
      'tls.handshake client ← 10.0.0.20:443 Certificate (CN = ecdsa [EC P-256] ← CN = Netlab TLS Issuing CA 1 [EC P-256]) [1044 bytes]',
      'tls.handshake client ← 10.0.0.20:443 ServerKeyExchange (x25519 public key, 32 bytes, signed ecdsa_secp256r1_sha256) [115 bytes]',
      'tls.handshake client ← 10.0.0.20:443 ServerHelloDone [4 bytes]',
      'tls.handshake client ← 10.0.0.20:443 ChangeCipherSpec [1 byte]',
      'tls.handshake client ← 10.0.0.20:443 Finished (verify_data 12 bytes) [16 bytes, encrypted]',
    ]);
    // TLS 1.3's, which changes nothing (RFC 8446 Appendix D.4).
    expect(
      traceLine(handshake({ type: 'ChangeCipherSpec', middlebox: true }, 1, 'received')).slice(
        '[   1.040000] laptop ~ '.length,
      ),
    ).toBe(
      'tls.handshake client ← 10.0.0.20:443 ChangeCipherSpec (middlebox compatibility, ignored in TLS 1.3) [1 byte]',
    );
  });

  it('alerts, the established session and a failure', () => {
    const base = { time: 4060 * MS, node: 'laptop', role: 'client', peer: '10.0.0.22:443' } as const;
    expect(
      traceLine({
        ...base,
        type: 'tls.alert',
        direction: 'received',
        level: 'fatal',
        alert: 'handshake_failure',
      }),
    ).toBe('[   4.060000] laptop ~ tls.alert client ← 10.0.0.22:443 Alert (fatal, handshake_failure)');
    expect(
      traceLine({
        ...base,
        type: 'tls.failed',
        code: 'tls-alert-received',
        alert: 'handshake_failure',
        message: 'the peer sent handshake_failure',
      }),
    ).toBe(
      '[   4.060000] laptop ~ tls.failed client ✕ 10.0.0.22:443 tls-alert-received (handshake_failure): the peer sent handshake_failure',
    );
    expect(
      traceLine({
        ...base,
        type: 'tls.established',
        version: 'TLS 1.3',
        suite: 'TLS_AES_128_GCM_SHA256',
        keyExchange: 'x25519',
        alpn: 'h2',
        peerChain: ['CN = ecdsa', 'CN = Netlab TLS Issuing CA 1'],
      }),
    ).toBe(
      '[   4.060000] laptop ~ tls.established client ↔ 10.0.0.22:443 TLS 1.3 TLS_AES_128_GCM_SHA256, key exchange x25519, ALPN h2, peer CN = ecdsa',
    );
  });

  it('events without a case of their own stay key=value', () => {
    expect(traceLine({ type: 'tls.keylog', time: 0, node: 'laptop', line: 'CLIENT_RANDOM 00 11' })).toBe(
      '[   0.000000] laptop ~ tls.keylog line=CLIENT_RANDOM 00 11',
    );
  });
});
