/**
 * Both directions of one TCP connection of a capture, each put back in order by
 * tcp-stream.ts, for the decoders that read a connection's bytes rather than its
 * packets: the TLS decryption (tls-decrypt/) and cleartext HTTP/2 (h2c-headers.ts). The
 * first two senders seen are the connection's ends; the SYN says which is the client
 * (RFC 9293 §3.5: the SYN/ACK's sender is the server). A caller that sees no SYN decides
 * from what the streams hold (a ClientHello, the HTTP/2 preface).
 */
import { type Segment, segmentOf, TCP_ACK, TCP_SYN } from './segment.ts';
import { TcpStream } from './tcp-stream.ts';

/**
 * Bytes reassembled per direction of a connection: 8 MiB. A web page's connection in a
 * lab run carries a few hundred KiB; past the cap the direction stops with a note.
 */
export const MAX_STREAM_BYTES = 8 * 1024 * 1024;

/** A frame's segment and the stream of its sender. */
export interface SideSegment {
  /** `10.0.0.1:40000`: the sender. */
  readonly from: string;
  readonly segment: Segment;
  readonly stream: TcpStream;
  /** A SYN (or SYN/ACK): it starts the stream and carries no data for it. */
  readonly syn: boolean;
}

export class ConnectionStreams {
  /** Each end's stream, by its address and port. */
  readonly streams = new Map<string, TcpStream>();
  /** The ends as their SYNs name them. */
  client: string | undefined;
  server: string | undefined;

  constructor(readonly maxBytes: number = MAX_STREAM_BYTES) {}

  /**
   * The segment in `frame` with its sender's stream, or undefined when the frame is not a
   * TCP segment of this connection. A SYN starts its sender's stream; the caller adds the
   * payload of the others (`stream.add`), or not once it has stopped reading a direction.
   */
  take(frame: Uint8Array): SideSegment | undefined {
    const segment = segmentOf(frame);
    if (segment === undefined) return undefined;
    const from = segment.from;
    let stream = this.streams.get(from);
    if (stream === undefined) {
      if (this.streams.size === 2) return undefined; // not this connection
      stream = new TcpStream(this.maxBytes);
      this.streams.set(from, stream);
    }
    const syn = (segment.flags & TCP_SYN) !== 0;
    if (syn) {
      stream.syn(segment.seq);
      if ((segment.flags & TCP_ACK) === 0) this.client ??= from;
      else this.server ??= from;
    }
    return { from, segment, stream, syn };
  }
}

/**
 * Why a direction's bytes end before the capture's: the hole no segment filled, in words
 * ending with what stops there (`decryption`, `decoding`), or undefined when there is none.
 */
export function gapNote(stream: TcpStream, what: string): string | undefined {
  const gap = stream.gap();
  return gap === undefined
    ? undefined
    : `${gap.missing} bytes missing at stream byte ${gap.at} (a segment the capture lacks); ${what} of this direction stops there`;
}
