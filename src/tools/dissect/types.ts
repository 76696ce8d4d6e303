/**
 * What a packet dissector produces: the layered decode Wireshark shows (one layer per
 * protocol, each a tree of fields that know which bytes they came from) and the one-line
 * summary of the packet list. The web lab's inspector, `tcpdump` and the tour read these.
 */
import type { DnsMessage } from '../../application/dns/dns-message.ts';

export interface Field {
  /** Wireshark-style label: `Time to Live`, `Source Address`. */
  readonly name: string;
  /** The value as shown: `64`, `10.0.0.1`, `0x0800 (IPv4)`. */
  readonly value: string;
  /** Byte offset in the frame and length, for highlighting the hex. */
  readonly offset: number;
  readonly length: number;
  readonly children?: readonly Field[];
}

export interface Layer {
  /** Short protocol name as in Wireshark's Protocol column: `ARP`, `IPv4`, `ICMP`, `UDP`. */
  readonly protocol: string;
  /** Header line of the layer in the tree: `Internet Protocol Version 4, Src: ..., Dst: ...`. */
  readonly title: string;
  readonly offset: number;
  readonly length: number;
  readonly fields: readonly Field[];
  /** A problem found while decoding (bad checksum, truncated): Wireshark's expert info. */
  readonly problem?: string;
  /** The layer's values, for consumers that print their own summaries (tcpdump). */
  readonly decoded?: Decoded;
  /**
   * Which bytes the offsets of the layer and its fields are in: an index into the
   * dissection's `sources` (decrypted TLS), or absent for the frame itself.
   */
  readonly source?: number;
}

/** Bytes that are not in the frame but were made from it: Wireshark's "Decrypted TLS" tab. */
export interface DataSource {
  /** `Decrypted TLS (40 bytes)`. */
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Structured values of the layers that summaries need. */
export type Decoded =
  | {
      readonly kind: 'arp';
      readonly op: number;
      readonly senderIp: number;
      readonly senderMac: number;
      readonly targetIp: number;
    }
  | {
      readonly kind: 'ipv4';
      readonly source: number;
      readonly destination: number;
      readonly protocol: number;
      readonly ttl: number;
      readonly id: number;
      readonly totalLength: number;
      readonly fragmentOffset: number;
      readonly moreFragments: boolean;
      readonly dontFragment: boolean;
    }
  | {
      readonly kind: 'icmp';
      readonly type: number;
      readonly code: number;
      readonly length: number;
      readonly id?: number;
      readonly sequence?: number;
      readonly nextHopMtu?: number;
      /** For errors: the quoted datagram's addresses, protocol and ports. */
      readonly quoted?: {
        readonly source: number;
        readonly destination: number;
        readonly protocol: number;
        readonly sourcePort?: number;
        readonly destinationPort?: number;
      };
    }
  | {
      readonly kind: 'udp';
      readonly sourcePort: number;
      readonly destinationPort: number;
      readonly length: number;
    }
  | {
      readonly kind: 'dns';
      /** The message as the DNS codec reads it. */
      readonly message: DnsMessage;
      /** Its length in octets (the UDP payload). */
      readonly length: number;
    }
  | {
      readonly kind: 'tls';
      /** Every record that starts in the segment, in order. */
      readonly records: readonly TlsRecordView[];
      /** The host name of a ClientHello's server_name extension. */
      readonly serverName?: string;
    }
  | {
      readonly kind: 'http';
      /** The messages that start in the segment (more than one when pipelined). */
      readonly messages: readonly HttpMessageView[];
    }
  | {
      readonly kind: 'http2';
      /** Whether the segment starts with the client connection preface. */
      readonly preface: boolean;
      /** Every frame that starts in the segment, in order. */
      readonly frames: readonly Http2FrameView[];
      /**
       * The header fields of its HEADERS and PUSH_PROMISE frames, in order, where the
       * connection's header blocks were decoded (decrypted data: http2-headers/).
       */
      readonly headers?: readonly { readonly name: string; readonly value: string }[];
    }
  | {
      readonly kind: 'tcp';
      readonly sourcePort: number;
      readonly destinationPort: number;
      readonly seq: number;
      readonly ack: number;
      readonly flags: number;
      readonly window: number;
      readonly urgent: number;
      readonly payloadLength: number;
      readonly options: readonly TcpOptionView[];
    };

export type TcpOptionView =
  | { readonly kind: 'nop' }
  | { readonly kind: 'eol' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly value: number }
  | { readonly kind: 'sackOK' }
  | { readonly kind: 'sack'; readonly blocks: readonly (readonly [number, number])[] }
  | { readonly kind: 'ts'; readonly value: number; readonly echo: number }
  | { readonly kind: 'unknown'; readonly type: number; readonly length: number };

/** A TLS record as a segment holds it (RFC 8446 §5.1); offsets are in the frame. */
export interface TlsRecordView {
  /** Where its 5-byte header starts. */
  readonly offset: number;
  readonly type: number;
  readonly version: number;
  /** The header's length field. */
  readonly length: number;
  /** Fragment bytes in this segment: less than `length` when the segment ends inside it. */
  readonly present: number;
  /** The handshake messages of a handshake record in the clear; empty when encrypted. */
  readonly handshakes: readonly TlsHandshakeView[];
  /** A two-byte alert in the clear (a longer alert record is encrypted). */
  readonly alert?: { readonly level: number; readonly description: number };
  /** A ServerHello that is a HelloRetryRequest (RFC 8446 §4.1.3). */
  readonly helloRetry?: boolean;
}

export interface TlsHandshakeView {
  readonly offset: number;
  readonly type: number;
  /** The header's 24-bit length. */
  readonly length: number;
  /** Body bytes in this segment and record. */
  readonly present: number;
}

/** An HTTP/1.x message whose start line is in the segment (RFC 9112 §2.1). */
export interface HttpMessageView {
  readonly offset: number;
  readonly request?: { readonly method: string; readonly target: string };
  readonly response?: { readonly status: number; readonly reason: string };
  /** `HTTP/1.1` as written. */
  readonly version: string;
  /** Header field lines complete in the segment. */
  readonly headers: readonly { readonly name: string; readonly value: string; readonly offset: number }[];
  /** Offset just past the empty line, or -1 when the header section goes on past the segment. */
  readonly headerEnd: number;
  /** Body bytes of this message in the segment. */
  readonly bodyPresent: number;
  readonly contentLength?: number;
}

/** An HTTP/2 frame that starts in the segment (RFC 9113 §4.1). */
export interface Http2FrameView {
  readonly offset: number;
  readonly length: number;
  readonly type: number;
  readonly flags: number;
  readonly streamId: number;
  /** Payload bytes in this segment: less than `length` when the segment ends inside it. */
  readonly present: number;
}

export interface Dissection {
  readonly layers: readonly Layer[];
  /** The packet list's columns. */
  readonly source: string;
  readonly destination: string;
  /** The highest protocol decoded. */
  readonly protocol: string;
  readonly info: string;
  /** Bytes the layers with a `source` point into (none without decryption). */
  readonly sources?: readonly DataSource[];
}

/** A field for `length` bytes at `offset`. */
export function field(
  name: string,
  value: string | number,
  offset: number,
  length: number,
  children?: Field[],
): Field {
  return children
    ? { name, value: String(value), offset, length, children }
    : { name, value: String(value), offset, length };
}

/** Where `view` (a subarray of `frame`, as the codecs return) starts in the frame. */
export function offsetIn(frame: Uint8Array, view: Uint8Array): number {
  return view.byteOffset - frame.byteOffset;
}

export function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
