/**
 * Real-mode HTTP/2 requests per second under h2load (nghttp2's load generator): netlab's
 * server (src/real/h2-server.ts, h2c prior knowledge) beside Node's node:http2 server, in
 * the same run, on the same machine, serving the same file two ways:
 *
 * - `memory`: a 1 KiB HTML page held in memory (the protocol stacks' cost);
 * - `file`: the same page from disk, by each server's own static-file path (netlab's
 *   directory source with ETag and Last-Modified: a stat per request, the content cached
 *   while the stat agrees, src/real/http-directory.ts; node's `respondWithFile`: open,
 *   fstat, read and close per request).
 *
 * Each load is `h2load -n N -c C -m M` (N requests over C connections, M concurrent
 * streams each). The servers run in this process, one at a time. Prints req/s and the
 * ratio netlab / node (above 1: netlab is faster). `runH2ServerBench()` returns the
 * figures, or `{ skipped }` when h2load is not installed.
 *
 * Run: npx tsx bench/h2-server.ts [requests] [connections] [streams]
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import http2 from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveH2 } from '../src/real/h2-server.ts';

export interface H2LoadResult {
  readonly reqPerSec: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly seconds: number;
}

export interface H2ServerFigures {
  readonly requests: number;
  readonly connections: number;
  readonly streams: number;
  readonly bodyBytes: number;
  readonly netlabMemoryReqPerSec: number;
  readonly nodeMemoryReqPerSec: number;
  readonly memoryRatio: number;
  readonly netlabFileReqPerSec: number;
  readonly nodeFileReqPerSec: number;
  readonly fileRatio: number;
}

function h2load(url: string, n: number, c: number, m: number): Promise<H2LoadResult> {
  return new Promise((resolve, reject) => {
    execFile(
      'h2load',
      ['-n', String(n), '-c', String(c), '-m', String(m), url],
      { maxBuffer: 16 << 20 },
      (err, out) => {
        if (err) return reject(err);
        const fin = /finished in ([\d.]+)(m?s), ([\d.]+) req\/s/.exec(out);
        const req = /requests: \d+ total, \d+ started, \d+ done, (\d+) succeeded, (\d+) failed/.exec(out);
        if (!fin || !req) return reject(new Error(`unexpected h2load output:\n${out}`));
        resolve({
          seconds: Number(fin[1]) / (fin[2] === 'ms' ? 1000 : 1),
          reqPerSec: Number(fin[3]),
          succeeded: Number(req[1]),
          failed: Number(req[2]),
        });
      },
    );
  });
}

async function nodeServer(
  handler: (stream: http2.ServerHttp2Stream) => void,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http2.createServer();
  server.on('stream', handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as { port: number }).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export async function runH2ServerBench(
  requests = 100_000,
  connections = 10,
  streams = 10,
): Promise<H2ServerFigures | { skipped: string }> {
  if (spawnSync('h2load', ['--version'], { stdio: 'ignore' }).status !== 0) {
    return { skipped: 'h2load is not installed (apt-get install nghttp2-client)' };
  }
  const page = `<!doctype html><title>bench</title>${'<p>lorem ipsum dolor sit amet</p>'.repeat(28)}\n`;
  const body = new TextEncoder().encode(page);
  const dir = mkdtempSync(join(tmpdir(), 'netlab-h2bench-'));
  const file = join(dir, 'index.html');
  writeFileSync(file, body);
  const load = async (port: number) => {
    await h2load(`http://127.0.0.1:${port}/index.html`, Math.min(2000, requests), connections, streams); // warm up
    const r = await h2load(`http://127.0.0.1:${port}/index.html`, requests, connections, streams);
    if (r.failed > 0 || r.succeeded !== requests) throw new Error(`h2load: ${r.failed} failed`);
    return r.reqPerSec;
  };

  const oursMemory = await serveH2({
    port: 0,
    cleartext: true,
    handler: () => ({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body }),
  });
  const netlabMemory = await load(oursMemory.port);
  await oursMemory.close();

  const nodeMemory = await nodeServer((s) => {
    s.respond({ ':status': 200, 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
    s.end(body);
  });
  const nodeMemoryRate = await load(nodeMemory.port);
  await nodeMemory.close();

  const oursFile = await serveH2({ port: 0, cleartext: true, root: dir });
  const netlabFile = await load(oursFile.port);
  await oursFile.close();

  const nodeFile = await nodeServer((s) => {
    s.respondWithFile(file, { 'content-type': 'text/html; charset=utf-8' });
  });
  const nodeFileRate = await load(nodeFile.port);
  await nodeFile.close();

  return {
    requests,
    connections,
    streams,
    bodyBytes: body.length,
    netlabMemoryReqPerSec: netlabMemory,
    nodeMemoryReqPerSec: nodeMemoryRate,
    memoryRatio: netlabMemory / nodeMemoryRate,
    netlabFileReqPerSec: netlabFile,
    nodeFileReqPerSec: nodeFileRate,
    fileRatio: netlabFile / nodeFileRate,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [n, c, m] = process.argv.slice(2).map(Number);
  const r = await runH2ServerBench(n || undefined, c || undefined, m || undefined);
  if ('skipped' in r) {
    console.log(`h2-server benchmark skipped: ${r.skipped}`);
  } else {
    const f = (x: number, d = 0) =>
      x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
    console.log(`h2load -n ${r.requests} -c ${r.connections} -m ${r.streams}, ${r.bodyBytes}-byte page, h2c`);
    console.log(
      `  memory  netlab ${f(r.netlabMemoryReqPerSec)} req/s   node:http2 ${f(r.nodeMemoryReqPerSec)} req/s   ratio ${f(r.memoryRatio, 2)}x`,
    );
    console.log(
      `  file    netlab ${f(r.netlabFileReqPerSec)} req/s   node:http2 ${f(r.nodeFileReqPerSec)} req/s   ratio ${f(r.fileRatio, 2)}x`,
    );
    console.log(JSON.stringify(r));
  }
  process.exit(0);
}
