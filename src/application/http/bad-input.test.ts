/**
 * Hostile and broken clients, end to end over a connection: each gets the status RFC 9112
 * prescribes and a closed connection, the server keeps no more than its limits, and the
 * slow ones time out.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../sim/time.ts';
import type { TraceEventOf } from '../../sim/trace.ts';
import { bytes, readAll, simServer, text } from './test-helpers.ts';

const hello = () => ({ body: 'hello' });

async function send(input: string | Uint8Array | (string | Uint8Array)[], options = {}) {
  const { sim, connect, server } = simServer(hello, options);
  const errors: TraceEventOf<'http.error'>[] = [];
  sim.trace.on('http.error', (e) => errors.push(e));
  const s = connect();
  let reply = '';
  const pieces = Array.isArray(input) ? input : [input];
  const client = (async () => {
    const reading = readAll(s);
    try {
      for (const p of pieces) await s.write(typeof p === 'string' ? bytes(p) : p);
      await s.end();
    } catch {
      // the server may close first
    }
    reply = await reading;
  })();
  await sim.run();
  await client;
  return { reply, errors, server, sim };
}

const status = (reply: string) => reply.slice(0, 12);

describe('bad requests end to end', () => {
  it('malformed request line -> 400 and close', async () => {
    const { reply, errors } = await send('GET /index.html HTTP/1.1 extra\r\nHost: s\r\n\r\n');
    expect(status(reply)).toBe('HTTP/1.1 400');
    expect(reply).toContain('Connection: close\r\n');
    expect(reply).toMatch(/\r\n\r\n400 Bad Request\n$/);
    expect(errors).toMatchObject([{ code: 'bad-request-line', status: 400, side: 'server' }]);
  });

  it('10,000 header lines -> 431', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `X-${i}: v\r\n`).join('');
    const { reply, errors } = await send(`GET / HTTP/1.1\r\nHost: s\r\n${many}\r\n`, {
      limits: { maxHeadBytes: 1 << 20 },
    });
    expect(status(reply)).toBe('HTTP/1.1 431');
    expect(errors[0]).toMatchObject({ code: 'too-many-headers' });
  });

  it('1 MB of header -> 431 as soon as the limit passes; the rest is drained, not kept', async () => {
    const chunks: (string | Uint8Array)[] = ['GET / HTTP/1.1\r\nHost: s\r\nX-Big: '];
    for (let i = 0; i < 64; i++) chunks.push(new Uint8Array(16 * 1024).fill(0x61));
    const { reply, errors, server } = await send(chunks);
    expect(status(reply)).toBe('HTTP/1.1 431');
    expect(errors).toMatchObject([{ code: 'head-too-large', status: 431 }]);
    expect(server.connections).toBe(0);
  });

  it('Content-Length with Transfer-Encoding -> 400 (no request smuggling)', async () => {
    const smuggle =
      'POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\nHost: s\r\n\r\n';
    const { reply } = await send(smuggle);
    expect(status(reply)).toBe('HTTP/1.1 400');
    // Exactly one response: the smuggled GET was never processed.
    expect(reply.match(/HTTP\/1\.1 /g)).toHaveLength(1);
  });

  it('bad chunk size -> 400 and close', async () => {
    const { reply } = await send(
      'POST / HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n',
    );
    expect(status(reply)).toBe('HTTP/1.1 400');
    expect(reply).toContain('Connection: close\r\n');
  });

  it('unsupported transfer coding -> 501, HTTP/2.0 -> 505, long target -> 414, big body -> 413', async () => {
    expect(
      status((await send('POST / HTTP/1.1\r\nHost: s\r\nTransfer-Encoding: gzip, chunked\r\n\r\n')).reply),
    ).toBe('HTTP/1.1 501');
    expect(status((await send('GET / HTTP/2.0\r\nHost: s\r\n\r\n')).reply)).toBe('HTTP/1.1 505');
    expect(status((await send(`GET /${'x'.repeat(10_000)} HTTP/1.1\r\nHost: s\r\n\r\n`)).reply)).toBe(
      'HTTP/1.1 414',
    );
    expect(status((await send('POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 99999999\r\n\r\n')).reply)).toBe(
      'HTTP/1.1 413',
    );
  });

  it('random binary garbage -> 400, never a crash', async () => {
    const garbage = Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) & 0xff);
    const { reply } = await send(garbage);
    expect(status(reply)).toBe('HTTP/1.1 400');
  });
});

describe('slow clients time out', () => {
  it('slowloris: a head trickled one byte a second gets 408 at headerTimeout, however it trickles', async () => {
    const { sim, connect, server } = simServer(hello, { headerTimeout: 10 * SECOND });
    const s = connect();
    let reply = '';
    let repliedAt = -1;
    const head = 'GET / HTTP/1.1\r\nHost: s\r\nX-Slow: ';
    const client = (async () => {
      const reading = (async () => {
        reply = await readAll(s);
        repliedAt = sim.now;
      })();
      try {
        for (let i = 0; ; i++) {
          await s.write(bytes(head[i % head.length]!));
          await sim.sleep(SECOND);
          if (repliedAt >= 0 || i > 100) break;
        }
      } catch {
        // closed under us
      }
      await reading;
    })();
    await sim.run(200 * SECOND);
    await client;
    expect(status(reply)).toBe('HTTP/1.1 408');
    expect(reply).toContain('Connection: close\r\n');
    expect(repliedAt).toBeGreaterThanOrEqual(10 * SECOND);
    expect(repliedAt).toBeLessThan(13 * SECOND);
    expect(server.stats.timeouts).toBe(1);
  });

  it('a body that never finishes gets 408 at bodyTimeout', async () => {
    const { sim, connect } = simServer(hello, { bodyTimeout: 30 * SECOND });
    const s = connect();
    let reply = '';
    const client = (async () => {
      await s.write(bytes('POST / HTTP/1.1\r\nHost: s\r\nContent-Length: 100\r\n\r\nonly a little'));
      reply = await readAll(s);
    })();
    await sim.run(100 * SECOND);
    await client;
    expect(status(reply)).toBe('HTTP/1.1 408');
  });

  it('a client that never reads its responses is cut off after sendTimeout', async () => {
    const big = new Uint8Array(1 << 20);
    let clock: { sleep(ns: number): Promise<void> } | undefined;
    const env = simServer(
      async (req) => {
        if (req.path === '/2') await clock!.sleep(SECOND);
        return { body: big };
      },
      { sendTimeout: 5 * SECOND, idleTimeout: 60 * SECOND },
    );
    clock = env.clock;
    const { sim, connect, server } = env;
    const timeouts: TraceEventOf<'http.timeout'>[] = [];
    sim.trace.on('http.timeout', (e) => timeouts.push(e));
    const s = connect();
    // The pipe takes the first 1 MiB response into its buffer; the second write waits forever.
    void s.write(bytes('GET /1 HTTP/1.1\r\nHost: s\r\n\r\nGET /2 HTTP/1.1\r\nHost: s\r\n\r\n'));
    await sim.run(60 * SECOND);
    expect(timeouts).toMatchObject([{ phase: 'send', time: 6 * SECOND }]);
    expect(server.connections).toBe(0);
  });
});

describe('Expect: 100-continue', () => {
  it('answers 100 Continue, then the final response once the body came', async () => {
    const { sim, connect } = simServer((req) => ({ body: `got ${text(req.body)}` }));
    const s = connect();
    const seen: string[] = [];
    const client = (async () => {
      await s.write(bytes('PUT /f HTTP/1.1\r\nHost: s\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n'));
      seen.push(text((await s.read())!));
      await s.write(bytes('data'));
      seen.push(text((await s.read())!));
    })();
    await sim.run();
    await client;
    expect(seen[0]).toBe('HTTP/1.1 100 Continue\r\n\r\n');
    expect(seen[1]).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\ngot data$/);
  });
});
