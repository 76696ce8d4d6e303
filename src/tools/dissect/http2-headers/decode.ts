/**
 * The header blocks of one HTTP/2 connection decoded, as Wireshark decodes them with the
 * keys: HPACK (RFC 7541) needs the connection's dynamic table, so a block can be read only
 * after every earlier block of the same direction (§2.3.2), each direction with its own
 * table (RFC 9113 §4.3). Given each direction's decrypted application data in order, this
 *
 * 1. cuts the frames from the byte stream (plain-stream.ts: a frame may span records),
 *    after the client connection preface (RFC 9113 §3.4), each side's first frame a
 *    SETTINGS (its preface, §3.4: bytes that are not one are not HTTP/2, and stop there);
 * 2. joins each HEADERS or PUSH_PROMISE fragment with its CONTINUATIONs (§6.10) and runs
 *    the project's HPACK decoder on the whole block, one decoder per direction;
 * 3. applies the SETTINGS_HEADER_TABLE_SIZE each side announced to the other side's
 *    decoder when the other side acknowledges it (RFC 9113 §6.5.3: the n-th SETTINGS ACK
 *    a side sends acknowledges the n-th SETTINGS its peer sent; RFC 7541 §4.2: the
 *    encoder's next block then starts with a size update when the limit went down);
 * 4. returns every block with its fields, each field's representation (representations.ts)
 *    and the dynamic table's size after the block.
 *
 * A block that fails to decode is a COMPRESSION_ERROR (RFC 9113 §4.3): the tables can no
 * longer be trusted, so that direction's decoding stops there, with the reason, as a real
 * decoder's connection would. A framing error (a CONTINUATION missing, a malformed
 * HEADERS) stops it too. Nothing throws.
 *
 * Bounded work (per direction): at most MAX_FRAMES frames are walked and MAX_HEADER_BLOCKS
 * blocks decoded; a block is at most MAX_HEADER_BLOCK_BYTES octets (as the connection's
 * own limit, twice the header list limit) and decodes to at most the decoder's 64 KiB
 * header list (SETTINGS_MAX_HEADER_LIST_SIZE's default there, RFC 9113 §6.5.2); past a
 * cap the direction stops with a note saying which.
 */
import { concatBytes } from '../../../bytes/concat.ts';
import { FRAME_HEADER_LENGTH, Flag, FrameType, frameTypeName } from '../../../application/http2/frame.ts';
import { parseFrame } from '../../../application/http2/frame-codec.ts';
import { H2Error } from '../../../application/http2/h2-error.ts';
import { HpackDecoder } from '../../../application/http2/hpack/decoder.ts';
import { CLIENT_PREFACE } from '../../../application/http2/preface.ts';
import { SettingId } from '../../../application/http2/settings.ts';
import { ProtocolError } from '../../../bytes/protocol-error.ts';
import { type PlainRecord, PlainStream } from './plain-stream.ts';
import { blockLayout, type FieldEncoding, type SizeUpdate } from './representations.ts';

/** Frames walked per direction: a page load's connection has a few thousand. */
export const MAX_FRAMES = 100_000;
/** Header blocks decoded per direction. */
export const MAX_HEADER_BLOCKS = 10_000;
/** Octets of one header block, all fragments together. */
export const MAX_HEADER_BLOCK_BYTES = 131_072;

export type Direction = 'client' | 'server';

/** A decoded header field and how it was encoded. */
export interface DecodedField extends FieldEncoding {
  readonly name: string;
  readonly value: string;
}

/** Where a piece of a block's bytes lies in the direction's plaintext stream. */
export interface BlockPiece {
  /** Offset in the plaintext stream. */
  readonly at: number;
  /** Offset in the block. */
  readonly blockOffset: number;
  readonly length: number;
}

export interface DecodedHeaderBlock {
  readonly direction: Direction;
  readonly type: 'HEADERS' | 'PUSH_PROMISE';
  readonly streamId: number;
  /** PUSH_PROMISE: the stream promised. */
  readonly promisedStreamId?: number;
  /** Where the HEADERS or PUSH_PROMISE frame header starts in the plaintext stream. */
  readonly frameOffset: number;
  /** Frames the block came in: 1 + the CONTINUATIONs. */
  readonly frames: number;
  /** The block's fragments in the plaintext stream, in block order. */
  readonly pieces: readonly BlockPiece[];
  /** The block's encoded length (every fragment, no padding or priority fields). */
  readonly blockLength: number;
  /** The fields decoded, in order (none when the block failed). */
  readonly fields: readonly DecodedField[];
  readonly sizeUpdates: readonly SizeUpdate[];
  /** Octets of the names and values decoded: what the block stands for. */
  readonly headerOctets: number;
  /** The dynamic table after the block: its size (RFC 7541 §4.1), entries and maximum size. */
  readonly tableSize: number;
  readonly tableEntries: number;
  readonly tableMaxSize: number;
  /**
   * Why the block did not decode (an 'hpack' ProtocolError: COMPRESSION_ERROR, the
   * direction stops here), or 'header-list-too-large' (the table is still in step; the
   * fields past the limit are left out, the direction goes on).
   */
  readonly error?: ProtocolError;
}

export interface DirectionHeaders {
  readonly blocks: readonly DecodedHeaderBlock[];
  /** Blocks by the plaintext offset of their HEADERS or PUSH_PROMISE frame. */
  readonly byFrame: ReadonlyMap<number, DecodedHeaderBlock>;
  /** Each record's plaintext start, by its `streamOffset`. */
  readonly recordStarts: ReadonlyMap<number, number>;
  /** Why decoding stopped before the stream's end (an error, a cap), if it did. */
  readonly stopped?: ProtocolError;
}

export interface ConnectionHeaders {
  readonly client: DirectionHeaders;
  readonly server: DirectionHeaders;
}

interface FrameAt {
  readonly at: number;
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
}

interface Framed {
  readonly stream: PlainStream;
  readonly frames: FrameAt[];
  stopped?: ProtocolError;
}

function h2Stop(code: string, message: string, at: number): ProtocolError {
  return new ProtocolError('http2', code, message, at);
}

function startsWithPreface(s: PlainStream): boolean {
  if (s.length < CLIENT_PREFACE.length) return false;
  const head = s.read(0, CLIENT_PREFACE.length);
  return head.every((b, i) => b === CLIENT_PREFACE[i]);
}

/** The frames of one direction's stream, whole ones only (a frame cut by the capture's end is left). */
function cutFrames(records: readonly PlainRecord[], client: boolean): Framed {
  const stream = new PlainStream(records);
  const frames: FrameAt[] = [];
  const out: Framed = { stream, frames };
  let at = 0;
  if (client) {
    if (stream.length === 0) return out;
    if (!startsWithPreface(stream)) {
      if (stream.length >= CLIENT_PREFACE.length)
        out.stopped = h2Stop('no-preface', 'the client data does not start with the HTTP/2 preface', 0);
      return out;
    }
    at = CLIENT_PREFACE.length;
  }
  while (stream.length - at >= FRAME_HEADER_LENGTH) {
    if (frames.length >= MAX_FRAMES) {
      out.stopped = h2Stop('frame-limit', `stopped after ${MAX_FRAMES} frames (the inspector's limit)`, at);
      break;
    }
    const h = stream.read(at, FRAME_HEADER_LENGTH);
    const length = (h[0]! << 16) | (h[1]! << 8) | h[2]!;
    const streamId = ((h[5]! << 24) | (h[6]! << 16) | (h[7]! << 8) | h[8]!) & 0x7fff_ffff;
    if (frames.length === 0 && (h[3] !== FrameType.SETTINGS || (h[4]! & Flag.ACK) !== 0 || streamId !== 0)) {
      out.stopped = h2Stop(
        'no-settings',
        `${client ? "the client's preface" : "the server's data"} does not start with a SETTINGS frame (RFC 9113 §3.4: PROTOCOL_ERROR)`,
        at,
      );
      break;
    }
    if (stream.length - at - FRAME_HEADER_LENGTH < length) break;
    frames.push({ at, length, type: h[3]!, flags: h[4]!, streamId });
    at += FRAME_HEADER_LENGTH + length;
  }
  return out;
}

/** The SETTINGS_HEADER_TABLE_SIZE of each non-ACK SETTINGS frame (undefined: not in it). */
function announcedTableSizes(f: Framed): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (const x of f.frames) {
    if (x.type !== FrameType.SETTINGS || (x.flags & Flag.ACK) !== 0) continue;
    const frame = parseFrame(x, f.stream.read(x.at + FRAME_HEADER_LENGTH, x.length));
    let size: number | undefined;
    if (!(frame instanceof H2Error) && frame.type === 'SETTINGS')
      for (const [id, value] of frame.settings) if (id === SettingId.HEADER_TABLE_SIZE) size = value;
    out.push(size);
  }
  return out;
}

interface Pending {
  readonly first: FrameAt;
  readonly type: 'HEADERS' | 'PUSH_PROMISE';
  readonly promisedStreamId?: number;
  readonly fragments: Uint8Array[];
  readonly pieces: BlockPiece[];
  size: number;
}

/** The fragment of a HEADERS, PUSH_PROMISE or CONTINUATION and where it lies in the stream. */
function fragmentOf(
  f: Framed,
  x: FrameAt,
): { fragment: Uint8Array; at: number; promisedStreamId?: number } | ProtocolError {
  const payloadAt = x.at + FRAME_HEADER_LENGTH;
  const frame = parseFrame(x, f.stream.read(payloadAt, x.length));
  if (frame instanceof H2Error) return h2Stop(frame.code, `${frameTypeName(x.type)}: ${frame.message}`, x.at);
  if (frame.type !== 'HEADERS' && frame.type !== 'PUSH_PROMISE' && frame.type !== 'CONTINUATION')
    return h2Stop('not-a-header-frame', `${frame.type} where a header block frame was expected`, x.at);
  const padded = (x.flags & Flag.PADDED) !== 0 && frame.type !== 'CONTINUATION' ? 1 : 0;
  const fixed =
    frame.type === 'PUSH_PROMISE' ? 4 : frame.type === 'HEADERS' && frame.priority !== undefined ? 5 : 0;
  return {
    fragment: frame.fragment,
    at: payloadAt + padded + fixed,
    ...(frame.type === 'PUSH_PROMISE' ? { promisedStreamId: frame.promisedStreamId } : {}),
  };
}

function decodeDirection(
  direction: Direction,
  f: Framed,
  peerTableSizes: readonly (number | undefined)[],
): DirectionHeaders {
  const decoder = new HpackDecoder();
  const blocks: DecodedHeaderBlock[] = [];
  const byFrame = new Map<number, DecodedHeaderBlock>();
  const recordStarts = new Map<number, number>();
  f.stream.records.forEach((r, i) => {
    recordStarts.set(r.streamOffset, f.stream.starts[i]!);
  });
  let stopped: ProtocolError | undefined;
  let acks = 0;
  let pending: Pending | undefined;

  const finish = (p: Pending): ProtocolError | undefined => {
    const block = p.fragments.length === 1 ? p.fragments[0]! : concatBytes(p.fragments);
    const decoded = decoder.decode(block);
    const failed = decoded instanceof ProtocolError ? decoded : undefined;
    const layout = blockLayout(block);
    const values = Array.isArray(decoded) ? decoded : [];
    const fields: DecodedField[] = [];
    let headerOctets = 0;
    // 'header-list-too-large' keeps the fields up to the limit; a hard error none.
    const usable = failed?.code === 'header-list-too-large' || failed === undefined;
    if (usable) {
      for (let i = 0; i < values.length && i < layout.fields.length; i++) {
        const v = values[i]!;
        fields.push({ ...layout.fields[i]!, name: v.name, value: v.value });
        headerOctets += v.name.length + v.value.length;
      }
    }
    const b: DecodedHeaderBlock = {
      direction,
      type: p.type,
      streamId: p.first.streamId,
      ...(p.promisedStreamId === undefined ? {} : { promisedStreamId: p.promisedStreamId }),
      frameOffset: p.first.at,
      frames: p.fragments.length,
      pieces: p.pieces,
      blockLength: p.size,
      fields,
      sizeUpdates: usable ? layout.sizeUpdates : [],
      headerOctets,
      tableSize: decoder.table.size,
      tableEntries: decoder.table.length,
      tableMaxSize: decoder.table.maxSize,
      ...(failed === undefined ? {} : { error: failed }),
    };
    blocks.push(b);
    byFrame.set(b.frameOffset, b);
    return usable ? undefined : failed;
  };

  for (const x of f.frames) {
    if (pending !== undefined) {
      if (x.type !== FrameType.CONTINUATION || x.streamId !== pending.first.streamId) {
        stopped = h2Stop(
          'continuation-expected',
          `${frameTypeName(x.type)} on stream ${x.streamId} inside the header block of stream ${pending.first.streamId} (RFC 9113 §6.10: PROTOCOL_ERROR)`,
          x.at,
        );
        break;
      }
    } else if (x.type === FrameType.SETTINGS && (x.flags & Flag.ACK) !== 0) {
      const size = peerTableSizes[acks++];
      if (size !== undefined) decoder.setMaxTableSize(size);
      continue;
    } else if (x.type === FrameType.CONTINUATION) {
      stopped = h2Stop(
        'unexpected-continuation',
        'CONTINUATION outside a header block (RFC 9113 §6.10)',
        x.at,
      );
      break;
    } else if (x.type !== FrameType.HEADERS && x.type !== FrameType.PUSH_PROMISE) continue;

    const got = fragmentOf(f, x);
    if (got instanceof ProtocolError) {
      stopped = got;
      break;
    }
    if (pending === undefined) {
      if (blocks.length >= MAX_HEADER_BLOCKS) {
        stopped = h2Stop(
          'block-limit',
          `stopped after ${MAX_HEADER_BLOCKS} header blocks (the inspector's limit)`,
          x.at,
        );
        break;
      }
      pending = {
        first: x,
        type: x.type === FrameType.HEADERS ? 'HEADERS' : 'PUSH_PROMISE',
        ...(got.promisedStreamId === undefined ? {} : { promisedStreamId: got.promisedStreamId }),
        fragments: [],
        pieces: [],
        size: 0,
      };
    }
    if (pending.size + got.fragment.length > MAX_HEADER_BLOCK_BYTES) {
      stopped = h2Stop(
        'block-too-large',
        `a header block above ${MAX_HEADER_BLOCK_BYTES} octets (the inspector's limit)`,
        pending.first.at,
      );
      break;
    }
    pending.pieces.push({ at: got.at, blockOffset: pending.size, length: got.fragment.length });
    pending.fragments.push(got.fragment);
    pending.size += got.fragment.length;
    if ((x.flags & Flag.END_HEADERS) === 0) continue;
    const failed = finish(pending);
    pending = undefined;
    if (failed !== undefined) {
      stopped = failed;
      break;
    }
  }
  stopped ??= f.stopped;
  return { blocks, byFrame, recordStarts, ...(stopped === undefined ? {} : { stopped }) };
}

/**
 * Decodes every header block of a connection from each direction's decrypted application
 * data, in stream order (the records' plaintexts of content type application_data).
 */
export function decodeConnectionHeaders(
  client: readonly PlainRecord[],
  server: readonly PlainRecord[],
): ConnectionHeaders {
  const c = cutFrames(client, true);
  const s = cutFrames(server, false);
  return {
    client: decodeDirection('client', c, announcedTableSizes(s)),
    server: decodeDirection('server', s, announcedTableSizes(c)),
  };
}

/**
 * Where block bytes [from, to) are in a record whose plaintext starts at `recordStart`
 * and is `recordLength` long: the offset and length of the first run of them in the
 * record, or undefined when none is in it.
 */
export function blockRangeInRecord(
  b: DecodedHeaderBlock,
  from: number,
  to: number,
  recordStart: number,
  recordLength: number,
): { offset: number; length: number } | undefined {
  for (const p of b.pieces) {
    const s = Math.max(from, p.blockOffset);
    const e = Math.min(to, p.blockOffset + p.length);
    if (s >= e) continue;
    const a = Math.max(p.at + (s - p.blockOffset), recordStart);
    const z = Math.min(p.at + (e - p.blockOffset), recordStart + recordLength);
    if (a < z) return { offset: a - recordStart, length: z - a };
  }
  return undefined;
}
