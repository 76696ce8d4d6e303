/**
 * TLS as a `ByteStream` over a `ByteStream` (what node:tls is to node:net): `tlsConnect`
 * runs the client machine over any stream (simulated TCP, a memory pipe, a real socket),
 * `tlsAccept` the server machine, and both resolve once the handshake is done with a
 * `TlsStream` that reads and writes application data. The negotiated version, suite, ALPN
 * protocol and the peer's certificates are on the stream.
 *
 * Everything the machine reports goes to the trace bus when one is given ('tls.*' events,
 * 'pki.validate' for certificate checks) and key log lines to `keyLog`.
 *
 * Errors: a failed handshake rejects with a `TlsError` (tls-error.ts) after the alert was
 * written and the transport closed. The peer closing the transport without close_notify
 * ends reads normally but sets `truncated` (HTTP framing decides whether that matters).
 * Back-pressure: decrypted data waits in a buffer of `highWaterMark` bytes (default
 * 256 KiB); beyond it the stream stops reading the transport until the application reads.
 *
 * Closing: `end()` sends close_notify and half-closes the transport (FIN); reading goes
 * on. `close()` is the graceful, bidirectional close of OpenSSL's two-step SSL_shutdown
 * followed by close(2): close_notify, the transport's half close, then the stream keeps
 * reading the transport — discarding whatever arrives, nothing is buffered — until the
 * peer's close_notify or the end of the transport, and only then closes the transport.
 * RFC 8446 §6.1 lets a party close without waiting for the peer's close_notify; we wait
 * so that TCP closes in order: the side that closed first sees the peer's FIN after its
 * own and goes through TIME-WAIT, instead of answering the peer's last records with RST
 * from a socket nobody holds any more. The wait is bounded by `closeLinger` (default
 * 10 s on the stream's `clock`); a peer silent that long gets the transport aborted.
 * The application is done at once: reads after close() return null.
 */
import type { Clock } from '../../sim/clock.ts';
import { plainDeferred } from '../../sim/plain-deferred.ts';
import type { Deferred } from '../../sim/simulator.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import { type ByteStream, StreamError, type StreamEndpoint } from '../../transport/byte-stream.ts';
import { takeFront } from '../../transport/chunk-queue.ts';
import { formatName } from '../pki/name.ts';
import type { TraceTarget } from '../pki/trace-events.ts';
import type { Certificate } from '../pki/certificate.ts';
import { TlsClient } from './client.ts';
import type { TlsClientOptions, TlsServerOptions } from './config.ts';
import type { TlsConnection } from './connection.ts';
import type { SessionInfo, TlsEvent } from './events.ts';
import { formatKeyLogLine } from './key-log.ts';
import { TlsServer } from './server.ts';
import { failure, TlsError } from './tls-error.ts';
import '../pki/trace-events.ts';
import './trace-events.ts';

export interface TlsStreamOptions {
  /** Receives NSS key log lines (SSLKEYLOGFILE format). */
  readonly keyLog?: (line: string) => void;
  /** Where 'tls.*' trace events go (a Simulator fits). */
  readonly trace?: TraceTarget;
  /** The node name in trace events (default: the local address). */
  readonly node?: string;
  /** Promise factory (pass `() => sim.deferred()` inside a simulation). */
  readonly deferred?: <T>() => Deferred<T>;
  /** Decrypted bytes buffered before reading from the transport pauses. Default 256 KiB. */
  readonly highWaterMark?: number;
  /** With `handshakeTimeout`: the clock the deadline runs on (simClock(sim) or realClock). */
  readonly clock?: Clock;
  /** A handshake not done by then fails with tls-timeout and resets the transport. */
  readonly handshakeTimeout?: Time;
  /**
   * How long close() waits on `clock` for the peer's close_notify (or the end of the
   * transport) before it aborts the transport anyway. Default 10 s. Without a clock the
   * wait has no bound of its own (the transport's timeouts still apply): every adapter in
   * this project passes one.
   */
  readonly closeLinger?: Time;
}

export type TlsConnectOptions = TlsClientOptions & TlsStreamOptions;
export type TlsAcceptOptions = TlsServerOptions & TlsStreamOptions;

const DEFAULT_HIGH_WATER = 256 * 1024;
/** close(): how long to wait for the peer's close_notify before aborting the transport. */
export const DEFAULT_CLOSE_LINGER: Time = 10 * SECOND;

export class TlsStream implements ByteStream {
  readonly local: StreamEndpoint;
  readonly remote: StreamEndpoint;
  /** The peer ended the transport without close_notify. */
  truncated = false;

  private readonly chunks: Uint8Array[] = [];
  private buffered = 0;
  /** No more data for the application: the peer's close_notify, the transport's end, or close(). */
  private eof = false;
  /** The pump stopped reading the transport: close_notify or end of stream received. */
  private readDone = false;
  /** close() was called: whatever still arrives is discarded. */
  private closing = false;
  /** The pump stopped: nothing reads the transport any more. */
  private pumpEnded = false;
  /** Resolved when the pump stops (close() waits for it). */
  private pumpStopped: Deferred<void> | null = null;
  /** The transport's half close, once asked for (end() and close() share it). */
  private transportEnd: Promise<void> | null = null;
  private error: Error | null = null;
  private reader: { d: Deferred<Uint8Array | null>; max: number } | null = null;
  private drained: Deferred<void> | null = null;
  private writes: Promise<void> = Promise.resolve();
  private readonly ready: Deferred<TlsStream>;
  private readonly deferred: <T>() => Deferred<T>;
  private readonly highWater: number;
  private readonly node: string;
  private readonly peer: string;
  private done = false;

  private constructor(
    private readonly machine: TlsConnection,
    private readonly transport: ByteStream,
    private readonly options: TlsStreamOptions,
  ) {
    this.local = transport.local;
    this.remote = transport.remote;
    this.deferred = options.deferred ?? plainDeferred;
    this.highWater = options.highWaterMark ?? DEFAULT_HIGH_WATER;
    this.node = options.node ?? transport.local.address;
    this.peer = `${transport.remote.address}:${transport.remote.port}`;
    this.ready = this.deferred<TlsStream>();
    const { clock, handshakeTimeout } = options;
    if (clock && handshakeTimeout !== undefined) {
      const cancel = clock.setTimer(handshakeTimeout, () => {
        if (this.done) return;
        this.fail(
          new TlsError(
            failure('tls-timeout', 'close_notify', 'the handshake did not complete in time', 'remote'),
          ),
        );
        this.transport.abort();
      });
      void this.ready.promise.then(cancel, cancel);
    }
  }

  /** Runs a TLS client over `transport`; resolves once the handshake is done. */
  static connect(transport: ByteStream, options: TlsConnectOptions): Promise<TlsStream> {
    const trace = options.trace;
    const client = new TlsClient({ ...options, describe: options.describe ?? trace !== undefined });
    const s = new TlsStream(client, transport, options);
    client.start();
    s.handle(client.takeEvents());
    void s.flush();
    void s.pump();
    return s.ready.promise;
  }

  /** Runs a TLS server over `transport`; resolves once the handshake is done. */
  static accept(transport: ByteStream, options: TlsAcceptOptions): Promise<TlsStream> {
    const server = new TlsServer({ ...options, describe: options.describe ?? options.trace !== undefined });
    const s = new TlsStream(server, transport, options);
    void s.pump();
    return s.ready.promise;
  }

  get session(): SessionInfo {
    return this.machine.session!;
  }

  get version(): '1.2' | '1.3' {
    return this.session.version;
  }

  get cipherSuite(): string {
    return this.session.suite;
  }

  /** The ALPN protocol both sides agreed on ('h2', 'http/1.1'), if any. */
  get alpnProtocol(): string | undefined {
    return this.session.alpn;
  }

  get peerCertificates(): readonly Certificate[] {
    return this.session.peerCertificates;
  }

  /** The underlying machine, for KeyUpdate and tests. */
  get connection(): TlsConnection {
    return this.machine;
  }

  read(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    if (this.reader) return Promise.reject(new StreamError('concurrent-read', 'read() is already pending'));
    if (!(max >= 1)) throw new RangeError('read(max): max must be at least 1');
    const d = this.deferred<Uint8Array | null>();
    this.reader = { d, max };
    this.wake();
    return d.promise;
  }

  write(data: Uint8Array): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.machine.closed) return Promise.reject(new StreamError('stream-closed', 'write after end'));
    if (data.length === 0) return Promise.resolve();
    this.machine.write(data);
    return this.flush();
  }

  /** Sends close_notify, then half-closes the transport; reading goes on. */
  end(): Promise<void> {
    if (!this.machine.closed && !this.error) this.handle(this.machine.close());
    return this.endTransport();
  }

  /**
   * Graceful close of both directions: close_notify, the transport's half close, then the
   * peer's close_notify or end of stream (bounded by `closeLinger`), then the transport's
   * close. Returns at once; the application's reads return null from now on.
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    this.eof = true;
    this.chunks.length = 0;
    this.buffered = 0;
    this.resumePump();
    this.wake();
    if (this.error || this.machine.state === 'failed') {
      this.transport.close();
      return;
    }
    if (!this.machine.established) {
      // Mid-handshake: close_notify abandons it (the machine fails); no one to wait for.
      this.handle(this.machine.close());
      const out = this.flush();
      void out.then(
        () => this.transport.close(),
        () => this.transport.close(),
      );
      return;
    }
    if (!this.machine.closed) this.handle(this.machine.close());
    void this.linger();
  }

  abort(): void {
    this.error ??= new StreamError('connection-reset', 'connection aborted');
    this.transport.abort();
    this.wake();
  }

  // ------------------------------------------------------------------ inside

  /** close_notify out (flushed), then the transport's FIN; once, for end() and close(). */
  private endTransport(): Promise<void> {
    this.transportEnd ??= this.flush()
      .catch(() => {})
      .then(() => this.transport.end());
    return this.transportEnd;
  }

  /** The rest of close(): FIN, the peer's close_notify or end (or the linger bound), close. */
  private async linger(): Promise<void> {
    try {
      await this.endTransport();
    } catch {
      this.transport.close();
      return;
    }
    let expired = false;
    if (!this.pumpEnded) {
      const stopped = this.deferred<void>();
      this.pumpStopped = stopped;
      const { clock } = this.options;
      const cancel = clock?.setTimer(this.options.closeLinger ?? DEFAULT_CLOSE_LINGER, () => {
        expired = true;
        stopped.resolve();
      });
      await stopped.promise;
      cancel?.();
    }
    if (expired) this.transport.abort();
    else this.transport.close();
  }

  /** Lets a pump waiting for the application to read go on (close() discards instead). */
  private resumePump(): void {
    const d = this.drained;
    if (!d) return;
    this.drained = null;
    d.resolve();
  }

  private flush(): Promise<void> {
    const out = this.machine.takeOutput();
    if (out.length === 0) return this.writes;
    this.writes = this.writes.then(() => this.transport.write(out));
    return this.writes;
  }

  private async pump(): Promise<void> {
    while (!this.readDone && !this.error) {
      if (this.buffered >= this.highWater) {
        this.drained = this.deferred<void>();
        await this.drained.promise;
        continue;
      }
      let chunk: Uint8Array | null;
      try {
        chunk = await this.transport.read();
      } catch (e) {
        this.fail(e instanceof Error ? e : new StreamError('connection-reset', String(e)));
        break;
      }
      if (chunk === null) {
        if (!this.machine.established) {
          const f = failure(
            'tls-closed',
            'close_notify',
            'the peer closed the connection during the handshake',
            'remote',
          );
          this.fail(new TlsError(f));
        } else if (!this.machine.peerClosed) {
          this.truncated = true;
        }
        this.eof = true;
        this.readDone = true;
        break;
      }
      this.handle(this.machine.receive(chunk));
      try {
        await this.flush();
      } catch (e) {
        this.fail(e instanceof Error ? e : new StreamError('connection-reset', String(e)));
        break;
      }
      if (this.machine.state === 'failed') {
        this.transport.close();
        break;
      }
    }
    this.pumpEnded = true;
    this.pumpStopped?.resolve();
    this.wake();
  }

  private fail(e: Error): void {
    this.error ??= e;
    if (!this.done) {
      this.done = true;
      this.ready.reject(this.error);
    }
    this.wake();
  }

  private wake(): void {
    const r = this.reader;
    if (!r) return;
    if (this.closing) {
      this.reader = null;
      r.d.resolve(null);
    } else if (this.chunks.length > 0) {
      this.reader = null;
      const out = takeFront(this.chunks, r.max);
      this.buffered -= out.length;
      if (this.buffered < this.highWater && this.drained) {
        const d = this.drained;
        this.drained = null;
        d.resolve();
      }
      r.d.resolve(out);
    } else if (this.error) {
      this.reader = null;
      r.d.reject(this.error);
    } else if (this.eof) {
      this.reader = null;
      r.d.resolve(null);
    }
  }

  private handle(events: readonly TlsEvent[]): void {
    const t = this.options.trace;
    const role = this.machine.role;
    const base = { node: this.node, role, peer: this.peer } as const;
    for (const e of events) {
      switch (e.kind) {
        case 'handshake':
          if (t?.trace.wants('tls.handshake')) {
            t.trace.emit({
              type: 'tls.handshake',
              time: t.now,
              ...base,
              direction: e.direction,
              details: e.details,
              length: e.length,
              encrypted: e.encrypted,
            });
          }
          break;
        case 'alert':
          if (t?.trace.wants('tls.alert')) {
            t.trace.emit({
              type: 'tls.alert',
              time: t.now,
              ...base,
              direction: e.direction,
              level: e.level,
              alert: e.name,
            });
          }
          break;
        case 'keylog': {
          const line = formatKeyLogLine(e.label, e.clientRandom, e.secret);
          this.options.keyLog?.(line);
          if (t?.trace.wants('tls.keylog'))
            t.trace.emit({ type: 'tls.keylog', time: t.now, node: this.node, line });
          break;
        }
        case 'peer-verified':
          if (t?.trace.wants('pki.validate')) {
            const v = e.validation;
            t.trace.emit({
              type: 'pki.validate',
              time: t.now,
              validator: this.node,
              ...(e.hostname === undefined ? {} : { hostname: e.hostname }),
              trustStore: (this.options as { trustStore?: { name: string } }).trustStore?.name ?? '',
              chain: v.path.map((c) => formatName(c.subject)),
              ok: v.ok,
              ...(v.error ? { error: v.error.code } : {}),
              steps: v.steps,
            });
          }
          break;
        case 'established':
          if (t?.trace.wants('tls.established')) {
            const s = e.session;
            t.trace.emit({
              type: 'tls.established',
              time: t.now,
              ...base,
              version: `TLS ${s.version}`,
              suite: s.suite,
              keyExchange: s.keyExchange,
              ...(s.alpn ? { alpn: s.alpn } : {}),
              ...(s.serverName ? { serverName: s.serverName } : {}),
              peerChain: s.peerCertificates.map((c) => formatName(c.subject)),
            });
          }
          if (!this.done) {
            this.done = true;
            this.ready.resolve(this);
          }
          break;
        case 'data':
          if (this.closing) break; // after close(): read and dropped, never buffered
          this.chunks.push(e.data);
          this.buffered += e.data.length;
          this.wake();
          break;
        case 'peer-closed':
          this.eof = true;
          this.readDone = true;
          this.wake();
          break;
        case 'failed':
          if (t?.trace.wants('tls.failed')) {
            const f = e.failure;
            t.trace.emit({
              type: 'tls.failed',
              time: t.now,
              ...base,
              code: f.code,
              alert: f.alertName,
              ...(f.certificate ? { certificate: f.certificate } : {}),
              message: f.message,
            });
          }
          this.fail(new TlsError(e.failure));
          break;
        default:
          break;
      }
    }
  }
}

export function tlsConnect(transport: ByteStream, options: TlsConnectOptions): Promise<TlsStream> {
  return TlsStream.connect(transport, options);
}

export function tlsAccept(transport: ByteStream, options: TlsAcceptOptions): Promise<TlsStream> {
  return TlsStream.accept(transport, options);
}
