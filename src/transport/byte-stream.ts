/**
 * The one interface every connection-oriented protocol runs over: a reliable, ordered,
 * bidirectional byte stream. A simulated TCP connection implements it, so does a TLS
 * session on top of one, an in-memory pipe (memory-pipe.ts), and a real `node:net` socket
 * in src/real. HTTP, TLS, SMTP, FTP, SSH... are written once against this and run over
 * all of them: that is what lets the same HTTP/2 code serve a simulated browser and a
 * real curl.
 *
 * Semantics follow the BSD socket calls the notes teach:
 * - `read()` is `recv()`: the next bytes that arrived (never an empty chunk), or `null`
 *   once the peer has closed its side (TCP FIN) and everything before it was read.
 * - `write()` is a blocking `send()`: it resolves when the stream has taken all the bytes
 *   into its send buffer (back-pressure), not when the peer has them.
 * - `end()` is `shutdown(SHUT_WR)`: a half close; reads go on.
 * - `close()` ends both directions gracefully; `abort()` resets the connection (TCP RST).
 *
 * Failures reject with a `StreamError` (a NetlabError) whose `code` says what happened.
 *
 * Implementations that live inside the simulator must settle their promises through
 * `Simulator.deferred()`, so that code awaiting them resumes at the simulated instant the
 * data arrived (see sim/simulator.ts).
 */
import { NetlabError } from '../bytes/netlab-error.ts';

/** One end of a stream, as tools print it (`10.0.0.1`, 443). */
export interface StreamEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface ByteStream {
  readonly local: StreamEndpoint;
  readonly remote: StreamEndpoint;
  /** The next received bytes (at most `max` when given), or null at end of stream. */
  read(max?: number): Promise<Uint8Array | null>;
  /** Takes `data` into the send buffer; resolves once all of it was accepted. */
  write(data: Uint8Array): Promise<void>;
  /** Half close: sends end-of-stream after the bytes already written. */
  end(): Promise<void>;
  /** Graceful close of both directions. Pending reads resolve with null. */
  close(): void;
  /** Abortive close (RST): pending reads and writes reject with 'connection-reset'. */
  abort(): void;
}

export type StreamErrorCode =
  /** The peer reset the connection (TCP RST), or this side aborted it. */
  | 'connection-reset'
  /** Connecting was refused (RST in answer to SYN, ICMP port unreachable). */
  | 'connection-refused'
  /** The peer stopped answering (retransmissions exhausted, or a timeout). */
  | 'timed-out'
  /** No route, host unreachable (ICMP errors). */
  | 'unreachable'
  /** write() after end() or close(), or read() after close(). */
  | 'stream-closed'
  /** A second read() while one is pending. */
  | 'concurrent-read';

export class StreamError extends NetlabError {
  constructor(
    override readonly code: StreamErrorCode,
    message: string,
  ) {
    super(code, message);
    this.name = 'StreamError';
  }
}
