/**
 * The non-blocking I/O model without readiness notification: one thread sweeps over the
 * listener and every connection with calls that never wait (tryAccept, tryRead, tryWrite),
 * then sleeps `pollInterval` and sweeps again. Nothing blocks, but most calls find
 * nothing to do (WOULD_BLOCK, counted in `stats.wouldBlock`), and a request that arrives
 * just after a sweep waits for the next one: polling trades latency for wasted calls.
 */
import type { Time } from '../../sim/time.ts';
import { WOULD_BLOCK } from '../pollable.ts';
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import { acceptPending, type IoServer, type IoServerOptions, newStats, writeRest } from './server-options.ts';

interface Conn {
  readonly s: TcpSocket;
  got: number;
  out: number;
}

export function nonBlockingServer(o: IoServerOptions & { readonly pollInterval: Time }): IoServer {
  const stats = newStats();
  const sim = o.tcp.sim;
  const listener = o.tcp.listen(o.port, { backlog: 4096, noDelay: true });
  const response = new Uint8Array(o.responseSize);
  const conns: Conn[] = [];
  let open = true;
  const sweep = async (): Promise<void> => {
    while (open) {
      acceptPending(listener, stats, (s) => conns.push({ s, got: 0, out: -1 }));
      for (let i = 0; i < conns.length; i++) {
        const c = conns[i]!;
        try {
          if (c.out >= 0) {
            writeRest(c.s, c, response, stats);
            continue;
          }
          stats.calls++;
          const d = c.s.tryRead(o.requestSize - c.got);
          if (d === WOULD_BLOCK) {
            stats.wouldBlock++;
            continue;
          }
          if (d === null) {
            c.s.close();
            conns.splice(i--, 1);
            continue;
          }
          c.got += d.length;
          if (c.got === o.requestSize) {
            c.got = 0;
            await o.cpu.run(o.serviceTime);
            c.out = 0;
            i--; // write the response in this sweep
          }
        } catch {
          conns.splice(i--, 1);
        }
      }
      await sim.sleep(o.pollInterval);
    }
  };
  void sweep();
  return {
    model: 'non-blocking',
    stats,
    close: () => {
      open = false;
      listener.close();
      for (const c of conns) c.s.close();
    },
  };
}
