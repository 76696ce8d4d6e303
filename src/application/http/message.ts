/**
 * HTTP/1.x message heads as values (RFC 9112 §2-§4): a request-line or status-line plus a
 * header section. Bodies are not part of a head: they travel as data events (see
 * message-parser.ts and connection.ts), framed as body-framing.ts decides.
 *
 * Only HTTP/1.0 and HTTP/1.1 exist here. A message of a higher 1.x minor version is
 * handled as 1.1 (RFC 9110 §2.5); other major versions are refused with 505.
 */
import type { HeaderList } from './header-list.ts';

export type HttpVersion = '1.0' | '1.1';

export interface RequestHead {
  /** Case-sensitive token: 'GET', 'POST'... (RFC 9110 §9.1). */
  readonly method: string;
  /** As on the wire: origin-form '/a?b', absolute-form, authority-form or '*'. */
  readonly target: string;
  readonly version: HttpVersion;
  readonly headers: HeaderList;
}

export interface ResponseHead {
  readonly version: HttpVersion;
  /** Three digits, 100-999 (RFC 9112 §4). */
  readonly status: number;
  /** The reason-phrase as sent; may be empty. Clients should ignore it (RFC 9112 §4). */
  readonly reason: string;
  readonly headers: HeaderList;
}

/** Reason phrases of RFC 9110 §15 (and a few registered ones people meet). */
export const STATUS_REASONS: Readonly<Record<number, string>> = {
  100: 'Continue',
  101: 'Switching Protocols',
  103: 'Early Hints',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  203: 'Non-Authoritative Information',
  204: 'No Content',
  205: 'Reset Content',
  206: 'Partial Content',
  300: 'Multiple Choices',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  411: 'Length Required',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  416: 'Range Not Satisfiable',
  417: 'Expectation Failed',
  421: 'Misdirected Request',
  422: 'Unprocessable Content',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  505: 'HTTP Version Not Supported',
};

/** The standard reason phrase, or '' for a code without one. */
export function reasonPhrase(status: number): string {
  return STATUS_REASONS[status] ?? '';
}

/**
 * Whether a message of this version and Connection header leaves the connection open
 * afterwards (RFC 9112 §9.3): "close" ends it; HTTP/1.1 persists by default; HTTP/1.0
 * persists only with "keep-alive".
 */
export function wantsPersistence(version: HttpVersion, headers: HeaderList): boolean {
  if (!headers.keys.includes('connection')) return version === '1.1';
  const options = headers.tokens('connection');
  if (options.includes('close')) return false;
  if (version === '1.1') return true;
  return options.includes('keep-alive');
}
