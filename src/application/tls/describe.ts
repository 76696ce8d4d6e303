/**
 * Handshake messages in words: what a timeline annotates each message with (versions,
 * randoms, suites offered and chosen, groups and key shares, certificate chains, signature
 * schemes). Pure functions of parsed messages; only called when `describe` is on.
 */
import { toHex } from '../../bytes/hex.ts';
import { summarizeCertificate } from '../pki/certificate-authority.ts';
import type { Certificate } from '../pki/certificate.ts';
import { suiteName } from './cipher-suites.ts';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  ExtensionType,
  extensionName,
  groupName,
  signatureSchemeName,
  versionName,
} from './code-points.ts';
import type { HandshakeDetails } from './events.ts';
import {
  findExtension,
  parseAlpn,
  parseClientKeyShares,
  parseClientVersions,
  parseServerKeyShare,
  parseServerName,
  parseServerVersion,
  parseSignatureAlgorithms,
  parseSupportedGroups,
  type RawExtension,
} from './extensions.ts';
import type { ClientHello, ServerHello } from './hello.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';

function ok<T>(v: T | ProtocolError | undefined): T | undefined {
  return v === undefined || v instanceof ProtocolError ? undefined : v;
}

function ext<T>(
  list: readonly RawExtension[],
  type: number,
  parse: (d: Uint8Array) => T | ProtocolError,
): T | undefined {
  const d = findExtension(list, type);
  return d === undefined ? undefined : ok(parse(d));
}

export function describeClientHello(ch: ClientHello): HandshakeDetails {
  const versions = ext(ch.extensions, ExtensionType.SupportedVersions, parseClientVersions);
  const serverName = ext(ch.extensions, ExtensionType.ServerName, parseServerName);
  const alpn = ext(ch.extensions, ExtensionType.Alpn, parseAlpn);
  return {
    type: 'ClientHello',
    legacyVersion: versionName(ch.legacyVersion),
    versions: (versions ?? [ch.legacyVersion]).map(versionName),
    random: toHex(ch.random),
    sessionId: toHex(ch.sessionId),
    suites: ch.cipherSuites.map(suiteName),
    groups: (ext(ch.extensions, ExtensionType.SupportedGroups, parseSupportedGroups) ?? []).map(groupName),
    keyShares: (ext(ch.extensions, ExtensionType.KeyShare, parseClientKeyShares) ?? []).map((k) =>
      groupName(k.group),
    ),
    signatureAlgorithms: (
      ext(ch.extensions, ExtensionType.SignatureAlgorithms, parseSignatureAlgorithms) ?? []
    ).map(signatureSchemeName),
    ...(serverName === undefined ? {} : { serverName }),
    ...(alpn === undefined ? {} : { alpn }),
    extensions: ch.extensions.map((e) => extensionName(e.type)),
  };
}

function endsWith(random: Uint8Array, tail: Uint8Array): boolean {
  return tail.every((b, i) => random[24 + i] === b);
}

export function describeServerHello(sh: ServerHello): HandshakeDetails {
  const v = ext(sh.extensions, ExtensionType.SupportedVersions, parseServerVersion);
  const ks = ext(sh.extensions, ExtensionType.KeyShare, parseServerKeyShare);
  return {
    type: 'ServerHello',
    version: versionName(v ?? sh.legacyVersion),
    random: toHex(sh.random),
    sessionId: toHex(sh.sessionId),
    suite: suiteName(sh.cipherSuite),
    ...(ks ? { keyShare: groupName(ks.group) } : {}),
    extensions: sh.extensions.map((e) => extensionName(e.type)),
    downgradeSentinel: endsWith(sh.random, DOWNGRADE_TLS12) || endsWith(sh.random, DOWNGRADE_TLS11),
  };
}

export function describeHelloRetryRequest(
  sh: ServerHello,
  selectedGroup: number | undefined,
): HandshakeDetails {
  return {
    type: 'HelloRetryRequest',
    suite: suiteName(sh.cipherSuite),
    ...(selectedGroup === undefined ? {} : { selectedGroup: groupName(selectedGroup) }),
    cookie: findExtension(sh.extensions, ExtensionType.Cookie) !== undefined,
  };
}

export function describeEncryptedExtensions(list: readonly RawExtension[]): HandshakeDetails {
  const alpn = ext(list, ExtensionType.Alpn, parseAlpn);
  return {
    type: 'EncryptedExtensions',
    extensions: list.map((e) => extensionName(e.type)),
    ...(alpn?.[0] === undefined ? {} : { alpn: alpn[0] }),
  };
}

export function describeCertificates(chain: readonly Certificate[]): HandshakeDetails {
  return { type: 'Certificate', chain: chain.map(summarizeCertificate) };
}

export function describeCertificateRequest(
  schemes: readonly number[],
  authorities: number,
): HandshakeDetails {
  return { type: 'CertificateRequest', signatureAlgorithms: schemes.map(signatureSchemeName), authorities };
}

export function describeServerKeyExchange(
  group: number,
  publicKey: Uint8Array,
  scheme: number,
): HandshakeDetails {
  return {
    type: 'ServerKeyExchange',
    group: groupName(group),
    publicKey: toHex(publicKey),
    signatureScheme: signatureSchemeName(scheme),
  };
}

export function describeCertificateVerify(scheme: number, signature: Uint8Array): HandshakeDetails {
  return {
    type: 'CertificateVerify',
    signatureScheme: signatureSchemeName(scheme),
    signatureLength: signature.length,
  };
}

export function describeFinished(verifyData: Uint8Array): HandshakeDetails {
  return { type: 'Finished', verifyData: toHex(verifyData) };
}
