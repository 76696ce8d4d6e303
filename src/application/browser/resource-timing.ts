/**
 * What the waterfall shows for each resource: the instants of its phases (in the style
 * of the W3C Resource Timing and Navigation Timing APIs, as simulated nanoseconds) and
 * the connection that carried it. Phases a resource did not go through are absent: DNS
 * only for the request that started the lookup, connect only for the first request on a
 * new connection (later ones reuse it).
 */
import type { Time } from '../../sim/time.ts';
import type { ResourceKind } from './subresource-scanner.ts';

export type BrowserProtocol = 'http1.0' | 'http1.1' | 'http1.1-pipelining' | 'h2';

/** The protocol as Resource Timing's nextHopProtocol names it. */
export type WireProtocol = 'http/1.0' | 'http/1.1' | 'h2';

export interface ResourceTiming {
  /** 1 and up, in the order resources were discovered. */
  readonly id: number;
  readonly url: string;
  readonly kind: ResourceKind;
  /** The URL of the document or stylesheet that referenced it; undefined for the page itself. */
  readonly initiator: string | undefined;
  /** The status, when a response came. */
  readonly status: number | undefined;
  readonly protocol: WireProtocol | undefined;
  /** Body bytes received. */
  readonly size: number;
  readonly contentType: string | undefined;
  /** Discovered (queued for fetching). */
  readonly start: Time;
  readonly dnsStart?: Time;
  readonly dnsEnd?: Time;
  readonly connectStart?: Time;
  readonly connectEnd?: Time;
  /** TLS handshake, when the connection was secured. */
  readonly tlsStart?: Time;
  readonly tlsEnd?: Time;
  /** First byte of the request handed to the connection. */
  readonly requestStart: Time | undefined;
  /** First byte of the response: time to first byte is `responseStart - requestStart`. */
  readonly responseStart: Time | undefined;
  /** Complete, or failed. */
  readonly end: Time;
  /** Browser-wide number of the connection that carried it. */
  readonly connection: number | undefined;
  /** The connection had carried a request before. */
  readonly reused: boolean;
  /** The server pushed it over HTTP/2 and the browser took it from the push cache. */
  readonly pushed?: boolean;
  /** For a 3xx followed: where it pointed. */
  readonly redirectTo?: string;
  /** For a network failure: the typed error's code and Chromium's name for it. */
  readonly error?: { readonly code: string; readonly netError: string; readonly message: string };
}

export interface ConnectionRecord {
  readonly id: number;
  readonly origin: string;
  readonly address: string;
  readonly port: number;
  /** What it speaks (an h2 origin whose server chose http/1.1 by ALPN says so here). */
  protocol: WireProtocol;
  readonly connectStart: Time;
  connectEnd: Time | undefined;
  /** Requests it carried. */
  requests: number;
  /** When it was closed, by either side. */
  closedAt: Time | undefined;
}
