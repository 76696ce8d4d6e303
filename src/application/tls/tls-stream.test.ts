import { describe, expect, it } from 'vitest';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import { MILLISECOND, SECOND } from '../../sim/time.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { StreamError } from '../../transport/byte-stream.ts';
import { Random } from '../../sim/random.ts';
import { seededRandomSource } from '../pki/random-source.ts';
import { KeyLogCollector } from './key-log.ts';
import { TlsError } from './tls-error.ts';
import { type TlsStream, tlsAccept, tlsConnect } from './tls-stream.ts';
import { NOW, testPki } from './test-helpers.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

async function readAll(read: () => Promise<Uint8Array | null>): Promise<string> {
  let out = '';
  for (let c = await read(); c !== null; c = await read()) out += dec(c);
  return out;
}

describe('TlsStream over a memory pipe', () => {
  const pki = testPki();
  const site = pki.issueSite(['shop.test']);

  it('connects, carries data both ways, ends with close_notify', async () => {
    const { a, b } = memoryPipe();
    const serverSide = (async () => {
      const s = await tlsAccept(b, {
        random: seededRandomSource(new Random(1)),
        certificates: [site],
        alpn: ['h2', 'http/1.1'],
      });
      const req = await s.read();
      await s.write(enc(`you said ${dec(req)}`));
      await s.end();
      return s;
    })();
    const c = await tlsConnect(a, {
      random: seededRandomSource(new Random(2)),
      now: () => NOW,
      trustStore: pki.browserTrust,
      serverName: 'shop.test',
      alpn: ['http/1.1'],
    });
    expect(c.version).toBe('1.3');
    expect(c.cipherSuite).toBe('TLS_AES_128_GCM_SHA256');
    expect(c.alpnProtocol).toBe('http/1.1');
    expect(c.peerCertificates[0]!.der).toEqual(site.chain[0]!.der);
    await c.write(enc('hello'));
    expect(await readAll(() => c.read())).toBe('you said hello');
    expect(c.truncated).toBe(false);
    const s = await serverSide;
    expect(s.alpnProtocol).toBe('http/1.1');
    c.close();
  });

  it('moves a megabyte with back-pressure, in both TLS versions', async () => {
    for (const version of ['1.3', '1.2'] as const) {
      const { a, b } = memoryPipe({ capacity: 32 * 1024 });
      const size = 1 << 20;
      const server = (async () => {
        const s = await tlsAccept(b, {
          random: seededRandomSource(new Random(3)),
          certificates: [site],
          highWaterMark: 64 * 1024,
        });
        let n = 0;
        for (let x = await s.read(); x !== null; x = await s.read()) n += x.length;
        await s.write(enc(String(n)));
        await s.end();
      })();
      const c = await tlsConnect(a, {
        random: seededRandomSource(new Random(4)),
        now: () => NOW,
        trustStore: pki.browserTrust,
        serverName: 'shop.test',
        versions: [version],
      });
      const block = new Uint8Array(50_000).fill(9);
      for (let sent = 0; sent < size; sent += block.length)
        await c.write(block.subarray(0, Math.min(block.length, size - sent)));
      await c.end();
      expect(await readAll(() => c.read())).toBe(String(size));
      await server;
    }
  });

  it('rejects with a TlsError naming the failed check, on both sides', async () => {
    const { a, b } = memoryPipe();
    const server = tlsAccept(b, { random: seededRandomSource(new Random(5)), certificates: [site] }).catch(
      (e: unknown) => e,
    );
    const err = await tlsConnect(a, {
      random: seededRandomSource(new Random(6)),
      now: () => NOW,
      trustStore: pki.browserTrust,
      serverName: 'evil.test',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsError);
    expect(err).toMatchObject({
      code: 'tls-certificate',
      certificate: 'hostname-mismatch',
      alertName: 'bad_certificate',
    });
    expect(await server).toMatchObject({ code: 'tls-alert-received', alertName: 'bad_certificate' });
  });

  it('a transport that closes during the handshake: tls-closed', async () => {
    const { a, b } = memoryPipe();
    const pending = tlsConnect(a, { random: seededRandomSource(new Random(7)), verify: false }).catch(
      (e: unknown) => e,
    );
    await b.read();
    b.close();
    expect(await pending).toMatchObject({ code: 'tls-closed' });
  });

  it('an end of stream without close_notify is reported as truncated', async () => {
    const { a, b } = memoryPipe();
    const server = tlsAccept(b, { random: seededRandomSource(new Random(8)), certificates: [site] });
    const c = await tlsConnect(a, { random: seededRandomSource(new Random(9)), verify: false });
    const s = await server;
    await s.write(enc('partial'));
    b.close(); // a transport FIN, no close_notify
    expect(await readAll(() => c.read())).toBe('partial');
    expect(c.truncated).toBe(true);
  });

  it('abort resets both ends', async () => {
    const { a, b } = memoryPipe();
    const server = tlsAccept(b, { random: seededRandomSource(new Random(10)), certificates: [site] });
    const c = await tlsConnect(a, { random: seededRandomSource(new Random(11)), verify: false });
    const s = await server;
    const r = s.read();
    c.abort();
    await expect(r).rejects.toBeInstanceOf(StreamError);
  });
});

describe('TlsStream inside a simulation', () => {
  it('traces every handshake message, the validation, the session and the key log, at simulated instants', async () => {
    const sim = new Simulator({ seed: 42 });
    const events: TraceEvent[] = [];
    sim.trace.onAny((e) => events.push(e));
    const keylog = new KeyLogCollector(sim.trace);
    const pki = testPki();
    const site = pki.issueSite(['www.shop.test']);
    const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
    let clientDone = -1;
    void (async () => {
      await sim.sleep(5 * MILLISECOND);
      const s = await tlsAccept(b, {
        random: seededRandomSource(sim.random.fork('server')),
        certificates: [site],
        trace: sim,
        node: 'web',
      });
      await s.write(enc('hi'));
      await s.end();
    })();
    void (async () => {
      const c = await tlsConnect(a, {
        random: seededRandomSource(sim.random.fork('browser')),
        now: () => NOW,
        trustStore: pki.browserTrust,
        serverName: 'www.shop.test',
        trace: sim,
        node: 'browser',
      });
      expect(await readAll(() => c.read())).toBe('hi');
      clientDone = sim.now;
    })();
    await sim.run();
    expect(clientDone).toBe(5 * MILLISECOND);
    const ladder = events.flatMap((e) =>
      e.type === 'tls.handshake' ? [`${e.node} ${e.direction} ${e.details.type}`] : [],
    );
    expect(ladder).toEqual([
      'browser sent ClientHello',
      'web received ClientHello',
      'web sent ServerHello',
      'web sent EncryptedExtensions',
      'web sent Certificate',
      'web sent CertificateVerify',
      'web sent Finished',
      'browser received ServerHello',
      'browser received EncryptedExtensions',
      'browser received Certificate',
      'browser received CertificateVerify',
      'browser received Finished',
      'browser sent Finished',
      'web received Finished',
    ]);
    const ch = events.find((e) => e.type === 'tls.handshake' && e.details.type === 'ClientHello');
    expect(ch?.type === 'tls.handshake' && ch.details.type === 'ClientHello' && ch.details.serverName).toBe(
      'www.shop.test',
    );
    const v = events.find((e) => e.type === 'pki.validate');
    expect(v?.type === 'pki.validate' && [v.validator, v.ok, v.hostname, v.trustStore]).toEqual([
      'browser',
      true,
      'www.shop.test',
      'netlab-browser',
    ]);
    // The browser is done when it has checked the server Finished; the server when it has the browser's.
    expect(
      events.filter((e) => e.type === 'tls.established').map((e) => e.type === 'tls.established' && e.node),
    ).toEqual(['browser', 'web']);
    // Each side logs the five TLS 1.3 secrets.
    expect(keylog.size).toBe(10);
    expect(keylog.text().split('\n')[0]).toMatch(
      /^CLIENT_HANDSHAKE_TRAFFIC_SECRET [0-9a-f]{64} [0-9a-f]{64}$/,
    );
  });

  it('is deterministic: the same seed gives the same bytes on the wire', async () => {
    const site = testPki().issueSite(['d.test']);
    const run = async () => {
      const sim = new Simulator({ seed: 3 });
      const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
      const seen: string[] = [];
      const tap = (s: typeof a): typeof a => ({
        local: s.local,
        remote: s.remote,
        read: (max) => s.read(max),
        end: () => s.end(),
        close: () => s.close(),
        abort: () => s.abort(),
        write: (d) => {
          seen.push(Array.from(d).join(','));
          return s.write(d);
        },
      });
      void tlsAccept(tap(b), { random: seededRandomSource(sim.random.fork('s')), certificates: [site] }).then(
        async (s) => {
          await s.write(enc('same'));
          await s.end();
        },
      );
      void tlsConnect(tap(a), {
        random: seededRandomSource(sim.random.fork('c')),
        now: () => NOW,
        trustStore: testPki().browserTrust,
        serverName: 'd.test',
      }).then((c) => c.end());
      await sim.run();
      return seen;
    };
    const one = await run();
    expect(one.length).toBeGreaterThanOrEqual(4);
    expect(await run()).toEqual(one);
  });
});

describe('handshake timeout', () => {
  it('a peer that never answers fails with tls-timeout at the simulated deadline', async () => {
    const sim = new Simulator({ seed: 1 });
    const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
    let failedAt = -1;
    let code = '';
    void tlsConnect(a, {
      random: seededRandomSource(sim.random.fork('c')),
      verify: false,
      clock: simClock(sim),
      handshakeTimeout: 3_000_000_000,
      deferred: () => sim.deferred(),
    }).catch((e: { code: string }) => {
      failedAt = sim.now;
      code = e.code;
    });
    void b.read(); // a silent server: reads the ClientHello, never answers
    await sim.run();
    expect(code).toBe('tls-timeout');
    expect(failedAt).toBe(3_000_000_000);
  });
});

describe('close(): close_notify, FIN, the peer’s close_notify, then the transport’s close', () => {
  const site = testPki().issueSite(['close.test']);

  /**
   * A client and a server over a memory pipe in a simulation, with 'tls.alert' events and
   * the client's transport calls logged; `closeClient` waits 1 ms for the handshake to
   * settle (the client's Finished is out), forgets the log, then closes.
   */
  function closingPair(capacity = 65536) {
    const sim = new Simulator({ seed: 7 });
    const log: string[] = [];
    const at = () => `${sim.now / MILLISECOND} ms`;
    sim.trace.on('tls.alert', (e) => log.push(`${at()} ${e.node} ${e.direction} ${e.alert}`));
    const { a, b } = memoryPipe({ deferred: () => sim.deferred(), capacity });
    const transport: typeof a = {
      local: a.local,
      remote: a.remote,
      read: (max) => a.read(max),
      write: (d) => {
        log.push(`${at()} client write ${d.length}`);
        return a.write(d);
      },
      end: () => {
        log.push(`${at()} client end`);
        return a.end();
      },
      close: () => {
        log.push(`${at()} client close`);
        a.close();
      },
      abort: () => {
        log.push(`${at()} client abort`);
        a.abort();
      },
    };
    const common = { trace: sim, deferred: <T>() => sim.deferred<T>(), clock: simClock(sim) } as const;
    const server = tlsAccept(b, {
      ...common,
      node: 'server',
      random: seededRandomSource(sim.random.fork('s')),
      certificates: [site],
    });
    const client = tlsConnect(transport, {
      ...common,
      node: 'client',
      random: seededRandomSource(sim.random.fork('c')),
      verify: false,
      highWaterMark: 16 * 1024,
    });
    /** Each side's lines (a memory pipe delivers at once, so only each side's order means something). */
    const lines = (who: 'client' | 'server') => log.filter((l) => l.includes(` ${who} `));
    const closeClient = (how: (c: TlsStream) => void | Promise<void> = (c) => c.close()) =>
      client.then(async (c) => {
        await sim.sleep(MILLISECOND);
        log.length = 0;
        await how(c);
      });
    return { sim, log, lines, server, client, peer: b, closeClient };
  }

  it('sends close_notify then FIN, reads on until the peer’s close_notify, and only then closes', async () => {
    const { sim, lines, server, closeClient } = closingPair();
    void server.then(async (s) => {
      expect(await s.read()).toBeNull(); // the client's close_notify
      await sim.sleep(5 * MILLISECOND);
      await s.write(enc('too late')); // read by the closing client, and dropped
      s.close();
    });
    void closeClient();
    await sim.run();
    expect(lines('client')).toEqual([
      '1 ms client sent close_notify',
      '1 ms client write 24', // the close_notify record (TLS 1.3: 5 + 2 + 1 + 16 bytes)
      '1 ms client end', // FIN, after the record
      '6 ms client received close_notify',
      '6 ms client close',
    ]);
    expect(lines('server')).toEqual(['1 ms server received close_notify', '6 ms server sent close_notify']);
  });

  it('reads after close() return null at once, even with data buffered or a read pending', async () => {
    const { sim, server, closeClient } = closingPair();
    const reads: (string | null)[] = [];
    void server.then(async (s) => {
      await s.write(enc('never read'));
      expect(await s.read()).toBeNull();
      s.close();
    });
    void closeClient(async (c) => {
      // 'never read' waits in the client's buffer; a second stream has a read pending.
      c.close();
      reads.push(dec(await c.read()));
      await expect(c.write(enc('x'))).rejects.toMatchObject({ code: 'stream-closed' });
    });
    const other = closingPair();
    void other.server.then((s) => s.read());
    void other.closeClient((c) => {
      const pending = c.read();
      c.close();
      void pending.then((v) => reads.push(dec(v)));
    });
    await Promise.all([sim.run(), other.sim.run()]);
    expect(reads).toEqual([null, null]);
  });

  it('a peer that never answers: the transport is aborted when closeLinger (default 10 s) runs out', async () => {
    const { sim, lines, server, closeClient } = closingPair();
    void server.then((s) => s.read()); // reads the close_notify, never answers, never closes
    void closeClient();
    await sim.run();
    expect(lines('client')).toEqual([
      '1 ms client sent close_notify',
      '1 ms client write 24',
      '1 ms client end',
      '10001 ms client abort',
    ]);
    expect(sim.now).toBe(10 * SECOND + MILLISECOND);
  });

  it('closeLinger sets the bound; an answer in time cancels it', async () => {
    const run = async (answerAfter: number) => {
      const sim = new Simulator({ seed: 8 });
      const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
      const ops: string[] = [];
      const transport: typeof a = {
        local: a.local,
        remote: a.remote,
        read: (max) => a.read(max),
        write: (d) => a.write(d),
        end: () => a.end(),
        close: () => {
          ops.push(`close at ${sim.now / MILLISECOND} ms`);
          a.close();
        },
        abort: () => {
          ops.push(`abort at ${sim.now / MILLISECOND} ms`);
          a.abort();
        },
      };
      void tlsAccept(b, {
        random: seededRandomSource(new Random(1)),
        certificates: [site],
        deferred: () => sim.deferred(),
      }).then(async (s) => {
        await s.read();
        await sim.sleep(answerAfter * MILLISECOND);
        s.close();
      });
      void tlsConnect(transport, {
        random: seededRandomSource(new Random(2)),
        verify: false,
        deferred: () => sim.deferred(),
        clock: simClock(sim),
        closeLinger: 200 * MILLISECOND,
      }).then((c) => c.close());
      await sim.run();
      return { ops, end: sim.now / MILLISECOND };
    };
    expect(await run(150)).toEqual({ ops: ['close at 150 ms'], end: 150 });
    expect(await run(300)).toEqual({ ops: ['abort at 200 ms'], end: 300 });
  });

  it('a peer that sends megabytes after close(): read and dropped, never buffered', async () => {
    const { sim, lines, server, client, closeClient } = closingPair(16 * 1024);
    const c = await client;
    let sent = 0;
    let bufferedMax = 0;
    void server.then(async (s) => {
      expect(await s.read()).toBeNull();
      const block = new Uint8Array(16 * 1024).fill(7);
      for (; sent < 4 << 20; sent += block.length) {
        await s.write(block);
        bufferedMax = Math.max(bufferedMax, (c as unknown as { buffered: number }).buffered);
      }
      s.close();
    });
    void closeClient();
    await sim.run();
    // 4 MiB went through a 16 KiB pipe to a client whose high-water mark is 16 KiB: after
    // close() it kept reading, and kept nothing.
    expect(sent).toBe(4 << 20);
    expect(bufferedMax).toBe(0);
    expect(lines('client').slice(-2)).toEqual(['1 ms client received close_notify', '1 ms client close']);
  });

  it('a transport that fails during the wait is closed at once', async () => {
    const { sim, lines, server, peer, closeClient } = closingPair();
    void server.then(async (s) => {
      await s.read();
      await sim.sleep(3 * MILLISECOND);
      peer.abort(); // a reset instead of an answer
    });
    void closeClient();
    await sim.run();
    expect(lines('client').at(-1)).toBe('4 ms client close');
    expect(sim.now).toBe(4 * MILLISECOND);
  });

  it('end() then close(): one close_notify, one FIN, and the same wait', async () => {
    const { sim, lines, server, closeClient } = closingPair();
    void server.then(async (s) => {
      expect(await s.read()).toBeNull();
      await sim.sleep(2 * MILLISECOND);
      s.close();
    });
    void closeClient(async (c) => {
      await c.end();
      c.close();
    });
    await sim.run();
    expect(lines('client')).toEqual([
      '1 ms client sent close_notify',
      '1 ms client write 24',
      '1 ms client end',
      '3 ms client received close_notify',
      '3 ms client close',
    ]);
  });
});
