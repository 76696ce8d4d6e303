/**
 * Decrypting one TLS connection of a capture with the run's key log, as Wireshark does
 * with `-o tls.keylog_file:FILE`:
 *
 * 1. Each direction's byte stream is put back in order by sequence number (tcp-reassembly/:
 *    retransmissions dropped, out-of-order segments placed; a hole never filled stops
 *    that direction there, with a note).
 * 2. The stream is cut into records (the TLS module's RecordReader). A record belongs to
 *    the frame that brought its last byte, as Wireshark shows a reassembled record in the
 *    frame where it completes.
 * 3. The ClientHello gives the client random, which names the connection's lines in the
 *    key log; the ServerHello gives the version (supported_versions, RFC 8446 §4.2.1) and
 *    the suite (and the server random, for TLS 1.2).
 * 4. Keys come from the log's secrets with the TLS module's own key schedule: TLS 1.3
 *    traffic keys from CLIENT/SERVER_HANDSHAKE_TRAFFIC_SECRET and
 *    CLIENT/SERVER_TRAFFIC_SECRET_0 (RFC 8446 §7.3), the next generation on a KeyUpdate
 *    (§7.2); TLS 1.2 the key block from CLIENT_RANDOM's master secret with the PRF (RFC
 *    5246 §6.3). Records are opened by the module's record protection, each with its
 *    sequence number (the count of records its sender protected under those keys, §5.3).
 *
 * Key changes follow the sender's own messages: a TLS 1.3 sender switches to application
 * keys after its Finished, a TLS 1.2 sender after its ChangeCipherSpec. A record the
 * handshake keys do not open is tried with the application keys (a log with a wrong
 * handshake line still opens the data, as in Wireshark).
 *
 * Never throws: a record that does not open is reported as `failure` with the reason, a
 * missing key log line too; the sequence number moves on as if it had opened.
 */
import { ProtocolError } from '../../../bytes/protocol-error.ts';
import { toHex } from '../../../bytes/hex.ts';
import { type CipherSuite, suiteByCode } from '../../../application/tls/cipher-suites.ts';
import { ContentType, ExtensionType, HandshakeType } from '../../../application/tls/code-points.ts';
import { findExtension, parseAlpn, parseServerVersion } from '../../../application/tls/extensions.ts';
import { parseEncryptedExtensions } from '../../../application/tls/handshake-messages.ts';
import { isHelloRetryRequest, parseClientHello, parseServerHello } from '../../../application/tls/hello.ts';
import { nextTrafficSecret, trafficKeys } from '../../../application/tls/key-schedule.ts';
import { keyBlock12 } from '../../../application/tls/prf.ts';
import { RecordReader, type TlsRecord } from '../../../application/tls/record.ts';
import { Tls12Protection, Tls13Protection } from '../../../application/tls/record-protection.ts';
import { HandshakeCutter } from './handshake-cutter.ts';
import { KeyLog } from './key-log-file.ts';
import { ConnectionStreams, gapNote, MAX_STREAM_BYTES } from '../tcp-reassembly/connection-streams.ts';
import type { TcpStream } from '../tcp-reassembly/tcp-stream.ts';

export { MAX_STREAM_BYTES };

export type Direction = 'client' | 'server';

/** Under which keys a record was sent. */
export type RecordKeys = 'clear' | 'handshake' | 'application';

export interface DecryptedRecord {
  /** Index (in the frames given) of the frame that completed the record. */
  readonly frame: number;
  readonly direction: Direction;
  /** Where its header starts in the direction's byte stream. */
  readonly streamOffset: number;
  /** The record header: content type (23 for every protected TLS 1.3 record), version, length. */
  readonly type: number;
  readonly version: number;
  readonly length: number;
  readonly keys: RecordKeys;
  /** KeyUpdate generation of TLS 1.3 application keys (0 for *_TRAFFIC_SECRET_0). */
  readonly generation: number;
  /** Its sequence number under its keys (RFC 8446 §5.3, RFC 5246 §6.1); 0 for records in the clear. */
  readonly sequence: number;
  /** The content: the fragment itself in the clear; the inner type and plaintext once opened. */
  readonly content?: { readonly type: number; readonly bytes: Uint8Array };
  /** Why a protected record could not be opened. */
  readonly failure?: string;
}

export interface TlsDecryption {
  /** `10.0.0.1:40000` and `10.0.0.2:443`, when the frames say. */
  readonly client?: string;
  readonly server?: string;
  readonly clientRandom?: string;
  /** The negotiated version (0x0304, 0x0303) and suite. */
  readonly version?: number;
  readonly suite?: CipherSuite;
  /** The protocol ALPN chose (ServerHello in TLS 1.2, EncryptedExtensions in 1.3). */
  readonly alpn?: string;
  /** Every record of both directions, in the order they completed. */
  readonly records: readonly DecryptedRecord[];
  /** What stopped or limited the decryption, in words. */
  readonly notes: readonly string[];
}

interface RawRecord {
  readonly frame: number;
  /** The sender's address and port. */
  readonly from: string;
  readonly direction: Direction;
  readonly streamOffset: number;
  readonly record: TlsRecord;
}

interface DirectionState {
  readonly stream: TcpStream;
  readonly reader: RecordReader;
  records: RawRecord[];
  offset: number;
  stopped?: string;
}

/** Decrypts the connection whose frames (in capture order) are `frames`, with `keyLog`. */
export function decryptTlsConnection(
  frames: readonly Uint8Array[],
  keyLog: string | readonly string[] | KeyLog,
  options: { readonly maxStreamBytes?: number } = {},
): TlsDecryption {
  const log = keyLog instanceof KeyLog ? keyLog : new KeyLog(keyLog);
  const max = options.maxStreamBytes ?? MAX_STREAM_BYTES;
  const notes: string[] = [];
  const connection = new ConnectionStreams(max);
  const sides = new Map<string, DirectionState>();
  const all: RawRecord[] = [];

  frames.forEach((frame, index) => {
    const got = connection.take(frame);
    if (got === undefined) return;
    const s = got.segment;
    let side = sides.get(s.from);
    if (side === undefined) {
      side = { stream: got.stream, reader: new RecordReader(), records: [], offset: 0 };
      sides.set(s.from, side);
    }
    if (got.syn || side.stopped !== undefined) return;
    for (const bytes of side.stream.add(s.seq, s.payload)) {
      side.reader.push(bytes);
      for (let r = side.reader.next(); r !== null; r = side.reader.next()) {
        if (r instanceof ProtocolError) {
          side.stopped = `not TLS from stream byte ${side.offset}: ${r.message}`;
          break;
        }
        const direction: Direction = connection.client === s.from ? 'client' : 'server';
        const raw = { frame: index, from: s.from, direction, streamOffset: side.offset, record: r };
        side.offset += 5 + r.fragment.length;
        side.records.push(raw);
        all.push(raw);
      }
      if (side.stopped !== undefined) break;
    }
    if (side.stream.stopped !== undefined) side.stopped ??= side.stream.stopped;
  });

  let client = connection.client;
  let server = connection.server;
  // Without the SYN, the side whose first record is a ClientHello is the client.
  if (client === undefined) {
    for (const [addr, side] of sides) {
      const first = side.records[0]?.record;
      if (first?.type === ContentType.Handshake && first.fragment[0] === HandshakeType.ClientHello)
        client = addr;
    }
  }
  if (client !== undefined) for (const addr of sides.keys()) if (addr !== client) server ??= addr;
  for (const [addr, side] of sides) {
    // Directions by role when the client is known, by address when it is not.
    const who = client === undefined ? addr : addr === client ? 'client → server' : 'server → client';
    const gap = gapNote(side.stream, 'decryption');
    if (gap !== undefined) notes.push(`${who}: ${gap}`);
    if (side.stopped !== undefined) notes.push(`${who}: ${side.stopped}`);
  }
  // Directions were named as frames came; fix the ones seen before the client was known.
  const named = all.map((r) => {
    const direction: Direction = r.from === client ? 'client' : 'server';
    return direction === r.direction ? r : { ...r, direction };
  });

  const hellos = readHellos(named);
  const base = {
    ...(client === undefined ? {} : { client }),
    ...(server === undefined ? {} : { server }),
  };
  if (hellos.clientRandom === undefined) {
    notes.push('no ClientHello in the capture: the key log cannot be matched to this connection');
    return { ...base, records: named.map(clear), notes };
  }
  if (hellos.suite === undefined || hellos.version === undefined) {
    notes.push('no ServerHello in the capture: version and cipher suite unknown');
    return { ...base, clientRandom: hellos.clientRandom, records: named.map(clear), notes };
  }
  const ctx: Context = { log, hellos: hellos as Required<Hellos>, alpn: hellos.alpn };
  const client13 = new Decryptor(ctx, 'client');
  const server13 = new Decryptor(ctx, 'server');
  const records = named.map((r) => (r.direction === 'client' ? client13 : server13).next(r));
  return {
    ...base,
    clientRandom: hellos.clientRandom,
    version: hellos.version,
    suite: hellos.suite,
    ...(ctx.alpn === undefined ? {} : { alpn: ctx.alpn }),
    records,
    notes,
  };
}

function clear(r: RawRecord): DecryptedRecord {
  return {
    ...header(r),
    keys: 'clear',
    generation: 0,
    sequence: 0,
    content: { type: r.record.type, bytes: r.record.fragment },
  };
}

function header(r: RawRecord) {
  return {
    frame: r.frame,
    direction: r.direction,
    streamOffset: r.streamOffset,
    type: r.record.type,
    version: r.record.version,
    length: r.record.fragment.length,
  };
}

interface Hellos {
  clientRandom?: string;
  clientRandomBytes?: Uint8Array;
  serverRandom?: Uint8Array;
  version?: number;
  suite?: CipherSuite;
  alpn?: string;
}

/** The first ClientHello and the ServerHello (not a HelloRetryRequest), read in the clear. */
function readHellos(records: readonly RawRecord[]): Hellos {
  const h: Hellos = {};
  const cutters = { client: new HandshakeCutter(), server: new HandshakeCutter() };
  const done = { client: false, server: false };
  for (const r of records) {
    if (done[r.direction] || r.record.type === ContentType.ChangeCipherSpec) continue;
    if (r.record.type !== ContentType.Handshake) {
      done[r.direction] = true;
      continue;
    }
    for (const m of cutters[r.direction].push(r.record.fragment)) {
      if (r.direction === 'client' && m.type === HandshakeType.ClientHello) {
        const ch = parseClientHello(m.body);
        if (!(ch instanceof ProtocolError)) {
          h.clientRandomBytes = ch.random;
          h.clientRandom = toHex(ch.random);
        }
        done.client = true;
      }
      if (r.direction === 'server' && m.type === HandshakeType.ServerHello) {
        const sh = parseServerHello(m.body);
        if (sh instanceof ProtocolError || isHelloRetryRequest(sh)) continue;
        const sv = findExtension(sh.extensions, ExtensionType.SupportedVersions);
        const v = sv === undefined ? sh.legacyVersion : parseServerVersion(sv);
        h.version = v instanceof ProtocolError ? sh.legacyVersion : v;
        const suite = suiteByCode(sh.cipherSuite);
        if (suite !== undefined) h.suite = suite;
        h.serverRandom = sh.random;
        const alpn = findExtension(sh.extensions, ExtensionType.Alpn);
        const names = alpn === undefined ? undefined : parseAlpn(alpn);
        if (Array.isArray(names) && names[0] !== undefined) h.alpn = names[0];
        done.server = true;
      }
      if (done[r.direction]) break;
    }
  }
  return h;
}

interface Context {
  readonly log: KeyLog;
  readonly hellos: Required<Omit<Hellos, 'alpn'>> & { alpn?: string };
  alpn: string | undefined;
}

type Protection = Tls13Protection | Tls12Protection;

/** One direction's keys and sequence numbers, moved on by what its sender says. */
class Decryptor {
  private keys: RecordKeys = 'clear';
  private generation = 0;
  private sequence = 0;
  private protection: Protection | string | undefined;
  private appSecret: Uint8Array | undefined;
  private readonly cutter = new HandshakeCutter();
  private readonly tls13: boolean;
  private readonly label: string;

  constructor(
    private readonly ctx: Context,
    private readonly direction: Direction,
  ) {
    this.tls13 = ctx.hellos.version === 0x0304;
    this.label = direction === 'client' ? 'CLIENT' : 'SERVER';
  }

  next(r: RawRecord): DecryptedRecord {
    const type = r.record.type;
    if (this.keys === 'clear') {
      if (this.tls13 && type === ContentType.ApplicationData) this.enter('handshake');
      else {
        if (!this.tls13 && type === ContentType.ChangeCipherSpec) this.enter('application');
        return clear(r);
      }
    }
    if (this.tls13 && type === ContentType.ChangeCipherSpec) return clear(r); // middlebox compatibility, §D.4
    const seq = this.sequence++;
    const at = { ...header(r), keys: this.keys, generation: this.generation, sequence: seq };
    let opened = this.open(this.protection, seq, r.record);
    if (typeof opened === 'string' && this.keys === 'handshake') {
      // Wrong or missing handshake keys: the application keys may open it (their first record).
      const app = this.applicationProtection(0);
      const retry = this.open(app, 0, r.record);
      if (typeof retry !== 'string') {
        this.enter('application');
        this.sequence = 1;
        at.keys = 'application';
        at.sequence = 0;
        opened = retry;
      }
    }
    if (typeof opened === 'string') return { ...at, failure: opened };
    if (opened.type === ContentType.Handshake) this.onHandshake(opened.content);
    return { ...at, content: { type: opened.type, bytes: opened.content } };
  }

  private open(
    p: Protection | string | undefined,
    seq: number,
    record: TlsRecord,
  ): { type: number; content: Uint8Array } | string {
    if (p === undefined) return 'no keys';
    if (typeof p === 'string') return p;
    p.sequence = seq;
    const out = p.open(record);
    return out instanceof ProtocolError ? `decryption failed: ${out.code} (${out.message})` : out;
  }

  private onHandshake(content: Uint8Array): void {
    for (const m of this.cutter.push(content)) {
      if (m.type === HandshakeType.EncryptedExtensions && this.direction === 'server') {
        const list = parseEncryptedExtensions(m.body);
        const alpn = list instanceof ProtocolError ? undefined : findExtension(list, ExtensionType.Alpn);
        const names = alpn === undefined ? undefined : parseAlpn(alpn);
        if (Array.isArray(names) && names[0] !== undefined) this.ctx.alpn = names[0];
      }
      if (this.tls13 && m.type === HandshakeType.Finished && this.keys === 'handshake')
        this.enter('application');
      else if (this.tls13 && m.type === HandshakeType.KeyUpdate && this.keys === 'application') {
        this.generation++;
        this.protection = this.applicationProtection(this.generation);
        this.sequence = 0;
      }
    }
  }

  private enter(keys: RecordKeys): void {
    this.keys = keys;
    this.sequence = 0;
    this.generation = 0;
    this.protection = keys === 'handshake' ? this.handshakeProtection() : this.applicationProtection(0);
  }

  private missing(label: string): string {
    return `no key: the key log has no ${label} line for client random ${this.ctx.hellos.clientRandom.slice(0, 16)}…`;
  }

  private handshakeProtection(): Protection | string {
    const suite = this.ctx.hellos.suite;
    const label = `${this.label}_HANDSHAKE_TRAFFIC_SECRET`;
    const secret = this.ctx.log.secret(label, this.ctx.hellos.clientRandom);
    if (secret === undefined) return this.missing(label);
    const k = trafficKeys(suite.hash, secret, suite.keyLength);
    return new Tls13Protection(suite.aead, k.key, k.iv);
  }

  private applicationProtection(generation: number): Protection | string {
    const { suite, clientRandom, clientRandomBytes, serverRandom } = this.ctx.hellos;
    if (!this.tls13) {
      const master = this.ctx.log.secret('CLIENT_RANDOM', clientRandom);
      if (master === undefined) return this.missing('CLIENT_RANDOM');
      const kb = keyBlock12(
        suite.hash,
        master,
        clientRandomBytes,
        serverRandom,
        suite.keyLength,
        suite.fixedIvLength,
      );
      return this.direction === 'client'
        ? new Tls12Protection(suite.aead, kb.clientKey, kb.clientIv)
        : new Tls12Protection(suite.aead, kb.serverKey, kb.serverIv);
    }
    const label = `${this.label}_TRAFFIC_SECRET_0`;
    let secret =
      generation === 0 || this.appSecret === undefined
        ? this.ctx.log.secret(label, clientRandom)
        : this.appSecret;
    if (secret === undefined) return this.missing(label);
    if (generation > 0) secret = nextTrafficSecret(suite.hash, secret);
    this.appSecret = secret;
    const k = trafficKeys(suite.hash, secret, suite.keyLength);
    return new Tls13Protection(suite.aead, k.key, k.iv);
  }
}
