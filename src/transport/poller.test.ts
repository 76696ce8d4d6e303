import { describe, expect, it } from 'vitest';
import { MILLISECOND, SECOND } from '../sim/time.ts';
import { WOULD_BLOCK } from './pollable.ts';
import { Poller } from './poller.ts';
import type { TcpListener } from './tcp/tcp-listener.ts';
import type { TcpSocket } from './tcp/tcp-socket.ts';
import { pair } from './tcp/test-network.ts';

describe('Poller (select/epoll-like readiness)', () => {
  it('reports the listener, then each client as its data arrives, level-triggered', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    const poller = new Poller<TcpListener | TcpSocket>(sim);
    poller.add(l, { readable: true });
    const log: string[] = [];
    void (async () => {
      for (let round = 0; round < 12; round++) {
        const events = await poller.wait(2 * SECOND);
        if (events.length === 0) {
          log.push('timeout');
          break;
        }
        for (const e of events) {
          if (e.target === l) {
            const s = l.tryAccept();
            if (s !== WOULD_BLOCK) {
              poller.add(s, { readable: true });
              log.push(`accept ${s.remote.port > 0 ? 'client' : '?'}`);
            }
            continue;
          }
          const s = e.target as TcpSocket;
          const d = s.tryRead();
          if (d === WOULD_BLOCK) continue;
          if (d === null) {
            log.push('eof');
            poller.remove(s);
            s.close();
          } else log.push(`data ${new TextDecoder().decode(d)}`);
        }
      }
    })();
    void (async () => {
      const c1 = await a.tcp.connect('10.0.0.2', 80);
      await sim.sleep(100 * MILLISECOND);
      const c2 = await a.tcp.connect('10.0.0.2', 80);
      await c2.write(new TextEncoder().encode('two'));
      await sim.sleep(100 * MILLISECOND);
      await c1.write(new TextEncoder().encode('one'));
      await c1.end();
      await c2.end();
    })();
    await sim.run(10 * SECOND);
    expect(log).toEqual(['accept client', 'accept client', 'data two', 'data one', 'eof', 'eof', 'timeout']);
    expect(poller.emptyWaits).toBe(1);
  });

  it('wait() resolves at once when something is ready, and is level-triggered', async () => {
    const { sim, a, b } = pair();
    const l = b.tcp.listen(80);
    void a.tcp.connect('10.0.0.2', 80);
    await sim.run(SECOND);
    const p = new Poller(sim);
    p.add(l);
    expect((await p.wait()).map((e) => e.target)).toEqual([l]);
    expect((await p.wait()).map((e) => e.target)).toEqual([l]); // still not accepted
    l.tryAccept();
    expect(await p.wait(0)).toEqual([]);
    expect(() => {
      void p.wait();
      void p.wait();
    }).toThrow(/already pending/);
    p.close();
  });
});
