/**
 * Trace events of the link layer. Frame events carry the live frame buffer: a consumer
 * that keeps the bytes (the pcap writer, the packet list) must copy them at once, because
 * a router rewrites the same buffer when it forwards the frame.
 */
import type { MacAddress } from './mac-address.ts';

/** Why a frame died. Every drop in the link layer carries one of these. */
export type LinkDropReason =
  | 'queue-full' // DropTail: the device queue was at its limit
  | 'interface-down' // the device is administratively down (`ip link set ... down`)
  | 'no-carrier' // the link (cable) is down, or the far end has no power
  | 'node-down' // the whole node has failed
  | 'link-loss' // random loss configured on the link
  | 'mtu' // the frame is larger than the link accepts
  | 'switch-filter' // a switch learned the destination on the port the frame came in on
  | 'bad-frame'; // a frame that does not parse

declare module '../sim/trace.ts' {
  interface TraceEventMap {
    /** A device started transmitting a frame onto its link. */
    'link.tx': { readonly node: string; readonly iface: string; readonly frame: Uint8Array };
    /** A device received a whole frame from its link (before the MAC filter). */
    'link.rx': { readonly node: string; readonly iface: string; readonly frame: Uint8Array };
    /** A frame was dropped in the link layer. */
    'link.drop': {
      readonly node: string;
      readonly iface: string;
      readonly reason: LinkDropReason;
      readonly frame: Uint8Array;
    };
    /** A link went down or came up (`link down A B`, failures). */
    'link.state': { readonly link: string; readonly up: boolean };
    /** An interface was set administratively up or down (`ip link set IFACE up|down`). */
    'link.iface': { readonly node: string; readonly iface: string; readonly up: boolean };
    /** A node failed or recovered. */
    'node.state': { readonly node: string; readonly up: boolean };
    /** A switch learned (or moved) a MAC address to a port. */
    'switch.learn': {
      readonly node: string;
      readonly mac: MacAddress;
      readonly port: string;
      readonly previousPort: string | null;
    };
    /** A switch flooded a frame to every other port (unknown or group destination). */
    'switch.flood': { readonly node: string; readonly inPort: string; readonly destination: MacAddress };
    /** A switch forwarded a frame to the one port it learned the destination on. */
    'switch.forward': { readonly node: string; readonly inPort: string; readonly outPort: string };
    /** A switch forgot an address that had not been seen for the aging time. */
    'switch.age': { readonly node: string; readonly mac: MacAddress; readonly port: string };
  }
}
