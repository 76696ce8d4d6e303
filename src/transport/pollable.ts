/**
 * The non-blocking and readiness side of the socket API, as the notes teach I/O models:
 *
 * - `WOULD_BLOCK` is what a non-blocking call returns instead of waiting (EAGAIN /
 *   EWOULDBLOCK): `tryRead()`, `tryWrite()`, `tryAccept()`.
 * - A `Pollable` says whether it is readable or writable now and calls its watchers when
 *   that may have changed, so a poller (poller.ts, select/epoll-like) can wait on many.
 *
 * Readiness is level-triggered, as poll(2) and epoll's default: readable means a read
 * would not block (data, the end of the stream, an error, or for a listener a connection
 * to accept); writable means a write would take at least one byte (or fail at once).
 */

/** Returned by non-blocking calls that would have to wait. */
export const WOULD_BLOCK: unique symbol = Symbol('would-block');
export type WouldBlock = typeof WOULD_BLOCK;

export interface Pollable {
  /** A read (or accept) would not block. */
  readonly readable: boolean;
  /** A write would take at least one byte, or fail at once. */
  readonly writable: boolean;
  /** The connection failed or was reset (POLLERR); reads and writes fail at once. */
  readonly failed: boolean;
  /** The peer closed its side and everything before it was read (POLLRDHUP / POLLHUP). */
  readonly hangup: boolean;
  /**
   * Calls `fn` whenever readiness may have changed (never re-entrantly from inside the
   * protocol's processing). Returns the function that stops watching.
   */
  watch(fn: () => void): () => void;
}
