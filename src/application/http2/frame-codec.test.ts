import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ErrorCode } from './error-codes.ts';
import type { Frame } from './frame.ts';
import { parseFrameBytes, serializeFrame } from './frame-codec.ts';
import { FrameReader, type ReadFrame } from './frame-reader.ts';
import { H2Error } from './h2-error.ts';
import { CLIENT_PREFACE } from './preface.ts';

/**
 * Captured on the wire (127.0.0.1, through a recording TCP relay): `nghttp -n -b 10 -d
 * FILE http://.../index.html` (nghttp2 1.52.0, Debian 12) talking to Node 20's http2
 * server. The client pads HEADERS and DATA by 9 octets; the server's HEADERS carry a date.
 */
const NGHTTP_CLIENT =
  '505249202a20485454502f322e300d0a0d0a534d0d0a0d0a00000c04000000000000030000006400040000ffff' +
  '00000004010000000000000502000000000300000000c800000502000000000500000000640000050200000000' +
  '070000000000000005020000000009000000070000000502000000000b0000000300000035012c0000000d0900' +
  '00000b0f838586418b089d5c0b8170dc684db8df53032a2f2a907a8aaa69d29ac4c0576c4b830f0d0133000000' +
  '00000000000000000d00090000000d09766d0a0000000000000000000000080700000000000000000000000000';
const NODE_SERVER =
  '00000004000000000000000004010000000000002201040000000d885f87497ca58ae819aa6196df697e940054' +
  'be52282009c502fdc035704053168dff00000500010000000d68656c6c6f';

function readAll(reader: FrameReader): (ReadFrame | H2Error)[] {
  const out: (ReadFrame | H2Error)[] = [];
  for (let r = reader.next(); r !== null; r = reader.next()) {
    out.push(r);
    if (r instanceof H2Error && r.scope === 'connection') break;
  }
  return out;
}

function frames(hex: string, expectPreface: boolean): Frame[] {
  const reader = new FrameReader({ expectPreface });
  reader.push(fromHex(hex));
  return readAll(reader).map((r) => {
    if (r instanceof H2Error) throw new Error(String(r));
    return r.frame;
  });
}

const zeros = (n: number) => new Uint8Array(n);

describe('HTTP/2 frames captured from nghttp2 and Node', () => {
  it('parses nghttp’s preface, SETTINGS, PRIORITY tree, padded HEADERS and DATA, ACK and GOAWAY', () => {
    const got = frames(NGHTTP_CLIENT, true);
    expect(got.map((f) => f.type)).toEqual([
      'SETTINGS',
      'SETTINGS',
      'PRIORITY',
      'PRIORITY',
      'PRIORITY',
      'PRIORITY',
      'PRIORITY',
      'HEADERS',
      'DATA',
      'GOAWAY',
    ]);
    expect(got[0]).toEqual({
      type: 'SETTINGS',
      ack: false,
      settings: [
        [3, 100],
        [4, 65535],
      ],
    });
    expect(got[1]).toEqual({ type: 'SETTINGS', ack: true, settings: [] });
    expect(got[2]).toEqual({
      type: 'PRIORITY',
      streamId: 3,
      priority: { exclusive: false, dependency: 0, weight: 201 },
    });
    const headers = got[7]!;
    expect(headers).toMatchObject({
      type: 'HEADERS',
      streamId: 13,
      endStream: false,
      endHeaders: true,
      padLength: 9,
      priority: { exclusive: false, dependency: 11, weight: 16 },
    });
    expect(got[8]).toEqual({
      type: 'DATA',
      streamId: 13,
      endStream: true,
      data: new TextEncoder().encode('vm\n'),
      padLength: 9,
    });
    expect(got[9]).toEqual({ type: 'GOAWAY', lastStreamId: 0, errorCode: 0, debugData: zeros(0) });
  });

  it('re-serialises every captured frame to the captured bytes', () => {
    for (const [hex, preface] of [
      [NGHTTP_CLIENT, true],
      [NODE_SERVER, false],
    ] as const) {
      const body = frames(hex, preface).map((f) => toHex(serializeFrame(f)));
      expect((preface ? toHex(CLIENT_PREFACE) : '') + body.join('')).toBe(hex);
    }
  });

  it('parses Node’s empty SETTINGS, ACK, HEADERS and DATA', () => {
    const got = frames(NODE_SERVER, false);
    expect(got.map((f) => f.type)).toEqual(['SETTINGS', 'SETTINGS', 'HEADERS', 'DATA']);
    expect(got[3]).toEqual({
      type: 'DATA',
      streamId: 13,
      endStream: true,
      data: new TextEncoder().encode('hello'),
    });
  });
});

const streamId = fc.integer({ min: 1, max: 0x7fffffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const pad = fc.option(fc.integer({ min: 0, max: 255 }), { nil: undefined });
const priority = fc.record({
  exclusive: fc.boolean(),
  dependency: fc.integer({ min: 0, max: 0x7fffffff }),
  weight: fc.integer({ min: 1, max: 256 }),
});
const u32 = fc.integer({ min: 0, max: 0xffffffff });

function withPad<T extends object>(f: T, padLength: number | undefined): T {
  return padLength === undefined ? f : { ...f, padLength };
}

const anyFrame: fc.Arbitrary<Frame> = fc.oneof(
  fc
    .tuple(streamId, fc.boolean(), bytes(100), pad)
    .map(([s, e, d, p]) => withPad({ type: 'DATA' as const, streamId: s, endStream: e, data: d }, p)),
  fc
    .tuple(streamId, fc.boolean(), fc.boolean(), bytes(100), fc.option(priority, { nil: undefined }), pad)
    .map(([s, es, eh, frag, pr, p]) => {
      const base = { type: 'HEADERS' as const, streamId: s, endStream: es, endHeaders: eh, fragment: frag };
      return withPad(pr ? { ...base, priority: pr } : base, p);
    }),
  fc.tuple(streamId, priority).map(([s, p]) => ({ type: 'PRIORITY' as const, streamId: s, priority: p })),
  fc.tuple(streamId, u32).map(([s, e]) => ({ type: 'RST_STREAM' as const, streamId: s, errorCode: e })),
  fc.array(fc.tuple(fc.constantFrom(1, 3, 6, 0x99, 0xffff), u32), { maxLength: 6 }).map((settings) => ({
    type: 'SETTINGS' as const,
    ack: false,
    settings,
  })),
  fc.constant({ type: 'SETTINGS' as const, ack: true, settings: [] }),
  fc
    .tuple(streamId, streamId, fc.boolean(), bytes(80), pad)
    .map(([s, ps, eh, frag, p]) =>
      withPad(
        { type: 'PUSH_PROMISE' as const, streamId: s, promisedStreamId: ps, endHeaders: eh, fragment: frag },
        p,
      ),
    ),
  fc
    .tuple(fc.boolean(), fc.uint8Array({ minLength: 8, maxLength: 8 }))
    .map(([ack, data]) => ({ type: 'PING' as const, ack, data })),
  fc.tuple(fc.integer({ min: 0, max: 0x7fffffff }), u32, bytes(40)).map(([l, e, d]) => ({
    type: 'GOAWAY' as const,
    lastStreamId: l,
    errorCode: e,
    debugData: d,
  })),
  fc
    .tuple(fc.integer({ min: 0, max: 0x7fffffff }), fc.integer({ min: 1, max: 0x7fffffff }))
    .map(([s, inc]) => ({ type: 'WINDOW_UPDATE' as const, streamId: s, increment: inc })),
  fc
    .tuple(streamId, fc.boolean(), bytes(80))
    .map(([s, eh, frag]) => ({ type: 'CONTINUATION' as const, streamId: s, endHeaders: eh, fragment: frag })),
  fc
    .tuple(streamId, fc.stringMatching(/^[ -~]{0,30}$/))
    .map(([s, v]) => ({ type: 'PRIORITY_UPDATE' as const, prioritizedStreamId: s, fieldValue: v })),
  fc
    .tuple(
      fc.integer({ min: 0x11, max: 0xff }),
      fc.integer({ min: 0, max: 0x7fffffff }),
      fc.integer({ min: 0, max: 255 }),
      bytes(40),
    )
    .map(([t, s, fl, p]) => ({ type: 'UNKNOWN' as const, frameType: t, streamId: s, flags: fl, payload: p })),
);

describe('HTTP/2 frame codec properties', () => {
  it('parse(serialize(frame)) is the frame, for every frame type', () => {
    fc.assert(
      fc.property(anyFrame, (frame) => {
        const r = parseFrameBytes(serializeFrame(frame));
        if (r instanceof H2Error) throw new Error(String(r));
        expect(r.frame).toEqual(frame);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same frames fed one octet at a time as fed all at once', () => {
    fc.assert(
      fc.property(fc.array(anyFrame, { maxLength: 8 }), (list) => {
        const wire = new Uint8Array([...CLIENT_PREFACE, ...list.flatMap((f) => [...serializeFrame(f)])]);
        const whole = new FrameReader({ expectPreface: true });
        whole.push(wire);
        const slow = new FrameReader({ expectPreface: true });
        const got: (ReadFrame | H2Error)[] = [];
        for (const b of wire) {
          slow.push(new Uint8Array([b]));
          got.push(...readAll(slow));
        }
        expect(got).toEqual(readAll(whole));
        expect(got.map((r) => (r instanceof H2Error ? 'error' : r.frame))).toEqual(list);
      }),
      { numRuns: 300 },
    );
  });

  it('returns frames or typed H2Errors for random bytes, never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 6 }), (chunks) => {
        const reader = new FrameReader();
        for (const c of chunks) {
          reader.push(c);
          for (const r of readAll(reader)) {
            if (r instanceof H2Error) {
              expect(Object.values(ErrorCode)).toContain(r.errorCode);
              expect(['connection', 'stream']).toContain(r.scope);
            } else {
              expect(typeof r.frame.type).toBe('string');
            }
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});

/** One frame from header fields and payload hex, parsed. */
function parse(type: number, flags: number, stream: number, payloadHex: string): unknown {
  const payload = fromHex(payloadHex);
  const head = new Uint8Array(9);
  head.set([payload.length >> 16, (payload.length >> 8) & 255, payload.length & 255, type, flags]);
  new DataView(head.buffer).setUint32(5, stream);
  const r = parseFrameBytes(new Uint8Array([...head, ...payload]));
  return r instanceof H2Error ? [r.scope, r.errorCode, r.code] : r.frame.type;
}

const CONN = 'connection';
const { PROTOCOL_ERROR, FRAME_SIZE_ERROR, FLOW_CONTROL_ERROR } = ErrorCode;

describe('HTTP/2 frame errors map to the RFC 9113 code and scope', () => {
  it.each([
    ['DATA on stream 0 (§6.1)', 0x0, 0, 0, 'aa', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    [
      'DATA padding as long as the payload (§6.1)',
      0x0,
      0x8,
      1,
      '03aaaa',
      [CONN, PROTOCOL_ERROR, 'bad-padding'],
    ],
    ['DATA padded but empty', 0x0, 0x8, 1, '', [CONN, FRAME_SIZE_ERROR, 'frame-too-short']],
    ['HEADERS on stream 0 (§6.2)', 0x1, 0x4, 0, '82', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    ['HEADERS with PRIORITY too short', 0x1, 0x24, 1, '000000', [CONN, FRAME_SIZE_ERROR, 'frame-too-short']],
    [
      'HEADERS padding beyond priority fields',
      0x1,
      0x2c,
      1,
      '0100000000ff',
      [CONN, PROTOCOL_ERROR, 'bad-padding'],
    ],
    ['PRIORITY of 4 octets (§6.3)', 0x2, 0, 1, '00000000', ['stream', FRAME_SIZE_ERROR, 'bad-length']],
    ['PRIORITY on stream 0', 0x2, 0, 0, '0000000010', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    ['RST_STREAM of 3 octets (§6.4)', 0x3, 0, 1, '000000', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
    ['RST_STREAM on stream 0', 0x3, 0, 0, '00000000', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    ['SETTINGS on a stream (§6.5)', 0x4, 0, 1, '', [CONN, PROTOCOL_ERROR, 'stream-nonzero']],
    ['SETTINGS length 5', 0x4, 0, 0, '0001000000', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
    ['SETTINGS ACK with payload', 0x4, 1, 0, '000100000000', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
    ['ENABLE_PUSH = 2', 0x4, 0, 0, '000200000002', [CONN, PROTOCOL_ERROR, 'bad-setting']],
    ['INITIAL_WINDOW_SIZE = 2^31', 0x4, 0, 0, '000480000000', [CONN, FLOW_CONTROL_ERROR, 'bad-setting']],
    ['MAX_FRAME_SIZE = 16383', 0x4, 0, 0, '000500003fff', [CONN, PROTOCOL_ERROR, 'bad-setting']],
    ['MAX_FRAME_SIZE = 2^24', 0x4, 0, 0, '000501000000', [CONN, PROTOCOL_ERROR, 'bad-setting']],
    ['PUSH_PROMISE on stream 0 (§6.6)', 0x5, 4, 0, '00000002', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    ['PUSH_PROMISE too short', 0x5, 4, 1, '000002', [CONN, FRAME_SIZE_ERROR, 'frame-too-short']],
    ['PING of 7 octets (§6.7)', 0x6, 0, 0, '00000000000000', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
    ['PING on a stream', 0x6, 0, 1, '0000000000000000', [CONN, PROTOCOL_ERROR, 'stream-nonzero']],
    ['GOAWAY of 7 octets (§6.8)', 0x7, 0, 0, '00000000000000', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
    ['GOAWAY on a stream', 0x7, 0, 3, '0000000000000000', [CONN, PROTOCOL_ERROR, 'stream-nonzero']],
    [
      'WINDOW_UPDATE of 0 on a stream (§6.9)',
      0x8,
      0,
      1,
      '00000000',
      ['stream', PROTOCOL_ERROR, 'zero-increment'],
    ],
    ['WINDOW_UPDATE of 0 on the connection', 0x8, 0, 0, '80000000', [CONN, PROTOCOL_ERROR, 'zero-increment']],
    ['WINDOW_UPDATE of 5 octets', 0x8, 0, 0, '0000000100', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
    ['CONTINUATION on stream 0 (§6.10)', 0x9, 4, 0, '82', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    [
      'PRIORITY_UPDATE on a stream (RFC 9218 §7.1)',
      0x10,
      0,
      1,
      '00000001',
      [CONN, PROTOCOL_ERROR, 'stream-nonzero'],
    ],
    ['PRIORITY_UPDATE for stream 0', 0x10, 0, 0, '00000000', [CONN, PROTOCOL_ERROR, 'stream-zero']],
    ['PRIORITY_UPDATE of 3 octets', 0x10, 0, 0, '000001', [CONN, FRAME_SIZE_ERROR, 'bad-length']],
  ] as const)('%s', (_, type, flags, stream, payload, want) => {
    expect(parse(type, flags, stream, payload)).toEqual(want);
  });

  it('ignores undefined flags, the reserved bit, and frames of unknown type', () => {
    expect(parse(0x0, 0xf6, 1, 'aa')).toBe('DATA'); // no PADDED, no END_STREAM
    expect(parse(0x6, 0xfe, 0, '0000000000000000')).toBe('PING');
    expect(parse(0xfa, 0xff, 7, 'abcdef')).toBe('UNKNOWN');
    const r = parseFrameBytes(fromHex('000004080000000001800000ff'));
    expect(r instanceof H2Error ? r : r.frame).toEqual({
      type: 'WINDOW_UPDATE',
      streamId: 1,
      increment: 0xff,
    });
  });

  it('refuses a frame above SETTINGS_MAX_FRAME_SIZE from its header alone', () => {
    const reader = new FrameReader({ maxFrameSize: 16384 });
    reader.push(fromHex('004001000000000001')); // 16385-octet DATA header, no payload yet
    const r = reader.next();
    expect(r).toBeInstanceOf(H2Error);
    expect([(r as H2Error).errorCode, (r as H2Error).scope]).toEqual([FRAME_SIZE_ERROR, CONN]);
    reader.maxFrameSize = 1 << 20; // once failed, stays failed
    expect(reader.next()).toBe(r);
  });

  it('refuses a connection that does not start with the preface', () => {
    const reader = new FrameReader({ expectPreface: true });
    reader.push(new TextEncoder().encode('GET / HTTP/1.1\r\n'));
    const r = reader.next() as H2Error;
    expect([r.code, r.errorCode]).toEqual(['bad-preface', PROTOCOL_ERROR]);
  });

  it('returns payloads held in one chunk as views, without copying', () => {
    const wire = serializeFrame({
      type: 'DATA',
      streamId: 1,
      endStream: false,
      data: new Uint8Array(100).fill(7),
    });
    const reader = new FrameReader();
    reader.push(wire);
    const r = reader.next() as ReadFrame;
    expect(r.frame.type === 'DATA' && r.frame.data.buffer).toBe(wire.buffer);
    expect(reader.bufferedBytes).toBe(0);
  });
});
