/**
 * The connection machine end to end, client and server machines back to back: the
 * handshake, requests and responses, stream states, flow control, PING, GOAWAY, resets,
 * CONTINUATION, push, priorities.
 */
import { describe, expect, it } from 'vitest';
import { Http2Connection } from './connection.ts';
import type { Http2Event } from './connection-events.ts';
import { ErrorCode } from './error-codes.ts';
import type { Frame } from './frame.ts';
import { MILLISECOND } from '../../sim/time.ts';
import { connectedPair, get, RawPeer } from './test-helpers.ts';

const text = (s: string) => new TextEncoder().encode(s);
const ok = [{ name: ':status', value: '200' }];

function summary(f: Frame): string {
  switch (f.type) {
    case 'SETTINGS':
      return f.ack ? 'SETTINGS ack' : `SETTINGS ${f.settings.map(([id, v]) => `${id}=${v}`).join(',')}`;
    case 'WINDOW_UPDATE':
      return `WINDOW_UPDATE ${f.streamId} +${f.increment}`;
    case 'HEADERS':
      return `HEADERS ${f.streamId}${f.endStream ? ' end' : ''}`;
    case 'DATA':
      return `DATA ${f.streamId} ${f.data.length}${f.endStream ? ' end' : ''}`;
    case 'RST_STREAM':
      return `RST_STREAM ${f.streamId} ${f.errorCode}`;
    case 'GOAWAY':
      return `GOAWAY ${f.lastStreamId} ${f.errorCode}`;
    case 'PUSH_PROMISE':
      return `PUSH_PROMISE ${f.streamId} -> ${f.promisedStreamId}`;
    default:
      return f.type;
  }
}

function bodyOf(events: Http2Event[], streamId: number): string {
  return events
    .filter((e) => e.type === 'data' && e.streamId === streamId)
    .map((e) => (e.type === 'data' ? new TextDecoder().decode(e.data) : ''))
    .join('');
}

describe('HTTP/2 connection: handshake', () => {
  it('exchanges preface, SETTINGS, connection window and ACKs', () => {
    const p = connectedPair();
    expect(p.sent.client.map(summary)).toEqual([
      'SETTINGS 3=100,6=65536,9=1',
      'WINDOW_UPDATE 0 +983041',
      'SETTINGS ack',
    ]);
    expect(p.sent.server.map(summary)).toEqual([
      'SETTINGS 2=0,3=100,6=65536,9=1',
      'WINDOW_UPDATE 0 +983041',
      'SETTINGS ack',
    ]);
    expect(p.events.client.map((e) => e.type)).toEqual(['settings', 'settings-acked']);
    expect(p.events.server.map((e) => e.type)).toEqual(['settings', 'settings-acked']);
    expect(p.client.remoteSettings.maxConcurrentStreams).toBe(100);
    expect(p.client.remoteSettings.enablePush).toBe(false);
    expect(p.server.remoteSettings.enablePush).toBe(true);
    expect(p.client.pollAt()).toBeUndefined(); // nothing left to be acknowledged
  });

  it('fails with SETTINGS_TIMEOUT when the peer never acknowledges', () => {
    const c = new Http2Connection({ role: 'client', limits: { settingsTimeout: 5 * MILLISECOND } });
    c.initiate(0);
    const peer = new RawPeer(c);
    peer.read();
    expect(c.pollAt()).toBe(5 * MILLISECOND);
    c.handleTimeout(4 * MILLISECOND);
    expect(c.state).toBe('open');
    c.handleTimeout(5 * MILLISECOND);
    expect(c.state).toBe('closed');
    expect(peer.goaway()?.errorCode).toBe(ErrorCode.SETTINGS_TIMEOUT);
  });
});

describe('HTTP/2 connection: requests and responses', () => {
  it('carries a request and a response, walking both sides through the stream states', () => {
    const p = connectedPair();
    const states: Record<string, string[]> = { client: [], server: [] };
    p.client.observer = {
      ...p.client.observer,
      stream: (id, from, to, ev) => states.client!.push(`${id} ${from} -${ev}-> ${to}`),
    };
    p.server.observer = {
      ...p.server.observer,
      stream: (id, from, to, ev) => states.server!.push(`${id} ${from} -${ev}-> ${to}`),
    };
    const id = p.client.request(get('/hello'), { endStream: true });
    expect(id).toBe(1);
    p.pump();
    const req = p.events.server.find((e) => e.type === 'headers');
    expect(req).toMatchObject({
      type: 'headers',
      streamId: 1,
      kind: 'request',
      endStream: true,
      headers: get('/hello'),
    });
    p.server.respond(1, [...ok, { name: 'content-length', value: '5' }]);
    p.server.sendData(1, text('hello'), true);
    p.pump();
    expect(p.events.client.filter((e) => 'streamId' in e && e.streamId === 1).map((e) => e.type)).toEqual([
      'headers',
      'data',
      'stream-closed',
    ]);
    expect(bodyOf(p.events.client, 1)).toBe('hello');
    expect(states.client).toEqual([
      '1 idle -send-headers-> open',
      '1 open -send-end-stream-> half-closed-local',
      '1 half-closed-local -recv-end-stream-> closed',
    ]);
    expect(states.server).toEqual([
      '1 idle -recv-headers-> open',
      '1 open -recv-end-stream-> half-closed-remote',
      '1 half-closed-remote -send-headers-> half-closed-remote',
      '1 half-closed-remote -send-end-stream-> closed',
    ]);
    expect(p.client.streamState(1)).toBe('closed');
    expect(p.client.streamState(3)).toBe('idle');
  });

  it('multiplexes many streams, each response arriving whole on its own stream', () => {
    const p = connectedPair();
    const ids = Array.from({ length: 50 }, (_, i) => p.client.request(get(`/r/${i}`), { endStream: true }));
    expect(ids).toEqual(Array.from({ length: 50 }, (_, i) => 2 * i + 1));
    p.pump();
    // Answer in reverse order, bodies interleaving on the wire.
    for (const id of [...ids].reverse()) {
      p.server.respond(id, ok);
      p.server.sendData(id, text(`body of ${id} `.repeat(200)), true);
    }
    p.pump();
    for (const id of ids) expect(bodyOf(p.events.client, id)).toBe(`body of ${id} `.repeat(200));
    expect(p.events.client.filter((e) => e.type === 'stream-closed')).toHaveLength(50);
    expect(p.client.activeLocalStreams).toBe(0);
  });

  it('delivers request bodies and trailers to the server', () => {
    const p = connectedPair();
    p.client.request([...get('/upload'), { name: 'te', value: 'trailers' }]);
    p.client.sendData(1, text('part one, '));
    p.client.sendData(1, text('part two'));
    p.client.sendTrailers(1, [{ name: 'x-checksum', value: 'abc' }]);
    p.pump();
    expect(bodyOf(p.events.server, 1)).toBe('part one, part two');
    const trailers = p.events.server.find((e) => e.type === 'headers' && e.kind === 'trailers');
    expect(trailers).toMatchObject({ headers: [{ name: 'x-checksum', value: 'abc' }], endStream: true });
  });

  it('passes informational responses before the final one', () => {
    const p = connectedPair();
    p.client.request(get('/'), { endStream: true });
    p.pump();
    p.server.respond(1, [
      { name: ':status', value: '103' },
      { name: 'link', value: '</a.css>; rel=preload' },
    ]);
    p.server.respond(1, ok, true);
    p.pump();
    const kinds = p.events.client.flatMap((e) => (e.type === 'headers' ? [e.kind] : []));
    expect(kinds).toEqual(['informational', 'response']);
  });

  it('splits a header block larger than the peer’s frame size into HEADERS + CONTINUATION', () => {
    const p = connectedPair({ hpack: { huffman: 'never', indexing: 'none' } });
    const big = get('/', [{ name: 'x-big', value: 'v'.repeat(40_000) }]);
    p.client.request(big, { endStream: true });
    p.pump();
    const frames = p.sent.client.filter((f) => f.type === 'HEADERS' || f.type === 'CONTINUATION');
    expect(frames.map((f) => f.type)).toEqual(['HEADERS', 'CONTINUATION', 'CONTINUATION']);
    expect(p.events.server.find((e) => e.type === 'headers')).toMatchObject({ headers: big });
  });
});

describe('HTTP/2 connection: flow control (§6.9)', () => {
  it('stops at the stream window until the receiver consumes, then resumes with WINDOW_UPDATE', () => {
    const p = connectedPair();
    p.client.request(get('/big'), { endStream: true });
    p.pump();
    p.server.respond(1, ok);
    p.server.sendData(1, new Uint8Array(200_000).fill(1), true);
    p.pump();
    const received = () =>
      p.events.client.reduce((n, e) => n + (e.type === 'data' && e.streamId === 1 ? e.data.length : 0), 0);
    expect(received()).toBe(65535); // the default initial window
    expect(p.server.bufferedAmount(1)).toBe(200_000 - 65535);
    let consumed = 0;
    for (let i = 0; i < 10 && received() < 200_000; i++) {
      p.client.consume(1, received() - consumed);
      consumed = received();
      p.pump();
    }
    expect(received()).toBe(200_000);
    expect(p.sent.client.some((f) => f.type === 'WINDOW_UPDATE' && f.streamId === 1)).toBe(true);
  });

  it('honours the connection window across streams', () => {
    const p = connectedPair({ settings: { initialWindowSize: 1 << 20 } });
    for (let i = 0; i < 3; i++) p.client.request(get(`/${i}`), { endStream: true });
    p.pump();
    for (const id of [1, 3, 5]) {
      p.server.respond(id, ok);
      p.server.sendData(id, new Uint8Array(600_000), true);
    }
    p.pump();
    const total = p.events.client.reduce((n, e) => n + (e.type === 'data' ? e.data.length : 0), 0);
    expect(total).toBe(1 << 20); // the client's connection window, 1 MiB
  });

  it('applies a SETTINGS_INITIAL_WINDOW_SIZE change to open streams, even below zero (§6.9.2)', () => {
    const p = connectedPair();
    p.client.request(get('/'), { endStream: true });
    p.pump();
    p.server.respond(1, ok);
    p.server.sendData(1, new Uint8Array(200_000), true);
    p.pump();
    expect(p.server.sendWindow(1)).toBe(0);
    p.client.updateSettings({ initialWindowSize: 16_384 }, 0);
    p.pump();
    // The window was 0 after 65535 octets; the change takes it to -49151, and returning
    // the 65535 consumed octets brings it to 16384: that much more may come.
    p.client.consume(1, 65535);
    p.pump();
    const got = p.events.client.reduce((n, e) => n + (e.type === 'data' ? e.data.length : 0), 0);
    expect(got).toBe(65535 + 65535 - 49151);
  });
});

describe('HTTP/2 connection: PING, GOAWAY, RST_STREAM', () => {
  it('answers PING and measures the round trip', () => {
    const p = connectedPair();
    p.client.ping(1_000, new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    p.pump(4_000);
    expect(p.events.client.find((e) => e.type === 'ping-ack')).toEqual({
      type: 'ping-ack',
      data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
      rtt: 3_000,
    });
  });

  it('graceful GOAWAY: streams up to the last id finish, later ones are refused, then it closes', () => {
    const p = connectedPair();
    p.client.request(get('/a'), { endStream: true });
    p.pump();
    p.client.request(get('/b'), { endStream: true }); // in flight when the server says GOAWAY
    p.server.goAway();
    p.pump();
    const refused = p.events.client.find((e) => e.type === 'stream-closed' && e.streamId === 3);
    expect(refused).toMatchObject({ reset: { errorCode: ErrorCode.REFUSED_STREAM, by: 'remote' } });
    expect(p.client.canOpenStream).toBe(false);
    p.server.respond(1, ok, true);
    p.pump();
    expect(p.events.client.some((e) => e.type === 'headers' && e.streamId === 1)).toBe(true);
    expect(p.server.state).toBe('closed');
    expect(p.client.state).toBe('closed');
    expect(p.sent.server.find((f) => f.type === 'GOAWAY')).toMatchObject({ lastStreamId: 1, errorCode: 0 });
  });

  it('RST_STREAM closes one stream and drops what was queued on it', () => {
    const p = connectedPair();
    p.client.request(get('/a'), { endStream: true });
    p.client.request(get('/b'), { endStream: true });
    p.pump();
    p.server.respond(1, ok);
    p.server.respond(3, ok);
    p.server.sendData(1, new Uint8Array(100_000), true);
    p.server.sendData(3, text('fine'), true);
    p.client.resetStream(1, ErrorCode.CANCEL);
    p.pump();
    expect(p.events.server.find((e) => e.type === 'stream-closed' && e.streamId === 1)).toMatchObject({
      reset: { errorCode: ErrorCode.CANCEL, by: 'remote' },
    });
    expect(p.server.bufferedAmount(1)).toBe(0);
    expect(bodyOf(p.events.client, 3)).toBe('fine');
    expect(p.client.state).toBe('open');
  });
});

describe('HTTP/2 connection: server push (§8.4)', () => {
  it('promises, then pushes a response the client receives on the promised stream', () => {
    const p = connectedPair();
    p.client.request(get('/index.html'), { endStream: true });
    p.pump();
    const promised = p.server.push(1, get('/style.css'));
    expect(promised).toBe(2);
    p.server.respond(1, ok);
    p.server.sendData(1, text('<link rel=stylesheet href=/style.css>'), true);
    p.server.respond(2, [...ok, { name: 'content-type', value: 'text/css' }]);
    p.server.sendData(2, text('body{}'), true);
    p.pump();
    expect(p.sent.server.map(summary).filter((s) => /PUSH|HEADERS|DATA/.test(s))).toEqual([
      'PUSH_PROMISE 1 -> 2',
      'HEADERS 1',
      'HEADERS 2',
      'DATA 1 37 end',
      'DATA 2 6 end',
    ]);
    expect(p.events.client.find((e) => e.type === 'push-promise')).toMatchObject({
      streamId: 1,
      promisedStreamId: 2,
      headers: get('/style.css'),
    });
    expect(bodyOf(p.events.client, 2)).toBe('body{}');
  });

  it('does not push when the client disabled push', () => {
    const p = connectedPair({ settings: { enablePush: false } });
    p.client.request(get('/'), { endStream: true });
    p.pump();
    expect(p.server.push(1, get('/a.css'))).toBe(0);
  });

  it('a client that refuses a push resets the promised stream only', () => {
    const p = connectedPair();
    p.client.request(get('/'), { endStream: true });
    p.pump();
    p.server.push(1, get('/cached.css'));
    p.pump();
    p.client.resetStream(2, ErrorCode.CANCEL);
    p.server.respond(1, ok, true);
    p.pump();
    expect(p.events.server.find((e) => e.type === 'stream-closed' && e.streamId === 2)).toMatchObject({
      reset: { errorCode: ErrorCode.CANCEL },
    });
    expect(p.events.client.some((e) => e.type === 'headers' && e.streamId === 1)).toBe(true);
  });
});

describe('HTTP/2 connection: priorities (RFC 9218)', () => {
  function dataOrder(p: ReturnType<typeof connectedPair>): number[] {
    const order: number[] = [];
    for (const f of p.sent.server)
      if (f.type === 'DATA' && order.at(-1) !== f.streamId) order.push(f.streamId);
    return order;
  }

  it('sends the most urgent response first, and non-incremental ones one after another', () => {
    const p = connectedPair({ settings: { initialWindowSize: 1 << 20 } });
    p.client.request(get('/img', [{ name: 'priority', value: 'u=5' }]), { endStream: true });
    p.client.request(get('/css', [{ name: 'priority', value: 'u=0' }]), { endStream: true });
    p.client.request(get('/js', [{ name: 'priority', value: 'u=1' }]), { endStream: true });
    p.client.request(get('/js2', [{ name: 'priority', value: 'u=1' }]), { endStream: true });
    p.pump();
    expect(p.events.server.flatMap((e) => (e.type === 'headers' ? [e.priority?.urgency] : []))).toEqual([
      5, 0, 1, 1,
    ]);
    for (const id of [1, 3, 5, 7]) {
      p.server.respond(id, ok);
      p.server.sendData(id, new Uint8Array(50_000), true);
    }
    p.pump();
    expect(dataOrder(p)).toEqual([3, 5, 7, 1]);
  });

  it('shares bandwidth among incremental responses of one urgency, frame by frame', () => {
    const p = connectedPair({ settings: { initialWindowSize: 1 << 20 } });
    for (let i = 0; i < 2; i++)
      p.client.request(get(`/v${i}`, [{ name: 'priority', value: 'u=3, i' }]), { endStream: true });
    p.pump();
    for (const id of [1, 3]) {
      p.server.respond(id, ok);
      p.server.sendData(id, new Uint8Array(16384 * 3), true);
    }
    p.pump();
    expect(dataOrder(p)).toEqual([1, 3, 1, 3, 1, 3]);
  });

  it('PRIORITY_UPDATE reorders responses already queued', () => {
    const p = connectedPair({ settings: { initialWindowSize: 1 << 20 } });
    p.client.request(get('/a'), { endStream: true });
    p.client.request(get('/b'), { endStream: true });
    p.pump();
    p.client.setPriority(3, { urgency: 0, incremental: false }, 'u=0');
    p.pump();
    expect(p.events.server.find((e) => e.type === 'priority-update')).toMatchObject({
      streamId: 3,
      priority: { urgency: 0, incremental: false },
    });
    for (const id of [1, 3]) {
      p.server.respond(id, ok);
      p.server.sendData(id, new Uint8Array(40_000), true);
    }
    p.pump();
    expect(dataOrder(p)).toEqual([3, 1]);
  });
});
