/**
 * `npm run bench`: netlab's figures beside its peers', measured in the same run, with the
 * ratios. Each benchmark runs in a child process so its peak memory is its own. The
 * machines are noisy: compare ratios, not absolute numbers.
 *
 *   npm run bench                 everything
 *   npm run bench -- chain        only the named benchmarks (chain, dumbbell, dns, tls...)
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { CodecFigure } from './dns-codec.ts';
import { printDumbbellSection } from './dumbbell.ts';
import { runNs3 } from './ns3.ts';
import type { TlsBenchResult } from './tls.ts';
import type { H2ServerFigures } from './h2-server.ts';
import type { HpackFigures } from './hpack.ts';
import type { ParseFigure } from './http1-parse.ts';
import type { ServerFigure } from './http1-server.ts';

const child = fileURLToPath(new URL('./child.ts', import.meta.url));

function inChild(name: string, args: readonly string[] = []): Record<string, number> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, name, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`benchmark ${name} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
}

const n = (x: number, digits = 0) =>
  x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number | undefined) => (bytes === undefined ? 'n/a' : `${n(bytes / 2 ** 20)} MiB`);

function table(header: readonly string[], rows: readonly (readonly string[])[]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ');
  console.log(`  ${line(header)}`);
  for (const r of rows) console.log(`  ${line(r)}`);
}

function chain(): void {
  console.log(
    '\nforwarding chain: 8 routers, 1 Gbit/s 100 µs links, 500 Mbit/s of 1000-byte UDP, 10 s simulated',
  );
  console.log('  (bench/ns3/README.md scenario 2; real Ethernet/IPv4/UDP bytes and checksums on every hop)');
  const ours = inChild('chain', ['8', '10']);
  const peer = runNs3('chain');
  const rows = [
    ['netlab', n(ours.packetHopsPerSec!), n(ours.runWallSec!, 2), mb(ours.maxRssBytes), n(ours.received!)],
  ];
  if (peer) {
    const j = peer.json as Record<string, number>;
    rows.push([
      'ns-3 3.37',
      n(j.packetHopsPerSec!),
      n(j.runWallSec!, 2),
      mb(peer.maxRssBytes),
      n(j.received!),
    ]);
  }
  table(['', 'packet-hops/s', 'wall s', 'peak memory', 'received'], rows);
  if (peer) {
    const j = peer.json as Record<string, number>;
    console.log(`  speed ratio netlab / ns-3: ${n(ours.packetHopsPerSec! / j.packetHopsPerSec!, 2)}x`);
  } else {
    console.log('  ns-3 not installed (apt-get install libns3-dev ns3): no peer figure');
  }
}

function dumbbell(): void {
  printDumbbellSection(
    (flows, simTime) => inChild('dumbbell', [String(flows), String(simTime)]),
    (args) => runNs3('dumbbell', args),
  );
}

function dns(): void {
  console.log('\nDNS message codec: netlab vs dns-packet (npm), the same messages, encode and decode');
  console.log('  (bench/dns-codec.ts; a query, a CNAME chain, a captured referral, an MX answer with glue)');
  const { figures } = inChild('dns-codec') as unknown as { figures: CodecFigure[] };
  const k = (x: number) => `${n(x / 1000)}k/s`;
  table(
    ['message', 'bytes', 'decode netlab', 'dns-packet', 'ratio', 'encode netlab', 'dns-packet', 'ratio'],
    figures.map((f) => [
      f.message,
      String(f.bytes),
      k(f.netlabDecodePerSec),
      k(f.peerDecodePerSec),
      `${n(f.decodeRatio, 2)}x`,
      k(f.netlabEncodePerSec),
      k(f.peerEncodePerSec),
      `${n(f.encodeRatio, 2)}x`,
    ]),
  );
  const mean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
  console.log(
    `  geometric mean ratio netlab / dns-packet: decode ${n(mean(figures.map((f) => f.decodeRatio)), 2)}x, encode ${n(mean(figures.map((f) => f.encodeRatio)), 2)}x (above 1: netlab faster)`,
  );
}

function http1(): void {
  console.log(
    '\nHTTP/1.1: the message parser, and the real-mode server beside node:http under the same load',
  );
  console.log(
    '  (bench/http1-parse.ts, bench/http1-server.ts: 16 keep-alive connections, wrk or the built-in load generator)',
  );
  const r = inChild('http1') as unknown as { parse: ParseFigure[]; server: ServerFigure[] };
  table(
    ['request', 'bytes', 'parsed one by one', 'pipelined', 'MiB/s'],
    r.parse.map((p) => [
      p.request,
      String(p.bytes),
      `${n(p.singleRequestsPerSec / 1000)}k/s`,
      `${n(p.pipelinedRequestsPerSec / 1000)}k/s`,
      n(p.pipelinedMiBPerSec, 1),
    ]),
  );
  console.log('');
  table(
    ['server scenario', 'netlab req/s', 'node:http req/s', 'ratio', 'CPU/req netlab', 'node'],
    r.server.map((f) => [
      `${f.scenario} (${f.connections} conns${f.pipeline > 1 ? `, ${f.pipeline} pipelined` : ''})`,
      n(f.netlabRequestsPerSec),
      n(f.nodeRequestsPerSec),
      `${n(f.ratio, 2)}x`,
      `${n(f.netlabCpuMicrosPerRequest)} µs`,
      `${n(f.nodeCpuMicrosPerRequest)} µs`,
    ]),
  );
  console.log(`  load generator: ${r.server[0]?.loadGenerator ?? 'n/a'}; ratio above 1: netlab faster`);
}

function hpack(): void {
  console.log('\nHPACK: encode and decode of the hpack-test-case stories, netlab vs hpack.js (npm)');
  const r = inChild('hpack') as unknown as HpackFigures;
  table(
    ['', 'netlab blocks/s', 'hpack.js blocks/s', 'ratio'],
    [
      ['encode', n(r.netlabEncodeBlocksPerSec), n(r.peerEncodeBlocksPerSec), `${n(r.encodeRatio, 2)}x`],
      ['decode', n(r.netlabDecodeBlocksPerSec), n(r.peerDecodeBlocksPerSec), `${n(r.decodeRatio, 2)}x`],
    ],
  );
  console.log(
    `  ${n(r.blocks)} header blocks from ${r.stories} stories; encoded size netlab ${n(r.netlabEncodedBytes)} bytes, hpack.js ${n(r.peerEncodedBytes)}`,
  );
}

function h2(): void {
  console.log('\nHTTP/2: real-mode server requests/s under h2load, netlab vs node:http2 (h2c, same page)');
  const { result } = inChild('h2') as unknown as { result: H2ServerFigures | { skipped: string } };
  if ('skipped' in result) {
    console.log(`  ${result.skipped}: no figures`);
    return;
  }
  table(
    ['page from', 'netlab req/s', 'node:http2 req/s', 'ratio'],
    [
      [
        'memory',
        n(result.netlabMemoryReqPerSec),
        n(result.nodeMemoryReqPerSec),
        `${n(result.memoryRatio, 2)}x`,
      ],
      ['disk', n(result.netlabFileReqPerSec), n(result.nodeFileReqPerSec), `${n(result.fileRatio, 2)}x`],
    ],
  );
  console.log(`  h2load -n ${n(result.requests)} -c ${result.connections} -m ${result.streams}`);
}

function web(): void {
  console.log('\nweb lab responsiveness, in headless Chromium (CPU rendering; bench/web-responsiveness.ts)');
  const r = inChild('web');
  if (!r.available) {
    console.log('  chromium not installed (apt-get install chromium): no figures');
    return;
  }
  console.log(
    `  500-node mesh animating at x1: ${n(r.meshFps!, 1)} frames/s (target >= 30; the map redrawn ${n(r.meshDrawnFps!, 1)} times/s); frame interval p50 ${n(r.meshP50Ms!, 1)} ms, p95 ${n(r.meshP95Ms!, 1)} ms, worst ${n(r.meshWorstMs!, 1)} ms;`,
  );
  console.log(
    `    ${n(r.meshFlightsPerFrame!, 0)} frames in flight drawn per frame in ${n(r.meshDrawMs!, 1)} ms of drawing code, simulation at x${n(r.meshSimSpeed!, 2)} of real time, ${n(r.meshPackets!)} packets captured`,
  );
  console.log(
    `  packet list of ${n(r.scrollPackets!)} packets (captured in ${n(r.scrollCaptureSeconds!, 1)} s), scrolled end to end in 300 frames: ${n(r.scrollFps!, 1)} frames/s, p95 ${n(r.scrollP95Ms!, 1)} ms, worst ${n(r.scrollWorstMs!, 1)} ms;`,
  );
  console.log(
    `    ${n(r.scrollLoadingFrameShare! * 100, 1)}% of frames showed a row still loading; a jump's rows appear in ${n(r.scrollJumpP50Ms!, 1)} ms (median), ${n(r.scrollJumpWorstMs!, 1)} ms (worst); ${n(r.scrollRowElements!)} row elements in the page`,
  );
}

function tlsSection(): void {
  console.log('\nTLS: full handshakes per second and bulk throughput, netlab beside node:tls (OpenSSL)');
  console.log(
    '  (bench/tls.ts; loopback TCP, both stacks in one process, chains validated on both sides, no resumption)',
  );
  const r = inChild('tls') as unknown as TlsBenchResult;
  table(
    ['handshake', 'netlab in memory/s', 'netlab tcp/s', 'node:tls/s', 'ratio'],
    r.handshakes.map((h) => [
      h.name,
      n(h.netlabMemoryPerSec),
      n(h.netlabSocketPerSec),
      n(h.nodePerSec),
      `${n(h.ratio, 3)}x`,
    ]),
  );
  const b = r.bulk;
  table(
    ['bulk, TLS 1.3 AES-128-GCM', 'netlab in memory', 'netlab tcp', 'node:tls', 'ratio'],
    [
      [
        'client to server',
        `${n(b.netlabMemoryMBps, 1)} MB/s`,
        `${n(b.netlabSocketMBps, 1)} MB/s`,
        `${n(b.nodeMBps, 1)} MB/s`,
        `${n(b.ratio, 3)}x`,
      ],
    ],
  );
  console.log('  ratio: netlab over TCP / node:tls (above 1: netlab faster)');
}

const SECTIONS: Record<string, () => void> = { chain, dumbbell, dns, http1, hpack, h2, web, tls: tlsSection };

const wanted = process.argv.slice(2);
for (const w of wanted) {
  if (!(w in SECTIONS)) {
    console.error(`unknown benchmark '${w}' (known: ${Object.keys(SECTIONS).join(', ')})`);
    process.exit(2);
  }
}
console.log(`netlab benchmarks — node ${process.version}, ${availableParallelism()} cores`);
for (const [name, fn] of Object.entries(SECTIONS)) if (wanted.length === 0 || wanted.includes(name)) fn();
