/**
 * Alerts (RFC 8446 §6, RFC 5246 §7.2): the two-byte messages that close a connection and
 * say why. netlab sends every error as a fatal alert and then closes; `close_notify` ends a
 * connection cleanly. In TLS 1.3 every alert but close_notify and user_canceled is fatal
 * whatever its level says (§6.2).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';

export const AlertDescription = {
  close_notify: 0,
  unexpected_message: 10,
  bad_record_mac: 20,
  record_overflow: 22,
  handshake_failure: 40,
  bad_certificate: 42,
  unsupported_certificate: 43,
  certificate_revoked: 44,
  certificate_expired: 45,
  certificate_unknown: 46,
  illegal_parameter: 47,
  unknown_ca: 48,
  access_denied: 49,
  decode_error: 50,
  decrypt_error: 51,
  protocol_version: 70,
  insufficient_security: 71,
  internal_error: 80,
  inappropriate_fallback: 86,
  user_canceled: 90,
  no_renegotiation: 100,
  missing_extension: 109,
  unsupported_extension: 110,
  unrecognized_name: 112,
  bad_certificate_status_response: 113,
  unknown_psk_identity: 115,
  certificate_required: 116,
  no_application_protocol: 120,
} as const;

export type AlertName = keyof typeof AlertDescription;

export function alertName(code: number): string {
  for (const [name, c] of Object.entries(AlertDescription)) if (c === code) return name;
  return `unknown(${code})`;
}

export type AlertLevel = 'warning' | 'fatal';

export interface Alert {
  readonly level: AlertLevel;
  readonly description: number;
}

export function serializeAlert(a: Alert): Uint8Array {
  return Uint8Array.of(a.level === 'warning' ? 1 : 2, a.description);
}

export function parseAlert(bytes: Uint8Array): Alert | ProtocolError {
  if (bytes.length !== 2) return new ProtocolError('tls', 'decode_error', `alert of ${bytes.length} bytes`);
  const level = bytes[0];
  if (level !== 1 && level !== 2)
    return new ProtocolError('tls', 'illegal_parameter', `alert level ${level}`);
  return { level: level === 1 ? 'warning' : 'fatal', description: bytes[1]! };
}
