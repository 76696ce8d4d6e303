/** Trace events of the transport layer. */
import type { StreamEndpoint } from './byte-stream.ts';
import type { TcpState, TcpStateEvent } from './tcp/tcp-state.ts';

export type UdpDropReason = 'no-listener' | 'buffer-full' | 'bad-checksum' | 'malformed';

declare module '../sim/trace.ts' {
  interface TraceEventMap {
    'udp.drop': { readonly node: string; readonly reason: UdpDropReason; readonly port: number };
  }
}

/** Why a TCP segment was dropped. Each drop is traced; where RFC 9293 says to answer, it was. */
export type TcpDropReason =
  | 'bad-checksum' // checksum over pseudo-header, header and data does not verify (silently discarded)
  | 'malformed' // shorter than a header
  | 'bad-offset' // data offset below 5 words or past the end of the segment
  | 'bad-option' // an option with an impossible length (RFC 9293 MUST-7)
  | 'bad-flags' // impossible control bits: SYN with FIN or RST
  | 'no-listener' // no socket for the port: answered with RST (RFC 9293 §3.10.7.1)
  | 'backlog-full' // a SYN for a listener whose backlog is full (Linux drops it silently)
  | 'not-syn' // a segment other than SYN for a listening port (answered with RST if it had ACK)
  | 'out-of-window' // sequence numbers outside the receive window (answered with an ACK)
  | 'duplicate' // entirely old data (answered with an ACK)
  | 'zero-window' // data while the window is zero: a window probe (answered with an ACK)
  | 'paws' // an old timestamp (RFC 7323 §5; answered with an ACK)
  | 'bad-ack' // acknowledges data never sent, or far too old (answered with an ACK or RST)
  | 'rst-out-of-window' // a RST not exactly at RCV.NXT (RFC 5961 §3: challenge ACK)
  | 'syn-in-window' // a SYN on a synchronized connection (RFC 5961 §4: challenge ACK)
  | 'no-ack' // no ACK bit on a synchronized connection
  | 'no-syn' // neither SYN nor RST in answer to our SYN
  | 'ooo-queue-full'; // too many out-of-order ranges held (answered with an ACK)

/** Why a segment was sent again. */
export type TcpRetransmitReason = 'rto' | 'fast' | 'sack';

declare module '../sim/trace.ts' {
  interface TraceEventMap {
    /** A connection changed state (RFC 9293 Figure 5), with the event that moved it. */
    'tcp.state': {
      readonly node: string;
      readonly local: StreamEndpoint;
      readonly remote: StreamEndpoint;
      readonly from: TcpState;
      readonly to: TcpState;
      readonly cause: TcpStateEvent;
    };
    /** Data (or a SYN/FIN) was sent again; `seq` is its first sequence number on the wire. */
    'tcp.retransmit': {
      readonly node: string;
      readonly local: StreamEndpoint;
      readonly remote: StreamEndpoint;
      readonly seq: number;
      readonly length: number;
      readonly reason: TcpRetransmitReason;
    };
    /** The congestion window or slow-start threshold changed (bytes). */
    'tcp.cwnd': {
      readonly node: string;
      readonly local: StreamEndpoint;
      readonly remote: StreamEndpoint;
      readonly cwnd: number;
      readonly ssthresh: number;
    };
    /** A round-trip sample and the estimator after it (ns). */
    'tcp.rtt': {
      readonly node: string;
      readonly local: StreamEndpoint;
      readonly remote: StreamEndpoint;
      readonly sample: number;
      readonly srtt: number;
      readonly rttvar: number;
      readonly rto: number;
    };
    /** A segment was dropped by TCP. Addresses are IPv4 numbers as in 'ip.drop'; ports 0 if unknown. */
    'tcp.drop': {
      readonly node: string;
      readonly reason: TcpDropReason;
      readonly source: number;
      readonly destination: number;
      readonly sourcePort: number;
      readonly destinationPort: number;
      /** The control bits of the segment (0 when it did not parse). */
      readonly flags: number;
    };
  }
}
