/**
 * TCP options (RFC 9293 §3.2): End of Option List, No-Operation, Maximum Segment Size
 * (RFC 9293 §3.7.1), Window Scale (RFC 7323 §2), SACK-Permitted and SACK (RFC 2018),
 * Timestamps (RFC 7323 §3).
 *
 * Parsing checks every length byte: a known option with the wrong length, a length below
 * 2, or an option running past the header is a 'bad-option' error (RFC 9293 MUST-7: be
 * prepared for illegal option lengths without crashing). Unknown kinds with a sane length
 * are kept as opaque bytes.
 *
 * Serialising uses the layout Linux writes (tcp_options_write), so netlab's SYNs look like
 * a Linux host's in a capture: MSS; SACK-Permitted folded in front of Timestamps
 * (`04 02 08 0a`) or padded with two NOPs; NOP + Window Scale; NOP NOP + SACK blocks.
 *
 * Left out: TCP Fast Open cookies (RFC 7413), MPTCP (RFC 8684), TCP-AO (RFC 5925) and
 * the MD5 signature option (RFC 2385): they parse as unknown options.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { DOUBLE_FIELD } from '../../sim/time.ts';

export const TcpOptionKind = {
  EndOfList: 0,
  NoOperation: 1,
  MaximumSegmentSize: 2,
  WindowScale: 3,
  SackPermitted: 4,
  Sack: 5,
  Timestamps: 8,
} as const;

/** A SACK block: the wire sequence numbers of the first byte and of the byte after the last. */
export interface SackBlock {
  readonly left: number;
  readonly right: number;
}

export interface TcpTimestamps {
  /** TSval: the sender's clock when it sent the segment. */
  readonly value: number;
  /** TSecr: the TSval it echoes (0 when the ACK bit is off). */
  readonly echoReply: number;
}

export interface TcpUnknownOption {
  readonly kind: number;
  /** The option's data (after kind and length): a view into the parsed bytes. */
  readonly data: Uint8Array;
}

export interface TcpOptions {
  readonly mss?: number;
  /** The shift count as sent (0..255; a receiver uses at most 14, RFC 7323 §2.3). */
  readonly windowScale?: number;
  readonly sackPermitted?: boolean;
  /** At most 4 blocks fit in 40 bytes of options (3 next to timestamps). */
  readonly sack?: readonly SackBlock[];
  readonly timestamps?: TcpTimestamps;
  readonly unknown?: readonly TcpUnknownOption[];
}

/** A TcpOptions the sender fills in place for each segment. */
export type MutableTcpOptions = { -readonly [K in keyof TcpOptions]: TcpOptions[K] };

/**
 * Options objects on the per-packet path all have the same six fields (some undefined),
 * so the code that reads them sees one hidden class and stays monomorphic.
 */
export function tcpOptions(o: TcpOptions = {}): MutableTcpOptions {
  return {
    mss: o.mss,
    windowScale: o.windowScale,
    sackPermitted: o.sackPermitted,
    sack: o.sack,
    timestamps: o.timestamps,
    unknown: o.unknown,
  };
}

/**
 * Gives each field of the options shape (and of the timestamps and SACK block shapes) its
 * most general representation once, at load. The first options objects hold `undefined`
 * where later ones hold a number (mss, windowScale) or an array (sack), and the first
 * timestamps and SACK edges are small integers where later ones pass 2^31 (they are
 * unsigned 32-bit): each first new kind of value changed the shared hidden class's field
 * and threw away the compiled code that read it (writeTcpHeader, tcpOptionsLength,
 * writeTcpOptions, the socket's transmit), often seconds into a run when the first loss
 * put SACK blocks in the options. Storing each kind here first means nothing generalises
 * later. The objects are dropped at once; `DOUBLE_FIELD` says why a fraction.
 */
function primeShapes(): void {
  const ts: { value: number; echoReply: number } = { value: DOUBLE_FIELD, echoReply: DOUBLE_FIELD };
  const block: { left: number; right: number } = { left: DOUBLE_FIELD, right: DOUBLE_FIELD };
  const o = tcpOptions({
    mss: 1,
    windowScale: 1,
    sackPermitted: true,
    sack: [block],
    timestamps: ts,
    unknown: [{ kind: 1, data: new Uint8Array(0) }],
  });
  ts.value = 1;
  ts.echoReply = 1;
  block.left = 1;
  block.right = 1;
  o.mss = undefined;
  o.windowScale = undefined;
  o.sackPermitted = undefined;
  o.sack = undefined;
  o.timestamps = undefined;
  o.unknown = undefined;
}
primeShapes();

/** No options at all, shared (options objects are read-only). */
export const NO_OPTIONS: TcpOptions = Object.freeze(tcpOptions());

/** The most option bytes a header can carry: data offset 15 words minus the 20-byte header. */
export const TCP_MAX_OPTIONS_LENGTH = 40;

function optionError(message: string, offset: number): ProtocolError {
  return new ProtocolError('tcp', 'bad-option', message, offset);
}

/**
 * Parses the option bytes `bytes[start..end)` (offsets are reported relative to the start
 * of `bytes`, so pass the whole segment to get header offsets in errors).
 */
export function parseTcpOptions(bytes: Uint8Array, start: number, end: number): TcpOptions | ProtocolError {
  if (start >= end) return NO_OPTIONS;
  // The layout of nearly every segment between two Linux-like hosts: NOP NOP Timestamps.
  if (
    end - start === 12 &&
    bytes[start] === 1 &&
    bytes[start + 1] === 1 &&
    bytes[start + 2] === 8 &&
    bytes[start + 3] === 10
  ) {
    const timestamps = { value: read32(bytes, start + 4), echoReply: read32(bytes, start + 8) };
    return {
      mss: undefined,
      windowScale: undefined,
      sackPermitted: undefined,
      sack: undefined,
      timestamps,
      unknown: undefined,
    };
  }
  let mss: number | undefined;
  let windowScale: number | undefined;
  let sackPermitted: true | undefined;
  let sack: SackBlock[] | undefined;
  let timestamps: TcpTimestamps | undefined;
  let unknown: TcpUnknownOption[] | undefined;
  let i = start;
  while (i < end) {
    const kind = bytes[i]!;
    if (kind === TcpOptionKind.EndOfList) break;
    if (kind === TcpOptionKind.NoOperation) {
      i++;
      continue;
    }
    if (i + 1 >= end) return optionError(`option kind ${kind} has no length byte`, i);
    const len = bytes[i + 1]!;
    if (len < 2) return optionError(`option kind ${kind} has length ${len} (at least 2)`, i + 1);
    if (i + len > end) return optionError(`option kind ${kind} of length ${len} runs past the header`, i + 1);
    switch (kind) {
      case TcpOptionKind.MaximumSegmentSize:
        if (len !== 4) return optionError(`MSS option has length ${len}, expected 4`, i + 1);
        mss = (bytes[i + 2]! << 8) | bytes[i + 3]!;
        break;
      case TcpOptionKind.WindowScale:
        if (len !== 3) return optionError(`window scale option has length ${len}, expected 3`, i + 1);
        windowScale = bytes[i + 2]!;
        break;
      case TcpOptionKind.SackPermitted:
        if (len !== 2) return optionError(`SACK-permitted option has length ${len}, expected 2`, i + 1);
        sackPermitted = true;
        break;
      case TcpOptionKind.Sack: {
        if (len < 10 || (len - 2) % 8 !== 0)
          return optionError(`SACK option has length ${len}, expected 2 + 8n with n >= 1`, i + 1);
        sack = [];
        for (let b = i + 2; b < i + len; b += 8)
          sack.push({ left: read32(bytes, b), right: read32(bytes, b + 4) });
        break;
      }
      case TcpOptionKind.Timestamps:
        if (len !== 10) return optionError(`timestamps option has length ${len}, expected 10`, i + 1);
        timestamps = { value: read32(bytes, i + 2), echoReply: read32(bytes, i + 6) };
        break;
      default:
        (unknown ??= []).push({ kind, data: bytes.subarray(i + 2, i + len) });
    }
    i += len;
  }
  return { mss, windowScale, sackPermitted, sack, timestamps, unknown };
}

function read32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

function write32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** Bytes the options take in the header, padded to a multiple of 4 (what `writeTcpOptions` writes). */
export function tcpOptionsLength(o: TcpOptions): number {
  if (o === NO_OPTIONS) return 0;
  let n = 0;
  if (o.mss !== undefined) n += 4;
  if (o.timestamps) n += 12;
  else if (o.sackPermitted) n += 4;
  if (o.windowScale !== undefined) n += 4;
  if (o.sack && o.sack.length > 0) n += 4 + 8 * o.sack.length;
  if (o.unknown) for (const u of o.unknown) n += 2 + u.data.length;
  return (n + 3) & ~3;
}

/**
 * Writes the options at `out[offset]` in Linux's layout, padding with End of Option List
 * to a multiple of 4. Returns the bytes written (= `tcpOptionsLength(o)`). The caller
 * checks the total fits in 40 bytes.
 */
export function writeTcpOptions(out: Uint8Array, offset: number, o: TcpOptions): number {
  if (o === NO_OPTIONS) return 0;
  let i = offset;
  if (o.mss !== undefined) {
    out[i] = TcpOptionKind.MaximumSegmentSize;
    out[i + 1] = 4;
    out[i + 2] = (o.mss >>> 8) & 0xff;
    out[i + 3] = o.mss & 0xff;
    i += 4;
  }
  if (o.timestamps) {
    if (o.sackPermitted) {
      out[i] = TcpOptionKind.SackPermitted;
      out[i + 1] = 2;
    } else {
      out[i] = TcpOptionKind.NoOperation;
      out[i + 1] = TcpOptionKind.NoOperation;
    }
    out[i + 2] = TcpOptionKind.Timestamps;
    out[i + 3] = 10;
    write32(out, i + 4, o.timestamps.value);
    write32(out, i + 8, o.timestamps.echoReply);
    i += 12;
  } else if (o.sackPermitted) {
    out[i] = TcpOptionKind.NoOperation;
    out[i + 1] = TcpOptionKind.NoOperation;
    out[i + 2] = TcpOptionKind.SackPermitted;
    out[i + 3] = 2;
    i += 4;
  }
  if (o.windowScale !== undefined) {
    out[i] = TcpOptionKind.NoOperation;
    out[i + 1] = TcpOptionKind.WindowScale;
    out[i + 2] = 3;
    out[i + 3] = o.windowScale & 0xff;
    i += 4;
  }
  const sack = o.sack;
  if (sack && sack.length > 0) {
    out[i] = TcpOptionKind.NoOperation;
    out[i + 1] = TcpOptionKind.NoOperation;
    out[i + 2] = TcpOptionKind.Sack;
    out[i + 3] = 2 + 8 * sack.length;
    i += 4;
    for (const b of sack) {
      write32(out, i, b.left);
      write32(out, i + 4, b.right);
      i += 8;
    }
  }
  if (o.unknown) {
    for (const u of o.unknown) {
      out[i] = u.kind;
      out[i + 1] = 2 + u.data.length;
      out.set(u.data, i + 2);
      i += 2 + u.data.length;
    }
  }
  while ((i - offset) & 3) out[i++] = TcpOptionKind.EndOfList;
  return i - offset;
}
