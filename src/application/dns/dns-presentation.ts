/**
 * Resource data as text, the way BIND 9 (and so dig) prints it in its one-line style
 * (lib/dns/rdata/generic/*.c, "totext"): names absolute with the final dot, TXT strings
 * in double quotes with `"` and `\` backslash-escaped and bytes outside 0x20..0x7e as
 * `\DDD`, SOA as seven fields on one line, and unknown types in the generic form of
 * RFC 3597 §5 (`\# 4 0A000001`, upper-case hex split into 56-character chunks as dig's
 * default +split=56 does).
 */
import type { DnsRdata } from './dns-message.ts';

/** One character-string in quotes, as BIND prints it. */
export function formatCharacterString(bytes: Uint8Array): string {
  let out = '"';
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) out += `\\${String.fromCharCode(c)}`;
    else if (c >= 0x20 && c < 0x7f) out += String.fromCharCode(c);
    else out += `\\${String(c).padStart(3, '0')}`;
  }
  return `${out}"`;
}

const HEX = '0123456789ABCDEF';

/** RFC 3597 generic RDATA text. */
export function formatGenericRdata(bytes: Uint8Array, split = 56): string {
  if (bytes.length === 0) return '\\# 0';
  let hex = '';
  for (const b of bytes) hex += HEX[b >> 4]! + HEX[b & 15]!;
  const chunks: string[] = [];
  for (let i = 0; i < hex.length; i += split) chunks.push(hex.slice(i, i + split));
  return `\\# ${bytes.length} ${chunks.join(' ')}`;
}

/** The RDATA column of a record, as dig shows it. */
export function formatRdata(data: DnsRdata): string {
  switch (data.kind) {
    case 'a':
    case 'aaaa':
      return data.address;
    case 'name':
      return data.target;
    case 'mx':
      return `${data.preference} ${data.exchange}`;
    case 'soa':
      return `${data.mname} ${data.rname} ${data.serial} ${data.refresh} ${data.retry} ${data.expire} ${data.minimum}`;
    case 'txt':
      return data.strings.map(formatCharacterString).join(' ');
    case 'raw':
      return formatGenericRdata(data.bytes);
  }
}

const utf8 = new TextEncoder();

/** TXT data from JavaScript strings, each one character-string (UTF-8 encoded). */
export function txtData(...strings: string[]): DnsRdata {
  return { kind: 'txt', strings: strings.map((s) => utf8.encode(s)) };
}
