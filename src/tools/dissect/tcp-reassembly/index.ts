/**
 * A capture's TCP connections put back together, for the decoders that need a
 * connection's byte streams (TLS decryption, cleartext HTTP/2 header blocks): segment.ts
 * reads a frame's segment, tcp-stream.ts orders one direction, connection-streams.ts
 * pairs the two. Environment-neutral.
 */
export {
  ConnectionStreams,
  gapNote,
  MAX_STREAM_BYTES,
  type SideSegment,
} from './connection-streams.ts';
export { type Segment, segmentOf, TCP_ACK, TCP_SYN } from './segment.ts';
export { MAX_HELD_SEGMENTS, TcpStream } from './tcp-stream.ts';
