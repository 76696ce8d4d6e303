/**
 * Hello extensions (RFC 8446 §4.2, RFC 5246 §7.4.1.4): the list codec and the bodies of the
 * extensions netlab speaks — server_name (RFC 6066 §3), supported_groups and
 * ec_point_formats (RFC 8422 §5.1), signature_algorithms (RFC 8446 §4.2.3),
 * supported_versions (§4.2.1), key_share (§4.2.8), cookie (§4.2.2), ALPN (RFC 7301),
 * extended_master_secret (RFC 7627), renegotiation_info (RFC 5746), record_size_limit
 * (RFC 8449), psk_key_exchange_modes (§4.2.9), session_ticket (RFC 5077, empty) and
 * certificate_authorities (§4.2.4).
 *
 * Lists keep the peer's order and raw bytes, so a ClientHello re-serializes byte for byte;
 * a repeated extension type is `illegal_parameter` (§4.2). Every vector length is checked
 * against what encloses it (`decode_error`).
 */
import { ByteReader } from '../../bytes/byte-reader.ts';
import { ByteWriter } from '../../bytes/byte-writer.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { extensionName } from './code-points.ts';
import { tlsError } from './record.ts';

export interface RawExtension {
  readonly type: number;
  readonly data: Uint8Array;
}

/** Most extensions accepted in one message (real ClientHellos carry about 20). */
export const MAX_EXTENSIONS = 64;

/** Reads a u16-prefixed extension list; `r` must be positioned at the length. */
export function readExtensions(r: ByteReader): RawExtension[] | ProtocolError {
  const total = r.u16();
  if (r.overrun || total > r.remaining)
    return tlsError('decode_error', 'extensions length exceeds the message');
  const end = r.offset + total;
  const out: RawExtension[] = [];
  const seen = new Set<number>();
  while (r.offset < end) {
    if (end - r.offset < 4) return tlsError('decode_error', 'extension header cut short', r.offset);
    const type = r.u16();
    const len = r.u16();
    if (r.offset + len > end)
      return tlsError('decode_error', `${extensionName(type)} longer than the list`, r.offset);
    if (seen.has(type))
      return tlsError('illegal_parameter', `${extensionName(type)} appears twice`, r.offset);
    if (out.length >= MAX_EXTENSIONS)
      return tlsError('decode_error', `more than ${MAX_EXTENSIONS} extensions`);
    seen.add(type);
    out.push({ type, data: r.bytesView(len) });
  }
  return out;
}

export function writeExtensions(w: ByteWriter, list: readonly RawExtension[]): void {
  let total = 0;
  for (const e of list) total += 4 + e.data.length;
  w.u16(total);
  for (const e of list) w.u16(e.type).u16(e.data.length).bytes(e.data);
}

export function findExtension(list: readonly RawExtension[], type: number): Uint8Array | undefined {
  for (const e of list) if (e.type === type) return e.data;
  return undefined;
}

// ---------------------------------------------------------------- helpers

function finish<T>(r: ByteReader, value: T, what: string): T | ProtocolError {
  if (r.overrun) return tlsError('decode_error', `${what} cut short`);
  if (r.remaining !== 0) return tlsError('decode_error', `${what}: ${r.remaining} bytes left over`);
  return value;
}

function u16List(values: readonly number[]): Uint8Array {
  const w = new ByteWriter(2 + 2 * values.length);
  w.u16(2 * values.length);
  for (const v of values) w.u16(v);
  return w.finish();
}

function readU16List(data: Uint8Array, what: string, minItems = 1): number[] | ProtocolError {
  const r = new ByteReader(data);
  const len = r.u16();
  if (len % 2 !== 0 || len !== r.remaining || len / 2 < minItems)
    return tlsError('decode_error', `${what}: bad length`);
  const out: number[] = [];
  for (let i = 0; i < len / 2; i++) out.push(r.u16());
  return finish(r, out, what);
}

function u8Vector(bytes: Uint8Array): Uint8Array {
  return new ByteWriter(1 + bytes.length).u8(bytes.length).bytes(bytes).finish();
}

// ---------------------------------------------------------------- server_name (RFC 6066 §3)

/** One host_name entry; the server's acknowledgement is the empty body. */
export function encodeServerName(host: string): Uint8Array {
  const name = new TextEncoder().encode(host);
  const w = new ByteWriter(5 + name.length);
  w.u16(3 + name.length)
    .u8(0)
    .u16(name.length)
    .bytes(name);
  return w.finish();
}

/** The host name of a ClientHello's server_name (non-ASCII or several names are errors). */
export function parseServerName(data: Uint8Array): string | ProtocolError {
  const r = new ByteReader(data);
  const len = r.u16();
  if (r.overrun || len !== r.remaining) return tlsError('decode_error', 'server_name: bad length');
  let host: string | undefined;
  while (r.remaining > 0) {
    const type = r.u8();
    const n = r.bytesView(r.u16());
    if (r.overrun) break;
    if (type !== 0) continue; // unknown name types are skipped (RFC 6066 §3)
    if (host !== undefined) return tlsError('illegal_parameter', 'server_name: two host names');
    if (n.length === 0 || n.some((c) => c < 0x21 || c > 0x7e)) {
      return tlsError('illegal_parameter', 'server_name: not an ASCII host name');
    }
    host = String.fromCharCode(...n);
    if (host.endsWith('.')) return tlsError('illegal_parameter', 'server_name: trailing dot');
  }
  if (host === undefined) return tlsError('decode_error', 'server_name without a host name');
  return finish(r, host, 'server_name');
}

// ---------------------------------------------------------------- groups, signature algorithms

export const encodeSupportedGroups = u16List;
export const encodeSignatureAlgorithms = u16List;

export function parseSupportedGroups(data: Uint8Array): number[] | ProtocolError {
  return readU16List(data, 'supported_groups');
}

export function parseSignatureAlgorithms(data: Uint8Array): number[] | ProtocolError {
  return readU16List(data, 'signature_algorithms');
}

export function encodeEcPointFormats(formats: readonly number[]): Uint8Array {
  return u8Vector(Uint8Array.from(formats));
}

export function parseEcPointFormats(data: Uint8Array): number[] | ProtocolError {
  const r = new ByteReader(data);
  const list = r.bytesView(r.u8());
  if (list.length === 0) return tlsError('decode_error', 'ec_point_formats is empty');
  return finish(r, [...list], 'ec_point_formats');
}

// ---------------------------------------------------------------- supported_versions (§4.2.1)

export function encodeClientVersions(versions: readonly number[]): Uint8Array {
  const w = new ByteWriter(1 + 2 * versions.length);
  w.u8(2 * versions.length);
  for (const v of versions) w.u16(v);
  return w.finish();
}

export function parseClientVersions(data: Uint8Array): number[] | ProtocolError {
  const r = new ByteReader(data);
  const len = r.u8();
  if (len % 2 !== 0 || len === 0 || len !== r.remaining)
    return tlsError('decode_error', 'supported_versions: bad length');
  const out: number[] = [];
  for (let i = 0; i < len / 2; i++) out.push(r.u16());
  return finish(r, out, 'supported_versions');
}

export function encodeServerVersion(version: number): Uint8Array {
  return Uint8Array.of(version >> 8, version & 0xff);
}

export function parseServerVersion(data: Uint8Array): number | ProtocolError {
  const r = new ByteReader(data);
  return finish(r, r.u16(), 'supported_versions');
}

// ---------------------------------------------------------------- key_share (§4.2.8)

export interface KeyShareEntry {
  readonly group: number;
  readonly key: Uint8Array;
}

export function encodeClientKeyShares(entries: readonly KeyShareEntry[]): Uint8Array {
  const w = new ByteWriter();
  let total = 0;
  for (const e of entries) total += 4 + e.key.length;
  w.u16(total);
  for (const e of entries) w.u16(e.group).u16(e.key.length).bytes(e.key);
  return w.finish();
}

export function parseClientKeyShares(data: Uint8Array): KeyShareEntry[] | ProtocolError {
  const r = new ByteReader(data);
  const len = r.u16();
  if (r.overrun || len !== r.remaining) return tlsError('decode_error', 'key_share: bad length');
  const out: KeyShareEntry[] = [];
  while (r.remaining > 0) {
    const group = r.u16();
    const key = r.bytesView(r.u16());
    if (r.overrun) break;
    if (key.length === 0) return tlsError('decode_error', 'key_share: empty key');
    // §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group."
    if (out.some((e) => e.group === group))
      return tlsError('illegal_parameter', 'key_share: group offered twice');
    out.push({ group, key });
  }
  return finish(r, out, 'key_share');
}

export function encodeServerKeyShare(entry: KeyShareEntry): Uint8Array {
  return new ByteWriter(4 + entry.key.length)
    .u16(entry.group)
    .u16(entry.key.length)
    .bytes(entry.key)
    .finish();
}

export function parseServerKeyShare(data: Uint8Array): KeyShareEntry | ProtocolError {
  const r = new ByteReader(data);
  const group = r.u16();
  const key = r.bytesView(r.u16());
  if (!r.overrun && key.length === 0) return tlsError('decode_error', 'key_share: empty key');
  return finish(r, { group, key }, 'key_share');
}

/** HelloRetryRequest's key_share: only the selected group. */
export function encodeHrrKeyShare(group: number): Uint8Array {
  return Uint8Array.of(group >> 8, group & 0xff);
}

export function parseHrrKeyShare(data: Uint8Array): number | ProtocolError {
  const r = new ByteReader(data);
  return finish(r, r.u16(), 'key_share');
}

// ---------------------------------------------------------------- cookie (§4.2.2)

export function encodeCookie(cookie: Uint8Array): Uint8Array {
  return new ByteWriter(2 + cookie.length).u16(cookie.length).bytes(cookie).finish();
}

export function parseCookie(data: Uint8Array): Uint8Array | ProtocolError {
  const r = new ByteReader(data);
  const c = r.bytesView(r.u16());
  if (!r.overrun && c.length === 0) return tlsError('decode_error', 'empty cookie');
  return finish(r, c, 'cookie');
}

// ---------------------------------------------------------------- ALPN (RFC 7301 §3.1)

export function encodeAlpn(protocols: readonly string[]): Uint8Array {
  const enc = new TextEncoder();
  const names = protocols.map((p) => enc.encode(p));
  const w = new ByteWriter();
  w.u16(names.reduce((n, p) => n + 1 + p.length, 0));
  for (const p of names) w.u8(p.length).bytes(p);
  return w.finish();
}

export function parseAlpn(data: Uint8Array): string[] | ProtocolError {
  const r = new ByteReader(data);
  const len = r.u16();
  if (r.overrun || len !== r.remaining || len === 0) return tlsError('decode_error', 'ALPN: bad length');
  const out: string[] = [];
  while (r.remaining > 0) {
    const name = r.bytesView(r.u8());
    if (r.overrun) break;
    if (name.length === 0) return tlsError('decode_error', 'ALPN: empty protocol name');
    out.push(String.fromCharCode(...name));
  }
  return finish(r, out, 'ALPN');
}

/** Checks that a protocol name fits ALPN (1-255 bytes); throws for API misuse. */
export function checkAlpnName(p: string): void {
  const n = new TextEncoder().encode(p).length;
  if (n < 1 || n > 255) throw new RangeError(`ALPN protocol name must be 1-255 bytes: ${JSON.stringify(p)}`);
}

// ---------------------------------------------------------------- small ones

/** renegotiation_info for an initial handshake: an empty renegotiated_connection. */
export const EMPTY_RENEGOTIATION_INFO = Uint8Array.of(0);

export function parseRenegotiationInfo(data: Uint8Array): Uint8Array | ProtocolError {
  const r = new ByteReader(data);
  const v = r.bytesView(r.u8());
  return finish(r, v, 'renegotiation_info');
}

export function encodeRecordSizeLimit(limit: number): Uint8Array {
  return Uint8Array.of(limit >> 8, limit & 0xff);
}

/** record_size_limit (RFC 8449 §4): below 64 is `illegal_parameter`. */
export function parseRecordSizeLimit(data: Uint8Array): number | ProtocolError {
  const r = new ByteReader(data);
  const v = r.u16();
  if (!r.overrun && v < 64) return tlsError('illegal_parameter', `record_size_limit ${v} below 64`);
  return finish(r, v, 'record_size_limit');
}

export const PSK_DHE_KE = 1;

export function encodePskModes(modes: readonly number[]): Uint8Array {
  return u8Vector(Uint8Array.from(modes));
}

export function parsePskModes(data: Uint8Array): number[] | ProtocolError {
  const r = new ByteReader(data);
  const list = r.bytesView(r.u8());
  if (!r.overrun && list.length === 0) return tlsError('decode_error', 'psk_key_exchange_modes is empty');
  return finish(r, [...list], 'psk_key_exchange_modes');
}

/** certificate_authorities (§4.2.4) and 1.2's CertificateRequest list: DER distinguished names. */
export function encodeDistinguishedNames(names: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.u16(names.reduce((n, d) => n + 2 + d.length, 0));
  for (const d of names) w.u16(d.length).bytes(d);
  return w.finish();
}

/** The certificate_authorities extension's body (RFC 8446 §4.2.4), as DER names. */
export function parseCertificateAuthorities(data: Uint8Array): Uint8Array[] | ProtocolError {
  const r = new ByteReader(data);
  const names = readDistinguishedNames(r);
  return names instanceof ProtocolError ? names : finish(r, names, 'certificate_authorities');
}

export function readDistinguishedNames(r: ByteReader): Uint8Array[] | ProtocolError {
  const len = r.u16();
  if (r.overrun || len > r.remaining) return tlsError('decode_error', 'certificate_authorities: bad length');
  const end = r.offset + len;
  const out: Uint8Array[] = [];
  while (r.offset < end) {
    const dn = r.bytesView(r.u16());
    if (r.overrun || r.offset > end || dn.length === 0)
      return tlsError('decode_error', 'certificate_authorities: bad entry');
    out.push(dn);
  }
  return out;
}
