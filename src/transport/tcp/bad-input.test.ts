/**
 * Hostile and broken segments, injected raw into a node: each is dropped with a typed
 * 'tcp.drop' reason, answered where RFC 9293 / RFC 5961 say to answer (RST, ACK,
 * challenge ACK), and never disturbs the connection it pretends to belong to. A SYN flood
 * fills only the listener's bounded backlog.
 */
import { describe, expect, it } from 'vitest';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import { parseIpv4 } from '../../internet/ipv4.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseTcp, serializeTcp, TcpFlag, type TcpInit, tcpFlagNames } from './tcp-segment.ts';
import type { TcpSocket } from './tcp-socket.ts';
import { pair, type TestHost } from './test-network.ts';

const A = parseIpv4Address('10.0.0.1')!;
const B = parseIpv4Address('10.0.0.2')!;

function inject(
  from: TestHost,
  to: number,
  init: TcpInit,
  mutate?: (b: Uint8Array) => Uint8Array,
  src = from.address,
) {
  let bytes = serializeTcp(init, src, to);
  if (mutate) bytes = mutate(bytes);
  from.ip.send({ protocol: 6, destination: to, source: src }, bytes);
}

/** Every TCP segment a node put on its link: [flags, seq, ack]. */
function tcpSent(sim: ReturnType<typeof pair>['sim'], node: string) {
  const out: { flags: string; seq: number; ack: number; dport: number }[] = [];
  sim.trace.on('link.tx', (e) => {
    if (e.node !== node) return;
    const ip = parseIpv4(e.frame, 14);
    if (ip instanceof ProtocolError || ip.header.protocol !== 6) return;
    const t = parseTcp(ip.payload);
    if (t instanceof ProtocolError) return;
    out.push({ flags: tcpFlagNames(t.flags).join(','), seq: t.seq, ack: t.ack, dport: t.destinationPort });
  });
  return out;
}

function drops(sim: ReturnType<typeof pair>['sim']) {
  const out: TraceEventOf<'tcp.drop'>[] = [];
  sim.trace.on('tcp.drop', (e) => out.push(e));
  return out;
}

const SYN: TcpInit = {
  sourcePort: 5555,
  destinationPort: 80,
  seq: 1000,
  ack: 0,
  flags: TcpFlag.SYN,
  window: 1000,
};

describe('malformed segments are dropped with a reason, unanswered', () => {
  it('bad checksum, bad data offset, bad option length, truncated, SYN+FIN, SYN+RST', async () => {
    const { sim, a, b } = pair();
    b.tcp.listen(80);
    const d = drops(sim);
    const replies = tcpSent(sim, 'b');
    const at = (ms: number, fn: () => void) => sim.at(ms * MILLISECOND, fn);
    at(1, () =>
      inject(a, B, SYN, (x) => {
        x[16] = x[16]! ^ 0xff;
        return x;
      }),
    );
    at(2, () =>
      inject(a, B, SYN, (x) => {
        x[12] = 0x30; // 3 words
        return x;
      }),
    );
    at(3, () => {
      // MSS option with length 3: checksum recomputed, so only the option is wrong.
      const bad = serializeTcp(
        { ...SYN, options: { unknown: [{ kind: 2, data: new Uint8Array(1) }] } },
        A,
        B,
      );
      a.ip.send({ protocol: 6, destination: B }, bad);
    });
    at(4, () => a.ip.send({ protocol: 6, destination: B }, new Uint8Array(10)));
    at(5, () => inject(a, B, { ...SYN, flags: TcpFlag.SYN | TcpFlag.FIN }));
    at(6, () => inject(a, B, { ...SYN, flags: TcpFlag.SYN | TcpFlag.RST }));
    await sim.run(SECOND);
    expect(d.map((e) => [e.node, e.reason])).toEqual([
      ['b', 'bad-checksum'],
      ['b', 'bad-offset'],
      ['b', 'bad-option'],
      ['b', 'malformed'],
      ['b', 'bad-flags'],
      ['b', 'bad-flags'],
    ]);
    expect(d[4]!.flags).toBe(TcpFlag.SYN | TcpFlag.FIN);
    expect(replies).toEqual([]);
    expect(b.tcp.connections()).toEqual([]);
  });

  it('a segment for a closed port gets a RST built from it (RFC 9293 §3.10.7.1)', async () => {
    const { sim, a, b } = pair();
    const replies = tcpSent(sim, 'b');
    const d = drops(sim);
    sim.at(0, () => inject(a, B, { ...SYN, destinationPort: 81, payload: new Uint8Array(5) }));
    sim.at(MILLISECOND, () =>
      inject(a, B, { ...SYN, destinationPort: 81, flags: TcpFlag.ACK, seq: 7, ack: 123456 }),
    );
    sim.at(2 * MILLISECOND, () => inject(a, B, { ...SYN, destinationPort: 81, flags: TcpFlag.RST }));
    await sim.run(SECOND);
    // No ACK: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> (SYN counts 1, data 5); with ACK: <SEQ=SEG.ACK><CTL=RST>.
    expect(replies).toEqual([
      { flags: 'ACK,RST', seq: 0, ack: 1006, dport: 5555 },
      { flags: 'RST', seq: 123456, ack: 0, dport: 5555 },
    ]);
    expect(d.filter((e) => e.node === 'b').map((e) => e.reason)).toEqual([
      'no-listener',
      'no-listener',
      'no-listener',
    ]);
    // a has no connection either: it drops the RSTs without answering them.
    expect(d.filter((e) => e.node === 'a').map((e) => [e.reason, e.flags & TcpFlag.RST])).toEqual([
      ['no-listener', TcpFlag.RST],
      ['no-listener', TcpFlag.RST],
    ]);
    void b;
  });
});

describe('segments aimed at an established connection', () => {
  async function established() {
    const net = pair();
    const { sim, a, b } = net;
    const l = b.tcp.listen(80);
    let server: TcpSocket | undefined;
    let client: TcpSocket | undefined;
    void l.accept().then((s) => (server = s));
    void a.tcp.connect('10.0.0.2', 80).then((s) => (client = s));
    await sim.run(SECOND);
    const c = client!;
    const snd = c.connection.sender;
    const rcv = c.connection.receiver;
    // The four-tuple and numbers the client would use next.
    const base = {
      sourcePort: c.localPort,
      destinationPort: 80,
      seq: snd.wire(snd.nxt),
      ack: rcv.nxtWire,
      window: 1000,
    };
    return { ...net, server: server!, client: c, base };
  }

  it('out-of-window data, an early RST, an in-window SYN, an ACK of unsent data: ACKed, dropped, harmless', async () => {
    const { sim, a, server, client, base } = await established();
    const d = drops(sim);
    const replies = tcpSent(sim, 'b');
    const t0 = sim.now;
    const at = (ms: number, init: TcpInit) => sim.at(t0 + ms * MILLISECOND, () => inject(a, B, init));
    at(1, { ...base, seq: (base.seq + 10_000_000) >>> 0, flags: TcpFlag.ACK, payload: new Uint8Array(100) });
    at(2, { ...base, seq: (base.seq + 1000) >>> 0, flags: TcpFlag.RST });
    at(3, { ...base, seq: (base.seq + 1000) >>> 0, flags: TcpFlag.SYN });
    at(4, { ...base, ack: (base.ack + 50_000) >>> 0, flags: TcpFlag.ACK });
    await sim.run(t0 + SECOND);
    expect(d.map((e) => e.reason)).toEqual([
      'out-of-window',
      'rst-out-of-window',
      'syn-in-window',
      'bad-ack',
    ]);
    // Each is answered with an ACK carrying the real numbers (a challenge ACK for RST and SYN).
    expect(replies.map((r) => [r.flags, r.seq, r.ack])).toEqual(
      Array.from({ length: 4 }, () => ['ACK', base.ack, base.seq]),
    );
    expect(server.state).toBe('ESTABLISHED');
    expect(client.state).toBe('ESTABLISHED');
    // ...and the connection still works.
    let got: Uint8Array | null = null;
    void server.read().then((x) => (got = x));
    void client.write(new Uint8Array([1, 2, 3]));
    await sim.run(t0 + 2 * SECOND);
    expect(got).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('a RST exactly at RCV.NXT does reset it', async () => {
    const { sim, a, server, base } = await established();
    let err: { code?: string } | undefined;
    void server.read().catch((e) => (err = e));
    sim.at(sim.now + MILLISECOND, () => inject(a, B, { ...base, flags: TcpFlag.RST }));
    await sim.run(sim.now + SECOND);
    expect(err?.code).toBe('connection-reset');
  });
});

describe('SYN flood', () => {
  it('fills only the backlog; the half-open entries expire and the listener serves again', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80, { backlog: 16 });
    const d = drops(sim);
    // 200 SYNs from spoofed, unroutable sources: the SYN-ACKs go nowhere.
    for (let i = 0; i < 200; i++) {
      const src = parseIpv4Address(`172.16.${i >> 8}.${(i & 255) + 1}`)!;
      sim.at(i * MILLISECOND, () =>
        inject(a, B, { ...SYN, sourcePort: 10_000 + i, seq: i * 7919 }, undefined, src),
      );
    }
    await sim.run(SECOND);
    expect(l.halfOpenCount).toBe(16);
    expect(b.tcp.connections().length).toBe(16);
    expect(d.filter((e) => e.reason === 'backlog-full').length).toBe(184);
    expect(l.synDrops).toBe(184);
    // A real client is turned away while the flood holds the backlog...
    let early: TcpSocket | undefined;
    void a.tcp.connect('10.0.0.2', 80).then((s) => (early = s));
    await sim.run(30 * SECOND);
    expect(early).toBeUndefined();
    // ...until the SYN-ACK retries (1+2+4+8+16+32 s) run out and the entries go.
    await sim.run(200 * SECOND);
    expect(l.halfOpenCount).toBe(0);
    expect(early?.state).toBe('ESTABLISHED');
    expect(l.pending).toBe(1);
  });
});
