/**
 * The capture's cleartext HTTP/2 connections (h2c, by prior knowledge) with their header
 * blocks decoded, for the inspector and the display filter: what Wireshark shows for an
 * h2c connection, done lazily as tls-connections.ts does for decrypted ones, on the same
 * connection index (tcp-connections.ts).
 *
 * A connection is decoded (src/tools/dissect/h2c-headers.ts) when a packet of it is asked
 * for, if a segment of it starts as the HTTP/2 preface does; the result is cached until a
 * packet the decoding did not yet see is asked for. A block is read from the packets
 * before it only, so a cached decoding answers for every packet it saw, and a filter
 * running over a growing capture decodes a connection once per batch of new packets.
 */
import {
  decodeH2cConnection,
  type H2cConnection,
  type HeaderBlockContext,
  h2cHeaderContext,
} from '../../../src/tools/dissect/index.ts';
import type { PacketStore } from './packet-store.ts';
import { ConnectionCache, packetIndex, type TcpConnections } from './tcp-connections.ts';
import { MAX_CACHED_CONNECTIONS } from './tls-connections.ts';

interface Decoded {
  /** The capture index of the last packet decoded. */
  readonly upTo: number;
  /** Undefined: not h2c (or not yet: the preface is not whole). */
  readonly connection: H2cConnection | undefined;
}

export class H2cConnections {
  private readonly cache = new ConnectionCache<Decoded>(MAX_CACHED_CONNECTIONS);

  constructor(
    private readonly capture: PacketStore,
    private readonly connections: TcpConnections,
  ) {}

  /**
   * The decoded header blocks packet `i`'s HTTP/2 frames belong to and where its payload
   * is in their stream, or undefined when it is not a segment of an h2c connection that
   * brought new bytes.
   */
  forPacket(i: number): HeaderBlockContext | undefined {
    const c = this.connections.of(i);
    if (c?.preface !== true) return undefined;
    const d = this.cache.get(
      c.id,
      (x) => i > x.upTo,
      () => ({
        upTo: c.packets.at(-1)!,
        connection: decodeH2cConnection(c.packets.map((p) => this.capture.frame(p))),
      }),
    );
    return d.connection && h2cHeaderContext(d.connection, packetIndex(c, i), this.capture.frame(i));
  }
}
