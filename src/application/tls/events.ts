/**
 * What a TLS machine reports to whoever runs it: handshake messages sent and received with
 * what they carry (for timelines and traces), the peer certificate check, the moment the
 * connection is established, decrypted application data, alerts, key log secrets, tickets,
 * and the end (closed cleanly, or failed with an alert).
 */
import type { CertificateSummary } from '../pki/trace-events.ts';
import type { ChainValidation } from '../pki/chain-validation.ts';
import type { Certificate } from '../pki/certificate.ts';
import type { TlsState } from './handshake-state.ts';
import type { TlsFailure } from './tls-error.ts';

/** What one handshake message carried, in words a timeline can print. */
export type HandshakeDetails =
  | {
      readonly type: 'ClientHello';
      readonly legacyVersion: string;
      /** supported_versions, or the legacy version alone. */
      readonly versions: readonly string[];
      readonly random: string;
      readonly sessionId: string;
      readonly suites: readonly string[];
      readonly groups: readonly string[];
      readonly keyShares: readonly string[];
      readonly signatureAlgorithms: readonly string[];
      readonly serverName?: string;
      readonly alpn?: readonly string[];
      readonly extensions: readonly string[];
    }
  | {
      readonly type: 'ServerHello';
      readonly version: string;
      readonly random: string;
      readonly sessionId: string;
      readonly suite: string;
      readonly keyShare?: string;
      readonly extensions: readonly string[];
      /** The random ends in the RFC 8446 §4.1.3 downgrade sentinel. */
      readonly downgradeSentinel: boolean;
    }
  | {
      readonly type: 'HelloRetryRequest';
      readonly suite: string;
      readonly selectedGroup?: string;
      readonly cookie: boolean;
    }
  | {
      readonly type: 'EncryptedExtensions';
      readonly extensions: readonly string[];
      readonly alpn?: string;
    }
  | { readonly type: 'Certificate'; readonly chain: readonly CertificateSummary[] }
  | {
      readonly type: 'CertificateRequest';
      readonly signatureAlgorithms: readonly string[];
      readonly authorities: number;
    }
  | {
      readonly type: 'ServerKeyExchange';
      readonly group: string;
      readonly publicKey: string;
      readonly signatureScheme: string;
    }
  | { readonly type: 'ServerHelloDone' }
  | { readonly type: 'ClientKeyExchange'; readonly kind: 'rsa'; readonly encryptedPremasterSecret: string }
  | {
      readonly type: 'ClientKeyExchange';
      readonly kind: 'ecdhe';
      readonly group: string;
      readonly publicKey: string;
    }
  | { readonly type: 'CertificateVerify'; readonly signatureScheme: string; readonly signatureLength: number }
  | { readonly type: 'Finished'; readonly verifyData: string }
  | { readonly type: 'NewSessionTicket'; readonly lifetime: number }
  | { readonly type: 'KeyUpdate'; readonly requestUpdate: boolean }
  /**
   * `middlebox`: sent or received in TLS 1.3, where it changes nothing and is only there
   * for middleboxes that expect TLS 1.2 (RFC 8446 Appendix D.4).
   */
  | { readonly type: 'ChangeCipherSpec'; readonly middlebox?: true }
  | { readonly type: 'HelloRequest' };

/** What both sides agreed on, once the handshake is done. */
export interface SessionInfo {
  readonly version: '1.2' | '1.3';
  readonly suite: string;
  /** The (EC)DHE group, or 'rsa' for TLS 1.2 RSA key exchange. */
  readonly keyExchange: string;
  readonly signatureScheme?: string;
  readonly alpn?: string;
  readonly serverName?: string;
  /** The peer's certificates as it sent them, leaf first (empty when it sent none). */
  readonly peerCertificates: readonly Certificate[];
  readonly extendedMasterSecret: boolean;
  readonly helloRetry: boolean;
}

export type KeyLogLabel =
  | 'CLIENT_RANDOM'
  | 'CLIENT_HANDSHAKE_TRAFFIC_SECRET'
  | 'SERVER_HANDSHAKE_TRAFFIC_SECRET'
  | 'CLIENT_TRAFFIC_SECRET_0'
  | 'SERVER_TRAFFIC_SECRET_0'
  | 'EXPORTER_SECRET';

export type TlsEvent =
  | {
      readonly kind: 'handshake';
      readonly direction: 'sent' | 'received';
      readonly details: HandshakeDetails;
      /** Message length with its 4-byte header. */
      readonly length: number;
      /** Whether it travelled encrypted. */
      readonly encrypted: boolean;
    }
  | { readonly kind: 'state'; readonly from: TlsState; readonly to: TlsState }
  | { readonly kind: 'peer-verified'; readonly validation: ChainValidation; readonly hostname?: string }
  | { readonly kind: 'established'; readonly session: SessionInfo }
  | { readonly kind: 'data'; readonly data: Uint8Array }
  | {
      readonly kind: 'alert';
      readonly direction: 'sent' | 'received';
      readonly level: 'warning' | 'fatal';
      readonly description: number;
      readonly name: string;
    }
  | { readonly kind: 'peer-closed' }
  | { readonly kind: 'failed'; readonly failure: TlsFailure }
  | {
      readonly kind: 'keylog';
      readonly label: KeyLogLabel;
      readonly clientRandom: Uint8Array;
      readonly secret: Uint8Array;
    }
  | { readonly kind: 'ticket'; readonly lifetime: number; readonly ageAdd: number; readonly psk: Uint8Array }
  | { readonly kind: 'key-update'; readonly direction: 'sent' | 'received' };
