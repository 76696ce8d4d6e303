/**
 * ClientHello and ServerHello (RFC 8446 §4.1.2-4.1.4, RFC 5246 §7.4.1.2-3): the messages
 * that negotiate everything. A HelloRetryRequest is a ServerHello whose random is the
 * fixed `HELLO_RETRY_REQUEST_RANDOM`. Bodies only (no handshake header); extensions keep
 * their order and bytes (extensions.ts).
 *
 * TLS 1.2 allows a hello without any extensions block; then `extensions` is empty.
 */
import { ByteReader } from '../../bytes/byte-reader.ts';
import { ByteWriter } from '../../bytes/byte-writer.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { HELLO_RETRY_REQUEST_RANDOM } from './code-points.ts';
import { type RawExtension, readExtensions, writeExtensions } from './extensions.ts';
import { tlsError } from './record.ts';

export interface ClientHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly RawExtension[];
}

export interface ServerHello {
  readonly legacyVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly RawExtension[];
}

/** What both hellos open with: legacy_version, random and legacy_session_id. */
type HelloStart = Pick<ClientHello, 'legacyVersion' | 'random' | 'sessionId'>;

function writeHelloStart(w: ByteWriter, h: HelloStart): void {
  w.u16(h.legacyVersion).bytes(h.random).u8(h.sessionId.length).bytes(h.sessionId);
}

/** Reads the opening; a session id longer than 32 bytes is illegal_parameter (§4.1.2). */
function readHelloStart(r: ByteReader): HelloStart | ProtocolError {
  const legacyVersion = r.u16();
  const random = r.bytesView(32);
  const sidLen = r.u8();
  if (sidLen > 32) return tlsError('illegal_parameter', `session id of ${sidLen} bytes`);
  return { legacyVersion, random, sessionId: r.bytesView(sidLen) };
}

/**
 * Reads what ends both hellos: the extensions block, which TLS 1.2 lets a hello leave out
 * (RFC 5246 §7.4.1.2), and then nothing. A hello cut short before it, or with bytes after
 * it, is decode_error.
 */
function readHelloExtensions(
  r: ByteReader,
  name: 'ClientHello' | 'ServerHello',
): RawExtension[] | ProtocolError {
  if (r.overrun) return tlsError('decode_error', `${name} cut short`);
  let extensions: RawExtension[] = [];
  if (r.remaining > 0) {
    const ext = readExtensions(r);
    if (ext instanceof ProtocolError) return ext;
    extensions = ext;
  }
  if (r.overrun || r.remaining !== 0) return tlsError('decode_error', `${name} has trailing bytes`);
  return extensions;
}

export function serializeClientHello(ch: ClientHello): Uint8Array {
  const w = new ByteWriter(512);
  writeHelloStart(w, ch);
  w.u16(2 * ch.cipherSuites.length);
  for (const s of ch.cipherSuites) w.u16(s);
  w.u8(ch.compressionMethods.length);
  for (const c of ch.compressionMethods) w.u8(c);
  writeExtensions(w, ch.extensions);
  return w.finish();
}

export function parseClientHello(body: Uint8Array): ClientHello | ProtocolError {
  const r = new ByteReader(body);
  const start = readHelloStart(r);
  if (start instanceof ProtocolError) return start;
  const suitesLen = r.u16();
  if (suitesLen % 2 !== 0 || suitesLen === 0) return tlsError('decode_error', 'cipher_suites: bad length');
  const cipherSuites: number[] = [];
  if (suitesLen > r.remaining) return tlsError('decode_error', 'cipher_suites cut short');
  for (let i = 0; i < suitesLen / 2; i++) cipherSuites.push(r.u16());
  const compLen = r.u8();
  if (compLen === 0) return tlsError('decode_error', 'no compression methods');
  const compressionMethods = [...r.bytesView(compLen)];
  const extensions = readHelloExtensions(r, 'ClientHello');
  if (extensions instanceof ProtocolError) return extensions;
  return { ...start, cipherSuites, compressionMethods, extensions };
}

export function serializeServerHello(sh: ServerHello): Uint8Array {
  const w = new ByteWriter(256);
  writeHelloStart(w, sh);
  w.u16(sh.cipherSuite).u8(sh.compressionMethod);
  if (sh.extensions.length > 0) writeExtensions(w, sh.extensions);
  return w.finish();
}

export function parseServerHello(body: Uint8Array): ServerHello | ProtocolError {
  const r = new ByteReader(body);
  const start = readHelloStart(r);
  if (start instanceof ProtocolError) return start;
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = readHelloExtensions(r, 'ServerHello');
  if (extensions instanceof ProtocolError) return extensions;
  return { ...start, cipherSuite, compressionMethod, extensions };
}

export function isHelloRetryRequest(sh: ServerHello): boolean {
  return sh.random.length === 32 && sh.random.every((b, i) => b === HELLO_RETRY_REQUEST_RANDOM[i]);
}
