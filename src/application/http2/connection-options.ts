/**
 * Options of the HTTP/2 connection machine, their defaults and validation. Every limit
 * that protects against a hostile peer is here, with its default and the RFC or attack
 * it answers.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { MILLISECOND, SECOND, type Time } from '../../sim/time.ts';
import type { HuffmanMode, IndexingStrategy } from './hpack/encoder.ts';
import { MAX_MAX_FRAME_SIZE, MAX_WINDOW_SIZE, MIN_MAX_FRAME_SIZE } from './settings.ts';

export type Role = 'client' | 'server';

/** What this side announces in its SETTINGS (RFC 9113 §6.5.2). */
export interface LocalSettings {
  /** SETTINGS_HEADER_TABLE_SIZE: our HPACK decoder's table limit. Default 4096. */
  readonly headerTableSize: number;
  /** SETTINGS_ENABLE_PUSH (clients; servers always send 0). Default true for clients. */
  readonly enablePush: boolean;
  /** SETTINGS_MAX_CONCURRENT_STREAMS: streams the peer may open. Default 100. */
  readonly maxConcurrentStreams: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE: each stream's receive window. Default 65535. */
  readonly initialWindowSize: number;
  /** SETTINGS_MAX_FRAME_SIZE: the largest frame payload we accept. Default 16384. */
  readonly maxFrameSize: number;
  /** SETTINGS_MAX_HEADER_LIST_SIZE, enforced by the HPACK decoder. Default 65536. */
  readonly maxHeaderListSize: number;
}

export interface Http2Limits {
  /** Receive window of the whole connection, raised by WINDOW_UPDATE at start. Default 1 MiB. */
  readonly connectionWindowSize: number;
  /**
   * Largest encoded header block (HEADERS/PUSH_PROMISE plus CONTINUATIONs) we buffer.
   * Beyond it: ENHANCE_YOUR_CALM. Default 2 x maxHeaderListSize.
   */
  readonly maxHeaderBlockSize: number;
  /** CONTINUATION frames per header block (CVE-2024-27316 class floods). Default 32. */
  readonly maxContinuationFrames: number;
  /** RST_STREAMs from the peer allowed within `resetWindow` (CVE-2023-44487). Default 200. */
  readonly maxResetsPerWindow: number;
  readonly resetWindow: Time;
  /**
   * Frames the peer makes us queue (PING and SETTINGS acks, RST_STREAMs) that have not
   * been taken by the adapter: a peer that sends them without reading is flooding
   * (CVE-2019-9512/9515). Default 1000.
   */
  readonly maxQueuedControlFrames: number;
  /** Time the peer has to acknowledge our SETTINGS (§6.5.3 SETTINGS_TIMEOUT). Default 10 s. */
  readonly settingsTimeout: Time;
  /** Closed streams remembered to tell late frames from protocol errors. Default 1000. */
  readonly closedStreamMemory: number;
  /** Priorities received by PRIORITY_UPDATE for streams not yet open (RFC 9218 §7.1). Default 100. */
  readonly maxPendingPriorities: number;
  /** Empty DATA frames without END_STREAM allowed within `resetWindow` (CVE-2019-9518). Default 1000. */
  readonly maxEmptyFramesPerWindow: number;
  /**
   * Streams a client opens before the server's SETTINGS arrive. The RFC's initial value is
   * unlimited (§6.5.2), so a server with a lower limit would refuse the excess; assuming
   * 100, as nghttp2 does, avoids that. Default 100.
   */
  readonly initialPeerMaxConcurrentStreams: number;
}

export interface Http2ConnectionOptions {
  readonly role: Role;
  readonly settings?: Partial<LocalSettings>;
  readonly limits?: Partial<Http2Limits>;
  readonly hpack?: {
    readonly huffman?: HuffmanMode;
    readonly indexing?: IndexingStrategy;
    /** Largest HPACK table our encoder uses whatever the peer allows. Default 4096. */
    readonly encoderTableSizeLimit?: number;
  };
}

export const DEFAULT_LOCAL_SETTINGS: LocalSettings = {
  headerTableSize: 4096,
  enablePush: true,
  maxConcurrentStreams: 100,
  initialWindowSize: 65535,
  maxFrameSize: MIN_MAX_FRAME_SIZE,
  maxHeaderListSize: 65536,
};

export function defaultLimits(settings: LocalSettings): Http2Limits {
  return {
    connectionWindowSize: 1 << 20,
    maxHeaderBlockSize: Math.max(2 * settings.maxHeaderListSize, 16384),
    maxContinuationFrames: 32,
    maxResetsPerWindow: 200,
    resetWindow: SECOND,
    maxQueuedControlFrames: 1000,
    settingsTimeout: 10 * SECOND,
    closedStreamMemory: 1000,
    maxPendingPriorities: 100,
    maxEmptyFramesPerWindow: 1000,
    initialPeerMaxConcurrentStreams: 100,
  };
}

function check(name: string, v: number, min: number, max: number): void {
  if (!(Number.isInteger(v) && v >= min && v <= max)) {
    throw new NetlabError('h2-bad-option', `${name} must be an integer from ${min} to ${max}, got ${v}`);
  }
}

/** The effective settings and limits, validated (NetlabError 'h2-bad-option'). */
export function resolveOptions(options: Http2ConnectionOptions): {
  settings: LocalSettings;
  limits: Http2Limits;
} {
  if (options.role !== 'client' && options.role !== 'server') {
    throw new NetlabError('h2-bad-option', `role must be 'client' or 'server'`);
  }
  const settings: LocalSettings = {
    ...DEFAULT_LOCAL_SETTINGS,
    ...(options.role === 'server' ? { enablePush: false } : {}),
    ...options.settings,
  };
  if (options.role === 'server' && settings.enablePush) {
    throw new NetlabError(
      'h2-bad-option',
      'a server must not announce SETTINGS_ENABLE_PUSH = 1 (RFC 9113 §6.5.2)',
    );
  }
  check('headerTableSize', settings.headerTableSize, 0, 0xffff_ffff);
  check('maxConcurrentStreams', settings.maxConcurrentStreams, 0, 0xffff_ffff);
  check('initialWindowSize', settings.initialWindowSize, 0, MAX_WINDOW_SIZE);
  check('maxFrameSize', settings.maxFrameSize, MIN_MAX_FRAME_SIZE, MAX_MAX_FRAME_SIZE);
  check('maxHeaderListSize', settings.maxHeaderListSize, 0, 0xffff_ffff);
  const limits = { ...defaultLimits(settings), ...options.limits };
  check('connectionWindowSize', limits.connectionWindowSize, 65535, MAX_WINDOW_SIZE);
  check('maxHeaderBlockSize', limits.maxHeaderBlockSize, 1, 0xffff_ffff);
  check('maxContinuationFrames', limits.maxContinuationFrames, 0, 1 << 20);
  check('maxResetsPerWindow', limits.maxResetsPerWindow, 1, 1 << 24);
  check('resetWindow', limits.resetWindow, MILLISECOND, Number.MAX_SAFE_INTEGER);
  check('maxQueuedControlFrames', limits.maxQueuedControlFrames, 1, 1 << 24);
  check('settingsTimeout', limits.settingsTimeout, 0, Number.MAX_SAFE_INTEGER);
  check('closedStreamMemory', limits.closedStreamMemory, 0, 1 << 24);
  check('maxPendingPriorities', limits.maxPendingPriorities, 0, 1 << 16);
  check('maxEmptyFramesPerWindow', limits.maxEmptyFramesPerWindow, 1, 1 << 24);
  check('initialPeerMaxConcurrentStreams', limits.initialPeerMaxConcurrentStreams, 1, 0xffff_ffff);
  return { settings, limits };
}
