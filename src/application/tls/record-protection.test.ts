import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { ContentType } from './code-points.ts';
import { parseRecord } from './record.ts';
import { Tls12Protection, Tls13Protection } from './record-protection.ts';

const s = (
  JSON.parse(
    readFileSync(new URL('../../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
  ) as {
    summary: Record<string, string>;
  }
).summary;
const h = (name: string) => fromHex(s[name]!);

function rec(hex: string) {
  const r = parseRecord(fromHex(hex));
  if (r instanceof ProtocolError) throw new Error(r.toString());
  return r;
}

describe('TLS 1.3 record protection (RFC 8448 §3 records)', () => {
  it("seals the server's encrypted handshake flight byte for byte (seq 0)", () => {
    const p = new Tls13Protection(
      'AES-128-GCM',
      h('server_handshake_write_key'),
      h('server_handshake_write_iv'),
    );
    expect(toHex(p.seal(ContentType.Handshake, h('server_encrypted_handshake_plaintext'), 0x0303))).toBe(
      s.server_encrypted_handshake_record,
    );
  });

  it("seals the server's application records at seq 0 (ticket), 1 (data) and 2 (close_notify)", () => {
    const p = new Tls13Protection(
      'AES-128-GCM',
      h('server_application_write_key'),
      h('server_application_write_iv'),
    );
    expect(toHex(p.seal(ContentType.Handshake, h('new_session_ticket'), 0x0303))).toBe(
      s.new_session_ticket_record,
    );
    expect(toHex(p.seal(ContentType.ApplicationData, h('server_application_data'), 0x0303))).toBe(
      s.server_application_data_record,
    );
    expect(toHex(p.seal(ContentType.Alert, h('server_close_notify'), 0x0303))).toBe(
      s.server_close_notify_record,
    );
  });

  it("opens the client's records and refuses a flipped bit or a replay", () => {
    const p = new Tls13Protection(
      'AES-128-GCM',
      h('client_handshake_write_key'),
      h('client_handshake_write_iv'),
    );
    const opened = p.open(rec(s.client_finished_record!));
    expect(opened).toEqual({ type: ContentType.Handshake, content: h('client_finished') });
    const app = new Tls13Protection(
      'AES-128-GCM',
      h('client_application_write_key'),
      h('client_application_write_iv'),
    );
    const bad = fromHex(s.client_application_data_record!);
    bad[20]! ^= 1;
    expect((app.open(rec(toHex(bad))) as ProtocolError).code).toBe('bad_record_mac');
    expect(app.open(rec(s.client_application_data_record!))).toEqual({
      type: ContentType.ApplicationData,
      content: h('client_application_data'),
    });
    // The same record again is opened with the next sequence number, so it fails.
    expect((app.open(rec(s.client_application_data_record!)) as ProtocolError).code).toBe('bad_record_mac');
  });

  it('strips padding and refuses an all-zero inner plaintext', () => {
    const key = new Uint8Array(32).fill(1);
    const iv = new Uint8Array(12).fill(2);
    const padded = new Tls13Protection('CHACHA20-POLY1305', key, iv, 100);
    const open = new Tls13Protection('CHACHA20-POLY1305', key, iv);
    const sealed = padded.seal(ContentType.ApplicationData, Uint8Array.of(9, 8, 7), 0x0303);
    expect(sealed.length).toBe(5 + 3 + 1 + 100 + 16);
    expect(open.open(rec(toHex(sealed)))).toEqual({
      type: ContentType.ApplicationData,
      content: Uint8Array.of(9, 8, 7),
    });
    const zero = new Tls13Protection('CHACHA20-POLY1305', key, iv);
    const empty = zero.seal(0, new Uint8Array(0), 0x0303); // content type 0 makes the inner plaintext all zeros
    expect(
      (new Tls13Protection('CHACHA20-POLY1305', key, iv).open(rec(toHex(empty))) as ProtocolError).code,
    ).toBe('unexpected_message');
  });
});

describe('TLS 1.2 AEAD record protection', () => {
  for (const aead of ['AES-128-GCM', 'AES-256-GCM', 'CHACHA20-POLY1305'] as const) {
    it(`${aead}: round-trips any content and authenticates type, version and sequence`, () => {
      const key = new Uint8Array(aead === 'AES-128-GCM' ? 16 : 32).fill(3);
      const iv = new Uint8Array(aead === 'CHACHA20-POLY1305' ? 12 : 4).fill(4);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), (content) => {
          const tx = new Tls12Protection(aead, key, iv);
          const rx = new Tls12Protection(aead, key, iv);
          const r = tx.seal(ContentType.ApplicationData, content, 0x0303);
          expect(r.length).toBe(5 + content.length + 16 + (aead === 'CHACHA20-POLY1305' ? 0 : 8));
          expect(rx.open(rec(toHex(r)))).toEqual({ type: ContentType.ApplicationData, content });
          const retyped = r.slice();
          retyped[0] = ContentType.Handshake;
          expect((new Tls12Protection(aead, key, iv).open(rec(toHex(retyped))) as ProtocolError).code).toBe(
            'bad_record_mac',
          );
        }),
        { numRuns: 50 },
      );
    });
  }

  it('AES-GCM sends the sequence number as the explicit nonce (RFC 5288 §3)', () => {
    const tx = new Tls12Protection('AES-128-GCM', new Uint8Array(16), new Uint8Array(4));
    tx.seal(ContentType.ApplicationData, Uint8Array.of(1), 0x0303);
    const second = tx.seal(ContentType.ApplicationData, Uint8Array.of(1), 0x0303);
    expect(toHex(second.subarray(5, 13))).toBe('0000000000000001');
  });

  it('refuses records too short to hold a tag', () => {
    const rx = new Tls12Protection('AES-128-GCM', new Uint8Array(16), new Uint8Array(4));
    expect((rx.open(rec('1703030010' + '00'.repeat(16))) as ProtocolError).code).toBe('bad_record_mac');
  });
});
