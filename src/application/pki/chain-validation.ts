/**
 * Certificate chain validation (RFC 5280 §6, simplified the way browsers need it): build a
 * path from the server's certificate through the intermediates it sent to a root in the
 * trust store, then check every link at the given time:
 *
 * 1. path building: each certificate's issuer is found by name (and key identifier) among
 *    the trust store's roots first, then the certificates the peer sent;
 * 2. the signature of each certificate, with its issuer's public key;
 * 3. each validity period (notBefore <= at <= notAfter), the root's included;
 * 4. every issuer is a CA (basicConstraints cA), may sign certificates (keyUsage
 *    keyCertSign) and its pathLenConstraint allows the CAs below it;
 * 5. no critical extension netlab does not understand (§4.2);
 * 6. the leaf is meant for this purpose (extendedKeyUsage serverAuth / clientAuth) and its
 *    key usage allows TLS;
 * 7. the host name against subjectAltName (hostname.ts, RFC 6125).
 *
 * It stops at the first failure, which is one named `ChainErrorCode`, and returns every
 * check it made on the way (`steps`) for timelines and for the browser's error page.
 * A trust anchor's own signature is not checked (RFC 5280 §6.1: its key is trusted as
 * given). A leaf that is itself in the trust store is trusted directly (pinning).
 *
 * Left out: revocation (CRL, OCSP), name constraints, policies, and AIA fetching of
 * missing intermediates.
 */
import { type Certificate, formatSerial } from './certificate.ts';
import { bytesEqual } from '../../bytes/equal.ts';
import { formatIsoTime, type UnixTime } from './der-time.ts';
import { KNOWN_EXTENSIONS } from './extensions.ts';
import { certificateMatchesHost, certificateNames } from './hostname.ts';
import { describeKey } from './keys.ts';
import { formatName, namesMatch } from './name.ts';
import { Oid } from './oid.ts';
import { signatureAlgorithmName, verifyData } from './signature.ts';
import type { TrustStore } from './trust-store.ts';

export type ChainErrorCode =
  /** No certificate at all was presented. */
  | 'empty-chain'
  /** The chain leads to a CA that is not in the trust store. */
  | 'unknown-ca'
  /** A self-signed certificate (the leaf or the top of the chain) that is not trusted. */
  | 'self-signed-untrusted'
  /** More certificates in the path than `maxDepth`. */
  | 'chain-too-long'
  /** A signature does not verify with the issuer's key. */
  | 'bad-signature'
  /** A signature algorithm netlab does not accept (SHA-1) or cannot check. */
  | 'unsupported-algorithm'
  /** A key too weak to trust (RSA below `minRsaBits`). */
  | 'weak-key'
  /** The current time is after notAfter. */
  | 'expired'
  /** The current time is before notBefore. */
  | 'not-yet-valid'
  /** A certificate that signed another one is not a CA (basicConstraints). */
  | 'not-a-ca'
  /** More CAs below an issuer than its pathLenConstraint allows. */
  | 'path-too-long'
  /** keyUsage forbids what the certificate was used for (keyCertSign, digitalSignature). */
  | 'bad-key-usage'
  /** extendedKeyUsage does not include serverAuth (or clientAuth). */
  | 'bad-extended-key-usage'
  /** A critical extension netlab does not understand. */
  | 'unhandled-critical-extension'
  /** The certificate does not name the host the client wanted. */
  | 'hostname-mismatch';

export type ValidationCheck =
  | 'issuer'
  | 'trust-anchor'
  | 'signature'
  | 'key-strength'
  | 'validity'
  | 'ca'
  | 'path-length'
  | 'key-usage'
  | 'critical-extensions'
  | 'purpose'
  | 'hostname';

export interface ValidationStep {
  readonly check: ValidationCheck;
  /** 0 is the leaf, 1 its issuer, and so on. */
  readonly depth: number;
  readonly subject: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface ChainError {
  readonly code: ChainErrorCode;
  readonly message: string;
  readonly depth: number;
}

export interface ChainValidation {
  readonly ok: boolean;
  readonly error?: ChainError;
  /** The path built, leaf first, trust anchor last (as far as it got). */
  readonly path: readonly Certificate[];
  readonly steps: readonly ValidationStep[];
}

export type CertificatePurpose = 'server' | 'client';

export interface ValidateOptions {
  /** What the peer sent, leaf first. */
  readonly chain: readonly Certificate[];
  readonly trustStore: TrustStore;
  /** The time to check validity at (the simulator's wall clock, or the host's). */
  readonly at: UnixTime;
  /** The DNS name or IP address the client meant to reach; no host check when absent. */
  readonly hostname?: string;
  /** Default 'server'. */
  readonly purpose?: CertificatePurpose;
  /** Longest path accepted, anchor included. Default 8. */
  readonly maxDepth?: number;
  /** Smallest RSA key accepted. Default 2048 (browsers' and Debian OpenSSL's level 2). */
  readonly minRsaBits?: number;
}

/** The TLS alert each failure is reported with (OpenSSL's ssl_x509err2alert table). */
export const CHAIN_ERROR_ALERTS: Record<ChainErrorCode, string> = {
  'empty-chain': 'bad_certificate',
  'unknown-ca': 'unknown_ca',
  'self-signed-untrusted': 'unknown_ca',
  'chain-too-long': 'unknown_ca',
  'bad-signature': 'decrypt_error',
  'unsupported-algorithm': 'bad_certificate',
  'weak-key': 'bad_certificate',
  expired: 'certificate_expired',
  'not-yet-valid': 'bad_certificate',
  'not-a-ca': 'unknown_ca',
  'path-too-long': 'bad_certificate',
  'bad-key-usage': 'bad_certificate',
  'bad-extended-key-usage': 'unsupported_certificate',
  'unhandled-critical-extension': 'unsupported_certificate',
  'hostname-mismatch': 'bad_certificate',
};

function isSelfIssued(c: Certificate): boolean {
  return namesMatch(c.subject, c.issuer);
}

function signedBy(cert: Certificate, issuer: Certificate): boolean {
  return verifyData(issuer.publicKey, cert.signatureAlgorithm, cert.tbs, cert.signature);
}

function keyIdsAgree(cert: Certificate, issuer: Certificate): boolean {
  return !(
    cert.authorityKeyId &&
    issuer.subjectKeyId &&
    !bytesEqual(cert.authorityKeyId, issuer.subjectKeyId)
  );
}

export function validateChain(options: ValidateOptions): ChainValidation {
  const steps: ValidationStep[] = [];
  const path: Certificate[] = [];
  const maxDepth = options.maxDepth ?? 8;
  const minRsaBits = options.minRsaBits ?? 2048;
  const purpose = options.purpose ?? 'server';
  const store = options.trustStore;

  const step = (check: ValidationCheck, depth: number, ok: boolean, detail: string): void => {
    steps.push({
      check,
      depth,
      subject: formatName(path[depth]?.subject ?? options.chain[0]!.subject),
      ok,
      detail,
    });
  };
  const fail = (code: ChainErrorCode, depth: number, message: string): ChainValidation => ({
    ok: false,
    error: { code, message, depth },
    path,
    steps,
  });

  const leaf = options.chain[0];
  if (!leaf)
    return { ok: false, error: { code: 'empty-chain', message: 'no certificate', depth: 0 }, path, steps };

  // 1. Build the path.
  path.push(leaf);
  let anchored = false;
  for (;;) {
    const cur = path[path.length - 1]!;
    const depth = path.length - 1;
    if (store.contains(cur)) {
      step('trust-anchor', depth, true, `${formatName(cur.subject)} is in the trust store "${store.name}"`);
      anchored = true;
      break;
    }
    if (path.length >= maxDepth) {
      step('issuer', depth, false, `more than ${maxDepth} certificates`);
      return fail('chain-too-long', depth, `the chain is longer than ${maxDepth} certificates`);
    }
    const roots = store.issuersOf(cur);
    const root = roots.find((r) => signedBy(cur, r)) ?? roots[0];
    if (root) {
      step('issuer', depth, true, `issued by ${formatName(root.subject)}, a trusted root`);
      path.push(root);
      continue;
    }
    const sent = options.chain.find(
      (c) =>
        !path.includes(c) &&
        namesMatch(c.subject, cur.issuer) &&
        keyIdsAgree(cur, c) &&
        !bytesEqual(c.der, cur.der),
    );
    if (sent) {
      step('issuer', depth, true, `issued by ${formatName(sent.subject)} (sent by the peer)`);
      path.push(sent);
      continue;
    }
    if (isSelfIssued(cur) && signedBy(cur, cur)) {
      step(
        'trust-anchor',
        depth,
        false,
        `${formatName(cur.subject)} is self-signed and not in "${store.name}"`,
      );
      return fail(
        'self-signed-untrusted',
        depth,
        `${depth === 0 ? 'self-signed certificate' : 'self-signed certificate in certificate chain'}: ${formatName(cur.subject)}`,
      );
    }
    step(
      'issuer',
      depth,
      false,
      `issuer ${formatName(cur.issuer)} is not in "${store.name}" and was not sent`,
    );
    return fail('unknown-ca', depth, `unable to get local issuer certificate: ${formatName(cur.issuer)}`);
  }
  if (!anchored) return fail('unknown-ca', path.length - 1, 'no trust anchor');
  const top = path.length - 1;

  // 2. Signatures and key strength, leaf upwards (the anchor's own signature is not checked).
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c.publicKey.kind === 'rsa' && c.publicKey.bits < minRsaBits) {
      step('key-strength', i, false, `${describeKey(c.publicKey)} is below ${minRsaBits} bits`);
      return fail('weak-key', i, `${describeKey(c.publicKey)} key is too small (minimum ${minRsaBits})`);
    }
    if (i === top) break;
    const alg = signatureAlgorithmName(c.signatureAlgorithm);
    if (c.signatureAlgorithm.hash === 'sha1') {
      step('signature', i, false, `${alg} is too weak`);
      return fail('unsupported-algorithm', i, `signature algorithm ${alg} is not accepted`);
    }
    const ok = signedBy(c, path[i + 1]!);
    step('signature', i, ok, `${alg} by ${formatName(path[i + 1]!.subject)}: ${ok ? 'valid' : 'INVALID'}`);
    if (!ok) return fail('bad-signature', i, `certificate signature failure: ${formatName(c.subject)}`);
  }

  // 3. Validity periods.
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    const range = `${formatIsoTime(c.notBefore)} .. ${formatIsoTime(c.notAfter)}`;
    if (options.at < c.notBefore) {
      step(
        'validity',
        i,
        false,
        `not valid before ${formatIsoTime(c.notBefore)} (now ${formatIsoTime(options.at)})`,
      );
      return fail('not-yet-valid', i, `certificate is not yet valid: ${formatName(c.subject)}`);
    }
    if (options.at > c.notAfter) {
      step('validity', i, false, `expired ${formatIsoTime(c.notAfter)} (now ${formatIsoTime(options.at)})`);
      return fail('expired', i, `certificate has expired: ${formatName(c.subject)}`);
    }
    step('validity', i, true, range);
  }

  // 4. Every issuer is a CA allowed to sign, within its path length.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    const bc = c.basicConstraints;
    const legacyAnchor = i === top && c.version === 1;
    if (!bc?.ca && !legacyAnchor) {
      step('ca', i, false, 'basicConstraints does not say CA:TRUE');
      return fail('not-a-ca', i, `invalid CA certificate: ${formatName(c.subject)} is not a CA`);
    }
    step('ca', i, true, legacyAnchor ? 'v1 trust anchor' : 'CA:TRUE');
    if (c.keyUsage && !c.keyUsage.includes('keyCertSign')) {
      step('key-usage', i, false, `keyUsage ${c.keyUsage.join(', ')} lacks keyCertSign`);
      return fail('bad-key-usage', i, `${formatName(c.subject)} may not sign certificates (keyUsage)`);
    }
    // CAs between this one and the leaf, not counting self-issued ones (RFC 5280 §6.1.4 (l)).
    const below = path.slice(1, i).filter((x) => !isSelfIssued(x)).length;
    if (bc?.pathLength !== undefined) {
      const ok = below <= bc.pathLength;
      step('path-length', i, ok, `pathlen:${bc.pathLength}, ${below} CA certificate(s) below`);
      if (!ok) return fail('path-too-long', i, `path length constraint exceeded at ${formatName(c.subject)}`);
    }
  }

  // 5. Critical extensions.
  for (let i = 0; i < path.length; i++) {
    const unknown = path[i]!.extensions.filter((e) => e.critical && !KNOWN_EXTENSIONS.has(e.oid));
    if (unknown.length) {
      step(
        'critical-extensions',
        i,
        false,
        `unhandled critical extension ${unknown.map((e) => e.oid).join(', ')}`,
      );
      return fail(
        'unhandled-critical-extension',
        i,
        `unhandled critical extension in ${formatName(path[i]!.subject)}`,
      );
    }
  }

  // 6. The leaf's purpose.
  const want = purpose === 'server' ? Oid.serverAuth : Oid.clientAuth;
  if (
    leaf.extKeyUsage &&
    !leaf.extKeyUsage.includes(want) &&
    !leaf.extKeyUsage.includes(Oid.anyExtendedKeyUsage)
  ) {
    step('purpose', 0, false, `extendedKeyUsage lacks ${purpose === 'server' ? 'serverAuth' : 'clientAuth'}`);
    return fail('bad-extended-key-usage', 0, `unsupported certificate purpose (${purpose})`);
  }
  if (
    leaf.keyUsage &&
    !leaf.keyUsage.some((u) => u === 'digitalSignature' || u === 'keyEncipherment' || u === 'keyAgreement')
  ) {
    step('key-usage', 0, false, `keyUsage ${leaf.keyUsage.join(', ')} allows no TLS use`);
    return fail('bad-key-usage', 0, 'the leaf key usage does not allow TLS');
  }
  step('purpose', 0, true, `${purpose === 'server' ? 'TLS Web Server' : 'TLS Web Client'} Authentication`);

  // 7. The host name.
  if (options.hostname !== undefined) {
    const ok = certificateMatchesHost(leaf, options.hostname);
    const names = certificateNames(leaf);
    step(
      'hostname',
      0,
      ok,
      `${options.hostname} ${ok ? 'matches' : 'is not in'} ${names.join(', ') || '(no subjectAltName)'}`,
    );
    if (!ok)
      return fail(
        'hostname-mismatch',
        0,
        `hostname mismatch: ${options.hostname} is not in ${names.join(', ')}`,
      );
  }
  return { ok: true, path, steps };
}

/** One line per certificate of a path, for error pages and tools: `0 s:CN = a / i:CN = b`. */
export function describePath(path: readonly Certificate[]): string[] {
  return path.map(
    (c, i) =>
      `${i} s:${formatName(c.subject)} i:${formatName(c.issuer)} serial ${formatSerial(c.serialNumber)}`,
  );
}
