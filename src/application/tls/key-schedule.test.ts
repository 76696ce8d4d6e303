import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import {
  deriveSecret,
  finishedKey,
  finishedVerifyData,
  hkdfExpandLabel,
  hkdfExtract,
  KeySchedule13,
  trafficKeys,
} from './key-schedule.ts';
import { hashBytes } from './transcript.ts';

const v = JSON.parse(
  readFileSync(new URL('../../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
) as {
  summary: Record<string, string>;
};
const s = v.summary;
const h = (name: string) => fromHex(s[name]!);

describe('TLS 1.3 key schedule (RFC 8448 §3)', () => {
  const ks = new KeySchedule13('sha256');
  const chsh = hashBytes('sha256', new Uint8Array([...h('client_hello'), ...h('server_hello')]));

  it('hashes ClientHello..ServerHello as the RFC does', () => {
    expect(toHex(chsh)).toBe(s.transcript_hash_client_hello_server_hello);
  });

  it('derives the early, handshake and master secrets', () => {
    expect(toHex(ks.earlySecret)).toBe(s.early_secret);
    ks.deriveHandshake(h('ecdhe_shared_secret'), chsh);
    expect(toHex(ks.handshakeSecret!)).toBe(s.handshake_secret);
    expect(toHex(ks.clientHandshakeTrafficSecret!)).toBe(s.client_handshake_traffic_secret);
    expect(toHex(ks.serverHandshakeTrafficSecret!)).toBe(s.server_handshake_traffic_secret);
    expect(
      toHex(deriveSecret('sha256', ks.earlySecret, 'derived', hashBytes('sha256', new Uint8Array(0)))),
    ).toBe(s.derived_for_handshake);
  });

  it('derives the handshake traffic keys and Finished keys', () => {
    const server = trafficKeys('sha256', ks.serverHandshakeTrafficSecret!, 16);
    const client = trafficKeys('sha256', ks.clientHandshakeTrafficSecret!, 16);
    expect([toHex(server.key), toHex(server.iv)]).toEqual([
      s.server_handshake_write_key,
      s.server_handshake_write_iv,
    ]);
    expect([toHex(client.key), toHex(client.iv)]).toEqual([
      s.client_handshake_write_key,
      s.client_handshake_write_iv,
    ]);
    expect(toHex(finishedKey('sha256', ks.serverHandshakeTrafficSecret!))).toBe(s.server_finished_key);
    expect(toHex(finishedKey('sha256', ks.clientHandshakeTrafficSecret!))).toBe(s.client_finished_key);
  });

  it('computes the server Finished over the transcript', () => {
    const plaintext = h('server_encrypted_handshake_plaintext');
    const beforeFinished = plaintext.subarray(0, plaintext.length - 36);
    const th = hashBytes(
      'sha256',
      new Uint8Array([...h('client_hello'), ...h('server_hello'), ...beforeFinished]),
    );
    expect(toHex(finishedVerifyData('sha256', ks.serverHandshakeTrafficSecret!, th))).toBe(
      s.server_verify_data,
    );
  });

  it('derives the application, exporter and resumption secrets', () => {
    const thSf = hashBytes(
      'sha256',
      new Uint8Array([
        ...h('client_hello'),
        ...h('server_hello'),
        ...h('server_encrypted_handshake_plaintext'),
      ]),
    );
    expect(toHex(thSf)).toBe(s.transcript_hash_through_server_finished);
    ks.deriveApplication(thSf);
    expect(toHex(ks.masterSecret!)).toBe(s.master_secret);
    expect(toHex(ks.clientApplicationTrafficSecret!)).toBe(s.client_application_traffic_secret_0);
    expect(toHex(ks.serverApplicationTrafficSecret!)).toBe(s.server_application_traffic_secret_0);
    expect(toHex(ks.exporterMasterSecret!)).toBe(s.exporter_master_secret);
    expect(toHex(finishedVerifyData('sha256', ks.clientHandshakeTrafficSecret!, thSf))).toBe(
      s.client_verify_data,
    );
    const thCf = hashBytes(
      'sha256',
      new Uint8Array([
        ...h('client_hello'),
        ...h('server_hello'),
        ...h('server_encrypted_handshake_plaintext'),
        ...h('client_finished'),
      ]),
    );
    expect(toHex(thCf)).toBe(s.transcript_hash_through_client_finished);
    ks.deriveResumption(thCf);
    expect(toHex(ks.resumptionMasterSecret!)).toBe(s.resumption_master_secret);
    expect(toHex(ks.resumptionPsk(h('ticket_nonce')))).toBe(s.resumption_psk);
  });

  it('HKDF-Expand-Label encodes its label as RFC 8446 §7.1 says', () => {
    // Same as trafficKeys: "key" with empty context, cross-checked by hand against HKDF-Extract.
    const prk = hkdfExtract('sha256', new Uint8Array(0), new Uint8Array(32));
    expect(toHex(prk)).toBe(s.early_secret);
    expect(hkdfExpandLabel('sha256', prk, 'key', new Uint8Array(0), 16)).toHaveLength(16);
  });
});
