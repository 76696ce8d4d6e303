/**
 * Test helpers: a client and a server machine wired back to back in memory (no stream,
 * no simulator), and a small seeded PKI to give them certificates.
 */
import { Random } from '../../sim/random.ts';
import { DAY } from '../pki/der-time.ts';
import { seededRandomSource } from '../pki/random-source.ts';
import { WebPki } from '../pki/web-pki.ts';
import { TlsClient } from './client.ts';
import type { TlsClientOptions, TlsServerOptions } from './config.ts';
import type { TlsEvent } from './events.ts';
import { TlsServer } from './server.ts';

export const T0 = 1_735_689_600;
export const NOW = T0 + DAY;

let sharedPki: WebPki | undefined;

/** One seeded PKI for a test file (ECDSA leaf for 'server.test', RSA for 'rsa.test'). */
export function testPki(): WebPki {
  sharedPki ??= new WebPki({ random: seededRandomSource(new Random(2024)), now: () => T0 });
  return sharedPki;
}

export interface Pair {
  readonly client: TlsClient;
  readonly server: TlsServer;
  readonly clientEvents: TlsEvent[];
  readonly serverEvents: TlsEvent[];
  /** Every chunk that crossed, in order, with its direction. */
  readonly wire: { from: 'client' | 'server'; bytes: Uint8Array }[];
}

export function makePair(
  client: Partial<TlsClientOptions>,
  server: Partial<TlsServerOptions>,
  seed = 1,
): Pair {
  const pki = testPki();
  const c = new TlsClient({
    random: seededRandomSource(new Random(seed, 'client')),
    now: () => NOW,
    trustStore: pki.browserTrust,
    serverName: 'server.test',
    describe: true,
    ...client,
  });
  const s = new TlsServer({
    random: seededRandomSource(new Random(seed, 'server')),
    now: () => NOW,
    certificates: [pki.issueSite(['server.test'])],
    describe: true,
    ...server,
  });
  return { client: c, server: s, clientEvents: [], serverEvents: [], wire: [] };
}

/** Moves bytes back and forth until neither side has anything to send. */
export function pump(p: Pair, rounds = 20): void {
  for (let i = 0; i < rounds; i++) {
    const c = p.client.takeOutput();
    if (c.length) {
      p.wire.push({ from: 'client', bytes: c });
      p.serverEvents.push(...p.server.receive(c));
    }
    p.serverEvents.push(...p.server.takeEvents());
    const s = p.server.takeOutput();
    if (s.length) {
      p.wire.push({ from: 'server', bytes: s });
      p.clientEvents.push(...p.client.receive(s));
    }
    p.clientEvents.push(...p.client.takeEvents());
    if (c.length === 0 && s.length === 0) return;
  }
}

/** Starts the client and runs the handshake to its end (or failure). */
export function handshake(p: Pair): Pair {
  p.client.start();
  pump(p);
  return p;
}

export function failureOf(events: readonly TlsEvent[]) {
  const f = events.find((e) => e.kind === 'failed');
  return f?.kind === 'failed' ? f.failure : undefined;
}

export function alertsSent(events: readonly TlsEvent[]): string[] {
  return events.flatMap((e) => (e.kind === 'alert' && e.direction === 'sent' ? [e.name] : []));
}

/** The handshake ladder one side saw: `> ClientHello`, `< ServerHello`... */
export function ladder(events: readonly TlsEvent[]): string[] {
  return events.flatMap((e) =>
    e.kind === 'handshake' ? [`${e.direction === 'sent' ? '>' : '<'} ${e.details.type}`] : [],
  );
}

export function dataOf(events: readonly TlsEvent[]): string {
  return events.flatMap((e) => (e.kind === 'data' ? [new TextDecoder().decode(e.data)] : [])).join('');
}

import { ProtocolError } from '../../bytes/protocol-error.ts';
import { suiteByName } from './cipher-suites.ts';
import { ContentType } from './code-points.ts';
import { trafficKeys } from './key-schedule.ts';
import { keyBlock12 } from './prf.ts';
import { RecordReader, type TlsRecord } from './record.ts';
import {
  NULL_PROTECTION,
  type RecordProtection,
  Tls12Protection,
  Tls13Protection,
} from './record-protection.ts';

/** Splits a byte string into records. */
export function records(bytes: Uint8Array): TlsRecord[] {
  const r = new RecordReader();
  r.push(bytes);
  const out: TlsRecord[] = [];
  for (let rec = r.next(); rec !== null; rec = r.next()) {
    if (rec instanceof ProtocolError) throw new Error(rec.toString());
    out.push(rec);
  }
  return out;
}

/** The keys a finished handshake used, from its key log (what Wireshark does with SSLKEYLOGFILE). */
export interface SessionKeys {
  /** Protection for records `from` sends, at stage 'handshake' (1.3 only) or 'application'. */
  protection(from: 'client' | 'server', stage: 'handshake' | 'application'): RecordProtection;
}

export function sessionKeys(p: Pair): SessionKeys {
  const s = p.client.session!;
  const suite = suiteByName(s.suite)!;
  const log = new Map<string, Uint8Array>();
  let clientRandom = new Uint8Array(0);
  for (const e of p.clientEvents) {
    if (e.kind === 'keylog') {
      log.set(e.label, e.secret);
      clientRandom = e.clientRandom as Uint8Array<ArrayBuffer>;
    }
  }
  return {
    protection(from, stage) {
      if (s.version === '1.3') {
        const label =
          stage === 'handshake'
            ? `${from === 'client' ? 'CLIENT' : 'SERVER'}_HANDSHAKE_TRAFFIC_SECRET`
            : `${from === 'client' ? 'CLIENT' : 'SERVER'}_TRAFFIC_SECRET_0`;
        const k = trafficKeys(suite.hash, log.get(label)!, suite.keyLength);
        return new Tls13Protection(suite.aead, k.key, k.iv);
      }
      const sh = records(p.wire.find((w) => w.from === 'server')!.bytes)[0]!;
      const serverRandom = sh.fragment.slice(6, 38);
      const kb = keyBlock12(
        suite.hash,
        log.get('CLIENT_RANDOM')!,
        clientRandom,
        serverRandom,
        suite.keyLength,
        suite.fixedIvLength,
      );
      return from === 'client'
        ? new Tls12Protection(suite.aead, kb.clientKey, kb.clientIv)
        : new Tls12Protection(suite.aead, kb.serverKey, kb.serverIv);
    },
  };
}

/** One item a side sent, in order: a handshake message (raw), a ChangeCipherSpec, an alert or data. */
export interface SentItem {
  readonly type: number;
  readonly content: Uint8Array;
  /** How it was protected: 'none', or the stage of the sender's keys. */
  readonly stage: 'none' | 'handshake' | 'application';
}

/**
 * Everything `from` sent in a finished handshake, decrypted with the session keys and cut
 * into single handshake messages.
 */
export function sentItems(p: Pair, from: 'client' | 'server'): SentItem[] {
  const keys = sessionKeys(p);
  const v13 = p.client.session!.version === '1.3';
  let stage: SentItem['stage'] = 'none';
  let prot: RecordProtection = NULL_PROTECTION;
  const out: SentItem[] = [];
  for (const w of p.wire.filter((x) => x.from === from)) {
    for (const rec of records(w.bytes)) {
      if (rec.type === ContentType.ChangeCipherSpec) {
        out.push({ type: rec.type, content: rec.fragment, stage: 'none' });
        if (!v13) {
          stage = 'application';
          prot = keys.protection(from, 'application');
        }
        continue;
      }
      if (v13 && rec.type === ContentType.ApplicationData && stage === 'none') {
        stage = 'handshake';
        prot = keys.protection(from, 'handshake');
      }
      const opened = prot.open(rec);
      if (opened instanceof ProtocolError) throw new Error(opened.toString());
      if (opened.type !== ContentType.Handshake) {
        out.push({ type: opened.type, content: opened.content, stage });
        continue;
      }
      let at = 0;
      const c = opened.content;
      while (at < c.length) {
        const len = (c[at + 1]! << 16) | (c[at + 2]! << 8) | c[at + 3]!;
        out.push({ type: ContentType.Handshake, content: c.slice(at, at + 4 + len), stage });
        // A 1.3 Finished ends the handshake keys of its sender.
        if (v13 && c[at] === 20) {
          stage = 'application';
          prot = keys.protection(from, 'application');
        }
        at += 4 + len;
      }
    }
  }
  return out;
}
