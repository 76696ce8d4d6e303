/**
 * The part of a TLS connection both ends share, sans-I/O: it takes received bytes and
 * gives back records to send and events (events.ts). It owns the record layer (framing,
 * protection, fragment sizes), handshake reassembly, the transcript, alerts, application
 * data, close_notify, and the transition table check: every incoming handshake message is
 * looked up in handshake-state.ts before the client or server code sees it.
 *
 * Rules enforced here for both versions (RFC 8446 §5, RFC 5246 §6):
 * - records of an unknown type, application data before the handshake completed, a
 *   handshake message straddling a key change, and more than `MAX_IGNORED_RECORDS` empty
 *   or ignorable records in a row are `unexpected_message`;
 * - a zero-length handshake, alert or ChangeCipherSpec fragment is `unexpected_message`
 *   (§5.1 / RFC 5246 §6.2.1);
 * - in TLS 1.3 a plaintext ChangeCipherSpec of exactly 0x01 is dropped during the
 *   handshake (Appendix D.4), anything else is `unexpected_message`;
 * - a fatal alert, received or sent, ends the connection; after close_notify from the peer
 *   nothing more is read.
 * Any failure sends one fatal alert (protected if keys are in place) and moves to
 * 'failed'; nothing after it is processed. An exception inside the machine (a bug) is
 * caught and becomes `internal_error`, so hostile input can never escape as a throw.
 */
import { concatBytes, joinBytes } from '../../bytes/concat.ts';
import { toHex } from '../../bytes/hex.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { AlertDescription, type AlertName, alertName, parseAlert, serializeAlert } from './alert.ts';
import { ContentType, ProtocolVersion } from './code-points.ts';
import type { ResolvedCommon } from './config.ts';
import type { HandshakeDetails, KeyLogLabel, SessionInfo, TlsEvent } from './events.ts';
import { frameHandshake, HandshakeReassembler, type HandshakeMessage } from './handshake-framing.ts';
import { allowedTargets, type Incoming, incomingOf, type TlsState } from './handshake-state.ts';
import {
  MAX_CIPHERTEXT_TLS12,
  MAX_CIPHERTEXT_TLS13,
  MAX_PLAINTEXT,
  RecordReader,
  type TlsRecord,
} from './record.ts';
import { NULL_PROTECTION, type RecordProtection } from './record-protection.ts';
import { failure, type TlsErrorCode, type TlsFailure } from './tls-error.ts';
import { HandshakeType } from './code-points.ts';
import type { AeadName } from './cipher-suites.ts';
import { parseKeyUpdate } from './handshake-messages.ts';
import { nextTrafficSecret, trafficKeys } from './key-schedule.ts';
import { Tls13Protection } from './record-protection.ts';
import { Transcript, type TranscriptHash } from './transcript.ts';

/** TLS 1.3 application traffic secrets, kept for KeyUpdate (§4.6.3, §7.2). */
export interface Traffic13 {
  readonly hash: TranscriptHash;
  readonly aead: AeadName;
  readonly keyLength: number;
  read: Uint8Array;
  write: Uint8Array;
}

/** Empty application-data records or ignored ChangeCipherSpecs accepted in a row (OpenSSL: 32). */
export const MAX_IGNORED_RECORDS = 32;
/** Warning alerts accepted in a row before giving up (a peer flooding warnings). */
export const MAX_WARNING_ALERTS = 16;

const ALERT_NAMES = new Set(Object.keys(AlertDescription));

export abstract class TlsConnection {
  abstract readonly role: 'client' | 'server';
  state: TlsState = 'start';
  /** Set when the handshake is done. */
  session: SessionInfo | undefined;
  /** Set when the connection failed. */
  failure: TlsFailure | undefined;

  protected readonly transcript = new Transcript();
  protected readProtection: RecordProtection = NULL_PROTECTION;
  protected writeProtection: RecordProtection = NULL_PROTECTION;
  /** 0x0303 or 0x0304 once the ServerHello is sent or read. */
  protected negotiated: number | undefined;
  /** Largest plaintext fragment this side sends (lowered by the peer's record_size_limit). */
  protected maxFragment = MAX_PLAINTEXT;
  /** Legacy version written in record headers (0x0301 for the first ClientHello). */
  protected recordVersion: number = ProtocolVersion.Tls12;

  /** Set once TLS 1.3 application keys are in use. */
  protected traffic13: Traffic13 | undefined;

  private readonly reader = new RecordReader(MAX_CIPHERTEXT_TLS12);
  private readonly reassembler: HandshakeReassembler;
  private out: Uint8Array[] = [];
  private events: TlsEvent[] = [];
  private pendingHandshake: Uint8Array[] = [];
  private pendingSize = 0;
  private allowed: readonly TlsState[] | undefined;
  private ignoredRecords = 0;
  private warnings = 0;
  private readClosed = false;
  private writeClosed = false;

  constructor(protected readonly common: ResolvedCommon) {
    this.reassembler = new HandshakeReassembler(common.maxHandshakeMessage);
  }

  get established(): boolean {
    return this.state === 'connected';
  }

  /** Whether the peer sent close_notify. */
  get peerClosed(): boolean {
    return this.readClosed;
  }

  /** Whether this side sent close_notify (or a fatal alert). */
  get closed(): boolean {
    return this.writeClosed;
  }

  /** The version in use: '1.2', '1.3', or undefined before the ServerHello. */
  get version(): '1.2' | '1.3' | undefined {
    return this.negotiated === ProtocolVersion.Tls13
      ? '1.3'
      : this.negotiated === ProtocolVersion.Tls12
        ? '1.2'
        : undefined;
  }

  /** Records produced since the last call, concatenated (empty when there are none). */
  takeOutput(): Uint8Array {
    const all = joinBytes(this.out);
    this.out = [];
    return all;
  }

  takeEvents(): TlsEvent[] {
    const e = this.events;
    this.events = [];
    return e;
  }

  /** Feeds received bytes; returns the events they caused (output waits in `takeOutput`). */
  receive(bytes: Uint8Array): TlsEvent[] {
    if (this.stopped) return this.takeEvents();
    try {
      this.reader.push(bytes);
      for (;;) {
        if (this.stopped) break;
        const rec = this.reader.next();
        if (rec === null) break;
        if (rec instanceof ProtocolError) {
          this.failWith(rec);
          break;
        }
        this.handleRecord(rec);
      }
    } catch (e) {
      this.internalError(e);
    }
    return this.takeEvents();
  }

  private get stopped(): boolean {
    return this.state === 'failed' || this.readClosed;
  }

  /** Encrypts application data into records. Only once established and before close(). */
  write(data: Uint8Array): void {
    if (this.state !== 'connected')
      throw new NetlabError('tls-not-connected', `cannot write in state ${this.state}`);
    if (this.writeClosed) throw new NetlabError('tls-closed', 'write after close_notify');
    const max = this.maxFragment;
    for (let at = 0; at < data.length; at += max) {
      this.out.push(
        this.writeProtection.seal(
          ContentType.ApplicationData,
          data.subarray(at, at + max),
          this.recordVersion,
        ),
      );
    }
  }

  /** Sends close_notify (RFC 8446 §6.1). Before the handshake ends this abandons it. */
  close(): TlsEvent[] {
    if (this.writeClosed || this.state === 'failed') return this.takeEvents();
    this.sendAlert('warning', AlertDescription.close_notify);
    this.writeClosed = true;
    if (this.state !== 'connected')
      this.stop(failure('tls-local', 'close_notify', 'closed before the handshake completed', 'local'));
    return this.takeEvents();
  }

  /** TLS 1.3 KeyUpdate (§4.6.3): new write keys, and optionally ask the peer to update too. */
  updateKeys(requestPeer = false): TlsEvent[] {
    if (this.state !== 'connected' || !this.traffic13) {
      throw new NetlabError('tls-not-connected', 'KeyUpdate needs an established TLS 1.3 connection');
    }
    this.sendKeyUpdate(requestPeer);
    return this.takeEvents();
  }

  // ------------------------------------------------------------------ for client and server

  /** Reports a received message with what it carries (when describing). */
  protected received(details: () => HandshakeDetails, msg: HandshakeMessage): void {
    if (this.common.describe) {
      this.emit({
        kind: 'handshake',
        direction: 'received',
        details: details(),
        length: msg.raw.length,
        encrypted: this.readProtection.protected,
      });
    }
  }

  /** Sends a warning alert (no_renegotiation). */
  protected warn(description: number): void {
    this.sendAlert('warning', description);
  }

  /** A KeyUpdate from the peer: next read keys, and an answer when it asks (§4.6.3). */
  protected onKeyUpdateMessage(msg: HandshakeMessage): void {
    const t = this.traffic13;
    if (!t) {
      this.fail('unexpected_message', 'KeyUpdate outside TLS 1.3');
      return;
    }
    const requestUpdate = parseKeyUpdate(msg.body);
    if (requestUpdate instanceof ProtocolError) {
      this.failWith(requestUpdate);
      return;
    }
    this.received(() => ({ type: 'KeyUpdate', requestUpdate }), msg);
    t.read = nextTrafficSecret(t.hash, t.read);
    const k = trafficKeys(t.hash, t.read, t.keyLength);
    if (!this.setReadProtection(new Tls13Protection(t.aead, k.key, k.iv))) return;
    this.emit({ kind: 'key-update', direction: 'received' });
    // The answer is due before our next application data (§4.6.3); after our close_notify there is none.
    if (requestUpdate && !this.writeClosed) this.sendKeyUpdate(false);
    this.transition('connected');
  }

  private sendKeyUpdate(requestPeer: boolean): void {
    const t = this.traffic13!;
    this.queuePostHandshake(HandshakeType.KeyUpdate, Uint8Array.of(requestPeer ? 1 : 0), () => ({
      type: 'KeyUpdate',
      requestUpdate: requestPeer,
    }));
    this.flush();
    t.write = nextTrafficSecret(t.hash, t.write);
    const k = trafficKeys(t.hash, t.write, t.keyLength);
    this.setWriteProtection(new Tls13Protection(t.aead, k.key, k.iv));
    this.emit({ kind: 'key-update', direction: 'sent' });
  }

  /** Handles one handshake message the table allowed; `kind` is its table name. */
  protected abstract onHandshake(msg: HandshakeMessage, kind: Incoming): void;

  /** A ChangeCipherSpec record the table allowed (TLS 1.2). */
  protected abstract onChangeCipherSpec(): void;

  protected emit(e: TlsEvent): void {
    this.events.push(e);
  }

  protected setState(to: TlsState): void {
    const from = this.state;
    this.state = to;
    this.emit({ kind: 'state', from, to });
  }

  /** Moves to `to`, which must be one the table allows for the message being handled. */
  protected transition(to: TlsState): void {
    if (this.allowed && !this.allowed.includes(to)) {
      throw new NetlabError('tls-table', `transition ${this.state} -> ${to} is not in the table`);
    }
    this.setState(to);
  }

  /** Queues a handshake message (it enters the transcript now, the wire at `flush`). */
  protected queueHandshake(type: number, body: Uint8Array, details?: () => HandshakeDetails): Uint8Array {
    const raw = frameHandshake(type, body);
    if (!this.transcript.add(raw)) throw new NetlabError('tls-transcript', 'handshake transcript too long');
    this.queueFramed(raw, details);
    return raw;
  }

  /** Queues a message that does not enter the transcript (post-handshake: tickets, key updates). */
  protected queuePostHandshake(type: number, body: Uint8Array, details?: () => HandshakeDetails): void {
    this.queueFramed(frameHandshake(type, body), details);
  }

  /** Writes queued handshake messages as records, packed up to the fragment limit. */
  protected flush(): void {
    if (this.pendingSize === 0) return;
    const all = concatBytes(this.pendingHandshake);
    this.pendingHandshake = [];
    this.pendingSize = 0;
    for (let i = 0; i < all.length; i += this.maxFragment) {
      this.out.push(
        this.writeProtection.seal(
          ContentType.Handshake,
          all.subarray(i, i + this.maxFragment),
          this.recordVersion,
        ),
      );
    }
  }

  /** A ChangeCipherSpec record: always plaintext (TLS 1.2 sends it before switching keys, 1.3 ignores it). */
  protected sendChangeCipherSpec(): void {
    this.flush();
    this.out.push(NULL_PROTECTION.seal(ContentType.ChangeCipherSpec, Uint8Array.of(1), this.recordVersion));
    this.traceChangeCipherSpec('sent');
  }

  /** Switches outgoing protection, after flushing what the old keys must carry. */
  protected setWriteProtection(p: RecordProtection): void {
    this.flush();
    this.writeProtection = p;
  }

  /** Switches incoming protection; TLS 1.3 forbids a message cut across the change (§5.1). */
  protected setReadProtection(p: RecordProtection): boolean {
    if (this.reassembler.partial) {
      this.fail('unexpected_message', 'a handshake message straddles a key change');
      return false;
    }
    this.readProtection = p;
    return true;
  }

  protected setNegotiated(version: number): void {
    this.negotiated = version;
    this.recordVersion = ProtocolVersion.Tls12;
    if (version === ProtocolVersion.Tls13) this.reader.maxLength = MAX_CIPHERTEXT_TLS13;
  }

  /** Applies the peer's record_size_limit (RFC 8449 §4): in 1.3 the limit counts the content type. */
  protected applyPeerRecordSizeLimit(limit: number): void {
    const max = this.negotiated === ProtocolVersion.Tls13 ? limit - 1 : limit;
    this.maxFragment = Math.min(MAX_PLAINTEXT, max);
  }

  protected keylog(label: KeyLogLabel, clientRandom: Uint8Array, secret: Uint8Array): void {
    this.emit({ kind: 'keylog', label, clientRandom, secret });
  }

  protected established_(session: SessionInfo): void {
    this.session = session;
    this.transcript.forgetBytes();
    this.emit({ kind: 'established', session });
  }

  /** Fails with the alert a codec error names (codes in this folder are alert names). */
  protected failWith(err: ProtocolError, code: TlsErrorCode = 'tls-protocol'): void {
    const alert = ALERT_NAMES.has(err.code) ? (err.code as AlertName) : 'decode_error';
    this.fail(alert, err.message, err.side, code);
  }

  /** Sends a fatal alert and stops. */
  protected fail(
    alert: AlertName,
    message: string,
    side: 'local' | 'remote' = 'remote',
    code: TlsErrorCode = side === 'remote' ? 'tls-protocol' : 'tls-local',
    certificate?: Parameters<typeof failure>[4],
  ): void {
    if (this.state === 'failed') return;
    this.pendingHandshake = [];
    this.pendingSize = 0;
    const f = failure(code, alert, message, side, certificate);
    if (!this.writeClosed) this.sendAlert('fatal', AlertDescription[alert]);
    this.stop(f);
  }

  protected describeHex(b: Uint8Array): string {
    return toHex(b);
  }

  // ------------------------------------------------------------------ inside

  /** What a side adds to its failure about the handshake so far (the client: its certificate answer). */
  protected annotateFailure(f: TlsFailure): TlsFailure {
    return f;
  }

  /** Ends the connection with `f`: nothing more is sent (RFC 8446 §6.2: a fatal alert closes it). */
  private stop(f: TlsFailure): void {
    const annotated = this.annotateFailure(f);
    this.failure = annotated;
    this.writeClosed = true;
    this.setState('failed');
    this.emit({ kind: 'failed', failure: annotated });
  }

  /** Adds a framed message to the next flush and reports it (when describing). */
  private queueFramed(raw: Uint8Array, details: (() => HandshakeDetails) | undefined): void {
    this.pendingHandshake.push(raw);
    this.pendingSize += raw.length;
    if (this.common.describe && details) {
      this.emit({
        kind: 'handshake',
        direction: 'sent',
        details: details(),
        length: raw.length,
        encrypted: this.writeProtection.protected,
      });
    }
  }

  /** Reports a ChangeCipherSpec (when describing): always one plaintext byte, never a handshake message. */
  private traceChangeCipherSpec(direction: 'sent' | 'received'): void {
    if (this.common.describe) {
      this.emit({
        kind: 'handshake',
        direction,
        details:
          this.negotiated === ProtocolVersion.Tls13
            ? { type: 'ChangeCipherSpec', middlebox: true }
            : { type: 'ChangeCipherSpec' },
        length: 1,
        encrypted: false,
      });
    }
  }

  private internalError(e: unknown): void {
    const text = e instanceof Error ? e.message : String(e);
    this.fail('internal_error', `internal error: ${text}`, 'local');
  }

  private sendAlert(level: 'warning' | 'fatal', description: number): void {
    this.out.push(
      this.writeProtection.seal(
        ContentType.Alert,
        serializeAlert({ level, description }),
        this.recordVersion,
      ),
    );
    this.emit({ kind: 'alert', direction: 'sent', level, description, name: alertName(description) });
  }

  private handleRecord(rec: TlsRecord): void {
    if (rec.type === ContentType.ChangeCipherSpec && this.negotiated === ProtocolVersion.Tls13) {
      // Appendix D.4 middlebox compatibility: a plaintext 0x01 during the 1.3 handshake is dropped.
      if (this.state === 'connected' || rec.fragment.length !== 1 || rec.fragment[0] !== 1) {
        this.fail('unexpected_message', 'ChangeCipherSpec in TLS 1.3');
        return;
      }
      this.traceChangeCipherSpec('received');
      this.countIgnored();
      return;
    }
    const opened = this.readProtection.open(rec);
    if (opened instanceof ProtocolError) {
      this.failWith(opened);
      return;
    }
    const { type, content } = opened;
    switch (type) {
      case ContentType.Handshake: {
        if (content.length === 0) {
          this.fail('unexpected_message', 'empty handshake record');
          return;
        }
        this.ignoredRecords = 0;
        const msgs = this.reassembler.push(content);
        if (msgs instanceof ProtocolError) {
          this.failWith(msgs);
          return;
        }
        for (const m of msgs) {
          if (this.state === 'failed') return;
          this.handleHandshake(m);
        }
        return;
      }
      case ContentType.Alert:
        this.handleAlert(content);
        return;
      case ContentType.ChangeCipherSpec:
        this.handleChangeCipherSpec(content);
        return;
      case ContentType.ApplicationData:
        if (this.state !== 'connected') {
          this.fail('unexpected_message', `application data in state ${this.state}`);
          return;
        }
        if (this.reassembler.partial) {
          this.fail('unexpected_message', 'application data inside a fragmented handshake message');
          return;
        }
        if (content.length === 0) {
          this.countIgnored();
          return;
        }
        this.ignoredRecords = 0;
        this.emit({ kind: 'data', data: content });
        return;
      default:
        this.fail('unexpected_message', `inner content type ${type}`);
    }
  }

  private countIgnored(): void {
    if (++this.ignoredRecords > MAX_IGNORED_RECORDS) {
      this.fail('unexpected_message', `more than ${MAX_IGNORED_RECORDS} empty or ignored records in a row`);
    }
  }

  private handleHandshake(m: HandshakeMessage): void {
    const kind = incomingOf(m.type);
    const targets = kind ? allowedTargets(this.state, kind) : undefined;
    if (!kind || !targets) {
      this.fail('unexpected_message', `${kind ?? `handshake type ${m.type}`} in state ${this.state}`);
      return;
    }
    this.allowed = targets;
    try {
      this.onHandshake(m, kind);
    } finally {
      this.allowed = undefined;
    }
  }

  private handleChangeCipherSpec(content: Uint8Array): void {
    const targets = allowedTargets(this.state, 'ChangeCipherSpec');
    if (!targets) {
      this.fail('unexpected_message', `ChangeCipherSpec in state ${this.state}`);
      return;
    }
    if (content.length !== 1 || content[0] !== 1) {
      this.fail('decode_error', 'ChangeCipherSpec must be the single byte 0x01');
      return;
    }
    this.traceChangeCipherSpec('received');
    this.allowed = targets;
    try {
      this.onChangeCipherSpec();
    } finally {
      this.allowed = undefined;
    }
  }

  private handleAlert(content: Uint8Array): void {
    const a = parseAlert(content);
    if (a instanceof ProtocolError) {
      this.failWith(a);
      return;
    }
    const name = alertName(a.description);
    this.emit({ kind: 'alert', direction: 'received', level: a.level, description: a.description, name });
    if (a.description === AlertDescription.close_notify) {
      this.readClosed = true;
      if (this.state !== 'connected') {
        this.stop(
          failure('tls-alert-received', 'close_notify', 'the peer closed during the handshake', 'remote'),
        );
        return;
      }
      this.emit({ kind: 'peer-closed' });
      return;
    }
    // TLS 1.3 §6.2: every other alert is fatal whatever its level; user_canceled is followed by close_notify.
    const tls13 = this.negotiated === ProtocolVersion.Tls13;
    if (a.level === 'warning' && (!tls13 || a.description === AlertDescription.user_canceled)) {
      if (++this.warnings > MAX_WARNING_ALERTS) this.fail('unexpected_message', 'too many warning alerts');
      return;
    }
    this.readClosed = true;
    this.stop(failure('tls-alert-received', a.description, `the peer sent ${name}`, 'remote'));
  }
}
