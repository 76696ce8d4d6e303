/**
 * Real TCP sockets (`node:net`) as `ByteStream`s, so the protocol code that runs over
 * simulated TCP runs unchanged over the host's network stack: `netlab serve ...` listens
 * with `listenNet`, `netlab curl ...` connects with `connectNet`.
 *
 * Reads are pull-based: incoming data is buffered up to `highWaterMark` bytes, then the
 * socket is paused until the application reads, so a slow reader applies TCP back-pressure
 * to the peer instead of growing memory. Writes resolve when the kernel took the bytes or,
 * when its buffer is full, after 'drain'; a write still waiting then is rejected by the
 * socket's own 'error' (or 'close') handler, so any number of writes in flight adds no
 * listener per write (Node warns past ten listeners of one event). Sockets are half-open capable (`allowHalfOpen`):
 * `end()` is shutdown(SHUT_WR), and the peer may go on writing, as ByteStream promises.
 */
import net from 'node:net';
import {
  type ByteStream,
  StreamError,
  type StreamErrorCode,
  type StreamEndpoint,
} from '../transport/byte-stream.ts';
import { takeFront } from '../transport/chunk-queue.ts';

const DEFAULT_HIGH_WATER = 256 * 1024;
/** nginx's lingering_time is 30 s; 10 s is plenty for a peer that is going to answer. */
const DEFAULT_CLOSE_LINGER_MS = 10_000;

function errorCode(err: NodeJS.ErrnoException): StreamErrorCode {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connection-refused';
    case 'ETIMEDOUT':
      return 'timed-out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unreachable';
    default:
      return 'connection-reset';
  }
}

function toStreamError(err: NodeJS.ErrnoException): StreamError {
  return new StreamError(errorCode(err), err.message);
}

export class NetStream implements ByteStream {
  readonly local: StreamEndpoint;
  readonly remote: StreamEndpoint;
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private ended = false;
  private closed = false;
  private error: StreamError | null = null;
  /** Writes the kernel has not taken yet, settled all at once by 'drain', 'error' or 'close'. */
  private readonly waitingWrites = new Set<{ resolve: () => void; reject: (e: unknown) => void }>();
  private reader: {
    resolve: (v: Uint8Array | null) => void;
    reject: (e: unknown) => void;
    max: number;
  } | null = null;

  constructor(
    readonly socket: net.Socket,
    private readonly highWaterMark = DEFAULT_HIGH_WATER,
    /** How long close() waits for the peer's FIN before it destroys the socket. */
    private readonly closeLingerMs = DEFAULT_CLOSE_LINGER_MS,
  ) {
    this.local = { address: socket.localAddress ?? '', port: socket.localPort ?? 0 };
    this.remote = { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 };
    socket.on('data', (data: Buffer) => {
      if (this.closed) return; // close() promised nobody reads on: drop it, keep draining
      const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered >= this.highWaterMark) socket.pause();
      this.wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('drain', () => this.settleWrites(null));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      this.error ??= toStreamError(err);
      this.settleWrites(this.error);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.settleWrites(this.error ?? new StreamError('stream-closed', 'the socket closed before the write'));
      this.wake();
    });
  }

  read(max = Number.POSITIVE_INFINITY): Promise<Uint8Array | null> {
    if (this.reader) return Promise.reject(new StreamError('concurrent-read', 'read() is already pending'));
    if (!(max >= 1)) throw new RangeError('read(max): max must be at least 1');
    return new Promise((resolve, reject) => {
      this.reader = { resolve, reject, max };
      this.wake();
    });
  }

  write(data: Uint8Array): Promise<void> {
    if (this.error) return Promise.reject(this.error);
    if (this.closed || this.socket.writableEnded || this.socket.destroyed) {
      return Promise.reject(new StreamError('stream-closed', 'write after end'));
    }
    return new Promise((resolve, reject) => {
      if (this.socket.write(data)) resolve();
      else this.waitingWrites.add({ resolve, reject });
    });
  }

  private settleWrites(error: StreamError | null): void {
    if (this.waitingWrites.size === 0) return;
    const waiting = [...this.waitingWrites];
    this.waitingWrites.clear();
    for (const w of waiting) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  end(): Promise<void> {
    if (!this.socket.writableEnded) this.socket.end();
    return Promise.resolve();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.chunks = [];
    this.buffered = 0;
    this.socket.end();
    // A lingering close, as web servers do it: drain (and drop) what is still coming until
    // the peer's FIN, so unread data does not make the kernel answer RST over our last
    // bytes; a peer that never sends FIN is cut off after the linger.
    this.socket.resume();
    if (!this.socket.destroyed) {
      const timer = setTimeout(() => this.socket.destroy(), this.closeLingerMs);
      timer.unref();
      this.socket.once('close', () => clearTimeout(timer));
    }
    const r = this.reader;
    this.reader = null;
    r?.resolve(null);
  }

  abort(): void {
    this.closed = true;
    this.error ??= new StreamError('connection-reset', 'connection aborted');
    this.socket.resetAndDestroy();
    this.wake();
  }

  private wake(): void {
    const r = this.reader;
    if (!r) return;
    if (this.chunks.length > 0) {
      this.reader = null;
      const out = takeFront(this.chunks, r.max);
      this.buffered -= out.length;
      if (this.buffered < this.highWaterMark && this.socket.isPaused()) this.socket.resume();
      r.resolve(out);
    } else if (this.error) {
      this.reader = null;
      r.reject(this.error);
    } else if (this.ended || this.closed) {
      this.reader = null;
      r.resolve(null);
    }
  }
}

export interface ConnectOptions {
  /** Give up after this many milliseconds. Default 10000. */
  readonly timeoutMs?: number;
}

/** Opens a real TCP connection. */
export function connectNet(host: string, port: number, options: ConnectOptions = {}): Promise<NetStream> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new StreamError('timed-out', `connect to ${host}:${port} timed out`));
    }, options.timeoutMs ?? 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', onError);
      resolve(new NetStream(socket));
    });
    const onError = (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(toStreamError(err));
    };
    socket.once('error', onError);
  });
}

export interface NetListener {
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly address: string;
  close(): Promise<void>;
}

/**
 * Listens on `host:port` (loopback by default) and hands every accepted connection to
 * `onStream`. Errors thrown by `onStream` close that connection only.
 */
export function listenNet(
  port: number,
  onStream: (stream: NetStream) => void | Promise<void>,
  host = '127.0.0.1',
): Promise<NetListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const stream = new NetStream(socket);
    Promise.resolve()
      .then(() => onStream(stream))
      .catch(() => stream.abort());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const addr = server.address() as net.AddressInfo;
      resolve({
        port: addr.port,
        address: addr.address,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
