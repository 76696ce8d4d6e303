/**
 * The HTTP/2 stream state machine, RFC 9113 §5.1 (Figure 2), as data: a table of
 * (state, event) → next state. A pair missing from the table is illegal; what the
 * connection then does depends on the side and the state (see `receiveViolation`).
 *
 * Events are the frames that move a stream: HEADERS and PUSH_PROMISE, the END_STREAM
 * flag (carried by HEADERS or DATA, applied after the frame itself), RST_STREAM, and DATA
 * (which never changes the state but is only allowed in some). PRIORITY and WINDOW_UPDATE
 * are legal in every state where the stream exists and change nothing, so they are not in
 * the table.
 */
import type { ErrorCodeName } from './error-codes.ts';

export type StreamState =
  | 'idle'
  | 'reserved-local'
  | 'reserved-remote'
  | 'open'
  | 'half-closed-local'
  | 'half-closed-remote'
  | 'closed';

export type StreamEvent =
  | 'send-headers'
  | 'recv-headers'
  | 'send-push-promise'
  | 'recv-push-promise'
  | 'send-data'
  | 'recv-data'
  | 'send-end-stream'
  | 'recv-end-stream'
  | 'send-rst'
  | 'recv-rst';

export const STREAM_STATES: readonly StreamState[] = [
  'idle',
  'reserved-local',
  'reserved-remote',
  'open',
  'half-closed-local',
  'half-closed-remote',
  'closed',
];

export const STREAM_EVENTS: readonly StreamEvent[] = [
  'send-headers',
  'recv-headers',
  'send-push-promise',
  'recv-push-promise',
  'send-data',
  'recv-data',
  'send-end-stream',
  'recv-end-stream',
  'send-rst',
  'recv-rst',
];

/** RFC 9113 Figure 2. "send PP / recv PP" apply to the promised stream. */
export const STREAM_TRANSITIONS: Readonly<
  Record<StreamState, Readonly<Partial<Record<StreamEvent, StreamState>>>>
> = {
  idle: {
    'send-headers': 'open',
    'recv-headers': 'open',
    'send-push-promise': 'reserved-local',
    'recv-push-promise': 'reserved-remote',
  },
  'reserved-local': {
    'send-headers': 'half-closed-remote',
    'send-rst': 'closed',
    'recv-rst': 'closed',
  },
  'reserved-remote': {
    'recv-headers': 'half-closed-local',
    'send-rst': 'closed',
    'recv-rst': 'closed',
  },
  open: {
    'send-headers': 'open',
    'recv-headers': 'open',
    'send-data': 'open',
    'recv-data': 'open',
    'send-end-stream': 'half-closed-local',
    'recv-end-stream': 'half-closed-remote',
    'send-rst': 'closed',
    'recv-rst': 'closed',
  },
  'half-closed-local': {
    'recv-headers': 'half-closed-local',
    'recv-data': 'half-closed-local',
    'recv-end-stream': 'closed',
    'send-rst': 'closed',
    'recv-rst': 'closed',
  },
  'half-closed-remote': {
    'send-headers': 'half-closed-remote',
    'send-data': 'half-closed-remote',
    'send-end-stream': 'closed',
    'send-rst': 'closed',
    'recv-rst': 'closed',
  },
  closed: {},
};

/** The next state, or undefined when the event is illegal in `state`. */
export function nextStreamState(state: StreamState, event: StreamEvent): StreamState | undefined {
  return STREAM_TRANSITIONS[state][event];
}

/**
 * What receiving an illegal frame in `state` costs, per RFC 9113 §5.1: a connection error
 * in the idle and reserved states, a stream error STREAM_CLOSED once the peer has closed
 * its side.
 */
export function receiveViolation(state: StreamState): {
  scope: 'connection' | 'stream';
  errorCode: ErrorCodeName;
} {
  switch (state) {
    case 'half-closed-remote':
    case 'closed':
      return { scope: 'stream', errorCode: 'STREAM_CLOSED' };
    default:
      return { scope: 'connection', errorCode: 'PROTOCOL_ERROR' };
  }
}

/** Whether the stream counts against SETTINGS_MAX_CONCURRENT_STREAMS (§5.1.2). */
export function isActive(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-local' || state === 'half-closed-remote';
}
