/**
 * Public and private keys as certificates and key files carry them: SubjectPublicKeyInfo
 * (RFC 5280 §4.1.2.7) for RSA (RFC 3279 §2.3.1) and elliptic-curve keys on P-256, P-384 and
 * P-521 (RFC 5480); private keys as PKCS #8 (RFC 5208), PKCS #1 RSAPrivateKey (RFC 8017
 * Appendix A.1.2) and SEC 1 ECPrivateKey (RFC 5915), the three forms `openssl` writes.
 *
 * EC keys are generated here from an injected random source (@noble/curves does the
 * arithmetic); RSA keys are not generated at run time (too slow in JS for a lab): the
 * simulator uses fixed RSA keys made with openssl (sample-rsa-keys.ts).
 *
 * Left out: Ed25519/X25519 certificate keys, DSA, explicit curve parameters, encrypted
 * PKCS #8.
 */
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { sha1 } from '@noble/hashes/legacy.js';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { bigintToBytes, bytesToBigint, type DerElement, DerReader, parseDer } from './der.ts';
import * as der from './der-encode.ts';
import { Oid } from './oid.ts';
import { decodePem, encodePem } from './pem.ts';
import type { RandomSource } from './random-source.ts';

export type EcCurveName = 'P-256' | 'P-384' | 'P-521';

export interface RsaPublicKey {
  readonly kind: 'rsa';
  readonly n: bigint;
  readonly e: bigint;
  /** Modulus size in bits. */
  readonly bits: number;
}

export interface EcPublicKey {
  readonly kind: 'ec';
  readonly curve: EcCurveName;
  /** The uncompressed SEC 1 point, 0x04 || X || Y. */
  readonly point: Uint8Array;
}

export type PublicKey = RsaPublicKey | EcPublicKey;

export interface RsaPrivateKey {
  readonly kind: 'rsa';
  readonly n: bigint;
  readonly e: bigint;
  readonly d: bigint;
  /** CRT values, kept so key files round-trip (the RSA library uses n and d only). */
  readonly crt?: { p: bigint; q: bigint; dp: bigint; dq: bigint; qi: bigint };
  readonly publicKey: RsaPublicKey;
}

export interface EcPrivateKey {
  readonly kind: 'ec';
  readonly curve: EcCurveName;
  /** The private scalar, big-endian, as long as the curve order. */
  readonly d: Uint8Array;
  readonly publicKey: EcPublicKey;
}

export type PrivateKey = RsaPrivateKey | EcPrivateKey;

const CURVES = {
  'P-256': { lib: p256, oid: Oid.prime256v1, size: 32 },
  'P-384': { lib: p384, oid: Oid.secp384r1, size: 48 },
  'P-521': { lib: p521, oid: Oid.secp521r1, size: 66 },
} as const;

export function curveLib(curve: EcCurveName) {
  return CURVES[curve].lib;
}

function curveByOid(oid: string): EcCurveName | undefined {
  for (const [name, c] of Object.entries(CURVES)) if (c.oid === oid) return name as EcCurveName;
  return undefined;
}

/** `RSA 2048` or `EC P-256`. */
export function describeKey(key: PublicKey): string {
  return key.kind === 'rsa' ? `RSA ${key.bits}` : `EC ${key.curve}`;
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

export function rsaPublicKey(n: bigint, e: bigint): RsaPublicKey {
  return { kind: 'rsa', n, e, bits: bitLength(n) };
}

// ---------------------------------------------------------------- SubjectPublicKeyInfo

/** DER SubjectPublicKeyInfo. */
export function encodeSpki(key: PublicKey): Uint8Array {
  if (key.kind === 'rsa') {
    const rsaKey = der.sequence(der.integer(key.n), der.integer(key.e));
    return der.sequence(der.sequence(der.oid(Oid.rsaEncryption), der.nullValue()), der.bitString(rsaKey));
  }
  return der.sequence(
    der.sequence(der.oid(Oid.ecPublicKey), der.oid(CURVES[key.curve].oid)),
    der.bitString(key.point),
  );
}

/** The subjectPublicKey bits (what RFC 5280 §4.2.1.2 method 1 hashes for key identifiers). */
export function subjectPublicKeyBits(key: PublicKey): Uint8Array {
  if (key.kind === 'rsa') return der.sequence(der.integer(key.n), der.integer(key.e));
  return key.point;
}

/** Key identifier per RFC 5280 §4.2.1.2 (1): SHA-1 of the subjectPublicKey bits, as OpenSSL does. */
export function keyIdentifier(key: PublicKey): Uint8Array {
  return sha1(subjectPublicKeyBits(key));
}

const MIN_RSA_BITS = 512;
const MAX_RSA_BITS = 16384;

function rsaFromBits(bits: Uint8Array, r: DerReader): RsaPublicKey | undefined {
  const el = parseDer(bits);
  if (el instanceof ProtocolError) {
    r.fail('bad-key', `RSA public key: ${el.message}`);
    return undefined;
  }
  const k = new DerReader([el], r.sink).sequence('RSAPublicKey');
  const n = k.integer('modulus');
  const e = k.integer('publicExponent');
  k.end('RSAPublicKey');
  if (r.failed) return undefined;
  const key = rsaPublicKey(n, e);
  if (key.bits < MIN_RSA_BITS || key.bits > MAX_RSA_BITS || e < 3n || e % 2n === 0n || n % 2n === 0n) {
    r.fail('bad-key', `unusable RSA key (${key.bits} bits, e=${e})`);
    return undefined;
  }
  return key;
}

function ecPoint(curve: EcCurveName, point: Uint8Array, r: DerReader): EcPublicKey | undefined {
  try {
    const p = CURVES[curve].lib.Point.fromBytes(point);
    p.assertValidity();
    return { kind: 'ec', curve, point: p.toBytes(false) };
  } catch {
    r.fail('bad-key', `not a point on ${curve}`);
    return undefined;
  }
}

/** Reads a SubjectPublicKeyInfo. Unsupported algorithms are an 'unsupported-key' error. */
export function readSpki(r: DerReader, what = 'subjectPublicKeyInfo'): PublicKey | undefined {
  const spki = r.sequence(what);
  const alg = spki.sequence(`${what} algorithm`);
  const oid = alg.oid(`${what} algorithm`);
  let curve: EcCurveName | undefined;
  if (oid === Oid.rsaEncryption) {
    if (!alg.done) alg.null(`${what} parameters`);
  } else if (oid === Oid.ecPublicKey) {
    const named = alg.oid(`${what} named curve`);
    curve = curveByOid(named);
    if (!alg.failed && !curve) alg.fail('unsupported-key', `elliptic curve ${named} is not supported`);
  } else if (!alg.failed) {
    alg.fail('unsupported-key', `public key algorithm ${oid} is not supported`);
  }
  alg.end(`${what} algorithm`);
  const bits = spki.octetAlignedBits(`${what} subjectPublicKey`);
  spki.end(what);
  if (r.failed) return undefined;
  return curve ? ecPoint(curve, bits, r) : rsaFromBits(bits, r);
}

export function parseSpki(bytes: Uint8Array): PublicKey | ProtocolError {
  const el = parseDer(bytes);
  if (el instanceof ProtocolError) return el;
  const r = new DerReader([el], { error: null, protocol: 'x509' });
  const key = readSpki(r);
  return r.sink.error ?? key!;
}

export function publicKeysEqual(a: PublicKey, b: PublicKey): boolean {
  if (a.kind === 'rsa' && b.kind === 'rsa') return a.n === b.n && a.e === b.e;
  if (a.kind === 'ec' && b.kind === 'ec')
    return a.curve === b.curve && a.point.every((x, i) => x === b.point[i]);
  return false;
}

// ---------------------------------------------------------------- private keys

/** A fresh EC key from `random`: the library reduces a seed of 1.5x the order's size (FIPS 186-5 A.4.1). */
export function generateEcKey(curve: EcCurveName, random: RandomSource): EcPrivateKey {
  const lib = CURVES[curve].lib;
  const d = lib.utils.randomSecretKey(random(lib.lengths.seed!));
  return ecPrivateKey(curve, d);
}

export function ecPrivateKey(curve: EcCurveName, d: Uint8Array): EcPrivateKey {
  const point = CURVES[curve].lib.getPublicKey(d, false);
  return { kind: 'ec', curve, d, publicKey: { kind: 'ec', curve, point } };
}

export function rsaPrivateKey(n: bigint, e: bigint, d: bigint, crt?: RsaPrivateKey['crt']): RsaPrivateKey {
  return crt
    ? { kind: 'rsa', n, e, d, crt, publicKey: rsaPublicKey(n, e) }
    : { kind: 'rsa', n, e, d, publicKey: rsaPublicKey(n, e) };
}

function readRsaPrivate(el: DerElement, r: DerReader): RsaPrivateKey | undefined {
  const k = new DerReader([el], r.sink).sequence('RSAPrivateKey');
  const version = k.smallInteger('RSAPrivateKey version');
  const [n, e, d, p, q, dp, dq, qi] = ['n', 'e', 'd', 'p', 'q', 'dp', 'dq', 'qi'].map((x) =>
    k.integer(x),
  ) as bigint[];
  if (version !== 0 && !k.failed) k.fail('unsupported-key', 'multi-prime RSA keys are not supported');
  k.end('RSAPrivateKey');
  if (r.failed) return undefined;
  if (p! * q! !== n) {
    r.fail('bad-key', 'RSA private key: p * q is not n');
    return undefined;
  }
  return rsaPrivateKey(n!, e!, d!, { p: p!, q: q!, dp: dp!, dq: dq!, qi: qi! });
}

function readEcPrivate(
  el: DerElement,
  r: DerReader,
  curveHint: EcCurveName | undefined,
): EcPrivateKey | undefined {
  const k = new DerReader([el], r.sink).sequence('ECPrivateKey');
  const version = k.smallInteger('ECPrivateKey version');
  const d = k.octetString('privateKey');
  let curve = curveHint;
  const params = k.optionalContext(0);
  if (params) {
    const named = k.children(params).oid('ECPrivateKey parameters');
    curve = curveByOid(named) ?? curve;
    if (!curveByOid(named)) k.fail('unsupported-key', `elliptic curve ${named} is not supported`);
  }
  k.optionalContext(1); // the public key: recomputed from d, so not needed
  k.end('ECPrivateKey');
  if (version !== 1) k.fail('bad-key', 'ECPrivateKey version must be 1');
  if (!curve) k.fail('bad-key', 'ECPrivateKey without a named curve');
  if (r.failed) return undefined;
  const size = CURVES[curve!].size;
  if (d.length > size) {
    r.fail('bad-key', 'EC private scalar longer than the curve order');
    return undefined;
  }
  const padded = new Uint8Array(size);
  padded.set(d, size - d.length);
  if (!CURVES[curve!].lib.utils.isValidSecretKey(padded)) {
    r.fail('bad-key', 'EC private scalar out of range');
    return undefined;
  }
  return ecPrivateKey(curve!, padded);
}

/** Parses a DER private key: PKCS #8, or PKCS #1 RSA, or SEC 1 EC (tried in that order). */
export function parsePrivateKeyDer(bytes: Uint8Array): PrivateKey | ProtocolError {
  const el = parseDer(bytes);
  if (el instanceof ProtocolError) return el;
  const sink = { error: null, protocol: 'pkcs8' };
  const top = new DerReader([el], sink).sequence('private key');
  const second = top.peekAt(1);
  let key: PrivateKey | undefined;
  const r = new DerReader([], sink);
  if (second?.tagClass === 'universal' && second.tag === 16) {
    // PrivateKeyInfo: version, AlgorithmIdentifier, OCTET STRING privateKey
    top.smallInteger('PrivateKeyInfo version');
    const alg = top.sequence('privateKeyAlgorithm');
    const oid = alg.oid('privateKeyAlgorithm');
    let curve: EcCurveName | undefined;
    if (oid === Oid.ecPublicKey) {
      const named = alg.oid('named curve');
      curve = curveByOid(named);
      if (!curve) alg.fail('unsupported-key', `elliptic curve ${named} is not supported`);
    } else if (oid === Oid.rsaEncryption) {
      if (!alg.done) alg.null('parameters');
    } else if (!alg.failed) {
      alg.fail('unsupported-key', `private key algorithm ${oid} is not supported`);
    }
    const inner = top.octetString('privateKey');
    if (sink.error) return sink.error;
    const innerEl = parseDer(inner);
    if (innerEl instanceof ProtocolError) return innerEl;
    key = oid === Oid.rsaEncryption ? readRsaPrivate(innerEl, r) : readEcPrivate(innerEl, r, curve);
  } else if (second?.tagClass === 'universal' && second.tag === 2) {
    key = readRsaPrivate(el, r);
  } else {
    key = readEcPrivate(el, r, undefined);
  }
  return sink.error ?? key!;
}

/** PKCS #8 PrivateKeyInfo DER (what `openssl genpkey` writes). */
export function encodePkcs8(key: PrivateKey): Uint8Array {
  if (key.kind === 'rsa') {
    const crt = key.crt;
    if (!crt) throw new TypeError('an RSA key without its CRT values cannot be written as PKCS #8');
    const inner = der.sequence(
      der.integer(0),
      ...[key.n, key.e, key.d, crt.p, crt.q, crt.dp, crt.dq, crt.qi].map((v) => der.integer(v)),
    );
    return der.sequence(
      der.integer(0),
      der.sequence(der.oid(Oid.rsaEncryption), der.nullValue()),
      der.octetString(inner),
    );
  }
  const inner = der.sequence(
    der.integer(1),
    der.octetString(key.d),
    der.explicit(1, der.bitString(key.publicKey.point)),
  );
  return der.sequence(
    der.integer(0),
    der.sequence(der.oid(Oid.ecPublicKey), der.oid(CURVES[key.curve].oid)),
    der.octetString(inner),
  );
}

export function encodePrivateKeyPem(key: PrivateKey): string {
  return encodePem('PRIVATE KEY', encodePkcs8(key));
}

/** The first private key in PEM text (`PRIVATE KEY`, `RSA PRIVATE KEY` or `EC PRIVATE KEY`). */
export function parsePrivateKeyPem(text: string): PrivateKey | ProtocolError {
  const blocks = decodePem(text);
  if (blocks instanceof ProtocolError) return blocks;
  const block = blocks.find((b) => /^(|RSA |EC )PRIVATE KEY$/.test(b.label));
  if (!block) {
    if (blocks.some((b) => b.label === 'ENCRYPTED PRIVATE KEY')) {
      return new ProtocolError('pem', 'encrypted-pem', 'encrypted private keys are not supported');
    }
    return new ProtocolError('pem', 'no-key', 'no PRIVATE KEY block');
  }
  return parsePrivateKeyDer(block.der);
}

/** Whether a private key belongs to a public key. */
export function keyMatches(priv: PrivateKey, pub: PublicKey): boolean {
  return publicKeysEqual(priv.publicKey, pub);
}

export { bigintToBytes, bytesToBigint };
