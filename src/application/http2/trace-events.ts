/**
 * Trace events of HTTP/2: every frame each side sends and receives (type, stream, flags,
 * length — what the web lab's inspector lists per stream), stream state changes (for
 * ladder diagrams), frames ignored with why, errors with their RFC 9113 code, and the
 * HTTP exchanges with push marked.
 */
import type { H2DropReason } from './connection.ts';
import type { StreamEvent, StreamState } from './stream-state.ts';

export type H2Side = 'client' | 'server';

declare module '../../sim/trace.ts' {
  interface TraceEventMap {
    'h2.frame': {
      readonly node: string;
      readonly side: H2Side;
      /** Per-node number of the connection, 1 and up. */
      readonly connection: number;
      readonly direction: 'sent' | 'received';
      /** 'HEADERS', 'DATA', ... or 'UNKNOWN(0x2a)'. */
      readonly frameType: string;
      readonly streamId: number;
      readonly flags: number;
      /** Payload length (the frame is 9 octets more). */
      readonly length: number;
    };
    'h2.stream': {
      readonly node: string;
      readonly side: H2Side;
      readonly connection: number;
      readonly streamId: number;
      readonly from: StreamState;
      readonly to: StreamState;
      readonly event: StreamEvent;
    };
    'h2.drop': {
      readonly node: string;
      readonly side: H2Side;
      readonly connection: number;
      readonly reason: H2DropReason;
      readonly frameType: string;
      readonly streamId: number;
    };
    'h2.error': {
      readonly node: string;
      readonly side: H2Side;
      readonly connection: number;
      /** 'connection' (GOAWAY) or 'stream' (RST_STREAM). */
      readonly scope: 'connection' | 'stream';
      readonly streamId: number;
      /** RFC 9113 §7 name, e.g. 'PROTOCOL_ERROR'. */
      readonly errorCode: string;
      /** Who broke the protocol or gave up: 'local' sent the error, 'remote' did. */
      readonly by: 'local' | 'remote';
      readonly reason: string;
    };
    'h2.connection': {
      readonly node: string;
      readonly side: H2Side;
      readonly connection: number;
      readonly phase: 'open' | 'close';
      /** The other end, `address:port`. */
      readonly peer: string;
      readonly streams: number;
    };
    'h2.exchange': {
      readonly node: string;
      readonly side: H2Side;
      readonly connection: number;
      readonly streamId: number;
      readonly method: string;
      readonly path: string;
      readonly status: number;
      /** The response came by server push. */
      readonly pushed: boolean;
      readonly bodyBytes: number;
    };
  }
}
