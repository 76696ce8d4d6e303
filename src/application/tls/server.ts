/**
 * The TLS server machine, sans-I/O: TLS 1.3 (RFC 8446) full handshakes with (EC)DHE,
 * HelloRetryRequest when the client's key shares do not fit, optional or required client
 * certificates; TLS 1.2 (RFC 5246) with RSA key exchange or ECDHE (RFC 8422) signed with
 * RSA or ECDSA certificates, extended master secret (RFC 7627), secure renegotiation
 * signalling (RFC 5746), and the downgrade sentinel in ServerHello.random when it could
 * have spoken 1.3 (RFC 8446 §4.1.3). TLS_FALLBACK_SCSV from a client that could do better
 * is `inappropriate_fallback` (RFC 7507).
 *
 * Certificates: one of `certificates` is chosen by SNI (a credential whose leaf names the
 * requested host) and by what the client accepts (signature algorithms, suite auth).
 *
 * Left out: session resumption (no session ids, tickets only on request through
 * `sendNewSessionTicket`, never accepted back), 0-RTT, renegotiation (a ClientHello after
 * the handshake gets a no_renegotiation warning), post-handshake client authentication.
 */
import { toHex } from '../../bytes/hex.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { Certificate } from '../pki/certificate.ts';
import { bytesEqual } from '../../bytes/equal.ts';
import { certificateMatchesHost } from '../pki/hostname.ts';
import { AlertDescription } from './alert.ts';
import type { CipherSuite } from './cipher-suites.ts';
import {
  DOWNGRADE_TLS12,
  ExtensionType,
  HandshakeType,
  HELLO_RETRY_REQUEST_RANDOM,
  ProtocolVersion,
  TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
  TLS_FALLBACK_SCSV,
  VERSION_CODES,
} from './code-points.ts';
import {
  type ResolvedCredential,
  resolveCommon,
  resolveCredential,
  type TlsServerOptions,
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
  encodeDistinguishedNames,
  encodeEcPointFormats,
  encodeHrrKeyShare,
  encodeRecordSizeLimit,
  encodeServerKeyShare,
  encodeServerVersion,
  encodeSignatureAlgorithms,
  encodeSupportedGroups,
  findExtension,
  type KeyShareEntry,
  parseAlpn,
  parseClientKeyShares,
  parseClientVersions,
  parseEcPointFormats,
  parsePskModes,
  parseRecordSizeLimit,
  parseRenegotiationInfo,
  parseServerName,
  parseSignatureAlgorithms,
  parseSupportedGroups,
  type RawExtension,
} from './extensions.ts';
import type { HandshakeMessage } from './handshake-framing.ts';
import {
  CertificateType,
  encodeEcdhParams,
  type NewSessionTicket13,
  parseEcdheClientKeyExchange,
  parseRsaClientKeyExchange,
  serializeCertificateRequest12,
  serializeCertificateRequest13,
  serializeEncryptedExtensions,
  serializeNewSessionTicket13,
  serializeServerKeyExchange,
} from './handshake-messages.ts';
import type { Incoming } from './handshake-state.ts';
import { type ClientHello, parseClientHello, type ServerHello, serializeServerHello } from './hello.ts';
import {
  generateKeyShare,
  groupCode,
  type KeyExchangeGroup,
  type KeyShare,
  sharedSecret,
} from './key-exchange.ts';
import { finishedVerifyData, type KeySchedule13, trafficKeys } from './key-schedule.ts';
import { selectAlpn, selectGroup13, selectSuite, selectVersion } from './negotiation.ts';
import { verifyData12 } from './prf.ts';
import { Tls12Protection, Tls13Protection } from './record-protection.ts';
import { rsaDecryptPremaster } from './rsa-key-exchange.ts';
import { certificateVerifyContent, chooseScheme, type SchemeInfo } from './signature-schemes.ts';
import type { TranscriptHash } from './transcript.ts';
import { concatBytes } from '../../bytes/concat.ts';

/** What the server read from a ClientHello, once. */
interface ClientOffer {
  readonly hello: ClientHello;
  readonly serverName: string | undefined;
  readonly groups: readonly number[];
  readonly shares: readonly KeyShareEntry[];
  readonly schemes: readonly number[] | undefined;
  readonly alpn: readonly string[] | undefined;
  readonly recordSizeLimit: number | undefined;
  readonly ems: boolean;
  readonly secureRenegotiation: boolean;
  readonly pointFormats: readonly number[] | undefined;
}

/** Most CA names put in a CertificateRequest. */
const MAX_CA_NAMES = 32;

export class TlsServer extends TlsHandshakeSteps {
  readonly role = 'server';
  private readonly opts: TlsServerOptions;
  private readonly credentials: readonly ResolvedCredential[];

  private offer: ClientOffer | undefined;
  private suite: CipherSuite | undefined;
  private hash: TranscriptHash = 'sha256';
  private credential: ResolvedCredential | undefined;
  private scheme: SchemeInfo | undefined;
  private group: KeyExchangeGroup | undefined;
  private alpn: string | undefined;
  private helloRetry = false;
  private schedule: KeySchedule13 | undefined;
  private clientRandom: Uint8Array = new Uint8Array(0);
  private serverRandom: Uint8Array = new Uint8Array(0);
  private ecdhe: KeyShare | undefined;
  private master: Uint8Array = new Uint8Array(0);
  private ems = false;
  private clientChain: Certificate[] = [];
  private requestedSchemes: number[] = [];
  private clientKeys12:
    | { clientKey: Uint8Array; clientIv: Uint8Array; serverKey: Uint8Array; serverIv: Uint8Array }
    | undefined;
  private rsaFallback: Uint8Array = new Uint8Array(0);

  constructor(options: TlsServerOptions) {
    super(resolveCommon(options));
    this.opts = options;
    if (!options.certificates?.length)
      throw new NetlabError('tls-config', 'a TLS server needs at least one certificate');
    this.credentials = options.certificates.map((c) => resolveCredential(c, this.common.random));
    if (options.requestClientCertificate || options.requireClientCertificate) {
      if (!this.common.trustStore)
        throw new NetlabError('tls-config', 'asking for client certificates needs a trustStore');
      if (!this.common.now)
        throw new NetlabError('tls-config', 'checking client certificates needs a clock (now)');
    }
    this.setState('server-wait-client-hello');
  }

  private get wantsClientCertificate(): boolean {
    return !!(this.opts.requestClientCertificate || this.opts.requireClientCertificate);
  }

  // ------------------------------------------------------------------ dispatch

  protected readonly handlers: Partial<Record<Incoming, MessageHandler>> = {
    ClientHello: (m) => this.onClientHello(m),
    Certificate: (m) => this.onClientCertificate(m),
    ClientKeyExchange: (m) => this.onClientKeyExchange(m),
    CertificateVerify: (m) => this.onCertificateVerify(m),
  };

  // ------------------------------------------------------------------ ClientHello

  private readOffer(ch: ClientHello): ClientOffer | ProtocolError {
    const x = ch.extensions;
    const get = <T>(
      type: number,
      parse: (d: Uint8Array) => T | ProtocolError,
    ): T | undefined | ProtocolError => {
      const d = findExtension(x, type);
      return d === undefined ? undefined : parse(d);
    };
    const serverName = get(ExtensionType.ServerName, parseServerName);
    const groups = get(ExtensionType.SupportedGroups, parseSupportedGroups);
    const shares = get(ExtensionType.KeyShare, parseClientKeyShares);
    const schemes = get(ExtensionType.SignatureAlgorithms, parseSignatureAlgorithms);
    const alpn = get(ExtensionType.Alpn, parseAlpn);
    const rsl = get(ExtensionType.RecordSizeLimit, parseRecordSizeLimit);
    const ri = get(ExtensionType.RenegotiationInfo, parseRenegotiationInfo);
    const pf = get(ExtensionType.EcPointFormats, parseEcPointFormats);
    const psk = get(ExtensionType.PskKeyExchangeModes, parsePskModes);
    for (const v of [serverName, groups, shares, schemes, alpn, rsl, ri, pf, psk])
      if (v instanceof ProtocolError) return v;
    const emsData = findExtension(x, ExtensionType.ExtendedMasterSecret);
    if (emsData !== undefined && emsData.length !== 0)
      return new ProtocolError('tls', 'decode_error', 'extended_master_secret must be empty');
    if (ri instanceof Uint8Array && ri.length !== 0) {
      return new ProtocolError(
        'tls',
        'handshake_failure',
        'renegotiation_info must be empty on an initial handshake',
      );
    }
    return {
      hello: ch,
      serverName: serverName as string | undefined,
      groups: (groups as number[] | undefined) ?? [],
      shares: (shares as KeyShareEntry[] | undefined) ?? [],
      schemes: schemes as number[] | undefined,
      alpn: alpn as string[] | undefined,
      recordSizeLimit: rsl as number | undefined,
      ems: emsData !== undefined,
      secureRenegotiation: ri !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV),
      pointFormats: pf as number[] | undefined,
    };
  }

  private onClientHello(msg: HandshakeMessage): void {
    if (this.state === 'connected') {
      if (this.negotiated === ProtocolVersion.Tls13) {
        this.fail('unexpected_message', 'ClientHello after a TLS 1.3 handshake');
        return;
      }
      this.warn(AlertDescription.no_renegotiation);
      this.transition('connected');
      return;
    }
    const ch = parseClientHello(msg.body);
    if (ch instanceof ProtocolError) {
      this.failWith(ch);
      return;
    }
    this.received(() => describeClientHello(ch), msg);
    const offer = this.readOffer(ch);
    if (offer instanceof ProtocolError) {
      this.failWith(offer);
      return;
    }
    if (this.state === 'server-wait-second-client-hello') {
      this.secondClientHello(offer, msg);
      return;
    }
    this.offer = offer;
    this.clientRandom = ch.random.slice();
    const svData = findExtension(ch.extensions, ExtensionType.SupportedVersions);
    const sv = svData === undefined ? undefined : parseClientVersions(svData);
    if (sv instanceof ProtocolError) {
      this.failWith(sv);
      return;
    }
    const version = selectVersion(this.common.versions, sv, ch.legacyVersion);
    if (!version.ok) {
      this.fail(version.alert, version.message);
      return;
    }
    const ourMax = Math.max(...this.common.versions.map((v) => VERSION_CODES[v]));
    if (ch.cipherSuites.includes(TLS_FALLBACK_SCSV) && version.value < ourMax) {
      this.fail('inappropriate_fallback', 'TLS_FALLBACK_SCSV while a higher version is possible');
      return;
    }
    const alpn = selectAlpn(this.common.alpn, offer.alpn);
    if (!alpn.ok) {
      this.fail(alpn.alert, alpn.message);
      return;
    }
    this.alpn = alpn.value;
    if (version.value === ProtocolVersion.Tls13) this.clientHello13(offer, msg);
    else this.clientHello12(offer, msg);
  }

  /** Credentials in SNI order: those naming the requested host first. */
  private credentialsFor(serverName: string | undefined): ResolvedCredential[] {
    if (serverName === undefined) return [...this.credentials];
    const named = this.credentials.filter((c) => certificateMatchesHost(c.chain[0]!, serverName));
    return [...named, ...this.credentials.filter((c) => !named.includes(c))];
  }

  // ------------------------------------------------------------------ TLS 1.3

  private clientHello13(offer: ClientOffer, msg: HandshakeMessage): void {
    const ch = offer.hello;
    if (ch.compressionMethods.length !== 1 || ch.compressionMethods[0] !== 0) {
      this.fail('illegal_parameter', 'TLS 1.3 needs compression_methods = [null]');
      return;
    }
    if (offer.schemes === undefined) {
      this.fail('missing_extension', 'TLS 1.3 ClientHello without signature_algorithms');
      return;
    }
    if (
      findExtension(ch.extensions, ExtensionType.SupportedGroups) === undefined ||
      findExtension(ch.extensions, ExtensionType.KeyShare) === undefined
    ) {
      this.fail('missing_extension', 'TLS 1.3 ClientHello without supported_groups or key_share');
      return;
    }
    if (offer.shares.some((s) => !offer.groups.includes(s.group))) {
      this.fail('illegal_parameter', 'a key share for a group not in supported_groups');
      return;
    }
    const suite = selectSuite(
      this.common.suites.filter((s) => s.version === '1.3'),
      ch.cipherSuites,
      this.opts.preferServerSuites ?? true,
      () => true,
    );
    if (!suite.ok) {
      this.fail(suite.alert, suite.message);
      return;
    }
    let credential: ResolvedCredential | undefined;
    let scheme: SchemeInfo | undefined;
    for (const c of this.credentialsFor(offer.serverName)) {
      scheme = chooseScheme(c.signer.key, offer.schemes, true);
      if (scheme) {
        credential = c;
        break;
      }
    }
    if (!credential || !scheme) {
      this.fail('handshake_failure', 'no certificate fits the client signature algorithms');
      return;
    }
    const choice = selectGroup13(this.common.groups, offer.groups, offer.shares);
    if (!choice.ok) {
      this.fail(choice.alert, choice.message);
      return;
    }
    this.suite = suite.value;
    this.hash = suite.value.hash;
    this.credential = credential;
    this.scheme = scheme;
    this.group = choice.value.group;
    this.setNegotiated(ProtocolVersion.Tls13);
    this.transcript.add(msg.raw);
    if (choice.value.kind === 'retry') {
      this.sendHelloRetryRequest(ch, choice.value.group);
      return;
    }
    this.serverFlight13(offer, choice.value.share);
  }

  private sendHelloRetryRequest(ch: ClientHello, group: KeyExchangeGroup): void {
    this.helloRetry = true;
    const code = groupCode(group);
    const hrr: ServerHello = {
      legacyVersion: ProtocolVersion.Tls12,
      random: HELLO_RETRY_REQUEST_RANDOM,
      sessionId: ch.sessionId,
      cipherSuite: this.suite!.code,
      compressionMethod: 0,
      extensions: [
        { type: ExtensionType.SupportedVersions, data: encodeServerVersion(ProtocolVersion.Tls13) },
        { type: ExtensionType.KeyShare, data: encodeHrrKeyShare(code) },
      ],
    };
    this.transcript.replaceWithMessageHash(this.hash);
    this.queueHandshake(HandshakeType.ServerHello, serializeServerHello(hrr), () =>
      describeHelloRetryRequest(hrr, code),
    );
    this.flush();
    if (ch.sessionId.length > 0) this.sendChangeCipherSpec(); // middlebox compatibility (Appendix D.4)
    this.transition('server-wait-second-client-hello');
  }

  private secondClientHello(offer: ClientOffer, msg: HandshakeMessage): void {
    const first = this.offer!.hello;
    const ch = offer.hello;
    // RFC 8446 §4.1.2: the same ClientHello but for key_share, cookie and padding.
    const skip = new Set<number>([
      ExtensionType.KeyShare,
      ExtensionType.Cookie,
      ExtensionType.Padding,
      ExtensionType.EarlyData,
    ]);
    const rest = (l: readonly RawExtension[]) =>
      l
        .filter((e) => !skip.has(e.type))
        .map((e) => `${e.type}:${toHex(e.data)}`)
        .join(' ');
    if (
      ch.legacyVersion !== first.legacyVersion ||
      !bytesEqual(ch.random, first.random) ||
      !bytesEqual(ch.sessionId, first.sessionId) ||
      ch.cipherSuites.join() !== first.cipherSuites.join() ||
      ch.compressionMethods.join() !== first.compressionMethods.join() ||
      rest(ch.extensions) !== rest(first.extensions)
    ) {
      this.fail('illegal_parameter', 'the second ClientHello changed more than key_share');
      return;
    }
    const code = groupCode(this.group!);
    if (offer.shares.length !== 1 || offer.shares[0]!.group !== code) {
      this.fail('illegal_parameter', 'the second ClientHello must carry one share for the requested group');
      return;
    }
    this.transcript.add(msg.raw);
    this.serverFlight13(offer, offer.shares[0]!);
  }

  private serverFlight13(offer: ClientOffer, clientShare: KeyShareEntry): void {
    const c = this.common;
    const suite = this.suite!;
    const ch = offer.hello;
    this.serverRandom = c.random(32);
    const share = generateKeyShare(this.group!, c.random);
    const secret = sharedSecret(share, clientShare.key);
    if (secret instanceof ProtocolError) {
      this.failWith(secret);
      return;
    }
    const sh: ServerHello = {
      legacyVersion: ProtocolVersion.Tls12,
      random: this.serverRandom,
      sessionId: ch.sessionId,
      cipherSuite: suite.code,
      compressionMethod: 0,
      extensions: [
        {
          type: ExtensionType.KeyShare,
          data: encodeServerKeyShare({ group: share.code, key: share.publicKey }),
        },
        { type: ExtensionType.SupportedVersions, data: encodeServerVersion(ProtocolVersion.Tls13) },
      ],
    };
    this.queueHandshake(HandshakeType.ServerHello, serializeServerHello(sh), () => describeServerHello(sh));
    this.flush();
    if (ch.sessionId.length > 0 && !this.helloRetry) this.sendChangeCipherSpec();
    const s = this.startSchedule13(this.hash, secret, this.clientRandom);
    this.schedule = s;
    const shk = trafficKeys(this.hash, s.serverHandshakeTrafficSecret!, suite.keyLength);
    this.setWriteProtection(new Tls13Protection(suite.aead, shk.key, shk.iv));
    // EncryptedExtensions
    const ee: RawExtension[] = [];
    if (this.opts.advertiseGroups)
      ee.push({ type: ExtensionType.SupportedGroups, data: encodeSupportedGroups(c.groupCodes) });
    if (offer.recordSizeLimit !== undefined) {
      this.applyPeerRecordSizeLimit(offer.recordSizeLimit);
      if (c.recordSizeLimit !== undefined)
        ee.push({ type: ExtensionType.RecordSizeLimit, data: encodeRecordSizeLimit(c.recordSizeLimit) });
    }
    if (offer.serverName !== undefined && (this.opts.acknowledgeServerName ?? true)) {
      ee.push({ type: ExtensionType.ServerName, data: new Uint8Array(0) });
    }
    if (this.alpn !== undefined) ee.push({ type: ExtensionType.Alpn, data: encodeAlpn([this.alpn]) });
    this.queueHandshake(HandshakeType.EncryptedExtensions, serializeEncryptedExtensions(ee), () =>
      describeEncryptedExtensions(ee),
    );
    if (this.wantsClientCertificate) {
      this.requestedSchemes = [...c.signatureCodes];
      const ext: RawExtension[] = [
        { type: ExtensionType.SignatureAlgorithms, data: encodeSignatureAlgorithms(this.requestedSchemes) },
      ];
      const cas = this.caNames();
      if (cas.length)
        ext.push({ type: ExtensionType.CertificateAuthorities, data: encodeDistinguishedNames(cas) });
      this.queueHandshake(
        HandshakeType.CertificateRequest,
        serializeCertificateRequest13({ context: new Uint8Array(0), extensions: ext }),
        () => describeCertificateRequest(this.requestedSchemes, cas.length),
      );
    }
    this.queueCertificate(this.credential!.chain, true);
    const scheme = this.scheme!;
    const signature = this.credential!.signer.sign(
      scheme,
      certificateVerifyContent('server', this.transcript.hash(this.hash)),
    );
    this.queueCertificateVerify(scheme.code, signature);
    const verify = finishedVerifyData(
      this.hash,
      s.serverHandshakeTrafficSecret!,
      this.transcript.hash(this.hash),
    );
    this.queueHandshake(HandshakeType.Finished, verify, () => describeFinished(verify));
    s.deriveApplication(this.transcript.hash(this.hash));
    this.keylog('CLIENT_TRAFFIC_SECRET_0', this.clientRandom, s.clientApplicationTrafficSecret!);
    this.keylog('SERVER_TRAFFIC_SECRET_0', this.clientRandom, s.serverApplicationTrafficSecret!);
    this.keylog('EXPORTER_SECRET', this.clientRandom, s.exporterMasterSecret!);
    const sak = trafficKeys(this.hash, s.serverApplicationTrafficSecret!, suite.keyLength);
    this.setWriteProtection(new Tls13Protection(suite.aead, sak.key, sak.iv));
    const chk = trafficKeys(this.hash, s.clientHandshakeTrafficSecret!, suite.keyLength);
    if (!this.setReadProtection(new Tls13Protection(suite.aead, chk.key, chk.iv))) return;
    this.keyExchangeName = this.group!;
    this.transition(this.wantsClientCertificate ? 'server-wait-client-certificate' : 'server-wait-finished');
  }

  private keyExchangeName = '';

  private caNames(): Uint8Array[] {
    return (this.common.trustStore?.roots ?? []).slice(0, MAX_CA_NAMES).map((r) => r.subject.der);
  }

  private onClientCertificate(msg: HandshakeMessage): void {
    const tls13 = this.negotiated === ProtocolVersion.Tls13;
    const chain = this.readCertificateChain(msg, tls13, 'client');
    if (!chain) return;
    this.received(() => describeCertificates(chain), msg);
    this.transcript.add(msg.raw);
    if (chain.length === 0) {
      if (this.opts.requireClientCertificate) {
        this.fail(
          tls13 ? 'certificate_required' : 'handshake_failure',
          'the client sent no certificate',
          'remote',
        );
        return;
      }
      this.transition(tls13 ? 'server-wait-finished' : 'server-wait-client-key-exchange');
      return;
    }
    if (!this.verifyPeerChain(chain, 'client', undefined)) return;
    this.clientChain = chain;
    this.transition(tls13 ? 'server-wait-certificate-verify' : 'server-wait-client-key-exchange');
  }

  private onCertificateVerify(msg: HandshakeMessage): void {
    const tls13 = this.negotiated === ProtocolVersion.Tls13;
    const scheme = this.checkCertificateVerify(msg, {
      from: 'client',
      label: 'client CertificateVerify',
      key: this.clientChain[0]?.publicKey,
      allowed: this.requestedSchemes,
      tls13,
      content: () =>
        tls13 ? certificateVerifyContent('client', this.transcript.hash(this.hash)) : this.transcript.bytes(),
    });
    if (!scheme) return;
    this.transcript.add(msg.raw);
    this.transition(tls13 ? 'server-wait-finished' : 'server-wait-change-cipher-spec');
  }

  protected onFinished13(msg: HandshakeMessage): void {
    const s = this.schedule!;
    const expected = finishedVerifyData(
      this.hash,
      s.clientHandshakeTrafficSecret!,
      this.transcript.hash(this.hash),
    );
    if (!this.checkFinished(msg, expected, 'client')) return;
    s.deriveResumption(this.transcript.hash(this.hash));
    const suite = this.suite!;
    const cak = trafficKeys(this.hash, s.clientApplicationTrafficSecret!, suite.keyLength);
    if (!this.setReadProtection(new Tls13Protection(suite.aead, cak.key, cak.iv))) return;
    this.traffic13 = {
      hash: this.hash,
      aead: suite.aead,
      keyLength: suite.keyLength,
      read: s.clientApplicationTrafficSecret!,
      write: s.serverApplicationTrafficSecret!,
    };
    this.transition('connected');
    this.finishHandshake();
  }

  /**
   * Sends a TLS 1.3 NewSessionTicket (§4.6.1). netlab never resumes sessions, so the ticket
   * is only a message (to reproduce traces, or to show what a ticket looks like).
   */
  sendNewSessionTicket(ticket: NewSessionTicket13): void {
    if (this.state !== 'connected' || this.negotiated !== ProtocolVersion.Tls13) {
      throw new NetlabError('tls-not-connected', 'tickets are sent on an established TLS 1.3 connection');
    }
    this.queuePostHandshake(HandshakeType.NewSessionTicket, serializeNewSessionTicket13(ticket), () => ({
      type: 'NewSessionTicket',
      lifetime: ticket.lifetime,
    }));
    this.flush();
  }

  /** The PSK a ticket with `nonce` stands for (what the client derives too). */
  resumptionPsk(nonce: Uint8Array): Uint8Array {
    if (!this.schedule?.resumptionMasterSecret)
      throw new NetlabError('tls-not-connected', 'no resumption secret yet');
    return this.schedule.resumptionPsk(nonce);
  }

  // ------------------------------------------------------------------ TLS 1.2

  /** Whether `suite` can be served: a fitting certificate, a group, a signature scheme. */
  private plan12(
    suite: CipherSuite,
    offer: ClientOffer,
  ): { credential: ResolvedCredential; scheme?: SchemeInfo; group?: KeyExchangeGroup } | undefined {
    const wantKey = suite.auth === 'rsa' ? 'rsa' : 'ec';
    // RFC 5246 §7.4.1.4.1: without signature_algorithms the client accepts SHA-1 only.
    const schemes = offer.schemes ?? [0x0201, 0x0203];
    for (const cred of this.credentialsFor(offer.serverName)) {
      const leaf = cred.chain[0]!;
      if (leaf.publicKey.kind !== wantKey) continue;
      if (suite.keyExchange === 'rsa') {
        if (!cred.privateKey || (leaf.keyUsage && !leaf.keyUsage.includes('keyEncipherment'))) continue;
        return { credential: cred };
      }
      if (offer.pointFormats && !offer.pointFormats.includes(0)) return undefined;
      const group = this.common.groups.find(
        (g) => offer.groups.length === 0 || offer.groups.includes(groupCode(g)),
      );
      const scheme = chooseScheme(cred.signer.key, schemes, false);
      if (group && scheme) return { credential: cred, scheme, group };
    }
    return undefined;
  }

  private clientHello12(offer: ClientOffer, msg: HandshakeMessage): void {
    const ch = offer.hello;
    if (!ch.compressionMethods.includes(0)) {
      this.fail('illegal_parameter', 'the client does not offer null compression');
      return;
    }
    const plans = new Map<CipherSuite, ReturnType<TlsServer['plan12']>>();
    const suite = selectSuite(
      this.common.suites.filter((s) => s.version === '1.2'),
      ch.cipherSuites,
      this.opts.preferServerSuites ?? true,
      (s) => {
        const p = this.plan12(s, offer);
        plans.set(s, p);
        return p !== undefined;
      },
    );
    if (!suite.ok) {
      this.fail(suite.alert, suite.message);
      return;
    }
    const plan = plans.get(suite.value)!;
    this.suite = suite.value;
    this.hash = suite.value.hash;
    this.credential = plan.credential;
    this.setNegotiated(ProtocolVersion.Tls12);
    this.transcript.add(msg.raw);
    const c = this.common;
    this.ems = offer.ems;
    // RFC 8446 §4.1.3: a server able to do TLS 1.3 marks a 1.2 ServerHello.
    this.serverRandom = c.versions.includes('1.3')
      ? concatBytes([c.random(24), DOWNGRADE_TLS12])
      : c.random(32);
    const ext: RawExtension[] = [];
    if (offer.secureRenegotiation)
      ext.push({ type: ExtensionType.RenegotiationInfo, data: EMPTY_RENEGOTIATION_INFO });
    if (this.ems) ext.push({ type: ExtensionType.ExtendedMasterSecret, data: new Uint8Array(0) });
    if (suite.value.keyExchange === 'ecdhe' && offer.pointFormats) {
      ext.push({ type: ExtensionType.EcPointFormats, data: encodeEcPointFormats([0]) });
    }
    if (this.alpn !== undefined) ext.push({ type: ExtensionType.Alpn, data: encodeAlpn([this.alpn]) });
    if (offer.recordSizeLimit !== undefined) {
      this.applyPeerRecordSizeLimit(offer.recordSizeLimit);
      if (c.recordSizeLimit !== undefined)
        ext.push({ type: ExtensionType.RecordSizeLimit, data: encodeRecordSizeLimit(c.recordSizeLimit) });
    }
    const sh: ServerHello = {
      legacyVersion: ProtocolVersion.Tls12,
      random: this.serverRandom,
      sessionId: new Uint8Array(0),
      cipherSuite: suite.value.code,
      compressionMethod: 0,
      extensions: ext,
    };
    this.queueHandshake(HandshakeType.ServerHello, serializeServerHello(sh), () => describeServerHello(sh));
    this.queueCertificate(plan.credential.chain, false);
    if (suite.value.keyExchange === 'ecdhe') {
      const share = generateKeyShare(plan.group!, c.random);
      this.ecdhe = share;
      this.scheme = plan.scheme!;
      const params = encodeEcdhParams({ group: share.code, publicKey: share.publicKey });
      const signature = plan.credential.signer.sign(
        plan.scheme!,
        concatBytes([this.clientRandom, this.serverRandom, params]),
      );
      this.queueHandshake(
        HandshakeType.ServerKeyExchange,
        serializeServerKeyExchange(params, { scheme: plan.scheme!.code, signature }),
        () => describeServerKeyExchange(share.code, share.publicKey, plan.scheme!.code),
      );
      this.keyExchangeName = share.group;
    } else {
      this.keyExchangeName = 'rsa';
      this.rsaFallback = concatBytes([Uint8Array.of(3, 3), c.random(46)]);
    }
    if (this.wantsClientCertificate) {
      this.requestedSchemes = [...c.signatureCodes];
      const cas = this.caNames();
      this.queueHandshake(
        HandshakeType.CertificateRequest,
        serializeCertificateRequest12({
          certificateTypes: [CertificateType.rsa_sign, CertificateType.ecdsa_sign],
          signatureAlgorithms: this.requestedSchemes,
          authorities: cas,
        }),
        () => describeCertificateRequest(this.requestedSchemes, cas.length),
      );
    }
    this.queueHandshake(HandshakeType.ServerHelloDone, new Uint8Array(0), () => ({
      type: 'ServerHelloDone',
    }));
    this.flush();
    this.transition(
      this.wantsClientCertificate ? 'server-wait-client-certificate' : 'server-wait-client-key-exchange',
    );
  }

  private onClientKeyExchange(msg: HandshakeMessage): void {
    const suite = this.suite!;
    let pms: Uint8Array;
    if (suite.keyExchange === 'rsa') {
      const enc = parseRsaClientKeyExchange(msg.body);
      if (enc instanceof ProtocolError) {
        this.failWith(enc);
        return;
      }
      this.received(
        () => ({ type: 'ClientKeyExchange', kind: 'rsa', encryptedPremasterSecret: toHex(enc) }),
        msg,
      );
      const key = this.credential!.privateKey;
      if (key?.kind !== 'rsa') {
        this.fail('internal_error', 'RSA key exchange without an RSA private key', 'local');
        return;
      }
      pms = rsaDecryptPremaster(key, enc, this.offer!.hello.legacyVersion, this.rsaFallback);
    } else {
      const point = parseEcdheClientKeyExchange(msg.body);
      if (point instanceof ProtocolError) {
        this.failWith(point);
        return;
      }
      this.received(
        () => ({
          type: 'ClientKeyExchange',
          kind: 'ecdhe',
          group: this.ecdhe!.group,
          publicKey: toHex(point),
        }),
        msg,
      );
      const secret = sharedSecret(this.ecdhe!, point);
      if (secret instanceof ProtocolError) {
        this.failWith(secret);
        return;
      }
      pms = secret;
    }
    this.transcript.add(msg.raw);
    const { master, keys } = this.deriveKeys12(
      this.hash,
      pms,
      this.ems,
      this.clientRandom,
      this.serverRandom,
      suite,
    );
    this.master = master;
    this.clientKeys12 = keys;
    this.transition(
      this.clientChain.length > 0 ? 'server-wait-certificate-verify' : 'server-wait-change-cipher-spec',
    );
  }

  protected onChangeCipherSpec(): void {
    const kb = this.clientKeys12!;
    if (!this.setReadProtection(new Tls12Protection(this.suite!.aead, kb.clientKey, kb.clientIv))) return;
    this.transition('server-wait-finished');
  }

  protected onFinished12(msg: HandshakeMessage): void {
    const expected = verifyData12(this.hash, this.master, 'client finished', this.transcript.hash(this.hash));
    if (!this.checkFinished(msg, expected, 'client')) return;
    const kb = this.clientKeys12!;
    this.sendChangeCipherSpec();
    this.setWriteProtection(new Tls12Protection(this.suite!.aead, kb.serverKey, kb.serverIv));
    const verify = verifyData12(this.hash, this.master, 'server finished', this.transcript.hash(this.hash));
    this.queueHandshake(HandshakeType.Finished, verify, () => describeFinished(verify));
    this.flush();
    this.transition('connected');
    this.finishHandshake();
  }

  private finishHandshake(): void {
    const offer = this.offer!;
    this.established_({
      version: this.negotiated === ProtocolVersion.Tls13 ? '1.3' : '1.2',
      suite: this.suite!.name,
      keyExchange: this.keyExchangeName,
      ...(this.scheme ? { signatureScheme: this.scheme.name } : {}),
      ...(this.alpn ? { alpn: this.alpn } : {}),
      ...(offer.serverName ? { serverName: offer.serverName } : {}),
      peerCertificates: this.clientChain,
      extendedMasterSecret: this.ems,
      helloRetry: this.helloRetry,
    });
  }
}
