/**
 * Signature schemes as TLS names them (RFC 8446 §4.2.3; in TLS 1.2 the same numbers are the
 * hash/signature pairs of RFC 5246 §7.4.1.4.1), mapped onto the PKI's signature code:
 * which key each needs, whether TLS 1.3 allows it in CertificateVerify (no PKCS #1 v1.5, no
 * SHA-1; ECDSA bound to its curve), and the content a 1.3 CertificateVerify signs (§4.4.3).
 */
import type { PrivateKey, PublicKey } from '../pki/keys.ts';
import type { RandomSource } from '../pki/random-source.ts';
import { type SignatureAlgorithm, signData, verifyData } from '../pki/signature.ts';
import { SIGNATURE_SCHEMES, type SignatureSchemeName } from './code-points.ts';

export interface SchemeInfo {
  readonly code: number;
  readonly name: SignatureSchemeName;
  readonly algorithm: SignatureAlgorithm;
  readonly key: 'rsa' | 'ec';
  /** For TLS 1.3: the curve an ECDSA scheme is bound to. */
  readonly curve?: 'P-256' | 'P-384' | 'P-521';
  readonly tls13: boolean;
}

function info(
  name: SignatureSchemeName,
  algorithm: SignatureAlgorithm,
  tls13: boolean,
  curve?: SchemeInfo['curve'],
): SchemeInfo {
  const base = {
    code: SIGNATURE_SCHEMES[name],
    name,
    algorithm,
    key: algorithm.kind === 'ecdsa' ? 'ec' : 'rsa',
    tls13,
  } as const;
  return curve ? { ...base, curve } : base;
}

export const IMPLEMENTED_SCHEMES: readonly SchemeInfo[] = [
  info('ecdsa_secp256r1_sha256', { kind: 'ecdsa', hash: 'sha256' }, true, 'P-256'),
  info('ecdsa_secp384r1_sha384', { kind: 'ecdsa', hash: 'sha384' }, true, 'P-384'),
  info('ecdsa_secp521r1_sha512', { kind: 'ecdsa', hash: 'sha512' }, true, 'P-521'),
  info('rsa_pss_rsae_sha256', { kind: 'rsa-pss', hash: 'sha256', saltLength: 32 }, true),
  info('rsa_pss_rsae_sha384', { kind: 'rsa-pss', hash: 'sha384', saltLength: 48 }, true),
  info('rsa_pss_rsae_sha512', { kind: 'rsa-pss', hash: 'sha512', saltLength: 64 }, true),
  info('rsa_pkcs1_sha256', { kind: 'rsa-pkcs1', hash: 'sha256' }, false),
  info('rsa_pkcs1_sha384', { kind: 'rsa-pkcs1', hash: 'sha384' }, false),
  info('rsa_pkcs1_sha512', { kind: 'rsa-pkcs1', hash: 'sha512' }, false),
  info('rsa_pkcs1_sha1', { kind: 'rsa-pkcs1', hash: 'sha1' }, false),
  info('ecdsa_sha1', { kind: 'ecdsa', hash: 'sha1' }, false),
];

const BY_CODE = new Map(IMPLEMENTED_SCHEMES.map((s) => [s.code, s]));

export function schemeInfo(code: number): SchemeInfo | undefined {
  return BY_CODE.get(code);
}

/** What a client offers by default (Chrome's order, SHA-1 left out). */
export const DEFAULT_SIGNATURE_SCHEMES: readonly SignatureSchemeName[] = [
  'ecdsa_secp256r1_sha256',
  'rsa_pss_rsae_sha256',
  'rsa_pkcs1_sha256',
  'ecdsa_secp384r1_sha384',
  'rsa_pss_rsae_sha384',
  'rsa_pkcs1_sha384',
  'rsa_pss_rsae_sha512',
  'rsa_pkcs1_sha512',
];

/** Whether `scheme` can be used with `key` in this version. */
export function schemeFits(s: SchemeInfo, key: PublicKey | PrivateKey, tls13: boolean): boolean {
  if (s.key !== key.kind) return false;
  if (tls13) return s.tls13 && (s.curve === undefined || (key.kind === 'ec' && key.curve === s.curve));
  return true;
}

/**
 * The scheme a signer uses: the first of `preference` that the peer offered and that fits
 * the key. In TLS 1.2 with an RSA key PKCS #1 v1.5 is preferred over PSS: it is TLS 1.2's
 * own RSA signature (RFC 5246 §7.4.1.4.1); PSS came to TLS 1.2 with RFC 8446 §4.2.3.
 */
export function chooseScheme(
  key: PrivateKey | PublicKey,
  peerOffered: readonly number[],
  tls13: boolean,
  preference: readonly number[] = defaultSignPreference(tls13),
): SchemeInfo | undefined {
  for (const code of preference) {
    const s = BY_CODE.get(code);
    if (s && peerOffered.includes(code) && schemeFits(s, key, tls13)) return s;
  }
  return undefined;
}

function defaultSignPreference(tls13: boolean): number[] {
  const names: SignatureSchemeName[] = tls13
    ? [
        'ecdsa_secp256r1_sha256',
        'ecdsa_secp384r1_sha384',
        'ecdsa_secp521r1_sha512',
        'rsa_pss_rsae_sha256',
        'rsa_pss_rsae_sha384',
        'rsa_pss_rsae_sha512',
      ]
    : [
        'ecdsa_secp256r1_sha256',
        'ecdsa_secp384r1_sha384',
        'ecdsa_secp521r1_sha512',
        'rsa_pkcs1_sha256',
        'rsa_pss_rsae_sha256',
        'rsa_pkcs1_sha384',
        'rsa_pss_rsae_sha384',
        'rsa_pkcs1_sha512',
        'rsa_pss_rsae_sha512',
        'ecdsa_sha1',
        'rsa_pkcs1_sha1',
      ];
  return names.map((n) => SIGNATURE_SCHEMES[n]);
}

/** Something that can sign handshake messages: a private key, or a signer holding one elsewhere. */
export interface HandshakeSigner {
  readonly publicKey: PublicKey;
  /** The key's kind and curve, to pick a scheme. */
  readonly key: PrivateKey | PublicKey;
  sign(scheme: SchemeInfo, data: Uint8Array): Uint8Array;
}

/** A signer for a key held here; `random` gives RSA-PSS its salts (the connection's source). */
export function keySigner(key: PrivateKey, random?: RandomSource): HandshakeSigner {
  return {
    publicKey: key.publicKey,
    key,
    sign: (scheme, data) => signData(key, scheme.algorithm, data, random),
  };
}

export function verifyWithScheme(
  key: PublicKey,
  scheme: SchemeInfo,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  return verifyData(key, scheme.algorithm, data, signature);
}

const SPACES = new Uint8Array(64).fill(0x20);
const enc = new TextEncoder();

/** What a TLS 1.3 CertificateVerify signs: 64 spaces, the context string, 0, the transcript hash (§4.4.3). */
export function certificateVerifyContent(role: 'server' | 'client', transcriptHash: Uint8Array): Uint8Array {
  const label = enc.encode(`TLS 1.3, ${role} CertificateVerify`);
  const out = new Uint8Array(64 + label.length + 1 + transcriptHash.length);
  out.set(SPACES);
  out.set(label, 64);
  out.set(transcriptHash, 64 + label.length + 1);
  return out;
}
