/**
 * How a TLS connection fails: which alert went over the wire, in which direction, and why.
 * The machine reports a `TlsFailure` value; the stream adapter rejects with a `TlsError`
 * (a NetlabError) whose `code` is stable:
 *
 * - `tls-certificate`: the local side refused the peer's certificate (`certificate` says
 *   which check failed: unknown-ca, expired, hostname-mismatch...);
 * - `tls-alert-received`: the peer sent a fatal alert (handshake_failure, unknown_ca...);
 * - `tls-protocol`: the peer broke the protocol and this side sent the alert;
 * - `tls-local`: this side could not go on (no common suite offered by configuration...);
 * - `tls-closed`: the transport ended before the handshake completed (no alert at all);
 * - `tls-timeout`: the handshake did not complete within the stream's handshakeTimeout.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { ChainErrorCode } from '../pki/chain-validation.ts';
import { AlertDescription, type AlertName, alertName } from './alert.ts';

export type TlsErrorCode =
  | 'tls-certificate'
  | 'tls-alert-received'
  | 'tls-protocol'
  | 'tls-local'
  | 'tls-closed'
  | 'tls-timeout';

export interface TlsFailure {
  readonly code: TlsErrorCode;
  /** The alert sent (code 'tls-certificate', 'tls-protocol', 'tls-local') or received. */
  readonly alert: number;
  readonly alertName: string;
  readonly message: string;
  /** Who broke the protocol: 'remote' when the peer did (or alerted), 'local' otherwise. */
  readonly side: 'local' | 'remote';
  readonly certificate?: ChainErrorCode;
  /**
   * A client's answer to the server's CertificateRequest, when it had sent one before the
   * failure: 'sent' a certificate, or 'none' (an empty Certificate message). What a
   * browser needs to tell "the server refused my login certificate, or wanted one" from
   * other handshake failures (servers mostly send handshake_failure for a missing one).
   */
  readonly clientCertificate?: 'sent' | 'none';
}

export function failure(
  code: TlsErrorCode,
  alert: AlertName | number,
  message: string,
  side: 'local' | 'remote',
  certificate?: ChainErrorCode,
): TlsFailure {
  const n = typeof alert === 'number' ? alert : AlertDescription[alert];
  const base = { code, alert: n, alertName: alertName(n), message, side };
  return certificate ? { ...base, certificate } : base;
}

export class TlsError extends NetlabError {
  readonly alert: number;
  readonly alertName: string;
  readonly side: 'local' | 'remote';
  readonly certificate?: ChainErrorCode;
  readonly clientCertificate?: 'sent' | 'none';

  constructor(readonly failure: TlsFailure) {
    super(failure.code, failure.message, { alert: failure.alertName, certificate: failure.certificate });
    this.name = 'TlsError';
    this.alert = failure.alert;
    this.alertName = failure.alertName;
    this.side = failure.side;
    if (failure.certificate) this.certificate = failure.certificate;
    if (failure.clientCertificate) this.clientCertificate = failure.clientCertificate;
  }
}
