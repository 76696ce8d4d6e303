/**
 * The cipher suites netlab implements (IANA "TLS Cipher Suites"): for TLS 1.3 (RFC 8446
 * §B.4) AES-128-GCM, AES-256-GCM and ChaCha20-Poly1305; for TLS 1.2 the AEAD suites with
 * RSA key exchange (RFC 5288) and ECDHE with RSA or ECDSA certificates (RFC 5289, RFC 7905).
 *
 * Left out on purpose: CBC suites (Lucky 13, no AEAD), static DH, DHE, PSK, export and NULL
 * suites, anything with RC4/3DES/SHA-1 MACs.
 */

export type AeadName = 'AES-128-GCM' | 'AES-256-GCM' | 'CHACHA20-POLY1305';
export type KeyExchangeKind = 'tls13' | 'rsa' | 'ecdhe';
export type AuthKind = 'tls13' | 'rsa' | 'ecdsa';

export interface CipherSuite {
  readonly code: number;
  readonly name: string;
  /** OpenSSL's name, for `openssl s_client -cipher` and for printing like curl. */
  readonly opensslName: string;
  readonly version: '1.2' | '1.3';
  readonly aead: AeadName;
  readonly hash: 'sha256' | 'sha384';
  readonly keyExchange: KeyExchangeKind;
  /** Which certificate key a 1.2 suite needs ('tls13' for 1.3 suites: any). */
  readonly auth: AuthKind;
  readonly keyLength: number;
  /** TLS 1.2 implicit nonce part: 4 bytes for GCM (RFC 5288), 12 for ChaCha20 (RFC 7905). */
  readonly fixedIvLength: number;
}

function suite(
  code: number,
  name: string,
  opensslName: string,
  version: '1.2' | '1.3',
  aead: AeadName,
  hash: 'sha256' | 'sha384',
  keyExchange: KeyExchangeKind,
  auth: AuthKind,
): CipherSuite {
  const keyLength = aead === 'AES-128-GCM' ? 16 : 32;
  const fixedIvLength = version === '1.3' || aead === 'CHACHA20-POLY1305' ? 12 : 4;
  return { code, name, opensslName, version, aead, hash, keyExchange, auth, keyLength, fixedIvLength };
}

export const CIPHER_SUITES: readonly CipherSuite[] = [
  suite(
    0x1301,
    'TLS_AES_128_GCM_SHA256',
    'TLS_AES_128_GCM_SHA256',
    '1.3',
    'AES-128-GCM',
    'sha256',
    'tls13',
    'tls13',
  ),
  suite(
    0x1302,
    'TLS_AES_256_GCM_SHA384',
    'TLS_AES_256_GCM_SHA384',
    '1.3',
    'AES-256-GCM',
    'sha384',
    'tls13',
    'tls13',
  ),
  suite(
    0x1303,
    'TLS_CHACHA20_POLY1305_SHA256',
    'TLS_CHACHA20_POLY1305_SHA256',
    '1.3',
    'CHACHA20-POLY1305',
    'sha256',
    'tls13',
    'tls13',
  ),
  suite(
    0xc02b,
    'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
    'ECDHE-ECDSA-AES128-GCM-SHA256',
    '1.2',
    'AES-128-GCM',
    'sha256',
    'ecdhe',
    'ecdsa',
  ),
  suite(
    0xc02f,
    'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
    'ECDHE-RSA-AES128-GCM-SHA256',
    '1.2',
    'AES-128-GCM',
    'sha256',
    'ecdhe',
    'rsa',
  ),
  suite(
    0xcca9,
    'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-ECDSA-CHACHA20-POLY1305',
    '1.2',
    'CHACHA20-POLY1305',
    'sha256',
    'ecdhe',
    'ecdsa',
  ),
  suite(
    0xcca8,
    'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
    'ECDHE-RSA-CHACHA20-POLY1305',
    '1.2',
    'CHACHA20-POLY1305',
    'sha256',
    'ecdhe',
    'rsa',
  ),
  suite(
    0xc02c,
    'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
    'ECDHE-ECDSA-AES256-GCM-SHA384',
    '1.2',
    'AES-256-GCM',
    'sha384',
    'ecdhe',
    'ecdsa',
  ),
  suite(
    0xc030,
    'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    'ECDHE-RSA-AES256-GCM-SHA384',
    '1.2',
    'AES-256-GCM',
    'sha384',
    'ecdhe',
    'rsa',
  ),
  suite(
    0x009c,
    'TLS_RSA_WITH_AES_128_GCM_SHA256',
    'AES128-GCM-SHA256',
    '1.2',
    'AES-128-GCM',
    'sha256',
    'rsa',
    'rsa',
  ),
  suite(
    0x009d,
    'TLS_RSA_WITH_AES_256_GCM_SHA384',
    'AES256-GCM-SHA384',
    '1.2',
    'AES-256-GCM',
    'sha384',
    'rsa',
    'rsa',
  ),
];

export type CipherSuiteName = (typeof CIPHER_SUITES)[number]['name'];

const BY_CODE = new Map(CIPHER_SUITES.map((s) => [s.code, s]));
const BY_NAME = new Map(CIPHER_SUITES.flatMap((s) => [[s.name, s] as const, [s.opensslName, s] as const]));

export function suiteByCode(code: number): CipherSuite | undefined {
  return BY_CODE.get(code);
}

/** By IANA name (`TLS_AES_128_GCM_SHA256`) or OpenSSL name (`ECDHE-RSA-AES128-GCM-SHA256`). */
export function suiteByName(name: string): CipherSuite | undefined {
  return BY_NAME.get(name);
}

/** Names for a code, implemented or not (for traces of what a peer offered). */
const OTHER_NAMES: Record<number, string> = {
  255: 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV',
  22016: 'TLS_FALLBACK_SCSV',
  49161: 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA',
  49162: 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA',
  49171: 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA',
  49172: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA',
  47: 'TLS_RSA_WITH_AES_128_CBC_SHA',
  53: 'TLS_RSA_WITH_AES_256_CBC_SHA',
  158: 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256',
  159: 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384',
  52394: 'TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
};

export function suiteName(code: number): string {
  return BY_CODE.get(code)?.name ?? OTHER_NAMES[code] ?? `0x${code.toString(16).padStart(4, '0')}`;
}

/** The default preference order: TLS 1.3 first (RFC 8448's order), then ECDHE AEAD, then RSA. */
export const DEFAULT_SUITES: readonly CipherSuiteName[] = [
  'TLS_AES_128_GCM_SHA256',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_256_GCM_SHA384',
  'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256',
  'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384',
  'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
  'TLS_RSA_WITH_AES_128_GCM_SHA256',
  'TLS_RSA_WITH_AES_256_GCM_SHA384',
];
