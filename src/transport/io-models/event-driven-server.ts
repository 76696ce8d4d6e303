/**
 * The readiness (event-driven) I/O model: one thread waits on a Poller (select/epoll) for
 * whichever connections are ready, and handles only those, with non-blocking calls that
 * therefore always find work. No thread per connection, no wasted calls, no polling
 * delay: the model of nginx, Node and every modern server.
 */
import { WOULD_BLOCK } from '../pollable.ts';
import { Poller } from '../poller.ts';
import type { TcpListener } from '../tcp/tcp-listener.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import { acceptPending, type IoServer, type IoServerOptions, newStats, writeRest } from './server-options.ts';

interface Conn {
  got: number;
  out: number;
}

export function eventDrivenServer(o: IoServerOptions): IoServer {
  const stats = newStats();
  const listener = o.tcp.listen(o.port, { backlog: 4096, noDelay: true });
  const response = new Uint8Array(o.responseSize);
  const poller = new Poller<TcpListener | TcpSocket>(o.tcp.sim);
  const conns = new Map<TcpSocket, Conn>();
  poller.add(listener, { readable: true });
  let open = true;
  const loop = async (): Promise<void> => {
    while (open) {
      const events = await poller.wait();
      for (const e of events) {
        if (e.target === listener) {
          acceptPending(listener, stats, (s) => {
            conns.set(s, { got: 0, out: -1 });
            poller.add(s, { readable: true });
          });
          continue;
        }
        const s = e.target as TcpSocket;
        const c = conns.get(s);
        if (!c) continue;
        try {
          if (c.out >= 0) {
            if (writeRest(s, c, response, stats)) poller.add(s, { readable: true });
            continue;
          }
          stats.calls++;
          const d = s.tryRead(o.requestSize - c.got);
          if (d === WOULD_BLOCK) {
            stats.wouldBlock++;
            continue;
          }
          if (d === null) {
            poller.remove(s);
            conns.delete(s);
            s.close();
            continue;
          }
          c.got += d.length;
          if (c.got < o.requestSize) continue;
          c.got = 0;
          await o.cpu.run(o.serviceTime);
          stats.calls++;
          const n = s.tryWrite(response);
          c.out = n === WOULD_BLOCK ? 0 : n;
          if (c.out >= response.length) {
            c.out = -1;
            stats.requests++;
          } else {
            poller.add(s, { readable: false, writable: true });
          }
        } catch {
          poller.remove(s);
          conns.delete(s);
        }
      }
    }
  };
  void loop();
  return {
    model: 'event-driven',
    stats,
    close: () => {
      open = false;
      poller.close();
      listener.close();
      for (const s of conns.keys()) s.close();
    },
  };
}
