/**
 * curl 7.88.1 (Debian 12) transcripts, recorded with `curl -sSv ... 2>&1 | cat -A` against
 * netlab's real-mode HTTP/1.1 server (src/application/http over node:net) and its HTTP/2
 * server with prior knowledge, rebuilt here from each transfer's facts.
 */
import { describe, expect, it } from 'vitest';
import { curlRequestHeaders } from './curl.ts';
import {
  CURL_BINARY_WARNING,
  CURL_PROGRESS_HEADER,
  type CurlHop,
  curlHopExitCode,
  curlHopOutput,
  curlMax5,
  curlProgressLine,
  curlTime,
  curlWriteOut,
} from './curl-extras.ts';

const lines = (h: CurlHop) =>
  curlHopOutput(h, { tty: false, silent: true, showError: true })
    .filter((p) => p.stream === 'stderr')
    .map((p) => p.text);

const DATE = ['Date', 'Mon, 01 Jan 2024 00:00:06 GMT'] as [string, string];
const get = (target: string, port = 18101) => ({
  startLine: `GET ${target} HTTP/1.1`,
  headers: curlRequestHeaders(`127.0.0.1:${port}`),
});

describe('curl -L', () => {
  const first: CurlHop = {
    host: '127.0.0.1',
    port: 18101,
    connectionId: 0,
    connect: { kind: 'connected', address: '127.0.0.1' },
    request: get('/redirect'),
    response: {
      startLine: 'HTTP/1.1 301 Moved Permanently',
      headers: [
        ['Location', '/index.html'],
        ['Content-Type', 'text/plain'],
        DATE,
        ['Server', 'netlab'],
        ['Content-Length', '6'],
      ],
      firstDataBytes: 6,
    },
    outcome: { kind: 'done', keep: true },
    ignoreBody: true,
    follow: { url: 'http://127.0.0.1:18101/index.html', switchToGet: false },
  };

  it('ignores the body of a redirect and issues the next request', () => {
    expect(lines(first)).toEqual([
      '*   Trying 127.0.0.1:18101...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 18101 (#0)',
      '> GET /redirect HTTP/1.1',
      '> Host: 127.0.0.1:18101',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      '< HTTP/1.1 301 Moved Permanently',
      '< Location: /index.html',
      '< Content-Type: text/plain',
      '< Date: Mon, 01 Jan 2024 00:00:06 GMT',
      '< Server: netlab',
      '< Content-Length: 6',
      '< ',
      '* Ignoring the response-body',
      '{ [6 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
      "* Issue another request to this URL: 'http://127.0.0.1:18101/index.html'",
    ]);
    // Nothing of the redirect's body goes to standard output.
    expect(curlHopOutput(first).some((p) => p.stream === 'stdout')).toBe(false);
  });

  it('an empty redirect body: no ignore line', () => {
    const h: CurlHop = {
      ...first,
      response: { startLine: 'HTTP/1.1 302 Found', headers: [['Content-Length', '0']], firstDataBytes: 0 },
    };
    expect(lines(h).slice(7)).toEqual([
      '< HTTP/1.1 302 Found',
      '< Content-Length: 0',
      '< ',
      '* Connection #0 to host 127.0.0.1 left intact',
      "* Issue another request to this URL: 'http://127.0.0.1:18101/index.html'",
    ]);
  });

  it('after Connection: close, a new connection to a host resolved before', () => {
    const h: CurlHop = {
      host: '127.0.0.1',
      port: 18101,
      connectionId: 1,
      dnsCached: true,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get('/a.txt'),
      response: { startLine: 'HTTP/1.1 200 OK', headers: [['Content-Length', '5']], firstDataBytes: 5 },
      outcome: { kind: 'done', keep: true },
    };
    expect(lines(h).slice(0, 3)).toEqual([
      '* Hostname 127.0.0.1 was found in DNS cache',
      '*   Trying 127.0.0.1:18101...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 18101 (#1)',
    ]);
  });

  it('a POST redirected with 302: rewind, then switch to GET', () => {
    const h: CurlHop = {
      host: '127.0.0.1',
      port: 18101,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: {
        startLine: 'POST /post HTTP/1.1',
        headers: curlRequestHeaders('127.0.0.1:18101', [], { body: { length: 3 } }),
        firstBodyBytes: 3,
      },
      response: {
        startLine: 'HTTP/1.1 302 Found',
        headers: [['Location', '/a.txt'], DATE, ['Server', 'netlab'], ['Content-Length', '0']],
        firstDataBytes: 0,
      },
      outcome: { kind: 'done', keep: true },
      ignoreBody: true,
      rewind: true,
      follow: { url: 'http://127.0.0.1:18101/a.txt', switchToGet: true },
    };
    expect(lines(h).slice(9)).toEqual([
      '} [3 bytes data]',
      '< HTTP/1.1 302 Found',
      '* Please rewind output before next send',
      '< Location: /a.txt',
      '< Date: Mon, 01 Jan 2024 00:00:06 GMT',
      '< Server: netlab',
      '< Content-Length: 0',
      '< ',
      '* Connection #0 to host 127.0.0.1 left intact',
      "* Issue another request to this URL: 'http://127.0.0.1:18101/a.txt'",
      '* Switch from POST to GET',
    ]);
  });

  it('past --max-redirs: 47', () => {
    const h: CurlHop = {
      host: '127.0.0.1',
      port: 18101,
      connectionId: 0,
      connect: { kind: 'reused', bundle: '0x55eb9f279c90' },
      request: get('/loop'),
      response: {
        startLine: 'HTTP/1.1 302 Found',
        headers: [['Location', '/loop'], DATE, ['Server', 'netlab'], ['Content-Length', '5']],
        firstDataBytes: 5,
      },
      outcome: { kind: 'done', keep: true },
      ignoreBody: true,
      maxRedirects: 1,
    };
    expect(lines(h)).toEqual([
      '* Found bundle for host: 0x55eb9f279c90 [serially]',
      '* Can not multiplex, even if we wanted to',
      '* Re-using existing connection #0 with host 127.0.0.1',
      '> GET /loop HTTP/1.1',
      '> Host: 127.0.0.1:18101',
      '> User-Agent: curl/7.88.1',
      '> Accept: */*',
      '> ',
      '< HTTP/1.1 302 Found',
      '< Location: /loop',
      '< Date: Mon, 01 Jan 2024 00:00:06 GMT',
      '< Server: netlab',
      '< Content-Length: 5',
      '< ',
      '* Ignoring the response-body',
      '{ [5 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
      '* Maximum (1) redirects followed',
      'curl: (47) Maximum (1) redirects followed',
    ]);
    expect(curlHopExitCode(h)).toBe(47);
  });
});

describe('curl -f', () => {
  it('stops at an error status: no empty line, exit 22', () => {
    const h: CurlHop = {
      host: '127.0.0.1',
      port: 18101,
      connectionId: 0,
      connect: { kind: 'connected', address: '127.0.0.1' },
      request: get('/nope'),
      response: {
        startLine: 'HTTP/1.1 404 Not Found',
        headers: [
          ['Content-Type', 'text/plain; charset=utf-8'],
          DATE,
          ['Server', 'netlab'],
          ['Content-Length', '10'],
        ],
        firstDataBytes: 10,
      },
      outcome: { kind: 'done', keep: true },
      failStatus: 404,
    };
    expect(lines(h).slice(7)).toEqual([
      '< HTTP/1.1 404 Not Found',
      '< Content-Type: text/plain; charset=utf-8',
      '< Date: Mon, 01 Jan 2024 00:00:06 GMT',
      '< Server: netlab',
      '< Content-Length: 10',
      '* The requested URL returned error: 404',
      '* Closing connection 0',
      'curl: (22) The requested URL returned error: 404',
    ]);
    expect(curlHopExitCode(h)).toBe(22);
  });
});

describe('curl --http2-prior-knowledge', () => {
  const h2: CurlHop = {
    host: '127.0.0.1',
    port: 18102,
    connectionId: 0,
    connect: { kind: 'connected', address: '127.0.0.1' },
    http2: { streamId: 1, handle: '0x561a111002b0' },
    request: {
      startLine: 'GET /index.html HTTP/2',
      headers: [
        ['Host', '127.0.0.1:18102'],
        ['user-agent', 'curl/7.88.1'],
        ['accept', '*/*'],
      ],
    },
    response: {
      startLine: 'HTTP/2 200 ',
      headers: [
        ['content-type', 'text/html; charset=utf-8'],
        ['content-length', '19'],
        ['etag', '"65920080-13"'],
        ['last-modified', 'Mon, 01 Jan 2024 00:00:00 GMT'],
      ],
      firstDataBytes: 19,
    },
    outcome: { kind: 'done', keep: true },
  };

  it('announces the request as h2h3 fields and a stream', () => {
    expect(lines(h2)).toEqual([
      '*   Trying 127.0.0.1:18102...',
      '* Connected to 127.0.0.1 (127.0.0.1) port 18102 (#0)',
      '* h2h3 [:method: GET]',
      '* h2h3 [:path: /index.html]',
      '* h2h3 [:scheme: http]',
      '* h2h3 [:authority: 127.0.0.1:18102]',
      '* h2h3 [user-agent: curl/7.88.1]',
      '* h2h3 [accept: */*]',
      '* Using Stream ID: 1 (easy handle 0x561a111002b0)',
      '> GET /index.html HTTP/2',
      '> Host: 127.0.0.1:18102',
      '> user-agent: curl/7.88.1',
      '> accept: */*',
      '> ',
      '< HTTP/2 200 ',
      '< content-type: text/html; charset=utf-8',
      '< content-length: 19',
      '< etag: "65920080-13"',
      '< last-modified: Mon, 01 Jan 2024 00:00:00 GMT',
      '< ',
      '{ [19 bytes data]',
      '* Connection #0 to host 127.0.0.1 left intact',
    ]);
  });

  it('a reused HTTP/2 connection can multiplex', () => {
    const reused = lines({ ...h2, connect: { kind: 'reused', bundle: '0x56281f9cac90' } });
    expect(reused.slice(0, 3)).toEqual([
      '* Found bundle for host: 0x56281f9cac90 [can multiplex]',
      '* Re-using existing connection #0 with host 127.0.0.1',
      '* h2h3 [:method: GET]',
    ]);
  });
});

describe('connect timeout, progress meter, -w, binary output', () => {
  it('a connect that takes too long: 28', () => {
    const h: CurlHop = {
      host: '10.0.9.9',
      port: 80,
      connectionId: 0,
      connect: {
        kind: 'failed',
        attempts: [{ address: '10.0.9.9', reason: 'Connection timed out' }],
        elapsedMs: 1001,
      },
      connectTimeoutMs: 1001,
      outcome: { kind: 'done', keep: false },
    };
    expect(lines(h)).toEqual([
      '*   Trying 10.0.9.9:80...',
      '* Connection timed out after 1001 milliseconds',
      '* Closing connection 0',
      'curl: (28) Connection timed out after 1001 milliseconds',
    ]);
  });

  it('prints the progress meter as curl 7.88.1 does', () => {
    expect(CURL_PROGRESS_HEADER).toEqual([
      '  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current',
      '                                 Dload  Upload   Total   Spent    Left  Speed',
    ]);
    // From `curl -o x http://127.0.0.1:18101/index.html` (19 bytes in 9 ms; curl's last
    // column, a recent-samples speed, said 2375 there).
    expect(curlProgressLine({ expected: 19, received: 19, elapsedUs: 9009 })).toBe(
      '100    19  100    19    0     0   2111      0 --:--:-- --:--:-- --:--:--  2111',
    );
    expect(curlProgressLine({ expected: 10_485_760, received: 10_485_760, elapsedUs: 2_500_000 })).toBe(
      '100 10.0M  100 10.0M    0     0  4096k      0  0:00:02  0:00:02 --:--:-- 4096k',
    );
    expect(curlMax5(99_999)).toBe('99999');
    expect(curlMax5(100_000)).toBe('  97k');
    expect(curlMax5(5 * 1024 * 1024 * 1024)).toBe('5120M');
    expect(curlMax5(20 * 1024 * 1024 * 1024)).toBe('20.0G');
    expect(curlTime(3725)).toBe(' 1:02:05');
    expect(curlTime(0)).toBe('--:--:--');
  });

  it('-w replaces variables and escapes, and reports unknown ones', () => {
    const w = curlWriteOut('%{http_code}|%{time_total}|100%%\\n%{nope}', {
      http_code: '200',
      time_total: '0.009826',
    });
    expect(w.text).toBe('200|0.009826|100%\n');
    expect(w.unknown).toEqual(['nope']);
  });

  it('warns instead of writing binary to a terminal', () => {
    expect(CURL_BINARY_WARNING).toEqual([
      'Warning: Binary output can mess up your terminal. Use "--output -" to tell ',
      'Warning: curl to output it to your terminal anyway, or consider "--output ',
      'Warning: <FILE>" to save to a file.',
    ]);
  });
});
