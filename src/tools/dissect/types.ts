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

export interface Dissection {
  readonly layers: readonly Layer[];
  /** The packet list's columns. */
  readonly source: string;
  readonly destination: string;
  /** The highest protocol decoded. */
  readonly protocol: string;
  readonly info: string;
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

export function hex(n: number, digits: number): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
