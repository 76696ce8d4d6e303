/**
 * Certification requests: what a site sends a CA to get a certificate — its name, the
 * names it wants certified and its public key, signed with the matching private key to
 * prove it holds it. Encoded as PKCS #10 (RFC 2986), with the wanted names in a PKCS #9
 * extensionRequest attribute (RFC 2985 §5.4.2) the way `openssl req -addext` writes them.
 *
 * Left out: challengePassword and other attributes (skipped when parsed).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { DerReader, parseDer } from './der.ts';
import * as der from './der-encode.ts';
import { encodeSubjectAltName, type Extension, type GeneralName, parseSubjectAltName } from './extensions.ts';
import { ipToBytes } from './ip-address-bytes.ts';
import { encodeSpki, type PrivateKey, type PublicKey, readSpki } from './keys.ts';
import { asName, type Name, type NameFields, readName } from './name.ts';
import { Oid } from './oid.ts';
import { decodePem, encodePem } from './pem.ts';
import {
  defaultSignatureAlgorithm,
  encodeSignatureAlgorithm,
  readSignatureAlgorithm,
  type SignatureAlgorithm,
  signData,
  verifyData,
} from './signature.ts';

export interface CertificationRequest {
  readonly der: Uint8Array;
  /** The CertificationRequestInfo bytes the signature covers. */
  readonly info: Uint8Array;
  readonly subject: Name;
  readonly publicKey: PublicKey;
  /** Extensions asked for (extensionRequest); the CA decides what it actually writes. */
  readonly requestedExtensions: readonly Extension[];
  readonly subjectAltNames: readonly GeneralName[];
  readonly signatureAlgorithm: SignatureAlgorithm;
  readonly signature: Uint8Array;
}

/** The site's side of the request: who it is and which names it serves. */
export interface SiteInfo {
  readonly subject: NameFields | Name;
  /** DNS names (wildcards allowed in the left-most label) and IP addresses. */
  readonly names: readonly string[];
}

/** DNS names and IP addresses as GeneralNames (text that parses as an IP becomes iPAddress). */
export function namesToGeneralNames(names: readonly string[]): GeneralName[] {
  return names.map((n) => {
    const ip = ipToBytes(n);
    return ip ? { kind: 'ip', bytes: ip, text: n } : { kind: 'dns', name: n.toLowerCase() };
  });
}

/** Builds and signs a PKCS #10 request with the site's key (the proof of possession). */
export function createCertificationRequest(site: SiteInfo, key: PrivateKey): CertificationRequest {
  const subject = asName(site.subject);
  const sans = namesToGeneralNames(site.names);
  const attrs: Uint8Array[] = [];
  if (sans.length) {
    const ext = der.sequence(der.oid(Oid.subjectAltName), der.octetString(encodeSubjectAltName(sans)));
    attrs.push(der.sequence(der.oid(Oid.extensionRequest), der.setOf(der.sequence(ext))));
  }
  const info = der.sequence(
    der.integer(0),
    subject.der,
    encodeSpki(key.publicKey),
    der.contextConstructed(0, ...attrs),
  );
  const alg = defaultSignatureAlgorithm(key);
  const bytes = der.sequence(info, encodeSignatureAlgorithm(alg), der.bitString(signData(key, alg, info)));
  const parsed = parseCertificationRequest(bytes);
  if (parsed instanceof ProtocolError) throw new Error(`built an unparsable request: ${parsed}`);
  return parsed;
}

export function parseCertificationRequest(bytes: Uint8Array): CertificationRequest | ProtocolError {
  const top = parseDer(bytes);
  if (top instanceof ProtocolError) return top;
  const csr = DerReader.of(top, 'pkcs10', 'CertificationRequest');
  const infoEl = csr.peek();
  const info = csr.sequence('certificationRequestInfo');
  const version = info.smallInteger('version');
  if (version !== 0) info.fail('bad-request', `version ${version}, expected 0 (v1)`);
  const subject = readName(info, 'subject');
  const publicKey = readSpki(info);
  const requestedExtensions: Extension[] = [];
  const attrsEl = info.optionalContext(0);
  if (!attrsEl && !info.failed) info.fail('bad-request', 'attributes [0] missing');
  if (attrsEl) {
    const attrs = info.children(attrsEl);
    while (!attrs.done && !attrs.failed) {
      const a = attrs.sequence('Attribute');
      const type = a.oid('attribute type');
      const values = a.set('attribute values');
      if (type === Oid.extensionRequest) {
        const exts = values.sequence('Extensions');
        while (!exts.done && !exts.failed) {
          const e = exts.sequence('Extension');
          const oid = e.oid('extnID');
          const first = e.peek();
          const critical = first?.tagClass === 'universal' && first.tag === 1 ? e.boolean('critical') : false;
          requestedExtensions.push({ oid, critical, value: e.octetString('extnValue') });
          e.end('Extension');
        }
      }
    }
  }
  info.end('certificationRequestInfo');
  const signatureAlgorithm = readSignatureAlgorithm(csr, 'signatureAlgorithm');
  const signature = csr.octetAlignedBits('signature');
  csr.end('CertificationRequest');
  if (csr.sink.error) return csr.sink.error;
  const sanExt = requestedExtensions.find((e) => e.oid === Oid.subjectAltName);
  const sans = sanExt ? parseSubjectAltName(sanExt.value) : [];
  if (sans instanceof ProtocolError) return sans;
  return {
    der: bytes,
    info: infoEl!.der,
    subject,
    publicKey: publicKey!,
    requestedExtensions,
    subjectAltNames: sans,
    signatureAlgorithm: signatureAlgorithm!,
    signature,
  };
}

/** Whether the request is signed by the key it carries (the requester holds the private key). */
export function verifyCertificationRequest(csr: CertificationRequest): boolean {
  return verifyData(csr.publicKey, csr.signatureAlgorithm, csr.info, csr.signature);
}

export function certificationRequestToPem(csr: CertificationRequest): string {
  return encodePem('CERTIFICATE REQUEST', csr.der);
}

export function parseCertificationRequestPem(text: string): CertificationRequest | ProtocolError {
  const blocks = decodePem(text);
  if (blocks instanceof ProtocolError) return blocks;
  const b = blocks.find((x) => x.label === 'CERTIFICATE REQUEST' || x.label === 'NEW CERTIFICATE REQUEST');
  if (!b) return new ProtocolError('pem', 'no-request', 'no CERTIFICATE REQUEST block');
  return parseCertificationRequest(b.der);
}
