/**
 * One readable line per trace event, for `netlab run --trace`: time, node, event type and
 * its fields. Frames are summarised by the dissector (as the packet list shows them),
 * IPv4 addresses and MAC addresses print in their usual notation, TLS events as one line
 * per message with what it carried (`client → 10.0.0.2:443 ClientKeyExchange
 * (RSA-encrypted pre-master secret, 256 bytes) [262 bytes]`, the words of
 * application/tls/handshake-words.ts), and events this file has no special case for print
 * as `key=value` pairs, so every layer's events show up without changes here.
 */
import { handshakeLine } from '../../application/tls/handshake-words.ts';
import { formatIpv4Address } from '../../internet/ipv4-address.ts';
import { formatMac } from '../../link/mac-address.ts';
import type { TraceEvent } from '../../sim/trace.ts';
import { formatSeconds } from '../../sim/time.ts';
import { dissect } from '../dissect/index.ts';
import '../../application/tls/trace-events.ts';

const ADDRESS_KEYS = new Set([
  'source',
  'destination',
  'nextHop',
  'target',
  'ip',
  'to',
  'about',
  'from',
  'address',
]);
const MAC_KEYS = new Set(['mac', 'previous']);

function value(type: string, key: string, v: unknown): string {
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  if (typeof v === 'number' && ADDRESS_KEYS.has(key) && /^(ip|arp|icmp|udp)\./.test(type))
    return formatIpv4Address(v);
  if (typeof v === 'number' && MAC_KEYS.has(key)) return formatMac(v);
  if (v === null) return '-';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** The TLS events' text after the type, or undefined for other events. */
function tlsText(e: TraceEvent): string | undefined {
  switch (e.type) {
    case 'tls.handshake': {
      const arrow = e.direction === 'sent' ? '→' : '←';
      const size = `[${e.length} byte${e.length === 1 ? '' : 's'}${e.encrypted ? ', encrypted' : ''}]`;
      return `${e.role} ${arrow} ${e.peer} ${handshakeLine(e.details)} ${size}`;
    }
    case 'tls.alert':
      return `${e.role} ${e.direction === 'sent' ? '→' : '←'} ${e.peer} Alert (${e.level}, ${e.alert})`;
    case 'tls.established': {
      const parts = [`${e.version} ${e.suite}`, `key exchange ${e.keyExchange}`];
      if (e.alpn !== undefined) parts.push(`ALPN ${e.alpn}`);
      if (e.peerChain.length > 0) parts.push(`peer ${e.peerChain[0]}`);
      return `${e.role} ↔ ${e.peer} ${parts.join(', ')}`;
    }
    case 'tls.failed': {
      const why = [e.alert, e.certificate].filter((x) => x !== undefined).join(', ');
      return `${e.role} ✕ ${e.peer} ${e.code}${why ? ` (${why})` : ''}: ${e.message}`;
    }
    default:
      return undefined;
  }
}

export function traceLine(e: TraceEvent, nodeWidth = 0): string {
  const rec = e as unknown as Record<string, unknown>;
  const node = typeof rec.node === 'string' ? rec.node : '';
  const head = `[${formatSeconds(e.time).padStart(11)}] ${node.padEnd(nodeWidth)} ~ ${e.type}`;
  if (e.type === 'link.tx' || e.type === 'link.rx' || e.type === 'link.drop') {
    const d = dissect(e.frame);
    const reason = e.type === 'link.drop' ? ` (${e.reason})` : '';
    return `${head} ${e.iface}${reason}: ${d.protocol} ${d.source} → ${d.destination} ${d.info}`;
  }
  const tls = tlsText(e);
  if (tls !== undefined) return `${head} ${tls}`;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(rec)) {
    if (k === 'type' || k === 'time' || k === 'node') continue;
    parts.push(`${k}=${value(e.type, k, v)}`);
  }
  return `${head} ${parts.join(' ')}`;
}
