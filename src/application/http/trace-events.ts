/**
 * Trace events of HTTP/1.x: every request and response as each side sees it (so the
 * tour can say "GET /index.html ... 200 OK, 1,234 bytes"), connections opened and closed
 * with why, protocol errors with the status they earned, timeouts, and the pipeline
 * marker that makes head-of-line blocking visible: a response that was ready but `held`
 * behind an earlier one, and when it was `released`.
 */

export type HttpSide = 'client' | 'server';

/** Why an HTTP connection ended. */
export type HttpCloseReason =
  | 'not-persistent' // HTTP/1.0 without keep-alive, Connection: close, or a close-delimited body
  | 'peer-closed' // the other side closed first
  | 'protocol-error' // bad bytes (after the 400/431/... answer, on a server)
  | 'timeout' // idle, slow head (slowloris) or slow body
  | 'local' // the application closed it
  | 'reset'; // the transport failed

declare module '../../sim/trace.ts' {
  interface TraceEventMap {
    'http.connection': {
      readonly node: string;
      readonly side: HttpSide;
      /** Per-node number of the connection, 1 and up. */
      readonly connection: number;
      readonly phase: 'open' | 'close';
      /** The other end, `address:port`. */
      readonly peer: string;
      /** Exchanges carried so far. */
      readonly exchanges: number;
      readonly reason?: HttpCloseReason;
    };
    'http.request': {
      readonly node: string;
      readonly side: HttpSide;
      readonly connection: number;
      /** 1 and up within the connection. */
      readonly exchange: number;
      readonly method: string;
      readonly target: string;
      readonly version: string;
      /** Bytes of the head on the wire. */
      readonly headBytes: number;
      readonly bodyBytes: number;
    };
    'http.response': {
      readonly node: string;
      readonly side: HttpSide;
      readonly connection: number;
      readonly exchange: number;
      readonly method: string;
      readonly target: string;
      readonly status: number;
      readonly reason: string;
      readonly version: string;
      readonly headBytes: number;
      readonly bodyBytes: number;
      /** Whether the connection stays open after this exchange. */
      readonly keepAlive: boolean;
    };
    /** Head-of-line blocking: a finished response waiting for an earlier one to be sent. */
    'http.pipeline': {
      readonly node: string;
      readonly connection: number;
      readonly exchange: number;
      readonly phase: 'held' | 'released';
      /** The earlier exchange it waits behind (when held). */
      readonly behind?: number;
      /** How long it waited, ns (when released). */
      readonly waited?: number;
    };
    'http.error': {
      readonly node: string;
      readonly side: HttpSide;
      readonly connection: number;
      readonly exchange?: number;
      /** The HttpParseError code, e.g. 'head-too-large'. */
      readonly code: string;
      /** The status answered (server) or 0 (client). */
      readonly status: number;
      readonly message: string;
    };
    'http.timeout': {
      readonly node: string;
      readonly connection: number;
      readonly phase: 'idle' | 'head' | 'body' | 'send' | 'response';
    };
  }
}
