/** HTTP/1.0 and HTTP/1.1: codec, sans-I/O connection machine, server and client adapters. */
export { type BodyFraming, requestFraming, responseFraming } from './body-framing.ts';
export {
  ClientConnection,
  type ClientConnectionOptions,
  HttpRequestError,
  type HttpRequestErrorCode,
  type HttpRequestSpec,
  type HttpResult,
  type HttpTiming,
} from './client-connection.ts';
export {
  HttpConnection,
  type HttpConnectionEvent,
  type HttpConnectionOptions,
  type HttpRole,
  type HttpSendEvent,
  type SendResult,
  type TimeoutPhase,
} from './connection.ts';
export {
  HTTP_STATE_EVENTS,
  HTTP_STATES,
  type HttpHalf,
  type HttpState,
  type HttpStateEvent,
  TRANSITIONS,
  transition,
} from './connection-states.ts';
export { isFieldValue, isToken, splitList } from './field-syntax.ts';
export {
  DEFAULT_FILE_TIME,
  type FileEntry,
  type FileSource,
  memoryFiles,
  type MemoryFilesOptions,
} from './file-source.ts';
export { type HeaderInit, HeaderList } from './header-list.ts';
export {
  HttpClient,
  type HttpClientMode,
  type HttpClientOptions,
  type HttpFetchSpec,
} from './http-client.ts';
export { formatHttpDate, parseHttpDate } from './http-date.ts';
export { HTTP_ERROR_STATUS, type HttpErrorCode, HttpParseError, HttpStateError } from './http-error.ts';
export { HttpServer, type HttpServerOptions, type HttpServerStats } from './http-server.ts';
export { type HttpUrl, parseHttpUrl } from './http-url.ts';
export { DEFAULT_HTTP_LIMITS, type HttpLimits, resolveLimits } from './limits.ts';
export {
  type HttpVersion,
  type RequestHead,
  type ResponseHead,
  reasonPhrase,
  STATUS_REASONS,
  wantsPersistence,
} from './message.ts';
export {
  type HttpParserEvent,
  type HttpParserState,
  RequestParser,
  ResponseParser,
} from './message-parser.ts';
export {
  serializeChunk,
  serializeLastChunk,
  serializeRequest,
  serializeRequestHead,
  serializeResponse,
  serializeResponseHead,
} from './message-serializer.ts';
export { DEFAULT_MIME_TYPE, MIME_TYPES, mimeTypeOf } from './mime-types.ts';
export {
  type HttpRequestMessage,
  type HttpResponseMessage,
  type ParsedMessage,
  parseRequest,
  parseResponse,
} from './parse-message.ts';
export { parseRequestTarget, type RequestTarget } from './request-target.ts';
export {
  type HttpHandler,
  type HttpServerRequest,
  type HttpServerResponse,
  Router,
  textResponse,
} from './router.ts';
export { fileEtag, noneMatchHits, type StaticFilesOptions, staticFiles } from './static-files.ts';
export type { HttpCloseReason, HttpSide } from './trace-events.ts';
