/**
 * The HTTP/2 header blocks of a decrypted TLS connection (http2-headers/): each
 * direction's application data, record by record in stream order, when the connection is
 * HTTP/2 — ALPN chose `h2` (RFC 9113 §3.2), or without ALPN the client's data starts
 * with the connection preface. A record that did not open ends its direction's data
 * there: the bytes after a hole cannot be framed.
 */
import { CLIENT_PREFACE } from '../../application/http2/preface.ts';
import { type ConnectionHeaders, decodeConnectionHeaders } from './http2-headers/decode.ts';
import type { PlainRecord } from './http2-headers/plain-stream.ts';
import type { DecryptedRecord, TlsDecryption } from './tls-decrypt/decrypt.ts';

const APPLICATION_DATA = 23;

function startsWithPreface(b: Uint8Array): boolean {
  if (b.length < CLIENT_PREFACE.length) return false;
  for (let i = 0; i < CLIENT_PREFACE.length; i++) if (b[i] !== CLIENT_PREFACE[i]) return false;
  return true;
}

function plaintext(records: readonly DecryptedRecord[], direction: 'client' | 'server'): PlainRecord[] {
  const out: PlainRecord[] = [];
  for (const r of records) {
    if (r.direction !== direction || r.keys === 'clear') continue;
    if (r.content === undefined) break;
    if (r.content.type === APPLICATION_DATA)
      out.push({ streamOffset: r.streamOffset, bytes: r.content.bytes });
  }
  return out;
}

/** The connection's decoded header blocks, or undefined when it is not HTTP/2. */
export function decodeTlsHeaders(d: TlsDecryption): ConnectionHeaders | undefined {
  if (d.alpn !== undefined && d.alpn !== 'h2') return undefined;
  const client = plaintext(d.records, 'client');
  if (d.alpn === undefined && !(client[0] !== undefined && startsWithPreface(client[0].bytes)))
    return undefined;
  return decodeConnectionHeaders(client, plaintext(d.records, 'server'));
}
