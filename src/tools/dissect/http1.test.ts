import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fieldAt, where } from './dissect-test-helpers.ts';
import { dissect } from './index.ts';
import { ascii, tcpFrame } from './tcp-test-frames.ts';
import type { Layer } from './types.ts';

const toServer = (text: string | Uint8Array, dport = 80) =>
  dissect(tcpFrame(typeof text === 'string' ? ascii(text) : text, { sport: 40000, dport }));
const toClient = (text: string, sport = 80) =>
  dissect(tcpFrame(ascii(text), { sport, dport: 40000, toClient: true }));
const http = (d: ReturnType<typeof dissect>): Layer => {
  expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'HTTP']);
  return d.layers[3]!;
};

describe('the HTTP/1.x layer', () => {
  // The payload starts at frame offset 54.
  const GET = 'GET /index.html HTTP/1.1\r\nHost: www.example.com\r\nUser-Agent: curl/7.88.1\r\n\r\n';

  it('a request: the start line taken apart, each header field line, the empty line', () => {
    const d = toServer(GET);
    expect([d.protocol, d.info]).toEqual(['HTTP', 'GET /index.html HTTP/1.1']);
    const l = http(d);
    expect(l.title).toBe('Hypertext Transfer Protocol');
    expect(l.fields.map((f) => [f.name, f.value, f.offset, f.length])).toEqual([
      ['Request Line', 'GET /index.html HTTP/1.1', 54, 26],
      ['Host', 'www.example.com', 80, 23],
      ['User-Agent', 'curl/7.88.1', 103, 25],
      ['End of header section', '\\r\\n', 128, 2],
    ]);
    expect(fieldAt(l, 'Request Line').children!.map((f) => [f.name, ...where(f)!])).toEqual([
      ['Request Method', 'GET', 54, 3],
      ['Request URI', '/index.html', 58, 11],
      ['Request Version', 'HTTP/1.1', 70, 8],
    ]);
    expect(l.decoded).toEqual({
      kind: 'http',
      messages: [
        {
          offset: 54,
          version: 'HTTP/1.1',
          request: { method: 'GET', target: '/index.html' },
          headers: [
            { name: 'Host', value: 'www.example.com', offset: 80 },
            { name: 'User-Agent', value: 'curl/7.88.1', offset: 103 },
          ],
          headerEnd: 130,
          bodyPresent: 0,
        },
      ],
    });
  });

  it('a response: version, status code and phrase, and the body bytes this segment holds', () => {
    const whole = toClient(
      'HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 13\r\n\r\n<html></html>',
    );
    expect(whole.info).toBe('HTTP/1.1 200 OK');
    const l = http(whole);
    expect(fieldAt(l, 'Status Line').children!.map(where)).toEqual([
      ['HTTP/1.1', 54, 8],
      ['200', 63, 3],
      ['OK', 67, 2],
    ]);
    expect(where(fieldAt(l, 'Body'))).toEqual(['13 bytes in this segment (Content-Length: 13)', 118, 13]);
    // The first segment of a longer body: the rest follows, and those segments are TCP.
    const first = http(toClient(`HTTP/1.0 200 OK\r\nContent-Length: 8000\r\n\r\n${'x'.repeat(100)}`));
    expect(fieldAt(first, 'Body').value).toBe('100 bytes in this segment (Content-Length: 8000)');
    expect(toClient('x'.repeat(1448)).protocol).toBe('TCP');
    expect(toClient('HTTP/1.0 404 Not Found\r\n\r\n').info).toBe('HTTP/1.0 404 Not Found');
  });

  it('pipelined requests and back-to-back responses: each message, when the one before it has a known end', () => {
    const d = toServer('GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(d.info).toBe('GET /a HTTP/1.1, GET /b HTTP/1.1');
    const two = toClient(
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhiHTTP/1.1 304 Not Modified\r\nETag: "1"\r\n\r\n',
    );
    expect(two.info).toBe('HTTP/1.1 200 OK, HTTP/1.1 304 Not Modified');
    // A chunked body takes the rest of the segment: its end is not counted here.
    const chunked = toClient('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n');
    expect(chunked.info).toBe('HTTP/1.1 200 OK');
    expect(fieldAt(http(chunked), 'Body').value).toBe('15 bytes in this segment');
  });

  it('a header section the segment ends inside says so', () => {
    const l = http(toServer('GET / HTTP/1.1\r\nHost: x\r\nAccept: te'));
    expect(l.fields.map((f) => f.name)).toEqual([
      'Request Line',
      'Host',
      '[Header section continues in the next segment]',
    ]);
    expect(where(l.fields[2])).toEqual(['10 bytes of it here', 79, 10]);
  });

  it('on any port, and only at a start line', () => {
    expect(toServer(GET, 8080).protocol).toBe('HTTP');
    expect(toServer(GET, 5000).protocol).toBe('HTTP');
    // Not a start line: the middle of a body, HTTP/2's preface, a version that is not 1.x.
    expect(toServer('Hello, world: not a start line\r\n').protocol).toBe('TCP');
    expect(toServer('GET / HTTP/3.0\r\n\r\n').protocol).toBe('TCP');
    expect(toServer('GET / HTTP/1.1').protocol).toBe('TCP');
    expect(toServer('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n').protocol).toBe('HTTP2');
  });

  it('never throws on a start line followed by anything', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (rest, request) => {
        const head = ascii(request ? 'POST /x HTTP/1.1\r\n' : 'HTTP/1.1 200 OK\r\n');
        const d = toServer(new Uint8Array([...head, ...rest]));
        expect(d.protocol).toBe('HTTP');
      }),
      { numRuns: 2000 },
    );
  });
});
