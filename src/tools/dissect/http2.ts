/**
 * HTTP/2 frames in a TCP segment (RFC 9113 §3.4, §4.1, §6), h2c as it is on the wire
 * (or h2 after TLS, were it decrypted): the client connection preface, then every frame
 * that starts in the segment — length, type, flags by name, stream id — and the fields
 * that need no connection state: SETTINGS entries, WINDOW_UPDATE's increment, the error
 * codes of RST_STREAM and GOAWAY, PING's opaque data, priorities, and the length of a
 * header block fragment (decoding HPACK needs the connection's dynamic table, RFC 7541
 * §2.3, which one packet does not have: given the connection's decoded blocks, a
 * `HeaderBlockContext` from h2c-headers.ts or tls-decrypted.ts, the fields are shown too).
 * The HTTP/2 module's frame codec (frame-codec.ts) reads each whole frame and its tables
 * name types, flags, settings and error codes.
 *
 * Which segments are HTTP/2, one packet at a time (Wireshark tracks the connection from
 * its preface; a packet list row cannot):
 *
 * - a segment that starts with the preface is, on any port;
 * - so is one that starts with a frame header that is all but impossible by chance: a
 *   known type, flags the type defines, the reserved bit clear, a length of at most the
 *   default SETTINGS_MAX_FRAME_SIZE (2^14) and the one the type requires, the stream id
 *   the type requires (0 for SETTINGS, PING, GOAWAY; not 0 for DATA, HEADERS...), and
 *   every following header in the segment just as plausible. Random bytes pass with a
 *   chance of about 1 in 10^8.
 *
 * A segment that starts in the middle of a frame (the rest of a long DATA frame) is TCP
 * payload; Wireshark, which knows where that frame ends, shows "[Continuation to #N]" and
 * the frames after it, which here stay unread.
 */
import { errorCodeName } from '../../application/http2/error-codes.ts';
import { H2Error } from '../../application/http2/h2-error.ts';
import { parseFrame, parseFrameHeader } from '../../application/http2/frame-codec.ts';
import { FRAME_HEADER_LENGTH, Flag, FrameType, frameTypeName } from '../../application/http2/frame.ts';
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { MIN_MAX_FRAME_SIZE, SettingId } from '../../application/http2/settings.ts';
import { toHex } from '../../bytes/hex.ts';
import type { DissectionBuilder } from './builder.ts';
import {
  blockAt,
  decodedHeaders,
  type HeaderBlockContext,
  headerBlockFields,
  headerInfo,
} from './http2-header-fields.ts';
import { type Field, field, hex, type Http2FrameView } from './types.ts';

/**
 * The flags each frame type defines (RFC 9113 §6), with Wireshark's names, highest bit
 * first as Wireshark lists them (`0x05, End Headers, End Stream`).
 */
const FLAGS: Record<number, readonly (readonly [number, string])[]> = {
  [FrameType.DATA]: [
    [Flag.PADDED, 'Padded'],
    [Flag.END_STREAM, 'End Stream'],
  ],
  [FrameType.HEADERS]: [
    [Flag.PRIORITY, 'Priority'],
    [Flag.PADDED, 'Padded'],
    [Flag.END_HEADERS, 'End Headers'],
    [Flag.END_STREAM, 'End Stream'],
  ],
  [FrameType.PRIORITY]: [],
  [FrameType.RST_STREAM]: [],
  [FrameType.SETTINGS]: [[Flag.ACK, 'ACK']],
  [FrameType.PUSH_PROMISE]: [
    [Flag.PADDED, 'Padded'],
    [Flag.END_HEADERS, 'End Headers'],
  ],
  [FrameType.PING]: [[Flag.ACK, 'ACK']],
  [FrameType.GOAWAY]: [],
  [FrameType.WINDOW_UPDATE]: [],
  [FrameType.CONTINUATION]: [[Flag.END_HEADERS, 'End Headers']],
  [FrameType.PRIORITY_UPDATE]: [],
};

/** Frames that belong to the connection (stream 0) or to a stream; WINDOW_UPDATE to either. */
const ON_CONNECTION = new Set<number>([
  FrameType.SETTINGS,
  FrameType.PING,
  FrameType.GOAWAY,
  FrameType.PRIORITY_UPDATE,
]);
const FIXED_LENGTH: Record<number, number> = {
  [FrameType.PRIORITY]: 5,
  [FrameType.RST_STREAM]: 4,
  [FrameType.PING]: 8,
  [FrameType.WINDOW_UPDATE]: 4,
};

/** The settings in Wireshark's words (`tshark -G values`, http2.settings.id), spelling and all. */
const SETTING_NAMES: Record<number, string> = {
  [SettingId.HEADER_TABLE_SIZE]: 'Header table size',
  [SettingId.ENABLE_PUSH]: 'Enable PUSH',
  [SettingId.MAX_CONCURRENT_STREAMS]: 'Max concurrent streams',
  [SettingId.INITIAL_WINDOW_SIZE]: 'Initial Windows size',
  [SettingId.MAX_FRAME_SIZE]: 'Max frame size',
  [SettingId.MAX_HEADER_LIST_SIZE]: 'Max header list size',
  [SettingId.ENABLE_CONNECT_PROTOCOL]: 'Extended CONNECT',
  // RFC 9218 §2.1, which tshark 4.0 does not know.
  [SettingId.NO_RFC7540_PRIORITIES]: 'No RFC 7540 priorities',
};

/** Whether a plausible frame header starts at `at` (see the module comment). */
function plausibleHeader(f: Uint8Array, at: number): boolean {
  if (f[at + 5]! & 0x80) return false;
  const h = parseFrameHeader(f, at);
  const defined = FLAGS[h.type];
  if (defined === undefined || h.length > MIN_MAX_FRAME_SIZE) return false;
  let allowed = 0;
  for (const [bit] of defined) allowed |= bit;
  if ((h.flags & ~allowed) !== 0) return false;
  const fixed = FIXED_LENGTH[h.type];
  if (fixed !== undefined && h.length !== fixed) return false;
  if (h.type === FrameType.SETTINGS && h.length % 6 !== 0) return false;
  if (h.type === FrameType.GOAWAY && h.length < 8) return false;
  if (h.type === FrameType.WINDOW_UPDATE) return true;
  return ON_CONNECTION.has(h.type) ? h.streamId === 0 : h.streamId !== 0;
}

function startsWithPreface(f: Uint8Array, at: number, end: number): boolean {
  if (end - at < CLIENT_PREFACE.length) return false;
  for (let i = 0; i < CLIENT_PREFACE.length; i++) if (f[at + i] !== CLIENT_PREFACE[i]) return false;
  return true;
}

export interface Http2Decoded {
  readonly preface: boolean;
  readonly frames: Http2FrameView[];
  /** Bytes after the last frame that are not a frame header (or a header cut short). */
  readonly trailing: number;
}

/**
 * Walks the frames of `f[at, end)` (after the preface, when there is one), calling `each`
 * with every frame header's offset; returns where the walk stopped, or -1 when the
 * segment is not HTTP/2.
 */
function walkFrames(f: Uint8Array, at: number, end: number, each?: (offset: number) => void): number {
  const preface = startsWithPreface(f, at, end);
  let p = preface ? at + CLIENT_PREFACE.length : at;
  if (!preface && (end - p < FRAME_HEADER_LENGTH || !plausibleHeader(f, p))) return -1;
  while (end - p >= FRAME_HEADER_LENGTH && plausibleHeader(f, p)) {
    each?.(p);
    p += FRAME_HEADER_LENGTH + ((f[p]! << 16) | (f[p + 1]! << 8) | f[p + 2]!);
  }
  // Without the preface, a following header that is implausible makes the whole guess doubtful.
  return !preface && p < end && end - p >= FRAME_HEADER_LENGTH ? -1 : p;
}

/** Whether `f[at, end)` is HTTP/2: the preface, or frame headers all plausible. */
export function looksLikeHttp2(f: Uint8Array, at: number, end: number): boolean {
  return walkFrames(f, at, end) >= 0;
}

/** The preface and frames of `f[at, end)`, or undefined when the segment is not HTTP/2. */
export function decodeHttp2(f: Uint8Array, at: number, end: number): Http2Decoded | undefined {
  const frames: Http2FrameView[] = [];
  const stop = walkFrames(f, at, end, (p) => {
    const h = parseFrameHeader(f, p);
    const present = Math.min(h.length, end - p - FRAME_HEADER_LENGTH);
    frames.push({ offset: p, length: h.length, type: h.type, flags: h.flags, streamId: h.streamId, present });
  });
  if (stop < 0) return undefined;
  return { preface: startsWithPreface(f, at, end), frames, trailing: Math.max(0, end - stop) };
}

/**
 * Wireshark's Info column: `Magic, SETTINGS[0], WINDOW_UPDATE[0]`, `HEADERS[1]`, and with
 * the connection's header blocks decoded `HEADERS[3]: GET /style.css`, `HEADERS[3]: 200 OK`.
 */
export function http2Info(d: Http2Decoded, headers?: HeaderBlockContext): string {
  const parts = d.frames.map((x) => {
    const name = `${frameTypeName(x.type)}[${x.streamId}]`;
    if (headers === undefined || (x.type !== FrameType.HEADERS && x.type !== FrameType.PUSH_PROMISE))
      return name;
    const got = blockAt(headers, x.offset);
    const info = got && headerInfo(got.block);
    return info === undefined ? name : `${name}: ${info}`;
  });
  return (d.preface ? ['Magic', ...parts] : parts).join(', ');
}

/** The decoded header fields of the HEADERS and PUSH_PROMISE frames in `d`. */
export function http2Headers(
  d: { readonly frames: readonly Http2FrameView[] },
  headers: HeaderBlockContext,
): { readonly name: string; readonly value: string }[] {
  const offsets = d.frames
    .filter((x) => x.type === FrameType.HEADERS || x.type === FrameType.PUSH_PROMISE)
    .map((x) => x.offset);
  return decodedHeaders(headers, offsets);
}

function flagNames(type: number, flags: number): string[] {
  return (FLAGS[type] ?? []).filter(([bit]) => (flags & bit) !== 0).map(([, name]) => name);
}

/** The fragment's words: its size, and why it is not decoded when it is not. */
function fragmentText(length: number, headers: HeaderBlockContext | undefined): string {
  return headers === undefined
    ? `${length} bytes (HPACK: decoding needs the connection's dynamic table)`
    : `${length} bytes`;
}

/** The fields of a whole frame's payload, read by the codec. */
function payloadFields(
  f: Uint8Array,
  x: Http2FrameView,
  problems: string[],
  headers: HeaderBlockContext | undefined,
): Field[] {
  const at = x.offset + FRAME_HEADER_LENGTH;
  const h = { length: x.length, type: x.type, flags: x.flags, streamId: x.streamId };
  const frame = parseFrame(h, f.subarray(at, at + x.length));
  if (frame instanceof H2Error) {
    problems.push(`${frameTypeName(x.type)}: ${frame.message}`);
    return [field('[Malformed]', `${frame.message} (${errorCodeName(frame.errorCode)})`, at, x.length)];
  }
  const pad = 'padLength' in frame && frame.padLength !== undefined ? frame.padLength : undefined;
  const padFields = pad === undefined ? [] : [field('Pad Length', pad, at, 1)];
  const padding =
    pad === undefined || pad === 0 ? [] : [field('Padding', `${pad} bytes`, at + x.length - pad, pad)];
  const priority = (o: number, p: { exclusive: boolean; dependency: number; weight: number }) => [
    field('Exclusive', p.exclusive ? 'True' : 'False', o, 1),
    field('Stream Dependency', p.dependency, o, 4),
    field('Weight', p.weight - 1, o + 4, 1),
    field('[Weight real]', p.weight, o + 4, 1),
  ];
  switch (frame.type) {
    case 'DATA':
      return [
        ...padFields,
        field('Data', `${frame.data.length} bytes`, at + (pad === undefined ? 0 : 1), frame.data.length),
        ...padding,
      ];
    case 'HEADERS': {
      const start = at + (pad === undefined ? 0 : 1);
      const prio = frame.priority ? priority(start, frame.priority) : [];
      const fragAt = start + (frame.priority ? 5 : 0);
      return [
        ...padFields,
        ...prio,
        field(
          'Header Block Fragment',
          fragmentText(frame.fragment.length, headers),
          fragAt,
          frame.fragment.length,
        ),
        ...padding,
        ...(headers === undefined ? [] : headerBlockFields(headers, x.offset)),
      ];
    }
    case 'PRIORITY':
      return priority(at, frame.priority);
    case 'RST_STREAM':
      return [field('Error', `${errorCodeName(frame.errorCode)} (${frame.errorCode})`, at, 4)];
    case 'SETTINGS':
      return frame.settings.map(([id, value], i) =>
        field(`Settings - ${SETTING_NAMES[id] ?? `Unknown (${id})`}`, value, at + 6 * i, 6, [
          field('Settings Identifier', `${SETTING_NAMES[id] ?? 'Unknown'} (${id})`, at + 6 * i, 2),
          field(SETTING_NAMES[id] ?? 'Unknown Settings', value, at + 6 * i + 2, 4),
        ]),
      );
    case 'PUSH_PROMISE': {
      const start = at + (pad === undefined ? 0 : 1);
      return [
        ...padFields,
        field('Promised-Stream-ID', frame.promisedStreamId, start, 4),
        field(
          'Header Block Fragment',
          fragmentText(frame.fragment.length, headers),
          start + 4,
          frame.fragment.length,
        ),
        ...padding,
        ...(headers === undefined ? [] : headerBlockFields(headers, x.offset)),
      ];
    }
    case 'PING':
      return [field(frame.ack ? 'Pong' : 'Ping', toHex(frame.data), at, 8)];
    case 'GOAWAY':
      return [
        field('Last-Stream-ID', frame.lastStreamId, at, 4),
        field('Error', `${errorCodeName(frame.errorCode)} (${frame.errorCode})`, at + 4, 4),
        ...(frame.debugData.length > 0
          ? [
              field(
                'Additional Debug Data',
                `${frame.debugData.length} bytes`,
                at + 8,
                frame.debugData.length,
              ),
            ]
          : []),
      ];
    case 'WINDOW_UPDATE':
      return [field('Window Size Increment', frame.increment, at, 4)];
    case 'CONTINUATION':
      return [
        field(
          'Header Block Fragment',
          headers === undefined
            ? fragmentText(frame.fragment.length, headers)
            : `${frame.fragment.length} bytes (decoded with the HEADERS or PUSH_PROMISE it continues)`,
          at,
          frame.fragment.length,
        ),
      ];
    case 'PRIORITY_UPDATE':
      return [
        field('Prioritized Stream ID', frame.prioritizedStreamId, at, 4),
        field('Priority Field Value', frame.fieldValue, at + 4, x.length - 4),
      ];
    case 'UNKNOWN':
      return [];
  }
}

function frameField(
  f: Uint8Array,
  x: Http2FrameView,
  problems: string[],
  headers: HeaderBlockContext | undefined,
): Field {
  const at = x.offset;
  const type = frameTypeName(x.type);
  const names = flagNames(x.type, x.flags);
  const children: Field[] = [
    field('Length', x.length, at, 3),
    field('Type', `${type} (${x.type})`, at + 3, 1),
    field(
      'Flags',
      `${hex(x.flags, 2)}${names.length > 0 ? `, ${names.join(', ')}` : ''}`,
      at + 4,
      1,
      (FLAGS[x.type] ?? []).map(([bit, name]) =>
        field(name, (x.flags & bit) !== 0 ? 'True' : 'False', at + 4, 1),
      ),
    ),
    field('Reserved', hex(f[at + 5]! >> 7, 1), at + 5, 4),
    field('Stream Identifier', x.streamId, at + 5, 4),
  ];
  if (x.present === x.length) children.push(...payloadFields(f, x, problems, headers));
  else {
    children.push(
      field(
        '[Frame cut by the segment end]',
        `${x.present} of ${x.length} payload bytes in this segment; the rest follows in later segments`,
        at + FRAME_HEADER_LENGTH,
        x.present,
      ),
    );
    if (headers !== undefined && (x.type === FrameType.HEADERS || x.type === FrameType.PUSH_PROMISE))
      children.push(...headerBlockFields(headers, x.offset));
  }
  const got =
    headers && (x.type === FrameType.HEADERS || x.type === FrameType.PUSH_PROMISE)
      ? blockAt(headers, x.offset)
      : undefined;
  const info = got && headerInfo(got.block);
  return field(
    'Stream',
    `${type}, Stream ID: ${x.streamId}, Length ${x.length}${info === undefined ? '' : `, ${info}`}`,
    at,
    FRAME_HEADER_LENGTH + x.present,
    children,
  );
}

/**
 * Adds the HTTP/2 layer for `f[at, end)`, which `decodeHttp2` read as `d`; with `headers`
 * (decrypted data of a connection whose header blocks were decoded) the HEADERS and
 * PUSH_PROMISE frames show their header fields.
 */
export function dissectHttp2(
  b: DissectionBuilder,
  at: number,
  end: number,
  d: Http2Decoded,
  headers?: HeaderBlockContext,
): void {
  const f = b.frame;
  const problems: string[] = [];
  const fields: Field[] = [];
  if (d.preface)
    fields.push(
      field('Stream', 'Magic', at, CLIENT_PREFACE.length, [
        field('Magic', 'PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n', at, CLIENT_PREFACE.length),
      ]),
    );
  for (const x of d.frames) fields.push(frameField(f, x, problems, headers));
  if (d.trailing > 0) {
    const from = end - d.trailing;
    if (d.trailing < FRAME_HEADER_LENGTH)
      fields.push(
        field('[Frame header cut by the segment end]', `${d.trailing} of 9 bytes`, from, d.trailing),
      );
    else {
      fields.push(field('[Not a frame]', `${d.trailing} bytes that do not start a frame`, from, d.trailing));
      problems.push('bytes after the preface that are not a frame');
    }
  }
  b.add(
    {
      protocol: 'HTTP2',
      title: 'HyperText Transfer Protocol 2',
      offset: at,
      length: end - at,
      fields,
      ...(problems.length > 0 ? { problem: `Malformed: ${problems[0]}` } : {}),
      decoded: {
        kind: 'http2',
        preface: d.preface,
        frames: d.frames,
        ...(headers === undefined ? {} : { headers: http2Headers(d, headers) }),
      },
    },
    http2Info(d, headers),
  );
}
