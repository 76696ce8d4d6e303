/**
 * Which application protocol a TCP segment carries, decided from that one segment, as
 * Wireshark's heuristics would without the conversation (there is no reassembly here: a
 * segment is dissected alone, so a packet list row costs the same wherever it is):
 *
 * 1. DNS: to or from port 53, one whole message after its two-byte length (RFC 1035 §4.2.2).
 * 2. HTTP/1.x: the segment starts with a request line or a status line, on any port
 *    (http1.ts); the middle of a body is not HTTP.
 * 3. TLS: the segment starts with a valid record header — content type 20-23, version
 *    0x0300-0x0304, a length of 1 to 2^14 + 2048 — on any port (443 or not: the header is
 *    the evidence; Wireshark's port rule and its heuristic agree on every segment that
 *    starts a record). A segment in the middle of a record is TCP payload.
 * 4. HTTP/2: the connection preface, or frame headers too plausible to be chance (http2.ts).
 *
 * The order matters only in theory: a start line begins with a capital letter, a TLS
 * record with 0x14-0x17, an HTTP/2 frame of at most 2^14 bytes with 0x00.
 *
 * `appProtocolOf` answers the question alone, without allocating (the web lab's display
 * filter asks it for every stored packet); `decodeTcpPayload` gives the decoded values a
 * filter compares; `dissectTcpPayload` adds the layer with its fields. All three take the
 * same decisions with the same code.
 */
import { parseDnsMessage } from '../../application/dns/dns-message.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import type { DissectionBuilder } from './builder.ts';
import { DNS_PORT, dissectDns, isWholeDnsOverTcp } from './dns.ts';
import { decodeHttp1, dissectHttp1, startsWithHttp1 } from './http1.ts';
import { decodeHttp2, dissectHttp2, looksLikeHttp2 } from './http2.ts';
import { decodeTls, dissectTls, isTlsRecordHeader } from './tls.ts';
import type { Decoded } from './types.ts';

export type AppProtocol = 'DNS' | 'HTTP' | 'HTTP2' | 'TLS';

/** The protocol of the TCP payload `f[at, end)` between ports `sport` and `dport`, if any. */
export function appProtocolOf(
  f: Uint8Array,
  at: number,
  end: number,
  sport: number,
  dport: number,
): AppProtocol | undefined {
  if (end <= at) return undefined;
  if ((sport === DNS_PORT || dport === DNS_PORT) && isWholeDnsOverTcp(f, at, end)) return 'DNS';
  if (startsWithHttp1(f, at, end)) return 'HTTP';
  if (isTlsRecordHeader(f, at, end)) return 'TLS';
  if (looksLikeHttp2(f, at, end)) return 'HTTP2';
  return undefined;
}

/** The decoded application layer of a TCP payload (what a display filter compares). */
export function decodeTcpPayload(
  f: Uint8Array,
  at: number,
  end: number,
  sport: number,
  dport: number,
): Decoded | undefined {
  switch (appProtocolOf(f, at, end, sport, dport)) {
    case 'DNS': {
      const m = parseDnsMessage(f.subarray(at + 2, end));
      return m instanceof ProtocolError ? undefined : { kind: 'dns', message: m, length: end - at - 2 };
    }
    case 'HTTP':
      return { kind: 'http', messages: decodeHttp1(f, at, end)! };
    case 'TLS': {
      const d = decodeTls(f, at, end)!;
      return d.serverName === undefined
        ? { kind: 'tls', records: d.records }
        : { kind: 'tls', records: d.records, serverName: d.serverName };
    }
    case 'HTTP2': {
      const d = decodeHttp2(f, at, end)!;
      return { kind: 'http2', preface: d.preface, frames: d.frames };
    }
    case undefined:
      return undefined;
  }
}

/** Adds the application layer of the TCP payload `f[at, end)`, when there is one. */
export function dissectTcpPayload(
  b: DissectionBuilder,
  at: number,
  end: number,
  sport: number,
  dport: number,
): void {
  const f = b.frame;
  switch (appProtocolOf(f, at, end, sport, dport)) {
    case 'DNS':
      dissectDns(b, at, end, true);
      break;
    case 'HTTP':
      dissectHttp1(b, at, end, decodeHttp1(f, at, end)!);
      break;
    case 'TLS':
      dissectTls(b, at, end, decodeTls(f, at, end)!);
      break;
    case 'HTTP2':
      dissectHttp2(b, at, end, decodeHttp2(f, at, end)!, b.http2Headers);
      break;
    case undefined:
      break;
  }
}
