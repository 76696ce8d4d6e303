import { describe, expect, it } from 'vitest';
import { Node } from '../../link/node.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { seededRandomSource } from '../pki/random-source.ts';
import { WebPki } from '../pki/web-pki.ts';
import { installTls, NODE_TLS } from './node-tls.ts';

describe('TLS as a node service', () => {
  it('each node brings its own trust store: the browser refuses what the OS store accepts', async () => {
    const sim = new Simulator({ seed: 5 });
    const pki = new WebPki({ random: seededRandomSource(sim.random.fork('pki')), now: () => 1_735_689_600 });
    const legacySite = pki.issueSite(['old.test'], { ca: pki.legacyRoot });
    const browser = new Node(sim, 'browser', 'host');
    const laptop = new Node(sim, 'laptop', 'host');
    const server = new Node(sim, 'server', 'host');
    installTls(browser, { trustStore: pki.browserTrust });
    installTls(laptop, { trustStore: pki.systemTrust });
    const srv = installTls(server, { trustStore: pki.systemTrust });
    const events: TraceEvent[] = [];
    sim.trace.on('tls.failed', (e) => events.push(e));
    const results: string[] = [];
    for (const client of [browser, laptop]) {
      const { a, b } = memoryPipe({ deferred: () => sim.deferred() });
      void srv.accept(b, { certificates: [legacySite] }).catch(() => {});
      void client
        .requireService(NODE_TLS)
        .connect(a, { serverName: 'old.test' })
        .then(
          (s) => results.push(`${client.name} ok ${s.version}`),
          (e: { code: string; certificate?: string }) =>
            results.push(`${client.name} ${e.code} ${e.certificate}`),
        );
    }
    await sim.run();
    expect(results.sort()).toEqual(['browser tls-certificate unknown-ca', 'laptop ok 1.3']);
    expect(events.map((e) => e.type === 'tls.failed' && e.node)).toEqual(['browser', 'server']);
  });
});
