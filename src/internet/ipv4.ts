/**
 * IPv4 datagrams: the header codec (RFC 791 §3.1, with the checks of RFC 1122 §3.2.1),
 * the router's TTL decrement with an incremental checksum (RFC 1812 §5.3.1, RFC 1624),
 * fragmentation (RFC 791 §3.2 "Fragmentation and Reassembly", §2.3) and a bounded
 * reassembly buffer (RFC 791 §3.2, RFC 815, RFC 1122 §3.3.2).
 *
 * The TOS byte is read as DSCP and ECN (RFC 2474 §3, RFC 3168 §5). Options are carried as
 * opaque bytes; only fragmentation looks inside them, for the "copied" flag.
 *
 * Left out: interpreting options (source route, record route, timestamps), and the
 * RFC 791 rule that lets a later fragment overwrite earlier data: overlapping fragments
 * discard the whole datagram instead, as modern stacks do (cf. RFC 5722 for IPv6).
 */
import { bytesEqual } from '../bytes/equal.ts';
import { checkFieldRange } from '../bytes/field-range.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { internetChecksum, updateChecksum16 } from './checksum.ts';
import { type Ipv4Address, readIpv4, writeIpv4 } from './ipv4-address.ts';

/** Assigned Internet protocol numbers (IANA "Protocol Numbers") netlab speaks. */
export const IpProtocol = {
  ICMP: 1,
  TCP: 6,
  UDP: 17,
} as const;

export const IPV4_MIN_HEADER_LENGTH = 20;
/** IHL is 4 bits of 32-bit words: at most 15 * 4 bytes, so at most 40 bytes of options. */
export const IPV4_MAX_HEADER_LENGTH = 60;
/** Total Length is 16 bits (RFC 791 §3.1). */
export const IPV4_MAX_DATAGRAM = 65_535;
/** "Every internet module must be able to forward a datagram of 68 octets without further fragmentation" (RFC 791 §3.2). */
export const IPV4_MIN_MTU = 68;
/** The default TTL Linux uses (RFC 1700 recommended 64). */
export const IPV4_DEFAULT_TTL = 64;

const FLAG_RESERVED = 0x8000;
const FLAG_DF = 0x4000;
const FLAG_MF = 0x2000;

export interface Ipv4Header {
  /** IHL * 4, in bytes (20..60). */
  readonly headerLength: number;
  /** Differentiated Services code point, the high 6 bits of the old TOS byte (RFC 2474). */
  readonly dscp: number;
  /** Explicit Congestion Notification, the low 2 bits (RFC 3168). */
  readonly ecn: number;
  /** Header plus data, in bytes. */
  readonly totalLength: number;
  readonly identification: number;
  readonly dontFragment: boolean;
  readonly moreFragments: boolean;
  /** Where this fragment's data starts in the original datagram, in BYTES (a multiple of 8). */
  readonly fragmentOffset: number;
  readonly ttl: number;
  readonly protocol: number;
  /** The checksum as found in (or written to) the header. */
  readonly checksum: number;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** Option bytes between the fixed header and the data, including any padding; a view. */
  readonly options: Uint8Array;
}

export interface Ipv4Packet {
  readonly header: Ipv4Header;
  /** The data, `totalLength - headerLength` bytes: a view into the parsed bytes. */
  readonly payload: Uint8Array;
}

export interface Ipv4ParseOptions {
  /** Check the header checksum (default true). Off for captures with checksum offload. */
  readonly verifyChecksum?: boolean;
}

/** Shared, so a call without options (every packet a stack receives) allocates none. */
const DEFAULT_PARSE_OPTIONS: Ipv4ParseOptions = Object.freeze({});

/**
 * Parses the datagram starting at `offset`. Bytes after Total Length (Ethernet padding)
 * are ignored. Errors: 'truncated' (fewer bytes than the header or Total Length says),
 * 'bad-version', 'bad-header-length' (IHL < 5), 'bad-total-length' (smaller than the
 * header), 'bad-checksum', 'reserved-flag' (the reserved flag bit, which "must be zero",
 * is set). RFC 1122 §3.2.1.1-2 requires silently discarding the first three kinds.
 */
export function parseIpv4(
  bytes: Uint8Array,
  offset = 0,
  { verifyChecksum = true }: Ipv4ParseOptions = DEFAULT_PARSE_OPTIONS,
): Ipv4Packet | ProtocolError {
  const available = bytes.length - offset;
  if (available < IPV4_MIN_HEADER_LENGTH) {
    return new ProtocolError(
      'ipv4',
      'truncated',
      `${available} bytes is shorter than the 20-byte header`,
      offset,
    );
  }
  const b0 = bytes[offset]!;
  if (b0 >> 4 !== 4)
    return new ProtocolError('ipv4', 'bad-version', `version ${b0 >> 4}, expected 4`, offset);
  const headerLength = (b0 & 0x0f) * 4;
  if (headerLength < IPV4_MIN_HEADER_LENGTH) {
    return new ProtocolError(
      'ipv4',
      'bad-header-length',
      `IHL ${b0 & 0x0f} is below the minimum of 5`,
      offset,
    );
  }
  if (headerLength > available) {
    return new ProtocolError(
      'ipv4',
      'truncated',
      `${available} bytes is shorter than the ${headerLength}-byte header`,
      offset,
    );
  }
  const totalLength = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
  if (totalLength < headerLength) {
    return new ProtocolError(
      'ipv4',
      'bad-total-length',
      `total length ${totalLength} is smaller than the ${headerLength}-byte header`,
      offset + 2,
    );
  }
  if (totalLength > available) {
    return new ProtocolError(
      'ipv4',
      'truncated',
      `total length ${totalLength} but only ${available} bytes`,
      offset + 2,
    );
  }
  if (verifyChecksum && internetChecksum(bytes, offset, offset + headerLength) !== 0) {
    return new ProtocolError('ipv4', 'bad-checksum', 'header checksum does not verify', offset + 10);
  }
  const flagsAndOffset = (bytes[offset + 6]! << 8) | bytes[offset + 7]!;
  if (flagsAndOffset & FLAG_RESERVED) {
    return new ProtocolError('ipv4', 'reserved-flag', 'the reserved flag bit is set', offset + 6);
  }
  const tos = bytes[offset + 1]!;
  return {
    header: {
      headerLength,
      dscp: tos >> 2,
      ecn: tos & 3,
      totalLength,
      identification: (bytes[offset + 4]! << 8) | bytes[offset + 5]!,
      dontFragment: (flagsAndOffset & FLAG_DF) !== 0,
      moreFragments: (flagsAndOffset & FLAG_MF) !== 0,
      fragmentOffset: (flagsAndOffset & 0x1fff) * 8,
      ttl: bytes[offset + 8]!,
      protocol: bytes[offset + 9]!,
      checksum: (bytes[offset + 10]! << 8) | bytes[offset + 11]!,
      source: readIpv4(bytes, offset + 12),
      destination: readIpv4(bytes, offset + 16),
      options: bytes.subarray(offset + IPV4_MIN_HEADER_LENGTH, offset + headerLength),
    },
    payload: bytes.subarray(offset + headerLength, offset + totalLength),
  };
}

/**
 * What a sender chooses for a header. An `Ipv4Header` is also a valid init (its
 * headerLength, totalLength and checksum are recomputed).
 */
export interface Ipv4HeaderInit {
  readonly protocol: number;
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  /** Default 64. */
  readonly ttl?: number;
  /** Default 0. */
  readonly identification?: number;
  /** Default false. */
  readonly dontFragment?: boolean;
  /** Default false. */
  readonly moreFragments?: boolean;
  /** In bytes, a multiple of 8; default 0. */
  readonly fragmentOffset?: number;
  /** Default 0. */
  readonly dscp?: number;
  /** Default 0. */
  readonly ecn?: number;
  /** Option bytes; padded with zeros (End of Option List) to a multiple of 4. At most 40. */
  readonly options?: Uint8Array;
}

/** The header length `writeIpv4Header` produces for these options: 20 plus options padded to 4. */
export function ipv4HeaderLength(options?: Uint8Array): number {
  return IPV4_MIN_HEADER_LENGTH + (options ? (options.length + 3) & ~3 : 0);
}

/** An address as a uint32, or the same bits as an int32 (what `|` and `<<` produce). */
function checkAddress(name: string, value: number): void {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0xffff_ffff) {
    throw new NetlabError('bad-ipv4-header', `${name} must be a 32-bit address, got ${value}`);
  }
}

/**
 * Writes the header for a datagram with `payloadLength` bytes of data at `out[offset]`,
 * with its checksum, and returns the header length. Throws NetlabError('bad-ipv4-header')
 * when a field is out of range, the options exceed 40 bytes, the datagram would exceed
 * 65535 bytes, or `out` is too short for the header.
 */
export function writeIpv4Header(
  out: Uint8Array,
  offset: number,
  init: Ipv4HeaderInit,
  payloadLength: number,
): number {
  const {
    protocol,
    source,
    destination,
    ttl = IPV4_DEFAULT_TTL,
    identification = 0,
    dontFragment = false,
    moreFragments = false,
    fragmentOffset = 0,
    dscp = 0,
    ecn = 0,
    options,
  } = init;
  checkFieldRange('bad-ipv4-header', 'protocol', protocol, 0xff);
  checkFieldRange('bad-ipv4-header', 'ttl', ttl, 0xff);
  checkFieldRange('bad-ipv4-header', 'identification', identification, 0xffff);
  checkFieldRange('bad-ipv4-header', 'dscp', dscp, 0x3f);
  checkFieldRange('bad-ipv4-header', 'ecn', ecn, 3);
  checkAddress('source', source);
  checkAddress('destination', destination);
  if (
    !Number.isInteger(fragmentOffset) ||
    fragmentOffset < 0 ||
    fragmentOffset > 0x1fff * 8 ||
    fragmentOffset % 8
  ) {
    throw new NetlabError(
      'bad-ipv4-header',
      `fragment offset must be a multiple of 8 in 0..65528, got ${fragmentOffset}`,
    );
  }
  const optionLength = options?.length ?? 0;
  if (optionLength > IPV4_MAX_HEADER_LENGTH - IPV4_MIN_HEADER_LENGTH) {
    throw new NetlabError(
      'bad-ipv4-header',
      `at most 40 bytes of options fit in a header, got ${optionLength}`,
    );
  }
  const headerLength = ipv4HeaderLength(options);
  const totalLength = headerLength + payloadLength;
  if (!Number.isInteger(payloadLength) || payloadLength < 0 || totalLength > IPV4_MAX_DATAGRAM) {
    throw new NetlabError(
      'bad-ipv4-header',
      `a datagram of ${totalLength} bytes exceeds the IPv4 maximum of 65535`,
    );
  }
  if (!Number.isInteger(offset) || offset < 0 || offset + headerLength > out.length) {
    throw new NetlabError('bad-ipv4-header', `no room for a ${headerLength}-byte header at offset ${offset}`);
  }
  const flags = (dontFragment ? FLAG_DF : 0) | (moreFragments ? FLAG_MF : 0) | (fragmentOffset / 8);
  out[offset] = 0x40 | (headerLength >> 2);
  out[offset + 1] = (dscp << 2) | ecn;
  out[offset + 2] = totalLength >> 8;
  out[offset + 3] = totalLength & 0xff;
  out[offset + 4] = identification >> 8;
  out[offset + 5] = identification & 0xff;
  out[offset + 6] = flags >> 8;
  out[offset + 7] = flags & 0xff;
  out[offset + 8] = ttl;
  out[offset + 9] = protocol;
  out[offset + 10] = 0;
  out[offset + 11] = 0;
  writeIpv4(out, offset + 12, source);
  writeIpv4(out, offset + 16, destination);
  if (options) {
    out.set(options, offset + IPV4_MIN_HEADER_LENGTH);
    out.fill(0, offset + IPV4_MIN_HEADER_LENGTH + optionLength, offset + headerLength);
  }
  const checksum = internetChecksum(out, offset, offset + headerLength);
  out[offset + 10] = checksum >> 8;
  out[offset + 11] = checksum & 0xff;
  return headerLength;
}

/** A new datagram: header (with checksum) followed by a copy of `payload`. */
export function serializeIpv4(init: Ipv4HeaderInit, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(ipv4HeaderLength(init.options) + payload.length);
  const headerLength = writeIpv4Header(out, 0, init, payload.length);
  out.set(payload, headerLength);
  return out;
}

/**
 * Decrements the TTL of the datagram at `bytes[offset]` in place and patches the header
 * checksum incrementally (RFC 1812 §5.3.1, RFC 1624 eqn. 3), as a router does when it
 * forwards. Returns the new TTL. A router must not forward a datagram that arrived with
 * TTL <= 1 (it sends ICMP time exceeded instead), so calling this on TTL 0 throws.
 */
export function decrementTtl(bytes: Uint8Array, offset = 0): number {
  const ttl = bytes[offset + 8]!;
  if (ttl === 0) throw new NetlabError('bad-ipv4-header', 'cannot decrement a TTL of 0');
  const protocol = bytes[offset + 9]!;
  const checksum = (bytes[offset + 10]! << 8) | bytes[offset + 11]!;
  const next = updateChecksum16(checksum, (ttl << 8) | protocol, ((ttl - 1) << 8) | protocol);
  bytes[offset + 8] = ttl - 1;
  bytes[offset + 10] = next >> 8;
  bytes[offset + 11] = next & 0xff;
  return ttl - 1;
}

/**
 * The options a non-first fragment carries: those whose type has the "copied" flag (the
 * high bit) set (RFC 791 §3.1 "Options", §3.2). End of Option List stops the walk; No
 * Operation is dropped. Returns the unpadded option bytes, or 'bad-options' when an
 * option's length runs past the end or is below 2.
 */
export function copiedOptions(options: Uint8Array): Uint8Array | ProtocolError {
  const keep: Uint8Array[] = [];
  let length = 0;
  let i = 0;
  while (i < options.length) {
    const type = options[i]!;
    if (type === 0) break;
    if (type === 1) {
      i++;
      continue;
    }
    const len = options[i + 1];
    if (len === undefined || len < 2 || i + len > options.length) {
      return new ProtocolError(
        'ipv4',
        'bad-options',
        `option ${type} has a bad length`,
        IPV4_MIN_HEADER_LENGTH + i,
      );
    }
    if (type & 0x80) {
      keep.push(options.subarray(i, i + len));
      length += len;
    }
    i += len;
  }
  const out = new Uint8Array(length);
  let at = 0;
  for (const o of keep) {
    out.set(o, at);
    at += o.length;
  }
  return out;
}

/**
 * Splits the datagram in `packetBytes` into fragments of at most `mtu` bytes, following
 * the procedure of RFC 791 §3.2: each fragment but the last carries a multiple of 8 data
 * bytes and MF; offsets count from the original's own offset (a fragment can be
 * fragmented again; the last piece keeps the original's MF); the first fragment keeps all
 * options, later ones only those with the copied flag; every header gets a fresh checksum.
 *
 * A datagram that already fits comes back as a single view `[packetBytes.subarray(0,
 * totalLength)]`; otherwise the fragments are new arrays. Errors: anything `parseIpv4`
 * reports, 'dont-fragment' (DF set and too big: the caller sends ICMP fragmentation
 * needed, RFC 1191), 'bad-options', 'too-big' (offset plus data beyond 65535).
 * Throws NetlabError('bad-mtu') for an MTU below 68.
 */
export function fragmentIpv4(packetBytes: Uint8Array, mtu: number): Uint8Array[] | ProtocolError {
  if (!Number.isInteger(mtu) || mtu < IPV4_MIN_MTU) {
    throw new NetlabError(
      'bad-mtu',
      `an IPv4 MTU must be an integer of at least ${IPV4_MIN_MTU}, got ${mtu}`,
    );
  }
  const packet = parseIpv4(packetBytes);
  if (packet instanceof ProtocolError) return packet;
  const h = packet.header;
  if (h.totalLength <= mtu) return [packetBytes.subarray(0, h.totalLength)];
  if (h.dontFragment) {
    return new ProtocolError(
      'ipv4',
      'dont-fragment',
      `${h.totalLength} bytes exceed the MTU ${mtu} and DF is set`,
      6,
      'local',
    );
  }
  const data = packet.payload;
  if (h.fragmentOffset + data.length > IPV4_MAX_DATAGRAM) {
    return new ProtocolError('ipv4', 'too-big', 'fragment offset plus data exceed 65535', 6);
  }
  const later = copiedOptions(h.options);
  if (later instanceof ProtocolError) return later;
  const fragments: Uint8Array[] = [];
  let done = 0;
  while (done < data.length) {
    const options = done === 0 ? h.options : later;
    const headerLength = ipv4HeaderLength(options);
    const remaining = data.length - done;
    const last = remaining <= mtu - headerLength;
    // mtu >= 68 and headerLength <= 60 leave room for at least 8 bytes.
    const length = last ? remaining : (mtu - headerLength) & ~7;
    const out = new Uint8Array(headerLength + length);
    writeIpv4Header(
      out,
      0,
      { ...h, options, moreFragments: !last || h.moreFragments, fragmentOffset: h.fragmentOffset + done },
      length,
    );
    out.set(data.subarray(done, done + length), headerLength);
    fragments.push(out);
    done += length;
  }
  return fragments;
}

export interface ReassemblerOptions {
  /** Datagrams being reassembled at once; fragments of further ones are dropped. Default 64. */
  readonly maxDatagrams?: number;
  /** Data bytes held across all datagrams. Default 256 KiB. */
  readonly maxBytes?: number;
  /**
   * Nanoseconds from a datagram's first fragment until it is given up. Default 30 s, as
   * Linux's ipfrag_time (RFC 1122 §3.3.2 suggests 60 to 120 s; RFC 791 a 15 s lower bound).
   */
  readonly timeout?: number;
}

/** A datagram given up by `expire`. */
export interface ExpiredDatagram {
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  readonly protocol: number;
  readonly identification: number;
  /**
   * The fragment with offset 0 (header and data), when it arrived. Only then does the
   * host send ICMP time exceeded, code 1 "fragment reassembly time exceeded" (RFC 792,
   * RFC 1122 §3.3.2), quoting this fragment.
   */
  readonly firstFragment: Uint8Array | undefined;
}

interface Piece {
  readonly start: number;
  readonly end: number;
  readonly data: Uint8Array;
}

interface Pending {
  readonly source: Ipv4Address;
  readonly destination: Ipv4Address;
  readonly protocol: number;
  readonly identification: number;
  readonly deadline: number;
  /** Sorted by start, never overlapping. */
  readonly pieces: Piece[];
  received: number;
  /** Data length of the whole datagram, known once the fragment without MF arrived; -1 before. */
  total: number;
  /** Header of the offset-0 fragment (options copied): it becomes the datagram's header. */
  first: Ipv4Header | undefined;
}

/**
 * Reassembles fragmented datagrams (RFC 791 §3.2, keyed by source, destination, protocol
 * and identification; the hole bookkeeping of RFC 815 reduces to "no overlaps allowed and
 * the byte count adds up"). Pure: time comes in as `now` (integer nanoseconds), and the
 * owner calls `expire(now)` at `pollAt()`.
 *
 * Every resource is bounded: at most `maxDatagrams` in progress, `maxBytes` of data held,
 * no datagram beyond 65535 bytes, each given up after `timeout`. Fragment data is copied
 * in, so the caller may reuse its buffers.
 */
export class Reassembler {
  readonly maxDatagrams: number;
  readonly maxBytes: number;
  readonly timeout: number;
  private readonly pending = new Map<string, Pending>();
  private held = 0;

  constructor(options: ReassemblerOptions = {}) {
    this.maxDatagrams = options.maxDatagrams ?? 64;
    this.maxBytes = options.maxBytes ?? 256 * 1024;
    this.timeout = options.timeout ?? 30_000_000_000;
    if (!Number.isInteger(this.maxDatagrams) || this.maxDatagrams < 1) {
      throw new NetlabError(
        'bad-reassembler',
        `maxDatagrams must be a positive integer, got ${this.maxDatagrams}`,
      );
    }
    if (!Number.isInteger(this.maxBytes) || this.maxBytes < 1) {
      throw new NetlabError('bad-reassembler', `maxBytes must be a positive integer, got ${this.maxBytes}`);
    }
    if (!Number.isInteger(this.timeout) || this.timeout < 1) {
      throw new NetlabError(
        'bad-reassembler',
        `timeout must be a positive integer of nanoseconds, got ${this.timeout}`,
      );
    }
  }

  /** Datagrams in progress. */
  get size(): number {
    return this.pending.size;
  }

  /** Data bytes held. */
  get bufferedBytes(): number {
    return this.held;
  }

  /**
   * Adds a received datagram. Returns the whole datagram's bytes (a new array, header
   * rebuilt from the first fragment with MF clear and a fresh checksum) when this
   * fragment completes it, undefined when more fragments are awaited, or a ProtocolError
   * saying why this fragment was dropped:
   * - 'duplicate': an exact copy of a fragment already held (the datagram is kept);
   * - 'bad-fragment': MF set but the data is empty or not a multiple of 8 (RFC 791 §3.2);
   * - 'too-many-datagrams', 'memory-limit': a limit was reached;
   * - 'overlap', 'inconsistent' (two different ends, or data past the end), 'too-big'
   *   (the datagram would exceed 65535 bytes): the whole datagram is discarded too.
   * A datagram that is not a fragment comes straight back, as new bytes.
   */
  add(packet: Ipv4Packet, now: number): Uint8Array | ProtocolError | undefined {
    const h = packet.header;
    const data = packet.payload;
    if (!h.moreFragments && h.fragmentOffset === 0) return serializeIpv4(h, data);
    if (h.moreFragments && (data.length === 0 || data.length % 8 !== 0)) {
      return drop(
        'bad-fragment',
        `a fragment with MF set carries ${data.length} bytes, not a positive multiple of 8`,
      );
    }
    const start = h.fragmentOffset;
    const end = start + data.length;
    const key = `${h.source}/${h.destination}/${h.protocol}/${h.identification}`;
    let p = this.pending.get(key);
    const pieces = p?.pieces ?? [];
    const total = p?.total ?? -1;
    const lastEnd = pieces.length > 0 ? pieces[pieces.length - 1]!.end : 0;
    const first = start === 0 ? h : p?.first;
    const headerLength = first ? ipv4HeaderLength(first.options) : IPV4_MIN_HEADER_LENGTH;
    if (headerLength + Math.max(end, total, lastEnd) > IPV4_MAX_DATAGRAM) {
      return this.discard(key, drop('too-big', `data up to byte ${end} makes a datagram beyond 65535 bytes`));
    }
    // The first piece that ends after `start`: the only one that can overlap [start, end).
    let lo = 0;
    let hi = pieces.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pieces[mid]!.end <= start) lo = mid + 1;
      else hi = mid;
    }
    const next = pieces[lo];
    if (next && next.start < end) {
      if (next.start === start && next.end === end && bytesEqual(next.data, data)) {
        return drop('duplicate', `fragment at offset ${start} was already received`);
      }
      return this.discard(
        key,
        drop('overlap', `fragment [${start}, ${end}) overlaps [${next.start}, ${next.end})`),
      );
    }
    if (!h.moreFragments ? (total >= 0 && total !== end) || lastEnd > end : total >= 0 && end > total) {
      return this.discard(
        key,
        drop('inconsistent', `fragment [${start}, ${end}) disagrees with the datagram's end`),
      );
    }
    if (this.held + data.length > this.maxBytes) {
      return this.discard(
        key,
        drop('memory-limit', `holding ${this.held} bytes, the limit is ${this.maxBytes}`),
      );
    }
    if (!p) {
      if (this.pending.size >= this.maxDatagrams) {
        return drop('too-many-datagrams', `${this.pending.size} datagrams are already being reassembled`);
      }
      p = {
        source: h.source,
        destination: h.destination,
        protocol: h.protocol,
        identification: h.identification,
        deadline: now + this.timeout,
        pieces,
        received: 0,
        total: -1,
        first: undefined,
      };
      this.pending.set(key, p);
    }
    if (!h.moreFragments) p.total = end;
    if (start === 0) p.first = { ...h, options: h.options.slice() };
    if (data.length > 0) {
      pieces.splice(lo, 0, { start, end, data: data.slice() });
      p.received += data.length;
      this.held += data.length;
    }
    if (p.total < 0 || p.received !== p.total || !p.first) return undefined;

    this.remove(key, p);
    const out = new Uint8Array(ipv4HeaderLength(p.first.options) + p.total);
    const hl = writeIpv4Header(out, 0, { ...p.first, moreFragments: false, fragmentOffset: 0 }, p.total);
    for (const piece of pieces) out.set(piece.data, hl + piece.start);
    return out;
  }

  /**
   * Gives up every datagram whose timeout has passed at `now` and returns them, oldest
   * first, with their first fragment for the ICMP time exceeded message.
   */
  expire(now: number): ExpiredDatagram[] {
    const expired: ExpiredDatagram[] = [];
    for (const [key, p] of this.pending) {
      if (p.deadline > now) continue;
      this.remove(key, p);
      const piece = p.pieces[0];
      expired.push({
        source: p.source,
        destination: p.destination,
        protocol: p.protocol,
        identification: p.identification,
        firstFragment: p.first && piece ? serializeIpv4(p.first, piece.data) : undefined,
      });
    }
    return expired;
  }

  /** When `expire` next has work: the earliest deadline, or undefined when idle. */
  pollAt(): number | undefined {
    let at: number | undefined;
    for (const p of this.pending.values()) if (at === undefined || p.deadline < at) at = p.deadline;
    return at;
  }

  private remove(key: string, p: Pending): void {
    this.pending.delete(key);
    this.held -= p.received;
  }

  private discard(key: string, error: ProtocolError): ProtocolError {
    const p = this.pending.get(key);
    if (p) this.remove(key, p);
    return error;
  }
}

function drop(code: string, message: string): ProtocolError {
  return new ProtocolError('ipv4', code, message);
}
