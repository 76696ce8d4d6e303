import { describe, expect, it } from 'vitest';
import {
  HTTP_STATE_EVENTS,
  HTTP_STATES,
  type HttpHalf,
  type HttpState,
  type HttpStateEvent,
  TRANSITIONS,
  transition,
} from './connection-states.ts';
import { HttpStateError } from './http-error.ts';

describe('the state table', () => {
  it('walks every (half, state, event) pair: legal ones move, the rest are one typed error', () => {
    const legal: string[] = [];
    for (const half of ['client', 'server'] as HttpHalf[]) {
      for (const state of HTTP_STATES) {
        for (const event of HTTP_STATE_EVENTS) {
          const local = transition(half, state, event, 'local');
          const remote = transition(half, state, event, 'remote');
          if (local instanceof HttpStateError) {
            expect(remote).toBeInstanceOf(HttpStateError);
            expect(local).toMatchObject({
              code: 'http-illegal-transition',
              side: 'local',
              half,
              state,
              event,
            });
            expect((remote as HttpStateError).side).toBe('remote');
          } else {
            expect(remote).toBe(local);
            legal.push(`${half} ${state} --${event}--> ${local}`);
          }
        }
      }
    }
    // The whole machine, spelled out: a change here is a change of HTTP's semantics.
    expect(legal).toEqual([
      'client IDLE --request--> SEND_BODY',
      'client IDLE --close--> CLOSED',
      'client SEND_BODY --data--> SEND_BODY',
      'client SEND_BODY --end--> DONE',
      'client DONE --close--> CLOSED',
      'client DONE --switch--> SWITCHED_PROTOCOL',
      'client MUST_CLOSE --close--> CLOSED',
      'client CLOSED --close--> CLOSED',
      'server IDLE --request--> SEND_RESPONSE',
      'server IDLE --response--> SEND_BODY',
      'server IDLE --close--> CLOSED',
      'server SEND_RESPONSE --informational--> SEND_RESPONSE',
      'server SEND_RESPONSE --response--> SEND_BODY',
      'server SEND_RESPONSE --switch--> SWITCHED_PROTOCOL',
      'server SEND_BODY --data--> SEND_BODY',
      'server SEND_BODY --end--> DONE',
      'server DONE --close--> CLOSED',
      'server MUST_CLOSE --close--> CLOSED',
      'server CLOSED --close--> CLOSED',
    ]);
  });

  it('has an entry for every state of both halves', () => {
    for (const half of ['client', 'server'] as HttpHalf[]) {
      expect(Object.keys(TRANSITIONS[half]).sort()).toEqual([...HTTP_STATES].sort());
    }
  });

  it('dead ends: nothing leaves ERROR or SWITCHED_PROTOCOL', () => {
    for (const state of ['ERROR', 'SWITCHED_PROTOCOL'] as HttpState[]) {
      for (const event of HTTP_STATE_EVENTS as HttpStateEvent[]) {
        expect(transition('client', state, event, 'local')).toBeInstanceOf(HttpStateError);
        expect(transition('server', state, event, 'local')).toBeInstanceOf(HttpStateError);
      }
    }
  });
});
