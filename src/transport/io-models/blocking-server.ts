/**
 * The blocking I/O model: each thread calls accept(), then read() and write() on its
 * connection, each call waiting until it can complete, and takes the next connection only
 * when this one closes. With one thread the server is iterative: every other client
 * waits, connected but unserved, while one is handled (its think time included). With a
 * thread per connection (`threads` = clients) nobody waits for others, at the price of a
 * thread (stack, scheduling) each.
 *
 * Written with await, the blocking style of the ByteStream API.
 */
import type { TcpSocket } from '../tcp/tcp-socket.ts';
import { type IoServer, type IoServerOptions, newStats } from './server-options.ts';

/** read() until exactly `n` bytes arrived; null if the peer closed first. */
export async function readExactly(s: TcpSocket, n: number): Promise<Uint8Array | null> {
  const out = new Uint8Array(n);
  let got = 0;
  while (got < n) {
    const d = await s.read(n - got);
    if (d === null) return null;
    out.set(d, got);
    got += d.length;
  }
  return out;
}

export function blockingServer(o: IoServerOptions & { readonly threads: number }): IoServer {
  const stats = newStats();
  const listener = o.tcp.listen(o.port, { backlog: 4096, noDelay: true });
  const response = new Uint8Array(o.responseSize);
  let open = true;
  const thread = async (): Promise<void> => {
    while (open) {
      let s: TcpSocket;
      try {
        stats.calls++;
        s = await listener.accept();
      } catch {
        return;
      }
      stats.accepted++;
      try {
        for (;;) {
          stats.calls++;
          const req = await readExactly(s, o.requestSize);
          if (req === null) break;
          await o.cpu.run(o.serviceTime);
          stats.calls++;
          await s.write(response);
          stats.requests++;
        }
      } catch {
        // the client went away: serve the next one
      }
      s.close();
    }
  };
  for (let i = 0; i < o.threads; i++) void thread();
  return {
    model: 'blocking',
    stats,
    close: () => {
      open = false;
      listener.close();
    },
  };
}
