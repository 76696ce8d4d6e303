/**
 * Handshake message framing (RFC 8446 §4, RFC 5246 §7.4): a type byte, a 24-bit length and
 * the body. Messages may be split across records and several may share one record;
 * `HandshakeReassembler` puts them back together.
 *
 * Limit: a message body may be at most `maxMessage` bytes (default 64 KiB, enough for a
 * certificate chain of several large certificates; OpenSSL's default is 100 KiB for
 * certificates and 16 KiB for the rest). A longer one is refused from its header, before it
 * is buffered.
 */
import { concatBytes } from '../../bytes/concat.ts';
import type { ProtocolError } from '../../bytes/protocol-error.ts';
import { HANDSHAKE_NAMES } from './code-points.ts';
import { tlsError } from './record.ts';

export const HANDSHAKE_HEADER_LENGTH = 4;
export const DEFAULT_MAX_HANDSHAKE_MESSAGE = 64 * 1024;

export interface HandshakeMessage {
  readonly type: number;
  readonly body: Uint8Array;
  /** Header and body: what enters the transcript hash. */
  readonly raw: Uint8Array;
}

/** Prefixes a body with its handshake header. */
export function frameHandshake(type: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(HANDSHAKE_HEADER_LENGTH + body.length);
  out[0] = type;
  out[1] = (body.length >> 16) & 0xff;
  out[2] = (body.length >> 8) & 0xff;
  out[3] = body.length & 0xff;
  out.set(body, HANDSHAKE_HEADER_LENGTH);
  return out;
}

export function handshakeName(type: number): string {
  return HANDSHAKE_NAMES[type] ?? `unknown(${type})`;
}

export class HandshakeReassembler {
  private buf = new Uint8Array(0);

  constructor(readonly maxMessage = DEFAULT_MAX_HANDSHAKE_MESSAGE) {}

  /** Whether part of a message is waiting (TLS 1.3 forbids that across a key change, §5.1). */
  get partial(): boolean {
    return this.buf.length > 0;
  }

  /** Adds one record's handshake fragment; returns the messages it completed. */
  push(fragment: Uint8Array): HandshakeMessage[] | ProtocolError {
    const data = this.buf.length > 0 ? concatBytes([this.buf, fragment]) : fragment;
    const out: HandshakeMessage[] = [];
    let at = 0;
    while (data.length - at >= HANDSHAKE_HEADER_LENGTH) {
      const type = data[at]!;
      const length = (data[at + 1]! << 16) | (data[at + 2]! << 8) | data[at + 3]!;
      if (length > this.maxMessage) {
        return tlsError(
          'decode_error',
          `${handshakeName(type)} of ${length} bytes exceeds ${this.maxMessage}`,
          at,
        );
      }
      const end = at + HANDSHAKE_HEADER_LENGTH + length;
      if (end > data.length) break;
      out.push({ type, body: data.subarray(at + HANDSHAKE_HEADER_LENGTH, end), raw: data.subarray(at, end) });
      at = end;
    }
    this.buf = at === data.length ? new Uint8Array(0) : data.slice(at);
    return out;
  }
}
