import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { StreamError } from '../transport/byte-stream.ts';
import { connectNet, listenNet, NetStream } from './net-stream.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

async function readAll(read: () => Promise<Uint8Array | null>): Promise<string> {
  let text = '';
  for (let c = await read(); c !== null; c = await read()) text += dec(c);
  return text;
}

describe('NetStream over real loopback sockets', () => {
  it('echoes bytes, half-closes, and reads null at the end', async () => {
    const listener = await listenNet(0, async (s) => {
      const got = await readAll(() => s.read());
      await s.write(enc(got.toUpperCase()));
      s.close();
    });
    try {
      const c = await connectNet('127.0.0.1', listener.port);
      expect(c.remote.port).toBe(listener.port);
      await c.write(enc('hello '));
      await c.write(enc('world'));
      await c.end();
      expect(await readAll(() => c.read())).toBe('HELLO WORLD');
      c.close();
    } finally {
      await listener.close();
    }
  });

  it('moves a megabyte with back-pressure intact', async () => {
    const size = 1 << 20;
    const listener = await listenNet(0, async (s) => {
      let n = 0;
      for (let c = await s.read(); c !== null; c = await s.read()) n += c.length;
      await s.write(enc(String(n)));
      s.close();
    });
    try {
      const c = await connectNet('127.0.0.1', listener.port);
      const block = new Uint8Array(64 * 1024).fill(7);
      for (let sent = 0; sent < size; sent += block.length) await c.write(block);
      await c.end();
      expect(await readAll(() => c.read())).toBe(String(size));
    } finally {
      await listener.close();
    }
  });

  it('close() drains and drops what the peer still sends, and gives up on a peer that never sends FIN', async () => {
    // A raw peer that keeps writing and never ends its side.
    let peer: net.Socket | undefined;
    let peerClosed = false;
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      peer = s;
      s.on('error', () => {});
      s.on('close', () => {
        peerClosed = true;
      });
      const block = Buffer.alloc(64 * 1024, 1);
      const pump = () => {
        while (!s.destroyed && s.write(block)) {}
      };
      s.on('drain', pump);
      pump();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
      await new Promise<void>((r) => socket.once('connect', r));
      const stream = new NetStream(socket, 64 * 1024, 300);
      await new Promise((r) => setTimeout(r, 50));
      stream.close();
      expect(await stream.read()).toBeNull();
      const closedAt = Date.now();
      await new Promise<void>((r) => socket.once('close', () => r()));
      // Cut off by the linger (300 ms), not left open, and nothing was kept meanwhile.
      expect(Date.now() - closedAt).toBeLessThan(5000);
      expect(socket.destroyed).toBe(true);
      expect((stream as unknown as { buffered: number }).buffered).toBe(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(peerClosed || peer?.destroyed).toBe(true);
    } finally {
      peer?.destroy();
      await new Promise((r) => server.close(r));
    }
  });

  it('reports a refused connection with a typed error', async () => {
    const listener = await listenNet(0, () => {});
    const port = listener.port;
    await listener.close();
    const err = await connectNet('127.0.0.1', port).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamError);
    expect((err as StreamError).code).toBe('connection-refused');
  });

  it('many writes in flight add no listener per write (no MaxListenersExceeded warning)', async () => {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    let release!: () => void;
    const go = new Promise<void>((r) => {
      release = r;
    });
    const listener = await listenNet(0, async (s) => {
      await go; // let the client's writes pile up against a full socket buffer first
      let n = 0;
      for (let c = await s.read(); c !== null; c = await s.read()) n += c.length;
      await s.write(enc(String(n)));
      s.close();
    });
    try {
      const c = await connectNet('127.0.0.1', listener.port);
      const block = new Uint8Array(64 * 1024).fill(1);
      const writes = Array.from({ length: 64 }, () => c.write(block));
      expect(c.socket.listenerCount('error')).toBe(1);
      expect(c.socket.listenerCount('drain')).toBe(1);
      release();
      await Promise.all(writes);
      await c.end();
      expect(await readAll(() => c.read())).toBe(String(64 * block.length));
      c.close();
      await new Promise((r) => setImmediate(r));
      expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
    } finally {
      process.off('warning', onWarning);
      await listener.close();
    }
  });

  it('writes waiting for drain are rejected when the peer resets the connection', async () => {
    let accept!: (s: NetStream) => void;
    const accepted = new Promise<NetStream>((r) => {
      accept = r;
    });
    const listening = await listenNet(0, (s) => accept(s));
    try {
      const c = await connectNet('127.0.0.1', listening.port);
      const peer = await accepted;
      const block = new Uint8Array(256 * 1024).fill(2);
      const writes = Array.from({ length: 32 }, () =>
        c.write(block).then(
          () => 'ok',
          (e: unknown) => e,
        ),
      );
      peer.abort();
      const results = await Promise.all(writes);
      const failed = results.filter((r) => r !== 'ok');
      expect(failed.length).toBeGreaterThan(0);
      for (const f of failed) expect(f).toBeInstanceOf(StreamError);
      await expect(c.write(block)).rejects.toBeInstanceOf(StreamError);
      c.close();
    } finally {
      await listening.close();
    }
  });
});
