/**
 * The capture's TCP connections, for the decoders that read a connection rather than a
 * packet (TLS decryption, cleartext HTTP/2 header blocks): packet → connection, built
 * as far as the capture goes when first asked, then kept up to date with new packets only
 * (4 bytes per packet, plus a list entry per TCP packet).
 *
 * Every frame put on every link is in the capture, so one TCP connection is seen once per
 * link it crosses (and with other addresses behind a NAT). A connection here is what one
 * link carried: the link and the two endpoints, as a capture on that link would hold it,
 * which is what the decoders (src/tools/dissect/) expect.
 */
import { CLIENT_PREFACE } from '../../../src/application/http2/preface.ts';
import { segmentOf } from '../../../src/tools/dissect/tcp-reassembly/segment.ts';
import type { PacketStore } from './packet-store.ts';

export interface TcpConnection {
  /** Its own number, for the decoders' caches. */
  readonly id: number;
  /** Capture indexes of its packets, in capture order. */
  readonly packets: number[];
  /** Undefined until a segment with payload is seen; then whether it began a TLS handshake record. */
  tls: boolean | undefined;
  /** Whether a segment's payload starts as the HTTP/2 connection preface does (h2c, RFC 9113 §3.4). */
  preface: boolean;
}

/** Whether `p` starts as the preface does, as far as it goes. */
function prefaceStart(p: Uint8Array): boolean {
  const n = Math.min(p.length, CLIENT_PREFACE.length);
  for (let i = 0; i < n; i++) if (p[i] !== CLIENT_PREFACE[i]) return false;
  return n > 0;
}

export class TcpConnections {
  private indexedUpTo = 0;
  private connectionOf = new Int32Array(1024);
  private readonly connections: TcpConnection[] = [];
  private readonly ids = new Map<string, number>();

  constructor(
    private readonly capture: PacketStore,
    /** The link a packet's interface is on (-1: none). */
    private readonly linkOf: (iface: number) => number,
  ) {}

  /** Packet `i`'s connection, or undefined when it is not a TCP segment. */
  of(i: number): TcpConnection | undefined {
    this.index();
    const id = i < this.indexedUpTo ? this.connectionOf[i]! : -1;
    return id < 0 ? undefined : this.connections[id];
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
        this.connections.push({ id, packets: [], tls: undefined, preface: false });
      }
      const c = this.connections[id]!;
      c.packets.push(i);
      if (s.payload.length > 0) {
        c.tls ??= s.payload[0] === 0x16 && s.payload[1] === 3;
        if (!c.tls && !c.preface) c.preface = prefaceStart(s.payload);
      }
      this.connectionOf[i] = id;
    }
    this.indexedUpTo = n;
  }
}

/**
 * What a decoder made of a connection, for the connections last asked for: at most `max`
 * kept, the least recently used dropped first.
 */
export class ConnectionCache<T> {
  private readonly entries = new Map<number, T>();

  constructor(readonly max: number) {}

  /** Connection `id`'s value, built anew when there is none or `stale` says it is out of date. */
  get(id: number, stale: (value: T) => boolean, build: () => T): T {
    let value = this.entries.get(id);
    if (value === undefined || stale(value)) {
      value = build();
      this.entries.delete(id);
      if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    } else this.entries.delete(id);
    this.entries.set(id, value);
    return value;
  }
}

/** Where capture index `i` is in the connection's packets (which hold it). */
export function packetIndex(c: TcpConnection, i: number): number {
  let lo = 0;
  let hi = c.packets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (c.packets[mid]! < i) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
