/**
 * The HTTP/1.x conversation state machine as data, after h11 (python-hyper): each
 * exchange (one request and its response) has two halves, the client's and the server's,
 * and each half moves through the states below on the events its side sends. One extra
 * arrow crosses over: the client's `request` moves the server half from IDLE to
 * SEND_RESPONSE (it now owes an answer).
 *
 *   client half:  IDLE --request--> SEND_BODY --data*--> SEND_BODY --end--> DONE
 *   server half:  IDLE --(peer's request)--> SEND_RESPONSE --informational*--> SEND_RESPONSE
 *                      --response--> SEND_BODY --data*--> SEND_BODY --end--> DONE
 *
 * When both halves are DONE the exchange is over: on a persistent connection the next one
 * starts (keep-alive), otherwise both halves go to MUST_CLOSE and then CLOSED. A 101
 * response (or 2xx to CONNECT) takes both to SWITCHED_PROTOCOL: the bytes that follow are
 * no longer HTTP. ERROR is where a half goes when its side broke the protocol.
 *
 * An (half, state, event) triple missing from the table is illegal: `transition` returns
 * one typed error for it, `HttpStateError`, which says which side made the move.
 */
import { HttpStateError } from './http-error.ts';

export type HttpState =
  | 'IDLE'
  | 'SEND_RESPONSE'
  | 'SEND_BODY'
  | 'DONE'
  | 'MUST_CLOSE'
  | 'CLOSED'
  | 'SWITCHED_PROTOCOL'
  | 'ERROR';

export const HTTP_STATES: readonly HttpState[] = [
  'IDLE',
  'SEND_RESPONSE',
  'SEND_BODY',
  'DONE',
  'MUST_CLOSE',
  'CLOSED',
  'SWITCHED_PROTOCOL',
  'ERROR',
];

export type HttpHalf = 'client' | 'server';

/**
 * What moves a half: the messages of RFC 9112 plus `close` (the side closed the
 * connection) and `switch` (the protocol changed under it). `request` on the server half
 * is the peer's request arriving.
 */
export type HttpStateEvent = 'request' | 'informational' | 'response' | 'data' | 'end' | 'close' | 'switch';

export const HTTP_STATE_EVENTS: readonly HttpStateEvent[] = [
  'request',
  'informational',
  'response',
  'data',
  'end',
  'close',
  'switch',
];

type Table = Readonly<Record<HttpState, Readonly<Partial<Record<HttpStateEvent, HttpState>>>>>;

export const TRANSITIONS: Readonly<Record<HttpHalf, Table>> = {
  client: {
    IDLE: { request: 'SEND_BODY', close: 'CLOSED' },
    SEND_RESPONSE: {},
    SEND_BODY: { data: 'SEND_BODY', end: 'DONE' },
    DONE: { close: 'CLOSED', switch: 'SWITCHED_PROTOCOL' },
    MUST_CLOSE: { close: 'CLOSED' },
    CLOSED: { close: 'CLOSED' },
    SWITCHED_PROTOCOL: {},
    ERROR: {},
  },
  server: {
    // A response in IDLE is the error answer to a request that never parsed (400, 408).
    IDLE: { request: 'SEND_RESPONSE', response: 'SEND_BODY', close: 'CLOSED' },
    SEND_RESPONSE: { informational: 'SEND_RESPONSE', response: 'SEND_BODY', switch: 'SWITCHED_PROTOCOL' },
    SEND_BODY: { data: 'SEND_BODY', end: 'DONE' },
    DONE: { close: 'CLOSED' },
    MUST_CLOSE: { close: 'CLOSED' },
    CLOSED: { close: 'CLOSED' },
    SWITCHED_PROTOCOL: {},
    ERROR: {},
  },
};

/**
 * The state `half` moves to on `event`, or the typed error for an illegal move. `side`
 * says who made it, for the error: 'local' when this program called send(), 'remote' when
 * the bytes came from the peer.
 */
export function transition(
  half: HttpHalf,
  state: HttpState,
  event: HttpStateEvent,
  side: 'local' | 'remote',
): HttpState | HttpStateError {
  const next = TRANSITIONS[half][state][event];
  return next ?? new HttpStateError(side, half, state, event);
}
