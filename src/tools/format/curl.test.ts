/**
 * curl -v transcripts recorded from curl 7.88.1 (Debian 12) with `curl -sS -v ... 2>&1 |
 * cat -A`, against Python 3.11's http.server (HTTP/1.0 and HTTP/1.1 handlers) and small
 * raw socket servers. Each is rebuilt from the transfer's facts.
 */
import { describe, expect, it } from 'vitest';
import {
  type CurlTransfer,
  curlExitCode,
  curlIncludedHead,
  curlRequestHeaders,
  curlVerboseLines,
  curlVerboseOutput,
} from './curl.ts';

const PY_HEADERS: [string, string][] = [
  ['Server', 'SimpleHTTP/0.6 Python/3.11.7'],
  ['Date', 'Tue, 01 Dec 2026 18:57:26 GMT'],
  ['Content-type', 'text/html'],
  ['Content-Length', '12'],
  ['Last-Modified', 'Tue, 01 Dec 2026 18:57:21 GMT'],
];

function get(port: number, target = '/'): CurlTransfer['request'] {
  return { startLine: `GET ${target} HTTP/1.1`, headers: curlRequestHeaders(`127.0.0.1:${port}`) };
}

describe('curl -v, as curl 7.88.1 prints it', () => {
  it('an HTTP/1.0 server: assume close, then close', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18080,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get(18080),
      response: { startLine: 'HTTP/1.0 200 OK', headers: PY_HEADERS, firstDataBytes: 12 },
      outcome: { kind: 'done', keep: false },
    };
    expect(curlVerboseLines(t, { tty: false, silent: true })).toEqual([
      '*   Trying 127.0.0.1:18080...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 18080 (#0)',
      '> GET / HTTP/1.1',
      '> Host: 127.0.0.1:18080',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      '* HTTP 1.0, assume close after body',
      '< HTTP/1.0 200 OK',
      '< Server: SimpleHTTP/0.6 Python/3.11.7',
      '< Date: Tue, 01 Dec 2026 18:57:26 GMT',
      '< Content-type: text/html',
      '< Content-Length: 12',
      '< Last-Modified: Tue, 01 Dec 2026 18:57:21 GMT',
      '< ',
      '{ [12 bytes data]',
      '* Closing connection 0',
    ]);
  });

  it('keeps the CR of header lines on request, as curl writes them', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18080,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get(18080),
      response: { startLine: 'HTTP/1.0 200 OK', headers: PY_HEADERS.slice(0, 1), firstDataBytes: 12 },
      outcome: { kind: 'done', keep: false },
    };
    const lines = curlVerboseLines(t, { keepCr: true });
    expect(lines).toContain('> GET / HTTP/1.1\r');
    expect(lines).toContain('> \r');
    expect(lines).toContain('< \r');
    expect(lines).toContain('* HTTP 1.0, assume close after body');
  });

  it('on a terminal: no data lines, the body between the last header and the end', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18080,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get(18080),
      response: { startLine: 'HTTP/1.1 200 OK', headers: [['Content-Length', '12']], firstDataBytes: 12 },
      outcome: { kind: 'done', keep: true },
    };
    const out = curlVerboseOutput(t);
    expect(out.slice(-3)).toEqual([
      { stream: 'stderr', text: '< ' },
      { stream: 'stdout', text: '' },
      { stream: 'stderr', text: '* Connection #0 to host 127.0.0.1 left intact' },
    ]);
    expect(out.some((p) => p.text.startsWith('{ ['))).toBe(false);
  });

  it('two URLs on a keep-alive server: the second re-uses connection #0', () => {
    const headers: [string, string][] = [
      ['Server', 'SimpleHTTP/0.6 Python/3.11.7'],
      ['Date', 'Tue, 01 Dec 2026 18:57:37 GMT'],
      ['Content-type', 'text/html'],
      ['Content-Length', '12'],
      ['Last-Modified', 'Tue, 01 Dec 2026 18:57:21 GMT'],
    ];
    const second: CurlTransfer = {
      host: '127.0.0.1',
      port: 18081,
      connectionId: 0,
      connect: { kind: 'reused', bundle: '0x55e88038db80' },
      request: get(18081, '/index.html'),
      response: { startLine: 'HTTP/1.1 200 OK', headers, firstDataBytes: 12 },
      outcome: { kind: 'done', keep: true },
    };
    expect(curlVerboseLines(second, { tty: false })).toEqual([
      '* Found bundle for host: 0x55e88038db80 [serially]',
      '* Can not multiplex, even if we wanted to',
      '* Re-using existing connection #0 with host 127.0.0.1',
      '> GET /index.html HTTP/1.1',
      '> Host: 127.0.0.1:18081',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      '< HTTP/1.1 200 OK',
      '< Server: SimpleHTTP/0.6 Python/3.11.7',
      '< Date: Tue, 01 Dec 2026 18:57:37 GMT',
      '< Content-type: text/html',
      '< Content-Length: 12',
      '< Last-Modified: Tue, 01 Dec 2026 18:57:21 GMT',
      '< ',
      '{ [12 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
    ]);
  });

  it('-I: HEAD and no data line', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18081,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: { startLine: 'HEAD / HTTP/1.1', headers: curlRequestHeaders('127.0.0.1:18081') },
      response: { startLine: 'HTTP/1.1 200 OK', headers: [['Content-Length', '12']] },
      outcome: { kind: 'done', keep: true },
    };
    expect(curlVerboseLines(t, { tty: false }).slice(-4)).toEqual([
      '< HTTP/1.1 200 OK',
      '< Content-Length: 12',
      '< ',
      '* Connection #0 to host 127.0.0.1 left intact',
    ]);
  });

  it('an HTTP/1.0 keep-alive response', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18082,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get(18082, '/b'),
      response: {
        startLine: 'HTTP/1.0 200 OK',
        headers: [
          ['Connection', 'keep-alive'],
          ['Content-Length', '2'],
        ],
        firstDataBytes: 2,
      },
      outcome: { kind: 'done', keep: true },
    };
    expect(curlVerboseLines(t, { tty: false }).slice(7)).toEqual([
      '* HTTP 1.0, assume close after body',
      '< HTTP/1.0 200 OK',
      '* HTTP/1.0 connection set to keep alive',
      '< Connection: keep-alive',
      '< Content-Length: 2',
      '< ',
      '{ [2 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
    ]);
  });

  it('a POST with -d: Content-Length and the form type after the defaults, then the body', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18081,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: {
        startLine: 'POST / HTTP/1.1',
        headers: curlRequestHeaders('127.0.0.1:18081', [], { body: { length: 7 } }),
        firstBodyBytes: 7,
      },
      response: {
        startLine: 'HTTP/1.1 200 OK',
        headers: [
          ['Server', 'SimpleHTTP/0.6 Python/3.11.7'],
          ['Date', 'Tue, 01 Dec 2026 18:57:43 GMT'],
          ['Content-Length', '7'],
        ],
        firstDataBytes: 7,
      },
      outcome: { kind: 'done', keep: true },
    };
    expect(curlVerboseLines(t, { tty: false })).toEqual([
      '*   Trying 127.0.0.1:18081...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 18081 (#0)',
      '> POST / HTTP/1.1',
      '> Host: 127.0.0.1:18081',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> Content-Length: 7',
      '> Content-Type: application/x-www-form-urlencoded',
      '> ',
      '} [7 bytes data]',
      '< HTTP/1.1 200 OK',
      '< Server: SimpleHTTP/0.6 Python/3.11.7',
      '< Date: Tue, 01 Dec 2026 18:57:43 GMT',
      '< Content-Length: 7',
      '< ',
      '{ [7 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
    ]);
  });

  it('Expect: 100-continue: the interim head without its empty line, the body after it', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18086,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: {
        startLine: 'POST / HTTP/1.1',
        headers: curlRequestHeaders('127.0.0.1:18086', [['Expect', '100-continue']], { body: { length: 3 } }),
        firstBodyBytes: 3,
        sentAfterContinue: true,
      },
      interim: [{ startLine: 'HTTP/1.1 100 Continue', headers: [['X-Int', '1']] }],
      response: { startLine: 'HTTP/1.1 200 OK', headers: [['Content-Length', '2']], firstDataBytes: 2 },
      outcome: { kind: 'done', keep: true },
    };
    expect(curlVerboseLines(t, { tty: false }).slice(2)).toEqual([
      '> POST / HTTP/1.1',
      '> Host: 127.0.0.1:18086',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> Expect: 100-continue',
      '> Content-Length: 3',
      '> Content-Type: application/x-www-form-urlencoded',
      '> ',
      '< HTTP/1.1 100 Continue',
      '< X-Int: 1',
      '} [3 bytes data]',
      '* We are completely uploaded and fine',
      '< HTTP/1.1 200 OK',
      '< Content-Length: 2',
      '< ',
      '{ [2 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
    ]);
  });
});

describe('a second connection in one command', () => {
  it('says the host was found in the DNS cache before trying it', () => {
    const t: CurlTransfer = {
      host: '127.0.0.1',
      port: 18090,
      connectionId: 1,
      connect: { kind: 'connected', address: '127.0.0.1', cached: true },
      request: get(18090, '/x'),
      response: { startLine: 'HTTP/1.0 404 File not found', headers: [['Connection', 'close']] },
      outcome: { kind: 'done', keep: false },
    };
    expect(curlVerboseLines(t).slice(0, 3)).toEqual([
      '* Hostname 127.0.0.1 was found in DNS cache',
      '*   Trying 127.0.0.1:18090...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 18090 (#1)',
    ]);
    expect(curlVerboseLines(t).at(-1)).toBe('* Closing connection 1');
  });
});

describe('curl failures', () => {
  it('connection refused on every address of localhost: exit 7', () => {
    const t: CurlTransfer = {
      host: 'localhost',
      port: 18099,
      connectionId: 0,
      connect: {
        kind: 'failed',
        attempts: [
          { address: '127.0.0.1', reason: 'Connection refused' },
          { address: '::1', reason: 'Connection refused' },
        ],
        elapsedMs: 0,
      },
      outcome: { kind: 'done', keep: false },
    };
    expect(curlVerboseLines(t)).toEqual([
      '*   Trying 127.0.0.1:18099...',
      '* connect to 127.0.0.1 port 18099 failed: Connection refused',
      '*   Trying [::1]:18099...',
      '* connect to ::1 port 18099 failed: Connection refused',
      "* Failed to connect to localhost port 18099 after 0 ms: Couldn't connect to server",
      '* Closing connection 0',
      "curl: (7) Failed to connect to localhost port 18099 after 0 ms: Couldn't connect to server",
    ]);
    expect(curlExitCode(t)).toBe(7);
  });

  it('a name that does not resolve: exit 6', () => {
    const t: CurlTransfer = {
      host: 'nosuch.invalid',
      port: 80,
      connectionId: 0,
      connect: { kind: 'unresolved' },
      outcome: { kind: 'done', keep: false },
    };
    expect(curlVerboseLines(t)).toEqual([
      '* Could not resolve host: nosuch.invalid',
      '* Closing connection 0',
      'curl: (6) Could not resolve host: nosuch.invalid',
    ]);
    expect(curlVerboseLines(t, { silent: true })).toHaveLength(2);
    expect(curlVerboseLines(t, { silent: true, showError: true })).toHaveLength(3);
  });

  it('an empty reply (52), a short body (18), a timeout (28)', () => {
    const base = {
      host: '127.0.0.1',
      port: 18082,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get(18082, '/a'),
    } as const;
    expect(curlVerboseLines({ ...base, outcome: { kind: 'empty-reply' } }).slice(-3)).toEqual([
      '* Empty reply from server',
      '* Closing connection 0',
      'curl: (52) Empty reply from server',
    ]);
    const partial: CurlTransfer = {
      ...base,
      response: { startLine: 'HTTP/1.1 200 OK', headers: [['Content-Length', '10']], firstDataBytes: 2 },
      outcome: { kind: 'partial', remaining: 8 },
    };
    expect(curlVerboseLines(partial, { tty: false }).slice(-7)).toEqual([
      '< HTTP/1.1 200 OK',
      '< Content-Length: 10',
      '< ',
      '{ [2 bytes data]',
      '* transfer closed with 8 bytes remaining to read',
      '* Closing connection 0',
      'curl: (18) transfer closed with 8 bytes remaining to read',
    ]);
    const timeout: CurlTransfer = { ...base, outcome: { kind: 'timeout', elapsedMs: 1001, received: 0 } };
    expect(curlVerboseLines(timeout).slice(-3)).toEqual([
      '* Operation timed out after 1001 milliseconds with 0 bytes received',
      '* Closing connection 0',
      'curl: (28) Operation timed out after 1001 milliseconds with 0 bytes received',
    ]);
  });
});

describe('request headers and -i', () => {
  it('orders -H headers the way curl does', () => {
    expect(
      curlRequestHeaders('127.0.0.1:18081', [
        ['Accept', 'text/html'],
        ['User-Agent', 'x/1'],
        ['X-Z', '1'],
        ['Host', 'other'],
      ]),
    ).toEqual([
      ['Host', 'other'],
      ['Accept', 'text/html'],
      ['User-Agent', 'x/1'],
      ['X-Z', '1'],
    ]);
    expect(curlRequestHeaders('h', [['Content-Type', 'text/plain']], { body: { length: 1 } })).toEqual([
      ['Host', 'h'],
      ['User-Agent', 'curl/7.88.1'],
      ['Accept', '*/*'],
      ['Content-Type', 'text/plain'],
      ['Content-Length', '1'],
    ]);
    expect(curlRequestHeaders('h', [], { userAgent: 'me/1' })[1]).toEqual(['User-Agent', 'me/1']);
  });

  it('-i writes the head with its CRLFs and the empty line', () => {
    expect(curlIncludedHead({ startLine: 'HTTP/1.0 200 OK', headers: [['Content-Length', '12']] })).toBe(
      'HTTP/1.0 200 OK\r\nContent-Length: 12\r\n\r\n',
    );
  });
});
