/**
 * Helpers for the HTTP/2 machine tests: a client and a server machine wired back to
 * back in memory, and a scripted raw peer that writes frames byte for byte (for the
 * hostile-input tests). Environment-neutral, used by tests only.
 */
import { Http2Connection } from './connection.ts';
import type { Http2Event } from './connection-events.ts';
import type { Http2ConnectionOptions } from './connection-options.ts';
import type { Frame } from './frame.ts';
import { serializeFrame } from './frame-codec.ts';
import { FrameReader } from './frame-reader.ts';
import { H2Error } from './h2-error.ts';
import { HpackEncoder } from './hpack/encoder.ts';
import type { HeaderField } from './hpack/header-field.ts';
import { CLIENT_PREFACE } from './preface.ts';

export type Side = 'client' | 'server';

export interface Pair {
  readonly client: Http2Connection;
  readonly server: Http2Connection;
  /** Everything each side reported, in order. */
  readonly events: Record<Side, Http2Event[]>;
  /** Every frame each side sent, in order, as parsed by the other side's reader. */
  readonly sent: Record<Side, Frame[]>;
  /** Moves bytes both ways until neither side has anything to send. */
  pump(now?: number): void;
}

export function connectedPair(
  client: Partial<Http2ConnectionOptions> = {},
  server: Partial<Http2ConnectionOptions> = {},
  now = 0,
): Pair {
  const c = new Http2Connection({ ...client, role: 'client' });
  const s = new Http2Connection({ ...server, role: 'server' });
  const events: Record<Side, Http2Event[]> = { client: [], server: [] };
  const sent: Record<Side, Frame[]> = { client: [], server: [] };
  c.observer = { frame: (dir, _h, f) => dir === 'sent' && sent.client.push(f) };
  s.observer = { frame: (dir, _h, f) => dir === 'sent' && sent.server.push(f) };
  c.initiate(now);
  s.initiate(now);
  const pair: Pair = {
    client: c,
    server: s,
    events,
    sent,
    pump(at = now) {
      for (let round = 0; round < 10_000; round++) {
        let moved = false;
        for (const [from, to] of [
          [c, s],
          [s, c],
        ] as const) {
          for (let out = from.takeOutput(); out !== null; out = from.takeOutput()) {
            to.receive(out.slice(), at);
            moved = true;
          }
        }
        events.client.push(...c.takeEvents());
        events.server.push(...s.takeEvents());
        if (!moved) return;
      }
      throw new Error('pump did not settle');
    },
  };
  pair.pump();
  return pair;
}

/** Every frame in `bytes` (a client's bytes start with the preface). */
export function framesIn(bytes: Uint8Array, preface = false): Frame[] {
  const reader = new FrameReader({ expectPreface: preface, maxFrameSize: (1 << 24) - 1 });
  reader.push(bytes);
  const out: Frame[] = [];
  for (let r = reader.next(); r !== null; r = reader.next()) {
    if (r instanceof H2Error) throw new Error(`unparseable output: ${r}`);
    out.push(r.frame);
  }
  return out;
}

/** Drains a machine's output as frames. */
export function drainFrames(conn: Http2Connection): Frame[] {
  const out: Frame[] = [];
  const reader = new FrameReader({ expectPreface: conn.role === 'client', maxFrameSize: (1 << 24) - 1 });
  for (let b = conn.takeOutput(); b !== null; b = conn.takeOutput()) reader.push(b.slice());
  for (let r = reader.next(); r !== null; r = reader.next()) {
    if (r instanceof H2Error) throw new Error(`unparseable output: ${r}`);
    out.push(r.frame);
  }
  return out;
}

/**
 * A scripted peer that talks to one machine with hand-made frames. It has its own HPACK
 * encoder so header blocks it writes stay decodable.
 */
export class RawPeer {
  readonly encoder = new HpackEncoder({ huffman: 'never' });
  /** Frames the machine sent, parsed. */
  readonly received: Frame[] = [];
  private readonly reader: FrameReader;

  constructor(
    readonly conn: Http2Connection,
    private now = 0,
  ) {
    this.reader = new FrameReader({ expectPreface: conn.role === 'client', maxFrameSize: (1 << 24) - 1 });
    if (conn.state === 'idle') conn.initiate(now);
  }

  /** Opens the connection as a peer would: preface (to a server) and SETTINGS, then ACKs. */
  handshake(settings: readonly (readonly [number, number])[] = []): this {
    if (this.conn.role === 'server') this.bytes(CLIENT_PREFACE);
    this.send({ type: 'SETTINGS', ack: false, settings });
    this.send({ type: 'SETTINGS', ack: true, settings: [] });
    this.read();
    return this;
  }

  bytes(b: Uint8Array): this {
    this.conn.receive(b, this.now);
    return this;
  }

  send(...frames: Frame[]): this {
    for (const f of frames) this.bytes(serializeFrame(f));
    return this;
  }

  /** HEADERS with END_HEADERS carrying `headers`. */
  headers(streamId: number, headers: HeaderField[], endStream = true): this {
    return this.send({
      type: 'HEADERS',
      streamId,
      endStream,
      endHeaders: true,
      fragment: this.encoder.encode(headers),
    });
  }

  at(now: number): this {
    this.now = now;
    return this;
  }

  /** Frames the machine sent since the last call. */
  read(): Frame[] {
    for (let b = this.conn.takeOutput(); b !== null; b = this.conn.takeOutput()) this.reader.push(b.slice());
    const out: Frame[] = [];
    for (let r = this.reader.next(); r !== null; r = this.reader.next()) {
      if (r instanceof H2Error) throw new Error(`unparseable output: ${r}`);
      out.push(r.frame);
    }
    this.received.push(...out);
    return out;
  }

  /** The GOAWAY the machine sent, if any (reads pending output first). */
  goaway(): { lastStreamId: number; errorCode: number; debug: string } | undefined {
    this.read();
    const g = this.received.find((f) => f.type === 'GOAWAY');
    if (g?.type !== 'GOAWAY') return undefined;
    return {
      lastStreamId: g.lastStreamId,
      errorCode: g.errorCode,
      debug: String.fromCharCode(...g.debugData),
    };
  }

  /** The RST_STREAM codes the machine sent, by stream. */
  resets(): [number, number][] {
    this.read();
    return this.received.flatMap((f) =>
      f.type === 'RST_STREAM' ? [[f.streamId, f.errorCode] as [number, number]] : [],
    );
  }
}

/** A GET request header list. */
export function get(path: string, extra: HeaderField[] = []): HeaderField[] {
  return [
    { name: ':method', value: 'GET' },
    { name: ':scheme', value: 'https' },
    { name: ':authority', value: 'example.test' },
    { name: ':path', value: path },
    ...extra,
  ];
}
