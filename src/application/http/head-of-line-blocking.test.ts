/**
 * The head-of-line blocking of HTTP/1.1 pipelining, as the course notes describe it and
 * as the trace shows it: three requests pipelined in one write, the server slow (2 s) on
 * the first; the answers to the other two are ready at once but wait behind it, because
 * responses must come back in request order.
 */
import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import { Router } from './router.ts';
import { bytes, simServer, text } from './test-helpers.ts';

describe('head-of-line blocking', () => {
  it('holds the fast responses behind the slow one and releases them together', async () => {
    let clock: { sleep(ns: number): Promise<void> } | undefined;
    const router = new Router()
      .get('/slow', async () => {
        await clock!.sleep(2 * SECOND);
        return { body: 'slow' };
      })
      .get('/fast/:n', (req) => ({ body: `fast ${req.params.n}` }));
    const env = simServer(router);
    clock = env.clock;
    const { sim, connect } = env;
    const pipeline: TraceEventOf<'http.pipeline'>[] = [];
    const responses: TraceEventOf<'http.response'>[] = [];
    sim.trace.on('http.pipeline', (e) => pipeline.push(e));
    sim.trace.on('http.response', (e) => responses.push(e));

    const s = connect();
    const arrivals: { at: number; text: string }[] = [];
    const client = (async () => {
      await s.write(
        bytes(
          'GET /slow HTTP/1.1\r\nHost: s\r\n\r\n' +
            'GET /fast/1 HTTP/1.1\r\nHost: s\r\n\r\n' +
            'GET /fast/2 HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n',
        ),
      );
      for (;;) {
        const chunk = await s.read();
        if (chunk === null) break;
        arrivals.push({ at: sim.now, text: text(chunk) });
      }
    })();
    await sim.run();
    await client;

    // Nothing reached the client before the slow response; then all three, in order.
    expect(arrivals.every((a) => a.at === 2 * SECOND)).toBe(true);
    const wire = arrivals.map((a) => a.text).join('');
    const bodies = [...wire.matchAll(/\r\n\r\n(slow|fast \d)/g)].map((m) => m[1]);
    expect(bodies).toEqual(['slow', 'fast 1', 'fast 2']);
    expect(wire).toMatch(/fast 2$/);

    // The trace: 2 and 3 held behind 1 at t=0, released when 1 is sent at t=2s.
    expect(pipeline.map((e) => [e.time, e.exchange, e.phase, e.behind ?? null, e.waited ?? null])).toEqual([
      [0, 2, 'held', 1, null],
      [0, 3, 'held', 1, null],
      [2 * SECOND, 2, 'released', null, 2 * SECOND],
      [2 * SECOND, 3, 'released', null, 2 * SECOND],
    ]);
    expect(responses.map((e) => [e.time, e.exchange, e.target, e.status])).toEqual([
      [2 * SECOND, 1, '/slow', 200],
      [2 * SECOND, 2, '/fast/1', 200],
      [2 * SECOND, 3, '/fast/2', 200],
    ]);
  });

  it('without pipelining, the fast requests are not delayed (one connection each)', async () => {
    let clock: { sleep(ns: number): Promise<void> } | undefined;
    const router = new Router()
      .get('/slow', async () => {
        await clock!.sleep(2 * SECOND);
        return { body: 'slow' };
      })
      .get('/fast', () => ({ body: 'fast' }));
    const env = simServer(router);
    clock = env.clock;
    const { sim, connect } = env;
    const doneAt: Record<string, number> = {};
    const get = async (path: string) => {
      const s = connect();
      await s.write(bytes(`GET ${path} HTTP/1.1\r\nHost: s\r\nConnection: close\r\n\r\n`));
      while ((await s.read()) !== null) {}
      doneAt[path] = sim.now;
    };
    const all = Promise.all([get('/slow'), get('/fast')]);
    await sim.run();
    await all;
    expect(doneAt['/fast']).toBeLessThan(1 * MILLISECOND);
    expect(doneAt['/slow']).toBe(2 * SECOND);
  });
});
