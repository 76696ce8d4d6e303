/**
 * HTTP/2 (RFC 9113) with HPACK (RFC 7541) and extensible priorities (RFC 9218). See
 * README.md in this folder for what is and is not implemented.
 */
export {
  connectHttp2,
  type H2ClientOptions,
  type H2ClientRequest,
  type H2ClientResponse,
  type H2Timing,
  Http2Client,
} from './client.ts';
export {
  type ConnectionState,
  type H2DropReason,
  Http2Connection,
  type Http2Observer,
  type RequestOptions,
} from './connection.ts';
export type { HeadersKind, Http2Event } from './connection-events.ts';
export {
  DEFAULT_LOCAL_SETTINGS,
  type Http2ConnectionOptions,
  type Http2Limits,
  type LocalSettings,
  type Role,
} from './connection-options.ts';
export { ErrorCode, type ErrorCodeName, errorCodeName } from './error-codes.ts';
export { Flag, type Frame, type FrameHeader, FrameType, frameTypeName } from './frame.ts';
export { parseFrame, parseFrameBytes, parseFrameHeader, serializeFrame, writeFrame } from './frame-codec.ts';
export { FrameReader, type FrameReaderOptions, type ReadFrame } from './frame-reader.ts';
export { connectionError, H2Error, type H2ErrorScope, streamError } from './h2-error.ts';
export * from './hpack/index.ts';
export { CLIENT_PREFACE } from './preface.ts';
export { DEFAULT_PRIORITY, formatPriority, type Priority, parsePriority } from './priority.ts';
export { PushCache, type PushEntry } from './push-cache.ts';
export {
  type H2Handler,
  type H2ServerOptions,
  type H2ServerRequest,
  type H2ServerResponse,
  Http2ServerConnection,
  serveHttp2,
} from './server.ts';
export { Http2Session, type Http2SessionOptions, type SessionTrace } from './session.ts';
export { INITIAL_SETTINGS, type SettingPair, SettingId, type Settings } from './settings.ts';
export { h2StaticFiles, type H2StaticFilesOptions } from './static-files.ts';
export { STREAM_TRANSITIONS, type StreamEvent, type StreamState } from './stream-state.ts';
export type { H2Side } from './trace-events.ts';
