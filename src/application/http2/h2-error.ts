/**
 * An HTTP/2 protocol violation, RFC 9113 §5.4: a ProtocolError (so codecs keep their
 * `parse(...): X | ProtocolError` shape) that also carries the wire consequence — the
 * error code to send, and whether it is a connection error (GOAWAY, then close, §5.4.1)
 * or a stream error (RST_STREAM on `streamId`, §5.4.2).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { type ErrorCodeName, ErrorCode } from './error-codes.ts';

export type H2ErrorScope = 'connection' | 'stream';

export class H2Error extends ProtocolError {
  constructor(
    /** Stable reason, e.g. 'bad-padding', 'window-overflow'. */
    code: string,
    message: string,
    /** RFC 9113 §7 code sent in GOAWAY or RST_STREAM. */
    readonly errorCode: number,
    readonly scope: H2ErrorScope,
    /** The stream concerned (0 for the connection). */
    readonly streamId = 0,
    side: 'local' | 'remote' = 'remote',
  ) {
    super('http2', code, message, undefined, side);
  }
}

/** A connection error: GOAWAY with `errorCode`, then close. */
export function connectionError(code: string, message: string, errorCode: ErrorCodeName): H2Error {
  return new H2Error(code, message, ErrorCode[errorCode], 'connection');
}

/** A stream error: RST_STREAM with `errorCode` on `streamId`; the connection goes on. */
export function streamError(
  code: string,
  message: string,
  errorCode: ErrorCodeName,
  streamId: number,
): H2Error {
  return new H2Error(code, message, ErrorCode[errorCode], 'stream', streamId);
}
