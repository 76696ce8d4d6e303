/**
 * The capture's TLS connections decrypted with the run's key log, for the inspector and
 * the rows on screen: what Wireshark does with `tls.keylog_file`, done lazily.
 *
 * The connections are those of the index the cleartext HTTP/2 decoding shares
 * (tcp-connections.ts). A connection is decrypted when a packet of
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
import type { ConnectionHeaders } from '../../../src/tools/dissect/http2-headers/decode.ts';
import { decodeTlsHeaders } from '../../../src/tools/dissect/tls-http2-headers.ts';
import type { PacketStore } from './packet-store.ts';
import { ConnectionCache, type TcpConnection, type TcpConnections } from './tcp-connections.ts';

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
  private readonly cache = new ConnectionCache<Decrypted>(MAX_CACHED_CONNECTIONS);
  /** Key log lines not kept past KEY_LOG_MAX_LINES. */
  dropped = 0;

  constructor(
    private readonly capture: PacketStore,
    private readonly connections: TcpConnections,
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
    const c = this.connections.of(i);
    if (c?.tls !== true) return undefined;
    const d = this.cache.get(
      c.id,
      (x) => i > x.upTo || x.keyLines !== this.keyLines.length,
      () => this.decrypt(c),
    );
    const headers = () => {
      if (d.headers === undefined) d.headers = decodeTlsHeaders(d.session) ?? null;
      return d.headers ?? undefined;
    };
    return { session: d.session, records: d.byPacket.get(i) ?? [], headers };
  }

  private decrypt(c: TcpConnection): Decrypted {
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
}
