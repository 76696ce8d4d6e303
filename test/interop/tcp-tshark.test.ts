/**
 * Real tshark reads netlab's TCP captures: a lossy, reordering transfer with SACK and
 * timestamps, a refused connection, a full close; and the bottleneck of the ns-3
 * dumbbell with ten flows. Wireshark must find no malformed packet and no bad checksum
 * (checksum validation on), and its TCP analysis must agree with the simulator's own
 * counts: frames and bytes per direction of each conversation (`-z conv,tcp`), payload
 * bytes and retransmissions as the sockets counted them. The same seed gives the same
 * capture, byte for byte.
 */
import { describe, expect, it } from 'vitest';
import { runDumbbell } from '../../bench/dumbbell.ts';
import { ProtocolError } from '../../src/bytes/protocol-error.ts';
import { formatIpv4Address } from '../../src/internet/ipv4-address.ts';
import { parseIpv4 } from '../../src/internet/ipv4.ts';
import { Simulator } from '../../src/sim/simulator.ts';
import { MILLISECOND, SECOND } from '../../src/sim/time.ts';
import { pcapBytes } from '../../src/tools/capture/pcap-writer.ts';
import { parseTcp } from '../../src/transport/tcp/tcp-segment.ts';
import type { TcpSocket } from '../../src/transport/tcp/tcp-socket.ts';
import { pair } from '../../src/transport/tcp/test-network.ts';
import {
  hasTshark,
  TSHARK_CHECKSUM_PREFS,
  tsharkExpertProblems,
  tsharkFields,
  warnIfNoTshark,
  writeTempPcap,
} from './tshark-helpers.ts';
import { execFileSync } from 'node:child_process';

warnIfNoTshark('test/interop/tcp-tshark.test.ts');

interface Capture {
  records: { timeNs: number; frame: Uint8Array }[];
  /** Per conversation "a:p -> b:q": frames and frame bytes, as the simulator put them on the wire. */
  counts: Map<string, { frames: number; bytes: number }>;
}

/** Records every frame one node sends or receives (a capture on its NIC), and counts TCP ones. */
function capture(sim: Simulator, node: string): Capture {
  const c: Capture = { records: [], counts: new Map() };
  const take = (frame: Uint8Array) => {
    c.records.push({ timeNs: sim.now, frame: frame.slice() });
    const ip = parseIpv4(frame, 14);
    if (ip instanceof ProtocolError || ip.header.protocol !== 6) return;
    const t = parseTcp(ip.payload);
    if (t instanceof ProtocolError) return;
    const key = `${formatIpv4Address(ip.header.source)}:${t.sourcePort} -> ${formatIpv4Address(ip.header.destination)}:${t.destinationPort}`;
    const e = c.counts.get(key) ?? { frames: 0, bytes: 0 };
    e.frames++;
    e.bytes += frame.length;
    c.counts.set(key, e);
  };
  sim.trace.on('link.tx', (e) => {
    if (e.node === node) take(e.frame);
  });
  sim.trace.on('link.rx', (e) => {
    if (e.node === node) take(e.frame);
  });
  return c;
}

interface Conversation {
  readonly a: string;
  readonly b: string;
  /** Frames and bytes b -> a ("<-") and a -> b ("->"); `unit` is the unit tshark rounded to. */
  readonly toA: { frames: number; bytes: number; unit: number };
  readonly toB: { frames: number; bytes: number; unit: number };
}

/** The findings tsharkExpertProblems reports (errors; checksum/malformed/protocol warnings), with extra options. */
function problems(path: string, extra: readonly string[]): string[] {
  const args = ['-n', ...TSHARK_CHECKSUM_PREFS, ...extra, '-r', path, '-Y', '_ws.expert', '-T', 'fields'];
  args.push('-e', 'frame.number', '-e', '_ws.expert', '-E', 'occurrence=a', '-E', 'aggregator=\x1e');
  const out = execFileSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const found: string[] = [];
  for (const line of out.split('\n')) {
    const [frame, items = ''] = line.split('\t');
    for (const item of items.split('\x1e')) {
      const m = /^Expert Info \(([^/]*)\/([^)]*)\): ([\s\S]*)$/.exec(item);
      if (!m) continue;
      const bad =
        m[1] === 'Error' || (m[1] === 'Warning' && /^(Checksum|Malformed|Protocol|Undecoded)$/.test(m[2]!));
      if (bad) found.push(`frame ${frame}: ${m[1]}/${m[2]}: ${m[3]}`);
    }
  }
  return found;
}

/** Parses `tshark -q -z conv,tcp` (Wireshark 4.0: "4694 bytes", "209 kB"...). */
function conversations(path: string): Conversation[] {
  const out = execFileSync('tshark', ['-n', '-r', path, '-q', '-z', 'conv,tcp'], { encoding: 'utf8' });
  const unit: Record<string, number> = { bytes: 1, kB: 1e3, MB: 1e6, GB: 1e9 };
  const rows: Conversation[] = [];
  for (const line of out.split('\n')) {
    const m =
      /^(\S+)\s+<->\s+(\S+)\s+(\d+)\s+([\d.]+) (bytes|kB|MB|GB)\s+(\d+)\s+([\d.]+) (bytes|kB|MB|GB)\s/.exec(
        line,
      );
    if (!m) continue;
    rows.push({
      a: m[1]!,
      b: m[2]!,
      toA: { frames: Number(m[3]), bytes: Number(m[4]) * unit[m[5]!]!, unit: unit[m[5]!]! },
      toB: { frames: Number(m[6]), bytes: Number(m[7]) * unit[m[8]!]!, unit: unit[m[8]!]! },
    });
  }
  return rows;
}

/** tshark prints bytes truncated to whole units (47692 bytes as "47 kB"): exact in bytes, else within the unit. */
function nearly(tshark: { bytes: number; unit: number }, ours: number): boolean {
  return tshark.unit === 1
    ? tshark.bytes === ours
    : ours >= tshark.bytes && ours < tshark.bytes + tshark.unit;
}

function checkConversations(path: string, counts: Capture['counts']): number {
  const convs = conversations(path);
  for (const c of convs) {
    const toB = counts.get(`${c.a} -> ${c.b}`) ?? { frames: 0, bytes: 0 };
    const toA = counts.get(`${c.b} -> ${c.a}`) ?? { frames: 0, bytes: 0 };
    expect(c.toB.frames, `${c.a} -> ${c.b}`).toBe(toB.frames);
    expect(c.toA.frames, `${c.b} -> ${c.a}`).toBe(toA.frames);
    expect(nearly(c.toB, toB.bytes), `${c.toB.bytes} vs ${toB.bytes}`).toBe(true);
    expect(nearly(c.toA, toA.bytes), `${c.toA.bytes} vs ${toA.bytes}`).toBe(true);
  }
  // Every conversation the simulator saw is in tshark's table.
  const keys = new Set(convs.flatMap((c) => [`${c.a} -> ${c.b}`, `${c.b} -> ${c.a}`]));
  for (const k of counts.keys()) expect(keys.has(k), k).toBe(true);
  return convs.length;
}

async function lossyScenario(seed: number) {
  const { sim, a, b } = pair({ loss: 0.04, jitter: 3 * MILLISECOND }, seed);
  const cap = capture(sim, 'a');
  const l = b.tcp.listen(80);
  const data = new Uint8Array(400_000).map((_, i) => (i * 31) & 0xff);
  let received = 0;
  void l.accept().then(async (s) => {
    for (let d = await s.read(); d !== null; d = await s.read()) received += d.length;
    s.close();
  });
  let client: TcpSocket | undefined;
  void a.tcp.connect('10.0.0.2', 80).then(async (c) => {
    client = c;
    await c.write(data);
    c.close();
  });
  // And a connection refused by a RST.
  sim.at(5 * SECOND, () => void a.tcp.connect('10.0.0.2', 81).catch(() => {}));
  await sim.run(200 * SECOND);
  return { cap, client: client!, received, sent: data.length };
}

describe.skipIf(!hasTshark())('tshark reads netlab TCP captures', () => {
  it('a lossy, reordering transfer: no malformed packet or bad checksum, counts agree', async () => {
    const { cap, client, received, sent } = await lossyScenario(3);
    expect(received).toBe(sent);
    const path = writeTempPcap(pcapBytes(cap.records), 'tcp-lossy.pcap');
    expect(tsharkExpertProblems(path)).toEqual([]);
    // Checksums were verified (status 1 = good) on every TCP segment.
    const status = tsharkFields(path, ['tcp.checksum.status'], 'tcp').map((r) => r[0]);
    expect(status.length).toBeGreaterThan(300);
    expect(new Set(status)).toEqual(new Set(['1']));
    expect(checkConversations(path, cap.counts)).toBe(2);
    // Payload bytes from the client, retransmissions included, as its socket counted them.
    const info = client.info();
    const lens = tsharkFields(path, ['tcp.len'], 'tcp.srcport != 80 && tcp.dstport == 80').map((r) =>
      Number(r[0]),
    );
    expect(lens.reduce((x, y) => x + y, 0)).toBe(info.bytesSent);
    expect(info.bytesSent).toBeGreaterThan(sent);
    // Segments the client retransmitted are those tshark flags as repeating earlier data. At
    // the sender's NIC new data goes out in order, so tshark's "out-of-order" flag there
    // marks a retransmission sent soon (under one measured RTT) after the data it repeats.
    const rexmits = tsharkFields(
      path,
      ['frame.number'],
      'tcp.dstport == 80 && tcp.len > 0 && (tcp.analysis.retransmission || tcp.analysis.out_of_order)',
    ).length;
    expect(info.retransmits).toBeGreaterThan(5);
    expect(rexmits).toBe(info.retransmits);
    // SACK blocks and timestamps are decoded, and the RST of the refused connection seen.
    expect(tsharkFields(path, ['tcp.options.sack_le'], 'tcp.options.sack_le').length).toBeGreaterThan(0);
    // Every segment but the RSTs carries a timestamp (RSTs carry no options).
    expect(
      tsharkFields(path, ['frame.number'], 'tcp && !tcp.options.timestamp.tsval && tcp.flags.reset == 0'),
    ).toEqual([]);
    expect(tsharkFields(path, ['tcp.srcport'], 'tcp.flags.reset == 1 && tcp.srcport == 81')).toHaveLength(1);
  });

  it('the same seed gives a byte-identical capture', async () => {
    const one = pcapBytes((await lossyScenario(9)).cap.records);
    const two = pcapBytes((await lossyScenario(9)).cap.records);
    expect(Buffer.compare(Buffer.from(one), Buffer.from(two))).toBe(0);
    const other = pcapBytes((await lossyScenario(10)).cap.records);
    expect(Buffer.compare(Buffer.from(one), Buffer.from(other))).not.toBe(0);
  });

  it('the dumbbell bottleneck with ten flows: clean, and every conversation counted alike', async () => {
    let cap: Capture | undefined;
    const orig = Simulator.prototype.run;
    // Attach the capture to R1 when the benchmark starts its simulator.
    Simulator.prototype.run = function (this: Simulator, until?: number) {
      cap ??= capture(this, 'R1');
      return orig.call(this, until);
    };
    try {
      await runDumbbell({ flows: 10, simTime: 4 });
    } finally {
      Simulator.prototype.run = orig;
    }
    const path = writeTempPcap(pcapBytes(cap!.records), 'dumbbell.pcap');
    // Port 5000 is the ns-3 program's; Wireshark's heuristics would dissect it as GSM RSL.
    expect(problems(path, ['-d', 'tcp.port==5000,data'])).toEqual([]);
    expect(checkConversations(path, cap!.counts)).toBe(10);
  });
});
