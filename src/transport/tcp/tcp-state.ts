/**
 * The TCP connection state diagram (RFC 9293 §3.3.2, Figure 5) as data: a table of
 * (state, event) -> next state. The connection machine moves only through `transition`,
 * so an impossible move is one typed error, every move has a named cause, and the
 * ladder diagrams of the lab can be drawn from the 'tcp.state' trace it produces.
 *
 * Events are named after what happened: a segment that arrived (`rcv-...`), a call of
 * the user (`active-open`, `close`...), or a timer (`timeout`). Besides Figure 5 the table
 * has the arrows RFC 9293 gives in prose: RST in any synchronized state (§3.10.7.4), user
 * ABORT (§3.10.5), retransmission give-up (§3.8.3, R2), and the FIN-WAIT-2 timer Linux
 * applies to orphaned sockets (tcp_fin_timeout).
 */

export type TcpState =
  | 'CLOSED'
  | 'LISTEN'
  | 'SYN-SENT'
  | 'SYN-RECEIVED'
  | 'ESTABLISHED'
  | 'FIN-WAIT-1'
  | 'FIN-WAIT-2'
  | 'CLOSE-WAIT'
  | 'CLOSING'
  | 'LAST-ACK'
  | 'TIME-WAIT';

export type TcpStateEvent =
  /** LISTEN call. */
  | 'passive-open'
  /** CONNECT call: a SYN is sent. */
  | 'active-open'
  /** A SYN arrived (in LISTEN: a new connection; in SYN-SENT: simultaneous open). */
  | 'rcv-syn'
  /** A SYN-ACK acknowledging our SYN arrived. */
  | 'rcv-syn-ack'
  /** An ACK of our SYN arrived. */
  | 'rcv-ack-of-syn'
  /** A FIN arrived (in sequence). */
  | 'rcv-fin'
  /** An ACK of our FIN arrived. */
  | 'rcv-ack-of-fin'
  /** An acceptable RST arrived. */
  | 'rcv-rst'
  /** CLOSE (or SHUTDOWN write side) call: a FIN will follow the queued data. */
  | 'close'
  /** ABORT call: a RST is sent where one is due. */
  | 'abort'
  /** The 2*MSL timer of TIME-WAIT, or the FIN-WAIT-2 timer of an orphaned socket. */
  | 'timeout'
  /** Retransmissions (of SYN, SYN-ACK, data or FIN) were exhausted. */
  | 'give-up'
  /** An ICMP hard error (port or protocol unreachable) aborted the connection. */
  | 'icmp-error';

const SYNCHRONIZED_EXITS = { 'rcv-rst': 'CLOSED', abort: 'CLOSED', 'give-up': 'CLOSED' } as const;

/** Figure 5, plus the prose arrows listed in the header comment. */
export const TCP_TRANSITIONS: Readonly<Record<TcpState, Readonly<Partial<Record<TcpStateEvent, TcpState>>>>> =
  {
    CLOSED: { 'passive-open': 'LISTEN', 'active-open': 'SYN-SENT' },
    LISTEN: { 'rcv-syn': 'SYN-RECEIVED', close: 'CLOSED', abort: 'CLOSED' },
    'SYN-SENT': {
      'rcv-syn-ack': 'ESTABLISHED',
      'rcv-syn': 'SYN-RECEIVED',
      close: 'CLOSED',
      abort: 'CLOSED',
      'rcv-rst': 'CLOSED',
      'give-up': 'CLOSED',
      'icmp-error': 'CLOSED',
    },
    'SYN-RECEIVED': {
      'rcv-ack-of-syn': 'ESTABLISHED',
      close: 'FIN-WAIT-1',
      ...SYNCHRONIZED_EXITS,
      'icmp-error': 'CLOSED',
    },
    ESTABLISHED: { close: 'FIN-WAIT-1', 'rcv-fin': 'CLOSE-WAIT', ...SYNCHRONIZED_EXITS },
    'FIN-WAIT-1': { 'rcv-ack-of-fin': 'FIN-WAIT-2', 'rcv-fin': 'CLOSING', ...SYNCHRONIZED_EXITS },
    'FIN-WAIT-2': { 'rcv-fin': 'TIME-WAIT', timeout: 'CLOSED', ...SYNCHRONIZED_EXITS },
    'CLOSE-WAIT': { close: 'LAST-ACK', ...SYNCHRONIZED_EXITS },
    CLOSING: { 'rcv-ack-of-fin': 'TIME-WAIT', ...SYNCHRONIZED_EXITS },
    'LAST-ACK': { 'rcv-ack-of-fin': 'CLOSED', ...SYNCHRONIZED_EXITS },
    'TIME-WAIT': { timeout: 'CLOSED', 'rcv-rst': 'CLOSED', abort: 'CLOSED' },
  };

/** An event that the state diagram does not allow in this state: a bug in the machine. */
export class TcpStateError extends Error {
  constructor(
    readonly state: TcpState,
    readonly event: TcpStateEvent,
  ) {
    super(`TCP: no transition for '${event}' in ${state}`);
    this.name = 'TcpStateError';
  }
}

/** The next state, or a TcpStateError value when the pair is not in the table. */
export function nextTcpState(state: TcpState, event: TcpStateEvent): TcpState | TcpStateError {
  return TCP_TRANSITIONS[state][event] ?? new TcpStateError(state, event);
}

/** States in which both sides' sequence numbers are known (RFC 9293 §3.10.7.4). */
export function isSynchronized(state: TcpState): boolean {
  return state !== 'CLOSED' && state !== 'LISTEN' && state !== 'SYN-SENT' && state !== 'SYN-RECEIVED';
}

/** netstat's names (net-tools tcp_state[]): ESTABLISHED, SYN_SENT, SYN_RECV, FIN_WAIT1... */
export const NETSTAT_STATE_NAMES: Readonly<Record<TcpState, string>> = {
  CLOSED: 'CLOSE',
  LISTEN: 'LISTEN',
  'SYN-SENT': 'SYN_SENT',
  'SYN-RECEIVED': 'SYN_RECV',
  ESTABLISHED: 'ESTABLISHED',
  'FIN-WAIT-1': 'FIN_WAIT1',
  'FIN-WAIT-2': 'FIN_WAIT2',
  'CLOSE-WAIT': 'CLOSE_WAIT',
  CLOSING: 'CLOSING',
  'LAST-ACK': 'LAST_ACK',
  'TIME-WAIT': 'TIME_WAIT',
};

/** ss's names (iproute2 sstate_name[]): ESTAB, SYN-SENT, SYN-RECV, FIN-WAIT-1... */
export const SS_STATE_NAMES: Readonly<Record<TcpState, string>> = {
  CLOSED: 'UNCONN',
  LISTEN: 'LISTEN',
  'SYN-SENT': 'SYN-SENT',
  'SYN-RECEIVED': 'SYN-RECV',
  ESTABLISHED: 'ESTAB',
  'FIN-WAIT-1': 'FIN-WAIT-1',
  'FIN-WAIT-2': 'FIN-WAIT-2',
  'CLOSE-WAIT': 'CLOSE-WAIT',
  CLOSING: 'CLOSING',
  'LAST-ACK': 'LAST-ACK',
  'TIME-WAIT': 'TIME-WAIT',
};
