/**
 * Trace events of TLS: every handshake message with what it carries (the timeline's
 * annotations), alerts, the established session, failures with their reason, and NSS key
 * log lines (so a capture of the run decrypts in Wireshark). Certificate checks are
 * reported as 'pki.validate' (pki/trace-events.ts).
 */
import type { ChainErrorCode } from '../pki/chain-validation.ts';
import type { HandshakeDetails } from './events.ts';
import type { TlsErrorCode } from './tls-error.ts';

declare module '../../sim/trace.ts' {
  interface TraceEventMap {
    'tls.handshake': {
      readonly node: string;
      readonly role: 'client' | 'server';
      /** The other end, `10.0.0.2:443`. */
      readonly peer: string;
      readonly direction: 'sent' | 'received';
      readonly details: HandshakeDetails;
      readonly length: number;
      readonly encrypted: boolean;
    };
    'tls.alert': {
      readonly node: string;
      readonly role: 'client' | 'server';
      readonly peer: string;
      readonly direction: 'sent' | 'received';
      readonly level: 'warning' | 'fatal';
      readonly alert: string;
    };
    'tls.established': {
      readonly node: string;
      readonly role: 'client' | 'server';
      readonly peer: string;
      readonly version: string;
      readonly suite: string;
      readonly keyExchange: string;
      readonly alpn?: string;
      readonly serverName?: string;
      /** Subjects of the certificates the peer sent. */
      readonly peerChain: readonly string[];
    };
    'tls.failed': {
      readonly node: string;
      readonly role: 'client' | 'server';
      readonly peer: string;
      readonly code: TlsErrorCode;
      readonly alert?: string;
      readonly certificate?: ChainErrorCode;
      readonly message: string;
    };
    /** One NSS key log line (SSLKEYLOGFILE format). */
    'tls.keylog': { readonly node: string; readonly line: string };
  }
}
