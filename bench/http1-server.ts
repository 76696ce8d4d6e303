/**
 * Real-mode HTTP/1.1 server throughput: netlab's server (src/real/http-server.ts, the
 * same code as in the simulator, over node:net) beside Node's own node:http (llhttp
 * parser) serving the same thing, loaded by the same load generator in the same run:
 * `wrk` when installed, else bench/http1-load.ts in a worker thread.
 *
 * Scenarios:
 * - 'file': GET of a 1 KiB file from disk, keep-alive, one request in flight per
 *   connection; both servers send Content-Type, Content-Length, Last-Modified and ETag.
 *   The node:http side stats and reads the file per request (stat, then readFile: open,
 *   fstat, read, close). netlab stats it per request too, the stats of one event-loop turn
 *   shared, and serves the content it cached while the stat agrees; it resolves the path
 *   (realpath: a symbolic link must not lead out of the root) and reads the file again only
 *   when the stat differs (src/real/http-directory.ts).
 * - 'hello': a 12-byte in-memory body, one request in flight per connection: the cost of
 *   the server itself (parse, route, serialise, write).
 * - 'hello x16': the same with 16 requests pipelined per connection: mostly request
 *   parsing and response writing, the parser comparison of bench/http1-parse.ts.
 *
 * Each server is measured twice, alternating, and the better run kept (the machines are
 * shared and noisy). The ratio is netlab / node:http; above 1 means netlab is faster.
 * Beside requests/s, the CPU time the server process spent per request (both servers run
 * in this process, the load generator in another): on a loaded machine it is the steadier
 * figure, since it does not count time the server waited to be scheduled.
 *
 * Run: npx tsx bench/http1-server.ts [seconds]     `runHttp1ServerBench()` returns the figures.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileEtag } from '../src/application/http/static-files.ts';
import { formatHttpDate } from '../src/application/http/http-date.ts';
import { serveHttp } from '../src/real/http-server.ts';
import { generateLoad } from './http1-load.ts';

export interface ServerFigure {
  readonly scenario: string;
  readonly connections: number;
  readonly pipeline: number;
  readonly netlabRequestsPerSec: number;
  readonly nodeRequestsPerSec: number;
  /** Server CPU time (user + system) per request, µs. */
  readonly netlabCpuMicrosPerRequest: number;
  readonly nodeCpuMicrosPerRequest: number;
  /** netlab / node:http */
  readonly ratio: number;
  readonly loadGenerator: 'wrk' | 'netlab-load';
}

// NETLAB_BENCH_NO_WRK=1 forces the built-in generator (to check it where wrk is installed).
const hasWrk =
  !process.env.NETLAB_BENCH_NO_WRK &&
  spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;

function wrk(
  url: string,
  connections: number,
  pipeline: number,
  seconds: number,
  dir: string,
): Promise<number> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`];
  if (pipeline > 1) {
    const script = join(dir, 'pipeline.lua');
    // Sends `depth` requests per write; wrk counts every response.
    writeFileSync(
      script,
      `local depth = ${pipeline}\ninit = function(args)\n  local r = {}\n  for i = 1, depth do r[i] = wrk.format(nil) end\n  req = table.concat(r)\nend\nrequest = function() return req end\n`,
    );
    args.push('-s', script);
  }
  args.push(url);
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { encoding: 'utf8' }, (err, stdout) => {
      if (err) return reject(err);
      const m = /Requests\/sec:\s+([\d.]+)/.exec(stdout);
      if (!m) return reject(new Error(`no figure in wrk output:\n${stdout}`));
      if (/Non-2xx or 3xx responses/.test(stdout)) return reject(new Error(`wrk saw errors:\n${stdout}`));
      resolve(Number(m[1]));
    });
  });
}

async function measure(
  port: number,
  path: string,
  connections: number,
  pipeline: number,
  seconds: number,
  dir: string,
): Promise<number> {
  if (hasWrk) return wrk(`http://127.0.0.1:${port}${path}`, connections, pipeline, seconds, dir);
  const r = await generateLoad({ port, path, connections, pipeline, durationMs: seconds * 1000 });
  if (r.errors > 0 || r.non2xx > 0)
    throw new Error(`load generator saw ${r.errors} errors, ${r.non2xx} non-2xx`);
  return r.requestsPerSec;
}

/** node:http doing what netlab's static handler does for one file. */
function nodeFileServer(root: string): http.Server {
  return http.createServer(async (req, res) => {
    const path = join(root, (req.url ?? '/').split('?')[0]!);
    try {
      const st = await stat(path);
      const body = await readFile(path);
      res.writeHead(200, {
        'Content-Type': 'text/html; charset=utf-8',
        ETag: fileEtag({ size: st.size, modified: st.mtimeMs }),
        'Last-Modified': formatHttpDate(st.mtimeMs),
        'Content-Length': body.length,
      });
      res.end(body);
    } catch {
      res.writeHead(404, { 'Content-Length': 0 });
      res.end();
    }
  });
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

export async function runHttp1ServerBench(seconds = 3, connections = 16): Promise<ServerFigure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'netlab-http-bench-'));
  writeFileSync(
    join(dir, 'index.html'),
    `<!doctype html>\n${'<p>netlab benchmark page</p>\n'.repeat(36)}`.slice(0, 1024),
  );
  const hello = new TextEncoder().encode('hello world\n');
  const scenarios = [
    { name: 'file', path: '/index.html', pipeline: 1 },
    { name: 'hello', path: '/hello', pipeline: 1 },
    { name: 'hello x16', path: '/hello', pipeline: 16 },
  ];
  const out: ServerFigure[] = [];
  for (const sc of scenarios) {
    const ours =
      sc.name === 'file'
        ? await serveHttp({ port: 0, root: dir })
        : await serveHttp({
            port: 0,
            handler: () => ({ headers: { 'Content-Type': 'text/plain' }, body: hello }),
            maxPipelined: 32,
          });
    const node =
      sc.name === 'file'
        ? nodeFileServer(dir)
        : http.createServer((_req, res) => {
            res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': hello.length });
            res.end(hello);
          });
    let nodeCount = 0;
    node.on('request', () => nodeCount++);
    const nodePort = await listen(node);
    let best = { netlab: 0, node: 0, netlabCpu: Number.POSITIVE_INFINITY, nodeCpu: Number.POSITIVE_INFINITY };
    const timed = async (port: number, count: () => number) => {
      const c0 = count();
      const u0 = process.cpuUsage();
      const rps = await measure(port, sc.path, connections, sc.pipeline, seconds, dir);
      const u = process.cpuUsage(u0);
      return { rps, cpu: (u.user + u.system) / Math.max(1, count() - c0) };
    };
    for (let round = 0; round < 2; round++) {
      const a = await timed(ours.port, () => ours.server.stats.responses);
      const b = await timed(nodePort, () => nodeCount);
      best = {
        netlab: Math.max(best.netlab, a.rps),
        node: Math.max(best.node, b.rps),
        netlabCpu: Math.min(best.netlabCpu, a.cpu),
        nodeCpu: Math.min(best.nodeCpu, b.cpu),
      };
    }
    await ours.close();
    node.closeAllConnections();
    await new Promise<void>((r) => node.close(() => r()));
    out.push({
      scenario: sc.name,
      connections,
      pipeline: sc.pipeline,
      netlabRequestsPerSec: best.netlab,
      nodeRequestsPerSec: best.node,
      netlabCpuMicrosPerRequest: best.netlabCpu,
      nodeCpuMicrosPerRequest: best.nodeCpu,
      ratio: best.netlab / best.node,
      loadGenerator: hasWrk ? 'wrk' : 'netlab-load',
    });
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = (x: number) => Math.round(x).toLocaleString('en-US');
  const figures = await runHttp1ServerBench(Number(process.argv[2] ?? 3));
  console.log(
    `real-mode HTTP/1.1 server, ${figures[0]?.connections} keep-alive connections, load by ${figures[0]?.loadGenerator}`,
  );
  for (const f of figures) {
    console.log(
      `  ${f.scenario.padEnd(10)} netlab ${n(f.netlabRequestsPerSec).padStart(8)} req/s ${f.netlabCpuMicrosPerRequest.toFixed(1).padStart(6)} µs CPU/req   node:http ${n(f.nodeRequestsPerSec).padStart(8)} req/s ${f.nodeCpuMicrosPerRequest.toFixed(1).padStart(6)} µs CPU/req   ratio ${f.ratio.toFixed(2)}`,
    );
  }
}
