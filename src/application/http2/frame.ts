/**
 * HTTP/2 frames as values, RFC 9113 §4.1 and §6, plus PRIORITY_UPDATE (RFC 9218 §7.1).
 *
 * Flags are not stored as bits: each frame type has the booleans its flags mean
 * (`endStream`, `endHeaders`, `ack`), and padding is a length. Undefined flag bits are
 * ignored on receipt and never sent (§4.1). Payloads (`data`, `fragment`, `debugData`)
 * are views into the received bytes.
 */
import type { SettingPair } from './settings.ts';

export const FrameType = {
  DATA: 0x0,
  HEADERS: 0x1,
  PRIORITY: 0x2,
  RST_STREAM: 0x3,
  SETTINGS: 0x4,
  PUSH_PROMISE: 0x5,
  PING: 0x6,
  GOAWAY: 0x7,
  WINDOW_UPDATE: 0x8,
  CONTINUATION: 0x9,
  PRIORITY_UPDATE: 0x10,
} as const;

export type FrameTypeName = keyof typeof FrameType;

export const Flag = {
  END_STREAM: 0x1,
  ACK: 0x1,
  END_HEADERS: 0x4,
  PADDED: 0x8,
  PRIORITY: 0x20,
} as const;

/** The 9-octet frame header (§4.1). */
export interface FrameHeader {
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
}

export const FRAME_HEADER_LENGTH = 9;

/** RFC 7540 §5.3 stream dependency, still parsed (RFC 9113 §5.3.2) but not acted on. */
export interface Rfc7540Priority {
  readonly exclusive: boolean;
  readonly dependency: number;
  /** 1 to 256 (the wire carries weight - 1). */
  readonly weight: number;
}

export interface DataFrame {
  readonly type: 'DATA';
  readonly streamId: number;
  readonly endStream: boolean;
  readonly data: Uint8Array;
  /** Padding octets (PADDED set); the Pad Length octet itself is one more. */
  readonly padLength?: number;
}

export interface HeadersFrame {
  readonly type: 'HEADERS';
  readonly streamId: number;
  readonly endStream: boolean;
  readonly endHeaders: boolean;
  readonly fragment: Uint8Array;
  readonly priority?: Rfc7540Priority;
  readonly padLength?: number;
}

export interface PriorityFrame {
  readonly type: 'PRIORITY';
  readonly streamId: number;
  readonly priority: Rfc7540Priority;
}

export interface RstStreamFrame {
  readonly type: 'RST_STREAM';
  readonly streamId: number;
  readonly errorCode: number;
}

export interface SettingsFrame {
  readonly type: 'SETTINGS';
  readonly ack: boolean;
  readonly settings: readonly SettingPair[];
}

export interface PushPromiseFrame {
  readonly type: 'PUSH_PROMISE';
  readonly streamId: number;
  readonly promisedStreamId: number;
  readonly endHeaders: boolean;
  readonly fragment: Uint8Array;
  readonly padLength?: number;
}

export interface PingFrame {
  readonly type: 'PING';
  readonly ack: boolean;
  /** Exactly 8 octets. */
  readonly data: Uint8Array;
}

export interface GoawayFrame {
  readonly type: 'GOAWAY';
  readonly lastStreamId: number;
  readonly errorCode: number;
  readonly debugData: Uint8Array;
}

export interface WindowUpdateFrame {
  readonly type: 'WINDOW_UPDATE';
  readonly streamId: number;
  readonly increment: number;
}

export interface ContinuationFrame {
  readonly type: 'CONTINUATION';
  readonly streamId: number;
  readonly endHeaders: boolean;
  readonly fragment: Uint8Array;
}

/** RFC 9218 §7.1: the client re-prioritises a request. */
export interface PriorityUpdateFrame {
  readonly type: 'PRIORITY_UPDATE';
  readonly prioritizedStreamId: number;
  /** The Priority Field Value, ASCII, same syntax as the Priority header (`u=2, i`). */
  readonly fieldValue: string;
}

/** A frame of a type this implementation does not know: ignored (§4.1, §5.5). */
export interface UnknownFrame {
  readonly type: 'UNKNOWN';
  readonly frameType: number;
  readonly streamId: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

export type Frame =
  | DataFrame
  | HeadersFrame
  | PriorityFrame
  | RstStreamFrame
  | SettingsFrame
  | PushPromiseFrame
  | PingFrame
  | GoawayFrame
  | WindowUpdateFrame
  | ContinuationFrame
  | PriorityUpdateFrame
  | UnknownFrame;

const TYPE_NAMES = new Map<number, string>(Object.entries(FrameType).map(([name, code]) => [code, name]));

/** `HEADERS`, or `UNKNOWN(0x2a)`. */
export function frameTypeName(type: number): string {
  return TYPE_NAMES.get(type) ?? `UNKNOWN(0x${type.toString(16)})`;
}

/** The stream a frame belongs to (0 for connection-level frames). */
export function frameStreamId(frame: Frame): number {
  return 'streamId' in frame ? frame.streamId : 0;
}
