/**
 * Serialises HTTP/1.x heads, chunks and whole messages (RFC 9112 §2-§7) to bytes.
 *
 * Heads are written exactly as given: no header is added or reordered (the connection
 * machine decides framing headers, see connection.ts). Everything is validated first —
 * method and field names are tokens, values and targets contain no CR, LF or control
 * bytes — and a bad value throws a NetlabError, because it comes from local code and
 * letting it through would be header injection.
 */
import { concatBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { isFieldValue, isReasonText, isTargetText, isToken, writeLatin1 } from './field-syntax.ts';
import type { HeaderList } from './header-list.ts';
import type { HttpVersion, RequestHead, ResponseHead } from './message.ts';

function checkVersion(v: HttpVersion): void {
  if (v !== '1.0' && v !== '1.1') throw new NetlabError('http-bad-version', `cannot send HTTP/${String(v)}`);
}

function fieldsLength(headers: HeaderList): number {
  let n = 2; // the empty line
  const { names, values } = headers;
  for (let i = 0; i < names.length; i++) {
    const name = names[i]!;
    const value = values[i]!;
    if (!isToken(name))
      throw new NetlabError('http-bad-field-name', `not a valid header name: ${JSON.stringify(name)}`);
    if (!isFieldValue(value)) {
      throw new NetlabError(
        'http-bad-field-value',
        `not a valid value for ${name}: ${JSON.stringify(value.slice(0, 60))}`,
      );
    }
    n += name.length + 2 + value.length + 2;
  }
  return n;
}

function writeFields(out: Uint8Array, at: number, headers: HeaderList): number {
  const { names, values } = headers;
  for (let i = 0; i < names.length; i++) {
    at = writeLatin1(out, at, names[i]!);
    out[at++] = 0x3a;
    out[at++] = 0x20;
    at = writeLatin1(out, at, values[i]!);
    out[at++] = 0x0d;
    out[at++] = 0x0a;
  }
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  return at;
}

/** `METHOD SP target SP HTTP/x.y CRLF` + field lines + CRLF. */
export function serializeRequestHead(head: RequestHead): Uint8Array {
  if (!isToken(head.method))
    throw new NetlabError('http-bad-method', `not a valid method: ${JSON.stringify(head.method)}`);
  if (!isTargetText(head.target)) {
    throw new NetlabError(
      'http-bad-target',
      `not a valid request-target: ${JSON.stringify(head.target.slice(0, 60))}`,
    );
  }
  checkVersion(head.version);
  const line = `${head.method} ${head.target} HTTP/${head.version}\r\n`;
  const out = new Uint8Array(line.length + fieldsLength(head.headers));
  writeFields(out, writeLatin1(out, 0, line), head.headers);
  return out;
}

/** `HTTP/x.y SP status SP reason CRLF` + field lines + CRLF. */
export function serializeResponseHead(head: ResponseHead): Uint8Array {
  checkVersion(head.version);
  if (!Number.isInteger(head.status) || head.status < 100 || head.status > 999) {
    throw new NetlabError('http-bad-status', `not a status code: ${head.status}`);
  }
  if (!isReasonText(head.reason)) {
    throw new NetlabError(
      'http-bad-reason',
      `not a valid reason phrase: ${JSON.stringify(head.reason.slice(0, 60))}`,
    );
  }
  const line = `HTTP/${head.version} ${head.status} ${head.reason}\r\n`;
  const out = new Uint8Array(line.length + fieldsLength(head.headers));
  writeFields(out, writeLatin1(out, 0, line), head.headers);
  return out;
}

/** One chunk: `hex-size CRLF data CRLF` (RFC 9112 §7.1). An empty chunk would end the body: not allowed. */
export function serializeChunk(data: Uint8Array): Uint8Array {
  if (data.length === 0)
    throw new NetlabError('http-empty-chunk', 'an empty chunk is the last-chunk; use serializeLastChunk');
  const size = data.length.toString(16);
  const out = new Uint8Array(size.length + 2 + data.length + 2);
  let at = writeLatin1(out, 0, size);
  out[at++] = 0x0d;
  out[at++] = 0x0a;
  out.set(data, at);
  at += data.length;
  out[at++] = 0x0d;
  out[at] = 0x0a;
  return out;
}

/** `0 CRLF` + trailer fields + CRLF: the end of a chunked body (RFC 9112 §7.1, §7.1.2). */
export function serializeLastChunk(trailers?: HeaderList): Uint8Array {
  if (!trailers || trailers.size === 0) return Uint8Array.of(0x30, 0x0d, 0x0a, 0x0d, 0x0a);
  const out = new Uint8Array(3 + fieldsLength(trailers));
  out[0] = 0x30;
  out[1] = 0x0d;
  out[2] = 0x0a;
  writeFields(out, 3, trailers);
  return out;
}

export interface SerializableMessage<H> {
  readonly head: H;
  /** The body; sent as one chunk when the head says Transfer-Encoding: chunked. */
  readonly body?: Uint8Array;
  readonly trailers?: HeaderList;
}

function withBody(
  head: Uint8Array,
  headers: HeaderList,
  body: Uint8Array | undefined,
  trailers?: HeaderList,
): Uint8Array {
  const chunked = headers.tokens('transfer-encoding').at(-1) === 'chunked';
  const parts: Uint8Array[] = [head];
  if (chunked) {
    if (body && body.length > 0) parts.push(serializeChunk(body));
    parts.push(serializeLastChunk(trailers));
  } else if (body && body.length > 0) {
    parts.push(body);
  }
  return concatBytes(parts);
}

/**
 * A whole request: head, then the body framed as the head says (one chunk and the
 * last-chunk when Transfer-Encoding is chunked, otherwise as is; the caller sets
 * Content-Length).
 */
export function serializeRequest(message: SerializableMessage<RequestHead>): Uint8Array {
  return withBody(serializeRequestHead(message.head), message.head.headers, message.body, message.trailers);
}

/** A whole response, framed like `serializeRequest`. */
export function serializeResponse(message: SerializableMessage<ResponseHead>): Uint8Array {
  return withBody(serializeResponseHead(message.head), message.head.headers, message.body, message.trailers);
}
