/**
 * The TLS record layer's framing (RFC 8446 §5.1, RFC 5246 §6.2): a 5-byte header (content
 * type, legacy version, length) and a fragment. `RecordReader` cuts records out of a byte
 * stream however the transport split them (one TCP read may hold half a record or ten).
 *
 * Limits (RFC 8446 §5.1-5.2, RFC 5246 §6.2): a plaintext fragment is at most 2^14 bytes; a
 * protected one at most 2^14 + 256 (TLS 1.3) or 2^14 + 2048 (TLS 1.2). A longer record is
 * `record_overflow` before any of it is buffered, so the reader never holds more than one
 * maximal record plus the last chunk pushed. An unknown content type is
 * `unexpected_message`; a version whose major byte is not 3 is not TLS (`decode_error`).
 *
 * Every `ProtocolError` in this folder carries the TLS alert name as its `code`.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { CONTENT_TYPE_NAMES } from './code-points.ts';

export const RECORD_HEADER_LENGTH = 5;
/** 2^14: the largest plaintext fragment (RFC 8446 §5.1). */
export const MAX_PLAINTEXT = 16384;
export const MAX_CIPHERTEXT_TLS13 = MAX_PLAINTEXT + 256;
export const MAX_CIPHERTEXT_TLS12 = MAX_PLAINTEXT + 2048;

export interface TlsRecord {
  readonly type: number;
  readonly version: number;
  /** The 5 header bytes (TLS 1.3 uses them as the AEAD's additional data). */
  readonly header: Uint8Array;
  readonly fragment: Uint8Array;
}

export function tlsError(code: string, message: string, offset?: number): ProtocolError {
  return new ProtocolError('tls', code, message, offset);
}

/** Header + fragment in one buffer. */
export function serializeRecord(type: number, version: number, fragment: Uint8Array): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER_LENGTH + fragment.length);
  writeRecordHeader(out, type, version, fragment.length);
  out.set(fragment, RECORD_HEADER_LENGTH);
  return out;
}

export function writeRecordHeader(out: Uint8Array, type: number, version: number, length: number): void {
  out[0] = type;
  out[1] = version >> 8;
  out[2] = version & 0xff;
  out[3] = length >> 8;
  out[4] = length & 0xff;
}

/** Parses exactly one record filling `bytes` (for tests and tools). */
export function parseRecord(bytes: Uint8Array, maxLength = MAX_CIPHERTEXT_TLS12): TlsRecord | ProtocolError {
  const r = new RecordReader(maxLength);
  r.push(bytes);
  const rec = r.next();
  if (rec === null) return tlsError('decode_error', 'truncated record');
  if (rec instanceof ProtocolError) return rec;
  if (r.buffered > 0) return tlsError('decode_error', 'bytes after the record');
  return rec;
}

export class RecordReader {
  private pending: Uint8Array = new Uint8Array(0);
  private offset = 0;

  constructor(
    /** Largest fragment accepted; lowered to the TLS 1.3 limit once 1.3 is negotiated. */
    public maxLength = MAX_CIPHERTEXT_TLS12,
  ) {}

  /** Bytes received but not yet returned as records. */
  get buffered(): number {
    return this.pending.length - this.offset;
  }

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const left = this.pending.length - this.offset;
    if (left === 0) {
      this.pending = bytes;
    } else {
      // A new buffer every time, so fragments handed out earlier stay intact.
      const next = new Uint8Array(left + bytes.length);
      next.set(this.pending.subarray(this.offset));
      next.set(bytes, left);
      this.pending = next;
    }
    this.offset = 0;
  }

  /** The next complete record, null when more bytes are needed, or the framing error. */
  next(): TlsRecord | null | ProtocolError {
    const b = this.pending;
    const at = this.offset;
    if (b.length - at < RECORD_HEADER_LENGTH) {
      // Judge the content type as soon as it arrives: garbage is refused without waiting.
      if (b.length > at && !CONTENT_TYPE_NAMES[b[at]!]) return this.unknownType(b[at]!);
      return null;
    }
    const type = b[at]!;
    if (!CONTENT_TYPE_NAMES[type]) return this.unknownType(type);
    const version = (b[at + 1]! << 8) | b[at + 2]!;
    if (b[at + 1] !== 3)
      return tlsError('decode_error', `record version 0x${version.toString(16)} is not TLS`, at);
    const length = (b[at + 3]! << 8) | b[at + 4]!;
    if (length > this.maxLength) {
      return tlsError('record_overflow', `record of ${length} bytes (limit ${this.maxLength})`, at);
    }
    if (b.length - at < RECORD_HEADER_LENGTH + length) return null;
    const end = at + RECORD_HEADER_LENGTH + length;
    this.offset = end;
    return {
      type,
      version,
      header: b.subarray(at, at + RECORD_HEADER_LENGTH),
      fragment: b.subarray(at + RECORD_HEADER_LENGTH, end),
    };
  }

  private unknownType(type: number): ProtocolError {
    // 'G', 'P', 'H' start HTTP requests: say so, as OpenSSL does ("http request").
    const http = type === 0x47 || type === 0x50 || type === 0x48 ? ' (plain HTTP sent to a TLS port?)' : '';
    return tlsError('unexpected_message', `unknown record type ${type}${http}`, this.offset);
  }
}
