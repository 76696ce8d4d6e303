/**
 * DNS over a byte stream (RFC 1035 §4.2.2, RFC 7766): every message is preceded by its
 * length as two octets. `DnsStreamDecoder` is the incremental parser (fed any chunking,
 * it yields the same messages); `serveDnsStream` answers the queries arriving on one
 * connection, in order, with pipelining allowed (RFC 7766 §6.2.1); `queryOverStream`
 * sends one query and waits for the answer with its ID.
 *
 * Limits: a message is at most 65535 octets by construction, so the decoder never holds
 * more than one partial message plus one chunk; a connection serves at most `maxQueries`
 * queries and is closed after `idleTimeout` without one (RFC 7766 §6.2.3).
 */
import { concatBytes } from '../../bytes/concat.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import type { Clock } from '../../sim/clock.ts';
import { SECOND, type Time } from '../../sim/time.ts';
import type { ByteStream } from '../../transport/byte-stream.ts';

/** The message with its two-octet length prefix. */
export function frameDnsMessage(message: Uint8Array): Uint8Array {
  if (message.length > 0xffff) throw new NetlabError('bad-message', 'a DNS message is at most 65535 octets');
  const out = new Uint8Array(message.length + 2);
  out[0] = message.length >> 8;
  out[1] = message.length & 0xff;
  out.set(message, 2);
  return out;
}

/** Splits a stream of length-prefixed messages, whatever the chunk boundaries. */
export class DnsStreamDecoder {
  private buf = new Uint8Array(0);

  /** Bytes held that do not yet form a whole message. */
  get pending(): number {
    return this.buf.length;
  }

  /** Adds received bytes; returns the messages they complete (copies, safe to keep). */
  push(chunk: Uint8Array): Uint8Array[] {
    const data = this.buf.length === 0 ? chunk : concatBytes([this.buf, chunk]);
    const out: Uint8Array[] = [];
    let at = 0;
    while (data.length - at >= 2) {
      const len = (data[at]! << 8) | data[at + 1]!;
      if (data.length - at - 2 < len) break;
      out.push(data.slice(at + 2, at + 2 + len));
      at += 2 + len;
    }
    this.buf = data.slice(at);
    return out;
  }
}

/** Reads until one whole message arrives; null at end of stream (or mid-message EOF). */
export async function readDnsMessage(
  stream: ByteStream,
  decoder: DnsStreamDecoder,
  queue: Uint8Array[],
): Promise<Uint8Array | null> {
  for (;;) {
    const next = queue.shift();
    if (next) return next;
    const chunk = await stream.read();
    if (chunk === null) return null;
    queue.push(...decoder.push(chunk));
  }
}

export interface ServeStreamOptions {
  readonly clock: Clock;
  /** Close a connection idle this long. Default 10 s (RFC 7766 §6.2.3 suggests seconds). */
  readonly idleTimeout?: Time;
  /** Most queries on one connection. Default 100. */
  readonly maxQueries?: number;
}

/** Answers the queries on one connection until EOF, idle timeout or the query limit. */
export async function serveDnsStream(
  stream: ByteStream,
  handle: (query: Uint8Array) => Uint8Array | null | Promise<Uint8Array | null>,
  options: ServeStreamOptions,
): Promise<void> {
  const decoder = new DnsStreamDecoder();
  const queue: Uint8Array[] = [];
  const idle = options.idleTimeout ?? 10 * SECOND;
  const max = options.maxQueries ?? 100;
  let served = 0;
  try {
    while (served < max) {
      let timedOut = false;
      const cancel = options.clock.setTimer(idle, () => {
        timedOut = true;
        stream.close();
      });
      const q = await readDnsMessage(stream, decoder, queue);
      cancel();
      if (q === null || timedOut) break;
      served++;
      const r = await handle(q);
      if (r) await stream.write(frameDnsMessage(r));
    }
  } catch {
    // A reset connection ends the conversation; nothing to answer.
  } finally {
    stream.close();
  }
}

/**
 * Writes `query` and reads messages until one carries `id`; gives up (null) after
 * `timeout`, on EOF, or after 16 unrelated messages.
 */
export async function queryOverStream(
  stream: ByteStream,
  query: Uint8Array,
  id: number,
  timeout: Time,
  clock: Clock,
): Promise<Uint8Array | null> {
  let timedOut = false;
  const cancel = clock.setTimer(timeout, () => {
    timedOut = true;
    stream.close();
  });
  try {
    await stream.write(frameDnsMessage(query));
    const decoder = new DnsStreamDecoder();
    const queue: Uint8Array[] = [];
    for (let i = 0; i < 16; i++) {
      const m = await readDnsMessage(stream, decoder, queue);
      if (m === null || timedOut) return null;
      if (m.length >= 2 && ((m[0]! << 8) | m[1]!) === id) return m;
    }
    return null;
  } catch {
    return null;
  } finally {
    cancel();
  }
}
