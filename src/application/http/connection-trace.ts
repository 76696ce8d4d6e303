/**
 * The `http.connection` trace event, as both ends of HTTP/1.x report it: a connection
 * opened (no exchanges yet) or closed (how many exchanges it carried and why), with the
 * peer named `address:port` the way netstat and the tour print it.
 */
import type { Time } from '../../sim/time.ts';
import type { TraceBus, TraceEventMap } from '../../sim/trace.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import './trace-events.ts';

/** The far end of a stream, `address:port`. */
export function peerOf(stream: ByteStream): string {
  return `${stream.remote.address}:${stream.remote.port}`;
}

/** Emits `event` at `time` when anyone listens for `http.connection`. */
export function traceHttpConnection(
  trace: TraceBus,
  time: Time,
  event: TraceEventMap['http.connection'],
): void {
  if (trace.wants('http.connection')) trace.emit({ type: 'http.connection', time, ...event });
}
