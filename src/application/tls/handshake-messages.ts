/**
 * The other handshake messages, bodies only: Certificate, CertificateRequest,
 * CertificateVerify, EncryptedExtensions, Finished, NewSessionTicket and KeyUpdate in
 * their TLS 1.3 forms (RFC 8446 §4.3-4.6), and Certificate, CertificateRequest,
 * ServerKeyExchange (ECDHE, RFC 8422 §5.4), ClientKeyExchange (RSA and ECDHE) and
 * NewSessionTicket (RFC 5077) in their TLS 1.2 forms (RFC 5246 §7.4).
 *
 * Limits: at most `MAX_CHAIN_CERTIFICATES` certificates in a chain; every vector length is
 * checked against its enclosure.
 */
import { ByteReader } from '../../bytes/byte-reader.ts';
import { ByteWriter } from '../../bytes/byte-writer.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import {
  encodeDistinguishedNames,
  type RawExtension,
  readDistinguishedNames,
  readExtensions,
  writeExtensions,
} from './extensions.ts';
import { tlsError } from './record.ts';

export const MAX_CHAIN_CERTIFICATES = 10;

function finish<T>(r: ByteReader, value: T, what: string): T | ProtocolError {
  if (r.overrun) return tlsError('decode_error', `${what} cut short`);
  if (r.remaining !== 0) return tlsError('decode_error', `${what} has ${r.remaining} trailing bytes`);
  return value;
}

// ---------------------------------------------------------------- Certificate

export interface CertificateEntry {
  readonly der: Uint8Array;
  /** TLS 1.3 per-certificate extensions (status_request, SCT): kept, not interpreted. */
  readonly extensions: readonly RawExtension[];
}

export interface CertificateMessage {
  /** TLS 1.3 certificate_request_context; empty in 1.2 and in a server's Certificate. */
  readonly context: Uint8Array;
  readonly entries: readonly CertificateEntry[];
}

export function serializeCertificate(m: CertificateMessage, tls13: boolean): Uint8Array {
  const w = new ByteWriter(4096);
  if (tls13) w.u8(m.context.length).bytes(m.context);
  const at = w.length;
  w.u24(0);
  for (const e of m.entries) {
    w.u24(e.der.length).bytes(e.der);
    if (tls13) writeExtensions(w, e.extensions);
  }
  const len = w.length - at - 3;
  const out = w.finish();
  out[at] = len >> 16;
  out[at + 1] = (len >> 8) & 0xff;
  out[at + 2] = len & 0xff;
  return out;
}

export function parseCertificateMessage(
  body: Uint8Array,
  tls13: boolean,
): CertificateMessage | ProtocolError {
  const r = new ByteReader(body);
  const context = tls13 ? r.bytesView(r.u8()) : new Uint8Array(0);
  const listLen = r.u24();
  if (r.overrun || listLen !== r.remaining) return tlsError('decode_error', 'certificate_list: bad length');
  const entries: CertificateEntry[] = [];
  while (r.remaining > 0) {
    const der = r.bytesView(r.u24());
    if (r.overrun || der.length === 0)
      return tlsError('decode_error', 'certificate entry cut short or empty');
    let extensions: RawExtension[] = [];
    if (tls13) {
      const ext = readExtensions(r);
      if (ext instanceof ProtocolError) return ext;
      extensions = ext;
    }
    if (entries.length >= MAX_CHAIN_CERTIFICATES) {
      return tlsError('bad_certificate', `more than ${MAX_CHAIN_CERTIFICATES} certificates`);
    }
    entries.push({ der, extensions });
  }
  return finish(r, { context, entries }, 'Certificate');
}

// ---------------------------------------------------------------- CertificateRequest

export interface CertificateRequest13 {
  readonly context: Uint8Array;
  readonly extensions: readonly RawExtension[];
}

export function serializeCertificateRequest13(m: CertificateRequest13): Uint8Array {
  const w = new ByteWriter();
  w.u8(m.context.length).bytes(m.context);
  writeExtensions(w, m.extensions);
  return w.finish();
}

export function parseCertificateRequest13(body: Uint8Array): CertificateRequest13 | ProtocolError {
  const r = new ByteReader(body);
  const context = r.bytesView(r.u8());
  if (r.overrun) return tlsError('decode_error', 'CertificateRequest cut short');
  const extensions = readExtensions(r);
  if (extensions instanceof ProtocolError) return extensions;
  return finish(r, { context, extensions }, 'CertificateRequest');
}

/** ClientCertificateType (RFC 5246 §7.4.4, RFC 8422 §5.5). */
export const CertificateType = { rsa_sign: 1, ecdsa_sign: 64 } as const;

export interface CertificateRequest12 {
  readonly certificateTypes: readonly number[];
  readonly signatureAlgorithms: readonly number[];
  /** DER distinguished names of acceptable CAs. */
  readonly authorities: readonly Uint8Array[];
}

export function serializeCertificateRequest12(m: CertificateRequest12): Uint8Array {
  const w = new ByteWriter();
  w.u8(m.certificateTypes.length);
  for (const t of m.certificateTypes) w.u8(t);
  w.u16(2 * m.signatureAlgorithms.length);
  for (const s of m.signatureAlgorithms) w.u16(s);
  w.bytes(encodeDistinguishedNames(m.authorities));
  return w.finish();
}

export function parseCertificateRequest12(body: Uint8Array): CertificateRequest12 | ProtocolError {
  const r = new ByteReader(body);
  const certificateTypes = [...r.bytesView(r.u8())];
  const sigLen = r.u16();
  if (r.overrun || sigLen % 2 !== 0 || sigLen === 0 || sigLen > r.remaining) {
    return tlsError('decode_error', 'CertificateRequest: bad signature algorithms');
  }
  const signatureAlgorithms: number[] = [];
  for (let i = 0; i < sigLen / 2; i++) signatureAlgorithms.push(r.u16());
  const authorities = readDistinguishedNames(r);
  if (authorities instanceof ProtocolError) return authorities;
  if (certificateTypes.length === 0)
    return tlsError('decode_error', 'CertificateRequest: no certificate types');
  return finish(r, { certificateTypes, signatureAlgorithms, authorities }, 'CertificateRequest');
}

// ---------------------------------------------------------------- CertificateVerify and signatures

export interface DigitallySigned {
  readonly scheme: number;
  readonly signature: Uint8Array;
}

export function writeDigitallySigned(w: ByteWriter, s: DigitallySigned): void {
  w.u16(s.scheme).u16(s.signature.length).bytes(s.signature);
}

export function serializeCertificateVerify(s: DigitallySigned): Uint8Array {
  const w = new ByteWriter(4 + s.signature.length);
  writeDigitallySigned(w, s);
  return w.finish();
}

export function parseCertificateVerify(body: Uint8Array): DigitallySigned | ProtocolError {
  const r = new ByteReader(body);
  const scheme = r.u16();
  const signature = r.bytesView(r.u16());
  return finish(r, { scheme, signature }, 'CertificateVerify');
}

// ---------------------------------------------------------------- ServerKeyExchange (ECDHE)

export const NAMED_CURVE = 3;

export interface ServerEcdhParams {
  readonly group: number;
  readonly publicKey: Uint8Array;
}

export interface ServerKeyExchange {
  readonly params: ServerEcdhParams;
  /** The ServerECDHParams bytes (what the signature covers, after the randoms). */
  readonly paramsBytes: Uint8Array;
  readonly signed: DigitallySigned;
}

export function encodeEcdhParams(p: ServerEcdhParams): Uint8Array {
  return new ByteWriter(4 + p.publicKey.length)
    .u8(NAMED_CURVE)
    .u16(p.group)
    .u8(p.publicKey.length)
    .bytes(p.publicKey)
    .finish();
}

export function serializeServerKeyExchange(paramsBytes: Uint8Array, signed: DigitallySigned): Uint8Array {
  const w = new ByteWriter(paramsBytes.length + 4 + signed.signature.length);
  w.bytes(paramsBytes);
  writeDigitallySigned(w, signed);
  return w.finish();
}

export function parseServerKeyExchange(body: Uint8Array): ServerKeyExchange | ProtocolError {
  const r = new ByteReader(body);
  const curveType = r.u8();
  if (!r.overrun && curveType !== NAMED_CURVE)
    return tlsError('handshake_failure', `curve type ${curveType} is not named_curve`);
  const group = r.u16();
  const publicKey = r.bytesView(r.u8());
  if (r.overrun || publicKey.length === 0)
    return tlsError('decode_error', 'ServerKeyExchange: bad public key');
  const paramsBytes = body.subarray(0, r.offset);
  const scheme = r.u16();
  const signature = r.bytesView(r.u16());
  return finish(
    r,
    { params: { group, publicKey }, paramsBytes, signed: { scheme, signature } },
    'ServerKeyExchange',
  );
}

// ---------------------------------------------------------------- ClientKeyExchange

/** RSA: the encrypted premaster secret, u16-prefixed (RFC 5246 §7.4.7.1). */
export function serializeRsaClientKeyExchange(encrypted: Uint8Array): Uint8Array {
  return new ByteWriter(2 + encrypted.length).u16(encrypted.length).bytes(encrypted).finish();
}

export function parseRsaClientKeyExchange(body: Uint8Array): Uint8Array | ProtocolError {
  const r = new ByteReader(body);
  const v = r.bytesView(r.u16());
  return finish(r, v, 'ClientKeyExchange');
}

/** ECDHE: the client's public point, u8-prefixed (RFC 8422 §5.7). */
export function serializeEcdheClientKeyExchange(publicKey: Uint8Array): Uint8Array {
  return new ByteWriter(1 + publicKey.length).u8(publicKey.length).bytes(publicKey).finish();
}

export function parseEcdheClientKeyExchange(body: Uint8Array): Uint8Array | ProtocolError {
  const r = new ByteReader(body);
  const v = r.bytesView(r.u8());
  if (!r.overrun && v.length === 0) return tlsError('decode_error', 'ClientKeyExchange: empty point');
  return finish(r, v, 'ClientKeyExchange');
}

// ---------------------------------------------------------------- EncryptedExtensions

export function serializeEncryptedExtensions(list: readonly RawExtension[]): Uint8Array {
  const w = new ByteWriter();
  writeExtensions(w, list);
  return w.finish();
}

export function parseEncryptedExtensions(body: Uint8Array): RawExtension[] | ProtocolError {
  const r = new ByteReader(body);
  const list = readExtensions(r);
  if (list instanceof ProtocolError) return list;
  return finish(r, list, 'EncryptedExtensions');
}

// ---------------------------------------------------------------- NewSessionTicket

export interface NewSessionTicket13 {
  readonly lifetime: number;
  readonly ageAdd: number;
  readonly nonce: Uint8Array;
  readonly ticket: Uint8Array;
  readonly extensions: readonly RawExtension[];
}

/** RFC 8446 §4.6.1: a lifetime over seven days is an error. */
export const MAX_TICKET_LIFETIME = 604_800;

export function serializeNewSessionTicket13(t: NewSessionTicket13): Uint8Array {
  const w = new ByteWriter();
  w.u32(t.lifetime).u32(t.ageAdd).u8(t.nonce.length).bytes(t.nonce).u16(t.ticket.length).bytes(t.ticket);
  writeExtensions(w, t.extensions);
  return w.finish();
}

export function parseNewSessionTicket13(body: Uint8Array): NewSessionTicket13 | ProtocolError {
  const r = new ByteReader(body);
  const lifetime = r.u32();
  const ageAdd = r.u32();
  const nonce = r.bytesView(r.u8());
  const ticket = r.bytesView(r.u16());
  if (r.overrun || ticket.length === 0) return tlsError('decode_error', 'NewSessionTicket cut short');
  if (lifetime > MAX_TICKET_LIFETIME) return tlsError('illegal_parameter', `ticket lifetime ${lifetime} s`);
  const extensions = readExtensions(r);
  if (extensions instanceof ProtocolError) return extensions;
  return finish(r, { lifetime, ageAdd, nonce, ticket, extensions }, 'NewSessionTicket');
}

export function parseNewSessionTicket12(
  body: Uint8Array,
): { lifetimeHint: number; ticket: Uint8Array } | ProtocolError {
  const r = new ByteReader(body);
  const lifetimeHint = r.u32();
  const ticket = r.bytesView(r.u16());
  return finish(r, { lifetimeHint, ticket }, 'NewSessionTicket');
}

// ---------------------------------------------------------------- KeyUpdate

export function parseKeyUpdate(body: Uint8Array): boolean | ProtocolError {
  if (body.length !== 1) return tlsError('decode_error', 'KeyUpdate of the wrong length');
  if (body[0]! > 1) return tlsError('illegal_parameter', `KeyUpdate request ${body[0]}`);
  return body[0] === 1;
}

export function emptyBody(body: Uint8Array, what: string): true | ProtocolError {
  return body.length === 0 ? true : tlsError('decode_error', `${what} must be empty`);
}
