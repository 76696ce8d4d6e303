import { describe, expect, it } from 'vitest';
import {
  isActive,
  nextStreamState,
  receiveViolation,
  STREAM_EVENTS,
  STREAM_STATES,
  type StreamEvent,
  type StreamState,
} from './stream-state.ts';

/**
 * RFC 9113 Figure 2, written out independently of the table in stream-state.ts: every
 * (state, event) pair, '-' where the event is illegal.
 */
const FIGURE_2: Record<StreamState, string> = {
  //                  s-H    r-H    s-PP   r-PP   s-D    r-D    s-ES   r-ES   s-R    r-R
  idle: '             open   open   rl     rr     -      -      -      -      -      -',
  'reserved-local': ' hcr    -      -      -      -      -      -      -      closed closed',
  'reserved-remote': '-      hcl    -      -      -      -      -      -      closed closed',
  open: '             open   open   -      -      open   open   hcl    hcr    closed closed',
  'half-closed-local': '-    hcl    -      -      -      hcl    -      closed closed closed',
  'half-closed-remote': 'hcr -      -      -      hcr    -      closed -      closed closed',
  closed: '           -      -      -      -      -      -      -      -      -      -',
};

const SHORT: Record<string, StreamState | undefined> = {
  open: 'open',
  rl: 'reserved-local',
  rr: 'reserved-remote',
  hcl: 'half-closed-local',
  hcr: 'half-closed-remote',
  closed: 'closed',
  '-': undefined,
};

describe('HTTP/2 stream states (RFC 9113 §5.1)', () => {
  it('lists the 10 events the figure uses, in its column order', () => {
    expect(STREAM_EVENTS).toHaveLength(10);
  });

  for (const state of STREAM_STATES) {
    it(`${state}: every event goes where Figure 2 says, or is illegal`, () => {
      const row = FIGURE_2[state].trim().split(/\s+/);
      expect(row).toHaveLength(STREAM_EVENTS.length);
      STREAM_EVENTS.forEach((event: StreamEvent, i) => {
        expect(nextStreamState(state, event), `${state} + ${event}`).toBe(SHORT[row[i]!]);
      });
    });
  }

  it('makes illegal frames connection errors in idle and reserved states, STREAM_CLOSED once closed', () => {
    expect(receiveViolation('idle')).toEqual({ scope: 'connection', errorCode: 'PROTOCOL_ERROR' });
    expect(receiveViolation('reserved-local')).toEqual({ scope: 'connection', errorCode: 'PROTOCOL_ERROR' });
    expect(receiveViolation('half-closed-remote')).toEqual({ scope: 'stream', errorCode: 'STREAM_CLOSED' });
    expect(receiveViolation('closed')).toEqual({ scope: 'stream', errorCode: 'STREAM_CLOSED' });
  });

  it('counts open and half-closed streams against the concurrency limit, not reserved ones (§5.1.2)', () => {
    expect(STREAM_STATES.filter(isActive)).toEqual(['open', 'half-closed-local', 'half-closed-remote']);
  });
});
