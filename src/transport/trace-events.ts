/** Trace events of the transport layer. */

export type UdpDropReason = 'no-listener' | 'buffer-full' | 'bad-checksum' | 'malformed';

declare module '../sim/trace.ts' {
  interface TraceEventMap {
    'udp.drop': { readonly node: string; readonly reason: UdpDropReason; readonly port: number };
  }
}
