import { describe, expect, it } from 'vitest';
import {
  isSynchronized,
  NETSTAT_STATE_NAMES,
  nextTcpState,
  SS_STATE_NAMES,
  TCP_TRANSITIONS,
  type TcpState,
  type TcpStateEvent,
  TcpStateError,
} from './tcp-state.ts';

const STATES = Object.keys(TCP_TRANSITIONS) as TcpState[];
const EVENTS: TcpStateEvent[] = [
  'passive-open',
  'active-open',
  'rcv-syn',
  'rcv-syn-ack',
  'rcv-ack-of-syn',
  'rcv-fin',
  'rcv-ack-of-fin',
  'rcv-rst',
  'close',
  'abort',
  'timeout',
  'give-up',
  'icmp-error',
];

describe('the TCP state table', () => {
  it('has the arrows of RFC 9293 Figure 5', () => {
    const arrows: [TcpState, TcpStateEvent, TcpState][] = [
      ['CLOSED', 'passive-open', 'LISTEN'],
      ['CLOSED', 'active-open', 'SYN-SENT'],
      ['LISTEN', 'rcv-syn', 'SYN-RECEIVED'],
      ['SYN-SENT', 'rcv-syn', 'SYN-RECEIVED'],
      ['SYN-SENT', 'rcv-syn-ack', 'ESTABLISHED'],
      ['SYN-RECEIVED', 'rcv-ack-of-syn', 'ESTABLISHED'],
      ['SYN-RECEIVED', 'close', 'FIN-WAIT-1'],
      ['ESTABLISHED', 'close', 'FIN-WAIT-1'],
      ['ESTABLISHED', 'rcv-fin', 'CLOSE-WAIT'],
      ['FIN-WAIT-1', 'rcv-ack-of-fin', 'FIN-WAIT-2'],
      ['FIN-WAIT-1', 'rcv-fin', 'CLOSING'],
      ['FIN-WAIT-2', 'rcv-fin', 'TIME-WAIT'],
      ['CLOSING', 'rcv-ack-of-fin', 'TIME-WAIT'],
      ['CLOSE-WAIT', 'close', 'LAST-ACK'],
      ['LAST-ACK', 'rcv-ack-of-fin', 'CLOSED'],
      ['TIME-WAIT', 'timeout', 'CLOSED'],
    ];
    for (const [from, ev, to] of arrows) expect(nextTcpState(from, ev), `${from} ${ev}`).toBe(to);
  });

  it('answers every other (state, event) pair with one typed error', () => {
    let allowed = 0;
    for (const s of STATES) {
      for (const e of EVENTS) {
        const r = nextTcpState(s, e);
        if (TCP_TRANSITIONS[s][e] === undefined) {
          expect(r).toBeInstanceOf(TcpStateError);
          expect((r as TcpStateError).state).toBe(s);
          expect((r as TcpStateError).event).toBe(e);
        } else {
          allowed++;
          expect(STATES).toContain(r);
        }
      }
    }
    expect(allowed).toBe(Object.values(TCP_TRANSITIONS).reduce((n, t) => n + Object.keys(t).length, 0));
  });

  it('reaches CLOSED from every state and every state from CLOSED', () => {
    const reach = (from: TcpState): Set<TcpState> => {
      const seen = new Set<TcpState>([from]);
      const todo = [from];
      while (todo.length) {
        const s = todo.pop()!;
        for (const to of Object.values(TCP_TRANSITIONS[s])) {
          if (!seen.has(to)) {
            seen.add(to);
            todo.push(to);
          }
        }
      }
      return seen;
    };
    expect([...reach('CLOSED')].sort()).toEqual([...STATES].sort());
    for (const s of STATES) expect(reach(s).has('CLOSED'), s).toBe(true);
  });

  it('names states as netstat and ss print them', () => {
    expect(STATES.map((s) => NETSTAT_STATE_NAMES[s])).toEqual([
      'CLOSE',
      'LISTEN',
      'SYN_SENT',
      'SYN_RECV',
      'ESTABLISHED',
      'FIN_WAIT1',
      'FIN_WAIT2',
      'CLOSE_WAIT',
      'CLOSING',
      'LAST_ACK',
      'TIME_WAIT',
    ]);
    expect(SS_STATE_NAMES.ESTABLISHED).toBe('ESTAB');
    expect(SS_STATE_NAMES['TIME-WAIT']).toBe('TIME-WAIT');
    expect(STATES.filter(isSynchronized)).toEqual([
      'ESTABLISHED',
      'FIN-WAIT-1',
      'FIN-WAIT-2',
      'CLOSE-WAIT',
      'CLOSING',
      'LAST-ACK',
      'TIME-WAIT',
    ]);
  });
});
