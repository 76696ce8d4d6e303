/**
 * The HTTP/2 frame codec, RFC 9113 §4.1 and §6, and PRIORITY_UPDATE (RFC 9218 §7.1):
 * pure functions from a frame header and payload to a `Frame` value, and back.
 *
 * Every malformation maps to the RFC's consequence as an `H2Error`: the error code and
 * whether it is a connection error or a stream error. Checks that need connection state
 * (frame size against SETTINGS_MAX_FRAME_SIZE, stream states, flow control) belong to
 * frame-reader.ts and the connection machine.
 */
import { ByteWriter } from '../../bytes/byte-writer.ts';
import {
  type Frame,
  FRAME_HEADER_LENGTH,
  Flag,
  type FrameHeader,
  FrameType,
  type Rfc7540Priority,
} from './frame.ts';
import { connectionError, H2Error, streamError } from './h2-error.ts';
import { checkSetting, type SettingPair } from './settings.ts';

const STREAM_MASK = 0x7fff_ffff;

/** Reads the 9-octet header at `offset` (the caller checked 9 octets are there). */
export function parseFrameHeader(bytes: Uint8Array, offset = 0): FrameHeader {
  const b = bytes;
  const o = offset;
  return {
    length: (b[o]! << 16) | (b[o + 1]! << 8) | b[o + 2]!,
    type: b[o + 3]!,
    flags: b[o + 4]!,
    // The reserved bit is ignored on receipt (§4.1).
    streamId: ((b[o + 5]! << 24) | (b[o + 6]! << 16) | (b[o + 7]! << 8) | b[o + 8]!) & STREAM_MASK,
  };
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function needStream(h: FrameHeader, name: string): H2Error | undefined {
  if (h.streamId === 0) return connectionError('stream-zero', `${name} on stream 0`, 'PROTOCOL_ERROR');
  return undefined;
}

function needConnection(h: FrameHeader, name: string): H2Error | undefined {
  if (h.streamId !== 0) {
    return connectionError('stream-nonzero', `${name} on stream ${h.streamId}`, 'PROTOCOL_ERROR');
  }
  return undefined;
}

/**
 * Strips padding (§6.1): returns [start, end) of the content after the Pad Length octet
 * and `fixed` octets of fields, and the pad length — or an error.
 */
function unpad(
  h: FrameHeader,
  payload: Uint8Array,
  fixed: number,
): [number, number, number | undefined] | H2Error {
  if ((h.flags & Flag.PADDED) === 0) {
    if (payload.length < fixed)
      return connectionError('frame-too-short', 'frame too short', 'FRAME_SIZE_ERROR');
    return [fixed, payload.length, undefined];
  }
  if (payload.length < 1 + fixed)
    return connectionError('frame-too-short', 'frame too short', 'FRAME_SIZE_ERROR');
  const pad = payload[0]!;
  // "If the length of the padding is the length of the frame payload or greater, the
  // recipient MUST treat this as a connection error of type PROTOCOL_ERROR."
  if (pad > payload.length - 1 - fixed) {
    return connectionError('bad-padding', `pad length ${pad} exceeds the payload`, 'PROTOCOL_ERROR');
  }
  return [1 + fixed, payload.length - pad, pad];
}

function priorityAt(b: Uint8Array, o: number): Rfc7540Priority {
  const word = u32(b, o);
  return { exclusive: (word & 0x8000_0000) !== 0, dependency: word & STREAM_MASK, weight: b[o + 4]! + 1 };
}

/** Parses one frame's payload (exactly `header.length` octets). */
export function parseFrame(h: FrameHeader, payload: Uint8Array): Frame | H2Error {
  const len = payload.length;
  switch (h.type) {
    case FrameType.DATA: {
      const bad = needStream(h, 'DATA');
      if (bad) return bad;
      const r = unpad(h, payload, 0);
      if (!Array.isArray(r)) return r;
      const [start, end, padLength] = r;
      const data = payload.subarray(start, end);
      const endStream = (h.flags & Flag.END_STREAM) !== 0;
      return padLength === undefined
        ? { type: 'DATA', streamId: h.streamId, endStream, data }
        : { type: 'DATA', streamId: h.streamId, endStream, data, padLength };
    }
    case FrameType.HEADERS: {
      const bad = needStream(h, 'HEADERS');
      if (bad) return bad;
      const hasPriority = (h.flags & Flag.PRIORITY) !== 0;
      const r = unpad(h, payload, hasPriority ? 5 : 0);
      if (!Array.isArray(r)) return r;
      const [start, end, padLength] = r;
      const base = {
        type: 'HEADERS' as const,
        streamId: h.streamId,
        endStream: (h.flags & Flag.END_STREAM) !== 0,
        endHeaders: (h.flags & Flag.END_HEADERS) !== 0,
        fragment: payload.subarray(start, end),
      };
      const withPriority = hasPriority ? { ...base, priority: priorityAt(payload, start - 5) } : base;
      return padLength === undefined ? withPriority : { ...withPriority, padLength };
    }
    case FrameType.PRIORITY: {
      const bad = needStream(h, 'PRIORITY');
      if (bad) return bad;
      if (len !== 5)
        return streamError('bad-length', 'PRIORITY must be 5 octets', 'FRAME_SIZE_ERROR', h.streamId);
      return { type: 'PRIORITY', streamId: h.streamId, priority: priorityAt(payload, 0) };
    }
    case FrameType.RST_STREAM: {
      const bad = needStream(h, 'RST_STREAM');
      if (bad) return bad;
      if (len !== 4) return connectionError('bad-length', 'RST_STREAM must be 4 octets', 'FRAME_SIZE_ERROR');
      return { type: 'RST_STREAM', streamId: h.streamId, errorCode: u32(payload, 0) };
    }
    case FrameType.SETTINGS: {
      const bad = needConnection(h, 'SETTINGS');
      if (bad) return bad;
      const ack = (h.flags & Flag.ACK) !== 0;
      if (ack && len !== 0)
        return connectionError('bad-length', 'SETTINGS ACK with a payload', 'FRAME_SIZE_ERROR');
      if (len % 6 !== 0)
        return connectionError('bad-length', 'SETTINGS length not a multiple of 6', 'FRAME_SIZE_ERROR');
      const settings: SettingPair[] = [];
      for (let o = 0; o < len; o += 6) {
        const id = (payload[o]! << 8) | payload[o + 1]!;
        const value = u32(payload, o + 2);
        const err = checkSetting(id, value);
        if (err) return err;
        settings.push([id, value]);
      }
      return { type: 'SETTINGS', ack, settings };
    }
    case FrameType.PUSH_PROMISE: {
      const bad = needStream(h, 'PUSH_PROMISE');
      if (bad) return bad;
      const r = unpad(h, payload, 4);
      if (!Array.isArray(r)) return r;
      const [start, end, padLength] = r;
      const frame = {
        type: 'PUSH_PROMISE' as const,
        streamId: h.streamId,
        promisedStreamId: u32(payload, start - 4) & STREAM_MASK,
        endHeaders: (h.flags & Flag.END_HEADERS) !== 0,
        fragment: payload.subarray(start, end),
      };
      return padLength === undefined ? frame : { ...frame, padLength };
    }
    case FrameType.PING: {
      const bad = needConnection(h, 'PING');
      if (bad) return bad;
      if (len !== 8) return connectionError('bad-length', 'PING must be 8 octets', 'FRAME_SIZE_ERROR');
      return { type: 'PING', ack: (h.flags & Flag.ACK) !== 0, data: payload };
    }
    case FrameType.GOAWAY: {
      const bad = needConnection(h, 'GOAWAY');
      if (bad) return bad;
      if (len < 8) return connectionError('bad-length', 'GOAWAY shorter than 8 octets', 'FRAME_SIZE_ERROR');
      return {
        type: 'GOAWAY',
        lastStreamId: u32(payload, 0) & STREAM_MASK,
        errorCode: u32(payload, 4),
        debugData: payload.subarray(8),
      };
    }
    case FrameType.WINDOW_UPDATE: {
      if (len !== 4)
        return connectionError('bad-length', 'WINDOW_UPDATE must be 4 octets', 'FRAME_SIZE_ERROR');
      const increment = u32(payload, 0) & STREAM_MASK;
      if (increment === 0) {
        // §6.9: a stream error on a stream, a connection error on the connection.
        return h.streamId === 0
          ? connectionError('zero-increment', 'WINDOW_UPDATE of 0 on the connection', 'PROTOCOL_ERROR')
          : streamError('zero-increment', 'WINDOW_UPDATE of 0', 'PROTOCOL_ERROR', h.streamId);
      }
      return { type: 'WINDOW_UPDATE', streamId: h.streamId, increment };
    }
    case FrameType.CONTINUATION: {
      const bad = needStream(h, 'CONTINUATION');
      if (bad) return bad;
      return {
        type: 'CONTINUATION',
        streamId: h.streamId,
        endHeaders: (h.flags & Flag.END_HEADERS) !== 0,
        fragment: payload,
      };
    }
    case FrameType.PRIORITY_UPDATE: {
      const bad = needConnection(h, 'PRIORITY_UPDATE');
      if (bad) return bad;
      if (len < 4)
        return connectionError('bad-length', 'PRIORITY_UPDATE shorter than 4 octets', 'FRAME_SIZE_ERROR');
      const prioritizedStreamId = u32(payload, 0) & STREAM_MASK;
      if (prioritizedStreamId === 0) {
        return connectionError('stream-zero', 'PRIORITY_UPDATE for stream 0', 'PROTOCOL_ERROR');
      }
      let fieldValue = '';
      for (let i = 4; i < len; i++) fieldValue += String.fromCharCode(payload[i]!);
      return { type: 'PRIORITY_UPDATE', prioritizedStreamId, fieldValue };
    }
    default:
      return { type: 'UNKNOWN', frameType: h.type, streamId: h.streamId, flags: h.flags, payload };
  }
}

/** Parses one complete frame (header and payload) from `bytes`, which must hold exactly it. */
export function parseFrameBytes(bytes: Uint8Array): { header: FrameHeader; frame: Frame } | H2Error {
  if (bytes.length < FRAME_HEADER_LENGTH) {
    return connectionError('truncated', 'fewer than 9 octets', 'FRAME_SIZE_ERROR');
  }
  const header = parseFrameHeader(bytes);
  if (bytes.length !== FRAME_HEADER_LENGTH + header.length) {
    return connectionError('bad-length', 'frame length does not match the bytes', 'FRAME_SIZE_ERROR');
  }
  const frame = parseFrame(header, bytes.subarray(FRAME_HEADER_LENGTH));
  return frame instanceof H2Error ? frame : { header, frame };
}

function writeHeader(w: ByteWriter, length: number, type: number, flags: number, streamId: number): void {
  w.u24(length);
  w.u8(type);
  w.u8(flags);
  w.u32(streamId & STREAM_MASK);
}

function padFlags(padLength: number | undefined): number {
  return padLength === undefined ? 0 : Flag.PADDED;
}

function padExtra(padLength: number | undefined): number {
  return padLength === undefined ? 0 : 1 + padLength;
}

function writePadding(w: ByteWriter, padLength: number | undefined): void {
  for (let i = 0; i < (padLength ?? 0); i++) w.u8(0);
}

function writePriority(w: ByteWriter, p: Rfc7540Priority): void {
  w.u32(((p.exclusive ? 0x8000_0000 : 0) | (p.dependency & STREAM_MASK)) >>> 0);
  w.u8(p.weight - 1);
}

/** Appends the wire form of `frame` (header and payload) to `w`. */
export function writeFrame(w: ByteWriter, frame: Frame): void {
  switch (frame.type) {
    case 'DATA': {
      const flags = (frame.endStream ? Flag.END_STREAM : 0) | padFlags(frame.padLength);
      writeHeader(w, frame.data.length + padExtra(frame.padLength), FrameType.DATA, flags, frame.streamId);
      if (frame.padLength !== undefined) w.u8(frame.padLength);
      w.bytes(frame.data);
      writePadding(w, frame.padLength);
      return;
    }
    case 'HEADERS': {
      const flags =
        (frame.endStream ? Flag.END_STREAM : 0) |
        (frame.endHeaders ? Flag.END_HEADERS : 0) |
        (frame.priority ? Flag.PRIORITY : 0) |
        padFlags(frame.padLength);
      const length = frame.fragment.length + (frame.priority ? 5 : 0) + padExtra(frame.padLength);
      writeHeader(w, length, FrameType.HEADERS, flags, frame.streamId);
      if (frame.padLength !== undefined) w.u8(frame.padLength);
      if (frame.priority) writePriority(w, frame.priority);
      w.bytes(frame.fragment);
      writePadding(w, frame.padLength);
      return;
    }
    case 'PRIORITY':
      writeHeader(w, 5, FrameType.PRIORITY, 0, frame.streamId);
      writePriority(w, frame.priority);
      return;
    case 'RST_STREAM':
      writeHeader(w, 4, FrameType.RST_STREAM, 0, frame.streamId);
      w.u32(frame.errorCode);
      return;
    case 'SETTINGS':
      writeHeader(w, frame.settings.length * 6, FrameType.SETTINGS, frame.ack ? Flag.ACK : 0, 0);
      for (const [id, value] of frame.settings) {
        w.u16(id);
        w.u32(value);
      }
      return;
    case 'PUSH_PROMISE': {
      const flags = (frame.endHeaders ? Flag.END_HEADERS : 0) | padFlags(frame.padLength);
      const length = 4 + frame.fragment.length + padExtra(frame.padLength);
      writeHeader(w, length, FrameType.PUSH_PROMISE, flags, frame.streamId);
      if (frame.padLength !== undefined) w.u8(frame.padLength);
      w.u32(frame.promisedStreamId & STREAM_MASK);
      w.bytes(frame.fragment);
      writePadding(w, frame.padLength);
      return;
    }
    case 'PING':
      writeHeader(w, 8, FrameType.PING, frame.ack ? Flag.ACK : 0, 0);
      w.bytes(frame.data);
      return;
    case 'GOAWAY':
      writeHeader(w, 8 + frame.debugData.length, FrameType.GOAWAY, 0, 0);
      w.u32(frame.lastStreamId & STREAM_MASK);
      w.u32(frame.errorCode);
      w.bytes(frame.debugData);
      return;
    case 'WINDOW_UPDATE':
      writeHeader(w, 4, FrameType.WINDOW_UPDATE, 0, frame.streamId);
      w.u32(frame.increment & STREAM_MASK);
      return;
    case 'CONTINUATION':
      writeHeader(
        w,
        frame.fragment.length,
        FrameType.CONTINUATION,
        frame.endHeaders ? Flag.END_HEADERS : 0,
        frame.streamId,
      );
      w.bytes(frame.fragment);
      return;
    case 'PRIORITY_UPDATE': {
      writeHeader(w, 4 + frame.fieldValue.length, FrameType.PRIORITY_UPDATE, 0, 0);
      w.u32(frame.prioritizedStreamId & STREAM_MASK);
      for (let i = 0; i < frame.fieldValue.length; i++) w.u8(frame.fieldValue.charCodeAt(i));
      return;
    }
    case 'UNKNOWN':
      writeHeader(w, frame.payload.length, frame.frameType, frame.flags, frame.streamId);
      w.bytes(frame.payload);
      return;
  }
}

/** The wire form of one frame. */
export function serializeFrame(frame: Frame): Uint8Array {
  const w = new ByteWriter(64);
  writeFrame(w, frame);
  return w.finish();
}
