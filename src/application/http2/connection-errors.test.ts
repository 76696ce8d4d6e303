/**
 * Hostile and broken peers: every connection error class ends in GOAWAY with the RFC 9113
 * code, every stream error in RST_STREAM with its code, floods hit their limits, and
 * nothing throws. Each case is a scripted raw peer (test-helpers.ts) against one machine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../bytes/hex.ts';
import { MILLISECOND } from '../../sim/time.ts';
import { Http2Connection } from './connection.ts';
import type { Http2ConnectionOptions } from './connection-options.ts';
import { ErrorCode } from './error-codes.ts';
import type { Frame } from './frame.ts';
import { serializeFrame } from './frame-codec.ts';
import type { HeaderField } from './hpack/header-field.ts';
import { CLIENT_PREFACE } from './preface.ts';
import { get, RawPeer } from './test-helpers.ts';

const E = ErrorCode;

function server(options: Partial<Http2ConnectionOptions> = {}): RawPeer {
  return new RawPeer(new Http2Connection({ ...options, role: 'server' })).handshake();
}

function client(options: Partial<Http2ConnectionOptions> = {}): RawPeer {
  return new RawPeer(new Http2Connection({ ...options, role: 'client' })).handshake();
}

const frame = (f: Frame) => f;
const headers = (streamId: number, fields: HeaderField[], endStream = true, endHeaders = true) =>
  frame({
    type: 'HEADERS',
    streamId,
    endStream,
    endHeaders,
    fragment: new RawPeer(new Http2Connection({ role: 'client' })).encoder.encode(fields),
  });

describe('connection errors: GOAWAY with the right code', () => {
  it('an HTTP/1.1 request instead of the preface: PROTOCOL_ERROR', () => {
    const peer = new RawPeer(new Http2Connection({ role: 'server' }));
    peer.bytes(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    expect(peer.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
    expect(peer.conn.state).toBe('closed');
  });

  it('a first frame other than SETTINGS: PROTOCOL_ERROR (§3.4)', () => {
    const peer = new RawPeer(new Http2Connection({ role: 'server' }));
    peer.bytes(CLIENT_PREFACE).send({ type: 'PING', ack: false, data: new Uint8Array(8) });
    expect(peer.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
  });

  it.each<[string, (p: RawPeer) => void, number]>([
    [
      'a frame above SETTINGS_MAX_FRAME_SIZE',
      (p) => p.bytes(fromHex('00400100000000000001')),
      E.FRAME_SIZE_ERROR,
    ],
    [
      'DATA on an idle stream',
      (p) => p.send({ type: 'DATA', streamId: 1, endStream: false, data: new Uint8Array(1) }),
      E.PROTOCOL_ERROR,
    ],
    ['HEADERS on a server-initiated (even) stream', (p) => p.headers(2, get('/')), E.PROTOCOL_ERROR],
    [
      'HEADERS on a lower stream id than one already used (§5.1.1)',
      (p) => p.headers(5, get('/')).headers(3, get('/')),
      E.PROTOCOL_ERROR,
    ],
    [
      'CONTINUATION without a header block',
      (p) =>
        p.send({ type: 'CONTINUATION', streamId: 1, endHeaders: true, fragment: new Uint8Array([0x82]) }),
      E.PROTOCOL_ERROR,
    ],
    [
      'another frame inside a header block (§6.10)',
      (p) => p.send(headers(1, get('/'), true, false), { type: 'PING', ack: false, data: new Uint8Array(8) }),
      E.PROTOCOL_ERROR,
    ],
    [
      'CONTINUATION on another stream',
      (p) =>
        p.send(headers(1, get('/'), true, false), {
          type: 'CONTINUATION',
          streamId: 3,
          endHeaders: true,
          fragment: new Uint8Array(0),
        }),
      E.PROTOCOL_ERROR,
    ],
    [
      'an undecodable header block',
      (p) =>
        p.send({ type: 'HEADERS', streamId: 1, endStream: true, endHeaders: true, fragment: fromHex('ff') }),
      E.COMPRESSION_ERROR,
    ],
    [
      'an HPACK index beyond the tables',
      (p) =>
        p.send({
          type: 'HEADERS',
          streamId: 1,
          endStream: true,
          endHeaders: true,
          fragment: fromHex('bf00'),
        }),
      E.COMPRESSION_ERROR,
    ],
    [
      'a size update above SETTINGS_HEADER_TABLE_SIZE',
      (p) =>
        p.send({
          type: 'HEADERS',
          streamId: 1,
          endStream: true,
          endHeaders: true,
          fragment: fromHex('3fe21f82'),
        }),
      E.COMPRESSION_ERROR,
    ],
    [
      'a Huffman string with EOS',
      (p) =>
        p.send({
          type: 'HEADERS',
          streamId: 1,
          endStream: true,
          endHeaders: true,
          fragment: fromHex('0084ffffffff'),
        }),
      E.COMPRESSION_ERROR,
    ],
    [
      'WINDOW_UPDATE overflowing the connection window',
      (p) => p.send({ type: 'WINDOW_UPDATE', streamId: 0, increment: 0x7fffffff }),
      E.FLOW_CONTROL_ERROR,
    ],
    [
      'SETTINGS_INITIAL_WINDOW_SIZE overflowing an open stream',
      (p) =>
        p
          .headers(1, get('/'))
          .send(
            { type: 'WINDOW_UPDATE', streamId: 1, increment: 0x7fff0000 },
            { type: 'SETTINGS', ack: false, settings: [[4, 0x10000]] },
          ),
      E.FLOW_CONTROL_ERROR,
    ],
    [
      'SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1',
      (p) => p.bytes(fromHex('000006040000000000000480000000')),
      E.FLOW_CONTROL_ERROR,
    ],
    [
      'SETTINGS_MAX_FRAME_SIZE below 16384',
      (p) => p.bytes(fromHex('000006040000000000000500000100')),
      E.PROTOCOL_ERROR,
    ],
    ['SETTINGS of 5 octets', (p) => p.bytes(fromHex('0000050400000000000001000000')), E.FRAME_SIZE_ERROR],
    [
      'PUSH_PROMISE sent to a server',
      (p) =>
        p.headers(1, get('/'), false).send({
          type: 'PUSH_PROMISE',
          streamId: 1,
          promisedStreamId: 2,
          endHeaders: true,
          fragment: new Uint8Array(0),
        }),
      E.PROTOCOL_ERROR,
    ],
    [
      'RST_STREAM on an idle stream',
      (p) => p.send({ type: 'RST_STREAM', streamId: 9, errorCode: 0 }),
      E.PROTOCOL_ERROR,
    ],
    [
      'WINDOW_UPDATE on an idle stream',
      (p) => p.send({ type: 'WINDOW_UPDATE', streamId: 9, increment: 1 }),
      E.PROTOCOL_ERROR,
    ],
    ['PING of 7 octets', (p) => p.bytes(fromHex('00000706000000000000000000000000')), E.FRAME_SIZE_ERROR],
    [
      'PRIORITY_UPDATE on a stream',
      (p) => p.bytes(fromHex('000004100000000001000000017533')),
      E.PROTOCOL_ERROR,
    ],
    [
      'a second GOAWAY raising the last stream id',
      (p) =>
        p
          .headers(1, get('/'), false)
          .send(
            { type: 'GOAWAY', lastStreamId: 0, errorCode: 0, debugData: new Uint8Array(0) },
            { type: 'GOAWAY', lastStreamId: 4, errorCode: 0, debugData: new Uint8Array(0) },
          ),
      E.PROTOCOL_ERROR,
    ],
  ])('%s', (_, act, code) => {
    const p = server();
    act(p);
    expect(p.goaway()?.errorCode).toBe(code);
    expect(p.conn.state).toBe('closed');
    // After the GOAWAY the machine ignores input and stays silent.
    p.headers(101, get('/late'));
    expect(p.read()).toEqual([]);
  });

  it('DATA beyond the connection window: FLOW_CONTROL_ERROR', () => {
    const p = server({ settings: { initialWindowSize: 1 << 20 }, limits: { connectionWindowSize: 65535 } });
    p.headers(1, get('/upload'), false);
    for (let i = 0; i < 4; i++)
      p.send({ type: 'DATA', streamId: 1, endStream: false, data: new Uint8Array(16384) });
    expect(p.goaway()?.errorCode).toBe(E.FLOW_CONTROL_ERROR);
  });

  it('SETTINGS never acknowledged: SETTINGS_TIMEOUT', () => {
    const p = new RawPeer(
      new Http2Connection({ role: 'server', limits: { settingsTimeout: 100 * MILLISECOND } }),
    );
    p.bytes(CLIENT_PREFACE).send({ type: 'SETTINGS', ack: false, settings: [] });
    p.conn.handleTimeout(100 * MILLISECOND);
    expect(p.goaway()?.errorCode).toBe(E.SETTINGS_TIMEOUT);
  });
});

describe('floods: ENHANCE_YOUR_CALM', () => {
  it('rapid reset (CVE-2023-44487): HEADERS then RST_STREAM, over and over', () => {
    const p = server();
    let id = 1;
    for (; id < 2 * 250; id += 2) {
      p.headers(id, get('/'), true).send({ type: 'RST_STREAM', streamId: id, errorCode: E.CANCEL });
      if (p.conn.state === 'closed') break;
    }
    expect(p.goaway()).toMatchObject({ errorCode: E.ENHANCE_YOUR_CALM });
    expect((id + 1) / 2).toBe(201); // the 201st reset within a second trips the limit
  });

  it('spread over time, the same resets are fine', () => {
    const p = server();
    for (let id = 1, t = 0; id < 2 * 400; id += 2, t += 10 * MILLISECOND) {
      p.at(t).headers(id, get('/'), true).send({ type: 'RST_STREAM', streamId: id, errorCode: E.CANCEL });
    }
    expect(p.goaway()).toBeUndefined();
    expect(p.conn.state).toBe('open');
  });

  it('CONTINUATION flood: more than 32 CONTINUATION frames in one block', () => {
    const p = server();
    p.send({
      type: 'HEADERS',
      streamId: 1,
      endStream: true,
      endHeaders: false,
      fragment: new Uint8Array([0x82]),
    });
    for (let i = 0; i < 40 && p.conn.state !== 'closed'; i++) {
      p.send({ type: 'CONTINUATION', streamId: 1, endHeaders: false, fragment: new Uint8Array(0) });
    }
    expect(p.goaway()?.errorCode).toBe(E.ENHANCE_YOUR_CALM);
  });

  it('a header block larger than the block limit', () => {
    const p = server({ settings: { maxHeaderListSize: 8192 } });
    p.send({
      type: 'HEADERS',
      streamId: 1,
      endStream: true,
      endHeaders: false,
      fragment: new Uint8Array(16000),
    });
    p.send({ type: 'CONTINUATION', streamId: 1, endHeaders: false, fragment: new Uint8Array(16000) });
    expect(p.goaway()?.errorCode).toBe(E.ENHANCE_YOUR_CALM);
  });

  it('PING flood from a peer that does not read', () => {
    const p = server();
    const ping = serializeFrame({ type: 'PING', ack: false, data: new Uint8Array(8) });
    const many = new Uint8Array(ping.length * 1200);
    for (let i = 0; i < 1200; i++) many.set(ping, i * ping.length);
    p.bytes(many);
    expect(p.goaway()?.errorCode).toBe(E.ENHANCE_YOUR_CALM);
  });

  it('a peer that reads its PING ACKs is not flooding', () => {
    const p = server();
    for (let i = 0; i < 3000; i++) {
      p.send({ type: 'PING', ack: false, data: new Uint8Array(8) });
      if (i % 100 === 0) p.read();
    }
    expect(p.goaway()).toBeUndefined();
  });

  it('empty DATA frames without END_STREAM (CVE-2019-9518)', () => {
    const p = server();
    p.headers(1, get('/upload'), false);
    for (let i = 0; i < 1100 && p.conn.state !== 'closed'; i++) {
      p.send({ type: 'DATA', streamId: 1, endStream: false, data: new Uint8Array(0) });
    }
    expect(p.goaway()?.errorCode).toBe(E.ENHANCE_YOUR_CALM);
  });
});

describe('stream errors: RST_STREAM with the right code, the connection lives on', () => {
  const malformed: [string, HeaderField[]][] = [
    ['an uppercase field name', get('/', [{ name: 'X-Big', value: '1' }])],
    ['no :path', get('/').filter((f) => f.name !== ':path')],
    ['no :method', get('/').filter((f) => f.name !== ':method')],
    ['a repeated :path', [...get('/'), { name: ':path', value: '/x' }]],
    [
      'a pseudo-header after a regular field',
      [...get('/').slice(0, 3), { name: 'x', value: '1' }, { name: ':path', value: '/' }],
    ],
    ['an unknown pseudo-header', [...get('/'), { name: ':foo', value: 'bar' }]],
    ['a response pseudo-header in a request', [{ name: ':status', value: '200' }, ...get('/')]],
    ['a Connection header', get('/', [{ name: 'connection', value: 'keep-alive' }])],
    ['Transfer-Encoding', get('/', [{ name: 'transfer-encoding', value: 'chunked' }])],
    ['TE other than trailers', get('/', [{ name: 'te', value: 'gzip' }])],
    ['a value with CR LF', get('/', [{ name: 'x', value: 'a\r\nb: c' }])],
    ['a value with leading space', get('/', [{ name: 'x', value: ' a' }])],
    ['a path not starting with /', [...get('/').slice(0, 3), { name: ':path', value: 'index.html' }]],
    ['Host different from :authority', get('/', [{ name: 'host', value: 'other.test' }])],
    ['a non-numeric content-length', get('/', [{ name: 'content-length', value: '1e3' }])],
  ];

  it.each(malformed)('a request with %s: PROTOCOL_ERROR', (_, fields) => {
    const p = server();
    p.headers(1, fields);
    expect(p.resets()).toEqual([[1, E.PROTOCOL_ERROR]]);
    p.headers(3, get('/fine'));
    expect(p.conn.takeEvents().some((e) => e.type === 'headers' && e.streamId === 3)).toBe(true);
    expect(p.goaway()).toBeUndefined();
  });

  it.each<[string, (p: RawPeer) => void, [number, number]]>([
    [
      'DATA after END_STREAM (half-closed remote)',
      (p) =>
        p.headers(1, get('/')).send({ type: 'DATA', streamId: 1, endStream: false, data: new Uint8Array(3) }),
      [1, E.STREAM_CLOSED],
    ],
    [
      'DATA beyond the stream window',
      (p) =>
        p
          .headers(1, get('/'), false)
          .send(
            ...Array.from({ length: 5 }, () =>
              frame({ type: 'DATA', streamId: 1, endStream: false, data: new Uint8Array(16000) }),
            ),
          ),
      [1, E.FLOW_CONTROL_ERROR],
    ],
    [
      'more DATA than content-length',
      (p) =>
        p
          .headers(1, get('/', [{ name: 'content-length', value: '2' }]), false)
          .send({ type: 'DATA', streamId: 1, endStream: true, data: new Uint8Array(3) }),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'less DATA than content-length',
      (p) =>
        p
          .headers(1, get('/', [{ name: 'content-length', value: '5' }]), false)
          .send({ type: 'DATA', streamId: 1, endStream: true, data: new Uint8Array(3) }),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'trailers without END_STREAM',
      (p) => p.headers(1, get('/'), false).headers(1, [{ name: 'x', value: '1' }], false),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'trailers with a pseudo-header',
      (p) => p.headers(1, get('/'), false).headers(1, [{ name: ':path', value: '/' }], true),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'WINDOW_UPDATE overflowing a stream window',
      (p) => p.headers(1, get('/')).send({ type: 'WINDOW_UPDATE', streamId: 1, increment: 0x7fffffff }),
      [1, E.FLOW_CONTROL_ERROR],
    ],
    [
      'WINDOW_UPDATE of 0 on a stream',
      (p) => p.headers(1, get('/')).bytes(fromHex('00000408000000000100000000')),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'PRIORITY with the stream depending on itself',
      (p) =>
        p
          .headers(1, get('/'), false)
          .send({ type: 'PRIORITY', streamId: 1, priority: { exclusive: false, dependency: 1, weight: 16 } }),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'HEADERS depending on their own stream',
      (p) =>
        p.send({ ...headers(1, get('/')), priority: { exclusive: true, dependency: 1, weight: 1 } } as Frame),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'PRIORITY of 4 octets',
      (p) => p.headers(1, get('/'), false).bytes(fromHex('0000040200000000010000000a')),
      [1, E.FRAME_SIZE_ERROR],
    ],
  ])('%s', (_, act, reset) => {
    const p = server();
    act(p);
    expect(p.resets()).toContainEqual(reset);
    expect(p.goaway()).toBeUndefined();
    expect(p.conn.state).toBe('open');
  });

  it('beyond SETTINGS_MAX_CONCURRENT_STREAMS: REFUSED_STREAM, and later streams still open', () => {
    const p = server({ settings: { maxConcurrentStreams: 3 } });
    for (const id of [1, 3, 5, 7]) p.headers(id, get(`/${id}`), false);
    expect(p.resets()).toEqual([[7, E.REFUSED_STREAM]]);
    // Frames the peer had in flight for the refused stream are ignored.
    p.send({ type: 'DATA', streamId: 7, endStream: true, data: new Uint8Array(4) });
    p.send({ type: 'DATA', streamId: 1, endStream: true, data: new Uint8Array(0) });
    p.conn.respond(1, [{ name: ':status', value: '204' }], true);
    p.headers(9, get('/9'), true);
    expect(p.resets()).toEqual([[7, E.REFUSED_STREAM]]);
    expect(p.conn.takeEvents().some((e) => e.type === 'headers' && e.streamId === 9)).toBe(true);
  });

  it('a header list above SETTINGS_MAX_HEADER_LIST_SIZE gets 431 and the connection goes on', () => {
    const p = server({ settings: { maxHeaderListSize: 1000 } });
    p.headers(1, get('/', [{ name: 'cookie', value: 'c'.repeat(2000) }]));
    const out = p.read();
    const resp = out.find((f) => f.type === 'HEADERS' && f.streamId === 1);
    expect(resp).toMatchObject({ endStream: true });
    expect(p.conn.takeEvents().find((e) => e.type === 'request-rejected')).toEqual({
      type: 'request-rejected',
      streamId: 1,
      status: 431,
    });
    // The HPACK context survived: the next request (which may reference the table) decodes.
    p.headers(3, get('/ok'));
    expect(p.conn.takeEvents().find((e) => e.type === 'headers')).toMatchObject({
      streamId: 3,
      headers: get('/ok'),
    });
  });
});

describe('client-side protocol errors', () => {
  it('a server announcing SETTINGS_ENABLE_PUSH = 1: PROTOCOL_ERROR', () => {
    const p = new RawPeer(new Http2Connection({ role: 'client' }));
    p.send({ type: 'SETTINGS', ack: false, settings: [[2, 1]] });
    expect(p.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
  });

  it('PUSH_PROMISE when push is disabled: PROTOCOL_ERROR', () => {
    const p = client({ settings: { enablePush: false } });
    p.conn.request(get('/'), { endStream: true });
    p.send({
      type: 'PUSH_PROMISE',
      streamId: 1,
      promisedStreamId: 2,
      endHeaders: true,
      fragment: p.encoder.encode(get('/a')),
    });
    expect(p.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
  });

  it('PRIORITY_UPDATE sent to a client: PROTOCOL_ERROR', () => {
    const p = client();
    p.send({ type: 'PRIORITY_UPDATE', prioritizedStreamId: 1, fieldValue: 'u=1' });
    expect(p.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
  });

  it('HEADERS on an even stream that was never promised: PROTOCOL_ERROR', () => {
    const p = client();
    p.headers(2, [{ name: ':status', value: '200' }]);
    expect(p.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
  });

  it('a promised id that is odd: PROTOCOL_ERROR', () => {
    const p = client();
    p.conn.request(get('/'), { endStream: true });
    p.send({
      type: 'PUSH_PROMISE',
      streamId: 1,
      promisedStreamId: 3,
      endHeaders: true,
      fragment: p.encoder.encode(get('/a')),
    });
    expect(p.goaway()?.errorCode).toBe(E.PROTOCOL_ERROR);
  });

  it.each<[string, (p: RawPeer) => void, [number, number]]>([
    ['an invalid :status', (p) => p.headers(1, [{ name: ':status', value: '2000' }]), [1, E.PROTOCOL_ERROR]],
    [
      'a request pseudo-header in a response',
      (p) =>
        p.headers(1, [
          { name: ':status', value: '200' },
          { name: ':path', value: '/' },
        ]),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      '101 Switching Protocols',
      (p) => p.headers(1, [{ name: ':status', value: '101' }], false),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'DATA before the response headers',
      (p) => p.send({ type: 'DATA', streamId: 1, endStream: true, data: new Uint8Array(2) }),
      [1, E.PROTOCOL_ERROR],
    ],
    [
      'a pushed POST',
      (p) =>
        p.send({
          type: 'PUSH_PROMISE',
          streamId: 1,
          promisedStreamId: 2,
          endHeaders: true,
          fragment: p.encoder.encode([
            ...get('/').map((f) => (f.name === ':method' ? { name: ':method', value: 'POST' } : f)),
          ]),
        }),
      [2, E.PROTOCOL_ERROR],
    ],
  ])('%s: RST_STREAM', (_, act, reset) => {
    const p = client();
    p.conn.request(get('/'), { endStream: true });
    act(p);
    expect(p.resets()).toContainEqual(reset);
    expect(p.conn.state).toBe('open');
  });
});

describe('arbitrary input', () => {
  const anyHeaderFrame = fc.record({
    type: fc.constant('HEADERS' as const),
    streamId: fc.integer({ min: 0, max: 12 }),
    endStream: fc.boolean(),
    endHeaders: fc.boolean(),
    fragment: fc.oneof(
      fc.uint8Array({ maxLength: 20 }),
      fc.constant(new Uint8Array([0x82, 0x86, 0x84, 0x41, 0x01, 0x61])),
    ),
  });
  const anyFrame: fc.Arbitrary<Frame> = fc.oneof(
    anyHeaderFrame,
    fc.record({
      type: fc.constant('DATA' as const),
      streamId: fc.integer({ min: 0, max: 12 }),
      endStream: fc.boolean(),
      data: fc.uint8Array({ maxLength: 40 }),
    }),
    fc.record({
      type: fc.constant('RST_STREAM' as const),
      streamId: fc.integer({ min: 0, max: 12 }),
      errorCode: fc.integer({ min: 0, max: 15 }),
    }),
    fc.record({
      type: fc.constant('WINDOW_UPDATE' as const),
      streamId: fc.integer({ min: 0, max: 12 }),
      increment: fc.integer({ min: 1, max: 0x7fffffff }),
    }),
    fc.record({
      type: fc.constant('CONTINUATION' as const),
      streamId: fc.integer({ min: 0, max: 12 }),
      endHeaders: fc.boolean(),
      fragment: fc.uint8Array({ maxLength: 10 }),
    }),
    fc.record({
      type: fc.constant('SETTINGS' as const),
      ack: fc.boolean(),
      settings: fc.array(fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 70000 })), {
        maxLength: 3,
      }),
    }),
    fc.record({
      type: fc.constant('PRIORITY_UPDATE' as const),
      prioritizedStreamId: fc.integer({ min: 1, max: 12 }),
      fieldValue: fc.constantFrom('u=1', 'i', 'u=9, i=?0', ',,'),
    }),
    fc.record({
      type: fc.constant('GOAWAY' as const),
      lastStreamId: fc.integer({ min: 0, max: 12 }),
      errorCode: fc.integer({ min: 0, max: 2 }),
      debugData: fc.constant(new Uint8Array(0)),
    }),
  );

  it('random frames after the handshake: never a throw; a connection that fails says GOAWAY', () => {
    fc.assert(
      fc.property(fc.array(anyFrame, { maxLength: 25 }), fc.boolean(), (frames, asServer) => {
        const p = asServer ? server() : client();
        if (!asServer) p.conn.request(get('/'), { endStream: false });
        for (const f of frames) p.send(f);
        p.read();
        p.conn.takeEvents();
        const goaways = p.received.filter((f) => f.type === 'GOAWAY');
        if (p.conn.state === 'closed') {
          const peerSentError = frames.some((f) => f.type === 'GOAWAY');
          expect(goaways.length === 1 || peerSentError).toBe(true);
        } else {
          expect(goaways).toEqual([]);
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('random bytes after the preface: never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const p = server();
        p.bytes(bytes);
        p.read();
      }),
      { numRuns: 1000 },
    );
  });

  it('a session fed one octet at a time gives the same events and output as fed at once', () => {
    const script = (p: RawPeer) => {
      p.headers(1, get('/a'), false);
      p.send({ type: 'DATA', streamId: 1, endStream: true, data: new Uint8Array([1, 2, 3]) });
      p.headers(3, get('/b', [{ name: 'priority', value: 'u=1' }]));
      p.send({ type: 'PING', ack: false, data: new Uint8Array(8).fill(9) });
    };
    const whole = server();
    script(whole);
    const wire: number[] = [];
    const recorder = new RawPeer(new Http2Connection({ role: 'server' }));
    recorder.conn.receive = (b: Uint8Array) => void wire.push(...b);
    recorder.handshake();
    script(recorder);
    const slow = new RawPeer(new Http2Connection({ role: 'server' }));
    for (const b of wire) slow.bytes(new Uint8Array([b]));
    expect(slow.conn.takeEvents()).toEqual(whole.conn.takeEvents());
    whole.read();
    expect(slow.read()).toEqual(whole.received);
    expect(whole.received.map((f) => f.type)).toEqual(['SETTINGS', 'WINDOW_UPDATE', 'SETTINGS', 'PING']);
  });
});
