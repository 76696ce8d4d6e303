/**
 * The HTTP/2 header blocks of a cleartext connection (h2c, HTTP/2 by prior knowledge,
 * RFC 9113 §3.3), as Wireshark decodes them: the bytes are on the wire, but HPACK needs
 * every earlier block of the direction (RFC 7541 §2.3.2), so the blocks are decoded per
 * connection, not per packet (http2-headers/ does it, as for a decrypted connection).
 *
 * 1. Each direction's TCP payload is put back in sequence order (tcp-reassembly/:
 *    retransmissions dropped, out-of-order segments placed). A hole no segment fills ends
 *    that direction's data there: the frames after it cannot be found.
 * 2. The connection is h2c when the client's stream starts with the connection preface
 *    (§3.4). The client is the SYN's sender; without the SYN, the side whose stream
 *    starts with the preface.
 * 3. Each segment's payload is a piece of its direction's stream, at the position its
 *    sequence number gives: `h2cHeaderContext` tells the wire dissector (http2.ts), which
 *    reads the segment alone, which decoded block a HEADERS frame starting in it is.
 *
 * Bounded as the TLS path: at most MAX_STREAM_BYTES reassembled per direction (the bytes
 * are views into the frames, not copies), and decode.ts's caps on frames and blocks.
 * Never throws: a hole, a cap or bytes that are not HTTP/2 stop the direction with the
 * reason (`DirectionHeaders.stopped`, and in `notes`).
 */
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { HeaderBlockContext } from './http2-header-fields.ts';
import {
  type ConnectionHeaders,
  type Direction,
  type DirectionHeaders,
  decodeConnectionHeaders,
} from './http2-headers/decode.ts';
import type { PlainRecord } from './http2-headers/plain-stream.ts';
import { ConnectionStreams, gapNote, MAX_STREAM_BYTES } from './tcp-reassembly/connection-streams.ts';
import { segmentOf } from './tcp-reassembly/segment.ts';
import type { TcpStream } from './tcp-reassembly/tcp-stream.ts';

/** Where a segment's payload is: its sender's direction and its first byte's stream position. */
export interface H2cSegment {
  readonly direction: Direction;
  readonly streamStart: number;
}

export interface H2cConnection {
  /** `10.0.0.1:40000` and `10.0.0.2:80`. */
  readonly client: string;
  readonly server?: string;
  readonly headers: ConnectionHeaders;
  /** By index in the frames given: the segments that brought new bytes (not retransmissions). */
  readonly segments: readonly (H2cSegment | undefined)[];
  /** What stopped or limited the decoding, in words. */
  readonly notes: readonly string[];
}

interface Side {
  readonly stream: TcpStream;
  readonly chunks: PlainRecord[];
  /** Frame index → where its payload starts in this stream. */
  readonly starts: Map<number, number>;
}

function startsWithPreface(chunks: readonly PlainRecord[]): boolean {
  let i = 0;
  for (const c of chunks) {
    for (const b of c.bytes) {
      if (b !== CLIENT_PREFACE[i]) return false;
      if (++i === CLIENT_PREFACE.length) return true;
    }
  }
  return false;
}

/** A hole or a cap as the direction's stop, unless the decoding stopped earlier for its own reason. */
function withStop(d: DirectionHeaders, stream: TcpStream): DirectionHeaders {
  if (d.stopped !== undefined) return d;
  const gap = stream.gap();
  if (gap !== undefined)
    return {
      ...d,
      stopped: new ProtocolError('tcp', 'segment-missing', gapNote(stream, 'decoding')!, gap.at),
    };
  if (stream.stopped !== undefined)
    return { ...d, stopped: new ProtocolError('tcp', 'stream-limit', stream.stopped, stream.delivered) };
  return d;
}

/**
 * The header blocks of the TCP connection whose frames (in capture order) are `frames`, or
 * undefined when it is not h2c (the client's stream does not start with the preface, or
 * not yet).
 */
export function decodeH2cConnection(
  frames: readonly Uint8Array[],
  options: { readonly maxStreamBytes?: number } = {},
): H2cConnection | undefined {
  const connection = new ConnectionStreams(options.maxStreamBytes ?? MAX_STREAM_BYTES);
  const sides = new Map<string, Side>();
  frames.forEach((frame, index) => {
    const got = connection.take(frame);
    if (got === undefined) return;
    let side = sides.get(got.from);
    if (side === undefined) {
      side = { stream: got.stream, chunks: [], starts: new Map() };
      sides.set(got.from, side);
    }
    const { seq, payload } = got.segment;
    if (got.syn || payload.length === 0) return;
    const delivered = side.stream.delivered;
    let at = delivered;
    for (const bytes of side.stream.add(seq, payload)) {
      side.chunks.push({ streamOffset: at, bytes });
      at += bytes.length;
    }
    const start = side.stream.position(seq);
    if (start !== undefined && start + payload.length > delivered) side.starts.set(index, start);
  });

  const client =
    connection.client ?? [...sides.keys()].find((addr) => startsWithPreface(sides.get(addr)!.chunks));
  const c = client === undefined ? undefined : sides.get(client);
  if (client === undefined || c === undefined || !startsWithPreface(c.chunks)) return undefined;
  const server = connection.server ?? [...sides.keys()].find((addr) => addr !== client);
  const s = server === undefined ? undefined : sides.get(server);

  const decoded = decodeConnectionHeaders(c.chunks, s?.chunks ?? []);
  const headers: ConnectionHeaders = {
    client: withStop(decoded.client, c.stream),
    server: s === undefined ? decoded.server : withStop(decoded.server, s.stream),
  };
  const notes: string[] = [];
  for (const [direction, words] of [
    ['client', 'client → server'],
    ['server', 'server → client'],
  ] as const) {
    const stop = headers[direction].stopped;
    if (stop !== undefined) notes.push(`${words}: ${stop.message}`);
  }
  const segments: (H2cSegment | undefined)[] = new Array(frames.length);
  for (const [side, direction] of [
    [c, 'client'],
    [s, 'server'],
  ] as const)
    for (const [i, streamStart] of side?.starts ?? []) segments[i] = { direction, streamStart };
  return { client, ...(server === undefined ? {} : { server }), headers, segments, notes };
}

/**
 * What the wire dissector needs to show the decoded blocks of frame `index` (`frame`, one
 * of the frames decoded): its direction's blocks and where its TCP payload is in the
 * stream; undefined when the segment brought no new bytes.
 */
export function h2cHeaderContext(
  c: H2cConnection,
  index: number,
  frame: Uint8Array,
): HeaderBlockContext | undefined {
  const s = c.segments[index];
  const payload = s === undefined ? undefined : segmentOf(frame)?.payload;
  if (s === undefined || payload === undefined) return undefined;
  return {
    headers: c.headers[s.direction],
    streamStart: s.streamStart,
    at: payload.byteOffset - frame.byteOffset,
    length: payload.length,
  };
}
