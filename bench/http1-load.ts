/**
 * A small HTTP/1.1 load generator for bench/http1-server.ts when `wrk` is not installed:
 * N keep-alive connections over node:net, each keeping `pipeline` requests in flight,
 * counting complete responses for a fixed time. It runs in a child process so it does
 * not share the event loop of the server it measures. Responses are framed with
 * netlab's response parser; it costs the same whichever server answers.
 */
import { execFile } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { HttpParseError } from '../src/application/http/http-error.ts';
import { ResponseParser } from '../src/application/http/message-parser.ts';

export interface LoadSpec {
  readonly port: number;
  readonly path: string;
  readonly connections: number;
  readonly pipeline: number;
  readonly durationMs: number;
}

export interface LoadResult {
  readonly requestsPerSec: number;
  readonly responses: number;
  readonly errors: number;
  readonly non2xx: number;
}

/** Runs the generator in a child process and resolves with its figures. */
export function generateLoad(spec: LoadSpec): Promise<LoadResult> {
  const self = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', self, JSON.stringify(spec)],
      { encoding: 'utf8' },
      (err, stdout) => {
        if (err) return reject(err);
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult);
      },
    );
  });
}

function run(spec: LoadSpec): void {
  const request = Buffer.from(
    `GET ${spec.path} HTTP/1.1\r\nHost: 127.0.0.1:${spec.port}\r\nUser-Agent: netlab-load\r\n\r\n`,
  );
  let responses = 0;
  let errors = 0;
  let non2xx = 0;
  let measuring = false;
  const sockets: net.Socket[] = [];
  const start = () => {
    for (let c = 0; c < spec.connections; c++) {
      const s = net.connect(spec.port, '127.0.0.1');
      s.setNoDelay(true);
      sockets.push(s);
      const parser = new ResponseParser({ maxBodyBytes: 64 << 20 });
      const send = (n: number) => {
        for (let i = 0; i < n; i++) parser.expectResponseTo('GET');
        s.write(n === 1 ? request : Buffer.concat(Array.from({ length: n }, () => request)));
      };
      s.on('connect', () => send(spec.pipeline));
      s.on('data', (d: Buffer) => {
        parser.feed(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
        let done = 0;
        for (;;) {
          const ev = parser.next();
          if (ev === null) break;
          if (ev instanceof HttpParseError) {
            errors++;
            s.destroy();
            return;
          }
          if (ev.kind === 'head' && (ev.head.status < 200 || ev.head.status > 299)) non2xx++;
          if (ev.kind === 'end') done++;
        }
        if (measuring) responses += done;
        if (done > 0) send(done);
      });
      s.on('error', () => errors++);
    }
  };
  start();
  // A short warm-up, then the measured window.
  setTimeout(() => {
    measuring = true;
    const t0 = performance.now();
    setTimeout(() => {
      measuring = false;
      const secs = (performance.now() - t0) / 1000;
      for (const s of sockets) s.destroy();
      const result: LoadResult = { requestsPerSec: responses / secs, responses, errors, non2xx };
      process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
    }, spec.durationMs);
  }, 300);
}

if (import.meta.url === `file://${process.argv[1]}`) run(JSON.parse(process.argv[2]!) as LoadSpec);
