/**
 * Test frames: a TCP payload inside Ethernet / IPv4 / TCP with correct checksums, as a
 * capture would hold it, for the tests of the dissectors above TCP. The payload starts at
 * frame offset 54 (14 Ethernet + 20 IPv4 + 20 TCP).
 */
import { ipv4TestFrame } from './ipv4-test-frame.ts';
import { serializeTcp } from '../../transport/tcp/tcp-segment.ts';

/** 10.0.0.1 (a client) and 10.0.0.2 (a server). */
export const CLIENT_ADDRESS = 0x0a000001;
export const SERVER_ADDRESS = 0x0a000002;
export const PAYLOAD_OFFSET = 54;

/** A PSH/ACK segment carrying `payload` from port `sport` to `dport` (client to server by default). */
export function tcpFrame(
  payload: Uint8Array,
  options: { sport?: number; dport?: number; toClient?: boolean } = {},
): Uint8Array {
  const toClient = options.toClient ?? false;
  const from = toClient ? SERVER_ADDRESS : CLIENT_ADDRESS;
  const to = toClient ? CLIENT_ADDRESS : SERVER_ADDRESS;
  const sport = options.sport ?? (toClient ? 443 : 40000);
  const dport = options.dport ?? (toClient ? 40000 : 443);
  const tcp = serializeTcp(
    { sourcePort: sport, destinationPort: dport, seq: 1, ack: 1, flags: 0x18, window: 502, payload },
    from,
    to,
  );
  return ipv4TestFrame(6, from, to, tcp);
}

/** `text` as Latin-1 bytes. */
export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
