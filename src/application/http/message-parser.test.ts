import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HttpParseError } from './http-error.ts';
import { RequestParser, ResponseParser } from './message-parser.ts';
import { bytes, drain, parseInPieces, type PlainEvent, text } from './test-helpers.ts';

// Known-good messages from real implementations, captured on this project's dev machine
// (Debian 12) with a raw socket on the other end:
/** curl 7.88.1, `curl http://127.0.0.1:18082/b`. */
const CURL_GET = 'GET /b HTTP/1.1\r\nHost: 127.0.0.1:18082\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n';
/** curl 7.88.1, `curl -H 'Transfer-Encoding: chunked' --data-binary @up.txt http://127.0.0.1:18083/upload`. */
const CURL_CHUNKED_POST =
  'POST /upload HTTP/1.1\r\nHost: 127.0.0.1:18083\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n' +
  'Transfer-Encoding: chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n' +
  '1b\r\nhello world, chunked upload\r\n0\r\n\r\n';
/** Node 20.20 node:http, two res.write() calls and res.addTrailers() (MDN's trailer example values). */
const NODE_CHUNKED_RESPONSE =
  'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTrailer: Expires\r\nDate: Tue, 01 Dec 2026 18:58:23 GMT\r\n' +
  'Connection: close\r\nTransfer-Encoding: chunked\r\n\r\n7\r\nMozilla\r\n11\r\nDeveloper Network\r\n0\r\n' +
  'Expires: Wed, 21 Oct 2015 07:28:00 GMT\r\n\r\n';
/** Python 3.11.7 http.server (HTTP/1.0), serving a 12-byte index.html. */
const PYTHON_RESPONSE =
  'HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11.7\r\nDate: Tue, 01 Dec 2026 18:57:22 GMT\r\n' +
  'Content-type: text/html\r\nContent-Length: 12\r\nLast-Modified: Tue, 01 Dec 2026 18:57:21 GMT\r\n\r\n<h1>hi</h1>\n';

// RFC 9110 §3.9, "Example Message Exchange", with CRLF line endings as on the wire.
const RFC9110_REQUEST =
  'GET /hello.txt HTTP/1.1\r\nUser-Agent: curl/7.64.1\r\nHost: www.example.com\r\nAccept-Language: en, mi\r\n\r\n';
const RFC9110_RESPONSE =
  'HTTP/1.1 200 OK\r\nDate: Mon, 27 Jul 2009 12:28:53 GMT\r\nServer: Apache\r\n' +
  'Last-Modified: Wed, 22 Jul 2009 19:15:56 GMT\r\nETag: "34aa387-d-1568eb00"\r\nAccept-Ranges: bytes\r\n' +
  'Content-Length: 51\r\nVary: Accept-Encoding\r\nContent-Type: text/plain\r\n\r\n' +
  'Hello World! My content includes a trailing CRLF.\r\n';

function requests(input: string): PlainEvent[] {
  const p = new RequestParser();
  p.feed(bytes(input));
  p.feedEnd();
  return drain(p);
}

function responses(input: string, ...methods: string[]): PlainEvent[] {
  const p = new ResponseParser();
  for (const m of methods) p.expectResponseTo(m);
  p.feed(bytes(input));
  p.feedEnd();
  return drain(p);
}

describe('requests from real clients and the RFC', () => {
  it('parses curl GET exactly', () => {
    expect(requests(CURL_GET)).toEqual([
      {
        kind: 'head',
        start: 'GET /b HTTP/1.1',
        headers: [
          ['Host', '127.0.0.1:18082'],
          ['User-Agent', 'curl/7.88.1'],
          ['Accept', '*/*'],
        ],
        framing: 'none',
        headBytes: CURL_GET.length,
      },
      { kind: 'end', trailers: [] },
      { kind: 'eof' },
    ]);
  });

  it("de-chunks curl's chunked upload", () => {
    const ev = requests(CURL_CHUNKED_POST);
    expect(ev.map((e) => e.kind)).toEqual(['head', 'body', 'end', 'eof']);
    expect(ev[0]).toMatchObject({ start: 'POST /upload HTTP/1.1', framing: 'chunked' });
    expect(ev[1]).toEqual({ kind: 'body', data: 'hello world, chunked upload' });
  });

  it('parses the RFC 9110 §3.9 request', () => {
    const [head] = requests(RFC9110_REQUEST);
    expect(head).toMatchObject({
      start: 'GET /hello.txt HTTP/1.1',
      headers: [
        ['User-Agent', 'curl/7.64.1'],
        ['Host', 'www.example.com'],
        ['Accept-Language', 'en, mi'],
      ],
    });
  });

  it('gives body bytes as views of the fed buffer (zero copy)', () => {
    const input = bytes('POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello');
    const p = new RequestParser();
    p.feed(input);
    p.next();
    const data = p.next();
    if (data === null || data instanceof HttpParseError || data.kind !== 'data')
      throw new Error('expected data');
    expect(text(data.data)).toBe('hello');
    expect(data.data.buffer).toBe(input.buffer);
  });
});

describe('responses from real servers and the RFC', () => {
  it('parses the RFC 9110 §3.9 response, 51 bytes of content', () => {
    const ev = responses(RFC9110_RESPONSE);
    expect(ev[0]).toMatchObject({ start: 'HTTP/1.1 200 OK', framing: 'length 51' });
    expect(ev[0]).toMatchObject({ headers: expect.arrayContaining([['ETag', '"34aa387-d-1568eb00"']]) });
    expect(ev[1]).toEqual({ kind: 'body', data: 'Hello World! My content includes a trailing CRLF.\r\n' });
    expect(ev.slice(2)).toEqual([{ kind: 'end', trailers: [] }, { kind: 'eof' }]);
  });

  it("de-chunks Node's response and returns its trailer", () => {
    const ev = responses(NODE_CHUNKED_RESPONSE);
    expect(ev[1]).toEqual({ kind: 'body', data: 'MozillaDeveloper Network' });
    expect(ev[2]).toEqual({ kind: 'end', trailers: [['Expires', 'Wed, 21 Oct 2015 07:28:00 GMT']] });
  });

  it("parses Python's HTTP/1.0 response", () => {
    const ev = responses(PYTHON_RESPONSE);
    expect(ev[0]).toMatchObject({ start: 'HTTP/1.0 200 OK', framing: 'length 12' });
    expect(ev[1]).toEqual({ kind: 'body', data: '<h1>hi</h1>\n' });
  });

  it('reads a response without a length until the server closes', () => {
    const p = new ResponseParser();
    p.feed(bytes('HTTP/1.0 200 OK\r\nServer: old\r\n\r\npart one, '));
    expect(drain(p).map((e) => e.kind)).toEqual(['head', 'body']);
    p.feed(bytes('part two'));
    expect(drain(p)).toEqual([{ kind: 'body', data: 'part two' }]);
    p.feedEnd();
    expect(drain(p)).toEqual([{ kind: 'end', trailers: [] }]);
  });

  it('knows HEAD, 1xx, 204 and 304 responses have no body whatever they declare', () => {
    const head = 'HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n';
    const interim = 'HTTP/1.1 100 Continue\r\n\r\n';
    const noContent = 'HTTP/1.1 204 No Content\r\nContent-Length: 7\r\n\r\n';
    const notModified = 'HTTP/1.1 304 Not Modified\r\nContent-Length: 7\r\n\r\n';
    const final = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    const ev = responses(head + interim + noContent + notModified + final, 'HEAD', 'GET', 'GET', 'POST');
    expect(ev.filter((e) => e.kind === 'head').map((e) => (e as { framing: string }).framing)).toEqual([
      'none',
      'none',
      'none',
      'none',
      'length 2',
    ]);
    expect(ev.filter((e) => e.kind === 'body')).toEqual([{ kind: 'body', data: 'ok' }]);
  });

  it('accepts a status-line with no reason phrase', () => {
    expect(responses('HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n')[0]).toMatchObject({
      start: 'HTTP/1.1 200 ',
    });
    expect(responses('HTTP/1.1 404 \r\nContent-Length: 0\r\n\r\n')[0]).toMatchObject({
      start: 'HTTP/1.1 404 ',
    });
  });

  it('reports the switch after 101 and leaves the following bytes for the new protocol', () => {
    const p = new ResponseParser();
    p.expectResponseTo('GET');
    p.feed(
      bytes(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\x81\x02hi',
      ),
    );
    expect(drain(p)).toMatchObject([{ kind: 'head', framing: 'switch' }]);
    expect(p.state).toBe('switched');
    expect(text(p.takeBuffered())).toBe('\x81\x02hi');
  });
});

describe('pipelined messages', () => {
  it('parses back-to-back requests in order', () => {
    const two = `${CURL_GET}POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc${CURL_GET}`;
    const ev = requests(two);
    expect(ev.map((e) => (e.kind === 'head' ? e.start : e.kind))).toEqual([
      'GET /b HTTP/1.1',
      'end',
      'POST /x HTTP/1.1',
      'body',
      'end',
      'GET /b HTTP/1.1',
      'end',
      'eof',
    ]);
  });

  it('ignores empty lines before a request-line (RFC 9112 §2.2)', () => {
    expect(requests(`\r\n\r\n${CURL_GET}`)[0]).toMatchObject({ kind: 'head', start: 'GET /b HTTP/1.1' });
  });
});

describe('byte-by-byte equals all at once', () => {
  const requestInputs = [
    CURL_GET,
    CURL_CHUNKED_POST,
    RFC9110_REQUEST,
    `${CURL_GET}${CURL_CHUNKED_POST}${RFC9110_REQUEST}`,
    'POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1;q="a b"\r\nabc\r\n0\r\nT: 1\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n',
    'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nshort',
  ];
  const responseInputs = [
    RFC9110_RESPONSE,
    NODE_CHUNKED_RESPONSE,
    PYTHON_RESPONSE,
    'HTTP/1.0 200 OK\r\n\r\nuntil close',
  ];

  it('for every single split point, and one byte at a time', () => {
    for (const input of requestInputs) {
      const b = bytes(input);
      const whole = parseInPieces(new RequestParser(), b, []);
      const oneByOne = parseInPieces(new RequestParser(), b, [...b.keys()]);
      expect(oneByOne).toEqual(whole);
      for (let cut = 1; cut < b.length; cut++) {
        expect(parseInPieces(new RequestParser(), b, [cut])).toEqual(whole);
      }
    }
    for (const input of responseInputs) {
      const b = bytes(input);
      const whole = parseInPieces(new ResponseParser(), b, []);
      expect(parseInPieces(new ResponseParser(), b, [...b.keys()])).toEqual(whole);
    }
  });

  it('for random splits of random valid messages (property)', () => {
    const token = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
    const value = fc.stringMatching(/^[\x21-\x7e]([\x20-\x7e]{0,20}[\x21-\x7e])?$/);
    const message = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'X-CUSTOM'),
      target: fc.stringMatching(/^\/[\x21-\x7e]{0,30}$/).filter((t) => !t.includes('#')),
      headers: fc.array(fc.tuple(token, value), { maxLength: 8 }),
      body: fc.string({ maxLength: 40 }),
      chunked: fc.boolean(),
    });
    fc.assert(
      fc.property(
        fc.array(message, { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (msgs, cuts) => {
          let input = '';
          for (const m of msgs) {
            const headers = m.headers.filter(
              ([n]) => !['host', 'content-length', 'transfer-encoding'].includes(n.toLowerCase()),
            );
            const chunk = m.body.length > 0 ? `${m.body.length.toString(16)}\r\n${m.body}\r\n` : '';
            const body = m.chunked ? `${chunk}0\r\n\r\n` : m.body;
            const framing = m.chunked ? 'Transfer-Encoding: chunked' : `Content-Length: ${m.body.length}`;
            const fields = headers.map(([n, v]) => `${n}: ${v}\r\n`).join('');
            input += `${m.method} ${m.target} HTTP/1.1\r\nHost: h\r\n${fields}${framing}\r\n\r\n${body}`;
          }
          const b = bytes(input);
          const whole = parseInPieces(new RequestParser(), b, []);
          expect(whole.filter((e) => e.kind === 'head')).toHaveLength(msgs.length);
          expect(whole.some((e) => e.kind === 'error')).toBe(false);
          const pieces = parseInPieces(
            new RequestParser(),
            b,
            cuts.map((c) => c % (b.length + 1)),
          );
          expect(pieces).toEqual(whole);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('hostile bytes', () => {
  it('random bytes give a typed error or events, never an exception', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (input, asResponse) => {
        const p = asResponse ? new ResponseParser() : new RequestParser();
        p.feed(input);
        p.feedEnd();
        const ev = drain(p);
        const last = ev[ev.length - 1];
        expect(
          last === undefined || last.kind === 'eof' || last.kind === 'error' || last.kind === 'end',
        ).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes after a valid head never throw and stay typed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const p = new RequestParser();
        p.feed(bytes('POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n'));
        p.feed(tail);
        p.feedEnd();
        for (const e of drain(p)) if (e.kind === 'error') expect(e.status).toBeGreaterThanOrEqual(400);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays failed after an error', () => {
    const p = new RequestParser();
    p.feed(bytes('BAD\r\n'));
    const e1 = p.next();
    p.feed(bytes(CURL_GET));
    expect(p.next()).toBe(e1);
    expect(p.state).toBe('error');
  });
});
