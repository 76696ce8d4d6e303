/**
 * The handshake steps the client and the server take alike, each in one place: sending a
 * Certificate and a CertificateVerify, reading and validating the peer's chain, checking
 * its Finished, and deriving the secrets whose names go to the key log. What differs
 * between the ends (who signs what, which state comes next) stays in client.ts and
 * server.ts; this layer only knows the messages (RFC 8446 §4.4, RFC 5246 §7.4).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { bytesEqual } from '../../bytes/equal.ts';
import { type Certificate, parseCertificate } from '../pki/certificate.ts';
import type { PublicKey } from '../pki/keys.ts';
import { CHAIN_ERROR_ALERTS, validateChain } from '../pki/chain-validation.ts';
import type { AlertName } from './alert.ts';
import type { CipherSuite } from './cipher-suites.ts';
import { HandshakeType, ProtocolVersion } from './code-points.ts';
import { TlsConnection } from './connection.ts';
import { describeCertificates, describeCertificateVerify, describeFinished } from './describe.ts';
import type { HandshakeMessage } from './handshake-framing.ts';
import type { Incoming } from './handshake-state.ts';
import {
  parseCertificateMessage,
  parseCertificateVerify,
  serializeCertificate,
  serializeCertificateVerify,
} from './handshake-messages.ts';
import { KeySchedule13 } from './key-schedule.ts';
import { extendedMasterSecret, type KeyBlock12, keyBlock12, masterSecret } from './prf.ts';
import { type SchemeInfo, schemeFits, schemeInfo, verifyWithScheme } from './signature-schemes.ts';
import type { TranscriptHash } from './transcript.ts';

/** What one side does with one kind of incoming handshake message. */
export type MessageHandler = (msg: HandshakeMessage) => void;

export abstract class TlsHandshakeSteps extends TlsConnection {
  /**
   * The messages this side takes, by their transition-table name, besides Finished and
   * KeyUpdate, which both sides dispatch alike. A kind the table lets through that this
   * side has no handler for (a ClientHello sent to a client) is unexpected_message.
   */
  protected abstract readonly handlers: Partial<Record<Incoming, MessageHandler>>;

  /** The peer's Finished in TLS 1.3 (§4.4.4) and in TLS 1.2 (RFC 5246 §7.4.9). */
  protected abstract onFinished13(msg: HandshakeMessage): void;
  protected abstract onFinished12(msg: HandshakeMessage): void;

  protected onHandshake(msg: HandshakeMessage, kind: Incoming): void {
    if (kind === 'Finished') {
      if (this.negotiated === ProtocolVersion.Tls13) this.onFinished13(msg);
      else this.onFinished12(msg);
      return;
    }
    if (kind === 'KeyUpdate') {
      this.onKeyUpdateMessage(msg);
      return;
    }
    const handle = this.handlers[kind];
    if (handle) handle(msg);
    else this.fail('unexpected_message', `${kind} sent to a ${this.role}`);
  }

  /**
   * Queues a Certificate carrying `chain`, leaf first, with no per-certificate extensions
   * (§4.4.2); `context` is the 1.3 certificate_request_context (empty but for a client
   * echoing its CertificateRequest). An empty chain is the "no certificate" answer.
   */
  protected queueCertificate(
    chain: readonly Certificate[],
    tls13: boolean,
    context: Uint8Array = new Uint8Array(0),
  ): void {
    const body = serializeCertificate(
      { context, entries: chain.map((c) => ({ der: c.der, extensions: [] })) },
      tls13,
    );
    this.queueHandshake(HandshakeType.Certificate, body, () => describeCertificates(chain));
  }

  /** Queues a CertificateVerify: the signature scheme and the signature (§4.4.3, RFC 5246 §7.4.8). */
  protected queueCertificateVerify(scheme: number, signature: Uint8Array): void {
    this.queueHandshake(
      HandshakeType.CertificateVerify,
      serializeCertificateVerify({ scheme, signature }),
      () => describeCertificateVerify(scheme, signature),
    );
  }

  /**
   * Reads the peer's Certificate message into parsed certificates, or fails: a 1.3 request
   * context from the `from` side is illegal_parameter (only a client echoes one, and this
   * lab never asks post-handshake), a certificate that does not parse is bad_certificate.
   * The message is neither traced nor added to the transcript here: the caller decides
   * whether an empty chain is acceptable first.
   */
  protected readCertificateChain(
    msg: HandshakeMessage,
    tls13: boolean,
    from: 'client' | 'server',
  ): Certificate[] | undefined {
    const m = parseCertificateMessage(msg.body, tls13);
    if (m instanceof ProtocolError) {
      this.failWith(m);
      return undefined;
    }
    if (tls13 && m.context.length !== 0) {
      this.fail('illegal_parameter', `${from} Certificate with a request context`);
      return undefined;
    }
    const chain: Certificate[] = [];
    for (const e of m.entries) {
      const c = parseCertificate(e.der.slice());
      if (c instanceof ProtocolError) {
        this.fail('bad_certificate', `certificate does not parse: ${c.message}`);
        return undefined;
      }
      chain.push(c);
    }
    return chain;
  }

  /**
   * Validates the peer's chain for `purpose` (pki/chain-validation.ts), reports the result
   * as a `peer-verified` event, and on failure sends the alert the failure maps to.
   */
  protected verifyPeerChain(
    chain: Certificate[],
    purpose: 'client' | 'server',
    hostname: string | undefined,
  ): boolean {
    const v = validateChain({
      chain,
      trustStore: this.common.trustStore!,
      at: this.common.now!(),
      ...(hostname === undefined ? {} : { hostname }),
      purpose,
      minRsaBits: this.common.minRsaBits,
    });
    this.emit({ kind: 'peer-verified', validation: v, ...(hostname === undefined ? {} : { hostname }) });
    if (v.ok) return true;
    const alert = CHAIN_ERROR_ALERTS[v.error!.code] as AlertName;
    this.fail(alert, v.error!.message, 'local', 'tls-certificate', v.error!.code);
    return false;
  }

  /**
   * Reads and checks the peer's CertificateVerify (§4.4.3, RFC 5246 §7.4.8) against the
   * leaf `key` of its chain: a scheme not in `allowed` or unfit for the key is
   * illegal_parameter (`label` names the message in that error), a signature over
   * `content` that does not verify is decrypt_error. Returns the scheme when it verifies;
   * the caller adds the message to the transcript.
   */
  protected checkCertificateVerify(
    msg: HandshakeMessage,
    check: {
      readonly from: 'client' | 'server';
      readonly label: string;
      readonly key: PublicKey | undefined;
      readonly allowed: readonly number[];
      readonly tls13: boolean;
      readonly content: () => Uint8Array;
    },
  ): SchemeInfo | undefined {
    const cv = parseCertificateVerify(msg.body);
    if (cv instanceof ProtocolError) {
      this.failWith(cv);
      return undefined;
    }
    this.received(() => describeCertificateVerify(cv.scheme, cv.signature), msg);
    const key = check.key;
    const scheme = schemeInfo(cv.scheme);
    if (!key || !scheme || !check.allowed.includes(cv.scheme) || !schemeFits(scheme, key, check.tls13)) {
      this.fail('illegal_parameter', `${check.label} with scheme 0x${cv.scheme.toString(16)}`);
      return undefined;
    }
    if (!verifyWithScheme(key, scheme, check.content(), cv.signature)) {
      this.fail('decrypt_error', `the ${check.from} CertificateVerify signature does not verify`);
      return undefined;
    }
    return scheme;
  }

  /**
   * Checks the peer's Finished against `expected` (§4.4.4, RFC 5246 §7.4.9): a mismatch is
   * decrypt_error; a match enters the transcript.
   */
  protected checkFinished(msg: HandshakeMessage, expected: Uint8Array, from: 'client' | 'server'): boolean {
    this.received(() => describeFinished(msg.body), msg);
    if (!bytesEqual(expected, msg.body)) {
      this.fail('decrypt_error', `the ${from} Finished does not verify`);
      return false;
    }
    this.transcript.add(msg.raw);
    return true;
  }

  /**
   * Starts the TLS 1.3 key schedule from the (EC)DHE secret over the transcript up to
   * ServerHello (§7.1) and logs both handshake traffic secrets (NSS key log format).
   */
  protected startSchedule13(
    hash: TranscriptHash,
    secret: Uint8Array,
    clientRandom: Uint8Array,
  ): KeySchedule13 {
    const s = new KeySchedule13(hash);
    s.deriveHandshake(secret, this.transcript.hash(hash));
    this.keylog('CLIENT_HANDSHAKE_TRAFFIC_SECRET', clientRandom, s.clientHandshakeTrafficSecret!);
    this.keylog('SERVER_HANDSHAKE_TRAFFIC_SECRET', clientRandom, s.serverHandshakeTrafficSecret!);
    return s;
  }

  /**
   * The TLS 1.2 master secret from the premaster secret, logged as CLIENT_RANDOM, and the
   * key block `suite` needs (RFC 5246 §6.3). The master secret is the extended one over the
   * session hash when both sides agreed to it (RFC 7627 §4), else the RFC 5246 §8.1 one over
   * the two randoms.
   */
  protected deriveKeys12(
    hash: TranscriptHash,
    premaster: Uint8Array,
    ems: boolean,
    clientRandom: Uint8Array,
    serverRandom: Uint8Array,
    suite: CipherSuite,
  ): { master: Uint8Array; keys: KeyBlock12 } {
    const master = ems
      ? extendedMasterSecret(hash, premaster, this.transcript.hash(hash))
      : masterSecret(hash, premaster, clientRandom, serverRandom);
    this.keylog('CLIENT_RANDOM', clientRandom, master);
    const keys = keyBlock12(hash, master, clientRandom, serverRandom, suite.keyLength, suite.fixedIvLength);
    return { master, keys };
  }
}
