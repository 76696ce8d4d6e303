/**
 * How long a message body is: RFC 9112 §6.3, the rule request smuggling lives or dies by.
 *
 * Deliberately stricter than the RFC allows, in both roles:
 * - Content-Length together with Transfer-Encoding is an error (400), never "TE wins".
 * - Several Content-Length values are accepted only when identical ("42, 42").
 * - Transfer-Encoding must be exactly `chunked`: any other coding (gzip, ...) is 501 for a
 *   request and an error for a response, since netlab decodes none of them; `chunked`
 *   applied twice is 400.
 * - Transfer-Encoding in an HTTP/1.0 message is faulty framing (§6.1): 400.
 * Left out: CONNECT tunnels after 2xx and 101 Switching Protocols are reported as
 * 'switch', the point where HTTP/1.1 stops owning the connection.
 */
import { splitList } from './field-syntax.ts';
import { HttpParseError } from './http-error.ts';
import type { RequestHead, ResponseHead } from './message.ts';

export type BodyFraming =
  /** No body at all (GET without Content-Length, HEAD responses, 204, 304, 1xx). */
  | { readonly kind: 'none' }
  /** Exactly `length` bytes (Content-Length). */
  | { readonly kind: 'length'; readonly length: number }
  /** Chunked transfer coding (RFC 9112 §7.1). */
  | { readonly kind: 'chunked' }
  /** Everything until the server closes (a response without a length, HTTP/1.0 style). */
  | { readonly kind: 'until-close' }
  /** The connection leaves HTTP after this head (101, or 2xx to CONNECT). */
  | { readonly kind: 'switch' };

export const NO_BODY: BodyFraming = { kind: 'none' };
const CHUNKED: BodyFraming = { kind: 'chunked' };
const UNTIL_CLOSE: BodyFraming = { kind: 'until-close' };
const SWITCH: BodyFraming = { kind: 'switch' };

/** Content-Length: 1*DIGIT, or a list of identical such values. */
function contentLength(values: readonly string[]): number | HttpParseError | undefined {
  if (values.length === 0) return undefined;
  let length: number | undefined;
  for (const line of values) {
    for (const item of line.split(',')) {
      const text = item.trim();
      if (!/^\d{1,16}$/.test(text)) {
        return new HttpParseError(
          'bad-content-length',
          `Content-Length is not a number: ${JSON.stringify(text)}`,
        );
      }
      const n = Number(text);
      if (!Number.isSafeInteger(n))
        return new HttpParseError('bad-content-length', 'Content-Length is too large');
      if (length !== undefined && n !== length) {
        return new HttpParseError('conflicting-content-length', `Content-Length ${length} and ${n} disagree`);
      }
      length = n;
    }
  }
  return length;
}

/** Checks Transfer-Encoding: returns chunked framing or the error. */
function transferEncoding(
  values: readonly string[],
  kind: 'request' | 'response',
): BodyFraming | HttpParseError {
  const codings = values.flatMap((v) => splitList(v)).map((c) => c.toLowerCase());
  if (codings.length === 0) return new HttpParseError('bad-header', 'an empty Transfer-Encoding');
  const chunked = codings.filter((c) => c === 'chunked').length;
  if (codings[codings.length - 1] !== 'chunked' && kind === 'request') {
    return new HttpParseError('chunked-not-final', 'a request Transfer-Encoding must end with chunked');
  }
  const other = codings.find((c) => c !== 'chunked');
  if (other !== undefined) {
    return new HttpParseError(
      'unsupported-transfer-coding',
      `transfer coding ${JSON.stringify(other)} is not supported`,
    );
  }
  if (chunked > 1) return new HttpParseError('bad-header', 'chunked applied more than once');
  return CHUNKED;
}

function common(
  version: string,
  te: readonly string[],
  cl: readonly string[],
  kind: 'request' | 'response',
  maxBodyBytes: number,
): BodyFraming | HttpParseError | undefined {
  if (te.length > 0) {
    if (version === '1.0') {
      return new HttpParseError('transfer-encoding-in-http10', 'Transfer-Encoding in an HTTP/1.0 message');
    }
    if (cl.length > 0) {
      return new HttpParseError(
        'content-length-with-transfer-encoding',
        'both Content-Length and Transfer-Encoding (a request smuggling pattern)',
      );
    }
    return transferEncoding(te, kind);
  }
  const length = contentLength(cl);
  if (length instanceof HttpParseError) return length;
  if (length === undefined) return undefined;
  if (length > maxBodyBytes) {
    return new HttpParseError(
      'body-too-large',
      `a ${length}-byte body is over the ${maxBodyBytes}-byte limit`,
    );
  }
  return length === 0 ? NO_BODY : { kind: 'length', length };
}

/** A request's body framing (RFC 9112 §6.3 items 3-6). */
export function requestFraming(head: RequestHead, maxBodyBytes: number): BodyFraming | HttpParseError {
  const h = head.headers;
  return (
    common(
      head.version,
      h.getAll('transfer-encoding'),
      h.getAll('content-length'),
      'request',
      maxBodyBytes,
    ) ?? NO_BODY
  );
}

/**
 * A response's body framing (RFC 9112 §6.3 items 1-7). `method` is that of the request it
 * answers: responses to HEAD have no body whatever their headers say.
 */
export function responseFraming(
  head: ResponseHead,
  method: string,
  maxBodyBytes: number,
): BodyFraming | HttpParseError {
  const s = head.status;
  if (s === 101 || (method === 'CONNECT' && s >= 200 && s < 300)) return SWITCH;
  if (method === 'HEAD' || s < 200 || s === 204 || s === 304) return NO_BODY;
  const h = head.headers;
  return (
    common(
      head.version,
      h.getAll('transfer-encoding'),
      h.getAll('content-length'),
      'response',
      maxBodyBytes,
    ) ?? UNTIL_CLOSE
  );
}
