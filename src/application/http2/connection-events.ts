/**
 * What the HTTP/2 connection machine tells its adapter (connection.ts). Events come out
 * of `takeEvents()` in the order they happened.
 */
import type { H2Error } from './h2-error.ts';
import type { HeaderField } from './hpack/header-field.ts';
import type { Priority } from './priority.ts';
import type { Settings } from './settings.ts';

/** Which header section of a message a HEADERS block carried (RFC 9113 §8.1). */
export type HeadersKind = 'request' | 'informational' | 'response' | 'trailers';

export type Http2Event =
  /** A header section was received and passed the §8 checks. */
  | {
      readonly type: 'headers';
      readonly streamId: number;
      readonly kind: HeadersKind;
      readonly headers: HeaderField[];
      readonly endStream: boolean;
      /** Requests: the RFC 9218 priority the server schedules the response with. */
      readonly priority?: Priority;
    }
  /** Body octets (never empty unless `endStream`). Return them with `consume()` once used. */
  | {
      readonly type: 'data';
      readonly streamId: number;
      readonly data: Uint8Array;
      readonly endStream: boolean;
    }
  /** Client: the server promised to push a response for `headers` on `promisedStreamId`. */
  | {
      readonly type: 'push-promise';
      readonly streamId: number;
      readonly promisedStreamId: number;
      readonly headers: HeaderField[];
    }
  /**
   * The stream reached "closed": normally (both sides ended) or by a reset. A reset by the
   * peer's GOAWAY (a stream above its last stream id) carries REFUSED_STREAM: it was not
   * processed and is safe to retry.
   */
  | {
      readonly type: 'stream-closed';
      readonly streamId: number;
      readonly reset?: {
        readonly errorCode: number;
        readonly by: 'local' | 'remote';
        readonly reason?: string;
      };
    }
  /** Server: a request was answered by the machine itself (431: header list too large). */
  | { readonly type: 'request-rejected'; readonly streamId: number; readonly status: number }
  /** The peer's SETTINGS were applied (each SETTINGS frame). */
  | { readonly type: 'settings'; readonly settings: Settings }
  /** The peer acknowledged our SETTINGS. */
  | { readonly type: 'settings-acked'; readonly settings: Settings }
  /** The answer to our PING, with the round trip measured from the `now` values given. */
  | { readonly type: 'ping-ack'; readonly data: Uint8Array; readonly rtt: number }
  /** Server: a PRIORITY_UPDATE changed a request's priority (RFC 9218 §7). */
  | { readonly type: 'priority-update'; readonly streamId: number; readonly priority: Priority }
  /** The peer sent GOAWAY: no new streams; streams above `lastStreamId` were closed. */
  | {
      readonly type: 'goaway';
      readonly lastStreamId: number;
      readonly errorCode: number;
      readonly debugData: Uint8Array;
    }
  /** A connection error: GOAWAY with its code was queued and the connection is over. */
  | { readonly type: 'connection-error'; readonly error: H2Error }
  /** The connection is finished: flush `takeOutput()`, then close the transport. */
  | { readonly type: 'closed' };
