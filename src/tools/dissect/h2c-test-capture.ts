/**
 * Test helper: a real h2c exchange from the simulator — the project's HTTP/2 client and
 * server (src/application/http2) over its TCP between two hosts, HTTP/2 by prior
 * knowledge on port 80 — and every frame the link carried, in the order it carried them,
 * as a capture on it holds them. The client asks for `/` and then, on the same
 * connection, `/style.css`.
 */
import { connectHttp2 } from '../../application/http2/client.ts';
import { serveHttp2 } from '../../application/http2/server.ts';
import { simClock } from '../../sim/clock.ts';
import { pair } from '../../transport/tcp/test-network.ts';

const FILES: Record<string, { readonly type: string; readonly body: string }> = {
  '/': { type: 'text/html', body: '<link rel="stylesheet" href="/style.css"><p>h2c</p>' },
  '/style.css': { type: 'text/css', body: 'p { color: teal }' },
};

export async function h2cCapture(): Promise<Uint8Array[]> {
  const { sim, a, b } = pair();
  const clock = simClock(sim);
  const deferred = <T>() => sim.deferred<T>();
  const frames: Uint8Array[] = [];
  sim.trace.on('link.tx', (e) => frames.push(e.frame.slice()));
  const listener = b.tcp.listen(80, { noDelay: true });
  void (async () => {
    const s = await listener.accept();
    serveHttp2(s, {
      clock,
      deferred,
      handler: (req) => {
        const f = FILES[req.path];
        return f === undefined
          ? { status: 404 }
          : { status: 200, headers: { 'content-type': f.type }, body: new TextEncoder().encode(f.body) };
      },
    });
  })();
  void (async () => {
    const socket = await a.tcp.connect('10.0.0.2', 80, { noDelay: true });
    const client = connectHttp2(socket, { clock, deferred, authority: '10.0.0.2' });
    await client.request({ path: '/' });
    await client.request({ path: '/style.css' });
    await client.close();
  })();
  await sim.run();
  return frames;
}
