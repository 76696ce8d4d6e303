/**
 * The incremental, sans-I/O HTTP/1.x message parser (RFC 9112): bytes in, events out.
 *
 *   parser.feed(bytes); parser.feedEnd();      // what the connection received
 *   parser.next() -> event | HttpParseError | null (null: needs more bytes)
 *
 * Events: 'head' (with the body framing RFC 9112 §6.3 decides), 'data' (body bytes, already
 * de-chunked), 'end' (with the trailer section), and 'eof' (the peer closed cleanly between
 * messages). Pipelined messages simply follow one another. Body data are zero-copy views of
 * the fed chunks, valid for as long as the caller leaves those chunks unchanged.
 *
 * Any byte at any split gives the same events: the parser only ever keeps an incomplete
 * line, so feeding one byte at a time costs O(line) per byte, never O(message).
 *
 * Strict where leniency enables request smuggling or response splitting: CRLF line
 * endings only (a bare LF or CR is an error, the MAY of RFC 9112 §2.2 is not taken), no
 * obs-fold, no whitespace before the colon, chunk extensions checked against their grammar
 * and then ignored. Every limit of limits.ts is enforced as the bytes arrive, so a client
 * cannot make the parser buffer more than the limit by withholding the end of a line.
 * After an error the parser stays failed and returns the same error.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { type BodyFraming, NO_BODY, requestFraming, responseFraming } from './body-framing.ts';
import {
  CHAR_CLASS as CHAR_CLASS_,
  FIELD_VCHAR as FIELD_VCHAR_,
  HEXDIG as HEXDIG_,
  TCHAR as TCHAR_,
  WHITESPACE as WHITESPACE_,
  latin1,
} from './field-syntax.ts';
import { HeaderList } from './header-list.ts';
import { type HttpErrorCode, HttpParseError } from './http-error.ts';
import { knownName } from './known-fields.ts';
import { type HttpLimits, resolveLimits } from './limits.ts';
import type { RequestHead, ResponseHead } from './message.ts';
import { parseRequestLine, parseStatusLine, type RequestLine, type StatusLine } from './start-line.ts';

// Module-local copies: an imported binding can cost a getter call per use under some loaders (tsx, vite-node).
const CHAR_CLASS = CHAR_CLASS_;
const FIELD_VCHAR = FIELD_VCHAR_;
const HEXDIG = HEXDIG_;
const TCHAR = TCHAR_;
const WHITESPACE = WHITESPACE_;

export type HttpParserEvent<H> =
  | {
      readonly kind: 'head';
      readonly head: H;
      readonly framing: BodyFraming;
      /** Bytes of the head on the wire, start-line to the empty line. */
      readonly headBytes: number;
    }
  | { readonly kind: 'data'; readonly data: Uint8Array }
  | { readonly kind: 'end'; readonly trailers: HeaderList }
  | { readonly kind: 'eof' };

export type HttpParserState =
  | 'start-line'
  | 'headers'
  | 'body-none'
  | 'body-length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'body-until-close'
  | 'switched'
  | 'eof'
  | 'error';

const EMPTY = new Uint8Array(0);
const CR = 0x0d;
const LF = 0x0a;

abstract class MessageParser<H> {
  readonly limits: HttpLimits;
  private buf: Uint8Array = EMPTY;
  private pos = 0;
  /** Stream offset of buf[0]. */
  private base = 0;
  private ended = false;
  private failure: HttpParseError | null = null;
  private current: HttpParserState = 'start-line';

  // The head being parsed.
  private headBytes = 0;
  private emptyLines = 0;
  private startLine: RequestLine | StatusLine | null = null;
  private names: string[] = [];
  private keys: string[] = [];
  private values: string[] = [];

  // The body being parsed.
  private remaining = 0;
  private bodyBytes = 0;

  constructor(limits?: Partial<HttpLimits>) {
    this.limits = resolveLimits(limits);
  }

  get state(): HttpParserState {
    return this.current;
  }

  /** Bytes fed but not parsed yet. */
  get bufferedBytes(): number {
    return this.buf.length - this.pos;
  }

  /** True between messages: nothing of the next message has been parsed. */
  get atBoundary(): boolean {
    return this.current === 'start-line' && this.headBytes === 0 && this.emptyLines === 0;
  }

  /** Stream offset of the next byte to parse. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Appends received bytes. The parser keeps a reference: do not modify them afterwards. */
  feed(data: Uint8Array): void {
    if (this.ended) throw new NetlabError('http-feed-after-end', 'feed() after feedEnd()');
    if (data.length === 0) return;
    if (this.pos >= this.buf.length) {
      this.base += this.buf.length;
      this.buf = data;
      this.pos = 0;
      return;
    }
    const rest = this.buf.length - this.pos;
    const next = new Uint8Array(rest + data.length);
    next.set(this.buf.subarray(this.pos));
    next.set(data, rest);
    this.base += this.pos;
    this.buf = next;
    this.pos = 0;
  }

  /** The peer closed its side: no more bytes will come. */
  feedEnd(): void {
    this.ended = true;
  }

  /**
   * Takes the bytes not parsed yet (after a 'switch' head they belong to the next
   * protocol, e.g. WebSocket frames sent right behind the upgrade).
   */
  takeBuffered(): Uint8Array {
    const out = this.buf.subarray(this.pos);
    this.base += this.buf.length;
    this.buf = EMPTY;
    this.pos = 0;
    return out;
  }

  /** The next event, the (sticky) error, or null when more bytes are needed. */
  next(): HttpParserEvent<H> | HttpParseError | null {
    for (;;) {
      if (this.failure) return this.failure;
      let r: HttpParserEvent<H> | HttpParseError | null | undefined;
      switch (this.current) {
        case 'start-line':
          r = this.parseStart();
          break;
        case 'headers':
          r = this.parseFields(false);
          break;
        case 'body-none':
          this.current = 'start-line';
          return { kind: 'end', trailers: HeaderList.EMPTY };
        case 'body-length':
        case 'chunk-data':
          r = this.parseCounted();
          break;
        case 'chunk-size':
          r = this.parseChunkSize();
          break;
        case 'chunk-crlf':
          r = this.parseChunkCrlf();
          break;
        case 'trailers':
          r = this.parseFields(true);
          break;
        case 'body-until-close':
          r = this.parseUntilClose();
          break;
        case 'switched':
        case 'eof':
          return null;
        case 'error':
          return this.failure;
      }
      if (r === undefined) continue;
      if (r instanceof HttpParseError) return this.fail(r);
      return r;
    }
  }

  protected abstract parseStartLine(
    line: Uint8Array,
    start: number,
    end: number,
  ): RequestLine | StatusLine | HttpParseError;
  protected abstract buildHead(line: RequestLine | StatusLine, headers: HeaderList): H | HttpParseError;
  protected abstract framingOf(head: H): BodyFraming | HttpParseError;
  /** What the start-line limit's error is for this kind of message. */
  protected abstract readonly startLineTooLong: HttpErrorCode;
  /** Whether empty lines before the start-line are skipped (servers do: RFC 9112 §2.2). */
  protected abstract readonly skipLeadingEmptyLines: boolean;

  private fail(e: HttpParseError): HttpParseError {
    const located = e.offset === undefined ? new HttpParseError(e.code, e.message, this.offset) : e;
    this.failure = located;
    this.current = 'error';
    return located;
  }

  private error(code: HttpErrorCode, message: string, at = this.pos): HttpParseError {
    return new HttpParseError(code, message, this.base + at);
  }

  /**
   * The end (index of LF) of the next line, null when it has not fully arrived, or an
   * error when the line is over `limit` bytes (CRLF included) or does not end in CRLF.
   */
  private lineEnd(limit: number, code: HttpErrorCode, what: string): number | null | HttpParseError {
    const buf = this.buf;
    const lf = buf.indexOf(LF, this.pos);
    if (lf < 0) {
      if (this.buf.length - this.pos > limit) return this.error(code, `${what} is over ${limit} bytes`);
      if (this.ended)
        return this.error('incomplete-message', `the connection closed in the middle of ${what}`);
      return null;
    }
    if (lf + 1 - this.pos > limit) return this.error(code, `${what} is over ${limit} bytes`);
    if (lf === this.pos || buf[lf - 1] !== CR)
      return this.error('bad-line-ending', 'a line ends in a bare LF', lf);
    return lf;
  }

  private parseStart(): HttpParserEvent<H> | HttpParseError | null | undefined {
    if (this.pos >= this.buf.length) {
      if (!this.ended) return null;
      if (this.emptyLines > 0 && !this.skipLeadingEmptyLines) {
        return this.error('incomplete-message', 'the connection closed in the middle of a message');
      }
      this.current = 'eof';
      return { kind: 'eof' };
    }
    const max = this.limits.maxStartLineBytes;
    const lf = this.lineEnd(max, this.startLineTooLong, 'the start-line');
    if (lf === null || lf instanceof HttpParseError) return lf;
    if (lf === this.pos + 1) {
      // An empty line (CRLF) before the start-line.
      if (!this.skipLeadingEmptyLines || ++this.emptyLines > this.limits.maxLeadingEmptyLines) {
        return this.error(
          this.skipLeadingEmptyLines ? 'bad-request-line' : 'bad-status-line',
          'an empty start-line',
        );
      }
      this.pos = lf + 1;
      return undefined;
    }
    const line = this.parseStartLine(this.buf, this.pos, lf - 1);
    if (line instanceof HttpParseError) {
      return new HttpParseError(line.code, line.message, this.base + (line.offset ?? this.pos));
    }
    this.startLine = line;
    this.headBytes = lf + 1 - this.pos;
    this.pos = lf + 1;
    this.names = [];
    this.keys = [];
    this.values = [];
    this.current = 'headers';
    return undefined;
  }

  /** Field lines of a head (or, with `trailer`, of a trailer section), up to the empty line. */
  private parseFields(trailer: boolean): HttpParserEvent<H> | HttpParseError | null | undefined {
    const limits = this.limits;
    const buf = this.buf;
    for (;;) {
      const left = limits.maxHeadBytes - this.headBytes;
      const lf = this.lineEnd(left, 'head-too-large', trailer ? 'the trailer section' : 'the head');
      if (lf === null || lf instanceof HttpParseError) return lf;
      const start = this.pos;
      const end = lf - 1; // the CR
      this.headBytes += lf + 1 - start;
      this.pos = lf + 1;
      if (end === start) return trailer ? this.finishTrailers() : this.finishHead();
      if (this.names.length >= limits.maxHeaderCount) {
        return this.error('too-many-headers', `more than ${limits.maxHeaderCount} field lines`, start);
      }
      const c0 = buf[start]!;
      if ((CHAR_CLASS[c0]! & WHITESPACE) !== 0) {
        return this.error('obs-fold', 'a field line starts with whitespace (obsolete line folding)', start);
      }
      let i = start;
      let hash = 0;
      while (i < end && (CHAR_CLASS[buf[i]!]! & TCHAR) !== 0) hash = (Math.imul(hash, 31) + buf[i++]!) | 0;
      if (i === end || buf[i] !== 0x3a) {
        if (i < end && (CHAR_CLASS[buf[i]!]! & WHITESPACE) !== 0) {
          return this.error('space-before-colon', 'whitespace between a field name and its colon', i);
        }
        return this.error('bad-header', 'a field line is not name ":" value', i);
      }
      if (i === start) return this.error('bad-header', 'an empty field name', i);
      const known = knownName(buf, start, i, hash);
      const name = known ? known.name : latin1(buf, start, i);
      const key = known ? known.key : name.toLowerCase();
      i++;
      while (i < end && (CHAR_CLASS[buf[i]!]! & WHITESPACE) !== 0) i++;
      let vend = end;
      while (vend > i && (CHAR_CLASS[buf[vend - 1]!]! & WHITESPACE) !== 0) vend--;
      for (let j = i; j < vend; j++) {
        const b = buf[j]!;
        if ((CHAR_CLASS[b]! & (FIELD_VCHAR | WHITESPACE)) === 0) {
          return b === CR
            ? this.error('bad-line-ending', 'a bare CR inside a field value', j)
            : this.error(
                'bad-header',
                `byte 0x${b.toString(16).padStart(2, '0')} in the value of ${name}`,
                j,
              );
        }
      }
      this.names.push(name);
      this.keys.push(key);
      this.values.push(latin1(buf, i, vend));
    }
  }

  private takeFields(): HeaderList {
    const list = new HeaderList(this.names, this.values, this.keys);
    this.names = [];
    this.keys = [];
    this.values = [];
    return list;
  }

  private finishHead(): HttpParserEvent<H> | HttpParseError {
    const headBytes = this.headBytes;
    const head = this.buildHead(this.startLine!, this.takeFields());
    if (head instanceof HttpParseError) return head;
    const framing = this.framingOf(head);
    if (framing instanceof HttpParseError) return framing;
    this.startLine = null;
    this.headBytes = 0;
    this.emptyLines = 0;
    this.bodyBytes = 0;
    switch (framing.kind) {
      case 'none':
        this.current = 'body-none';
        break;
      case 'length':
        this.remaining = framing.length;
        this.current = 'body-length';
        break;
      case 'chunked':
        this.current = 'chunk-size';
        break;
      case 'until-close':
        this.current = 'body-until-close';
        break;
      case 'switch':
        this.current = 'switched';
        break;
    }
    return { kind: 'head', head, framing, headBytes };
  }

  private finishTrailers(): HttpParserEvent<H> {
    this.headBytes = 0;
    this.current = 'start-line';
    return { kind: 'end', trailers: this.takeFields() };
  }

  /** Content-Length bodies and chunk data: hand out what has arrived, as a view. */
  private parseCounted(): HttpParserEvent<H> | HttpParseError | null | undefined {
    const avail = this.buf.length - this.pos;
    if (avail === 0) {
      return this.ended
        ? this.error('incomplete-message', `the body ended ${this.remaining} bytes early`)
        : null;
    }
    const n = Math.min(avail, this.remaining);
    const data = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.remaining -= n;
    if (this.remaining === 0) this.current = this.current === 'body-length' ? 'body-none' : 'chunk-crlf';
    return { kind: 'data', data };
  }

  private parseChunkSize(): HttpParserEvent<H> | HttpParseError | null | undefined {
    const limits = this.limits;
    const lf = this.lineEnd(limits.maxChunkLineBytes, 'chunk-line-too-long', 'a chunk-size line');
    if (lf === null || lf instanceof HttpParseError) return lf;
    const buf = this.buf;
    const end = lf - 1;
    let i = this.pos;
    let size = 0;
    while (i < end && (CHAR_CLASS[buf[i]!]! & HEXDIG) !== 0) {
      if (i - this.pos >= limits.maxChunkSizeDigits) {
        return this.error(
          'chunk-line-too-long',
          `a chunk-size of more than ${limits.maxChunkSizeDigits} digits`,
          i,
        );
      }
      const b = buf[i]!;
      size = size * 16 + (b <= 0x39 ? b - 0x30 : (b | 0x20) - 0x57);
      i++;
    }
    if (i === this.pos) return this.error('bad-chunk-size', 'a chunk-size line without hex digits');
    if (!Number.isSafeInteger(size)) return this.error('chunk-line-too-long', 'a chunk-size beyond 2^53');
    const bad = checkChunkExtensions(buf, i, end);
    if (bad >= 0) return this.error('bad-chunk-size', 'a malformed chunk extension', bad);
    this.pos = lf + 1;
    if (size === 0) {
      this.headBytes = 0;
      this.names = [];
      this.keys = [];
      this.values = [];
      this.current = 'trailers';
      return undefined;
    }
    if (this.bodyBytes + size > limits.maxBodyBytes) {
      return this.error('body-too-large', `a chunked body over the ${limits.maxBodyBytes}-byte limit`);
    }
    this.bodyBytes += size;
    this.remaining = size;
    this.current = 'chunk-data';
    return undefined;
  }

  private parseChunkCrlf(): HttpParseError | null | undefined {
    const avail = this.buf.length - this.pos;
    if (avail >= 1 && this.buf[this.pos] !== CR)
      return this.error('bad-chunk-terminator', 'chunk data not followed by CRLF');
    if (avail < 2)
      return this.ended ? this.error('incomplete-message', 'the connection closed inside a chunk') : null;
    if (this.buf[this.pos + 1] !== LF) {
      return this.error('bad-chunk-terminator', 'chunk data not followed by CRLF', this.pos + 1);
    }
    this.pos += 2;
    this.current = 'chunk-size';
    return undefined;
  }

  private parseUntilClose(): HttpParserEvent<H> | HttpParseError | null {
    const avail = this.buf.length - this.pos;
    if (avail > 0) {
      this.bodyBytes += avail;
      if (this.bodyBytes > this.limits.maxBodyBytes) {
        return this.error('body-too-large', `a body over the ${this.limits.maxBodyBytes}-byte limit`);
      }
      const data = this.buf.subarray(this.pos);
      this.pos = this.buf.length;
      return { kind: 'data', data };
    }
    if (!this.ended) return null;
    this.current = 'eof';
    return { kind: 'end', trailers: HeaderList.EMPTY };
  }
}

/**
 * Checks `*( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )` (RFC 9112 §7.1.1)
 * on bytes[i..end); returns -1 when well-formed, else the offset of the first bad byte.
 */
function checkChunkExtensions(buf: Uint8Array, i: number, end: number): number {
  for (;;) {
    while (i < end && (CHAR_CLASS[buf[i]!]! & WHITESPACE) !== 0) i++;
    if (i === end) return -1;
    if (buf[i] !== 0x3b) return i;
    i++;
    while (i < end && (CHAR_CLASS[buf[i]!]! & WHITESPACE) !== 0) i++;
    const nameStart = i;
    while (i < end && (CHAR_CLASS[buf[i]!]! & TCHAR) !== 0) i++;
    if (i === nameStart) return i;
    while (i < end && (CHAR_CLASS[buf[i]!]! & WHITESPACE) !== 0) i++;
    if (i >= end || buf[i] !== 0x3d) continue;
    i++;
    while (i < end && (CHAR_CLASS[buf[i]!]! & WHITESPACE) !== 0) i++;
    if (i < end && buf[i] === 0x22) {
      // quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE
      i++;
      for (;;) {
        if (i >= end) return i;
        const b = buf[i]!;
        if (b === 0x22) break;
        if (b === 0x5c) {
          i++;
          if (i >= end || (CHAR_CLASS[buf[i]!]! & (FIELD_VCHAR | WHITESPACE)) === 0) return i;
        } else if ((CHAR_CLASS[b]! & (FIELD_VCHAR | WHITESPACE)) === 0) return i;
        i++;
      }
      i++;
    } else {
      const valueStart = i;
      while (i < end && (CHAR_CLASS[buf[i]!]! & TCHAR) !== 0) i++;
      if (i === valueStart) return i;
    }
  }
}

/** Parses requests, as a server reads them. */
export class RequestParser extends MessageParser<RequestHead> {
  protected readonly startLineTooLong = 'uri-too-long';
  protected readonly skipLeadingEmptyLines = true;

  protected parseStartLine(line: Uint8Array, start: number, end: number): RequestLine | HttpParseError {
    return parseRequestLine(line, start, end, this.limits.maxMethodBytes, 0);
  }

  protected buildHead(line: RequestLine | StatusLine, headers: HeaderList): RequestHead | HttpParseError {
    const { method, target, version } = line as RequestLine;
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1, at most one in HTTP/1.0.
    let hosts = 0;
    for (const k of headers.keys) if (k === 'host') hosts++;
    if (hosts > 1 || (hosts === 0 && version === '1.1')) {
      return new HttpParseError(
        'bad-host',
        hosts > 1 ? 'more than one Host field' : 'an HTTP/1.1 request without Host',
      );
    }
    return { method, target, version, headers };
  }

  protected framingOf(head: RequestHead): BodyFraming | HttpParseError {
    return requestFraming(head, this.limits.maxBodyBytes);
  }
}

/**
 * Parses responses, as a client reads them. A response's framing depends on the request
 * it answers (a response to HEAD has no body): tell the parser each request's method, in
 * the order they were sent, with `expectResponseTo`. Without one, GET is assumed.
 */
export class ResponseParser extends MessageParser<ResponseHead> {
  protected readonly startLineTooLong = 'head-too-large';
  protected readonly skipLeadingEmptyLines = false;
  private readonly methods: string[] = [];

  /** Queues the method of a request sent on this connection. */
  expectResponseTo(method: string): void {
    this.methods.push(method);
  }

  /** Requests whose final response has not been parsed yet. */
  get awaiting(): number {
    return this.methods.length;
  }

  protected parseStartLine(line: Uint8Array, start: number, end: number): StatusLine | HttpParseError {
    return parseStatusLine(line, start, end, 0);
  }

  protected buildHead(line: RequestLine | StatusLine, headers: HeaderList): ResponseHead {
    const { version, status, reason } = line as StatusLine;
    return { version, status, reason, headers };
  }

  protected framingOf(head: ResponseHead): BodyFraming | HttpParseError {
    // Interim (1xx, but not 101) responses answer no request by themselves.
    const interim = head.status < 200 && head.status !== 101;
    const method = (interim ? this.methods[0] : this.methods.shift()) ?? 'GET';
    return responseFraming(head, method, this.limits.maxBodyBytes);
  }
}

export { NO_BODY };
