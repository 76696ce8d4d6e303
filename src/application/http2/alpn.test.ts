/**
 * HTTP/2 over the project's TLS in a simulation: ALPN offers "h2" and "http/1.1"; the
 * server picks h2 (RFC 9113 §3.2), and the same HTTP/2 adapters run over the TLS stream
 * as over cleartext. A client that offers only http/1.1 gets HTTP/1.1 — the choice an
 * HTTPS server makes before knowing which protocol handler to run.
 */
import { describe, expect, it } from 'vitest';
import { simClock } from '../../sim/clock.ts';
import { Random } from '../../sim/random.ts';
import { Simulator } from '../../sim/simulator.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { DAY } from '../pki/der-time.ts';
import { seededRandomSource } from '../pki/random-source.ts';
import { WebPki } from '../pki/web-pki.ts';
import { tlsAccept, tlsConnect } from '../tls/tls-stream.ts';
import { connectHttp2 } from './client.ts';
import { serveHttp2 } from './server.ts';

const T0 = 1_735_689_600;

function setup(clientAlpn: string[]) {
  const sim = new Simulator({ seed: 5 });
  const deferred = <T>() => sim.deferred<T>();
  const clock = simClock(sim);
  const pki = new WebPki({ random: seededRandomSource(new Random(9)), now: () => T0 });
  const { a, b } = memoryPipe({ deferred });
  const chosen: Record<string, string | undefined> = {};
  const served = (async () => {
    const t = await tlsAccept(b, {
      random: seededRandomSource(sim.random.fork('server-tls')),
      now: () => T0 + DAY,
      certificates: [pki.issueSite(['www.example.test'])],
      alpn: ['h2', 'http/1.1'],
      deferred,
    });
    chosen.server = t.alpnProtocol;
    if (t.alpnProtocol === 'h2') {
      serveHttp2(t, {
        clock,
        deferred,
        handler: (req) => ({ status: 200, body: `h2 over TLS: ${req.path}` }),
      });
    } else {
      t.close();
    }
  })();
  const client = (async () => {
    const t = await tlsConnect(a, {
      random: seededRandomSource(sim.random.fork('client-tls')),
      now: () => T0 + DAY,
      trustStore: pki.browserTrust,
      serverName: 'www.example.test',
      alpn: clientAlpn,
      deferred,
    });
    chosen.client = t.alpnProtocol;
    if (t.alpnProtocol !== 'h2') {
      t.close();
      return undefined;
    }
    const c = connectHttp2(t, { clock, deferred, authority: 'www.example.test', scheme: 'https' });
    const rs = await Promise.all(['/a', '/b', '/c'].map((path) => c.request({ path })));
    await c.close();
    return rs;
  })();
  return { sim, chosen, served, client };
}

describe('HTTP/2 over TLS with ALPN', () => {
  it('negotiates h2 and multiplexes requests over the encrypted stream', async () => {
    const { sim, chosen, served, client } = setup(['h2', 'http/1.1']);
    await sim.run();
    await served;
    const rs = await client;
    expect(chosen).toEqual({ server: 'h2', client: 'h2' });
    expect(rs!.map((r) => new TextDecoder().decode(r.body))).toEqual([
      'h2 over TLS: /a',
      'h2 over TLS: /b',
      'h2 over TLS: /c',
    ]);
    expect(new Set(rs!.map((r) => r.streamId))).toEqual(new Set([1, 3, 5]));
  });

  it('a client offering only http/1.1 does not get HTTP/2', async () => {
    const { sim, chosen, served, client } = setup(['http/1.1']);
    await sim.run();
    await served;
    expect(await client).toBeUndefined();
    expect(chosen).toEqual({ server: 'http/1.1', client: 'http/1.1' });
  });
});
