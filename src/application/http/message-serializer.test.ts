import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { HeaderList } from './header-list.ts';
import { HttpParseError } from './http-error.ts';
import type { RequestHead, ResponseHead } from './message.ts';
import {
  serializeChunk,
  serializeLastChunk,
  serializeRequest,
  serializeRequestHead,
  serializeResponse,
  serializeResponseHead,
} from './message-serializer.ts';
import { parseRequest, parseResponse } from './parse-message.ts';
import { bytes, text } from './test-helpers.ts';

describe('serialising heads', () => {
  it("writes curl's GET byte for byte", () => {
    const head: RequestHead = {
      method: 'GET',
      target: '/b',
      version: '1.1',
      headers: HeaderList.from([
        ['Host', '127.0.0.1:18082'],
        ['User-Agent', 'curl/7.88.1'],
        ['Accept', '*/*'],
      ]),
    };
    expect(text(serializeRequestHead(head))).toBe(
      'GET /b HTTP/1.1\r\nHost: 127.0.0.1:18082\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n',
    );
  });

  it('writes the RFC 9110 §3.9 response byte for byte', () => {
    const content = 'Hello World! My content includes a trailing CRLF.\r\n';
    const wire = serializeResponse({
      head: {
        version: '1.1',
        status: 200,
        reason: 'OK',
        headers: HeaderList.from([
          ['Date', 'Mon, 27 Jul 2009 12:28:53 GMT'],
          ['Server', 'Apache'],
          ['Last-Modified', 'Wed, 22 Jul 2009 19:15:56 GMT'],
          ['ETag', '"34aa387-d-1568eb00"'],
          ['Accept-Ranges', 'bytes'],
          ['Content-Length', '51'],
          ['Vary', 'Accept-Encoding'],
          ['Content-Type', 'text/plain'],
        ]),
      },
      body: bytes(content),
    });
    expect(text(wire)).toBe(
      'HTTP/1.1 200 OK\r\nDate: Mon, 27 Jul 2009 12:28:53 GMT\r\nServer: Apache\r\n' +
        'Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\nETag: "34aa387-d-1568eb00"\r\nAccept-Ranges: bytes\r\n' +
        `Content-Length: 51\r\nVary: Accept-Encoding\r\nContent-Type: text/plain\r\n\r\n${content}`,
    );
  });

  it('writes an empty reason as "HTTP/1.1 299 " (the SP stays, RFC 9112 §4)', () => {
    expect(
      text(serializeResponseHead({ version: '1.1', status: 299, reason: '', headers: HeaderList.EMPTY })),
    ).toBe('HTTP/1.1 299 \r\n\r\n');
  });
});

describe('chunks', () => {
  it('writes hex sizes and the last-chunk with trailers', () => {
    expect(text(serializeChunk(bytes('Developer Network')))).toBe('11\r\nDeveloper Network\r\n');
    expect(text(serializeLastChunk())).toBe('0\r\n\r\n');
    expect(text(serializeLastChunk(HeaderList.from({ Expires: 'Wed, 21 Oct 2015 07:28:00 GMT' })))).toBe(
      '0\r\nExpires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n',
    );
    expect(() => serializeChunk(new Uint8Array(0))).toThrow(NetlabError);
  });

  it('frames a whole chunked request like curl does', () => {
    const wire = serializeRequest({
      head: {
        method: 'POST',
        target: '/upload',
        version: '1.1',
        headers: HeaderList.from([
          ['Host', '127.0.0.1:18083'],
          ['Transfer-Encoding', 'chunked'],
        ]),
      },
      body: bytes('hello world, chunked upload'),
    });
    expect(text(wire)).toBe(
      'POST /upload HTTP/1.1\r\nHost: 127.0.0.1:18083\r\nTransfer-Encoding: chunked\r\n\r\n' +
        '1b\r\nhello world, chunked upload\r\n0\r\n\r\n',
    );
  });
});

describe('refusing to write what would be header injection', () => {
  const base: RequestHead = { method: 'GET', target: '/', version: '1.1', headers: HeaderList.EMPTY };

  it.each([
    ['CRLF in a value', () => HeaderList.from({ 'X-A': 'a\r\nInjected: 1' })],
    ['LF in a value', () => HeaderList.from({ 'X-A': 'a\nb' })],
    ['NUL in a value', () => HeaderList.from({ 'X-A': 'a\0b' })],
    ['colon in a name', () => HeaderList.from({ 'X:A': 'b' })],
    ['space in a name', () => HeaderList.from({ 'X A': 'b' })],
    ['leading space in a value', () => HeaderList.from({ 'X-A': ' b' })],
    ['a char above U+00FF', () => HeaderList.from({ 'X-A': '\u20ac' })],
  ])('%s', (_name, build) => {
    expect(build).toThrow(NetlabError);
  });

  it('checks method, target, version, status and reason', () => {
    expect(() => serializeRequestHead({ ...base, method: 'GE T' })).toThrow(NetlabError);
    expect(() => serializeRequestHead({ ...base, target: '/a b' })).toThrow(NetlabError);
    expect(() => serializeRequestHead({ ...base, target: '/a\r\nX: 1' })).toThrow(NetlabError);
    expect(() => serializeRequestHead({ ...base, version: '2.0' as never })).toThrow(NetlabError);
    const res: ResponseHead = { version: '1.1', status: 200, reason: 'OK', headers: HeaderList.EMPTY };
    expect(() => serializeResponseHead({ ...res, status: 99 })).toThrow(NetlabError);
    expect(() => serializeResponseHead({ ...res, reason: 'O\r\nK' })).toThrow(NetlabError);
  });

  it('checks lists built without HeaderList.from too', () => {
    const sneaky = new HeaderList(['X'], ['a\r\nb']);
    expect(() => serializeRequestHead({ ...base, headers: sneaky })).toThrow(NetlabError);
  });
});

describe('round trip: serialise then parse gives the message back (property)', () => {
  const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,16}$/);
  const value = fc.stringMatching(
    /^([\x21-\x7e\x80-\xff]([\x20-\x7e\x80-\xff\t]{0,30}[\x21-\x7e\x80-\xff])?)?$/,
  );
  const framingFree = (n: string) =>
    !['host', 'content-length', 'transfer-encoding'].includes(n.toLowerCase());
  const headers = fc.array(fc.tuple(token.filter(framingFree), value), { maxLength: 10 });
  const body = fc.uint8Array({ maxLength: 200 });

  it('requests', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'M-SEARCH'),
        fc.stringMatching(/^\/[\x21-\x7e]{0,40}$/).filter((t) => !t.includes('#')),
        fc.constantFrom('1.0', '1.1'),
        headers,
        body,
        fc.boolean(),
        (method, target, version, fields, payload, chunked) => {
          const useChunked = chunked && version === '1.1';
          const framing: [string, string] = useChunked
            ? ['Transfer-Encoding', 'chunked']
            : ['Content-Length', String(payload.length)];
          const head: RequestHead = {
            method,
            target,
            version: version as '1.0' | '1.1',
            headers: HeaderList.from([['Host', 'example'], ...fields, framing]),
          };
          const parsed = parseRequest(serializeRequest({ head, body: payload }));
          if (parsed instanceof HttpParseError) throw new Error(parsed.toString());
          expect(parsed.head.method).toBe(method);
          expect(parsed.head.target).toBe(target);
          expect(parsed.head.version).toBe(version);
          expect(parsed.head.headers.entries()).toEqual(head.headers.entries());
          expect([...parsed.body]).toEqual([...payload]);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('responses', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 200, max: 599 }).filter((s) => s !== 204 && s !== 304),
        fc.stringMatching(/^[\x20-\x7e]{0,20}$/),
        headers,
        body,
        (status, reason, fields, payload) => {
          const head: ResponseHead = {
            version: '1.1',
            status,
            reason,
            headers: HeaderList.from([...fields, ['Content-Length', String(payload.length)]]),
          };
          const parsed = parseResponse(serializeResponse({ head, body: payload }));
          if (parsed instanceof HttpParseError) throw new Error(parsed.toString());
          expect(parsed.head).toMatchObject({ version: '1.1', status, reason });
          expect(parsed.head.headers.entries()).toEqual(head.headers.entries());
          expect([...parsed.body]).toEqual([...payload]);
        },
      ),
      { numRuns: 300 },
    );
  });
});
