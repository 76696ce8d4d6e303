/**
 * Names the application protocol of a packet for the packet list's Protocol and Info
 * columns (and the ladders' labels) where the dissector stops at UDP or TCP: DNS by its
 * message (decoded with the project's own DNS codec), HTTP/1.x by its start line, HTTP/2
 * by its connection preface, TLS by its record and handshake types — Wireshark's words
 * (`Standard query 0x1a2b A www.example.com`, `GET / HTTP/1.1`, `Client Hello`).
 *
 * This is a summary, not a dissection: no fields, no offsets, and a segment that carries
 * only the middle of a message stays TCP. It yields to the dissector: a packet the
 * dissector already names above UDP or TCP is left as it is.
 */
import { parseDnsMessage } from '../../../src/application/dns/dns-message.ts';
import { rcodeName, typeName } from '../../../src/application/dns/dns-constants.ts';
import { formatRdata } from '../../../src/application/dns/dns-presentation.ts';
import { ProtocolError } from '../../../src/bytes/protocol-error.ts';
import type { PacketFields } from './packet-fields.ts';

export interface AppSummary {
  readonly protocol: string;
  readonly info: string;
}

const RCODE_WORDS: Record<number, string> = {
  1: 'Format error',
  2: 'Server failure',
  3: 'No such name',
  4: 'Not implemented',
  5: 'Refused',
};

const HANDSHAKE_NAMES: Record<number, string> = {
  0: 'Hello Request',
  1: 'Client Hello',
  2: 'Server Hello',
  4: 'New Session Ticket',
  8: 'Encrypted Extensions',
  11: 'Certificate',
  12: 'Server Key Exchange',
  13: 'Certificate Request',
  14: 'Server Hello Done',
  15: 'Certificate Verify',
  16: 'Client Key Exchange',
  20: 'Finished',
};

const HTTP_METHODS = /^(GET|HEAD|POST|PUT|DELETE|OPTIONS|TRACE|CONNECT|PATCH) \S+ HTTP\/1\.[01]\r?$/;
const HTTP_STATUS = /^HTTP\/1\.[01] \d{3}( .*)?\r?$/;

/** The application protocol's name and summary, or undefined when there is nothing to say. */
export function appSummary(
  frame: Uint8Array,
  f: PacketFields,
  dissectorProtocol: string,
): AppSummary | undefined {
  if (dissectorProtocol !== 'UDP' && dissectorProtocol !== 'TCP') return undefined;
  if (f.payloadOffset < 0 || f.payloadLength === 0) return undefined;
  const payload = frame.subarray(f.payloadOffset, f.payloadOffset + f.payloadLength);
  const dnsPort = f.srcPort === 53 || f.dstPort === 53;
  if (f.udp && dnsPort) return dns(payload);
  if (!f.tcp) return undefined;
  // DNS over TCP: a two-byte length, then the message, whole in the segment.
  if (dnsPort && payload.length >= 14 && ((payload[0]! << 8) | payload[1]!) === payload.length - 2)
    return dns(payload.subarray(2));
  return http(payload) ?? tls(payload);
}

function dns(payload: Uint8Array): AppSummary | undefined {
  const m = parseDnsMessage(payload);
  if (m instanceof ProtocolError) return { protocol: 'DNS', info: 'Malformed DNS message' };
  const id = `0x${m.id.toString(16).padStart(4, '0')}`;
  const q = m.questions[0];
  const question = q ? ` ${typeName(q.type)} ${q.name.replace(/\.$/, '') || '<Root>'}` : '';
  if (!m.qr) return { protocol: 'DNS', info: `Standard query ${id}${question}` };
  const rcode = m.rcode === 0 ? '' : ` ${RCODE_WORDS[m.rcode] ?? rcodeName(m.rcode)}`;
  const shown = m.answers.length > 0 ? m.answers : m.authority;
  const records = shown
    .slice(0, 4)
    .map((r) => ` ${typeName(r.type)} ${formatRdata(r.data).replace(/\.$/, '')}`)
    .join('');
  return { protocol: 'DNS', info: `Standard query response ${id}${rcode}${question}${records}` };
}

function http(payload: Uint8Array): AppSummary | undefined {
  const first = payload[0]!;
  // A start line begins with a capital letter (a method or HTTP/...).
  if (first < 0x41 || first > 0x5a) return undefined;
  let end = payload.indexOf(0x0a);
  if (end < 0) end = Math.min(payload.length, 200);
  const line = new TextDecoder('latin1').decode(payload.subarray(0, Math.min(end, 400)));
  if (line.startsWith('PRI * HTTP/2.0')) return { protocol: 'HTTP2', info: 'Magic (connection preface)' };
  if (HTTP_METHODS.test(line) || HTTP_STATUS.test(line))
    return { protocol: 'HTTP', info: line.replace(/\r$/, '') };
  return undefined;
}

function tls(payload: Uint8Array): AppSummary | undefined {
  const names: string[] = [];
  let at = 0;
  while (at + 5 <= payload.length && names.length < 6) {
    const type = payload[at]!;
    if (type < 20 || type > 23 || payload[at + 1] !== 3 || payload[at + 2]! > 4) break;
    const length = (payload[at + 3]! << 8) | payload[at + 4]!;
    if (type === 20) names.push('Change Cipher Spec');
    else if (type === 21) names.push('Alert');
    else if (type === 23) names.push('Application Data');
    else {
      // A handshake message whose own length does not fit its record is encrypted (TLS 1.2's Finished).
      const hs = at + 9 <= payload.length ? payload[at + 5]! : -1;
      const hsLength =
        at + 9 <= payload.length ? (payload[at + 6]! << 16) | (payload[at + 7]! << 8) | payload[at + 8]! : -1;
      const plain = hs >= 0 && hsLength + 4 <= length && HANDSHAKE_NAMES[hs] !== undefined;
      names.push(plain ? HANDSHAKE_NAMES[hs]! : 'Encrypted Handshake Message');
    }
    at += 5 + length;
  }
  if (names.length === 0) return undefined;
  return { protocol: 'TLS', info: [...new Set(names)].join(', ') };
}
