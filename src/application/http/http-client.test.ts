import { describe, expect, it } from 'vitest';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import { SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { ClientConnection, HttpRequestError, type HttpResult } from './client-connection.ts';
import { HttpClient, type HttpClientMode } from './http-client.ts';
import { Router } from './router.ts';
import { bytes, simServer, text } from './test-helpers.ts';

function site(getClock: () => { sleep(ns: number): Promise<void> }) {
  return new Router()
    .get('/slow', async () => {
      await getClock().sleep(2 * SECOND);
      return { body: 'slow' };
    })
    .get('/close', () => ({ headers: { Connection: 'close' }, body: 'bye' }))
    .get('/:name', (req) => ({ body: `page ${req.params.name}` }))
    .post('/echo', (req) => ({ body: text(req.body) }));
}

function setup(mode: HttpClientMode, maxConnectionsPerHost = 6) {
  let clockRef: { sleep(ns: number): Promise<void> } | undefined;
  const env = simServer(site(() => clockRef!));
  clockRef = env.clock;
  const client = new HttpClient({
    connect: async () => env.connect(),
    clock: env.clock,
    trace: env.sim.trace,
    node: 'laptop',
    mode,
    maxConnectionsPerHost,
  });
  return { ...env, client };
}

async function run<T>(sim: Simulator, work: Promise<T>): Promise<T> {
  await sim.run();
  return work;
}

const URL = (p: string) => `http://site.example${p}`;

describe('keep-alive', () => {
  it('reuses one connection for sequential requests', async () => {
    const { sim, client } = setup('keep-alive');
    const results = await run(
      sim,
      (async () => {
        const out: HttpResult[] = [];
        for (const p of ['/a', '/b', '/c']) out.push(await client.fetch(URL(p)));
        return out;
      })(),
    );
    expect(results.map((r) => [r.status, text(r.body), r.connection, r.exchange, r.reused])).toEqual([
      [200, 'page a', 1, 1, false],
      [200, 'page b', 1, 2, true],
      [200, 'page c', 1, 3, true],
    ]);
    expect(client.connectionsOpened).toBe(1);
    expect(results[0]!.request.headers.entries()).toEqual([
      ['Host', 'site.example'],
      ['User-Agent', 'netlab'],
    ]);
    const t = results[0]!.timing;
    expect(t.connectStart).toBeDefined();
    expect(results[1]!.timing.connectStart).toBeUndefined();
    expect(
      [t.queued, t.requestStart, t.requestSent, t.firstByte, t.headersDone, t.done].every((x) => x >= 0),
    ).toBe(true);
  });

  it('opens up to 6 connections for parallel requests, no more', async () => {
    const { sim, client } = setup('keep-alive');
    const results = await run(
      sim,
      Promise.all(Array.from({ length: 20 }, (_, i) => client.fetch(URL(`/r${i}`)))),
    );
    expect(results.map((r) => text(r.body))).toEqual(Array.from({ length: 20 }, (_, i) => `page r${i}`));
    expect(client.connectionsOpened).toBe(6);
    expect(new Set(results.map((r) => r.connection)).size).toBe(6);
  });
});

describe('HTTP/1.0', () => {
  it('opens a connection per request, and each closes after its response', async () => {
    const { sim, client } = setup('http1.0');
    const closes: TraceEventOf<'http.connection'>[] = [];
    sim.trace.on('http.connection', (e) => {
      if (e.phase === 'close' && e.side === 'server') closes.push(e);
    });
    const results = await run(
      sim,
      (async () => {
        const out: HttpResult[] = [];
        for (const p of ['/a', '/b', '/c']) out.push(await client.fetch(URL(p)));
        return out;
      })(),
    );
    expect(results.map((r) => [r.request.version, r.connection, r.reused, r.keptAlive])).toEqual([
      ['1.0', 1, false, false],
      ['1.0', 2, false, false],
      ['1.0', 3, false, false],
    ]);
    expect(results.every((r) => r.headers.get('connection') === 'close')).toBe(true);
    expect(client.connectionsOpened).toBe(3);
    expect(closes).toHaveLength(3);
  });
});

describe('pipelining', () => {
  it('sends all requests at once on one connection; the answers wait behind the slow first one', async () => {
    const { sim, client } = setup('pipelining', 1);
    const results = await run(sim, Promise.all(['/slow', '/a', '/b'].map((p) => client.fetch(URL(p)))));
    expect(results.map((r) => [text(r.body), r.exchange, r.connection])).toEqual([
      ['slow', 1, 1],
      ['page a', 2, 1],
      ['page b', 3, 1],
    ]);
    // All three requests left at t=0; every answer arrived at t=2s.
    expect(results.map((r) => r.timing.requestStart)).toEqual([0, 0, 0]);
    expect(results.map((r) => r.timing.firstByte)).toEqual([2 * SECOND, 2 * SECOND, 2 * SECOND]);
  });

  it('retries, on a new connection, the requests a closing server left unanswered', async () => {
    const { sim, client } = setup('pipelining', 1);
    const results = await run(sim, Promise.all(['/close', '/a', '/b'].map((p) => client.fetch(URL(p)))));
    expect(results.map((r) => [text(r.body), r.connection])).toEqual([
      ['bye', 1],
      ['page a', 2],
      ['page b', 2],
    ]);
    expect(client.connectionsOpened).toBe(2);
  });
});

describe('request bodies', () => {
  it('POSTs with Content-Length, and with Expect: 100-continue', async () => {
    const { sim, client } = setup('keep-alive');
    const [plain, expectContinue] = await run(
      sim,
      Promise.all([
        client.fetch(URL('/echo'), { method: 'POST', body: 'one' }),
        client.fetch(URL('/echo'), { method: 'POST', body: 'two', expectContinue: true }),
      ]),
    );
    expect(text(plain!.body)).toBe('one');
    expect(plain!.request.headers.get('content-length')).toBe('3');
    expect(text(expectContinue!.body)).toBe('two');
    expect(expectContinue!.informational.map((h) => h.status)).toEqual([100]);
    expect(expectContinue!.request.headers.get('expect')).toBe('100-continue');
  });
});

describe('servers that misbehave', () => {
  /** A raw server on the other end of a pipe that answers with `reply` and closes. */
  function rawServer(reply: string) {
    const sim = new Simulator();
    const clock = simClock(sim);
    const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
    void (async () => {
      await b.read();
      if (reply) await b.write(bytes(reply));
      b.close();
    })();
    return { sim, clock, stream: a as ByteStream };
  }

  it('an empty reply rejects as connection-closed with nothing received', async () => {
    const { sim, clock, stream } = rawServer('');
    const cc = new ClientConnection(stream, { clock });
    const outcome = cc.request({ target: '/', host: 'h' }).catch((e) => e);
    await sim.run();
    const e = await outcome;
    expect(e).toBeInstanceOf(HttpRequestError);
    expect(e).toMatchObject({ code: 'http-connection-closed', received: 0, retryable: true });
  });

  it('a truncated body rejects with how much was missing', async () => {
    const { sim, clock, stream } = rawServer('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhi');
    const cc = new ClientConnection(stream, { clock });
    const outcome = cc.request({ target: '/', host: 'h' }).catch((e) => e);
    await sim.run();
    const e = await outcome;
    expect(e).toMatchObject({
      code: 'http-connection-closed',
      retryable: false,
      partial: { bodyBytes: 2, remaining: 8 },
    });
  });

  it('a malformed response rejects as a protocol error', async () => {
    const { sim, clock, stream } = rawServer('HTTP/1.1 OK\r\n\r\n');
    const cc = new ClientConnection(stream, { clock });
    const outcome = cc.request({ target: '/', host: 'h' }).catch((e) => e);
    await sim.run();
    expect(await outcome).toMatchObject({ code: 'http-protocol-error' });
  });

  it('reads a close-delimited HTTP/1.0 body to the end', async () => {
    const { sim, clock, stream } = rawServer('HTTP/1.0 200 OK\r\nServer: old\r\n\r\nall the rest');
    const cc = new ClientConnection(stream, { clock });
    const outcome = cc.request({ target: '/', host: 'h' });
    await sim.run();
    const r = await outcome;
    expect(text(r.body)).toBe('all the rest');
    expect(r.keptAlive).toBe(false);
  });
});
