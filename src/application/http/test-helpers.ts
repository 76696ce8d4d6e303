/**
 * Helpers shared by the HTTP tests: bytes from text, and running a parser to completion
 * into a plain, comparable list of events (data merged per message, since how a body is
 * split into data events depends on how the bytes arrived).
 */
import type { Clock } from '../../sim/clock.ts';
import { simClock } from '../../sim/clock.ts';
import { Simulator } from '../../sim/simulator.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';
import { memoryPipe } from '../../transport/memory-pipe.ts';
import { HttpParseError } from './http-error.ts';
import { HttpServer, type HttpServerOptions } from './http-server.ts';
import { latin1, latin1Bytes } from './field-syntax.ts';
import type { RequestHead, ResponseHead } from './message.ts';
import type { RequestParser, ResponseParser } from './message-parser.ts';

/** Bytes of a binary string (chars U+0000-U+00FF). */
export const bytes = latin1Bytes;

/** A binary string of bytes. */
export function text(b: Uint8Array): string {
  return latin1(b, 0, b.length);
}

export type PlainEvent =
  | { kind: 'head'; start: string; headers: [string, string][]; framing: string; headBytes: number }
  | { kind: 'body'; data: string }
  | { kind: 'end'; trailers: [string, string][] }
  | { kind: 'eof' }
  | { kind: 'error'; code: string; status: number; offset: number | undefined };

function startOf(head: RequestHead | ResponseHead): string {
  return 'method' in head
    ? `${head.method} ${head.target} HTTP/${head.version}`
    : `HTTP/${head.version} ${head.status} ${head.reason}`;
}

/** Pulls every event the parser has now; body data merged into one 'body' event per run. */
export function drain(parser: RequestParser | ResponseParser, out: PlainEvent[] = []): PlainEvent[] {
  for (;;) {
    const ev = parser.next();
    if (ev === null) return out;
    if (ev instanceof HttpParseError) {
      const last = out[out.length - 1];
      if (!(last?.kind === 'error'))
        out.push({ kind: 'error', code: ev.code, status: ev.status, offset: ev.offset });
      return out;
    }
    switch (ev.kind) {
      case 'head':
        out.push({
          kind: 'head',
          start: startOf(ev.head),
          headers: ev.head.headers.entries(),
          framing: ev.framing.kind === 'length' ? `length ${ev.framing.length}` : ev.framing.kind,
          headBytes: ev.headBytes,
        });
        break;
      case 'data': {
        const last = out[out.length - 1];
        if (last?.kind === 'body') last.data += text(ev.data);
        else out.push({ kind: 'body', data: text(ev.data) });
        break;
      }
      case 'end':
        out.push({ kind: 'end', trailers: ev.trailers.entries() });
        break;
      case 'eof':
        out.push({ kind: 'eof' });
        return out;
    }
  }
}

/** Feeds `input` in the pieces given by `cuts` (offsets), draining after each, then ends it. */
export function parseInPieces(
  parser: RequestParser | ResponseParser,
  input: Uint8Array,
  cuts: readonly number[],
  end = true,
): PlainEvent[] {
  const out: PlainEvent[] = [];
  const points = [...new Set(cuts.filter((c) => c > 0 && c < input.length))].sort((a, b) => a - b);
  let at = 0;
  for (const p of [...points, input.length]) {
    parser.feed(input.subarray(at, p));
    at = p;
    drain(parser, out);
  }
  if (end) {
    parser.feedEnd();
    drain(parser, out);
  }
  return out;
}

/** Reads everything a stream delivers until it ends (or `max` reads), as one binary string. */
export async function readAll(stream: ByteStream, max = 10_000): Promise<string> {
  let out = '';
  for (let i = 0; i < max; i++) {
    const chunk = await stream.read();
    if (chunk === null) return out;
    out += text(chunk);
  }
  return out;
}

/** A simulation with an HttpServer reachable through memory pipes. */
export function simServer(
  handler: HttpServerOptions['handler'],
  options: Partial<HttpServerOptions> = {},
): { sim: Simulator; clock: Clock; server: HttpServer; connect: () => ByteStream } {
  const sim = new Simulator({ seed: 1 });
  const clock = simClock(sim);
  const server = new HttpServer({ handler, clock, trace: sim.trace, node: 'web', ...options });
  let port = 40000;
  const connect = (): ByteStream => {
    const { a, b } = memoryPipe({
      deferred: () => sim.deferred(),
      a: { address: '10.0.0.1', port: port++ },
      b: { address: '10.0.0.2', port: 80 },
    });
    void server.serve(b);
    return a;
  };
  return { sim, clock, server, connect };
}
