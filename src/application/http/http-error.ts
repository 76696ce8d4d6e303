/**
 * The typed errors of HTTP/1.x. Bad bytes from the peer are `HttpParseError` values (a
 * ProtocolError), never exceptions; each code carries the status a server answers with
 * (RFC 9112, RFC 9110 §15), so "malformed -> 400, oversized head -> 431, smuggling
 * attempt -> 400, unknown transfer coding -> 501, HTTP/2.0 request line -> 505" is one
 * table, not scattered decisions.
 *
 * Illegal moves of the connection state machine are `HttpStateError` (a NetlabError):
 * thrown when local code makes them (a programming mistake), reported as an error event
 * when the peer does.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';

/** What went wrong on the wire, and the status a server sends for it. */
export const HTTP_ERROR_STATUS = {
  /** Request-line is not `method SP target SP version CRLF`. */
  'bad-request-line': 400,
  /** Status-line is not `HTTP/x.y SP 3DIGIT SP reason CRLF`. */
  'bad-status-line': 502,
  /** The version is not `HTTP/DIGIT.DIGIT`. */
  'bad-version': 400,
  /** A well-formed version other than 1.x (HTTP/2.0, HTTP/0.9...). */
  'unsupported-version': 505,
  /** The request-line is longer than the limit: the target is what grows (RFC 9112 §3). */
  'uri-too-long': 414,
  /** The method token is longer than the limit. */
  'method-too-long': 501,
  /** The head (start-line plus fields) is longer than the limit. */
  'head-too-large': 431,
  /** More header lines than the limit. */
  'too-many-headers': 431,
  /** A field line that is not `name ":" OWS value OWS`, or a bad character in it. */
  'bad-header': 400,
  /** Whitespace between field name and colon (RFC 9112 §5.1: MUST reject). */
  'space-before-colon': 400,
  /** A line starting with whitespace: obsolete line folding (RFC 9112 §5.2) or §2.2. */
  'obs-fold': 400,
  /** A bare CR or LF where CRLF is required (RFC 9112 §2.2). */
  'bad-line-ending': 400,
  /** HTTP/1.1 request without Host, or with more than one (RFC 9112 §3.2). */
  'bad-host': 400,
  /** Content-Length is not a decimal number. */
  'bad-content-length': 400,
  /** Several Content-Length values that differ (RFC 9112 §6.3 item 5). */
  'conflicting-content-length': 400,
  /** Both Content-Length and Transfer-Encoding: the classic smuggling vector (§6.3 item 3). */
  'content-length-with-transfer-encoding': 400,
  /** Transfer-Encoding in an HTTP/1.0 message: framing is faulty (RFC 9112 §6.1). */
  'transfer-encoding-in-http10': 400,
  /** A request's Transfer-Encoding does not end in chunked (§6.3 item 4). */
  'chunked-not-final': 400,
  /** A transfer coding other than chunked (gzip, deflate, compress...): RFC 9112 §6.1 says 501. */
  'unsupported-transfer-coding': 501,
  /** A chunk-size line that is not hex digits [chunk-ext] CRLF. */
  'bad-chunk-size': 400,
  /** More chunk-size digits, or a longer chunk extension, than the limits. */
  'chunk-line-too-long': 400,
  /** Chunk data not followed by CRLF. */
  'bad-chunk-terminator': 400,
  /** The body is larger than the limit (declared or counted). */
  'body-too-large': 413,
  /** The peer closed the connection in the middle of a message. */
  'incomplete-message': 400,
  /** Bytes of a response arrived when no request was waiting for one. */
  'unexpected-response': 502,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_STATUS;

export class HttpParseError extends ProtocolError {
  /** The status a server answers with (for errors in responses: 502, a gateway's answer). */
  readonly status: number;

  constructor(
    override readonly code: HttpErrorCode,
    message: string,
    offset?: number,
    side: 'local' | 'remote' = 'remote',
  ) {
    super('http', code, message, offset, side);
    this.status = HTTP_ERROR_STATUS[code];
  }
}

/** An event the state machine does not allow in the state it is in. */
export class HttpStateError extends NetlabError {
  constructor(
    /** Who made the illegal move: this program ('local') or the peer ('remote'). */
    readonly side: 'local' | 'remote',
    /** Which half of the conversation: the client's (requests) or the server's (responses). */
    readonly half: 'client' | 'server',
    readonly state: string,
    readonly event: string,
    message?: string,
  ) {
    super(
      'http-illegal-transition',
      message ?? `${side} ${half}: '${event}' is not allowed in state ${state}`,
      {
        side,
        half,
        state,
        event,
      },
    );
    this.name = 'HttpStateError';
  }
}
