/**
 * The HTTP/2 server and client adapters over an in-memory pipe: many concurrent
 * streams, bodies far larger than the windows, push and the push cache, resets, GOAWAY,
 * the concurrency limit, and a hostile peer that never crashes the server. One test
 * runs inside a Simulator to check the timing marks in simulated time.
 */
import { describe, expect, it } from 'vitest';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Clock } from '../../sim/clock.ts';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MILLISECOND } from '../../sim/time.ts';
import '../../sim/trace.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { connectHttp2, type H2ClientOptions } from './client.ts';
import { Http2Connection } from './connection.ts';
import { ErrorCode } from './error-codes.ts';
import { Http2Session } from './session.ts';
import { serializeFrame } from './frame-codec.ts';
import { framesIn } from './test-helpers.ts';
import { type H2Handler, type H2ServerOptions, serveHttp2 } from './server.ts';
import { CLIENT_PREFACE } from './preface.ts';

const realTime: Clock = {
  now: () => 0,
  sleep: () => Promise.resolve(),
  setTimer: () => () => {},
};

function start(
  handler: H2Handler,
  server: Partial<H2ServerOptions> = {},
  client: Partial<H2ClientOptions> = {},
) {
  const { a, b } = memoryPipe();
  const srv = serveHttp2(b, { clock: realTime, handler, ...server });
  const cli = connectHttp2(a, { clock: realTime, authority: 'example.test', ...client });
  return { srv, cli };
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('HTTP/2 server and client over a memory pipe', () => {
  it('fetches a page', async () => {
    const { cli, srv } = start((req) => ({
      status: 200,
      headers: { 'content-type': 'text/plain' },
      body: `you asked for ${req.path} with ${req.method}`,
    }));
    const r = await cli.request({ path: '/hello' });
    expect(r.status).toBe(200);
    expect(r.header('content-type')).toBe('text/plain');
    expect(r.header('content-length')).toBe('29');
    expect(text(r.body)).toBe('you asked for /hello with GET');
    await cli.close();
    await srv.closed;
  });

  it('multiplexes 200 concurrent requests on one connection, beyond the server’s stream limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const { cli } = start(
      async (req) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, 1));
        inFlight--;
        return { status: 200, body: req.path.repeat(100) };
      },
      { connection: { settings: { maxConcurrentStreams: 20 } } },
    );
    const paths = Array.from({ length: 200 }, (_, i) => `/item/${i}`);
    const rs = await Promise.all(paths.map((path) => cli.request({ path })));
    expect(rs.map((r) => text(r.body))).toEqual(paths.map((p) => p.repeat(100)));
    expect(new Set(rs.map((r) => r.streamId)).size).toBe(200);
    expect(peak).toBe(20); // never more than the server's SETTINGS_MAX_CONCURRENT_STREAMS
    // Before the server's SETTINGS arrived the client assumed 100 (like nghttp2): the server
    // refused 80 of those with REFUSED_STREAM, and the client sent them again later.
    expect(cli.conn.streamsOpened).toBe(280);
  });

  it('moves bodies much larger than every window, both ways, intact', async () => {
    const big = new Uint8Array(3_000_000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7 + (i >> 11)) & 0xff;
    const { cli } = start(
      async (req) => {
        const body = await req.body();
        return { status: 200, body: body.slice().reverse() };
      },
      { maxRequestBody: 4_000_000 },
    );
    const r = await cli.request({ method: 'POST', path: '/echo', body: big });
    expect(r.body.length).toBe(big.length);
    let mismatches = 0;
    for (let i = 0; i < big.length; i++) if (r.body[big.length - 1 - i] !== big[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('answers a body above the limit with 413 and stops the upload with RST_STREAM NO_ERROR', async () => {
    const { cli, srv } = start(async (req) => ({ status: 200, body: String((await req.body()).length) }), {
      maxRequestBody: 100_000,
    });
    const r = await cli.request({ method: 'POST', path: '/upload', body: new Uint8Array(2_000_000) });
    expect(r.status).toBe(413);
    expect(srv.conn.state).toBe('open');
    expect((await cli.request({ path: '/next' })).status).toBe(200);
  });

  it('streams a generated body with back-pressure and trailers', async () => {
    let produced = 0;
    const { cli } = start(() => ({
      status: 200,
      body: (async function* () {
        for (let i = 0; i < 100; i++) {
          produced++;
          yield new Uint8Array(10_000).fill(i);
        }
      })(),
      trailers: [{ name: 'x-done', value: 'yes' }],
    }));
    const r = await cli.request({ path: '/stream', headers: { te: 'trailers' } });
    expect(produced).toBe(100);
    expect(r.body.length).toBe(1_000_000);
    expect(r.body[999_999]).toBe(99);
    expect(r.trailers).toEqual([{ name: 'x-done', value: 'yes' }]);
  });

  it('pushes the resources a page lists; later requests are served from the push cache', async () => {
    const files: Record<string, string> = {
      '/index.html': '<link rel=stylesheet href=/style.css><script src=/app.js></script>',
      '/style.css': 'body { color: teal }',
      '/app.js': 'console.log(1)',
    };
    const seen: string[] = [];
    const { cli } = start((req) => {
      seen.push(`${req.pushed ? 'push ' : ''}${req.path}`);
      return {
        status: 200,
        body: files[req.path] ?? '',
        push: req.path === '/index.html' ? ['/style.css', '/app.js'] : undefined,
      };
    });
    const page = await cli.request({ path: '/index.html' });
    expect(page.pushed).toBe(false);
    expect(cli.pushCache.paths().sort()).toEqual(['/app.js', '/style.css']);
    const [css, js] = await Promise.all([
      cli.request({ path: '/style.css' }),
      cli.request({ path: '/app.js' }),
    ]);
    expect([css.pushed, js.pushed]).toEqual([true, true]);
    expect(text(css.body)).toBe(files['/style.css']);
    expect(text(js.body)).toBe(files['/app.js']);
    expect(seen).toEqual(['/index.html', 'push /style.css', 'push /app.js']);
    expect(cli.conn.streamsOpened).toBe(3); // one request stream, two pushed
    const again = await cli.request({ path: '/style.css' }); // a push is used once
    expect(again.pushed).toBe(false);
  });

  it('with push disabled the same page costs a request per resource', async () => {
    const { cli } = start(
      (req) => ({ status: 200, body: 'x', push: req.path === '/' ? ['/a.css'] : undefined }),
      {},
      { enablePush: false },
    );
    await cli.request({ path: '/' });
    expect(cli.pushCache.size).toBe(0);
    const css = await cli.request({ path: '/a.css' });
    expect(css.pushed).toBe(false);
  });

  it('a reset stream fails alone; the others complete', async () => {
    const { cli, srv } = start(async (req) => {
      if (req.path === '/slow') await new Promise((r) => setTimeout(r, 20));
      return { status: 200, body: req.path };
    });
    const slow = cli.request({ path: '/slow' });
    const fast = cli.request({ path: '/fast' });
    await new Promise((r) => setTimeout(r, 5));
    cli.conn.resetStream(1, ErrorCode.CANCEL);
    cli.session.kick();
    await expect(slow).rejects.toMatchObject({
      code: 'h2-stream-reset',
      details: { errorCode: ErrorCode.CANCEL },
    });
    expect(text((await fast).body)).toBe('/fast');
    expect(srv.conn.state).toBe('open');
  });

  it('HEAD gets headers without a body, 204 gets neither', async () => {
    const { cli } = start((req) =>
      req.path === '/empty' ? { status: 204 } : { status: 200, body: 'twelve bytes' },
    );
    const head = await cli.request({ method: 'HEAD', path: '/' });
    expect([head.status, head.header('content-length'), head.body.length]).toEqual([200, '12', 0]);
    const none = await cli.request({ path: '/empty' });
    expect([none.status, none.body.length, none.header('content-length')]).toEqual([204, 0, undefined]);
  });

  it('a handler that throws gives a 500, and the connection goes on', async () => {
    const { cli } = start((req) => {
      if (req.path === '/boom') throw new Error('boom');
      return { status: 200, body: 'fine' };
    });
    expect((await cli.request({ path: '/boom' })).status).toBe(500);
    expect((await cli.request({ path: '/ok' })).status).toBe(200);
  });

  it('graceful close: requests in flight finish, new ones are refused', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { cli, srv } = start(async () => {
      await gate;
      return { status: 200, body: 'late but complete' };
    });
    const inFlight = cli.request({ path: '/' });
    await new Promise((r) => setTimeout(r, 5));
    const closing = srv.close();
    await new Promise((r) => setTimeout(r, 5));
    await expect(cli.request({ path: '/after' })).rejects.toMatchObject({ code: 'h2-refused' });
    release();
    expect(text((await inFlight).body)).toBe('late but complete');
    await closing;
    await cli.closed;
  });

  it('a hostile client gets GOAWAY and the server connection ends cleanly', async () => {
    const { a, b } = memoryPipe();
    const srv = serveHttp2(b, { clock: realTime, handler: () => ({ status: 200 }) });
    await a.write(CLIENT_PREFACE);
    await a.write(serializeFrame({ type: 'SETTINGS', ack: false, settings: [] }));
    // DATA on an idle stream: a connection error of type PROTOCOL_ERROR.
    await a.write(serializeFrame({ type: 'DATA', streamId: 7, endStream: false, data: new Uint8Array(3) }));
    const got: number[] = [];
    for (let chunk = await a.read(); chunk !== null; chunk = await a.read()) got.push(...chunk);
    const frames = framesIn(new Uint8Array(got));
    expect(frames.at(-1)).toMatchObject({
      type: 'GOAWAY',
      errorCode: ErrorCode.PROTOCOL_ERROR,
      lastStreamId: 0,
    });
    await srv.closed;
  });

  it('a client that goes away mid-response does not hurt the server', async () => {
    const { a, b } = memoryPipe();
    let sentChunks = 0;
    const srv = serveHttp2(b, {
      clock: realTime,
      handler: () => ({
        status: 200,
        body: (async function* () {
          for (;;) {
            sentChunks++;
            yield new Uint8Array(1000);
            await new Promise((res) => setTimeout(res, 1));
          }
        })(),
      }),
    });
    const cli = connectHttp2(a, { clock: realTime, authority: 'x' });
    const r = cli.request({ path: '/' });
    await new Promise((res) => setTimeout(res, 20));
    expect(sentChunks).toBeGreaterThan(1);
    a.abort();
    await expect(r).rejects.toBeInstanceOf(NetlabError);
    await srv.closed;
  });
});

describe('HTTP/2 session robustness', () => {
  it('a callback that throws ends the connection with GOAWAY INTERNAL_ERROR, not an unhandled rejection', async () => {
    const { a, b } = memoryPipe();
    const conn = new Http2Connection({ role: 'server' });
    const session = new Http2Session(conn, b, { clock: realTime });
    session.onEvent = (e) => {
      if (e.type === 'headers') throw new Error('adapter bug');
    };
    session.start();
    const cli = connectHttp2(a, { clock: realTime, authority: 'x' });
    await expect(cli.request({ path: '/' })).rejects.toMatchObject({
      code: 'h2-stream-reset',
      details: { errorCode: ErrorCode.INTERNAL_ERROR },
    });
    await session.closed;
    expect((session.lastInternalError as Error).message).toBe('adapter bug');
    expect(cli.conn.state).toBe('closed');
  });
});

describe('HTTP/2 in simulated time', () => {
  it('marks queued, sent, first byte and end in simulated nanoseconds, deterministically', async () => {
    const run = async () => {
      const sim = new Simulator({ seed: 7 });
      const clock = simClock(sim);
      const deferred = <T>() => sim.deferred<T>();
      const { a, b } = memoryPipe({ deferred });
      const frames: string[] = [];
      sim.trace.on('h2.frame', (e) =>
        frames.push(`${e.time} ${e.side} ${e.direction} ${e.frameType} ${e.streamId} ${e.length}`),
      );
      serveHttp2(b, {
        clock,
        deferred,
        trace: { bus: sim.trace, node: 'server', connection: 1 },
        handler: async (req) => {
          await sim.sleep((req.path === '/slow' ? 50 : 5) * MILLISECOND);
          return { status: 200, body: req.path };
        },
      });
      const cli = connectHttp2(a, {
        clock,
        deferred,
        authority: 'server',
        trace: { bus: sim.trace, node: 'client', connection: 1 },
      });
      const slow = cli.request({ path: '/slow' });
      const fast = cli.request({ path: '/fast' });
      await sim.run();
      return { slow: await slow, fast: await fast, frames };
    };
    const one = await run();
    expect(one.fast.timing).toEqual({ queued: 0, sent: 0, firstByte: 5 * MILLISECOND, end: 5 * MILLISECOND });
    // The slow response does not hold the fast one back: no head-of-line blocking.
    expect(one.slow.timing.end).toBe(50 * MILLISECOND);
    expect(one.fast.timing.end).toBeLessThan(one.slow.timing.end);
    expect(
      one.frames.filter((f) => f.includes('client sent')).map((f) => f.split(' ').slice(3).join(' ')),
    ).toEqual(['SETTINGS 0 18', 'WINDOW_UPDATE 0 4', 'HEADERS 1 15', 'HEADERS 3 9', 'SETTINGS 0 0']);
    const two = await run();
    expect(two.frames).toEqual(one.frames);
  });
});
