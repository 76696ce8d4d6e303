/**
 * Signatures, as X.509 names them (AlgorithmIdentifier, RFC 5280 §4.1.1.2) and as TLS
 * uses them: RSASSA-PKCS1-v1_5 and RSASSA-PSS (RFC 8017, via micro-rsa-dsa-dh) and ECDSA
 * (FIPS 186-5 with RFC 6979 deterministic nonces, via @noble/curves), over SHA-1/2
 * (@noble/hashes). ECDSA signatures are DER `Ecdsa-Sig-Value` (RFC 5480 §2.2 / RFC 8446
 * §4.2.3). Nothing here is a hand-written primitive: this file maps names to the libraries.
 *
 * RSA-PSS signing takes its salt from the caller's random source when one is given
 * (rsa-seeded.ts: the simulator's seeded source, so the same seed gives the same
 * signature), else from the library's own CSPRNG; PKCS #1 v1.5 and ECDSA signatures are
 * deterministic.
 *
 * Left out: DSA, Ed25519, PSS with a mask hash different from the message hash.
 */
import { sha1 } from '@noble/hashes/legacy.js';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2.js';
import { mgf1, PKCS1_SHA1, PKCS1_SHA256, PKCS1_SHA384, PKCS1_SHA512, PSS } from 'micro-rsa-dsa-dh/rsa.js';
import type { DerReader } from './der.ts';
import * as der from './der-encode.ts';
import { curveLib, type PrivateKey, type PublicKey } from './keys.ts';
import { Oid } from './oid.ts';
import type { RandomSource } from './random-source.ts';
import { rsaPssSign } from './rsa-seeded.ts';

export type HashName = 'sha1' | 'sha256' | 'sha384' | 'sha512';

const HASHES = { sha1, sha256, sha384, sha512 } as const;

export function hashFunction(name: HashName): (data: Uint8Array) => Uint8Array {
  return HASHES[name];
}

export function hashLength(name: HashName): number {
  return HASHES[name].outputLen;
}

/** A signature algorithm independent of the key that uses it. */
export type SignatureAlgorithm =
  | { readonly kind: 'rsa-pkcs1'; readonly hash: HashName }
  | { readonly kind: 'rsa-pss'; readonly hash: HashName; readonly saltLength: number }
  | { readonly kind: 'ecdsa'; readonly hash: HashName };

const PKCS1 = { sha1: PKCS1_SHA1, sha256: PKCS1_SHA256, sha384: PKCS1_SHA384, sha512: PKCS1_SHA512 } as const;

const RSA_OIDS: Record<string, HashName> = {
  [Oid.sha1WithRSAEncryption]: 'sha1',
  [Oid.sha256WithRSAEncryption]: 'sha256',
  [Oid.sha384WithRSAEncryption]: 'sha384',
  [Oid.sha512WithRSAEncryption]: 'sha512',
};
const ECDSA_OIDS: Record<string, HashName> = {
  [Oid.ecdsaWithSha256]: 'sha256',
  [Oid.ecdsaWithSha384]: 'sha384',
  [Oid.ecdsaWithSha512]: 'sha512',
};
const HASH_OIDS: Record<string, HashName> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
const MGF1_OID = '1.2.840.113549.1.1.8';

/** `sha256WithRSAEncryption`, `ecdsa-with-SHA256`, `rsassaPss (sha256)`. */
export function signatureAlgorithmName(alg: SignatureAlgorithm): string {
  if (alg.kind === 'ecdsa') return `ecdsa-with-${alg.hash.toUpperCase()}`;
  if (alg.kind === 'rsa-pss') return `rsassaPss (${alg.hash})`;
  return `${alg.hash}WithRSAEncryption`;
}

/** The algorithm a CA signs with for a key: SHA-256 for RSA and P-256, matching hashes above. */
export function defaultSignatureAlgorithm(key: PrivateKey | PublicKey): SignatureAlgorithm {
  if (key.kind === 'rsa') return { kind: 'rsa-pkcs1', hash: 'sha256' };
  return {
    kind: 'ecdsa',
    hash: key.curve === 'P-256' ? 'sha256' : key.curve === 'P-384' ? 'sha384' : 'sha512',
  };
}

function oidOfHash(h: HashName): string {
  return Object.entries(HASH_OIDS).find(([, v]) => v === h)![0];
}

/** DER AlgorithmIdentifier. RSA PKCS #1 carries NULL parameters (RFC 4055 §5); ECDSA none (RFC 5758 §3.2). */
export function encodeSignatureAlgorithm(alg: SignatureAlgorithm): Uint8Array {
  switch (alg.kind) {
    case 'ecdsa':
      return der.sequence(der.oid(Object.entries(ECDSA_OIDS).find(([, v]) => v === alg.hash)![0]));
    case 'rsa-pkcs1':
      return der.sequence(
        der.oid(Object.entries(RSA_OIDS).find(([, v]) => v === alg.hash)![0]),
        der.nullValue(),
      );
    case 'rsa-pss': {
      const hashAlg = der.sequence(der.oid(oidOfHash(alg.hash)), der.nullValue());
      return der.sequence(
        der.oid(Oid.rsassaPss),
        der.sequence(
          der.explicit(0, hashAlg),
          der.explicit(1, der.sequence(der.oid(MGF1_OID), hashAlg)),
          der.explicit(2, der.integer(alg.saltLength)),
        ),
      );
    }
  }
}

/** Reads an AlgorithmIdentifier for a signature; unknown ones fail 'unsupported-signature'. */
export function readSignatureAlgorithm(r: DerReader, what: string): SignatureAlgorithm | undefined {
  const seq = r.sequence(what);
  const oid = seq.oid(what);
  if (seq.failed) return undefined;
  let alg: SignatureAlgorithm | undefined;
  if (RSA_OIDS[oid]) {
    if (!seq.done) seq.null(`${what} parameters`);
    alg = { kind: 'rsa-pkcs1', hash: RSA_OIDS[oid]! };
  } else if (ECDSA_OIDS[oid]) {
    alg = { kind: 'ecdsa', hash: ECDSA_OIDS[oid]! };
  } else if (oid === Oid.rsassaPss) {
    // RSASSA-PSS-params (RFC 4055 §3.1); the defaults (SHA-1, salt 20) are accepted too.
    const p = seq.sequence(`${what} PSS parameters`);
    let hash: HashName = 'sha1';
    let saltLength = 20;
    let mgfHash: HashName = 'sha1';
    if (p.peekContext(0)) {
      const h = p.explicit(0, 'hashAlgorithm').sequence('hashAlgorithm');
      const hOid = h.oid('hashAlgorithm');
      if (!h.done) h.null('hashAlgorithm parameters');
      hash = HASH_OIDS[hOid] ?? hash;
      if (!HASH_OIDS[hOid]) p.fail('unsupported-signature', `PSS hash ${hOid} is not supported`);
    }
    if (p.peekContext(1)) {
      const m = p.explicit(1, 'maskGenAlgorithm').sequence('maskGenAlgorithm');
      if (m.oid('maskGenAlgorithm') !== MGF1_OID)
        m.fail('unsupported-signature', 'PSS mask generation is not MGF1');
      const mh = m.sequence('MGF1 hash');
      const mhOid = mh.oid('MGF1 hash');
      if (!mh.done) mh.null('MGF1 hash parameters');
      mgfHash = HASH_OIDS[mhOid] ?? mgfHash;
    }
    if (p.peekContext(2)) saltLength = p.explicit(2, 'saltLength').smallInteger('saltLength', 1024);
    if (p.peekContext(3)) p.explicit(3, 'trailerField').smallInteger('trailerField');
    p.end(`${what} PSS parameters`);
    if (mgfHash !== hash)
      p.fail('unsupported-signature', 'PSS with a mask hash different from the message hash');
    alg = { kind: 'rsa-pss', hash, saltLength };
  } else {
    seq.fail('unsupported-signature', `signature algorithm ${oid} is not supported`);
  }
  seq.end(what);
  return r.failed ? undefined : alg;
}

/**
 * Signs `data` (the library hashes it); `random` gives RSA-PSS its salt. Throws only for a
 * key/algorithm mismatch (API misuse).
 */
export function signData(
  key: PrivateKey,
  alg: SignatureAlgorithm,
  data: Uint8Array,
  random?: RandomSource,
): Uint8Array {
  if (alg.kind === 'ecdsa') {
    if (key.kind !== 'ec') throw new TypeError('ECDSA needs an EC key');
    const digest = HASHES[alg.hash](data);
    return curveLib(key.curve).sign(digest, key.d, { prehash: false, format: 'der', lowS: true });
  }
  if (key.kind !== 'rsa') throw new TypeError('RSA signatures need an RSA key');
  const priv = { n: key.n, d: key.d };
  if (alg.kind === 'rsa-pkcs1') return PKCS1[alg.hash].sign(priv, data);
  if (random) return rsaPssSign(key, alg.hash, alg.saltLength, data, random);
  const h = HASHES[alg.hash];
  return PSS(h, mgf1(h), alg.saltLength).sign(priv, data);
}

/** Verifies a signature over `data`. Any malformed input is simply `false`. */
export function verifyData(
  key: PublicKey,
  alg: SignatureAlgorithm,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  try {
    if (alg.kind === 'ecdsa') {
      if (key.kind !== 'ec') return false;
      const digest = HASHES[alg.hash](data);
      // lowS: false because OpenSSL (and RFC 5480) allow either half of the curve order.
      return curveLib(key.curve).verify(signature, digest, key.point, {
        prehash: false,
        format: 'der',
        lowS: false,
      });
    }
    if (key.kind !== 'rsa') return false;
    const pub = { n: key.n, e: key.e };
    if (alg.kind === 'rsa-pkcs1') return PKCS1[alg.hash].verify(pub, data, signature);
    const h = HASHES[alg.hash];
    return PSS(h, mgf1(h), alg.saltLength).verify(pub, data, signature);
  } catch {
    return false;
  }
}
