import { describe, expect, it } from 'vitest';
import { curlH2DefaultHeaders, curlH2IncludedHead, curlH2VerboseOutput } from './curl-http2.ts';

/** curl 7.88.1 (Debian 12), `curl -sv --http2-prior-knowledge http://127.0.0.1:44387/style.css > file`. */
const CAPTURED_GET = `*   Trying 127.0.0.1:44387...
* Connected to 127.0.0.1 (127.0.0.1) port 44387 (#0)
* h2h3 [:method: GET]
* h2h3 [:path: /style.css]
* h2h3 [:scheme: http]
* h2h3 [:authority: 127.0.0.1:44387]
* h2h3 [user-agent: curl/7.88.1]
* h2h3 [accept: */*]
* Using Stream ID: 1 (easy handle 0x55dabcb282b0)
> GET /style.css HTTP/2
> Host: 127.0.0.1:44387
> user-agent: curl/7.88.1
> accept: */*
> 
< HTTP/2 200 
< content-type: text/css; charset=utf-8
< content-length: 7
< etag: "6b0f200f-7"
< last-modified: Tue, 01 Dec 2026 19:29:19 GMT
< 
{ [7 bytes data]
* Connection #0 to host 127.0.0.1 left intact`;

/** The same curl, `-sv -d 'a=1'` (3 octets), answered 405. */
const CAPTURED_POST_TAIL = `* h2h3 [content-length: 3]
* h2h3 [content-type: application/x-www-form-urlencoded]
* Using Stream ID: 1 (easy handle 0x55dabcb282b0)
> POST /style.css HTTP/2
> Host: 127.0.0.1:44387
> user-agent: curl/7.88.1
> accept: */*
> content-length: 3
> content-type: application/x-www-form-urlencoded
> 
} [3 bytes data]
* We are completely uploaded and fine
< HTTP/2 405 
< content-type: text/plain; charset=utf-8
< allow: GET, HEAD
< content-length: 19
< 
{ [19 bytes data]
* Connection #0 to host 127.0.0.1 left intact`;

const request = (method: string, headers: [string, string][] = [], bodyBytes = 0) => ({
  method,
  path: '/style.css',
  scheme: 'http',
  authority: '127.0.0.1:44387',
  headers: [...curlH2DefaultHeaders(), ...headers],
  streamId: 1,
  bodyBytes,
});

const stderr = (pieces: { stream: string; text: string }[]) =>
  pieces.filter((p) => p.stream === 'stderr').map((p) => p.text);

describe('curl -v output for HTTP/2 (curl 7.88.1)', () => {
  it('a GET, byte for byte as captured', () => {
    const out = curlH2VerboseOutput(
      {
        host: '127.0.0.1',
        port: 44387,
        connectionId: 0,
        connect: { kind: 'connected', address: '127.0.0.1' },
        request: request('GET'),
        response: {
          status: 200,
          headers: [
            ['content-type', 'text/css; charset=utf-8'],
            ['content-length', '7'],
            ['etag', '"6b0f200f-7"'],
            ['last-modified', 'Tue, 01 Dec 2026 19:29:19 GMT'],
          ],
          firstDataBytes: 7,
        },
        outcome: { kind: 'done', keep: true },
      },
      { tty: false },
    );
    expect(stderr(out).join('\n')).toBe(CAPTURED_GET);
    // The body goes to standard output right after the data line.
    expect(out.findIndex((p) => p.stream === 'stdout')).toBe(
      out.findIndex((p) => p.text.startsWith('{ [')) + 1,
    );
  });

  it('a POST with a body: the upload lines, then the answer', () => {
    const out = curlH2VerboseOutput(
      {
        host: '127.0.0.1',
        port: 44387,
        connectionId: 0,
        connect: { kind: 'connected', address: '127.0.0.1' },
        request: request(
          'POST',
          [
            ['content-length', '3'],
            ['content-type', 'application/x-www-form-urlencoded'],
          ],
          3,
        ),
        response: {
          status: 405,
          headers: [
            ['content-type', 'text/plain; charset=utf-8'],
            ['allow', 'GET, HEAD'],
            ['content-length', '19'],
          ],
          firstDataBytes: 19,
        },
        outcome: { kind: 'done', keep: true },
      },
      { tty: false },
    );
    expect(stderr(out).join('\n').endsWith(CAPTURED_POST_TAIL)).toBe(true);
  });

  it('on a terminal there are no data lines; a reused connection says so', () => {
    const out = curlH2VerboseOutput({
      host: 'h',
      port: 80,
      connectionId: 0,
      connect: { kind: 'reused' },
      request: { ...request('GET'), streamId: 11 },
      response: { status: 204, headers: [] },
      outcome: { kind: 'done', keep: true },
    });
    const lines = stderr(out);
    expect(lines.slice(0, 2)).toEqual([
      '* Found bundle for host: 0x55d136c9ecb0 [can multiplex]',
      '* Re-using existing connection #0 with host h',
    ]);
    expect(lines).toContain('* Using Stream ID: b (easy handle 0x55dabcb282b0)');
    expect(lines.some((l) => l.startsWith('{ ['))).toBe(false);
  });

  it('-i heads have the trailing space of a status line without a reason phrase', () => {
    expect(curlH2IncludedHead(200, [['content-length', '7']])).toBe(
      'HTTP/2 200 \r\ncontent-length: 7\r\n\r\n',
    );
  });
});
