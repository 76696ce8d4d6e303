/**
 * What an HTTP/2 client and a server connection share: one machine (connection.ts) run
 * over one stream by a session (session.ts), whose events each side handles its own way,
 * and the `h2.exchange` trace of every exchange it finishes.
 */
import type { ByteStream } from '../../transport/byte-stream.ts';
import type { Http2Connection } from './connection.ts';
import type { Http2Event } from './connection-events.ts';
import { Http2Session, type Http2SessionOptions } from './session.ts';

export abstract class Http2Endpoint {
  readonly session: Http2Session;

  protected constructor(
    readonly conn: Http2Connection,
    stream: ByteStream,
    private readonly sessionOptions: Http2SessionOptions,
  ) {
    this.session = new Http2Session(conn, stream, sessionOptions);
    this.session.onEvent = (e) => this.onEvent(e);
  }

  /** Resolves once the connection is over and the transport closed. */
  get closed(): Promise<void> {
    return this.session.closed;
  }

  /** Sends the preface and SETTINGS and starts reading. */
  start(): this {
    this.session.start();
    return this;
  }

  protected abstract onEvent(e: Http2Event): void;

  /** Reports one finished exchange (`h2.exchange`) as this side saw it, when traced. */
  protected traceExchange(
    streamId: number,
    method: string,
    path: string,
    status: number,
    pushed: boolean,
    bodyBytes: number,
  ): void {
    const t = this.sessionOptions.trace;
    if (!t?.bus.wants('h2.exchange')) return;
    t.bus.emit({
      type: 'h2.exchange',
      time: this.session.clock.now(),
      node: t.node,
      side: this.conn.role,
      connection: t.connection,
      streamId,
      method,
      path,
      status,
      pushed,
      bodyBytes,
    });
  }
}
