/**
 * RFC 8448 §3 "Simple 1-RTT Handshake", byte for byte: netlab's client and server, given the
 * trace's randoms and X25519 private keys, produce the trace's ClientHello, ServerHello,
 * encrypted server flight, client Finished, NewSessionTicket, application data and
 * close_notify records, and the trace's secrets (through the key log).
 *
 * One thing is injected: the server's RSA-PSS CertificateVerify signature. PSS is
 * randomized (RFC 8017 §9.1), so no implementation can reproduce the RFC's bytes; the
 * test's signer verifies the RFC signature over the content netlab asks it to sign, and
 * only then returns it. So the content our server signs is proven to be the RFC's.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { type Certificate, parseCertificate } from '../pki/certificate.ts';
import { rsaPrivateKey, rsaPublicKey } from '../pki/keys.ts';
import { scriptedRandomSource } from '../pki/random-source.ts';
import { signData, verifyData } from '../pki/signature.ts';
import { TrustStore } from '../pki/trust-store.ts';
import { TlsClient } from './client.ts';
import type { TlsEvent } from './events.ts';
import { parseNewSessionTicket13 } from './handshake-messages.ts';
import { TlsServer } from './server.ts';
import type { HandshakeSigner } from './signature-schemes.ts';

const v = JSON.parse(
  readFileSync(new URL('../../../vectors/tls13/rfc8448-simple-1rtt.json', import.meta.url), 'utf8'),
) as {
  summary: Record<string, string>;
  server_rsa_private_key: Record<string, string>;
};
const s = v.summary;
const h = (name: string) => fromHex(s[name]!);
const big = (hex: string) => BigInt(`0x${hex}`);

const clientHello = h('client_hello');
const serverHello = h('server_hello');
const clientRandom = clientHello.subarray(6, 38);
const serverRandom = serverHello.subarray(6, 38);

function rfcCertificate(): Certificate {
  const msg = h('certificate');
  const c = parseCertificate(msg.slice(11, 11 + ((msg[8]! << 16) | (msg[9]! << 8) | msg[10]!)));
  if (c instanceof ProtocolError) throw new Error(c.toString());
  return c;
}

/** The RFC's CertificateVerify signature, handed out only for the exact content it signs. */
function rfcSigner(cert: Certificate): HandshakeSigner & { calls: number } {
  const cv = h('certificate_verify');
  const rfcSignature = cv.subarray(8);
  const k = v.server_rsa_private_key;
  const priv = rsaPrivateKey(big(k.modulus!), big(k.public_exponent!), big(k.private_exponent!));
  const signer = {
    calls: 0,
    publicKey: cert.publicKey,
    key: rsaPublicKey(big(k.modulus!), big(k.public_exponent!)),
    sign(scheme: Parameters<HandshakeSigner['sign']>[0], data: Uint8Array): Uint8Array {
      signer.calls++;
      if (
        scheme.name === 'rsa_pss_rsae_sha256' &&
        verifyData(cert.publicKey, scheme.algorithm, data, rfcSignature)
      )
        return rfcSignature;
      return signData(priv, scheme.algorithm, data);
    },
  };
  return signer;
}

const GROUPS = ['x25519', 'secp256r1', 'secp384r1', 'secp521r1', 0x100, 0x101, 0x102, 0x103, 0x104] as const;
const SUITES = ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'] as const;
const SCHEMES = [
  0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502,
  0x0602, 0x0202,
];
const AT = Date.UTC(2016, 7, 1) / 1000;

function keylog(events: readonly TlsEvent[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of events) if (e.kind === 'keylog') out[e.label] = toHex(e.secret);
  return out;
}

describe('RFC 8448 §3 simple 1-RTT handshake, byte for byte', () => {
  const cert = rfcCertificate();
  const signer = rfcSigner(cert);
  const client = new TlsClient({
    random: scriptedRandomSource([clientRandom, h('client_x25519_private')]),
    now: () => AT,
    serverName: 'server',
    hostname: null,
    trustStore: new TrustStore('rfc8448', [cert]),
    minRsaBits: 1024,
    versions: ['1.3'],
    suites: SUITES,
    groups: GROUPS,
    keyShares: ['x25519'],
    signatureAlgorithms: SCHEMES,
    renegotiationInfo: true,
    sessionTicket: true,
    pskModes: true,
    recordSizeLimit: 16385,
  });
  const server = new TlsServer({
    random: scriptedRandomSource([serverRandom, h('server_x25519_private')]),
    versions: ['1.3'],
    suites: SUITES,
    groups: GROUPS,
    advertiseGroups: true,
    recordSizeLimit: 16385,
    certificates: [{ chain: [cert], key: signer }],
  });
  const clientEvents: TlsEvent[] = [];
  const serverEvents: TlsEvent[] = [];

  it('the client sends the RFC ClientHello record', () => {
    client.start();
    expect(toHex(client.takeOutput())).toBe(s.client_hello_record);
  });

  it('the server answers with the RFC ServerHello and encrypted flight (EE, Certificate, CertificateVerify, Finished)', () => {
    serverEvents.push(...server.receive(h('client_hello_record')));
    expect(serverEvents.filter((e) => e.kind === 'failed')).toEqual([]);
    expect(toHex(server.takeOutput())).toBe(s.server_hello_record! + s.server_encrypted_handshake_record!);
    expect(signer.calls).toBe(1);
    expect(server.state).toBe('server-wait-finished');
  });

  it('the server derives the RFC secrets', () => {
    const log = keylog(serverEvents);
    expect(log).toEqual({
      CLIENT_HANDSHAKE_TRAFFIC_SECRET: s.client_handshake_traffic_secret,
      SERVER_HANDSHAKE_TRAFFIC_SECRET: s.server_handshake_traffic_secret,
      CLIENT_TRAFFIC_SECRET_0: s.client_application_traffic_secret_0,
      SERVER_TRAFFIC_SECRET_0: s.server_application_traffic_secret_0,
      EXPORTER_SECRET: s.exporter_master_secret,
    });
  });

  it('the client verifies the flight and sends the RFC client Finished record', () => {
    clientEvents.push(
      ...client.receive(fromHex(s.server_hello_record! + s.server_encrypted_handshake_record!)),
    );
    expect(clientEvents.filter((e) => e.kind === 'failed')).toEqual([]);
    expect(toHex(client.takeOutput())).toBe(s.client_finished_record);
    expect(keylog(clientEvents)).toEqual(keylog(serverEvents));
    const verified = clientEvents.find((e) => e.kind === 'peer-verified');
    expect(verified?.kind === 'peer-verified' && verified.validation.ok).toBe(true);
    expect(client.session).toMatchObject({
      version: '1.3',
      suite: 'TLS_AES_128_GCM_SHA256',
      keyExchange: 'x25519',
      signatureScheme: 'rsa_pss_rsae_sha256',
    });
  });

  it('the server accepts the client Finished', () => {
    serverEvents.push(...server.receive(h('client_finished_record')));
    expect(server.state).toBe('connected');
    expect(server.takeOutput()).toHaveLength(0);
    expect(toHex(server.resumptionPsk(h('ticket_nonce')))).toBe(s.resumption_psk);
  });

  it('the server sends the RFC NewSessionTicket record; the client derives the RFC resumption PSK', () => {
    const nst = parseNewSessionTicket13(h('new_session_ticket').subarray(4));
    if (nst instanceof ProtocolError) throw new Error(nst.toString());
    server.sendNewSessionTicket(nst);
    const record = server.takeOutput();
    expect(toHex(record)).toBe(s.new_session_ticket_record);
    const events = client.receive(record);
    const ticket = events.find((e) => e.kind === 'ticket');
    expect(ticket?.kind === 'ticket' && toHex(ticket.psk)).toBe(s.resumption_psk);
    expect(ticket?.kind === 'ticket' && ticket.lifetime).toBe(30);
  });

  it('application data in both directions gives the RFC records', () => {
    client.write(h('client_application_data'));
    const c = client.takeOutput();
    expect(toHex(c)).toBe(s.client_application_data_record);
    const got = server.receive(c).filter((e) => e.kind === 'data');
    expect(got.map((e) => e.kind === 'data' && toHex(e.data))).toEqual([s.client_application_data]);
    server.write(h('server_application_data'));
    const r = server.takeOutput();
    expect(toHex(r)).toBe(s.server_application_data_record);
    expect(
      client
        .receive(r)
        .filter((e) => e.kind === 'data')
        .map((e) => e.kind === 'data' && toHex(e.data)),
    ).toEqual([s.server_application_data]);
  });

  it('close_notify in both directions gives the RFC records', () => {
    client.close();
    const c = client.takeOutput();
    expect(toHex(c)).toBe(s.client_close_notify_record);
    expect(server.receive(c).map((e) => e.kind)).toEqual(['alert', 'peer-closed']);
    server.close();
    expect(toHex(server.takeOutput())).toBe(s.server_close_notify_record);
  });
});
