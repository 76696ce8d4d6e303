/**
 * examples/tls-handshakes.yaml: each claim of its description, checked — the messages of
 * each handshake in order on both sides, the RSA-encrypted pre-master secret (256 bytes,
 * 48 inside, readable with the server's key alone), the signed X25519 shares, what TLS 1.3
 * encrypts, the round trips from curl's -w numbers, the handshake_failure on the wire with
 * curl's exit 35 and words and no application data after it; tshark decodes the same
 * handshake types from the capture, and with the RSA server's private key alone decrypts
 * the RSA session but not the ECDHE ones (forward secrecy); the web lab's ladder notes
 * every TLS 1.2 message.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PKCS1_KEM } from 'micro-rsa-dsa-dh/rsa.js';
import { describe, expect, it } from 'vitest';
import { encodePrivateKeyPem } from '../../src/application/pki/keys.ts';
import { SAMPLE_RSA_KEY_COUNT, sampleRsaKey } from '../../src/application/pki/sample-rsa-keys.ts';
import type { HandshakeDetails } from '../../src/application/tls/events.ts';
import { concatBytes } from '../../src/bytes/concat.ts';
import { fromHex } from '../../src/bytes/hex.ts';
import { ScenarioRun } from '../../src/lab/run/scenario-run.ts';
import type { TraceEvent, TraceEventOf } from '../../src/sim/trace.ts';
import { PcapWriter } from '../../src/tools/capture/pcap-writer.ts';
import { traceLine } from '../../src/tools/format/trace-line.ts';
import { LabEngine } from '../../web/src/engine/lab-engine.ts';
import { hasTshark, tsharkFields, warnIfNoTshark, writeTempPcap } from '../interop/tshark-helpers.ts';
import { exampleSpec } from './run-example.ts';
import '../../src/application/tls/trace-events.ts';

warnIfNoTshark('the tshark half of test/scenarios/tls-handshakes.test.ts');

const MS = 1_000_000;
const TLS_TYPES = new Set([
  'tls.handshake',
  'tls.alert',
  'tls.established',
  'tls.failed',
  'tls.keylog',
  'tcp.state',
]);

/** OpenSSL's and Wireshark's handshake type numbers (RFC 8446 §4, RFC 5246 §7.4). */
const TYPE_NUMBER: Record<string, number> = {
  ClientHello: 1,
  ServerHello: 2,
  EncryptedExtensions: 8,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
};

async function runIt() {
  const spec = exampleSpec('tls-handshakes');
  const run = new ScenarioRun(spec);
  const events: TraceEvent[] = [];
  const appData: { time: number; node: string }[] = [];
  const chunks: Uint8Array[] = [];
  const pcap = new PcapWriter((c) => chunks.push(c));
  run.sim.trace.onAny((e) => {
    if (TLS_TYPES.has(e.type)) events.push(e);
  });
  // What tcpdump on the laptop would record: every frame it sends and receives, once.
  const atLaptop = (e: TraceEventOf<'link.tx'> | TraceEventOf<'link.rx'>) => {
    if (e.node === 'laptop') pcap.write(e.time, e.frame);
  };
  run.sim.trace.on('link.tx', atLaptop);
  run.sim.trace.on('link.rx', atLaptop);
  // TLS records of type 23 (application_data) the laptop sends, found in its TCP payloads.
  run.sim.trace.on('link.tx', (e) => {
    if (e.node !== 'laptop') return;
    const f = e.frame;
    if (f.length < 54 || f[12] !== 0x08 || f[13] !== 0x00 || f[23] !== 6) return;
    const ihl = (f[14]! & 0x0f) * 4;
    const tcp = 14 + ihl;
    const payload = tcp + (f[tcp + 12]! >> 4) * 4;
    if (payload < f.length && f[payload] === 23) appData.push({ time: e.time, node: e.node });
  });
  const result = await run.run();
  const step = (prefix: string) => {
    const s = result.steps.find((x) => x.step.run.startsWith(prefix));
    if (!s) throw new Error(`no step ${prefix}`);
    const lines = result.output.filter((l) => l.job === s.job && l.stream !== 'cmd');
    return { status: s.status, lines, text: lines.map((l) => l.text) };
  };
  return { spec, run, events, appData, pcap: concatBytes(chunks), step };
}

type Handshake = TraceEventOf<'tls.handshake'>;

describe('tls-handshakes: TLS 1.2 with RSA and ECDHE key exchange, TLS 1.3, and no suite in common', async () => {
  const r = await runIt();
  const at = (from: number, node: string) =>
    r.events.filter(
      (e) => 'node' in e && e.node === node && e.time >= from * 1e9 && e.time < (from + 1) * 1e9,
    );
  const handshakes = (from: number, node: string) =>
    at(from, node).filter((e): e is Handshake => e.type === 'tls.handshake');
  /** `> ClientHello`, `< ServerHello`: each message as `node` sent (>) or received (<) it. */
  const ladder = (from: number, node: string) =>
    at(from, node).flatMap((e) =>
      e.type === 'tls.handshake'
        ? [`${e.direction === 'sent' ? '>' : '<'} ${e.details.type}`]
        : e.type === 'tls.alert' && e.alert !== 'close_notify'
          ? [`${e.direction === 'sent' ? '>' : '<'} alert ${e.level} ${e.alert}`]
          : [],
    );
  const mirror = (lines: string[]) =>
    lines.map((l) => (l.startsWith('>') ? `<${l.slice(1)}` : `>${l.slice(1)}`));
  const details = <T extends HandshakeDetails['type']>(from: number, node: string, type: T) =>
    handshakes(from, node).find((e) => e.details.type === type && e.direction === 'sent')!.details as Extract<
      HandshakeDetails,
      { type: T }
    >;
  /** curl -w's two numbers, in milliseconds. */
  const timings = (prefix: string) => {
    const line = r.step(prefix).text.find((l) => l.startsWith('time_connect'))!;
    const m = /^time_connect ([\d.]+) time_appconnect ([\d.]+)$/.exec(line)!;
    return { connect: Number(m[1]) * 1000, appconnect: Number(m[2]) * 1000 };
  };
  // Bounds for a handshake of n round trips: each round trip is 20 ms of propagation (10 ms
  // each way on the laptop's link) plus serialisation. The largest flight, the server's
  // ServerHello..ServerHelloDone, is one frame of at most 1514 bytes: (1514 + 24) × 8 bits
  // at 100 Mbit/s is 0.12 ms, at 1 Gbit/s 0.012 ms; every other frame is smaller. Half a
  // millisecond covers the serialisation of all of a handshake's frames.
  const roundTrips = (ms: number, n: number) => {
    expect(ms).toBeGreaterThanOrEqual(20 * n);
    expect(ms).toBeLessThan(20 * n + 0.5);
  };

  it('rsa: RSA key exchange — one suite offered and picked, no ServerKeyExchange, the pre-master secret encrypted', () => {
    expect(ladder(1, 'laptop')).toEqual([
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
    expect(ladder(1, 'rsa')).toEqual(mirror(ladder(1, 'laptop')));
    expect(details(1, 'laptop', 'ClientHello').suites).toEqual(['TLS_RSA_WITH_AES_128_GCM_SHA256']);
    expect(details(1, 'rsa', 'ServerHello').suite).toBe('TLS_RSA_WITH_AES_128_GCM_SHA256');
    expect(details(1, 'rsa', 'Certificate').chain[0]!.key).toBe('RSA 2048');
    const cke = details(1, 'laptop', 'ClientKeyExchange');
    expect(cke.kind).toBe('rsa');
    const encrypted = fromHex(cke.kind === 'rsa' ? cke.encryptedPremasterSecret : '');
    // 256 bytes: the modulus's size, 2048 bits.
    expect(encrypted.length).toBe(2048 / 8);
    // Only one RSA key the lab holds reads it (the rsa server's), and inside are the 48
    // bytes of the pre-master secret, starting with the version offered (3,3: TLS 1.2).
    const readers = Array.from({ length: SAMPLE_RSA_KEY_COUNT }, (_, i) => sampleRsaKey(i)).flatMap((k) => {
      try {
        return [{ k, pms: PKCS1_KEM.decrypt({ n: k.n, d: k.d }, encrypted) }];
      } catch {
        return [];
      }
    });
    expect(readers).toHaveLength(1);
    expect(readers[0]!.pms.length).toBe(48);
    expect([...readers[0]!.pms.subarray(0, 2)]).toEqual([3, 3]);
    expect(r.step('curl -v --tlsv1.2').text).toContain('* SSL connection using TLSv1.2 / AES128-GCM-SHA256');
    // What `netlab run tls-handshakes --trace tls` prints for it.
    const sent = handshakes(1, 'laptop').find((e) => e.details.type === 'ClientKeyExchange')!;
    expect(traceLine(sent, 6)).toBe(
      '[   1.060188] laptop ~ tls.handshake client → 10.0.0.20:443 ClientKeyExchange (RSA-encrypted pre-master secret, 256 bytes) [262 bytes]',
    );
    const established = at(1, 'laptop').find((e) => e.type === 'tls.established');
    expect(established).toMatchObject({ version: 'TLS 1.2', keyExchange: 'rsa' });
  });

  it('ecdsa, TLS 1.2: a ServerKeyExchange with the signed X25519 share, the client’s share in ClientKeyExchange', () => {
    expect(ladder(2, 'laptop')).toEqual([
      '> ClientHello',
      '< ServerHello',
      '< Certificate',
      '< ServerKeyExchange',
      '< ServerHelloDone',
      '> ClientKeyExchange',
      '> ChangeCipherSpec',
      '> Finished',
      '< ChangeCipherSpec',
      '< Finished',
    ]);
    expect(ladder(2, 'ecdsa')).toEqual(mirror(ladder(2, 'laptop')));
    const ske = details(2, 'ecdsa', 'ServerKeyExchange');
    expect([ske.group, fromHex(ske.publicKey).length, ske.signatureScheme]).toEqual([
      'x25519',
      32,
      'ecdsa_secp256r1_sha256',
    ]);
    const cke = details(2, 'laptop', 'ClientKeyExchange');
    expect(cke.kind === 'ecdhe' && [cke.group, fromHex(cke.publicKey).length]).toEqual(['x25519', 32]);
    expect(r.step('curl -v --tls-max 1.2').text).toContain(
      '* SSL connection using TLSv1.2 / ECDHE-ECDSA-AES128-GCM-SHA256',
    );
  });

  it('ecdsa, TLS 1.3: the key share in the ClientHello, everything after ServerHello encrypted', () => {
    expect(ladder(3, 'laptop')).toEqual([
      '> ClientHello',
      '< ServerHello',
      '< ChangeCipherSpec', // middlebox compatibility, RFC 8446 Appendix D.4
      '< EncryptedExtensions',
      '< Certificate',
      '< CertificateVerify',
      '< Finished',
      '> ChangeCipherSpec',
      '> Finished',
    ]);
    expect(ladder(3, 'ecdsa')).toEqual(mirror(ladder(3, 'laptop')));
    expect(details(3, 'laptop', 'ClientHello').keyShares).toEqual(['x25519']);
    expect(
      handshakes(3, 'ecdsa')
        .filter((e) => e.direction === 'sent')
        .map((e) => [e.details.type, e.encrypted]),
    ).toEqual([
      ['ServerHello', false],
      ['ChangeCipherSpec', false], // a plaintext record, never protected
      ['EncryptedExtensions', true],
      ['Certificate', true],
      ['CertificateVerify', true],
      ['Finished', true],
    ]);
    // Said so in the trace (`--trace tls`, the web lab's ladder), unlike TLS 1.2's.
    expect(details(3, 'laptop', 'ChangeCipherSpec')).toEqual({ type: 'ChangeCipherSpec', middlebox: true });
    expect(details(2, 'laptop', 'ChangeCipherSpec')).toEqual({ type: 'ChangeCipherSpec' });
    // The session id the laptop made up for the disguise, echoed.
    const sessionId = details(3, 'laptop', 'ClientHello').sessionId;
    expect(fromHex(sessionId)).toHaveLength(32);
    expect(details(3, 'ecdsa', 'ServerHello').sessionId).toBe(sessionId);
    expect(r.step('curl -v -w').text).toContain('* SSL connection using TLSv1.3 / TLS_AES_128_GCM_SHA256');
  });

  it('the handshake takes two round trips in TLS 1.2 (40 ms) and one in TLS 1.3 (20 ms)', () => {
    const rsa = timings('curl -v --tlsv1.2');
    const ecdhe = timings('curl -v --tls-max 1.2');
    const v13 = timings('curl -v -w');
    roundTrips(rsa.appconnect - rsa.connect, 2);
    roundTrips(ecdhe.appconnect - ecdhe.connect, 2);
    roundTrips(v13.appconnect - v13.connect, 1);
    // time_connect: ARP and then SYN, SYN-ACK to a server first met; the SYN alone after.
    roundTrips(rsa.connect, 2);
    roundTrips(ecdhe.connect, 2);
    roundTrips(v13.connect, 1);
  });

  it('legacy: no suite in common — handshake_failure, curl exit 35 in OpenSSL’s words, no application data', () => {
    const c = r.step('curl -v --ciphers ECDHE');
    expect(c.status).toBe(35);
    expect(ladder(4, 'laptop')).toEqual(['> ClientHello', '< alert fatal handshake_failure']);
    expect(ladder(4, 'legacy')).toEqual(['< ClientHello', '> alert fatal handshake_failure']);
    expect(
      details(4, 'laptop', 'ClientHello').suites.filter(
        (s) => !s.startsWith('TLS_AES') && !s.startsWith('TLS_CHACHA'),
      ),
    ).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256']);
    expect(at(4, 'legacy').find((e) => e.type === 'tls.failed')).toMatchObject({
      code: 'tls-protocol',
      alert: 'handshake_failure',
      message: 'no cipher suite in common',
    });
    expect(c.text.slice(-4)).toEqual([
      '* TLSv1.3 (IN), TLS alert, handshake failure (552):',
      '* OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
      '* Closing connection 0',
      'curl: (35) OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure',
    ]);
    // The server closes the connection as it sends the alert (its FIN goes right behind it).
    const sent = at(4, 'legacy').find((e) => e.type === 'tls.alert')!;
    const closed = at(4, 'legacy').find((e) => e.type === 'tcp.state' && e.to === 'FIN-WAIT-1')!;
    expect(closed.time).toBe(sent.time);
    // The alert came one round trip after the ClientHello, and nothing else followed it.
    const hello = c.lines.find((l) => l.text.startsWith('* TLSv1.3 (OUT), TLS handshake, Client hello'))!;
    const alert = c.lines.find((l) => l.text.includes('TLS alert, handshake failure'))!;
    roundTrips((alert.time - hello.time) / MS, 1);
    expect(r.appData.filter((x) => x.time >= 4e9)).toEqual([]);
    // The successful connections did send application data (the check can see it).
    expect(r.appData.filter((x) => x.time >= 1e9 && x.time < 2e9).length).toBeGreaterThan(0);
  });

  it('the web lab’s ladder names every TLS 1.2 message: notes on the sender’s lane, the records on the arrows', async () => {
    const e = new LabEngine(r.spec);
    await e.advanceTo(r.spec.duration);
    const conv = e.sequence.conversations.find((c) => c.lanes.includes('rsa') && c.ports.endsWith('443'))!;
    const notes = conv.notes.filter((n) => n.text.startsWith('TLS')).map((n) => `${n.lane}: ${n.text}`);
    expect(notes).toEqual([
      'laptop: TLS ClientHello (TLS 1.2; 1 suite: TLS_RSA_WITH_AES_128_GCM_SHA256; SNI rsa; ALPN h2,http/1.1)',
      'rsa: TLS ServerHello (TLS 1.2; TLS_RSA_WITH_AES_128_GCM_SHA256)',
      'rsa: TLS Certificate (CN = rsa [RSA 2048] ← CN = Netlab TLS Issuing CA 1 [EC P-256])',
      'rsa: TLS ServerHelloDone',
      'laptop: TLS ClientKeyExchange (RSA-encrypted pre-master secret, 256 bytes)',
      'laptop: TLS ChangeCipherSpec',
      'laptop: TLS Finished (verify_data 12 bytes)',
      'rsa: TLS ChangeCipherSpec',
      'rsa: TLS Finished (verify_data 12 bytes)',
      'rsa: TLS: TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256',
      'laptop: TLS: TLS 1.2 TLS_RSA_WITH_AES_128_GCM_SHA256',
      'laptop: TLS Alert (warning, close_notify)',
      'rsa: TLS Alert (warning, close_notify)',
    ]);
    // The arrows are named by the frames' records: the ECDHE handshake's, TLS 1.2 messages
    // included. With the run's keys the encrypted Finished is named, as Wireshark names it
    // with a key log; without them it is an Encrypted Handshake Message.
    const ecdhe = e.sequence.conversations.find((c) => c.lanes.includes('ecdsa') && c.ports.endsWith('443'))!;
    const arrows = () =>
      e.sequence
        .diagram(ecdhe.id, 0, 100, (i) => e.row(i))
        .messages.filter((m) => m.protocol === 'TLS')
        .slice(0, 4)
        .map((m) => `${m.from} → ${m.to}: ${m.label.replace(/ \(.*\)$/, '')}`);
    expect(arrows()).toEqual([
      'laptop → ecdsa: Client Hello',
      'ecdsa → laptop: Server Hello, Certificate, Server Key Exchange, Server Hello Done',
      'laptop → ecdsa: Client Key Exchange, Change Cipher Spec, Finished',
      'ecdsa → laptop: Change Cipher Spec, Finished',
    ]);
    e.decryptTls = false;
    expect(arrows().slice(2)).toEqual([
      'laptop → ecdsa: Client Key Exchange, Change Cipher Spec, Encrypted Handshake Message',
      'ecdsa → laptop: Change Cipher Spec, Encrypted Handshake Message',
    ]);
  });

  describe.skipIf(!hasTshark())('tshark reads the laptop’s capture', () => {
    const pcap = writeTempPcap(r.pcap, 'tls-handshakes-laptop.pcap');
    const dir = join(pcap, '..');

    /** Per TCP connection, each handshake message and alert as tshark decodes it (> from the laptop). */
    const decoded = (options: readonly string[]) => {
      const rows = tsharkFields(
        pcap,
        ['tcp.stream', 'ip.src', 'tls.handshake.type', 'tls.alert_message.desc'],
        'tls',
        options,
      );
      const streams: string[][] = [];
      for (const [stream, src, types, alerts] of rows) {
        const dir = src === '10.0.0.10' ? '>' : '<';
        const list = (streams[Number(stream)] ??= []);
        for (const t of types ? types.split(',') : []) list.push(`${dir} ${t}`);
        for (const a of alerts ? alerts.split(',') : []) list.push(`${dir} alert ${a}`);
      }
      return streams;
    };

    it('with the key log, the same handshake types as the trace, connection by connection', () => {
      const keylog = join(dir, 'tls-handshakes.keylog');
      const lines = r.events.flatMap((e) => (e.type === 'tls.keylog' && e.node === 'laptop' ? [e.line] : []));
      writeFileSync(keylog, `${lines.join('\n')}\n`);
      const fromTrace = [1, 2, 3, 4].map((s) =>
        at(s, 'laptop').flatMap((e) => {
          const d =
            e.type === 'tls.handshake' || e.type === 'tls.alert' ? (e.direction === 'sent' ? '>' : '<') : '';
          if (e.type === 'tls.handshake' && e.details.type !== 'ChangeCipherSpec')
            return [`${d} ${TYPE_NUMBER[e.details.type]}`];
          if (e.type === 'tls.alert') return [`${d} alert ${e.alert === 'close_notify' ? 0 : 40}`];
          return [];
        }),
      );
      expect(decoded(['-o', `tls.keylog_file:${keylog}`])).toEqual(fromTrace);
      expect(fromTrace[0]).toEqual([
        '> 1',
        '< 2',
        '< 11',
        '< 14',
        '> 16',
        '> 20',
        '< 20',
        '> alert 0',
        '< alert 0',
      ]);
      expect(fromTrace[3]).toEqual(['> 1', '< alert 40']);
    });

    it('with the rsa server’s private key alone, it decrypts the RSA session and not the ECDHE ones', () => {
      const key = Array.from({ length: SAMPLE_RSA_KEY_COUNT }, (_, i) => sampleRsaKey(i)).find((k) => {
        try {
          const cke = details(1, 'laptop', 'ClientKeyExchange');
          PKCS1_KEM.decrypt(
            { n: k.n, d: k.d },
            fromHex(cke.kind === 'rsa' ? cke.encryptedPremasterSecret : ''),
          );
          return true;
        } catch {
          return false;
        }
      })!;
      const keyFile = join(dir, 'rsa-server.key');
      writeFileSync(keyFile, encodePrivateKeyPem(key));
      const rows = tsharkFields(pcap, ['tcp.stream', 'http2.header.value'], 'http2.header', [
        '-o',
        `uat:rsa_keys:"${keyFile}",""`,
      ]);
      // The RSA connection's HTTP/2 request and response, in the clear; nothing of the others.
      expect(rows.map((x) => x[0])).toEqual(['0', '0']);
      expect(rows[0]![1]).toBe('GET,https,rsa,/,curl/7.88.1,*/*');
      expect(rows[1]![1]).toMatch(/^200,text\/html; charset=utf-8,13,/);
      // The ECDHE ones' Finished stay encrypted: tshark sees only the client's key exchange.
      expect(decoded(['-o', `uat:rsa_keys:"${keyFile}",""`])[1]).toEqual([
        '> 1',
        '< 2',
        '< 11',
        '< 12',
        '< 14',
        '> 16',
      ]);
    });
  });
});
