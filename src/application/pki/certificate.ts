/**
 * X.509 v3 certificates (RFC 5280 §4.1): parse any DER certificate openssl or a CA makes,
 * and build and sign new ones. A parsed `Certificate` keeps its exact DER and the bytes of
 * its TBSCertificate (what the issuer signed), with the extensions netlab checks decoded.
 *
 * Limits: a certificate is at most `CERTIFICATE_MAX_BYTES`; at most `MAX_EXTENSIONS`
 * extensions; a repeated extension is an error (RFC 5280 §4.2).
 *
 * Left out: v1/v2 unique identifiers are skipped, not kept; name constraints, policies,
 * CRL/OCSP pointers are kept raw (a critical one makes validation fail).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { toHex } from '../../bytes/hex.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { DerReader, parseDer } from './der.ts';
import * as der from './der-encode.ts';
import type { UnixTime } from './der-time.ts';
import {
  type BasicConstraints,
  encodeAuthorityKeyId,
  encodeBasicConstraints,
  encodeExtKeyUsage,
  encodeKeyUsage,
  encodeSubjectAltName,
  encodeSubjectKeyId,
  type Extension,
  type GeneralName,
  type KeyUsage,
  parseAuthorityKeyId,
  parseBasicConstraints,
  parseExtKeyUsage,
  parseKeyUsage,
  parseSubjectAltName,
  parseSubjectKeyId,
} from './extensions.ts';
import { encodeSpki, type PrivateKey, type PublicKey, readSpki } from './keys.ts';
import { type Name, readName } from './name.ts';
import { Oid } from './oid.ts';
import { decodePem, encodePem } from './pem.ts';
import {
  encodeSignatureAlgorithm,
  readSignatureAlgorithm,
  type SignatureAlgorithm,
  signData,
} from './signature.ts';

export const CERTIFICATE_MAX_BYTES = 64 * 1024;
export const MAX_EXTENSIONS = 64;

export interface Certificate {
  /** The whole certificate, exactly as parsed or built. */
  readonly der: Uint8Array;
  /** The TBSCertificate bytes: what the issuer's signature covers. */
  readonly tbs: Uint8Array;
  readonly version: 1 | 2 | 3;
  readonly serialNumber: bigint;
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: UnixTime;
  readonly notAfter: UnixTime;
  readonly publicKey: PublicKey;
  readonly extensions: readonly Extension[];
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: readonly KeyUsage[];
  /** Extended key usage OIDs (`Oid.serverAuth`...). */
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltNames?: readonly GeneralName[];
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
}

function x509Error(code: string, message: string, offset?: number): ProtocolError {
  return new ProtocolError('x509', code, message, offset);
}

/** Parses a DER certificate. */
export function parseCertificate(bytes: Uint8Array): Certificate | ProtocolError {
  if (bytes.length > CERTIFICATE_MAX_BYTES) {
    return x509Error('too-large', `certificate of ${bytes.length} bytes (limit ${CERTIFICATE_MAX_BYTES})`);
  }
  const top = parseDer(bytes);
  if (top instanceof ProtocolError) return top;
  const cert = DerReader.of(top, 'x509', 'Certificate');
  const tbsEl = cert.peek();
  const tbs = cert.sequence('tbsCertificate');
  let version: 1 | 2 | 3 = 1;
  if (tbs.peekContext(0)) {
    const v = tbs.explicit(0, 'version').smallInteger('version', 2);
    version = (v + 1) as 1 | 2 | 3;
  }
  const serialNumber = tbs.integer('serialNumber');
  const innerAlg = tbs.peek();
  readSignatureAlgorithm(tbs, 'signature');
  const issuer = readName(tbs, 'issuer');
  const validity = tbs.sequence('validity');
  const notBefore = validity.time('notBefore');
  const notAfter = validity.time('notAfter');
  validity.end('validity');
  const subject = readName(tbs, 'subject');
  const publicKey = readSpki(tbs);
  tbs.optionalContext(1);
  tbs.optionalContext(2);
  const extensions: Extension[] = [];
  if (tbs.peekContext(3)) {
    if (version !== 3) tbs.fail('bad-certificate', 'extensions in a certificate that is not v3');
    const list = tbs.explicit(3, 'extensions').sequence('extensions');
    while (!list.done && !list.failed) {
      const ext = list.sequence('Extension');
      const oid = ext.oid('extnID');
      const first = ext.peek();
      const critical = first?.tagClass === 'universal' && first.tag === 1 ? ext.boolean('critical') : false;
      const value = ext.octetString('extnValue');
      ext.end('Extension');
      if (extensions.some((e) => e.oid === oid))
        list.fail('duplicate-extension', `extension ${oid} appears twice`);
      if (extensions.length >= MAX_EXTENSIONS)
        list.fail('too-many-extensions', `more than ${MAX_EXTENSIONS}`);
      extensions.push({ oid, critical, value });
    }
  }
  tbs.end('tbsCertificate');
  const outerAlgEl = cert.peek();
  const signatureAlgorithm = readSignatureAlgorithm(cert, 'signatureAlgorithm');
  const signature = cert.octetAlignedBits('signatureValue');
  cert.end('Certificate');
  if (cert.sink.error) return cert.sink.error;
  // RFC 5280 §4.1.1.2: the outer algorithm MUST equal the signed one.
  if (!innerAlg || !outerAlgEl || toHex(innerAlg.der) !== toHex(outerAlgEl.der)) {
    return x509Error('algorithm-mismatch', 'signatureAlgorithm differs from tbsCertificate.signature');
  }
  const base = {
    der: bytes,
    tbs: tbsEl!.der,
    version,
    serialNumber,
    signatureAlgorithm: signatureAlgorithm!,
    signature,
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey: publicKey!,
    extensions,
  };
  const decoded: DecodedExtensions = {};
  for (const ext of extensions) {
    const problem = decodeExtension(ext, decoded);
    if (problem) return problem;
  }
  return { ...base, ...decoded };
}

interface DecodedExtensions {
  basicConstraints?: BasicConstraints;
  keyUsage?: KeyUsage[];
  extKeyUsage?: string[];
  subjectAltNames?: GeneralName[];
  subjectKeyId?: Uint8Array;
  authorityKeyId?: Uint8Array;
}

/** A decoder that writes one extension's value into its field of `DecodedExtensions`. */
type ExtensionDecoder = (value: Uint8Array, out: DecodedExtensions) => ProtocolError | undefined;

/** The decoder for field `key`: a parse error is returned, an absent value leaves the field out. */
function into<K extends keyof DecodedExtensions>(
  key: K,
  parse: (value: Uint8Array) => DecodedExtensions[K] | ProtocolError,
): ExtensionDecoder {
  return (value, out) => {
    const v = parse(value);
    if (v instanceof ProtocolError) return v;
    if (v !== undefined) out[key] = v;
    return undefined;
  };
}

/** The extensions netlab understands (RFC 5280 §4.2.1), by OID; the others are kept only raw. */
const DECODERS: ReadonlyMap<string, ExtensionDecoder> = new Map([
  [Oid.basicConstraints, into('basicConstraints', parseBasicConstraints)],
  [Oid.keyUsage, into('keyUsage', parseKeyUsage)],
  [Oid.extKeyUsage, into('extKeyUsage', parseExtKeyUsage)],
  [Oid.subjectAltName, into('subjectAltNames', parseSubjectAltName)],
  [Oid.subjectKeyIdentifier, into('subjectKeyId', parseSubjectKeyId)],
  [Oid.authorityKeyIdentifier, into('authorityKeyId', parseAuthorityKeyId)],
]);

/** Decodes one extension netlab understands into `out`; returns its error, if any. */
function decodeExtension(ext: Extension, out: DecodedExtensions): ProtocolError | undefined {
  return DECODERS.get(ext.oid)?.(ext.value, out);
}

/** Every CERTIFICATE block of PEM text, in order (a chain file: leaf first). */
export function parseCertificatesPem(text: string): Certificate[] | ProtocolError {
  const blocks = decodePem(text);
  if (blocks instanceof ProtocolError) return blocks;
  const out: Certificate[] = [];
  for (const b of blocks) {
    if (b.label !== 'CERTIFICATE') continue;
    const c = parseCertificate(b.der);
    if (c instanceof ProtocolError) return c;
    out.push(c);
  }
  if (out.length === 0) return new ProtocolError('pem', 'no-certificate', 'no CERTIFICATE block');
  return out;
}

export function certificateToPem(cert: Certificate): string {
  return encodePem('CERTIFICATE', cert.der);
}

/** SHA-256 over the DER, `AB:CD:...` as `openssl x509 -fingerprint -sha256` prints it. */
export function fingerprintSha256(cert: Certificate): string {
  return Array.from(sha256(cert.der), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** The serial number as openssl prints short ones: lower-case hex, colon separated. */
export function formatSerial(serial: bigint): string {
  let hex = (serial < 0n ? -serial : serial).toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return (serial < 0n ? '-' : '') + hex.match(/../g)!.join(':');
}

// ---------------------------------------------------------------- building

export interface CertificateTemplate {
  readonly serialNumber: bigint;
  readonly issuer: Name;
  readonly subject: Name;
  readonly notBefore: UnixTime;
  readonly notAfter: UnixTime;
  readonly publicKey: PublicKey;
  readonly basicConstraints?: BasicConstraints;
  readonly keyUsage?: readonly KeyUsage[];
  readonly extKeyUsage?: readonly string[];
  readonly subjectAltNames?: readonly GeneralName[];
  readonly subjectKeyId?: Uint8Array;
  readonly authorityKeyId?: Uint8Array;
  /** Extra extensions, written after the ones above. */
  readonly extraExtensions?: readonly Extension[];
}

/**
 * The extensions of a template in the order OpenSSL's `x509v3_config` writes them, with
 * RFC 5280's criticality: basicConstraints critical in CA certificates (§4.2.1.9), keyUsage
 * critical (§4.2.1.3 SHOULD), subjectAltName critical only when the subject is empty.
 */
function templateExtensions(t: CertificateTemplate): Extension[] {
  const out: Extension[] = [];
  if (t.basicConstraints) {
    out.push({
      oid: Oid.basicConstraints,
      critical: true,
      value: encodeBasicConstraints(t.basicConstraints),
    });
  }
  if (t.keyUsage?.length) out.push({ oid: Oid.keyUsage, critical: true, value: encodeKeyUsage(t.keyUsage) });
  if (t.extKeyUsage?.length) {
    out.push({ oid: Oid.extKeyUsage, critical: false, value: encodeExtKeyUsage(t.extKeyUsage) });
  }
  if (t.subjectKeyId) {
    out.push({ oid: Oid.subjectKeyIdentifier, critical: false, value: encodeSubjectKeyId(t.subjectKeyId) });
  }
  if (t.authorityKeyId) {
    out.push({
      oid: Oid.authorityKeyIdentifier,
      critical: false,
      value: encodeAuthorityKeyId(t.authorityKeyId),
    });
  }
  if (t.subjectAltNames?.length) {
    out.push({
      oid: Oid.subjectAltName,
      critical: t.subject.rdns.length === 0,
      value: encodeSubjectAltName(t.subjectAltNames),
    });
  }
  out.push(...(t.extraExtensions ?? []));
  return out;
}

/** The DER TBSCertificate of a template. */
export function encodeTbsCertificate(t: CertificateTemplate, alg: SignatureAlgorithm): Uint8Array {
  const exts = templateExtensions(t);
  return der.sequence(
    der.explicit(0, der.integer(2)),
    der.integer(t.serialNumber),
    encodeSignatureAlgorithm(alg),
    t.issuer.der,
    der.sequence(der.time(t.notBefore), der.time(t.notAfter)),
    t.subject.der,
    encodeSpki(t.publicKey),
    ...(exts.length
      ? [
          der.explicit(
            3,
            der.sequence(
              ...exts.map((e) =>
                der.sequence(
                  der.oid(e.oid),
                  ...(e.critical ? [der.boolean(true)] : []),
                  der.octetString(e.value),
                ),
              ),
            ),
          ),
        ]
      : []),
  );
}

/** Signs a template with the issuer's key and returns the parsed result. */
export function signCertificate(
  t: CertificateTemplate,
  issuerKey: PrivateKey,
  alg: SignatureAlgorithm,
): Certificate {
  const tbs = encodeTbsCertificate(t, alg);
  const signature = signData(issuerKey, alg, tbs);
  const bytes = der.sequence(tbs, encodeSignatureAlgorithm(alg), der.bitString(signature));
  const cert = parseCertificate(bytes);
  if (cert instanceof ProtocolError) throw new Error(`built an unparsable certificate: ${cert}`);
  return cert;
}
