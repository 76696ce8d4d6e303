/**
 * The sender's and receiver's rules, one at a time, on two machines joined by a 10 ms wire:
 * Nagle, delayed ACKs, fast retransmit on the third duplicate ACK (NewReno and SACK), the
 * RTO with its backoff, window scaling, and the trace events the socket layer emits.
 */
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import type { TcpSocketOptions } from './tcp-config.ts';
import { TcpPair, type WireFilter } from './test-harness.ts';
import { pair } from './test-network.ts';

/** A connected pair; `send` writes from A at time `at`. */
async function connected(o: { a?: TcpSocketOptions; b?: TcpSocketOptions; filter?: WireFilter } = {}) {
  const p = new TcpPair(o);
  p.connect();
  await p.run(100 * MILLISECOND);
  const start = p.wire.length;
  return { p, start };
}

function dataSegments(p: TcpPair, from = 0) {
  return p.wire.slice(from).filter((w) => w.from === 'A' && w.len > 0);
}

describe('Nagle (RFC 9293 §3.7.4)', () => {
  it('with Nagle, small writes wait while data is unacknowledged; with TCP_NODELAY each goes at once', async () => {
    for (const noDelay of [false, true]) {
      const { p, start } = await connected({ a: { noDelay } });
      for (let i = 0; i < 20; i++)
        p.at(p.sim.now + i * MILLISECOND, 'A', (c, now) => c.write(new Uint8Array(10), now));
      await p.run(p.sim.now + SECOND);
      const segs = dataSegments(p, start);
      expect(segs.reduce((n, w) => n + w.len, 0)).toBe(200);
      if (noDelay) expect(segs.length).toBe(20);
      else {
        // The first goes alone; the other 19 are coalesced while it is in flight (one RTT = 20 ms).
        expect(segs.map((w) => w.len)).toEqual([10, 190]);
      }
    }
  });
});

describe('delayed ACKs (RFC 5681 §4.2)', () => {
  it('every second full-sized segment is acknowledged at once; a lone one after the 40 ms timer', async () => {
    const { p, start } = await connected({ a: { noDelay: true } });
    p.at(p.sim.now, 'A', (c, now) => c.write(new Uint8Array(1448 * 4), now));
    await p.run(p.sim.now + SECOND);
    const acks = p.wire.slice(start).filter((w) => w.from === 'B');
    const sentAt = dataSegments(p, start)[0]!.time;
    // Segments acknowledged by each ACK (A's data starts at ISS + 1 = 1001). The receiver
    // starts from a 536-byte MSS estimate (Linux's), so the first full segment is ACKed at
    // once; then every second one; the 4th, alone, waits for the delayed-ACK timer.
    expect(acks.map((w) => (w.ack - 1001) / 1448)).toEqual([1, 3, 4]);
    expect(acks[1]!.time).toBe(acks[0]!.time);
    expect(acks[2]!.time - sentAt).toBe(10 * MILLISECOND + 40 * MILLISECOND);
  });
});

describe('loss recovery', () => {
  /** Drops the `nth` data segment A sends (once). */
  const dropNth = (nth: number): WireFilter => {
    let seen = 0;
    return (w) => (w.from === 'A' && w.len > 0 && ++seen === nth ? 'drop' : 'deliver');
  };

  for (const sack of [false, true]) {
    it(`a lost segment is resent after three duplicate ACKs, long before the RTO (SACK ${sack ? 'on' : 'off'})`, async () => {
      const { p, start } = await connected({ a: { sack, noDelay: true }, b: { sack }, filter: dropNth(3) });
      p.at(p.sim.now, 'A', (c, now) => c.write(new Uint8Array(1448 * 20), now));
      await p.run(p.sim.now + 5 * SECOND);
      const segs = dataSegments(p, start);
      const lost = segs[2]!;
      const again = segs.filter((w) => w.seq === lost.seq);
      expect(again).toHaveLength(2);
      // The retransmission follows the third duplicate ACK: one RTT after the loss, not 1 s.
      expect(again[1]!.time - lost.time).toBeLessThan(40 * MILLISECOND);
      const dups = p.wire.filter((w) => w.from === 'B' && w.ack === lost.seq && w.time < again[1]!.time);
      expect(dups.length).toBeGreaterThanOrEqual(3);
      if (sack) expect(dups.at(-1)!.segment.options.sack).toBeDefined();
      expect(p.a.retransmits).toBe(1);
      expect(p.b.bytes().length).toBe(1448 * 20);
    });
  }

  it('the last segment lost: no duplicate ACKs, so the RTO resends it, and doubles when it is lost again', async () => {
    let drops = 0;
    const { p, start } = await connected({
      a: { noDelay: true },
      filter: (w) => (w.from === 'A' && w.len === 100 && drops++ < 2 ? 'drop' : 'deliver'),
    });
    p.at(p.sim.now, 'A', (c, now) => c.write(new Uint8Array(100), now));
    await p.run(p.sim.now + 5 * SECOND);
    const tries = dataSegments(p, start).map((w) => w.time);
    expect(tries).toHaveLength(3);
    // The handshake gave an RTT sample, so the RTO is max(200 ms, SRTT + 4 RTTVAR).
    const gap1 = tries[1]! - tries[0]!;
    const gap2 = tries[2]! - tries[1]!;
    expect(gap1).toBeGreaterThanOrEqual(200 * MILLISECOND);
    expect(gap2).toBe(2 * gap1); // RFC 6298 §5.5 backoff
    expect(p.b.bytes().length).toBe(100);
  });
});

describe('window scaling (RFC 7323)', () => {
  it('a 4 MiB receive buffer is offered through a scaled 16-bit field', async () => {
    const { p } = await connected({ b: { receiveBuffer: 4 << 20 } });
    const synAck = p.wire[1]!;
    expect(synAck.segment.options.windowScale).toBe(7);
    expect(synAck.window).toBe(65535); // unscaled in the SYN
    expect(p.a.conn!.sender.wnd).toBe(65535); // the SYN-ACK's window, not scaled yet
    p.at(p.sim.now, 'A', (c, now) => c.write(new Uint8Array(1000), now));
    await p.run(p.sim.now + SECOND);
    const later = p.wire.filter((w) => w.from === 'B').at(-1)!;
    expect(later.window).toBe((4 << 20) >> 7);
    expect(p.a.conn!.sender.wnd).toBe(4 << 20);
  });
});

describe('trace events', () => {
  it('state changes, retransmissions with their reason, cwnd and RTT samples are traced', async () => {
    const { sim, a, b, wire } = pair({ delay: 10 * MILLISECOND });
    const ev = {
      state: [] as TraceEventOf<'tcp.state'>[],
      rexmit: [] as TraceEventOf<'tcp.retransmit'>[],
      cwnd: [] as TraceEventOf<'tcp.cwnd'>[],
      rtt: [] as TraceEventOf<'tcp.rtt'>[],
    };
    sim.trace.on('tcp.state', (e) => ev.state.push(e));
    sim.trace.on('tcp.retransmit', (e) => ev.rexmit.push(e));
    sim.trace.on('tcp.cwnd', (e) => ev.cwnd.push(e));
    sim.trace.on('tcp.rtt', (e) => ev.rtt.push(e));
    const l = b.tcp.listen(80);
    void l.accept().then(async (s) => {
      for (let d = await s.read(); d; d = await s.read());
      s.close();
    });
    void a.tcp.connect('10.0.0.2', 80).then(async (c) => {
      await c.write(new Uint8Array(3_000_000));
      c.close();
    });
    sim.at(60 * MILLISECOND, () => (wire.loss = 0.05));
    sim.at(2 * SECOND, () => (wire.loss = 0));
    await sim.run(100 * SECOND);
    expect(ev.state.filter((e) => e.node === 'a').map((e) => `${e.from}>${e.to}:${e.cause}`)).toEqual([
      'CLOSED>SYN-SENT:active-open',
      'SYN-SENT>ESTABLISHED:rcv-syn-ack',
      'ESTABLISHED>FIN-WAIT-1:close',
      'FIN-WAIT-1>FIN-WAIT-2:rcv-ack-of-fin',
      'FIN-WAIT-2>TIME-WAIT:rcv-fin',
      'TIME-WAIT>CLOSED:timeout',
    ]);
    expect(ev.state[0]!.local.address).toBe('10.0.0.1');
    expect(ev.state[0]!.remote).toEqual({ address: '10.0.0.2', port: 80 });
    expect(ev.rexmit.length).toBeGreaterThan(0);
    expect(new Set(ev.rexmit.map((e) => e.reason)).has('fast')).toBe(true);
    for (const e of ev.rexmit) expect(['rto', 'fast', 'sack']).toContain(e.reason);
    expect(ev.cwnd.length).toBeGreaterThan(10);
    expect(ev.cwnd.some((e) => Number.isFinite(e.ssthresh))).toBe(true); // a loss set ssthresh
    expect(ev.rtt.length).toBeGreaterThan(10);
    expect(ev.rtt[0]!.sample).toBeGreaterThanOrEqual(20 * MILLISECOND);
  });
});
