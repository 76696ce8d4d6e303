/**
 * Packet dissection: a frame's bytes → its layers (Ethernet > ARP | IPv4 > ICMP | UDP
 * [> DNS] | TCP [> DNS | HTTP | HTTP2 | TLS]) with every field located in the bytes, and
 * the packet list's summary. Never throws: truncated or malformed bytes give a layer with
 * a `problem`, as Wireshark marks them. Above TCP each segment is dissected alone (no
 * reassembly); tcp-payload.ts says how the protocol is chosen. With a key log, a TLS
 * connection's records are reassembled and decrypted (tls-decrypt/), and
 * `dissectDecrypted` adds what they hide (tls-decrypted.ts). A cleartext HTTP/2
 * connection's header blocks are decoded per connection too (h2c-headers.ts) and shown
 * in each segment's dissection.
 */
import { DissectionBuilder } from './builder.ts';
import { dissectEthernet } from './ethernet.ts';
import type { HeaderBlockContext } from './http2-header-fields.ts';
import type { Dissection } from './types.ts';

export type {
  DataSource,
  Decoded,
  Dissection,
  Field,
  Http2FrameView,
  HttpMessageView,
  Layer,
  TcpOptionView,
  TlsHandshakeView,
  TlsRecordView,
} from './types.ts';
export { tcpFlagNames } from './tcp.ts';
export { type DecryptedSession, decryptedApplications, dissectDecrypted } from './tls-decrypted.ts';
export { decodeTlsHeaders } from './tls-http2-headers.ts';
export { decodeH2cConnection, type H2cConnection, h2cHeaderContext } from './h2c-headers.ts';
export type { HeaderBlockContext } from './http2-header-fields.ts';
export { http2Headers } from './http2.ts';
export { type AppProtocol, appProtocolOf, decodeTcpPayload } from './tcp-payload.ts';

/**
 * The dissection of `frame`; with `http2Headers` (the frame's segment in a cleartext
 * HTTP/2 connection whose header blocks were decoded, `h2cHeaderContext`) its HEADERS and
 * PUSH_PROMISE frames show their header fields.
 */
export function dissect(frame: Uint8Array, http2Headers?: HeaderBlockContext): Dissection {
  const b = new DissectionBuilder(frame, http2Headers);
  dissectEthernet(b);
  return b.build();
}
