/**
 * RFC 8448 §5 "HelloRetryRequest": the client offers an X25519 share, the server (NSS)
 * prefers P-256 and asks again, with a cookie.
 *
 * Client side, byte for byte: given the trace's random and private keys, netlab's client
 * sends the trace's first ClientHello, answers the trace's HelloRetryRequest with the trace's
 * second ClientHello (P-256 share, the cookie echoed, RFC 7685 padding to 512 bytes),
 * accepts the server's flight, and sends the trace's Finished and close_notify records.
 *
 * Server side: netlab's server does not make cookies, so it cannot reproduce the trace's
 * HelloRetryRequest; the server's key schedule is checked instead on the trace's own
 * messages (message_hash replacing ClientHello1, P-256 ECDH, secrets, keys, the Finished
 * and the encrypted flight record).
 *
 * The P-256 private key goes in through the random source: the library reduces a 48-byte
 * seed s to (s mod (n - 1)) + 1, so the seed is the key minus one.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { bigintToBytes, bytesToBigint } from '../pki/der.ts';
import { type Certificate, parseCertificate } from '../pki/certificate.ts';
import { scriptedRandomSource } from '../pki/random-source.ts';
import { TrustStore } from '../pki/trust-store.ts';
import { TlsClient } from './client.ts';
import { ContentType } from './code-points.ts';
import type { TlsEvent } from './events.ts';
import { keyShareFromPrivate, sharedSecret } from './key-exchange.ts';
import { finishedVerifyData, KeySchedule13, trafficKeys } from './key-schedule.ts';
import { Tls13Protection } from './record-protection.ts';
import { Transcript } from './transcript.ts';

interface Step {
  party: string;
  step: string;
  fields?: { name: string; hex?: string }[];
}
const doc = JSON.parse(
  readFileSync(new URL('../../../vectors/tls13/rfc8448-other-traces.json', import.meta.url), 'utf8'),
) as {
  sections: { section: string; steps: Step[] }[];
};
const steps = doc.sections.find((x) => x.section.startsWith('5.'))!.steps;

/** The `n`-th (0-based) step of `party` whose description starts with `what`, field `name`. */
function field(party: string, what: string, name: string, n = 0): Uint8Array {
  const s = steps.filter((x) => x.party === party && x.step.startsWith(what))[n];
  const f = s?.fields?.find((x) => x.name === name);
  if (!f?.hex) throw new Error(`no ${party} "${what}" ${name}`);
  return fromHex(f.hex);
}

const ch1 = field('client', 'construct a ClientHello', 'ClientHello', 0);
const ch2 = field('client', 'construct a ClientHello', 'ClientHello', 1);
const hrr = field('server', 'construct a ServerHello', 'ServerHello', 0);
const sh = field('server', 'construct a ServerHello', 'ServerHello', 1);
const clientX25519 = field('client', 'create an ephemeral x25519', 'private key');
const clientP256 = field('client', 'create an ephemeral P-256', 'private key');
const serverP256Public = field('server', 'create an ephemeral P-256', 'public key');
const flight = field('server', 'send handshake record', 'payload', 2);

function certificate(): Certificate {
  const msg = field('server', 'construct a Certificate', 'Certificate');
  const c = parseCertificate(msg.slice(11, 11 + ((msg[8]! << 16) | (msg[9]! << 8) | msg[10]!)));
  if (c instanceof ProtocolError) throw new Error(c.toString());
  return c;
}

describe('RFC 8448 §5 HelloRetryRequest, client byte for byte', () => {
  const cert = certificate();
  const seed = bigintToBytes(bytesToBigint(clientP256) - 1n, 48);
  const client = new TlsClient({
    random: scriptedRandomSource([ch1.subarray(6, 38), clientX25519, seed]),
    now: () => Date.UTC(2016, 7, 1) / 1000,
    serverName: 'server',
    hostname: null,
    trustStore: new TrustStore('rfc8448', [cert]),
    minRsaBits: 1024,
    versions: ['1.3'],
    suites: ['TLS_AES_128_GCM_SHA256', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_256_GCM_SHA384'],
    groups: ['x25519', 'secp256r1', 'secp384r1'],
    keyShares: ['x25519'],
    signatureAlgorithms: [
      0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502,
      0x0602, 0x0202,
    ],
    renegotiationInfo: true,
    pskModes: true,
    recordSizeLimit: 16385,
    padding: true,
    describe: true,
  });
  const events: TlsEvent[] = [];

  it('sends the first ClientHello of the trace', () => {
    client.start();
    expect(toHex(client.takeOutput())).toBe(
      toHex(field('client', 'send handshake record', 'complete record', 0)),
    );
  });

  it('answers the HelloRetryRequest with the second ClientHello of the trace (cookie, P-256, padding)', () => {
    events.push(...client.receive(field('server', 'send handshake record', 'complete record', 0)));
    expect(events.filter((e) => e.kind === 'failed')).toEqual([]);
    const out = client.takeOutput();
    expect(out.length).toBe(517);
    expect(toHex(out)).toBe(toHex(field('client', 'send handshake record', 'complete record', 1)));
    expect(toHex(out.subarray(5))).toBe(toHex(ch2));
  });

  it("accepts the server flight and sends the trace's Finished record", () => {
    events.push(...client.receive(field('server', 'send handshake record', 'complete record', 1)));
    events.push(...client.receive(field('server', 'send handshake record', 'complete record', 2)));
    expect(events.filter((e) => e.kind === 'failed')).toEqual([]);
    expect(toHex(client.takeOutput())).toBe(
      toHex(field('client', 'send handshake record', 'complete record', 2)),
    );
    expect(client.session).toMatchObject({
      keyExchange: 'secp256r1',
      helloRetry: true,
      suite: 'TLS_AES_128_GCM_SHA256',
    });
    const log = Object.fromEntries(
      events.flatMap((e) => (e.kind === 'keylog' ? [[e.label, toHex(e.secret)]] : [])),
    );
    expect(log.CLIENT_HANDSHAKE_TRAFFIC_SECRET).toBe(
      toHex(field('server', 'derive secret "tls13 c hs traffic"', 'expanded')),
    );
    expect(log.SERVER_TRAFFIC_SECRET_0).toBe(
      toHex(field('server', 'derive secret "tls13 s ap traffic"', 'expanded')),
    );
  });

  it("closes with the trace's close_notify record", () => {
    client.close();
    expect(toHex(client.takeOutput())).toBe(toHex(field('client', 'send alert record', 'complete record')));
  });
});

describe("RFC 8448 §5 HelloRetryRequest, the server's key schedule", () => {
  const t = new Transcript();
  t.add(ch1);
  t.replaceWithMessageHash('sha256');
  t.add(hrr);
  t.add(ch2);
  t.add(sh);
  const ks = new KeySchedule13('sha256');

  it("P-256 ECDH gives the trace's shared secret", () => {
    const share = keyShareFromPrivate('secp256r1', clientP256);
    expect(toHex(share.publicKey)).toBe(toHex(field('client', 'create an ephemeral P-256', 'public key')));
    const s = sharedSecret(share, serverP256Public);
    expect(toHex(s as Uint8Array)).toBe(toHex(field('server', 'extract secret "handshake"', 'IKM')));
  });

  it("message_hash(ClientHello1) + HelloRetryRequest + ClientHello2 + ServerHello hash as the trace's", () => {
    expect(toHex(t.hash('sha256'))).toBe(
      toHex(field('server', 'derive secret "tls13 c hs traffic"', 'hash')),
    );
  });

  it("derives the trace's handshake secrets, keys, Finished and encrypted flight", () => {
    ks.deriveHandshake(field('server', 'extract secret "handshake"', 'IKM'), t.hash('sha256'));
    expect(toHex(ks.handshakeSecret!)).toBe(toHex(field('server', 'extract secret "handshake"', 'secret')));
    expect(toHex(ks.clientHandshakeTrafficSecret!)).toBe(
      toHex(field('server', 'derive secret "tls13 c hs traffic"', 'expanded')),
    );
    expect(toHex(ks.serverHandshakeTrafficSecret!)).toBe(
      toHex(field('server', 'derive secret "tls13 s hs traffic"', 'expanded')),
    );
    const k = trafficKeys('sha256', ks.serverHandshakeTrafficSecret!, 16);
    expect(toHex(k.key)).toBe(
      toHex(field('server', 'derive write traffic keys for handshake', 'key expanded')),
    );
    expect(toHex(k.iv)).toBe(
      toHex(field('server', 'derive write traffic keys for handshake', 'iv expanded')),
    );
    const beforeFinished = flight.subarray(0, flight.length - 36);
    t.add(beforeFinished);
    expect(toHex(finishedVerifyData('sha256', ks.serverHandshakeTrafficSecret!, t.hash('sha256')))).toBe(
      toHex(field('server', 'calculate finished', 'finished')),
    );
    const record = new Tls13Protection('AES-128-GCM', k.key, k.iv).seal(
      ContentType.Handshake,
      flight,
      0x0303,
    );
    expect(toHex(record)).toBe(toHex(field('server', 'send handshake record', 'complete record', 2)));
    t.add(flight.subarray(flight.length - 36));
    ks.deriveApplication(t.hash('sha256'));
    expect(toHex(ks.masterSecret!)).toBe(toHex(field('server', 'extract secret "master"', 'secret')));
    expect(toHex(ks.clientApplicationTrafficSecret!)).toBe(
      toHex(field('server', 'derive secret "tls13 c ap traffic"', 'expanded')),
    );
    expect(toHex(ks.exporterMasterSecret!)).toBe(
      toHex(field('server', 'derive secret "tls13 exp master"', 'expanded')),
    );
  });
});
