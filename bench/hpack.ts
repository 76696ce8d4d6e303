/**
 * HPACK encode and decode throughput: netlab's codec (src/application/http2/hpack) beside
 * hpack.js (npm, the HPACK of node-spdy), in the same run, on the same data — the
 * hpack-test-case stories vendored in vectors/hpack:
 *
 * - encode: every raw-data story's header lists, one encoder context per story (Huffman
 *   when shorter, incremental indexing: both libraries' defaults);
 * - decode: the blocks nghttp2 encoded for the same stories, one decoder context per story.
 *
 * Prints header blocks per second and MB/s of header text, and the ratio netlab /
 * hpack.js (above 1: netlab is faster). `runHpackBench()` returns the figures.
 *
 * Run: npx tsx bench/hpack.ts
 */
import { readdirSync, readFileSync } from 'node:fs';
import hpackJs from 'hpack.js';
import { HpackDecoder } from '../src/application/http2/hpack/decoder.ts';
import { HpackEncoder } from '../src/application/http2/hpack/encoder.ts';
import type { HeaderField } from '../src/application/http2/hpack/header-field.ts';
import { fromHex } from '../src/bytes/hex.ts';

interface Story {
  cases: { wire?: string; headers: Record<string, string>[] }[];
}

const root = new URL('../vectors/hpack/hpack-test-case/', import.meta.url);

function stories(dir: string): Story[] {
  return readdirSync(new URL(`${dir}/`, root))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(new URL(`${dir}/${f}`, root), 'utf8')) as Story);
}

function list(headers: Record<string, string>[]): HeaderField[] {
  return headers.map((h) => {
    const [name, value] = Object.entries(h)[0]!;
    return { name, value };
  });
}

export interface HpackFigures {
  readonly stories: number;
  readonly blocks: number;
  /** Octets of names and values in all blocks (what a block expands to, without overhead). */
  readonly headerTextBytes: number;
  readonly netlabEncodeBlocksPerSec: number;
  readonly peerEncodeBlocksPerSec: number;
  readonly encodeRatio: number;
  readonly netlabDecodeBlocksPerSec: number;
  readonly peerDecodeBlocksPerSec: number;
  readonly decodeRatio: number;
  readonly netlabEncodeMBps: number;
  readonly netlabDecodeMBps: number;
  /** Wire octets both encoders produced for the whole corpus. */
  readonly netlabEncodedBytes: number;
  readonly peerEncodedBytes: number;
}

/** Runs `pass` until `ms` have elapsed (at least 3 times); returns passes per second. */
function rate(pass: () => void, ms: number): number {
  for (let i = 0; i < 2; i++) pass(); // warm up
  let runs = 0;
  const t0 = performance.now();
  let t = t0;
  while (runs < 3 || t - t0 < ms) {
    pass();
    runs++;
    t = performance.now();
  }
  return (runs * 1000) / (t - t0);
}

export function runHpackBench(msPerMeasure = 1500): HpackFigures {
  const raw = stories('raw-data').map((s) => s.cases.map((c) => list(c.headers)));
  const wire = stories('nghttp2').map((s) => s.cases.map((c) => fromHex(c.wire!)));
  const blocks = raw.reduce((n, s) => n + s.length, 0);
  const headerTextBytes = raw.reduce(
    (n, s) => n + s.reduce((m, l) => m + l.reduce((k, f) => k + f.name.length + f.value.length, 0), 0),
    0,
  );

  let netlabEncodedBytes = 0;
  let peerEncodedBytes = 0;
  const ourEncode = () => {
    netlabEncodedBytes = 0;
    for (const story of raw) {
      const e = new HpackEncoder();
      for (const l of story) netlabEncodedBytes += e.encode(l).length;
    }
  };
  const peerEncode = () => {
    peerEncodedBytes = 0;
    for (const story of raw) {
      const c = hpackJs.compressor.create({ table: { size: 4096 } });
      for (const l of story) {
        c.write(l as { name: string; value: string }[]);
        peerEncodedBytes += c.read()?.length ?? 0;
      }
    }
  };
  let decoded = 0;
  const ourDecode = () => {
    decoded = 0;
    for (const story of wire) {
      const d = new HpackDecoder();
      for (const b of story) {
        const out = d.decode(b);
        if (!Array.isArray(out)) throw new Error(String(out));
        decoded += out.length;
      }
    }
  };
  let peerDecoded = 0;
  const peerDecode = () => {
    peerDecoded = 0;
    for (const story of wire) {
      const d = hpackJs.decompressor.create({ table: { size: 4096 } });
      for (const b of story) {
        d.write(b);
        d.execute();
        while (d.read() !== null) peerDecoded++;
      }
    }
  };

  const encodeOurs = rate(ourEncode, msPerMeasure);
  const encodePeer = rate(peerEncode, msPerMeasure);
  const decodeOurs = rate(ourDecode, msPerMeasure);
  const decodePeer = rate(peerDecode, msPerMeasure);
  if (decoded !== peerDecoded) throw new Error(`decoders disagree: ${decoded} vs ${peerDecoded} fields`);
  return {
    stories: raw.length,
    blocks,
    headerTextBytes,
    netlabEncodeBlocksPerSec: encodeOurs * blocks,
    peerEncodeBlocksPerSec: encodePeer * blocks,
    encodeRatio: encodeOurs / encodePeer,
    netlabDecodeBlocksPerSec: decodeOurs * blocks,
    peerDecodeBlocksPerSec: decodePeer * blocks,
    decodeRatio: decodeOurs / decodePeer,
    netlabEncodeMBps: (encodeOurs * headerTextBytes) / 1e6,
    netlabDecodeMBps: (decodeOurs * headerTextBytes) / 1e6,
    netlabEncodedBytes,
    peerEncodedBytes,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = runHpackBench();
  const n = (x: number, d = 0) =>
    x.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  console.log(
    `HPACK on hpack-test-case: ${r.stories} stories, ${n(r.blocks)} header blocks, ${n(r.headerTextBytes)} octets of header text`,
  );
  console.log(
    `  encode  netlab ${n(r.netlabEncodeBlocksPerSec)} blocks/s (${n(r.netlabEncodeMBps, 1)} MB/s)   hpack.js ${n(r.peerEncodeBlocksPerSec)} blocks/s   ratio ${n(r.encodeRatio, 2)}x`,
  );
  console.log(
    `  decode  netlab ${n(r.netlabDecodeBlocksPerSec)} blocks/s (${n(r.netlabDecodeMBps, 1)} MB/s)   hpack.js ${n(r.peerDecodeBlocksPerSec)} blocks/s   ratio ${n(r.decodeRatio, 2)}x`,
  );
  console.log(
    `  encoded size: netlab ${n(r.netlabEncodedBytes)} octets, hpack.js ${n(r.peerEncodedBytes)} octets`,
  );
  console.log(JSON.stringify(r));
}
