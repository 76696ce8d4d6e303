/**
 * Sockets over real simulated nodes: blocking, non-blocking and readiness use, errors
 * (refused, reset, unreachable, timed out), TIME-WAIT bookkeeping, flow control with a
 * zero window, path MTU discovery.
 */
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../bytes/concat.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import type { StreamError } from '../byte-stream.ts';
import { WOULD_BLOCK } from '../pollable.ts';
import type { TcpSocket } from './tcp-socket.ts';
import { pair, path } from './test-network.ts';

function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

async function readAll(s: TcpSocket): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const d = await s.read();
    if (d === null) break;
    parts.push(d);
  }
  return concatBytes(parts);
}

describe('blocking-style sockets', () => {
  it('echo: bytes come back in order, endpoints are dotted quads', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(7);
    void (async () => {
      const s = await l.accept();
      expect(s.local).toEqual({ address: '10.0.0.2', port: 7 });
      expect(s.remote.address).toBe('10.0.0.1');
      for (let d = await s.read(); d !== null; d = await s.read()) await s.write(d);
      await s.end();
    })();
    const data = pattern(200_000);
    let got: Uint8Array | undefined;
    let client: TcpSocket | undefined;
    void (async () => {
      client = await a.tcp.connect('10.0.0.2', 7);
      const reader = readAll(client);
      await client.write(data);
      await client.end();
      got = await reader;
      client.close();
    })();
    await sim.run(30 * SECOND);
    expect(got).toEqual(data);
    expect(client!.remote).toEqual({ address: '10.0.0.2', port: 7 });
    expect(client!.local.port).toBeGreaterThanOrEqual(32768);
  });

  it('connect to a closed port is refused by a RST (and traced as no-listener)', async () => {
    const { sim, a, b } = pair();
    const drops: TraceEventOf<'tcp.drop'>[] = [];
    sim.trace.on('tcp.drop', (e) => drops.push(e));
    let err: StreamError | undefined;
    a.tcp.connect('10.0.0.2', 9999).catch((e) => (err = e));
    await sim.run(SECOND);
    expect(err?.code).toBe('connection-refused');
    expect(err?.message).toBe('Connection refused');
    expect(drops.map((d) => [d.node, d.reason, d.destinationPort])).toEqual([['b', 'no-listener', 9999]]);
    expect(a.tcp.connections()).toEqual([]);
    void b;
  });

  it('connect without a route fails at once; to a silent neighbour after ARP gives up', async () => {
    const { sim, a } = pair();
    await expect(a.tcp.connect('192.168.9.9', 80)).rejects.toMatchObject({ code: 'unreachable' });
    let err: StreamError | undefined;
    let at = 0;
    a.tcp.connect('10.0.0.77', 80).catch((e) => {
      err = e;
      at = sim.now;
    });
    await sim.run(60 * SECOND);
    expect(err?.code).toBe('unreachable');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(10 * SECOND);
  });

  it('connect times out when SYNs are lost: 6 retries, 1+2+4+8+16+32+64 s', async () => {
    const { sim, a, b } = pair();
    b.ip.filters.input.push((packet) => (packet[9] === 6 ? 'drop' : 'accept')); // a firewall eats TCP
    let err: StreamError | undefined;
    let at = 0;
    a.tcp.connect('10.0.0.2', 80).catch((e) => {
      err = e;
      at = sim.now;
    });
    await sim.run(300 * SECOND);
    expect(err?.code).toBe('timed-out');
    expect(at).toBe(127 * SECOND);
  });

  it('abort() resets: the peer reads fail with connection-reset', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    let err: StreamError | undefined;
    void (async () => {
      const s = await l.accept();
      await s.read().catch((e) => (err = e));
    })();
    void (async () => {
      const c = await a.tcp.connect('10.0.0.2', 80);
      await sim.sleep(100 * MILLISECOND);
      c.abort();
    })();
    await sim.run(SECOND);
    expect(err?.code).toBe('connection-reset');
    expect(b.tcp.connections()).toEqual([]);
    expect(a.tcp.connections()).toEqual([]);
  });

  it('close() with unread data sends a RST instead of a FIN', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    const states: string[] = [];
    sim.trace.on('tcp.state', (e) => states.push(`${e.node}:${e.to}:${e.cause}`));
    let err: StreamError | undefined;
    void (async () => {
      const s = await l.accept();
      await sim.sleep(100 * MILLISECOND);
      s.close(); // never read the 10 bytes
    })();
    void (async () => {
      const c = await a.tcp.connect('10.0.0.2', 80);
      await c.write(new Uint8Array(10));
      await c.read().catch((e) => (err = e));
    })();
    await sim.run(SECOND);
    expect(err?.code).toBe('connection-reset');
    expect(states).toContain('b:CLOSED:abort');
    expect(states).toContain('a:CLOSED:rcv-rst');
  });
});

describe('TIME-WAIT', () => {
  it('the side that closes first is listed in TIME-WAIT for 2 MSL, then forgotten', async () => {
    const { sim, a, b } = pair();
    b.tcp.defaults.timeWait = 10 * SECOND;
    const l = b.tcp.listen(80);
    void (async () => {
      const s = await l.accept();
      await readAll(s);
      s.close();
    })();
    void (async () => {
      const c = await a.tcp.connect('10.0.0.2', 80, { timeWait: 30 * SECOND });
      await c.write(new Uint8Array(1000));
      c.close();
    })();
    await sim.run(2 * SECOND);
    expect(a.tcp.connections().map((s) => s.state)).toEqual(['TIME-WAIT']);
    expect(b.tcp.connections()).toEqual([]);
    await sim.run(31 * SECOND);
    expect(a.tcp.connections()).toEqual([]);
  });
});

describe('non-blocking style and readiness', () => {
  it('tryRead and tryWrite return WOULD_BLOCK instead of waiting', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    expect(l.tryAccept()).toBe(WOULD_BLOCK);
    const c = a.tcp.open('10.0.0.2', 80, { sendBuffer: 4096 });
    expect(c.state).toBe('SYN-SENT');
    expect(c.writable).toBe(true); // bytes may be queued before the handshake ends
    await sim.run(100 * MILLISECOND);
    const s = l.tryAccept();
    expect(s).not.toBe(WOULD_BLOCK);
    const server = s as TcpSocket;
    expect(server.tryRead()).toBe(WOULD_BLOCK);
    expect(server.readable).toBe(false);
    let taken = 0;
    for (;;) {
      const n = c.tryWrite(new Uint8Array(1000));
      if (n === WOULD_BLOCK) break;
      taken += n;
    }
    expect(taken).toBe(4096);
    expect(c.writable).toBe(false);
    await sim.run(200 * MILLISECOND);
    expect(server.readable).toBe(true);
    const got = server.tryRead() as Uint8Array;
    expect(got.length).toBe(4096);
    expect(c.writable).toBe(true);
  });

  it('watchers see readiness changes, outside the protocol processing', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    const seen: string[] = [];
    l.watch(() => {
      const s = l.tryAccept();
      if (s === WOULD_BLOCK) return;
      seen.push(`accept@${sim.now / MILLISECOND}`);
      s.watch(() => {
        const d = s.tryRead();
        if (d === WOULD_BLOCK) return;
        seen.push(d === null ? 'eof' : `read ${d.length}`);
      });
    });
    void (async () => {
      const c = await a.tcp.connect('10.0.0.2', 80);
      await c.write(new Uint8Array(300));
      await c.end();
    })();
    await sim.run(SECOND);
    expect(seen[0]).toMatch(/^accept@25\.\d+$/); // ARP (1 RTT), then SYN, SYN-ACK, ACK (1.5 RTT)
    expect(seen.slice(1)).toEqual(['read 300', 'eof']);
  });
});

describe('flow control', () => {
  it('a reader that stops fills the window; zero-window probes keep the sender alive until it reads', async () => {
    const { sim, a, b } = pair();
    const drops: string[] = [];
    sim.trace.on('tcp.drop', (e) => drops.push(e.reason));
    const l = b.tcp.listen(80, { receiveBuffer: 20_000 });
    const data = pattern(100_000, 9);
    let got: Uint8Array | undefined;
    void (async () => {
      const s = await l.accept();
      await sim.sleep(3 * SECOND); // the application is busy
      got = await readAll(s);
    })();
    let sender: TcpSocket | undefined;
    void (async () => {
      sender = await a.tcp.connect('10.0.0.2', 80);
      await sender.write(data);
      await sender.end();
    })();
    await sim.run(2 * SECOND);
    expect(sender!.info().sendWindow).toBe(0);
    await sim.run(20 * SECOND);
    expect(got).toEqual(data);
    expect(drops).toContain('zero-window');
  });
});

describe('path MTU discovery', () => {
  it('a smaller MTU behind a router: DF segments bounce, MSS shrinks, data arrives', async () => {
    const { sim, a, b } = path(1000);
    const icmp: number[] = [];
    sim.trace.on('icmp.error', (e) => icmp.push(e.code));
    const l = b.tcp.listen(80);
    const data = pattern(50_000, 3);
    let got: Uint8Array | undefined;
    void (async () => {
      got = await readAll(await l.accept());
    })();
    let c: TcpSocket | undefined;
    void (async () => {
      // Both ends announce MSS 1460; only the router's port towards b has a 1000-byte MTU.
      c = await a.tcp.connect('10.0.2.1', 80);
      await c.write(data);
      await c.end();
    })();
    await sim.run(10 * SECOND);
    expect(got).toEqual(data);
    expect(c!.info().mss).toBe(960 - 12);
    expect(icmp[0]).toBe(4); // fragmentation needed
  });
});

describe('data after close', () => {
  it('new data reaching a socket the application closed is answered with a RST (RFC 1122 §4.2.2.13)', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    const states: string[] = [];
    sim.trace.on('tcp.state', (e) => states.push(`${e.node}:${e.to}:${e.cause}`));
    let err: StreamError | undefined;
    void l.accept().then((s) => s.close()); // closes at once, reads nothing
    void a.tcp.connect('10.0.0.2', 80).then(async (c) => {
      await sim.sleep(100 * MILLISECOND); // the server's FIN has arrived: CLOSE-WAIT
      await c.write(new Uint8Array(500));
      expect(await c.read()).toBe(null); // the FIN came first
      await sim.sleep(100 * MILLISECOND); // then the RST in answer to the 500 bytes
      await c.write(new Uint8Array(1)).catch((e) => (err = e));
    });
    await sim.run(5 * SECOND);
    expect(states).toContain('b:CLOSED:abort');
    expect(states).toContain('a:CLOSED:rcv-rst');
    expect(err?.code).toBe('connection-reset');
  });
});

describe('writing before the handshake ends', () => {
  it('data and end() on a connecting socket go out once it is established, FIN last', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    let got: Uint8Array | undefined;
    void l.accept().then(async (s) => (got = await readAll(s)));
    const c = a.tcp.open('10.0.0.2', 80);
    void c.write(pattern(5000, 4));
    void c.end();
    expect(c.state).toBe('SYN-SENT');
    await sim.run(SECOND);
    expect(got).toEqual(pattern(5000, 4));
  });
});

describe('a connection to the node itself', () => {
  it('goes through the loopback path of the IPv4 stack', async () => {
    const { sim, a } = pair();
    const l = a.tcp.listen(7, { address: '10.0.0.1' });
    let got: Uint8Array | undefined;
    void l.accept().then(async (s) => (got = await readAll(s)));
    void a.tcp.connect('10.0.0.1', 7).then(async (c) => {
      await c.write(pattern(100_000, 5));
      c.close();
    });
    await sim.run(5 * SECOND);
    expect(got).toEqual(pattern(100_000, 5));
    expect(() => a.tcp.listen(7)).toThrow(/Address already in use/);
  });
});
