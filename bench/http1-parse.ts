/**
 * HTTP/1.1 request parsing throughput of netlab's parser (src/application/http/
 * message-parser.ts), in process, on typical requests: curl's GET, a browser's GET with
 * the dozen headers Chrome sends, and a small chunked POST; fed both one request per
 * chunk and many pipelined requests per 64 KiB chunk.
 *
 * Node's own parser (llhttp) is not reachable in process without internals (which the
 * project does not use), so the peer figure comes from a real-mode comparison under load
 * in bench/http1-server.ts: the 'hello' scenario there pipelines tiny requests, which is
 * mostly parsing, through netlab's server and through node:http.
 *
 * Run: npx tsx bench/http1-parse.ts     `runHttp1ParseBench()` returns the figures.
 */
import { HttpParseError } from '../src/application/http/http-error.ts';
import { RequestParser } from '../src/application/http/message-parser.ts';

const enc = new TextEncoder();

export const SAMPLE_REQUESTS: readonly { readonly name: string; readonly text: string }[] = [
  {
    name: 'curl GET',
    text: 'GET /index.html HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n',
  },
  {
    name: 'browser GET (13 fields)',
    text:
      'GET /static/app.js?v=3 HTTP/1.1\r\nHost: www.example.com\r\nConnection: keep-alive\r\n' +
      'sec-ch-ua: "Chromium";v="124", "Not-A.Brand";v="99"\r\nsec-ch-ua-mobile: ?0\r\n' +
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36\r\n' +
      'sec-ch-ua-platform: "Linux"\r\nAccept: */*\r\nSec-Fetch-Site: same-origin\r\nSec-Fetch-Mode: no-cors\r\n' +
      'Sec-Fetch-Dest: script\r\nReferer: https://www.example.com/\r\nAccept-Encoding: gzip, deflate, br, zstd\r\n' +
      'Accept-Language: en-US,en;q=0.9\r\n\r\n',
  },
  {
    name: 'chunked POST (2 chunks)',
    text:
      'POST /api/items HTTP/1.1\r\nHost: api.example.com\r\nContent-Type: application/json\r\n' +
      'Transfer-Encoding: chunked\r\n\r\n10\r\n{"name":"widget"\r\nc\r\n,"count":12}\r\n0\r\n\r\n',
  },
];

export interface ParseFigure {
  readonly request: string;
  readonly bytes: number;
  /** One request per feed(). */
  readonly singleRequestsPerSec: number;
  /** Pipelined: as many requests as fit in one 64 KiB feed(). */
  readonly pipelinedRequestsPerSec: number;
  readonly pipelinedMiBPerSec: number;
}

/** Parses every event of the parser's buffer; returns the number of requests completed. */
function drain(p: RequestParser): number {
  let n = 0;
  for (;;) {
    const ev = p.next();
    if (ev === null) return n;
    if (ev instanceof HttpParseError) throw new Error(ev.toString());
    if (ev.kind === 'end') n++;
  }
}

function rate(fn: () => number, ms: number): number {
  for (let i = 0; i < 200; i++) fn();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 50; i++) n += fn();
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export function runHttp1ParseBench(msPerCase = 400): ParseFigure[] {
  return SAMPLE_REQUESTS.map(({ name, text }) => {
    const one = enc.encode(text);
    const count = Math.floor(65536 / one.length);
    const many = enc.encode(text.repeat(count));
    const single = new RequestParser();
    const singleRequestsPerSec = rate(() => {
      single.feed(one);
      return drain(single);
    }, msPerCase);
    const pipe = new RequestParser();
    const pipelinedRequestsPerSec = rate(() => {
      pipe.feed(many);
      return drain(pipe);
    }, msPerCase);
    return {
      request: name,
      bytes: one.length,
      singleRequestsPerSec,
      pipelinedRequestsPerSec,
      pipelinedMiBPerSec: (pipelinedRequestsPerSec * one.length) / 2 ** 20,
    };
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  console.log('netlab HTTP/1.1 request parser, in process');
  for (const f of runHttp1ParseBench()) {
    console.log(
      `  ${f.request.padEnd(26)} ${String(f.bytes).padStart(4)} B   ${n(f.singleRequestsPerSec).padStart(10)} req/s one per feed   ${n(f.pipelinedRequestsPerSec).padStart(10)} req/s pipelined   ${f.pipelinedMiBPerSec.toFixed(0).padStart(4)} MiB/s`,
    );
  }
}
