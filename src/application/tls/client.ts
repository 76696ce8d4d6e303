/**
 * The TLS client machine, sans-I/O: TLS 1.3 (RFC 8446) full handshakes with (EC)DHE,
 * HelloRetryRequest and optional client certificates, and TLS 1.2 (RFC 5246) with RSA key
 * exchange ("the client encrypts the premaster secret with the server's public key") or
 * ECDHE (RFC 8422), the extended master secret (RFC 7627) and secure renegotiation
 * signalling (RFC 5746, initial handshake only).
 *
 * What it checks, each failure with its alert (RFC 8446 §6.2 / RFC 5246 §7.2.2):
 * - version negotiation: a version it did not offer (protocol_version); a TLS 1.2
 *   ServerHello whose random carries the downgrade sentinel while 1.3 was offered
 *   (illegal_parameter, §4.1.3);
 * - a suite, group, signature scheme, extension or ALPN protocol it did not offer
 *   (illegal_parameter / unsupported_extension); a second HelloRetryRequest
 *   (unexpected_message);
 * - the server's chain (pki/chain-validation.ts) with the alert of each failure
 *   (unknown_ca, certificate_expired, bad_certificate, ...); the key matching the suite;
 * - CertificateVerify / ServerKeyExchange signatures and Finished (decrypt_error).
 *
 * Left out: session resumption and 0-RTT (tickets are received and reported, never
 * used), post-handshake client authentication, renegotiation (a HelloRequest is answered
 * with a no_renegotiation warning).
 */
import { toHex } from '../../bytes/hex.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { Certificate } from '../pki/certificate.ts';
import { bytesEqual } from '../../bytes/equal.ts';
import { ipToBytes } from '../pki/ip-address-bytes.ts';
import { AlertDescription } from './alert.ts';
import { type CipherSuite, suiteByCode } from './cipher-suites.ts';
import {
  DOWNGRADE_TLS11,
  DOWNGRADE_TLS12,
  ExtensionType,
  HandshakeType,
  ProtocolVersion,
  TLS_FALLBACK_SCSV,
  VERSION_CODES,
} from './code-points.ts';
import {
  type Credential,
  type ResolvedCredential,
  resolveCommon,
  resolveCredential,
  type TlsClientOptions,
} from './config.ts';
import { type MessageHandler, TlsHandshakeSteps } from './handshake-steps.ts';
import {
  describeCertificateRequest,
  describeCertificates,
  describeClientHello,
  describeEncryptedExtensions,
  describeFinished,
  describeHelloRetryRequest,
  describeServerHello,
  describeServerKeyExchange,
} from './describe.ts';
import {
  EMPTY_RENEGOTIATION_INFO,
  encodeAlpn,
  encodeClientKeyShares,
  encodeClientVersions,
  encodeCookie,
  encodeEcPointFormats,
  encodePskModes,
  encodeRecordSizeLimit,
  encodeServerName,
  encodeSignatureAlgorithms,
  encodeSupportedGroups,
  findExtension,
  parseAlpn,
  parseCookie,
  parseHrrKeyShare,
  parseRecordSizeLimit,
  parseRenegotiationInfo,
  parseServerKeyShare,
  parseServerVersion,
  parseCertificateAuthorities,
  parseSignatureAlgorithms,
  PSK_DHE_KE,
  type RawExtension,
} from './extensions.ts';
import type { HandshakeMessage } from './handshake-framing.ts';
import {
  type CertificateRequest12,
  emptyBody,
  parseCertificateRequest12,
  parseCertificateRequest13,
  parseEncryptedExtensions,
  parseNewSessionTicket12,
  parseNewSessionTicket13,
  parseServerKeyExchange,
  serializeEcdheClientKeyExchange,
  serializeRsaClientKeyExchange,
} from './handshake-messages.ts';
import type { Incoming } from './handshake-state.ts';
import {
  type ClientHello,
  isHelloRetryRequest,
  parseServerHello,
  type ServerHello,
  serializeClientHello,
} from './hello.ts';
import { generateKeyShare, implementedGroup, type KeyShare, sharedSecret } from './key-exchange.ts';
import { finishedVerifyData, type KeySchedule13, trafficKeys } from './key-schedule.ts';
import { verifyData12 } from './prf.ts';
import { Tls12Protection, Tls13Protection } from './record-protection.ts';
import { rsaEncryptPremaster } from './rsa-key-exchange.ts';
import {
  certificateVerifyContent,
  chooseScheme,
  type SchemeInfo,
  schemeFits,
  schemeInfo,
  verifyWithScheme,
} from './signature-schemes.ts';
import type { TranscriptHash } from './transcript.ts';
import type { TlsFailure } from './tls-error.ts';
import { concatBytes } from '../../bytes/concat.ts';

export class TlsClient extends TlsHandshakeSteps {
  readonly role = 'client';
  private readonly opts: TlsClientOptions;
  private readonly credential: ResolvedCredential | undefined;
  private readonly sni: string | undefined;
  private readonly expectedHost: string | undefined;

  private clientRandom: Uint8Array = new Uint8Array(0);
  private sessionId: Uint8Array = new Uint8Array(0);
  private shares: KeyShare[] = [];
  private offeredExtensions = new Set<number>();
  private offeredSuites: CipherSuite[] = [];
  private ch: ClientHello | undefined;
  private helloRetry = false;
  private hrrSuite: number | undefined;
  private compatCcsSent = false;

  private suite: CipherSuite | undefined;
  private hash: TranscriptHash = 'sha256';
  private schedule: KeySchedule13 | undefined;
  private serverRandom: Uint8Array = new Uint8Array(0);
  private peerChain: Certificate[] = [];
  private signatureScheme: string | undefined;
  private keyExchange = '';
  private alpn: string | undefined;
  private requested13: { context: Uint8Array; schemes: number[] } | undefined;
  private requested12: CertificateRequest12 | undefined;
  /** What this client answered a CertificateRequest with, once it has. */
  private certificateAnswer: 'sent' | 'none' | undefined;
  private ems = false;
  private master: Uint8Array = new Uint8Array(0);
  private serverEcdh: { group: number; publicKey: Uint8Array } | undefined;
  private serverAckedTicket = false;

  constructor(options: TlsClientOptions) {
    super(resolveCommon(options));
    this.opts = options;
    this.credential = options.certificate
      ? resolveCredential(options.certificate as Credential, this.common.random)
      : undefined;
    const name = options.serverName;
    this.sni = name !== undefined && !ipToBytes(name) ? name : undefined;
    this.expectedHost = options.hostname === null ? undefined : (options.hostname ?? name);
    if ((options.verify ?? true) && !this.common.trustStore) {
      throw new NetlabError('tls-config', 'a client that verifies needs a trustStore (or verify: false)');
    }
    if ((options.verify ?? true) && !this.common.now)
      throw new NetlabError('tls-config', 'verifying needs a clock (now)');
    for (const g of options.keyShares ?? []) {
      if (!this.common.groups.includes(g))
        throw new NetlabError('tls-config', `key share group ${g} is not in groups`);
    }
  }

  /** Builds and queues the ClientHello. */
  start(): void {
    if (this.state !== 'start') throw new NetlabError('tls-started', 'start() was already called');
    const c = this.common;
    this.clientRandom = c.random(32);
    const offers13 = c.versions.includes('1.3');
    if (offers13 && this.opts.middleboxCompat) this.sessionId = c.random(32);
    if (offers13) {
      const groups = this.opts.keyShares ?? [c.groups[0]!];
      this.shares = groups.map((g) => generateKeyShare(g, c.random));
    }
    this.offeredSuites = [...c.suites];
    this.ch = this.buildClientHello();
    this.recordVersion = ProtocolVersion.Tls10;
    this.queueHandshake(HandshakeType.ClientHello, serializeClientHello(this.ch), () =>
      describeClientHello(this.ch!),
    );
    this.flush();
    this.recordVersion = ProtocolVersion.Tls12;
    this.setState('client-wait-server-hello');
  }

  private buildClientHello(cookie?: Uint8Array): ClientHello {
    const c = this.common;
    const offers12 = c.versions.includes('1.2');
    const offers13 = c.versions.includes('1.3');
    const ext: RawExtension[] = [];
    const add = (type: number, data: Uint8Array) => ext.push({ type, data });
    if (this.sni) add(ExtensionType.ServerName, encodeServerName(this.sni));
    if (offers12 && (this.opts.extendedMasterSecret ?? true))
      add(ExtensionType.ExtendedMasterSecret, new Uint8Array(0));
    if (this.opts.renegotiationInfo ?? offers12)
      add(ExtensionType.RenegotiationInfo, EMPTY_RENEGOTIATION_INFO);
    add(ExtensionType.SupportedGroups, encodeSupportedGroups(c.groupCodes));
    if (offers12) add(ExtensionType.EcPointFormats, encodeEcPointFormats([0]));
    if (this.opts.sessionTicket) add(ExtensionType.SessionTicket, new Uint8Array(0));
    if (c.alpn.length) add(ExtensionType.Alpn, encodeAlpn(c.alpn));
    if (offers13)
      add(
        ExtensionType.KeyShare,
        encodeClientKeyShares(this.shares.map((s) => ({ group: s.code, key: s.publicKey }))),
      );
    if (offers13) {
      const order = (['1.3', '1.2'] as const)
        .filter((v) => c.versions.includes(v))
        .map((v) => VERSION_CODES[v]);
      add(ExtensionType.SupportedVersions, encodeClientVersions(order));
    }
    add(ExtensionType.SignatureAlgorithms, encodeSignatureAlgorithms(c.signatureCodes));
    if (cookie) add(ExtensionType.Cookie, encodeCookie(cookie));
    if (offers13 && this.opts.pskModes) add(ExtensionType.PskKeyExchangeModes, encodePskModes([PSK_DHE_KE]));
    if (c.recordSizeLimit !== undefined)
      add(ExtensionType.RecordSizeLimit, encodeRecordSizeLimit(c.recordSizeLimit));
    const suites = this.offeredSuites.map((s) => s.code);
    if (this.opts.fallback) suites.push(TLS_FALLBACK_SCSV);
    const hello: ClientHello = {
      legacyVersion: ProtocolVersion.Tls12,
      random: this.clientRandom,
      sessionId: this.sessionId,
      cipherSuites: suites,
      compressionMethods: [0],
      extensions: ext,
    };
    if (this.opts.padding) {
      // RFC 7685 §4 as BoringSSL and NSS do it: the message (with its 4-byte header) grows to 512.
      const length = 4 + serializeClientHello(hello).length;
      if (length >= 256 && length < 512)
        ext.push({ type: ExtensionType.Padding, data: new Uint8Array(Math.max(1, 512 - length - 4)) });
    }
    this.offeredExtensions = new Set(ext.map((e) => e.type));
    return hello;
  }

  protected override annotateFailure(f: TlsFailure): TlsFailure {
    return this.certificateAnswer ? { ...f, clientCertificate: this.certificateAnswer } : f;
  }

  // ------------------------------------------------------------------ dispatch

  protected readonly handlers: Partial<Record<Incoming, MessageHandler>> = {
    ServerHello: (m) => this.onServerHello(m),
    EncryptedExtensions: (m) => this.onEncryptedExtensions(m),
    CertificateRequest: (m) =>
      this.negotiated === ProtocolVersion.Tls13
        ? this.onCertificateRequest13(m)
        : this.onCertificateRequest12(m),
    Certificate: (m) => this.onCertificate(m),
    CertificateVerify: (m) => this.onCertificateVerify(m),
    ServerKeyExchange: (m) => this.onServerKeyExchange(m),
    ServerHelloDone: (m) => this.onServerHelloDone(m),
    NewSessionTicket: (m) => this.onNewSessionTicket(m),
    HelloRequest: (m) => this.onHelloRequest(m),
  };

  // ------------------------------------------------------------------ ServerHello

  private onServerHello(msg: HandshakeMessage): void {
    const sh = parseServerHello(msg.body);
    if (sh instanceof ProtocolError) {
      this.failWith(sh);
      return;
    }
    if (isHelloRetryRequest(sh)) {
      this.onHelloRetryRequest(sh, msg);
      return;
    }
    this.received(() => describeServerHello(sh), msg);
    for (const e of sh.extensions) {
      if (!this.offeredExtensions.has(e.type)) {
        this.fail('unsupported_extension', `ServerHello has ${e.type}, not offered`);
        return;
      }
    }
    const sv = findExtension(sh.extensions, ExtensionType.SupportedVersions);
    let version: number;
    if (sv !== undefined) {
      const v = parseServerVersion(sv);
      if (v instanceof ProtocolError) {
        this.failWith(v);
        return;
      }
      if (v !== ProtocolVersion.Tls13 || !this.common.versions.includes('1.3')) {
        this.fail('illegal_parameter', `server selected version 0x${v.toString(16)} in supported_versions`);
        return;
      }
      version = v;
    } else {
      if (sh.legacyVersion !== ProtocolVersion.Tls12 || !this.common.versions.includes('1.2')) {
        this.fail('protocol_version', `server chose version 0x${sh.legacyVersion.toString(16)}`);
        return;
      }
      version = ProtocolVersion.Tls12;
    }
    if (this.helloRetry && version !== ProtocolVersion.Tls13) {
      this.fail('illegal_parameter', 'TLS 1.2 after a HelloRetryRequest');
      return;
    }
    const tail = sh.random.subarray(24);
    if (
      version === ProtocolVersion.Tls12 &&
      this.common.versions.includes('1.3') &&
      (bytesEqual(tail, DOWNGRADE_TLS12) || bytesEqual(tail, DOWNGRADE_TLS11))
    ) {
      this.fail('illegal_parameter', 'downgrade detected: TLS 1.2 ServerHello with the TLS 1.3 sentinel');
      return;
    }
    const suite = suiteByCode(sh.cipherSuite);
    if (
      !suite ||
      !this.offeredSuites.includes(suite) ||
      suite.version !== (version === ProtocolVersion.Tls13 ? '1.3' : '1.2')
    ) {
      this.fail(
        'illegal_parameter',
        `server chose cipher suite 0x${sh.cipherSuite.toString(16)}, not offered for this version`,
      );
      return;
    }
    if (this.hrrSuite !== undefined && sh.cipherSuite !== this.hrrSuite) {
      this.fail('illegal_parameter', 'cipher suite differs from the HelloRetryRequest');
      return;
    }
    if (sh.compressionMethod !== 0) {
      this.fail('illegal_parameter', 'compression is not allowed');
      return;
    }
    this.suite = suite;
    this.hash = suite.hash;
    this.serverRandom = sh.random.slice();
    this.setNegotiated(version);
    if (version === ProtocolVersion.Tls13) this.serverHello13(sh, msg);
    else this.serverHello12(sh, msg);
  }

  private serverHello13(sh: ServerHello, msg: HandshakeMessage): void {
    if (!bytesEqual(sh.sessionId, this.sessionId)) {
      this.fail('illegal_parameter', 'legacy_session_id_echo differs');
      return;
    }
    const ksData = findExtension(sh.extensions, ExtensionType.KeyShare);
    if (ksData === undefined) {
      this.fail('missing_extension', 'ServerHello without key_share (PSK-only is not supported)');
      return;
    }
    const ks = parseServerKeyShare(ksData);
    if (ks instanceof ProtocolError) {
      this.failWith(ks);
      return;
    }
    const share = this.shares.find((s) => s.code === ks.group);
    if (!share) {
      this.fail('illegal_parameter', `server key share for group ${ks.group}, which was not offered`);
      return;
    }
    const secret = sharedSecret(share, ks.key);
    if (secret instanceof ProtocolError) {
      this.failWith(secret);
      return;
    }
    this.keyExchange = share.group;
    this.transcript.add(msg.raw);
    const s = this.startSchedule13(this.hash, secret, this.clientRandom);
    this.schedule = s;
    const sk = trafficKeys(this.hash, s.serverHandshakeTrafficSecret!, this.suite!.keyLength);
    const ck = trafficKeys(this.hash, s.clientHandshakeTrafficSecret!, this.suite!.keyLength);
    // From here the client's alerts (and its Finished) go under its handshake key (§5, §7.3).
    this.setWriteProtection(new Tls13Protection(this.suite!.aead, ck.key, ck.iv));
    if (!this.setReadProtection(new Tls13Protection(this.suite!.aead, sk.key, sk.iv))) return;
    this.transition('client-wait-encrypted-extensions');
  }

  private serverHello12(sh: ServerHello, msg: HandshakeMessage): void {
    this.transcript.add(msg.raw);
    const ri = findExtension(sh.extensions, ExtensionType.RenegotiationInfo);
    if (ri !== undefined) {
      const v = parseRenegotiationInfo(ri);
      if (v instanceof ProtocolError) {
        this.failWith(v);
        return;
      }
      if (v.length !== 0) {
        this.fail('handshake_failure', 'renegotiation_info is not empty on an initial handshake');
        return;
      }
    }
    const emsData = findExtension(sh.extensions, ExtensionType.ExtendedMasterSecret);
    if (emsData !== undefined && emsData.length !== 0) {
      this.fail('decode_error', 'extended_master_secret must be empty');
      return;
    }
    this.ems = emsData !== undefined;
    if (findExtension(sh.extensions, ExtensionType.SessionTicket) !== undefined)
      this.serverAckedTicket = true;
    const alpn = this.checkAlpn(sh.extensions);
    if (alpn === false) return;
    const rsl = this.checkRecordSizeLimit(sh.extensions);
    if (rsl === false) return;
    this.keyExchange = this.suite!.keyExchange === 'rsa' ? 'rsa' : '';
    this.transition('client-wait-certificate');
  }

  private onHelloRetryRequest(sh: ServerHello, msg: HandshakeMessage): void {
    if (this.helloRetry) {
      this.fail('unexpected_message', 'a second HelloRetryRequest');
      return;
    }
    for (const e of sh.extensions) {
      if (!this.offeredExtensions.has(e.type) && e.type !== ExtensionType.Cookie) {
        this.fail('unsupported_extension', `HelloRetryRequest has ${e.type}, not offered`);
        return;
      }
    }
    const sv = findExtension(sh.extensions, ExtensionType.SupportedVersions);
    const v = sv === undefined ? undefined : parseServerVersion(sv);
    if (v instanceof ProtocolError) {
      this.failWith(v);
      return;
    }
    if (v !== ProtocolVersion.Tls13 || !this.common.versions.includes('1.3')) {
      this.fail('illegal_parameter', 'HelloRetryRequest must select TLS 1.3');
      return;
    }
    const suite = suiteByCode(sh.cipherSuite);
    if (suite?.version !== '1.3' || !this.offeredSuites.includes(suite)) {
      this.fail('illegal_parameter', 'HelloRetryRequest chose a suite that was not offered');
      return;
    }
    if (!bytesEqual(sh.sessionId, this.sessionId) || sh.compressionMethod !== 0) {
      this.fail('illegal_parameter', 'HelloRetryRequest session id or compression is wrong');
      return;
    }
    const ksData = findExtension(sh.extensions, ExtensionType.KeyShare);
    const cookieData = findExtension(sh.extensions, ExtensionType.Cookie);
    let selected: number | undefined;
    if (ksData !== undefined) {
      const g = parseHrrKeyShare(ksData);
      if (g instanceof ProtocolError) {
        this.failWith(g);
        return;
      }
      selected = g;
    }
    let cookie: Uint8Array | undefined;
    if (cookieData !== undefined) {
      const c = parseCookie(cookieData);
      if (c instanceof ProtocolError) {
        this.failWith(c);
        return;
      }
      cookie = c.slice();
    }
    this.received(() => describeHelloRetryRequest(sh, selected), msg);
    if (selected === undefined && cookie === undefined) {
      this.fail('illegal_parameter', 'HelloRetryRequest that would not change the ClientHello');
      return;
    }
    if (selected !== undefined) {
      const group = implementedGroup(selected);
      // §4.2.8: the group must be in supported_groups and must not already have a share.
      if (!group || !this.common.groups.includes(group) || this.shares.some((s) => s.code === selected)) {
        this.fail('illegal_parameter', `HelloRetryRequest selected group ${selected}`);
        return;
      }
      this.shares = [generateKeyShare(group, this.common.random)];
    }
    this.helloRetry = true;
    this.hrrSuite = sh.cipherSuite;
    this.hash = suite.hash;
    this.setNegotiated(ProtocolVersion.Tls13);
    this.transcript.replaceWithMessageHash(this.hash);
    this.transcript.add(msg.raw);
    if (this.opts.middleboxCompat && !this.compatCcsSent) {
      this.sendChangeCipherSpec();
      this.compatCcsSent = true;
    }
    this.offeredSuites = this.offeredSuites.filter((s) => s.version === '1.3');
    const ch2 = this.buildClientHello(cookie);
    // Same suites as the first hello (RFC 8446 §4.1.2): only key_share and cookie change.
    const withSameSuites: ClientHello = { ...ch2, cipherSuites: this.ch!.cipherSuites };
    this.ch = withSameSuites;
    this.offeredSuites = this.common.suites.filter((s) => s.version === '1.3');
    this.queueHandshake(HandshakeType.ClientHello, serializeClientHello(withSameSuites), () =>
      describeClientHello(withSameSuites),
    );
    this.flush();
    this.transition('client-wait-server-hello');
  }

  private checkAlpn(list: readonly RawExtension[]): boolean {
    const data = findExtension(list, ExtensionType.Alpn);
    if (data === undefined) return true;
    const protos = parseAlpn(data);
    if (protos instanceof ProtocolError) {
      this.failWith(protos);
      return false;
    }
    if (protos.length !== 1 || !this.common.alpn.includes(protos[0]!)) {
      this.fail('illegal_parameter', `server selected ALPN ${protos.join(',')}, not offered`);
      return false;
    }
    this.alpn = protos[0];
    return true;
  }

  private checkRecordSizeLimit(list: readonly RawExtension[]): boolean {
    const data = findExtension(list, ExtensionType.RecordSizeLimit);
    if (data === undefined) return true;
    const limit = parseRecordSizeLimit(data);
    if (limit instanceof ProtocolError) {
      this.failWith(limit);
      return false;
    }
    this.applyPeerRecordSizeLimit(limit);
    return true;
  }

  // ------------------------------------------------------------------ TLS 1.3 server flight

  private onEncryptedExtensions(msg: HandshakeMessage): void {
    const list = parseEncryptedExtensions(msg.body);
    if (list instanceof ProtocolError) {
      this.failWith(list);
      return;
    }
    this.received(() => describeEncryptedExtensions(list), msg);
    const allowed = new Set<number>([
      ExtensionType.ServerName,
      ExtensionType.SupportedGroups,
      ExtensionType.Alpn,
      ExtensionType.RecordSizeLimit,
    ]);
    for (const e of list) {
      if (!this.offeredExtensions.has(e.type)) {
        this.fail('unsupported_extension', `EncryptedExtensions has ${e.type}, not offered`);
        return;
      }
      if (!allowed.has(e.type)) {
        this.fail('illegal_parameter', `extension ${e.type} does not belong in EncryptedExtensions`);
        return;
      }
    }
    const sni = findExtension(list, ExtensionType.ServerName);
    if (sni !== undefined && sni.length !== 0) {
      this.fail('decode_error', 'server_name acknowledgement must be empty');
      return;
    }
    if (!this.checkAlpn(list) || !this.checkRecordSizeLimit(list)) return;
    this.transcript.add(msg.raw);
    this.transition('client-wait-certificate-or-request');
  }

  private onCertificateRequest13(msg: HandshakeMessage): void {
    const cr = parseCertificateRequest13(msg.body);
    if (cr instanceof ProtocolError) {
      this.failWith(cr);
      return;
    }
    if (cr.context.length !== 0) {
      this.fail('illegal_parameter', 'certificate_request_context must be empty in the handshake');
      return;
    }
    const sa = findExtension(cr.extensions, ExtensionType.SignatureAlgorithms);
    if (sa === undefined) {
      this.fail('missing_extension', 'CertificateRequest without signature_algorithms');
      return;
    }
    const schemes = parseSignatureAlgorithms(sa);
    if (schemes instanceof ProtocolError) {
      this.failWith(schemes);
      return;
    }
    // certificate_authorities (§4.2.4): the CAs the server accepts client certificates from.
    const caData = findExtension(cr.extensions, ExtensionType.CertificateAuthorities);
    const cas = caData === undefined ? [] : parseCertificateAuthorities(caData);
    if (cas instanceof ProtocolError) {
      this.failWith(cas);
      return;
    }
    this.received(() => describeCertificateRequest(schemes, cas.length), msg);
    this.requested13 = { context: cr.context.slice(), schemes };
    this.transcript.add(msg.raw);
    this.transition('client-wait-certificate');
  }

  private onCertificateRequest12(msg: HandshakeMessage): void {
    const cr = parseCertificateRequest12(msg.body);
    if (cr instanceof ProtocolError) {
      this.failWith(cr);
      return;
    }
    this.received(() => describeCertificateRequest(cr.signatureAlgorithms, cr.authorities.length), msg);
    this.requested12 = cr;
    this.transcript.add(msg.raw);
    this.transition('client-wait-server-hello-done');
  }

  private onCertificate(msg: HandshakeMessage): void {
    const tls13 = this.negotiated === ProtocolVersion.Tls13;
    const chain = this.readCertificateChain(msg, tls13, 'server');
    if (!chain) return;
    if (chain.length === 0) {
      this.fail('decode_error', 'the server sent no certificate');
      return;
    }
    this.received(() => describeCertificates(chain), msg);
    this.peerChain = chain;
    const leafKey = chain[0]!.publicKey;
    if (!tls13) {
      const auth = this.suite!.auth;
      if ((auth === 'rsa' && leafKey.kind !== 'rsa') || (auth === 'ecdsa' && leafKey.kind !== 'ec')) {
        this.fail(
          'unsupported_certificate',
          `a ${leafKey.kind.toUpperCase()} certificate for ${this.suite!.name}`,
        );
        return;
      }
      const ku = chain[0]!.keyUsage;
      if (ku && this.suite!.keyExchange === 'rsa' && !ku.includes('keyEncipherment')) {
        this.fail(
          'unsupported_certificate',
          'RSA key exchange with a certificate that forbids keyEncipherment',
        );
        return;
      }
    }
    if (!this.verifyPeer(chain)) return;
    this.transcript.add(msg.raw);
    if (tls13) {
      this.transition('client-wait-certificate-verify');
      return;
    }
    this.transition(
      this.suite!.keyExchange === 'rsa' ? 'client-wait-server-hello-done' : 'client-wait-server-key-exchange',
    );
  }

  /** Validates the server chain unless told not to (`curl -k`). */
  private verifyPeer(chain: Certificate[]): boolean {
    if (this.opts.verify === false) return true;
    return this.verifyPeerChain(chain, 'server', this.expectedHost);
  }

  private onCertificateVerify(msg: HandshakeMessage): void {
    const scheme = this.checkCertificateVerify(msg, {
      from: 'server',
      label: 'CertificateVerify',
      key: this.peerChain[0]!.publicKey,
      allowed: this.common.signatureCodes,
      tls13: true,
      content: () => certificateVerifyContent('server', this.transcript.hash(this.hash)),
    });
    if (!scheme) return;
    this.signatureScheme = scheme.name;
    this.transcript.add(msg.raw);
    this.transition('client-wait-finished');
  }

  protected onFinished13(msg: HandshakeMessage): void {
    const s = this.schedule!;
    const expected = finishedVerifyData(
      this.hash,
      s.serverHandshakeTrafficSecret!,
      this.transcript.hash(this.hash),
    );
    if (!this.checkFinished(msg, expected, 'server')) return;
    s.deriveApplication(this.transcript.hash(this.hash));
    this.keylog('CLIENT_TRAFFIC_SECRET_0', this.clientRandom, s.clientApplicationTrafficSecret!);
    this.keylog('SERVER_TRAFFIC_SECRET_0', this.clientRandom, s.serverApplicationTrafficSecret!);
    this.keylog('EXPORTER_SECRET', this.clientRandom, s.exporterMasterSecret!);
    const suite = this.suite!;
    const sa = trafficKeys(this.hash, s.serverApplicationTrafficSecret!, suite.keyLength);
    if (!this.setReadProtection(new Tls13Protection(suite.aead, sa.key, sa.iv))) return;
    if (this.opts.middleboxCompat && !this.compatCcsSent) {
      this.sendChangeCipherSpec();
      this.compatCcsSent = true;
    }
    if (this.requested13) {
      const cred = this.credential;
      const scheme = cred ? chooseScheme(cred.signer.key, this.requested13.schemes, true) : undefined;
      const chain = cred && scheme ? cred.chain : [];
      this.certificateAnswer = chain.length > 0 ? 'sent' : 'none';
      this.queueCertificate(chain, true, this.requested13.context);
      if (cred && scheme) {
        const signature = cred.signer.sign(
          scheme,
          certificateVerifyContent('client', this.transcript.hash(this.hash)),
        );
        this.queueCertificateVerify(scheme.code, signature);
      }
    }
    const verify = finishedVerifyData(
      this.hash,
      s.clientHandshakeTrafficSecret!,
      this.transcript.hash(this.hash),
    );
    this.queueHandshake(HandshakeType.Finished, verify, () => describeFinished(verify));
    s.deriveResumption(this.transcript.hash(this.hash));
    const ca = trafficKeys(this.hash, s.clientApplicationTrafficSecret!, suite.keyLength);
    this.setWriteProtection(new Tls13Protection(suite.aead, ca.key, ca.iv));
    this.traffic13 = {
      hash: this.hash,
      aead: suite.aead,
      keyLength: suite.keyLength,
      read: s.serverApplicationTrafficSecret!,
      write: s.clientApplicationTrafficSecret!,
    };
    this.transition('connected');
    this.finishHandshake();
  }

  private finishHandshake(): void {
    this.established_({
      version: this.negotiated === ProtocolVersion.Tls13 ? '1.3' : '1.2',
      suite: this.suite!.name,
      keyExchange: this.keyExchange,
      ...(this.signatureScheme ? { signatureScheme: this.signatureScheme } : {}),
      ...(this.alpn ? { alpn: this.alpn } : {}),
      ...(this.sni ? { serverName: this.sni } : {}),
      peerCertificates: this.peerChain,
      extendedMasterSecret: this.ems,
      helloRetry: this.helloRetry,
    });
  }

  // ------------------------------------------------------------------ TLS 1.2

  private onServerKeyExchange(msg: HandshakeMessage): void {
    const ske = parseServerKeyExchange(msg.body);
    if (ske instanceof ProtocolError) {
      this.failWith(ske);
      return;
    }
    this.received(
      () => describeServerKeyExchange(ske.params.group, ske.params.publicKey, ske.signed.scheme),
      msg,
    );
    const group = implementedGroup(ske.params.group);
    if (!group || !this.common.groups.includes(group)) {
      this.fail('illegal_parameter', `ServerKeyExchange group ${ske.params.group} was not offered`);
      return;
    }
    const scheme = schemeInfo(ske.signed.scheme);
    const key = this.peerChain[0]!.publicKey;
    if (
      !scheme ||
      !this.common.signatureCodes.includes(ske.signed.scheme) ||
      !schemeFits(scheme, key, false)
    ) {
      this.fail('illegal_parameter', `ServerKeyExchange signed with 0x${ske.signed.scheme.toString(16)}`);
      return;
    }
    const signed = concatBytes([this.clientRandom, this.serverRandom, ske.paramsBytes]);
    if (!verifyWithScheme(key, scheme, signed, ske.signed.signature)) {
      this.fail('decrypt_error', 'the ServerKeyExchange signature does not verify');
      return;
    }
    this.signatureScheme = scheme.name;
    this.keyExchange = group;
    this.serverEcdh = { group: ske.params.group, publicKey: ske.params.publicKey.slice() };
    this.transcript.add(msg.raw);
    this.transition('client-wait-server-hello-done');
  }

  private onServerHelloDone(msg: HandshakeMessage): void {
    const e = emptyBody(msg.body, 'ServerHelloDone');
    if (e instanceof ProtocolError) {
      this.failWith(e);
      return;
    }
    this.received(() => ({ type: 'ServerHelloDone' }), msg);
    this.transcript.add(msg.raw);
    const suite = this.suite!;
    const c = this.common;
    // Client certificate, if asked for (an empty list when we have none that fits).
    let clientScheme: SchemeInfo | undefined;
    if (this.requested12) {
      const cred = this.credential;
      clientScheme = cred
        ? chooseScheme(cred.signer.key, this.requested12.signatureAlgorithms, false)
        : undefined;
      const chain = cred && clientScheme ? cred.chain : [];
      this.certificateAnswer = chain.length > 0 ? 'sent' : 'none';
      this.queueCertificate(chain, false);
    }
    let pms: Uint8Array;
    if (suite.keyExchange === 'rsa') {
      pms = concatBytes([Uint8Array.of(3, 3), c.random(46)]);
      const key = this.peerChain[0]!.publicKey;
      if (key.kind !== 'rsa') {
        this.fail('unsupported_certificate', 'RSA key exchange needs an RSA key');
        return;
      }
      const encrypted = rsaEncryptPremaster(key, pms, c.random);
      this.queueHandshake(HandshakeType.ClientKeyExchange, serializeRsaClientKeyExchange(encrypted), () => ({
        type: 'ClientKeyExchange',
        kind: 'rsa',
        encryptedPremasterSecret: toHex(encrypted),
      }));
    } else {
      const ecdh = this.serverEcdh!;
      const share = generateKeyShare(implementedGroup(ecdh.group)!, c.random);
      const secret = sharedSecret(share, ecdh.publicKey);
      if (secret instanceof ProtocolError) {
        this.failWith(secret);
        return;
      }
      pms = secret;
      this.queueHandshake(
        HandshakeType.ClientKeyExchange,
        serializeEcdheClientKeyExchange(share.publicKey),
        () => ({
          type: 'ClientKeyExchange',
          kind: 'ecdhe',
          group: share.group,
          publicKey: toHex(share.publicKey),
        }),
      );
    }
    const { master, keys: kb } = this.deriveKeys12(
      this.hash,
      pms,
      this.ems,
      this.clientRandom,
      this.serverRandom,
      suite,
    );
    this.master = master;
    if (clientScheme && this.credential) {
      const signature = this.credential.signer.sign(clientScheme, this.transcript.bytes());
      this.queueCertificateVerify(clientScheme.code, signature);
    }
    this.pendingServerKeys = kb;
    this.sendChangeCipherSpec();
    this.setWriteProtection(new Tls12Protection(suite.aead, kb.clientKey, kb.clientIv));
    const verify = verifyData12(this.hash, this.master, 'client finished', this.transcript.hash(this.hash));
    this.queueHandshake(HandshakeType.Finished, verify, () => describeFinished(verify));
    this.flush();
    this.transition('client-wait-change-cipher-spec');
  }

  private pendingServerKeys: { serverKey: Uint8Array; serverIv: Uint8Array } | undefined;

  protected onChangeCipherSpec(): void {
    const kb = this.pendingServerKeys!;
    if (!this.setReadProtection(new Tls12Protection(this.suite!.aead, kb.serverKey, kb.serverIv))) return;
    this.transition('client-wait-finished');
  }

  protected onFinished12(msg: HandshakeMessage): void {
    const expected = verifyData12(this.hash, this.master, 'server finished', this.transcript.hash(this.hash));
    if (!this.checkFinished(msg, expected, 'server')) return;
    this.transition('connected');
    this.finishHandshake();
  }

  // ------------------------------------------------------------------ after the handshake

  private onNewSessionTicket(msg: HandshakeMessage): void {
    if (this.negotiated === ProtocolVersion.Tls12) {
      if (!this.serverAckedTicket || this.state !== 'client-wait-change-cipher-spec') {
        this.fail('unexpected_message', 'NewSessionTicket the client did not ask for');
        return;
      }
      const t = parseNewSessionTicket12(msg.body);
      if (t instanceof ProtocolError) {
        this.failWith(t);
        return;
      }
      this.received(() => ({ type: 'NewSessionTicket', lifetime: t.lifetimeHint }), msg);
      this.transcript.add(msg.raw);
      this.transition('client-wait-change-cipher-spec');
      return;
    }
    if (this.state !== 'connected') {
      this.fail('unexpected_message', 'NewSessionTicket before the handshake ended');
      return;
    }
    const t = parseNewSessionTicket13(msg.body);
    if (t instanceof ProtocolError) {
      this.failWith(t);
      return;
    }
    this.received(() => ({ type: 'NewSessionTicket', lifetime: t.lifetime }), msg);
    this.emit({
      kind: 'ticket',
      lifetime: t.lifetime,
      ageAdd: t.ageAdd,
      psk: this.schedule!.resumptionPsk(t.nonce),
    });
    this.transition('connected');
  }

  private onHelloRequest(msg: HandshakeMessage): void {
    if (this.negotiated !== ProtocolVersion.Tls12) {
      this.fail('unexpected_message', 'HelloRequest in TLS 1.3');
      return;
    }
    const e = emptyBody(msg.body, 'HelloRequest');
    if (e instanceof ProtocolError) {
      this.failWith(e);
      return;
    }
    this.received(() => ({ type: 'HelloRequest' }), msg);
    this.warn(AlertDescription.no_renegotiation);
    this.transition('connected');
  }

  /** The client random (for key logs and tests). */
  get random(): Uint8Array {
    return this.clientRandom;
  }
}
