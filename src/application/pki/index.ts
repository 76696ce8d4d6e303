/**
 * netlab's PKI: DER, X.509 v3 certificates, PKCS #10 requests, PKCS #8 keys, PEM, a
 * certificate authority, trust stores and chain validation. What is and is not
 * implemented is stated at the top of each file.
 */
export {
  type ChainError,
  type ChainErrorCode,
  type ChainValidation,
  CHAIN_ERROR_ALERTS,
  type CertificatePurpose,
  describePath,
  type ValidateOptions,
  type ValidationCheck,
  type ValidationStep,
  validateChain,
} from './chain-validation.ts';
export {
  type CaContext,
  type CaSetup,
  CertificateAuthority,
  type CertificateUsage,
  type IssuedCertificate,
  type IssueOptions,
  type Refusal,
  type RefusalReason,
  summarizeCertificate,
  type Validity,
} from './certificate-authority.ts';
export {
  type Certificate,
  CERTIFICATE_MAX_BYTES,
  type CertificateTemplate,
  certificateToPem,
  encodeTbsCertificate,
  fingerprintSha256,
  formatSerial,
  parseCertificate,
  parseCertificatesPem,
  signCertificate,
} from './certificate.ts';
export {
  type CertificationRequest,
  certificationRequestToPem,
  createCertificationRequest,
  namesToGeneralNames,
  parseCertificationRequest,
  parseCertificationRequestPem,
  type SiteInfo,
  verifyCertificationRequest,
} from './certification-request.ts';
export {
  DAY,
  DEFAULT_SIM_EPOCH,
  formatIsoTime,
  formatOpensslTime,
  type UnixTime,
  wallClockOf,
} from './der-time.ts';
export { type DerElement, type DerLimits, DerReader, parseDer, Tag } from './der.ts';
export type { BasicConstraints, Extension, GeneralName, KeyUsage } from './extensions.ts';
export { certificateMatchesHost, certificateNames, dnsNameMatches, normalizeHostname } from './hostname.ts';
export { bytesToIp, ipToBytes } from './ip-address-bytes.ts';
export {
  describeKey,
  type EcCurveName,
  type EcPrivateKey,
  type EcPublicKey,
  encodePkcs8,
  encodePrivateKeyPem,
  encodeSpki,
  generateEcKey,
  keyMatches,
  parsePrivateKeyDer,
  parsePrivateKeyPem,
  parseSpki,
  type PrivateKey,
  type PublicKey,
  type RsaPrivateKey,
  type RsaPublicKey,
} from './keys.ts';
export {
  buildName,
  commonNameOf,
  formatName,
  formatNameRfc4514,
  type Name,
  type NameFields,
  namesMatch,
} from './name.ts';
export { Oid, oidName } from './oid.ts';
export { decodePem, encodePem, type PemBlock } from './pem.ts';
export { type RandomSource, scriptedRandomSource, seededRandomSource } from './random-source.ts';
export { sampleRsaKey } from './sample-rsa-keys.ts';
export { type HashName, type SignatureAlgorithm, signData, verifyData } from './signature.ts';
export type { CertificateSummary, TraceTarget } from './trace-events.ts';
export { TrustStore } from './trust-store.ts';
export { type SiteCredentials, type SiteOptions, WebPki } from './web-pki.ts';
