/**
 * The 3-way handshake and the 4-way close exactly as the course notes draw them, on two
 * machines joined by a 10 ms wire: SYN seq=n; SYN-ACK seq=m ack=n+1; ACK ack=m+1; then
 * FIN, ACK (CLOSE_WAIT), FIN, ACK (TIME_WAIT) and the 2 MSL wait.
 */
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import { TcpPair } from './test-harness.ts';

const n = 1000;
const m = 5000;

describe('3-way handshake', () => {
  it('SYN seq=n; SYN-ACK seq=m ack=n+1; ACK seq=n+1 ack=m+1, with the states on each side', async () => {
    const p = new TcpPair({ issA: n, issB: m });
    p.connect();
    await p.run(SECOND);
    expect(p.wire.map((w) => [w.from, w.flags, w.seq, w.ack])).toEqual([
      ['A', 'SYN', n, 0],
      ['B', 'ACK,SYN', m, n + 1],
      ['A', 'ACK', n + 1, m + 1],
    ]);
    expect(p.wire.map((w) => w.time)).toEqual([0, 10 * MILLISECOND, 20 * MILLISECOND]);
    expect(p.a.states.map((s) => `${s.from}>${s.to}:${s.cause}`)).toEqual([
      'CLOSED>SYN-SENT:active-open',
      'SYN-SENT>ESTABLISHED:rcv-syn-ack',
    ]);
    expect(p.b.states.map((s) => `${s.from}>${s.to}:${s.cause}`)).toEqual([
      'LISTEN>SYN-RECEIVED:rcv-syn',
      'SYN-RECEIVED>ESTABLISHED:rcv-ack-of-syn',
    ]);
    // The client is established after one RTT, the server after one and a half.
    expect(p.a.states[1]!.time).toBe(20 * MILLISECOND);
    expect(p.b.states[1]!.time).toBe(30 * MILLISECOND);
  });

  it('negotiates MSS, window scale, SACK and timestamps in the SYNs', async () => {
    const p = new TcpPair();
    p.connect();
    await p.run(SECOND);
    const syn = p.wire[0]!.segment.options;
    expect(syn.mss).toBe(1460);
    expect(syn.sackPermitted).toBe(true);
    expect(syn.windowScale).toBe(3); // 256 KiB buffer >> 3 fits in 16 bits
    expect(syn.timestamps).toEqual({ value: 7, echoReply: 0 });
    const synAck = p.wire[1]!.segment.options;
    expect(synAck.timestamps).toEqual({ value: 99 + 10, echoReply: 7 });
    for (const c of [p.a.conn!, p.b.conn!]) {
      expect(c.sack).toBe(true);
      expect(c.timestamps).toBe(true);
      expect(c.windowScaling).toBe(true);
      expect(c.sender.mss).toBe(1460 - 12);
    }
  });

  it('leaves out what one side does not offer', async () => {
    const p = new TcpPair({ b: { sack: false, timestamps: false, windowScaling: false } });
    p.connect();
    await p.run(SECOND);
    expect(p.wire[1]!.segment.options).toEqual({ mss: 1460 });
    expect(p.a.conn!.sack || p.a.conn!.timestamps || p.a.conn!.windowScaling).toBe(false);
    expect(p.a.conn!.sender.mss).toBe(1460);
  });

  it('retransmits a lost SYN after the initial 1 s RTO, then a lost SYN-ACK', async () => {
    const dropped = new Set<string>();
    const p = new TcpPair({
      // The first SYN and the first SYN-ACK are lost.
      filter: (w) => {
        if ((w.flags === 'SYN' || w.flags === 'ACK,SYN') && !dropped.has(w.flags)) {
          dropped.add(w.flags);
          return 'drop';
        }
        return 'deliver';
      },
    });
    p.connect();
    await p.run(10 * SECOND);
    const times = p.wire.map((w) => [w.from, w.flags, w.time / MILLISECOND]);
    expect(times).toEqual([
      ['A', 'SYN', 0],
      ['A', 'SYN', 1000], // after the initial RTO of 1 s
      ['B', 'ACK,SYN', 1010], // lost
      ['B', 'ACK,SYN', 2010], // the server's own 1 s timer, before the client's next try (at 3000)
      ['A', 'ACK', 2020],
    ]);
    expect(p.a.conn!.state).toBe('ESTABLISHED');
    expect(p.b.conn!.state).toBe('ESTABLISHED');
  });
});

describe('4-way close', () => {
  it('FIN; ACK (CLOSE-WAIT); FIN; ACK (TIME-WAIT for 2 MSL, then CLOSED)', async () => {
    const p = new TcpPair({ a: { timeWait: 60 * SECOND } });
    p.connect();
    p.at(100 * MILLISECOND, 'A', (c, now) => c.close(now));
    // The server's application closes 50 ms after it read the end of the stream.
    p.at(160 * MILLISECOND, 'B', (c, now) => c.close(now));
    await p.run(100 * SECOND);
    const close = p.wire.slice(3).map((w) => [w.from, w.flags, w.seq, w.ack]);
    expect(close).toEqual([
      ['A', 'ACK,FIN', n + 1, m + 1],
      ['B', 'ACK', m + 1, n + 2],
      ['B', 'ACK,FIN', m + 1, n + 2],
      ['A', 'ACK', n + 2, m + 2],
    ]);
    expect(p.a.states.map((s) => [s.to, s.time / MILLISECOND])).toEqual([
      ['SYN-SENT', 0],
      ['ESTABLISHED', 20],
      ['FIN-WAIT-1', 100],
      ['FIN-WAIT-2', 120],
      ['TIME-WAIT', 170],
      ['CLOSED', 60_170],
    ]);
    expect(p.b.states.map((s) => [s.to, s.time / MILLISECOND])).toEqual([
      ['SYN-RECEIVED', 10],
      ['ESTABLISHED', 30],
      ['CLOSE-WAIT', 110],
      ['LAST-ACK', 160],
      ['CLOSED', 180],
    ]);
    expect(p.b.eof).toBe(true);
  });

  it('simultaneous close: both FIN-WAIT-1, both CLOSING, both TIME-WAIT', async () => {
    const p = new TcpPair();
    p.connect();
    p.at(100 * MILLISECOND, 'A', (c, now) => c.close(now));
    p.at(100 * MILLISECOND, 'B', (c, now) => c.close(now));
    await p.run(SECOND);
    for (const side of [p.a, p.b]) {
      expect(side.states.slice(-3).map((s) => s.to)).toEqual(['FIN-WAIT-1', 'CLOSING', 'TIME-WAIT']);
    }
    await p.run(100 * SECOND);
    expect(p.a.conn!.state).toBe('CLOSED');
    expect(p.b.conn!.state).toBe('CLOSED');
  });

  it('a lost last ACK: the FIN is retransmitted and TIME-WAIT answers it again', async () => {
    let lastAckDropped = false;
    const p = new TcpPair({
      filter: (w) => {
        if (!lastAckDropped && w.from === 'A' && w.flags === 'ACK' && w.ack === m + 2) {
          lastAckDropped = true;
          return 'drop';
        }
        return 'deliver';
      },
    });
    p.connect();
    p.at(100 * MILLISECOND, 'A', (c, now) => c.close(now));
    p.at(160 * MILLISECOND, 'B', (c, now) => c.close(now));
    await p.run(5 * SECOND);
    const fins = p.wire.filter((w) => w.from === 'B' && w.flags === 'ACK,FIN');
    expect(fins).toHaveLength(2);
    expect(p.b.conn!.state).toBe('CLOSED');
    expect(p.a.conn!.state).toBe('TIME-WAIT');
  });
});

describe('simultaneous open', () => {
  it('both sides send SYN; both go SYN-SENT > SYN-RECEIVED > ESTABLISHED', async () => {
    // Side B is made active too: its SYN crosses A's on the wire.
    const p = new TcpPair({ issA: n, issB: m });
    p.connect();
    const { TcpConnection } = await import('./tcp-connection.ts');
    const { resolveTcpConfig, TCP_DEFAULTS } = await import('./tcp-config.ts');
    p.b.conn = new TcpConnection({
      config: resolveTcpConfig({}, TCP_DEFAULTS, 1460),
      iss: m,
      tsOffset: 99,
      host: p.b,
    });
    p.b.conn.connect(0);
    p.b.rearm();
    await p.run(SECOND);
    for (const side of [p.a, p.b]) {
      expect(side.states.map((s) => s.to)).toEqual(['SYN-SENT', 'SYN-RECEIVED', 'ESTABLISHED']);
    }
    expect(p.wire.slice(0, 4).map((w) => [w.from, w.flags])).toEqual([
      ['A', 'SYN'],
      ['B', 'SYN'],
      ['B', 'ACK,SYN'], // A's SYN reached B first (it was sent first)
      ['A', 'ACK,SYN'],
    ]);
  });
});
