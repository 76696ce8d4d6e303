/**
 * TLS: full handshakes per second and bulk record throughput (AES-128-GCM), netlab's TLS
 * (src/application/tls) beside Node's own tls module (OpenSSL) in the same run, with the
 * ratios netlab / node:tls.
 *
 * - handshakes: a fresh full handshake per connection (no resumption) over loopback TCP,
 *   client and server in this process, certificate chains validated on both stacks with the
 *   same certificates: TLS 1.3 (X25519, ECDSA P-256), TLS 1.2 ECDHE-ECDSA and TLS 1.2 RSA
 *   key exchange (RSA-2048). netlab's machines are also timed alone, back to back in
 *   memory, to separate protocol cost from socket cost.
 * - bulk: one TLS 1.3 connection with TLS_AES_128_GCM_SHA256 moves N MiB from client to
 *   server over loopback; netlab's record layer is also timed alone (seal and open of 16 KiB
 *   records in memory).
 *
 * Run: npx tsx bench/tls.ts    `runTlsBench()` returns the figures.
 */
import { once } from 'node:events';
import tls from 'node:tls';
import { certificateToPem } from '../src/application/pki/certificate.ts';
import { encodePrivateKeyPem } from '../src/application/pki/keys.ts';
import { seededRandomSource } from '../src/application/pki/random-source.ts';
import { type SiteCredentials, WebPki } from '../src/application/pki/web-pki.ts';
import type { CipherSuiteName } from '../src/application/tls/cipher-suites.ts';
import { TlsClient } from '../src/application/tls/client.ts';
import { ContentType } from '../src/application/tls/code-points.ts';
import { parseRecord } from '../src/application/tls/record.ts';
import { Tls13Protection } from '../src/application/tls/record-protection.ts';
import { TlsServer } from '../src/application/tls/server.ts';
import { tlsAccept, tlsConnect } from '../src/application/tls/tls-stream.ts';
import type { TlsVersion } from '../src/application/tls/code-points.ts';
import { connectNet, listenNet } from '../src/real/net-stream.ts';
import { hostRandom } from '../src/real/tls-host.ts';
import { Random } from '../src/sim/random.ts';

// node:tls checks certificates against the real clock, so the benchmark's PKI uses it too.
const T0 = Math.floor(Date.now() / 1000) - 3600;
const NOW = T0 + 3600;

export interface HandshakeFigure {
  readonly name: string;
  /** netlab machines alone, in memory. */
  readonly netlabMemoryPerSec: number;
  /** netlab over loopback TCP. */
  readonly netlabSocketPerSec: number;
  /** node:tls (OpenSSL) over loopback TCP. */
  readonly nodePerSec: number;
  readonly ratio: number;
}

export interface BulkFigure {
  readonly netlabMemoryMBps: number;
  readonly netlabSocketMBps: number;
  readonly nodeMBps: number;
  readonly ratio: number;
}

export interface TlsBenchResult {
  readonly handshakes: readonly HandshakeFigure[];
  readonly bulk: BulkFigure;
}

interface Case {
  readonly name: string;
  readonly version: TlsVersion;
  readonly suite: CipherSuiteName;
  readonly opensslCipher: string;
  readonly credentials: SiteCredentials;
}

function pemOf(c: SiteCredentials) {
  return { cert: c.chain.map(certificateToPem).join(''), key: encodePrivateKeyPem(c.key as never) };
}

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
async function rate(ms: number, fn: () => Promise<void> | void): Promise<number> {
  await fn(); // warm-up
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < ms) {
    await fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

function memoryHandshake(pki: WebPki, c: Case, seed: number): void {
  const client = new TlsClient({
    random: seededRandomSource(new Random(seed, 'c')),
    now: () => NOW,
    trustStore: pki.browserTrust,
    serverName: 'bench.test',
    versions: [c.version],
    suites: [c.suite],
  });
  const server = new TlsServer({
    random: seededRandomSource(new Random(seed, 's')),
    certificates: [c.credentials],
  });
  client.start();
  for (let i = 0; i < 10 && !(client.established && server.established); i++) {
    const up = client.takeOutput();
    if (up.length) server.receive(up);
    const down = server.takeOutput();
    if (down.length) client.receive(down);
  }
  if (!client.established || !server.established) throw new Error(`${c.name}: handshake did not complete`);
}

async function netlabSocketHandshakes(pki: WebPki, c: Case, ms: number): Promise<number> {
  const listener = await listenNet(0, async (stream) => {
    try {
      const s = await tlsAccept(stream, { random: hostRandom, certificates: [c.credentials] });
      await s.end();
    } catch {
      stream.close();
    }
  });
  try {
    return await rate(ms, async () => {
      const t = await connectNet('127.0.0.1', listener.port);
      const s = await tlsConnect(t, {
        random: hostRandom,
        now: () => NOW,
        trustStore: pki.browserTrust,
        serverName: 'bench.test',
        versions: [c.version],
        suites: [c.suite],
      });
      s.close();
    });
  } finally {
    await listener.close();
  }
}

async function nodeHandshakes(pki: WebPki, c: Case, ms: number): Promise<number> {
  const { cert, key } = pemOf(c.credentials);
  const ca = [certificateToPem(pki.netlabRoot.certificate), certificateToPem(pki.globalRoot.certificate)];
  const tlsVersion = c.version === '1.3' ? 'TLSv1.3' : 'TLSv1.2';
  const server = tls.createServer({
    cert,
    key,
    minVersion: tlsVersion,
    maxVersion: tlsVersion,
    // node:tls takes TLS 1.3 suite names in `ciphers` too.
    ciphers: c.opensslCipher,
    sessionTimeout: 0,
  });
  server.on('secureConnection', (s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  try {
    return await rate(ms, async () => {
      const s = tls.connect({
        host: '127.0.0.1',
        port,
        servername: 'bench.test',
        ca,
        minVersion: tlsVersion,
        maxVersion: tlsVersion,
        ...(c.version === '1.2' ? { ciphers: c.opensslCipher } : {}),
        checkServerIdentity: (host, peer) => tls.checkServerIdentity(host, peer),
      });
      await once(s, 'secureConnect');
      s.destroy();
    });
  } finally {
    server.close();
  }
}

/** MB/s of netlab's record layer alone: seal and open of 16 KiB records. */
function memoryBulk(totalMiB: number): number {
  const key = hostRandom(16);
  const iv = hostRandom(12);
  const tx = new Tls13Protection('AES-128-GCM', key, iv);
  const rx = new Tls13Protection('AES-128-GCM', key, iv);
  const chunk = new Uint8Array(16384).fill(7);
  const records = (totalMiB * 1024 * 1024) / chunk.length;
  const start = performance.now();
  for (let i = 0; i < records; i++) {
    const r = parseRecord(tx.seal(ContentType.ApplicationData, chunk, 0x0303));
    if (r instanceof Error || 'code' in r) throw new Error('record');
    rx.open(r);
  }
  return (totalMiB * 1.048576) / ((performance.now() - start) / 1000);
}

async function netlabSocketBulk(pki: WebPki, creds: SiteCredentials, totalMiB: number): Promise<number> {
  const total = totalMiB * 1024 * 1024;
  let done!: (n: number) => void;
  const received = new Promise<number>((r) => {
    done = r;
  });
  const listener = await listenNet(0, async (stream) => {
    const s = await tlsAccept(stream, {
      random: hostRandom,
      certificates: [creds],
      suites: ['TLS_AES_128_GCM_SHA256'],
    });
    let n = 0;
    for (let c = await s.read(); c !== null; c = await s.read()) n += c.length;
    done(n);
    s.close();
  });
  try {
    const t = await connectNet('127.0.0.1', listener.port);
    const s = await tlsConnect(t, {
      random: hostRandom,
      now: () => NOW,
      trustStore: pki.browserTrust,
      serverName: 'bench.test',
    });
    const block = new Uint8Array(64 * 1024).fill(1);
    const start = performance.now();
    for (let sent = 0; sent < total; sent += block.length) await s.write(block);
    await s.end();
    const n = await received;
    if (n !== total) throw new Error(`bulk: received ${n} of ${total}`);
    return total / 1e6 / ((performance.now() - start) / 1000);
  } finally {
    await listener.close();
  }
}

async function nodeBulk(creds: SiteCredentials, pki: WebPki, totalMiB: number): Promise<number> {
  const total = totalMiB * 1024 * 1024;
  const { cert, key } = pemOf(creds);
  let done!: (n: number) => void;
  const received = new Promise<number>((r) => {
    done = r;
  });
  const server = tls.createServer(
    { cert, key, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256' },
    (s) => {
      let n = 0;
      s.on('data', (d: Buffer) => {
        n += d.length;
      });
      s.on('end', () => {
        done(n);
        s.end();
      });
    },
  );
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as { port: number }).port;
  try {
    const s = tls.connect({
      host: '127.0.0.1',
      port,
      servername: 'bench.test',
      ca: [certificateToPem(pki.netlabRoot.certificate)],
      minVersion: 'TLSv1.3',
    });
    await once(s, 'secureConnect');
    const block = Buffer.alloc(64 * 1024, 1);
    const start = performance.now();
    for (let sent = 0; sent < total; sent += block.length) {
      if (!s.write(block)) await once(s, 'drain');
    }
    s.end();
    const n = await received;
    if (n !== total) throw new Error(`node bulk: received ${n} of ${total}`);
    return total / 1e6 / ((performance.now() - start) / 1000);
  } finally {
    server.close();
  }
}

export async function runTlsBench(
  options: { msPerCase?: number; bulkMiB?: number } = {},
): Promise<TlsBenchResult> {
  const ms = options.msPerCase ?? 1500;
  const bulkMiB = options.bulkMiB ?? 32;
  const pki = new WebPki({ random: seededRandomSource(new Random(7)), now: () => T0 });
  const ec = pki.issueSite(['bench.test']);
  const rsa = pki.issueSite(['bench.test'], { key: 'rsa', ca: pki.globalRoot });
  const cases: Case[] = [
    {
      name: 'TLS 1.3 X25519, ECDSA P-256',
      version: '1.3',
      suite: 'TLS_AES_128_GCM_SHA256',
      opensslCipher: 'TLS_AES_128_GCM_SHA256',
      credentials: ec,
    },
    {
      name: 'TLS 1.3 X25519, RSA-2048 (PSS)',
      version: '1.3',
      suite: 'TLS_AES_128_GCM_SHA256',
      opensslCipher: 'TLS_AES_128_GCM_SHA256',
      credentials: rsa,
    },
    {
      name: 'TLS 1.2 ECDHE-ECDSA-AES128-GCM-SHA256',
      version: '1.2',
      suite: 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256',
      opensslCipher: 'ECDHE-ECDSA-AES128-GCM-SHA256',
      credentials: ec,
    },
    {
      name: 'TLS 1.2 RSA key exchange AES128-GCM-SHA256',
      version: '1.2',
      suite: 'TLS_RSA_WITH_AES_128_GCM_SHA256',
      opensslCipher: 'AES128-GCM-SHA256',
      credentials: rsa,
    },
  ];
  const handshakes: HandshakeFigure[] = [];
  for (const c of cases) {
    let seed = 0;
    const netlabMemoryPerSec = await rate(ms, () => memoryHandshake(pki, c, seed++));
    const netlabSocketPerSec = await netlabSocketHandshakes(pki, c, ms);
    const nodePerSec = await nodeHandshakes(pki, c, ms);
    handshakes.push({
      name: c.name,
      netlabMemoryPerSec,
      netlabSocketPerSec,
      nodePerSec,
      ratio: netlabSocketPerSec / nodePerSec,
    });
  }
  const netlabMemoryMBps = memoryBulk(bulkMiB);
  const netlabSocketMBps = await netlabSocketBulk(pki, ec, bulkMiB);
  const nodeMBps = await nodeBulk(ec, pki, bulkMiB * 8);
  return {
    handshakes,
    bulk: { netlabMemoryMBps, netlabSocketMBps, nodeMBps, ratio: netlabSocketMBps / nodeMBps },
  };
}

function print(r: TlsBenchResult): void {
  const f = (x: number, d = 0) =>
    x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log('\nTLS full handshakes per second (no resumption; chains validated on both sides)');
  console.log(
    '  case                                        netlab mem   netlab tcp   node:tls   netlab/node',
  );
  for (const h of r.handshakes) {
    console.log(
      `  ${h.name.padEnd(42)} ${f(h.netlabMemoryPerSec).padStart(10)}   ${f(h.netlabSocketPerSec).padStart(10)}   ${f(h.nodePerSec).padStart(8)}   ${f(h.ratio, 3).padStart(10)}x`,
    );
  }
  const b = r.bulk;
  console.log('\nTLS 1.3 bulk throughput, TLS_AES_128_GCM_SHA256, client to server');
  console.log(`  netlab record layer in memory: ${f(b.netlabMemoryMBps, 1)} MB/s`);
  console.log(`  netlab over loopback TCP:      ${f(b.netlabSocketMBps, 1)} MB/s`);
  console.log(`  node:tls over loopback TCP:    ${f(b.nodeMBps, 1)} MB/s`);
  console.log(`  ratio netlab / node:tls:       ${f(b.ratio, 3)}x`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  print(await runTlsBench());
}
