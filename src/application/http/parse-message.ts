/**
 * One-shot parsing of a complete HTTP/1.x message held in memory: the codec face of
 * message-parser.ts, `parseRequest(bytes): HttpRequestMessage | HttpParseError`.
 * Bytes after the message (a pipelined one) are left alone: `length` says where it ended.
 */
import { joinBytes } from '../../bytes/concat.ts';
import type { BodyFraming } from './body-framing.ts';
import { HeaderList } from './header-list.ts';
import { HttpParseError } from './http-error.ts';
import type { HttpLimits } from './limits.ts';
import type { RequestHead, ResponseHead } from './message.ts';
import { type HttpParserEvent, RequestParser, ResponseParser } from './message-parser.ts';

export interface ParsedMessage<H> {
  readonly head: H;
  readonly framing: BodyFraming;
  /** The body, de-chunked (a view of the input when it arrived in one piece). */
  readonly body: Uint8Array;
  readonly trailers: HeaderList;
  /** Bytes of input the message took. */
  readonly length: number;
}

export type HttpRequestMessage = ParsedMessage<RequestHead>;
export type HttpResponseMessage = ParsedMessage<ResponseHead>;

interface Parser<H> {
  feed(b: Uint8Array): void;
  feedEnd(): void;
  next(): HttpParserEvent<H> | HttpParseError | null;
  readonly offset: number;
}

function collect<H>(parser: Parser<H>, bytes: Uint8Array): ParsedMessage<H> | HttpParseError {
  parser.feed(bytes);
  let head: H | undefined;
  let framing: BodyFraming | undefined;
  const parts: Uint8Array[] = [];
  for (;;) {
    let ev = parser.next();
    if (ev === null) {
      // Out of bytes: the message is incomplete, unless its body runs to the end of input.
      if (framing?.kind !== 'until-close') {
        return new HttpParseError(
          'incomplete-message',
          'the input ends before the message does',
          bytes.length,
        );
      }
      parser.feedEnd();
      ev = parser.next();
      if (ev === null)
        return new HttpParseError('incomplete-message', 'the input ends before the message does');
    }
    if (ev instanceof HttpParseError) return ev;
    switch (ev.kind) {
      case 'head':
        head = ev.head;
        framing = ev.framing;
        if (framing.kind === 'switch') {
          return {
            head,
            framing,
            body: new Uint8Array(0),
            trailers: HeaderList.EMPTY,
            length: parser.offset,
          };
        }
        break;
      case 'data':
        parts.push(ev.data);
        break;
      case 'eof':
        return new HttpParseError('incomplete-message', 'no message in the input', 0);
      case 'end': {
        const body = joinBytes(parts);
        return { head: head!, framing: framing!, body, trailers: ev.trailers, length: parser.offset };
      }
    }
  }
}

/** Parses one complete request (head and body) from the start of `bytes`. */
export function parseRequest(
  bytes: Uint8Array,
  limits?: Partial<HttpLimits>,
): HttpRequestMessage | HttpParseError {
  return collect(new RequestParser(limits), bytes);
}

/**
 * Parses one complete response from the start of `bytes`. `method` is the request's: a
 * response to HEAD has no body. A response without a length runs to the end of `bytes`.
 */
export function parseResponse(
  bytes: Uint8Array,
  method = 'GET',
  limits?: Partial<HttpLimits>,
): HttpResponseMessage | HttpParseError {
  const parser = new ResponseParser(limits);
  parser.expectResponseTo(method);
  return collect(parser, bytes);
}
