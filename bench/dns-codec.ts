/**
 * DNS message encode/decode throughput: netlab's codec (src/application/dns/dns-message.ts)
 * beside dns-packet (npm), in the same run, on the same messages: a query, an answer with
 * a CNAME chain, a referral with NS and glue (a real capture from vectors/dns), and an MX
 * answer with additional addresses. Prints ops/s and the ratio netlab / dns-packet (above
 * 1 means netlab is faster). `runDnsCodecBench()` returns the figures for bench/run.ts.
 *
 * Run: npx tsx bench/dns-codec.ts
 */
import { readFileSync } from 'node:fs';
import dnsPacket from 'dns-packet';
import { type DnsMessage, parseDnsMessage, serializeDnsMessage } from '../src/application/dns/dns-message.ts';
import { fromHex } from '../src/bytes/hex.ts';
import { ProtocolError } from '../src/bytes/protocol-error.ts';

export interface CodecFigure {
  readonly message: string;
  readonly bytes: number;
  readonly netlabDecodePerSec: number;
  readonly peerDecodePerSec: number;
  readonly decodeRatio: number;
  readonly netlabEncodePerSec: number;
  readonly peerEncodePerSec: number;
  readonly encodeRatio: number;
}

function mustParse(b: Uint8Array): DnsMessage {
  const m = parseDnsMessage(b);
  if (m instanceof ProtocolError) throw new Error(m.toString());
  return m;
}

const A = (name: string, address: string, ttl = 300) => ({
  name,
  type: 1,
  class: 1,
  ttl,
  data: { kind: 'a' as const, address },
});

function samples(): { name: string; bytes: Uint8Array }[] {
  const vectors = JSON.parse(
    readFileSync(new URL('../vectors/dns/dnslib-captures.json', import.meta.url), 'utf8'),
  ) as { captures: { file: string; response_hex: string }[] };
  const referral = vectors.captures.find((c) => c.file.endsWith('iana.org-NS'))!;
  const q = serializeDnsMessage({
    ...mustParse(fromHex('2b1e01000001000000000000076578616d706c6503636f6d0000010001')),
  });
  const cname = serializeDnsMessage({
    ...mustParse(q),
    qr: true,
    ra: true,
    questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
    answers: [
      {
        name: 'www.example.com.',
        type: 5,
        class: 1,
        ttl: 300,
        data: { kind: 'name', target: 'edge.cdn.example.net.' },
      },
      A('edge.cdn.example.net.', '192.0.2.10', 60),
      A('edge.cdn.example.net.', '192.0.2.11', 60),
      A('edge.cdn.example.net.', '192.0.2.12', 60),
    ],
  });
  const mx = serializeDnsMessage({
    ...mustParse(q),
    qr: true,
    aa: true,
    questions: [{ name: 'example.com.', type: 15, class: 1 }],
    answers: [
      {
        name: 'example.com.',
        type: 15,
        class: 1,
        ttl: 3600,
        data: { kind: 'mx', preference: 10, exchange: 'mx1.example.com.' },
      },
      {
        name: 'example.com.',
        type: 15,
        class: 1,
        ttl: 3600,
        data: { kind: 'mx', preference: 20, exchange: 'mx2.example.com.' },
      },
    ],
    additional: [A('mx1.example.com.', '192.0.2.25'), A('mx2.example.com.', '192.0.2.26')],
  });
  return [
    { name: 'query A', bytes: q },
    { name: 'CNAME + 3 A', bytes: cname },
    { name: 'referral NS x4 (capture)', bytes: fromHex(referral.response_hex) },
    { name: 'MX + glue', bytes: mx },
  ];
}

/** Runs `fn` repeatedly for about `ms` milliseconds; operations per second. */
function opsPerSec(fn: () => unknown, ms: number): number {
  for (let i = 0; i < 2000; i++) fn(); // warm up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < ms) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}

export function runDnsCodecBench(msPerCase = 300): CodecFigure[] {
  const out: CodecFigure[] = [];
  for (const s of samples()) {
    const buf = Buffer.from(s.bytes);
    const ours = mustParse(s.bytes);
    const theirs = dnsPacket.decode(buf);
    const netlabDecodePerSec = opsPerSec(() => parseDnsMessage(s.bytes), msPerCase);
    const peerDecodePerSec = opsPerSec(() => dnsPacket.decode(buf), msPerCase);
    const netlabEncodePerSec = opsPerSec(() => serializeDnsMessage(ours), msPerCase);
    const peerEncodePerSec = opsPerSec(() => dnsPacket.encode(theirs), msPerCase);
    out.push({
      message: s.name,
      bytes: s.bytes.length,
      netlabDecodePerSec,
      peerDecodePerSec,
      decodeRatio: netlabDecodePerSec / peerDecodePerSec,
      netlabEncodePerSec,
      peerEncodePerSec,
      encodeRatio: netlabEncodePerSec / peerEncodePerSec,
    });
  }
  return out;
}

function k(n: number): string {
  return `${(n / 1000).toFixed(0)}k`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log('DNS codec: netlab vs dns-packet (ops/s; ratio > 1: netlab faster)');
  console.log('message                    bytes   decode netlab/peer (ratio)    encode netlab/peer (ratio)');
  for (const f of runDnsCodecBench()) {
    console.log(
      `${f.message.padEnd(26)} ${String(f.bytes).padStart(5)}   ${k(f.netlabDecodePerSec).padStart(6)} / ${k(f.peerDecodePerSec).padStart(6)} (${f.decodeRatio.toFixed(2)})      ${k(f.netlabEncodePerSec).padStart(6)} / ${k(f.peerEncodePerSec).padStart(6)} (${f.encodeRatio.toFixed(2)})`,
    );
  }
}
