/**
 * TLS code points (IANA "TLS Parameters" registries; RFC 8446 §4 and B.3, RFC 5246 §7.4,
 * RFC 8422, RFC 7627, RFC 8449, RFC 7301, RFC 5746), with the names Wireshark and OpenSSL
 * print for them.
 */

export const ContentType = {
  ChangeCipherSpec: 20,
  Alert: 21,
  Handshake: 22,
  ApplicationData: 23,
} as const;
export type ContentType = (typeof ContentType)[keyof typeof ContentType];

export const CONTENT_TYPE_NAMES: Record<number, string> = {
  20: 'change_cipher_spec',
  21: 'alert',
  22: 'handshake',
  23: 'application_data',
};

export const ProtocolVersion = {
  Tls10: 0x0301,
  Tls11: 0x0302,
  Tls12: 0x0303,
  Tls13: 0x0304,
} as const;

export type TlsVersion = '1.2' | '1.3';

export const VERSION_CODES: Record<TlsVersion, number> = { '1.2': 0x0303, '1.3': 0x0304 };

export function versionName(v: number): string {
  switch (v) {
    case 0x0300:
      return 'SSL 3.0';
    case 0x0301:
      return 'TLS 1.0';
    case 0x0302:
      return 'TLS 1.1';
    case 0x0303:
      return 'TLS 1.2';
    case 0x0304:
      return 'TLS 1.3';
    default:
      return `0x${v.toString(16).padStart(4, '0')}`;
  }
}

export const HandshakeType = {
  HelloRequest: 0,
  ClientHello: 1,
  ServerHello: 2,
  NewSessionTicket: 4,
  EndOfEarlyData: 5,
  EncryptedExtensions: 8,
  Certificate: 11,
  ServerKeyExchange: 12,
  CertificateRequest: 13,
  ServerHelloDone: 14,
  CertificateVerify: 15,
  ClientKeyExchange: 16,
  Finished: 20,
  CertificateStatus: 22,
  KeyUpdate: 24,
  MessageHash: 254,
} as const;

/** Handshake type to name, `HandshakeType` turned around; 254 keeps RFC 8446's spelling `message_hash` (§4.4.1). */
export const HANDSHAKE_NAMES: Record<number, string> = {
  ...Object.fromEntries(Object.entries(HandshakeType).map(([name, type]) => [type, name])),
  [HandshakeType.MessageHash]: 'message_hash',
};

export const ExtensionType = {
  ServerName: 0,
  MaxFragmentLength: 1,
  StatusRequest: 5,
  SupportedGroups: 10,
  EcPointFormats: 11,
  SignatureAlgorithms: 13,
  Heartbeat: 15,
  Alpn: 16,
  SignedCertificateTimestamp: 18,
  Padding: 21,
  EncryptThenMac: 22,
  ExtendedMasterSecret: 23,
  RecordSizeLimit: 28,
  SessionTicket: 35,
  PreSharedKey: 41,
  EarlyData: 42,
  SupportedVersions: 43,
  Cookie: 44,
  PskKeyExchangeModes: 45,
  CertificateAuthorities: 47,
  PostHandshakeAuth: 49,
  SignatureAlgorithmsCert: 50,
  KeyShare: 51,
  RenegotiationInfo: 0xff01,
} as const;

export const EXTENSION_NAMES: Record<number, string> = {
  0: 'server_name',
  1: 'max_fragment_length',
  5: 'status_request',
  10: 'supported_groups',
  11: 'ec_point_formats',
  13: 'signature_algorithms',
  15: 'heartbeat',
  16: 'application_layer_protocol_negotiation',
  18: 'signed_certificate_timestamp',
  21: 'padding',
  22: 'encrypt_then_mac',
  23: 'extended_master_secret',
  28: 'record_size_limit',
  35: 'session_ticket',
  41: 'pre_shared_key',
  42: 'early_data',
  43: 'supported_versions',
  44: 'cookie',
  45: 'psk_key_exchange_modes',
  47: 'certificate_authorities',
  49: 'post_handshake_auth',
  50: 'signature_algorithms_cert',
  51: 'key_share',
  65281: 'renegotiation_info',
};

export function extensionName(t: number): string {
  return EXTENSION_NAMES[t] ?? `unknown(${t})`;
}

/** Named groups (RFC 8446 §4.2.7, RFC 7919). netlab implements the ones in `KeyExchangeGroup`. */
export const NAMED_GROUPS = {
  secp256r1: 23,
  secp384r1: 24,
  secp521r1: 25,
  x25519: 29,
  x448: 30,
  ffdhe2048: 256,
  ffdhe3072: 257,
  ffdhe4096: 258,
  ffdhe6144: 259,
  ffdhe8192: 260,
} as const;

export type NamedGroupName = keyof typeof NAMED_GROUPS;

export function groupName(code: number): string {
  for (const [name, c] of Object.entries(NAMED_GROUPS)) if (c === code) return name;
  return `0x${code.toString(16).padStart(4, '0')}`;
}

/** Signature schemes (RFC 8446 §4.2.3; the 1.2 hash/signature pairs share the numbers). */
export const SIGNATURE_SCHEMES = {
  rsa_pkcs1_sha256: 0x0401,
  rsa_pkcs1_sha384: 0x0501,
  rsa_pkcs1_sha512: 0x0601,
  ecdsa_secp256r1_sha256: 0x0403,
  ecdsa_secp384r1_sha384: 0x0503,
  ecdsa_secp521r1_sha512: 0x0603,
  rsa_pss_rsae_sha256: 0x0804,
  rsa_pss_rsae_sha384: 0x0805,
  rsa_pss_rsae_sha512: 0x0806,
  ed25519: 0x0807,
  ed448: 0x0808,
  rsa_pss_pss_sha256: 0x0809,
  rsa_pss_pss_sha384: 0x080a,
  rsa_pss_pss_sha512: 0x080b,
  rsa_pkcs1_sha1: 0x0201,
  ecdsa_sha1: 0x0203,
} as const;

export type SignatureSchemeName = keyof typeof SIGNATURE_SCHEMES;

export function signatureSchemeName(code: number): string {
  for (const [name, c] of Object.entries(SIGNATURE_SCHEMES)) if (c === code) return name;
  return `0x${code.toString(16).padStart(4, '0')}`;
}

/** The "DOWNGRD" sentinel ending ServerHello.random (RFC 8446 §4.1.3). */
export const DOWNGRADE_TLS12 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x01);
export const DOWNGRADE_TLS11 = Uint8Array.of(0x44, 0x4f, 0x57, 0x4e, 0x47, 0x52, 0x44, 0x00);

/** ServerHello.random of a HelloRetryRequest: SHA-256("HelloRetryRequest") (RFC 8446 §4.1.3). */
export const HELLO_RETRY_REQUEST_RANDOM = Uint8Array.from(
  'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c'.match(/../g)!,
  (h) => Number.parseInt(h, 16),
);

/** Signalling cipher suite values (RFC 5746 §3.3, RFC 7507). */
export const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;
export const TLS_FALLBACK_SCSV = 0x5600;
