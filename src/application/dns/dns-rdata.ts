/**
 * RDATA of the record types the project understands (RFC 1035 §3.3 and §3.4, RFC 3596
 * §2.2), read from and written into a whole message, since NS, CNAME, PTR, MX and SOA
 * data hold (compressible) names. A record's data must be consumed exactly: a name that
 * ends before or after RDLENGTH is 'bad-rdata'.
 *
 * A and AAAA are decoded only in class IN (in other classes A means something else,
 * e.g. Chaosnet addresses); everything else is `raw` (RFC 3597).
 */
import type { ByteWriter } from '../../bytes/byte-writer.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { parseIpv4Address } from '../../internet/ipv4-address.ts';
import { RecordClass, RecordType } from './dns-constants.ts';
import type { DnsRdata, DnsRecord, NameCompressor } from './dns-message.ts';
import { readName } from './dns-name.ts';
import { formatIpv6, parseIpv6 } from './ipv6-text.ts';

function bad(message: string, offset: number): ProtocolError {
  return new ProtocolError('dns', 'bad-rdata', message, offset);
}

function nameIn(
  bytes: Uint8Array,
  start: number,
  end: number,
): { name: string; next: number } | ProtocolError {
  const n = readName(bytes, start, end);
  if (n instanceof ProtocolError) return n.code === 'truncated' ? bad('name runs past RDATA', start) : n;
  return n;
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** Decodes RDATA `bytes[start, end)` of a record of `type`/`cls`. */
export function readRdata(
  bytes: Uint8Array,
  type: number,
  cls: number,
  start: number,
  end: number,
): DnsRdata | ProtocolError {
  const len = end - start;
  switch (type) {
    case RecordType.A:
      if (cls !== RecordClass.IN) break;
      if (len !== 4) return bad(`A RDATA is ${len} octets, not 4`, start);
      return {
        kind: 'a',
        address: `${bytes[start]}.${bytes[start + 1]}.${bytes[start + 2]}.${bytes[start + 3]}`,
      };
    case RecordType.AAAA:
      if (cls !== RecordClass.IN) break;
      if (len !== 16) return bad(`AAAA RDATA is ${len} octets, not 16`, start);
      return { kind: 'aaaa', address: formatIpv6(bytes, start) };
    case RecordType.NS:
    case RecordType.CNAME:
    case RecordType.PTR: {
      const n = nameIn(bytes, start, end);
      if (n instanceof ProtocolError) return n;
      if (n.next !== end) return bad('name does not fill RDATA', start);
      return { kind: 'name', target: n.name };
    }
    case RecordType.MX: {
      if (len < 3) return bad('MX RDATA too short', start);
      const n = nameIn(bytes, start + 2, end);
      if (n instanceof ProtocolError) return n;
      if (n.next !== end) return bad('name does not fill RDATA', start);
      return { kind: 'mx', preference: (bytes[start]! << 8) | bytes[start + 1]!, exchange: n.name };
    }
    case RecordType.SOA: {
      const m = nameIn(bytes, start, end);
      if (m instanceof ProtocolError) return m;
      const r = nameIn(bytes, m.next, end);
      if (r instanceof ProtocolError) return r;
      if (end - r.next !== 20) return bad('SOA RDATA does not end with five 32-bit numbers', r.next);
      const at = r.next;
      return {
        kind: 'soa',
        mname: m.name,
        rname: r.name,
        serial: u32(bytes, at),
        refresh: u32(bytes, at + 4),
        retry: u32(bytes, at + 8),
        expire: u32(bytes, at + 12),
        minimum: u32(bytes, at + 16),
      };
    }
    case RecordType.TXT: {
      const strings: Uint8Array[] = [];
      let at = start;
      while (at < end) {
        const n = bytes[at]!;
        if (at + 1 + n > end) return bad('TXT string runs past RDATA', at);
        strings.push(bytes.subarray(at + 1, at + 1 + n));
        at += 1 + n;
      }
      if (strings.length === 0) return bad('TXT RDATA holds no string', start);
      return { kind: 'txt', strings };
    }
  }
  return { kind: 'raw', bytes: bytes.subarray(start, end) };
}

function mismatch(rec: DnsRecord): NetlabError {
  return new NetlabError('bad-record', `type ${rec.type} record cannot carry '${rec.data.kind}' data`);
}

/** Writes the RDATA of `rec` (its RDLENGTH is patched by the caller). */
export function writeRdata(w: ByteWriter, c: NameCompressor, rec: DnsRecord): void {
  const d = rec.data;
  switch (d.kind) {
    case 'raw':
      w.bytes(d.bytes);
      return;
    case 'a': {
      if (rec.type !== RecordType.A) throw mismatch(rec);
      const a = parseIpv4Address(d.address);
      if (a === undefined) throw new NetlabError('bad-record', `not an IPv4 address: '${d.address}'`);
      w.u32(a);
      return;
    }
    case 'aaaa': {
      if (rec.type !== RecordType.AAAA) throw mismatch(rec);
      const a = parseIpv6(d.address);
      if (a === undefined) throw new NetlabError('bad-record', `not an IPv6 address: '${d.address}'`);
      w.bytes(a);
      return;
    }
    case 'name':
      if (rec.type !== RecordType.NS && rec.type !== RecordType.CNAME && rec.type !== RecordType.PTR)
        throw mismatch(rec);
      c.write(w, d.target);
      return;
    case 'mx':
      if (rec.type !== RecordType.MX) throw mismatch(rec);
      w.u16(d.preference);
      c.write(w, d.exchange);
      return;
    case 'soa':
      if (rec.type !== RecordType.SOA) throw mismatch(rec);
      c.write(w, d.mname);
      c.write(w, d.rname);
      w.u32(d.serial);
      w.u32(d.refresh);
      w.u32(d.retry);
      w.u32(d.expire);
      w.u32(d.minimum);
      return;
    case 'txt':
      if (rec.type !== RecordType.TXT) throw mismatch(rec);
      for (const s of d.strings) {
        if (s.length > 255)
          throw new NetlabError('bad-record', `TXT string of ${s.length} octets exceeds 255`);
        w.u8(s.length);
        w.bytes(s);
      }
      return;
  }
}
