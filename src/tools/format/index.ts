/** Output of the classic network tools, byte for byte, as pure functions of data. */
export { ARP_TABLE_HEADER, type ArpEntry, type ArpFormatOptions, arpAllLines, arpTableLines } from './arp.ts';
export { type InterfaceAddress, type InterfaceInfo, ipAddrLines, ipLinkLines } from './ip-addr.ts';
export { ipRouteLine, ipRouteLines, type RouteInfo, type RouteType } from './ip-route.ts';
export {
  formatPingTime,
  type PingEvent,
  type PingHeader,
  type PingSummary,
  pingHeaderLine,
  pingIcmpErrorText,
  pingLine,
  pingSummaryLines,
} from './ping.ts';
export { formatFixed, formatG } from './printf.ts';
export {
  type TracerouteHeader,
  type TracerouteLineOptions,
  type TracerouteProbe,
  tracerouteAnnotation,
  tracerouteHeaderLine,
  tracerouteHopLine,
} from './traceroute.ts';
