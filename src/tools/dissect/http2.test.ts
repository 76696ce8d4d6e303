import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../../bytes/concat.ts';
import { ErrorCode } from '../../application/http2/error-codes.ts';
import { serializeFrame } from '../../application/http2/frame-codec.ts';
import type { Frame } from '../../application/http2/frame.ts';
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { SettingId } from '../../application/http2/settings.ts';
import { allFields, fieldAt, findField, where } from './dissect-test-helpers.ts';
import { dissect } from './index.ts';
import { tcpFrame } from './tcp-test-frames.ts';
import type { Layer } from './types.ts';

const segment = (...frames: (Frame | Uint8Array)[]) =>
  dissect(
    tcpFrame(concatBytes(frames.map((f) => (f instanceof Uint8Array ? f : serializeFrame(f)))), {
      sport: 40000,
      dport: 80,
    }),
  );
const h2 = (d: ReturnType<typeof dissect>): Layer => {
  expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'TCP', 'HTTP2']);
  return d.layers[3]!;
};
const fragment = Uint8Array.of(
  0x82,
  0x86,
  0x84,
  0x41,
  0x8a,
  0x08,
  0x9d,
  0x5c,
  0x0b,
  0x81,
  0x70,
  0xdc,
  0x78,
  0x0f,
  0x03,
);

describe('the HTTP/2 layer', () => {
  it('the preface, SETTINGS entries by name, WINDOW_UPDATE: what a client sends first', () => {
    const d = segment(
      CLIENT_PREFACE,
      {
        type: 'SETTINGS',
        ack: false,
        settings: [
          [SettingId.MAX_CONCURRENT_STREAMS, 100],
          [SettingId.INITIAL_WINDOW_SIZE, 1048576],
          [SettingId.ENABLE_PUSH, 0],
        ],
      },
      { type: 'WINDOW_UPDATE', streamId: 0, increment: 983041 },
    );
    expect([d.protocol, d.info]).toEqual(['HTTP2', 'Magic, SETTINGS[0], WINDOW_UPDATE[0]']);
    const l = h2(d);
    expect(l.title).toBe('HyperText Transfer Protocol 2');
    // The preface at 54, SETTINGS at 78 (payload at 87), WINDOW_UPDATE at 105.
    expect(l.fields.map(where)).toEqual([
      ['Magic', 54, 24],
      ['SETTINGS, Stream ID: 0, Length 18', 78, 27],
      ['WINDOW_UPDATE, Stream ID: 0, Length 4', 105, 13],
    ]);
    const settings = l.fields[1]!.children!;
    expect(settings.slice(0, 5).map((f) => [f.name, f.value])).toEqual([
      ['Length', '18'],
      ['Type', 'SETTINGS (4)'],
      ['Flags', '0x00'],
      ['Reserved', '0x0'],
      ['Stream Identifier', '0'],
    ]);
    expect(settings.slice(5).map((f) => [f.name, ...where(f)!])).toEqual([
      ['Settings - Max concurrent streams', '100', 87, 6],
      // Wireshark's words, "Windows" and all (tshark -G values, http2.settings.id).
      ['Settings - Initial Windows size', '1048576', 93, 6],
      ['Settings - Enable PUSH', '0', 99, 6],
    ]);
    expect(where(findField(l.fields[2]!.children!, 'Window Size Increment'))).toEqual(['983041', 114, 4]);
    expect(l.decoded).toEqual({
      kind: 'http2',
      preface: true,
      frames: [
        { offset: 78, length: 18, type: 4, flags: 0, streamId: 0, present: 18 },
        { offset: 105, length: 4, type: 8, flags: 0, streamId: 0, present: 4 },
      ],
    });
  });

  it('HEADERS with its flags by name, priority and the header block fragment (HPACK needs the connection)', () => {
    const d = segment({
      type: 'HEADERS',
      streamId: 1,
      endStream: true,
      endHeaders: true,
      fragment,
      priority: { exclusive: true, dependency: 0, weight: 256 },
    });
    expect(d.info).toBe('HEADERS[1]');
    const f = h2(d).fields[0]!;
    const flags = fieldAt(h2(d), 'Stream', 'Flags');
    // Highest bit first, as Wireshark lists them.
    expect(flags.value).toBe('0x25, Priority, End Headers, End Stream');
    expect(flags.children!.map((c) => `${c.name}: ${c.value}`)).toEqual([
      'Priority: True',
      'Padded: False',
      'End Headers: True',
      'End Stream: True',
    ]);
    expect(findField(f.children!, 'Exclusive')!.value).toBe('True');
    expect(findField(f.children!, 'Weight')!.value).toBe('255');
    expect(where(findField(f.children!, 'Header Block Fragment'))).toEqual([
      "15 bytes (HPACK: decoding needs the connection's dynamic table)",
      68,
      15,
    ]);
  });

  it('the other frame types: their fields, error codes by name', () => {
    const d = segment(
      { type: 'RST_STREAM', streamId: 3, errorCode: ErrorCode.CANCEL },
      { type: 'PING', ack: true, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
      {
        type: 'GOAWAY',
        lastStreamId: 5,
        errorCode: ErrorCode.PROTOCOL_ERROR,
        debugData: Uint8Array.of(0x68, 0x69),
      },
      { type: 'PRIORITY', streamId: 7, priority: { exclusive: false, dependency: 3, weight: 16 } },
      { type: 'PUSH_PROMISE', streamId: 1, promisedStreamId: 2, endHeaders: true, fragment },
      { type: 'DATA', streamId: 1, endStream: false, data: Uint8Array.of(1, 2, 3), padLength: 4 },
      { type: 'CONTINUATION', streamId: 9, endHeaders: true, fragment },
      { type: 'SETTINGS', ack: true, settings: [] },
    );
    expect(d.info).toBe(
      'RST_STREAM[3], PING[0], GOAWAY[0], PRIORITY[7], PUSH_PROMISE[1], DATA[1], CONTINUATION[9], SETTINGS[0]',
    );
    const l = h2(d);
    expect(l.problem).toBeUndefined();
    expect(allFields(l.fields, 'Error').map((f) => f.value)).toEqual(['CANCEL (8)', 'PROTOCOL_ERROR (1)']);
    expect(findField(l.fields, 'Pong')!.value).toBe('0102030405060708');
    expect(findField(l.fields, 'Last-Stream-ID')!.value).toBe('5');
    expect(findField(l.fields, 'Additional Debug Data')!.value).toBe('2 bytes');
    expect(findField(l.fields, 'Stream Dependency')!.value).toBe('3');
    expect(findField(l.fields, 'Promised-Stream-ID')!.value).toBe('2');
    expect(findField(l.fields, 'Data')!.value).toBe('3 bytes');
    expect(findField(l.fields, 'Pad Length')!.value).toBe('4');
    expect(findField(l.fields, 'Padding')!.value).toBe('4 bytes');
    expect(l.fields.at(-1)!.children!.find((c) => c.name === 'Flags')!.value).toBe('0x01, ACK');
  });

  it('a frame the segment ends inside: the header and a note; the next segment, inside it, is TCP', () => {
    const data = serializeFrame({
      type: 'DATA',
      streamId: 5,
      endStream: false,
      data: new Uint8Array(16384).fill(7),
    });
    const d = segment(data.subarray(0, 1448));
    expect(d.info).toBe('DATA[5]');
    expect(where(findField(h2(d).fields, '[Frame cut by the segment end]'))).toEqual([
      '1439 of 16384 payload bytes in this segment; the rest follows in later segments',
      63,
      1439,
    ]);
    expect(segment(data.subarray(1448, 2896)).protocol).toBe('TCP');
  });

  it('a frame the codec refuses is malformed; the layer says so', () => {
    const d = segment(CLIENT_PREFACE, {
      type: 'SETTINGS',
      ack: false,
      settings: [[SettingId.ENABLE_PUSH, 2]],
    });
    const l = h2(d);
    expect(findField(l.fields, '[Malformed]')!.value).toBe('SETTINGS_ENABLE_PUSH 2 (PROTOCOL_ERROR)');
    expect(l.problem).toBe('Malformed: SETTINGS: SETTINGS_ENABLE_PUSH 2');
  });

  it('without the preface: frames too plausible to be chance, and nothing else', () => {
    expect(
      segment({ type: 'HEADERS', streamId: 3, endStream: true, endHeaders: true, fragment }).protocol,
    ).toBe('HTTP2');
    // DATA on stream 0, SETTINGS on a stream, flags DATA does not define, a PING of 7 bytes.
    const bad = [
      Uint8Array.of(0, 0, 1, 0, 0, 0, 0, 0, 0, 9),
      Uint8Array.of(0, 0, 0, 4, 0, 0, 0, 0, 1),
      Uint8Array.of(0, 0, 1, 0, 0x04, 0, 0, 0, 1, 9),
      Uint8Array.of(0, 0, 7, 6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7),
    ];
    for (const b of bad) expect(segment(b).protocol).toBe('TCP');
    // A plausible frame followed by bytes that are not a frame header: not HTTP/2 at all.
    const ping = serializeFrame({ type: 'PING', ack: false, data: new Uint8Array(8) });
    expect(segment(ping, new Uint8Array(20).fill(0xee)).protocol).toBe('TCP');
    expect(segment(new Uint8Array(1448).fill(0)).protocol).toBe('TCP');
  });

  it('never throws on random frames after the preface, and rarely takes random bytes for HTTP/2', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (rest) => {
        expect(segment(CLIENT_PREFACE, rest).protocol).toBe('HTTP2');
      }),
      { numRuns: 2000 },
    );
    let taken = 0;
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 9, maxLength: 300 }), (bytes) => {
        if (segment(bytes).protocol === 'HTTP2') taken++;
      }),
      { numRuns: 2000 },
    );
    expect(taken).toBe(0);
  });
});
