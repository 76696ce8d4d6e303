/**
 * The DNS message (RFC 1035 §4.1): header, question, answer, authority and additional
 * sections, with name compression on read and write (§4.1.4), the EDNS(0) OPT
 * pseudo-record (RFC 6891 §6) lifted out of the additional section into `edns`, and
 * resource data decoded for A, AAAA (RFC 3596), NS, CNAME, PTR, MX, SOA and TXT. Every
 * other type is carried as raw RDATA (RFC 3597 §4-5), so an unknown record survives a
 * parse/serialize round trip unchanged.
 *
 * Parsing never throws: hostile input gives a ProtocolError (code 'truncated',
 * 'bad-pointer', 'bad-count', 'bad-rdata', 'bad-opt', 'trailing-bytes', ...) that a server
 * answers with FORMERR. The header counts are checked against the bytes present before
 * anything is allocated (a question takes at least 5 octets, a record 11), so a 12-byte
 * message claiming 65535 records costs nothing.
 *
 * Serializing compresses every owner name and the names inside NS, CNAME, PTR, MX and SOA
 * data (the types RFC 1035 defines; RFC 3597 §4 forbids compressing newer ones), each
 * suffix pointing at its earliest occurrence, as BIND and most servers do. With
 * `maxSize`, whole RRsets that do not fit are left out and TC is set (RFC 2181 §9; records
 * left out of the additional section do not set TC), keeping the OPT record.
 *
 * Left out: DNSSEC record semantics (RRSIG, NSEC... are raw data), TSIG, multiple
 * questions' semantics (parsed and written, but servers answer QDCOUNT=1 only).
 */
import { ByteReader } from '../../bytes/byte-reader.ts';
import { ByteWriter } from '../../bytes/byte-writer.ts';
import { NetlabError } from '../../bytes/netlab-error.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { RecordType } from './dns-constants.ts';
import { MAX_LABEL_LENGTH, MAX_NAME_LENGTH, readName } from './dns-name.ts';
import { readRdata, writeRdata } from './dns-rdata.ts';

export const DNS_HEADER_LENGTH = 12;
/** RFC 1035 §2.3.4: UDP messages without EDNS. */
export const DNS_UDP_LIMIT = 512;
/** A message is at most 65535 octets (the TCP length prefix is 16 bits). */
export const DNS_MAX_MESSAGE = 65_535;

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
}

/** Resource data, decoded for the types this project serves; `raw` for the rest. */
export type DnsRdata =
  /** A: a dotted quad. */
  | { readonly kind: 'a'; readonly address: string }
  /** AAAA: IPv6 text as BIND prints it. */
  | { readonly kind: 'aaaa'; readonly address: string }
  /** NS, CNAME, PTR: one domain name. */
  | { readonly kind: 'name'; readonly target: string }
  | { readonly kind: 'mx'; readonly preference: number; readonly exchange: string }
  | {
      readonly kind: 'soa';
      readonly mname: string;
      readonly rname: string;
      readonly serial: number;
      readonly refresh: number;
      readonly retry: number;
      readonly expire: number;
      readonly minimum: number;
    }
  /** TXT: one or more character-strings of up to 255 octets each. */
  | { readonly kind: 'txt'; readonly strings: readonly Uint8Array[] }
  /** Any other type: the RDATA octets (a view into the parsed message). */
  | { readonly kind: 'raw'; readonly bytes: Uint8Array };

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** Seconds (RFC 2181 §8: 0..2^31-1; larger values are read as 0). */
  readonly ttl: number;
  readonly data: DnsRdata;
}

export interface EdnsOption {
  readonly code: number;
  readonly data: Uint8Array;
}

/** The OPT pseudo-record's fields (RFC 6891 §6.1.3). */
export interface Edns {
  /** Requestor's UDP payload size (the OPT CLASS field). */
  readonly udpSize: number;
  /** Upper 8 bits of the 12-bit RCODE. */
  readonly extendedRcode: number;
  readonly version: number;
  /** The DO bit (RFC 3225). */
  readonly dnssecOk: boolean;
  /** The other 15 flag bits, as found. */
  readonly flags: number;
  readonly options: readonly EdnsOption[];
}

export interface DnsMessage {
  readonly id: number;
  /** Response (true) or query. */
  readonly qr: boolean;
  readonly opcode: number;
  /** Authoritative answer. */
  readonly aa: boolean;
  /** Truncated. */
  readonly tc: boolean;
  /** Recursion desired. */
  readonly rd: boolean;
  /** Recursion available. */
  readonly ra: boolean;
  /** The reserved Z bit (must be 0; kept as found). */
  readonly z: boolean;
  /** Authentic data (RFC 4035 §3.2.3). */
  readonly ad: boolean;
  /** Checking disabled. */
  readonly cd: boolean;
  /** The low 4 bits of the response code (see `edns.extendedRcode`). */
  readonly rcode: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authority: readonly DnsRecord[];
  /** Additional records, without the OPT record. */
  readonly additional: readonly DnsRecord[];
  readonly edns?: Edns;
}

/** A message with every flag clear and no records: spread it and set what you need. */
export const EMPTY_MESSAGE: DnsMessage = {
  id: 0,
  qr: false,
  opcode: 0,
  aa: false,
  tc: false,
  rd: false,
  ra: false,
  z: false,
  ad: false,
  cd: false,
  rcode: 0,
  questions: [],
  answers: [],
  authority: [],
  additional: [],
};

function err(code: string, message: string, offset?: number): ProtocolError {
  return new ProtocolError('dns', code, message, offset);
}

/** Just the header's ID, when there are at least 2 bytes (to answer FORMERR to garbage). */
export function peekDnsId(bytes: Uint8Array): number | undefined {
  return bytes.length >= 2 ? (bytes[0]! << 8) | bytes[1]! : undefined;
}

function readRecord(r: ByteReader, bytes: Uint8Array): DnsRecord | ProtocolError {
  const n = readName(bytes, r.offset, r.end);
  if (n instanceof ProtocolError) return n;
  r.offset = n.next;
  const type = r.u16();
  const cls = r.u16();
  const rawTtl = r.u32();
  const rdlength = r.u16();
  if (r.overrun) return err('truncated', 'resource record header cut short', n.next);
  const start = r.offset;
  if (start + rdlength > r.end)
    return err('truncated', `RDATA of ${rdlength} octets runs past the end`, start);
  const data = readRdata(bytes, type, cls, start, start + rdlength);
  if (data instanceof ProtocolError) return data;
  r.offset = start + rdlength;
  return { name: n.name, type, class: cls, ttl: rawTtl > 0x7fffffff ? 0 : rawTtl, data };
}

/**
 * Parses a whole message (a UDP payload, or a TCP message without its length prefix).
 * Bytes after the last record are an error ('trailing-bytes').
 */
export function parseDnsMessage(bytes: Uint8Array): DnsMessage | ProtocolError {
  if (bytes.length < DNS_HEADER_LENGTH)
    return err('truncated', `${bytes.length} octets is shorter than the header`, 0);
  if (bytes.length > DNS_MAX_MESSAGE) return err('too-long', `${bytes.length} octets exceeds 65535`, 0);
  const r = new ByteReader(bytes);
  const id = r.u16();
  const flags = r.u16();
  const qd = r.u16();
  const an = r.u16();
  const ns = r.u16();
  const ar = r.u16();
  if (qd * 5 + (an + ns + ar) * 11 > bytes.length - DNS_HEADER_LENGTH) {
    return err('bad-count', `counts ${qd}/${an}/${ns}/${ar} cannot fit in ${bytes.length} octets`, 4);
  }
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < qd; i++) {
    const n = readName(bytes, r.offset);
    if (n instanceof ProtocolError) return n;
    r.offset = n.next;
    const type = r.u16();
    const cls = r.u16();
    if (r.overrun) return err('truncated', 'question cut short', n.next);
    questions.push({ name: n.name, type, class: cls });
  }
  const sections: DnsRecord[][] = [[], [], []];
  const counts = [an, ns, ar];
  let edns: Edns | undefined;
  for (let s = 0; s < 3; s++) {
    const list = sections[s]!;
    for (let i = 0; i < counts[s]!; i++) {
      const at = r.offset;
      const rec = readRecord(r, bytes);
      if (rec instanceof ProtocolError) return rec;
      if (rec.type === RecordType.OPT) {
        // RFC 6891 §6.1.1: one OPT, in the additional section, owned by the root.
        if (s !== 2) return err('bad-opt', 'OPT record outside the additional section', at);
        if (edns) return err('bad-opt', 'more than one OPT record', at);
        if (rec.name !== '.') return err('bad-opt', 'OPT record not owned by the root', at);
        const e = readEdns(rec, bytes, r.offset);
        if (e instanceof ProtocolError) return e;
        edns = e;
        continue;
      }
      list.push(rec);
    }
  }
  if (r.offset !== bytes.length) {
    return err('trailing-bytes', `${bytes.length - r.offset} octets after the last record`, r.offset);
  }
  const message: DnsMessage = {
    id,
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    z: (flags & 0x0040) !== 0,
    ad: (flags & 0x0020) !== 0,
    cd: (flags & 0x0010) !== 0,
    rcode: flags & 0xf,
    questions,
    answers: sections[0]!,
    authority: sections[1]!,
    additional: sections[2]!,
  };
  return edns ? { ...message, edns } : message;
}

/** The OPT record's TTL and RDATA as EDNS fields. The raw TTL is needed, so re-read it. */
function readEdns(rec: DnsRecord, bytes: Uint8Array, end: number): Edns | ProtocolError {
  const data = rec.data.kind === 'raw' ? rec.data.bytes : new Uint8Array(0);
  // TTL field: extended RCODE (8), version (8), DO (1), Z (15). It sits 10 octets before RDATA.
  const ttlAt = end - data.length - 6;
  const ttl =
    ((bytes[ttlAt]! << 24) | (bytes[ttlAt + 1]! << 16) | (bytes[ttlAt + 2]! << 8) | bytes[ttlAt + 3]!) >>> 0;
  const options: EdnsOption[] = [];
  const r = new ByteReader(data);
  while (r.remaining > 0) {
    const code = r.u16();
    const len = r.u16();
    const value = r.bytesView(len);
    if (r.overrun) return err('bad-opt', 'EDNS option runs past the OPT RDATA', end - data.length);
    options.push({ code, data: value });
  }
  return {
    udpSize: rec.class,
    extendedRcode: ttl >>> 24,
    version: (ttl >>> 16) & 0xff,
    dnssecOk: (ttl & 0x8000) !== 0,
    flags: ttl & 0x7fff,
    options,
  };
}

/**
 * Compression state while writing one message: suffix text -> offset. Matching is
 * case-sensitive, so a name is read back exactly as written (case is data, RFC 4343 §4);
 * differently-cased copies of a name are simply not compressed against each other.
 */
export class NameCompressor {
  readonly table = new Map<string, number>();
  constructor(readonly enabled = true) {}

  /** Writes `name` (presentation text, absolute) compressing against earlier names. */
  write(w: ByteWriter, name: string, compress = true): void {
    if (name === '.' || name === '') {
      w.u8(0);
      return;
    }
    const text = endsWithSeparator(name) ? name : `${name}.`;
    const useTable = this.enabled && compress;
    let pos = 0;
    let wire = 1;
    while (pos < text.length) {
      if (useTable) {
        const key = pos === 0 ? text : text.slice(pos);
        const ptr = this.table.get(key);
        if (ptr !== undefined) {
          w.u16(0xc000 | ptr);
          return;
        }
      }
      if (this.enabled && w.length < 0x4000) {
        const key = pos === 0 ? text : text.slice(pos);
        if (!this.table.has(key)) this.table.set(key, w.length);
      }
      const lenAt = w.length;
      w.u8(0);
      let len = 0;
      for (; pos < text.length; pos++) {
        let c = text.charCodeAt(pos);
        if (c === 0x2e) break;
        if (c === 0x5c) {
          const d = text.slice(pos + 1, pos + 4);
          if (/^\d{3}$/.test(d)) {
            c = Number(d);
            pos += 3;
          } else {
            pos++;
            c = text.charCodeAt(pos);
          }
        }
        if (c > 0xff) throw new NetlabError('bad-name', `non-ASCII character in name '${name}'`);
        w.u8(c);
        len++;
      }
      pos++; // the dot
      if (len === 0) throw new NetlabError('bad-name', `empty label in '${name}'`);
      if (len > MAX_LABEL_LENGTH) throw new NetlabError('bad-name', `label over 63 octets in '${name}'`);
      wire += len + 1;
      if (wire > MAX_NAME_LENGTH) throw new NetlabError('bad-name', `name over 255 octets: '${name}'`);
      writeLengthByte(w, lenAt, len);
    }
    w.u8(0);
  }

  /** Forgets suffixes written at or after `mark` (after a rolled-back RRset). */
  rollback(mark: number): void {
    for (const [k, v] of this.table) if (v >= mark) this.table.delete(k);
  }
}

/** Whether the text ends in an unescaped dot (an absolute name). */
function endsWithSeparator(name: string): boolean {
  if (!name.endsWith('.')) return false;
  let backslashes = 0;
  for (let i = name.length - 2; i >= 0 && name.charCodeAt(i) === 0x5c; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Sets the length octet at `at` (ByteWriter only patches u16s; keep the previous octet). */
function writeLengthByte(w: ByteWriter, at: number, len: number): void {
  const view = w.peek();
  view[at] = len;
}

export interface SerializeOptions {
  /**
   * Largest message to produce (512 for plain UDP, the EDNS size otherwise). RRsets that
   * do not fit are omitted and TC is set. Default: no limit (65535).
   */
  readonly maxSize?: number;
  /** Compress names (default true). */
  readonly compress?: boolean;
}

function flagsOf(m: DnsMessage, tc: boolean): number {
  return (
    (m.qr ? 0x8000 : 0) |
    ((m.opcode & 0xf) << 11) |
    (m.aa ? 0x0400 : 0) |
    (tc ? 0x0200 : 0) |
    (m.rd ? 0x0100 : 0) |
    (m.ra ? 0x0080 : 0) |
    (m.z ? 0x0040 : 0) |
    (m.ad ? 0x0020 : 0) |
    (m.cd ? 0x0010 : 0) |
    (m.rcode & 0xf)
  );
}

function writeRecord(w: ByteWriter, c: NameCompressor, rec: DnsRecord): void {
  c.write(w, rec.name);
  w.u16(rec.type);
  w.u16(rec.class);
  w.u32(rec.ttl);
  const lenAt = w.length;
  w.u16(0);
  writeRdata(w, c, rec);
  const len = w.length - lenAt - 2;
  if (len > 0xffff) throw new NetlabError('bad-record', `RDATA of ${len} octets exceeds 65535`);
  w.patchU16(lenAt, len);
}

function ednsLength(e: Edns): number {
  let n = 11;
  for (const o of e.options) n += 4 + o.data.length;
  return n;
}

function writeEdns(w: ByteWriter, e: Edns): void {
  w.u8(0);
  w.u16(RecordType.OPT);
  w.u16(e.udpSize);
  w.u8(e.extendedRcode);
  w.u8(e.version);
  w.u16((e.dnssecOk ? 0x8000 : 0) | (e.flags & 0x7fff));
  const lenAt = w.length;
  w.u16(0);
  for (const o of e.options) {
    w.u16(o.code);
    w.u16(o.data.length);
    w.bytes(o.data);
  }
  w.patchU16(lenAt, w.length - lenAt - 2);
}

function sameRrset(a: DnsRecord, b: DnsRecord): boolean {
  return (
    a.type === b.type &&
    a.class === b.class &&
    (a.name === b.name || a.name.toLowerCase() === b.name.toLowerCase())
  );
}

/**
 * Serializes a message. Throws NetlabError for values no message can carry (a label over
 * 63 octets, a TXT string over 255, an A record that is not a dotted quad...).
 */
export function serializeDnsMessage(m: DnsMessage, options: SerializeOptions = {}): Uint8Array {
  const limit = Math.min(options.maxSize ?? DNS_MAX_MESSAGE, DNS_MAX_MESSAGE);
  const w = new ByteWriter(512);
  const c = new NameCompressor(options.compress ?? true);
  w.u16(m.id);
  w.u16(0); // flags, patched at the end
  w.u16(m.questions.length);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  for (const q of m.questions) {
    c.write(w, q.name);
    w.u16(q.type);
    w.u16(q.class);
  }
  const reserve = m.edns ? ednsLength(m.edns) : 0;
  let tc = m.tc;
  let stopped = false;
  const counts = [0, 0, 0];
  const sections = [m.answers, m.authority, m.additional];
  for (let s = 0; s < 3 && !stopped; s++) {
    const list = sections[s]!;
    let i = 0;
    while (i < list.length) {
      let j = i + 1;
      while (j < list.length && sameRrset(list[i]!, list[j]!)) j++;
      const mark = w.length;
      for (let k = i; k < j; k++) writeRecord(w, c, list[k]!);
      if (w.length + reserve > limit) {
        w.length = mark;
        c.rollback(mark);
        if (s < 2) tc = true;
        stopped = true;
        break;
      }
      counts[s]! += j - i;
      i = j;
    }
  }
  if (m.edns) {
    writeEdns(w, m.edns);
    counts[2]!++;
  }
  w.patchU16(2, flagsOf(m, tc));
  w.patchU16(6, counts[0]!);
  w.patchU16(8, counts[1]!);
  w.patchU16(10, counts[2]!);
  return w.finish();
}
