/**
 * Test helper: a TLS client and server of the TLS module talking over a TCP connection
 * drawn as a capture would hold it (SYN, SYN/ACK, data segments cut at an MSS, with real
 * sequence numbers and checksums), and the key log the client wrote. Tests then drop,
 * repeat, reorder or re-cut segments to see what the decoder makes of it.
 */
import { toHex } from '../../../bytes/hex.ts';
import { writeIpv4Header } from '../../../internet/ipv4.ts';
import { writeEthernetHeader } from '../../../link/ethernet.ts';
import type { TlsClientOptions, TlsServerOptions } from '../../../application/tls/config.ts';
import { makePair, type Pair, pump } from '../../../application/tls/test-helpers.ts';
import { serializeTcp } from '../../../transport/tcp/tcp-segment.ts';

export const CLIENT = 0x0a000001;
export const SERVER = 0x0a000002;
export const CLIENT_ISN = 0xfffff000; // wraps the sequence space early on
export const SERVER_ISN = 1_000_000;

export interface Seg {
  readonly from: 'client' | 'server';
  readonly seq: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

export function frameOf(s: Seg): Uint8Array {
  const c = s.from === 'client';
  const tcp = serializeTcp(
    {
      sourcePort: c ? 40000 : 443,
      destinationPort: c ? 443 : 40000,
      seq: s.seq >>> 0,
      ack: 1,
      flags: s.flags,
      window: 502,
      payload: s.payload,
    },
    c ? CLIENT : SERVER,
    c ? SERVER : CLIENT,
  );
  const frame = new Uint8Array(Math.max(60, 34 + tcp.length));
  writeEthernetHeader(
    frame,
    c ? 0x020000000002 : 0x020000000001,
    c ? 0x020000000001 : 0x020000000002,
    0x0800,
  );
  writeIpv4Header(
    frame,
    14,
    {
      protocol: 6,
      source: c ? CLIENT : SERVER,
      destination: c ? SERVER : CLIENT,
      ttl: 64,
      identification: 7,
    },
    tcp.length,
  );
  frame.set(tcp, 34);
  return frame;
}

/** The wire's chunks as segments of at most `mss` bytes, after a handshake. */
export function segmentsOf(wire: Pair['wire'], mss = 1460): Seg[] {
  const out: Seg[] = [
    { from: 'client', seq: CLIENT_ISN, flags: 0x02, payload: new Uint8Array(0) },
    { from: 'server', seq: SERVER_ISN, flags: 0x12, payload: new Uint8Array(0) },
  ];
  const next = { client: CLIENT_ISN + 1, server: SERVER_ISN + 1 };
  for (const w of wire) {
    for (let at = 0; at < w.bytes.length; at += mss) {
      const payload = w.bytes.subarray(at, at + mss);
      out.push({ from: w.from, seq: next[w.from] >>> 0, flags: 0x18, payload });
      next[w.from] += payload.length;
    }
  }
  return out;
}

export function keyLogOf(p: Pair): string[] {
  return p.clientEvents.flatMap((e) =>
    e.kind === 'keylog' ? [`${e.label} ${toHex(e.clientRandom)} ${toHex(e.secret)}`] : [],
  );
}

const enc = new TextEncoder();
export const REQUEST = 'GET / HTTP/1.1\r\nHost: server.test\r\n\r\n';
export const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello';

/** Handshake, a request, a response (after an optional KeyUpdate), close_notify both ways. */
export function exchange(
  client: Partial<TlsClientOptions>,
  server: Partial<TlsServerOptions> = {},
  options: { keyUpdate?: boolean } = {},
): Pair {
  const p = makePair(client, server);
  p.client.start();
  pump(p);
  p.client.write(enc.encode(REQUEST));
  pump(p);
  if (options.keyUpdate) {
    p.serverEvents.push(...p.server.updateKeys());
    pump(p);
  }
  p.server.write(enc.encode(RESPONSE));
  pump(p);
  p.clientEvents.push(...p.client.close());
  pump(p);
  p.serverEvents.push(...p.server.close());
  pump(p);
  return p;
}
