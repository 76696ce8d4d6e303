/**
 * The first line of an HTTP/1.x message (RFC 9112 §3, §4):
 *
 *   request-line = method SP request-target SP HTTP-version
 *   status-line  = HTTP-version SP status-code SP [ reason-phrase ]
 *
 * Parsed strictly: single SPs (the "whitespace-separated" leniency of RFC 9112 §3 is a
 * smuggling hazard behind proxies), a token method, a target of visible ASCII in one of the
 * four forms of §3.2, and `HTTP/DIGIT.DIGIT`. One leniency for clients: a status-line
 * without the SP before an empty reason ("HTTP/1.1 200") is accepted, as browsers do.
 *
 * Functions take the line without its CRLF: `bytes[start..end)`.
 */
import {
  CHAR_CLASS as CHAR_CLASS_,
  DIGIT as DIGIT_,
  FIELD_VCHAR as FIELD_VCHAR_,
  TARGET_CHAR as TARGET_CHAR_,
  TCHAR as TCHAR_,
  WHITESPACE as WHITESPACE_,
  latin1,
} from './field-syntax.ts';
import { HttpParseError } from './http-error.ts';
import type { HttpVersion } from './message.ts';

// Module-local copies: an imported binding can cost a getter call per use under some loaders (tsx, vite-node).
const CHAR_CLASS = CHAR_CLASS_;
const DIGIT = DIGIT_;
const FIELD_VCHAR = FIELD_VCHAR_;
const TARGET_CHAR = TARGET_CHAR_;
const TCHAR = TCHAR_;
const WHITESPACE = WHITESPACE_;

export interface RequestLine {
  readonly method: string;
  readonly target: string;
  readonly version: HttpVersion;
}

export interface StatusLine {
  readonly version: HttpVersion;
  readonly status: number;
  readonly reason: string;
}

const SP = 0x20;

/** `HTTP/x.y` at bytes[at..at+8). `base` is the stream offset of bytes[0], for error offsets. */
export function parseVersionAt(
  bytes: Uint8Array,
  at: number,
  end: number,
  base: number,
): HttpVersion | HttpParseError {
  if (
    end - at !== 8 ||
    bytes[at] !== 0x48 || // H
    bytes[at + 1] !== 0x54 || // T
    bytes[at + 2] !== 0x54 || // T
    bytes[at + 3] !== 0x50 || // P
    bytes[at + 4] !== 0x2f || // /
    bytes[at + 6] !== 0x2e || // .
    (CHAR_CLASS[bytes[at + 5]!]! & DIGIT) === 0 ||
    (CHAR_CLASS[bytes[at + 7]!]! & DIGIT) === 0
  ) {
    return new HttpParseError(
      'bad-version',
      `not an HTTP version: ${JSON.stringify(latin1(bytes, at, end))}`,
      base + at,
    );
  }
  const major = bytes[at + 5]! - 0x30;
  const minor = bytes[at + 7]! - 0x30;
  if (major !== 1) {
    return new HttpParseError(
      'unsupported-version',
      `HTTP/${major}.${minor} is not supported here`,
      base + at,
    );
  }
  return minor === 0 ? '1.0' : '1.1';
}

export function parseRequestLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  maxMethodBytes: number,
  base = 0,
): RequestLine | HttpParseError {
  let i = start;
  while (i < end && (CHAR_CLASS[bytes[i]!]! & TCHAR) !== 0) i++;
  if (i - start > maxMethodBytes) {
    return new HttpParseError('method-too-long', `method longer than ${maxMethodBytes} bytes`, base + start);
  }
  if (i === start || i >= end || bytes[i] !== SP) {
    return new HttpParseError('bad-request-line', 'expected a method token and one space', base + i);
  }
  const method = latin1(bytes, start, i);
  const targetStart = ++i;
  while (i < end && (CHAR_CLASS[bytes[i]!]! & TARGET_CHAR) !== 0) i++;
  if (i === targetStart || i >= end || bytes[i] !== SP) {
    return new HttpParseError('bad-request-line', 'expected a request-target and one space', base + i);
  }
  const target = latin1(bytes, targetStart, i);
  // The version first: an HTTP/2 preface ("PRI * HTTP/2.0") deserves 505, not a 400 about '*'.
  const version = parseVersionAt(bytes, i + 1, end, base);
  if (version instanceof HttpParseError) {
    // "GET / HTTP/1.1 junk" or "GET /a b HTTP/1.1": the line is malformed, not the version.
    return version.code === 'bad-version' && end - (i + 1) !== 8
      ? new HttpParseError(
          'bad-request-line',
          'expected HTTP-version at the end of the request-line',
          base + i + 1,
        )
      : version;
  }
  const bad = checkTargetForm(method, target);
  if (bad) return new HttpParseError('bad-request-line', bad, base + targetStart);
  return { method, target, version };
}

/**
 * Which of the forms of RFC 9112 §3.2 the target is in, checked against the method:
 * origin-form ('/path?query'), asterisk-form ('*', OPTIONS only), authority-form
 * ('host:port', CONNECT only) or absolute-form ('http://host/path'). Returns what is wrong,
 * or undefined.
 */
function checkTargetForm(method: string, target: string): string | undefined {
  const c = target.charCodeAt(0);
  if (method === 'CONNECT') {
    return /^[^/?#@\s]+:\d{1,5}$/.test(target)
      ? undefined
      : 'CONNECT needs an authority-form target (host:port)';
  }
  if (c === 0x2f) return target.includes('#') ? 'a request-target has no fragment' : undefined;
  if (target === '*') return method === 'OPTIONS' ? undefined : "the '*' target is for OPTIONS only";
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(target))
    return target.includes('#') ? 'a request-target has no fragment' : undefined;
  return 'the request-target is in none of the forms of RFC 9112 §3.2';
}

export function parseStatusLine(
  bytes: Uint8Array,
  start: number,
  end: number,
  base = 0,
): StatusLine | HttpParseError {
  if (end - start < 12 || bytes[start + 8] !== SP) {
    return new HttpParseError('bad-status-line', 'expected HTTP-version SP status-code', base + start);
  }
  const version = parseVersionAt(bytes, start, start + 8, base);
  if (version instanceof HttpParseError) {
    return version.code === 'unsupported-version'
      ? version
      : new HttpParseError('bad-status-line', version.message, version.offset);
  }
  const d0 = bytes[start + 9]!;
  const d1 = bytes[start + 10]!;
  const d2 = bytes[start + 11]!;
  if ((CHAR_CLASS[d0]! & CHAR_CLASS[d1]! & CHAR_CLASS[d2]! & DIGIT) === 0 || d0 === 0x30) {
    return new HttpParseError(
      'bad-status-line',
      'the status code is not three digits 100-999',
      base + start + 9,
    );
  }
  const status = (d0 - 0x30) * 100 + (d1 - 0x30) * 10 + (d2 - 0x30);
  let reason = '';
  if (end > start + 12) {
    if (bytes[start + 12] !== SP) {
      return new HttpParseError('bad-status-line', 'expected SP after the status code', base + start + 12);
    }
    for (let i = start + 13; i < end; i++) {
      if ((CHAR_CLASS[bytes[i]!]! & (FIELD_VCHAR | WHITESPACE)) === 0) {
        return new HttpParseError('bad-status-line', 'a control character in the reason phrase', base + i);
      }
    }
    reason = latin1(bytes, start + 13, end);
  }
  return { version, status, reason };
}
