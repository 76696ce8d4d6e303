/**
 * The capture's TLS connections decrypted with the run's key log, for the inspector and
 * the rows on screen: what Wireshark does with `tls.keylog_file`, done lazily.
 *
 * Every frame put on every link is in the capture, so one TCP connection is seen once per
 * link it crosses (and with other addresses behind a NAT). A connection here is what one
 * link carried: the link and the two endpoints, as a capture on that link would hold it,
 * which is what the decoder (src/tools/dissect/tls-decrypt/) expects.
 *
 * The index of connections (packet → connection) is built as far as the capture goes when
 * a decryption is first asked for, then kept up to date with new packets only (4 bytes per
 * packet, plus a list entry per TCP packet). A connection is decrypted when a packet of
 * it is asked for, if its first payload is a TLS handshake record; the result is cached
 * until a packet the decryption did not yet see is asked for, or the key log gains lines.
 * What a packet shows depends only on the packets before it (a record is attributed to the
 * packet that completes it), so a cached decryption still answers for every packet it saw,
 * and a filter running over a growing capture decrypts a connection once per batch of new
 * packets, not once per packet. A reset or a jump back in time builds a new engine, and so
 * a new cache.
 *
 * An HTTP/2 connection's header blocks (HPACK, which needs every earlier block of the
 * direction) are decoded once per decryption, when a packet of it is first shown or
 * filtered on, and cached with it (src/tools/dissect/tls-http2-headers.ts).
 */
import { KEY_LOG_MAX_LINES } from '../../../src/application/tls/key-log.ts';
import { KeyLog } from '../../../src/tools/dissect/tls-decrypt/key-log-file.ts';
import {
  type DecryptedRecord,
  decryptTlsConnection,
  type TlsDecryption,
} from '../../../src/tools/dissect/tls-decrypt/decrypt.ts';
import { segmentOf } from '../../../src/tools/dissect/tcp-reassembly/segment.ts';
import type { ConnectionHeaders } from '../../../src/tools/dissect/http2-headers/decode.ts';
import { decodeTlsHeaders } from '../../../src/tools/dissect/tls-http2-headers.ts';
import type { PacketStore } from './packet-store.ts';

interface Connection {
  readonly packets: number[];
  /** Undefined until a segment with payload is seen; then whether it began a TLS handshake record. */
  tls: boolean | undefined;
}

interface Decrypted {
  /** The capture index of the last packet decrypted. */
  readonly upTo: number;
  readonly keyLines: number;
  readonly session: TlsDecryption;
  /** Records by the capture index of the packet they complete in. */
  readonly byPacket: Map<number, DecryptedRecord[]>;
  /** HTTP/2 header blocks, decoded on first use (null: not HTTP/2). */
  headers?: ConnectionHeaders | null;
}

/** The decryption of one packet's connection: the session and the records ending in the packet. */
export interface PacketDecryption {
  readonly session: TlsDecryption;
  readonly records: readonly DecryptedRecord[];
  /** The connection's HTTP/2 header blocks decoded (HPACK), when it is HTTP/2. */
  readonly headers: () => ConnectionHeaders | undefined;
}

/** Connections whose decryptions are kept at once (the least recently used go first). */
export const MAX_CACHED_CONNECTIONS = 64;

export class TlsConnections {
  private readonly keyLines: string[] = [];
  /** Both ends of a connection log the same secrets: each line is kept once. */
  private readonly keySeen = new Set<string>();
  private keyLog: KeyLog | undefined;
  private keyLogLines = 0;
  private indexedUpTo = 0;
  private connectionOf = new Int32Array(1024);
  private readonly connections: Connection[] = [];
  private readonly ids = new Map<string, number>();
  private readonly cache = new Map<number, Decrypted>();
  /** Key log lines not kept past KEY_LOG_MAX_LINES. */
  dropped = 0;

  constructor(
    private readonly capture: PacketStore,
    /** The link a packet's interface is on (-1: none). */
    private readonly linkOf: (iface: number) => number,
  ) {}

  addKeyLogLine(line: string): void {
    if (this.keySeen.has(line)) return;
    if (this.keyLines.length >= KEY_LOG_MAX_LINES) {
      this.dropped++;
      return;
    }
    this.keySeen.add(line);
    this.keyLines.push(line);
  }

  get keyLogSize(): number {
    return this.keyLines.length;
  }

  /**
   * The key log file: every secret of the run once, in the order either end first logged
   * it (the CLI's tour.keylog holds the same lines, as the laptop logged them).
   */
  keyLogText(): string {
    return this.keyLines.length ? `${this.keyLines.join('\n')}\n` : '';
  }

  /** The decryption of packet `i`'s TLS connection, or undefined when it is not one (or no keys). */
  forPacket(i: number): PacketDecryption | undefined {
    if (this.keyLines.length === 0) return undefined;
    this.index();
    const id = i < this.indexedUpTo ? this.connectionOf[i]! : -1;
    if (id < 0) return undefined;
    const c = this.connections[id]!;
    if (c.tls !== true) return undefined;
    let d = this.cache.get(id);
    if (d === undefined || i > d.upTo || d.keyLines !== this.keyLines.length) {
      d = this.decrypt(c);
      this.cache.delete(id);
      if (this.cache.size >= MAX_CACHED_CONNECTIONS) this.cache.delete(this.cache.keys().next().value!);
    } else this.cache.delete(id);
    this.cache.set(id, d);
    const cached = d;
    const headers = () => {
      if (cached.headers === undefined) cached.headers = decodeTlsHeaders(cached.session) ?? null;
      return cached.headers ?? undefined;
    };
    return { session: d.session, records: d.byPacket.get(i) ?? [], headers };
  }

  private decrypt(c: Connection): Decrypted {
    if (this.keyLogLines !== this.keyLines.length || this.keyLog === undefined) {
      this.keyLog = new KeyLog(this.keyLines);
      this.keyLogLines = this.keyLines.length;
    }
    const session = decryptTlsConnection(
      c.packets.map((p) => this.capture.frame(p)),
      this.keyLog,
    );
    const byPacket = new Map<number, DecryptedRecord[]>();
    for (const r of session.records) {
      const p = c.packets[r.frame]!;
      const list = byPacket.get(p);
      if (list) list.push(r);
      else byPacket.set(p, [r]);
    }
    return { upTo: c.packets.at(-1)!, keyLines: this.keyLines.length, session, byPacket };
  }

  private index(): void {
    const n = this.capture.count;
    if (this.connectionOf.length < n) {
      const bigger = new Int32Array(Math.max(n, this.connectionOf.length * 2));
      bigger.set(this.connectionOf);
      this.connectionOf = bigger;
    }
    for (let i = this.indexedUpTo; i < n; i++) {
      const s = segmentOf(this.capture.frame(i));
      if (s === undefined) {
        this.connectionOf[i] = -1;
        continue;
      }
      const key = `${this.linkOf(this.capture.iface(i))} ${s.from < s.to ? `${s.from} ${s.to}` : `${s.to} ${s.from}`}`;
      let id = this.ids.get(key);
      if (id === undefined) {
        id = this.connections.length;
        this.ids.set(key, id);
        this.connections.push({ packets: [], tls: undefined });
      }
      const c = this.connections[id]!;
      c.packets.push(i);
      if (c.tls === undefined && s.payload.length > 0) c.tls = s.payload[0] === 0x16 && s.payload[1] === 3;
      this.connectionOf[i] = id;
    }
    this.indexedUpTo = n;
  }
}
