/**
 * HTTP/2 over the simulated network: real TCP (src/transport/tcp) between two hosts,
 * 10 ms round trip. One connection carries a page and its subresources, multiplexed; a
 * slow first resource does not delay the others (no HTTP-level head-of-line blocking);
 * with loss on the link everything still arrives, but a lost segment stalls all streams
 * behind it — TCP's own head-of-line blocking, which HTTP/2 cannot avoid.
 */
import { describe, expect, it } from 'vitest';
import { simClock } from '../../sim/clock.ts';
import { MILLISECOND } from '../../sim/time.ts';
import { pair } from '../../transport/tcp/test-network.ts';
import { connectHttp2, type H2ClientResponse } from './client.ts';
import { serveHttp2 } from './server.ts';
import './trace-events.ts';

const RESOURCES = ['/style.css', '/app.js', '/logo.png', '/font.woff2', '/data.json', '/extra.js'];

async function load(options: { loss?: number; slowFirst?: boolean; seed?: number }) {
  const { sim, a, b } = pair({ loss: options.loss ?? 0 }, options.seed ?? 1);
  const clock = simClock(sim);
  const deferred = <T>() => sim.deferred<T>();
  // TCP_NODELAY, as every HTTP/2 implementation sets it: small frames must not wait for
  // the ACK of the previous segment (Nagle) while the peer delays its ACKs.
  const listener = b.tcp.listen(80, { noDelay: true });
  const frames: string[] = [];
  sim.trace.on('h2.frame', (e) => frames.push(`${e.side} ${e.direction} ${e.frameType} ${e.streamId}`));
  void (async () => {
    const s = await listener.accept();
    serveHttp2(s, {
      clock,
      deferred,
      trace: { bus: sim.trace, node: 'b', connection: 1 },
      handler: async (req) => {
        if (options.slowFirst && req.path === RESOURCES[0]) await sim.sleep(300 * MILLISECOND);
        return { status: 200, body: new Uint8Array(req.path === '/' ? 4000 : 20_000).fill(7) };
      },
    });
  })();
  const result = (async () => {
    const socket = await a.tcp.connect('10.0.0.2', 80, { noDelay: true });
    const client = connectHttp2(socket, {
      clock,
      deferred,
      authority: '10.0.0.2',
      trace: { bus: sim.trace, node: 'a', connection: 1 },
    });
    const page = await client.request({ path: '/' });
    const subs = await Promise.all(RESOURCES.map((path) => client.request({ path })));
    await client.close();
    return { page, subs, connections: a.tcp.connections().length };
  })();
  await sim.run();
  return { ...(await result), frames, now: sim.now };
}

const ends = (rs: H2ClientResponse[]) => rs.map((r) => r.timing.end);

describe('HTTP/2 over simulated TCP', () => {
  it('loads a page and six subresources on one TCP connection, multiplexed', async () => {
    const r = await load({});
    expect(r.page.status).toBe(200);
    expect(r.subs.map((s) => [s.status, s.body.length])).toEqual(RESOURCES.map(() => [200, 20_000]));
    expect(r.connections).toBe(1);
    // All six requests went out back to back, before any of their responses came.
    const sent = r.subs.map((s) => s.timing.sent!);
    expect(Math.max(...sent) - Math.min(...sent)).toBe(0);
    expect(Math.min(...r.subs.map((s) => s.timing.firstByte))).toBeGreaterThan(Math.max(...sent));
    // ARP, then the TCP handshake, then the request: the page is complete after 3 round
    // trips of 10 ms; the six subresources (120 kB) after at most 4 more, slow start included.
    expect(r.page.timing.end).toBeLessThan(31 * MILLISECOND);
    for (const s of r.subs) expect(s.timing.end - s.timing.sent!).toBeLessThan(40 * MILLISECOND);
    // The server sends non-incremental responses one after another (RFC 9218 §10), so the
    // first finishes first: after two round trips, its 20 kB being more than TCP's initial
    // window of 10 segments.
    expect(ends(r.subs)).toEqual([...ends(r.subs)].sort((x, y) => x - y));
    expect(r.subs[0]!.timing.end - r.subs[0]!.timing.sent!).toBeLessThan(21 * MILLISECOND);
    expect(r.frames.filter((f) => f.startsWith('client sent HEADERS')).length).toBe(7);
  });

  it('a slow first resource does not hold the others back', async () => {
    const r = await load({ slowFirst: true });
    const [slow, ...rest] = r.subs;
    expect(slow!.timing.end - slow!.timing.sent!).toBeGreaterThan(300 * MILLISECOND);
    for (const s of rest) expect(s.timing.end - s.timing.sent!).toBeLessThan(40 * MILLISECOND);
    expect(Math.max(...ends(rest))).toBeLessThan(slow!.timing.end - 250 * MILLISECOND);
  });

  it('with 5 % loss everything arrives intact, but later than without', async () => {
    const clean = await load({});
    const lossy = await load({ loss: 0.05, seed: 3 });
    expect(lossy.subs.map((s) => s.body.length)).toEqual(RESOURCES.map(() => 20_000));
    expect(lossy.subs.every((s) => s.body.every((x) => x === 7))).toBe(true);
    expect(Math.max(...ends(lossy.subs))).toBeGreaterThan(Math.max(...ends(clean.subs)));
  });
});
