/**
 * HTTP/2 SETTINGS parameters, RFC 9113 §6.5.2, plus SETTINGS_ENABLE_CONNECT_PROTOCOL
 * (RFC 8441, recognised and ignored) and SETTINGS_NO_RFC7540_PRIORITIES (RFC 9218 §2.1).
 * Unknown identifiers are ignored (§6.5.2), but kept in parsed frames so traces show them.
 */
import { connectionError, type H2Error } from './h2-error.ts';

export const SettingId = {
  HEADER_TABLE_SIZE: 0x1,
  ENABLE_PUSH: 0x2,
  MAX_CONCURRENT_STREAMS: 0x3,
  INITIAL_WINDOW_SIZE: 0x4,
  MAX_FRAME_SIZE: 0x5,
  MAX_HEADER_LIST_SIZE: 0x6,
  ENABLE_CONNECT_PROTOCOL: 0x8,
  NO_RFC7540_PRIORITIES: 0x9,
} as const;

/** One parameter as it travels: identifier and 32-bit value. */
export type SettingPair = readonly [id: number, value: number];

/** The settings one side has announced, with the RFC's initial values where it said nothing. */
export interface Settings {
  readonly headerTableSize: number;
  readonly enablePush: boolean;
  /** Infinity when unlimited (the initial value). */
  readonly maxConcurrentStreams: number;
  readonly initialWindowSize: number;
  readonly maxFrameSize: number;
  /** Infinity when unlimited (the initial value). */
  readonly maxHeaderListSize: number;
  readonly noRfc7540Priorities: boolean;
}

/** RFC 9113 §6.5.2 initial values. */
export const INITIAL_SETTINGS: Settings = {
  headerTableSize: 4096,
  enablePush: true,
  maxConcurrentStreams: Number.POSITIVE_INFINITY,
  initialWindowSize: 65535,
  maxFrameSize: 16384,
  maxHeaderListSize: Number.POSITIVE_INFINITY,
  noRfc7540Priorities: false,
};

export const MAX_WINDOW_SIZE = 0x7fff_ffff;
export const MIN_MAX_FRAME_SIZE = 16384;
export const MAX_MAX_FRAME_SIZE = 0xff_ffff;

/** The error a parameter's value causes (§6.5.2), or undefined when it is acceptable. */
export function checkSetting(id: number, value: number): H2Error | undefined {
  switch (id) {
    case SettingId.ENABLE_PUSH:
      if (value > 1) return connectionError('bad-setting', `SETTINGS_ENABLE_PUSH ${value}`, 'PROTOCOL_ERROR');
      return undefined;
    case SettingId.INITIAL_WINDOW_SIZE:
      if (value > MAX_WINDOW_SIZE) {
        return connectionError('bad-setting', `SETTINGS_INITIAL_WINDOW_SIZE ${value}`, 'FLOW_CONTROL_ERROR');
      }
      return undefined;
    case SettingId.MAX_FRAME_SIZE:
      if (value < MIN_MAX_FRAME_SIZE || value > MAX_MAX_FRAME_SIZE) {
        return connectionError('bad-setting', `SETTINGS_MAX_FRAME_SIZE ${value}`, 'PROTOCOL_ERROR');
      }
      return undefined;
    case SettingId.ENABLE_CONNECT_PROTOCOL:
    case SettingId.NO_RFC7540_PRIORITIES:
      if (value > 1)
        return connectionError('bad-setting', `setting 0x${id.toString(16)} = ${value}`, 'PROTOCOL_ERROR');
      return undefined;
    default:
      return undefined;
  }
}

/** `base` updated with the parameters of one SETTINGS frame, in order (§6.5.3). */
export function applySettings(base: Settings, pairs: readonly SettingPair[]): Settings {
  const s = { ...base };
  for (const [id, value] of pairs) {
    switch (id) {
      case SettingId.HEADER_TABLE_SIZE:
        s.headerTableSize = value;
        break;
      case SettingId.ENABLE_PUSH:
        s.enablePush = value === 1;
        break;
      case SettingId.MAX_CONCURRENT_STREAMS:
        s.maxConcurrentStreams = value;
        break;
      case SettingId.INITIAL_WINDOW_SIZE:
        s.initialWindowSize = value;
        break;
      case SettingId.MAX_FRAME_SIZE:
        s.maxFrameSize = value;
        break;
      case SettingId.MAX_HEADER_LIST_SIZE:
        s.maxHeaderListSize = value;
        break;
      case SettingId.NO_RFC7540_PRIORITIES:
        s.noRfc7540Priorities = value === 1;
        break;
    }
  }
  return s;
}

/** The parameters that announce `wanted`, listing only values that differ from `from`. */
export function settingsPairs(wanted: Settings, from: Settings = INITIAL_SETTINGS): SettingPair[] {
  const out: SettingPair[] = [];
  const add = (id: number, a: number | boolean, b: number | boolean) => {
    if (a !== b) out.push([id, typeof a === 'boolean' ? (a ? 1 : 0) : a]);
  };
  add(SettingId.HEADER_TABLE_SIZE, wanted.headerTableSize, from.headerTableSize);
  add(SettingId.ENABLE_PUSH, wanted.enablePush, from.enablePush);
  if (Number.isFinite(wanted.maxConcurrentStreams)) {
    add(SettingId.MAX_CONCURRENT_STREAMS, wanted.maxConcurrentStreams, from.maxConcurrentStreams);
  }
  add(SettingId.INITIAL_WINDOW_SIZE, wanted.initialWindowSize, from.initialWindowSize);
  add(SettingId.MAX_FRAME_SIZE, wanted.maxFrameSize, from.maxFrameSize);
  if (Number.isFinite(wanted.maxHeaderListSize)) {
    add(SettingId.MAX_HEADER_LIST_SIZE, wanted.maxHeaderListSize, from.maxHeaderListSize);
  }
  add(SettingId.NO_RFC7540_PRIORITIES, wanted.noRfc7540Priorities, from.noRfc7540Priorities);
  return out;
}
