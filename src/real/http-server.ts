/**
 * `netlab serve http`: the project's HTTP/1.x server (src/application/http) on a real
 * TCP port, serving a real directory (or any handler), so real curl, browsers and load
 * generators talk to it. Keep-alive and pipelining work as in the simulator: it is the
 * same code over node:net sockets (net-stream.ts) and the host's clock.
 */
import type { HttpHandler } from '../application/http/router.ts';
import { Router } from '../application/http/router.ts';
import { HttpServer, type HttpServerOptions } from '../application/http/http-server.ts';
import { staticFiles, type StaticFilesOptions } from '../application/http/static-files.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { TraceBus } from '../sim/trace.ts';
import { type DirectoryFilesOptions, directoryFiles } from './http-directory.ts';
import { listenNet } from './net-stream.ts';
import { realClock } from './real-clock.ts';

export interface ServeHttpOptions
  extends Partial<Omit<HttpServerOptions, 'handler' | 'clock' | 'wallClock'>> {
  /** TCP port; 0 picks a free one (see the handle's `port`). */
  readonly port: number;
  /** Address to bind. Default '127.0.0.1'. */
  readonly host?: string;
  /** A directory to serve. */
  readonly root?: string;
  /** Or a handler; with `root` too it must be a Router, and the directory answers what its routes do not. */
  readonly handler?: HttpHandler | Router;
  readonly staticOptions?: StaticFilesOptions;
  /** How `root` is read: the cache's bounds (http-directory.ts), or none. */
  readonly files?: DirectoryFilesOptions;
}

export interface HttpServerHandle {
  readonly port: number;
  readonly address: string;
  readonly server: HttpServer;
  /** Stops listening and closes every connection. */
  close(): Promise<void>;
}

/**
 * The project's HTTP server for real mode: a directory, a handler, or a Router with the
 * directory answering what its routes do not; the host's clock and wall clock. `serve
 * http` and `serve https` (https-server.ts) differ only in what carries the bytes.
 */
export function realHttpServer(
  what: string,
  root: string | undefined,
  handler: HttpHandler | Router | undefined,
  staticOptions: StaticFilesOptions | undefined,
  rest: Partial<Omit<HttpServerOptions, 'handler' | 'clock' | 'wallClock'>>,
  files?: DirectoryFilesOptions,
): HttpServer {
  let h: HttpHandler | Router;
  if (root !== undefined && handler !== undefined) {
    if (!(handler instanceof Router)) {
      throw new NetlabError(
        'http-bad-option',
        'with a root directory, the handler must be a Router (files are its fallback)',
      );
    }
    h = handler.fallback(staticFiles(directoryFiles(root, files), staticOptions));
  } else if (root !== undefined) {
    h = staticFiles(directoryFiles(root, files), staticOptions);
  } else if (handler !== undefined) {
    h = handler;
  } else {
    throw new NetlabError('http-no-handler', `${what} needs a root directory or a handler`);
  }
  return new HttpServer({
    ...rest,
    handler: h,
    clock: realClock,
    trace: rest.trace ?? new TraceBus(),
    node: rest.node ?? 'localhost',
    wallClock: () => Date.now(),
  });
}

export async function serveHttp(options: ServeHttpOptions): Promise<HttpServerHandle> {
  const { port, host, root, handler, staticOptions, files, ...rest } = options;
  const server = realHttpServer('serveHttp', root, handler, staticOptions, rest, files);
  const listener = await listenNet(
    port,
    (stream) => {
      // Each response is written whole, in one write: nothing to gain from Nagle's
      // algorithm, and a pipelined burst must not wait for the peer's delayed ACK.
      stream.socket.setNoDelay(true);
      return server.serve(stream);
    },
    host ?? '127.0.0.1',
  );
  return {
    port: listener.port,
    address: listener.address,
    server,
    close: async () => {
      server.close();
      await listener.close();
    },
  };
}
