/**
 * HPACK integer representation, RFC 7541 §5.1: an N-bit prefix in the first octet, and
 * when the value does not fit in it (2^N - 1 or more) the remainder in 7-bit groups,
 * least significant first, with the high bit saying "more follows".
 *
 * Values are capped at 2^32 - 1 and five continuation octets: no legitimate index,
 * length or table size is near that, and the cap bounds the work an attacker can cause
 * with endless 0x80 octets.
 */
import type { EncodeBuffer } from './encode-buffer.ts';

/** Largest integer the decoder accepts. */
export const MAX_INTEGER = 0xffff_ffff;
/** Returned by `readInteger` when the input ends inside the integer. */
export const INTEGER_TRUNCATED = -1;
/** Returned by `readInteger` for an integer above MAX_INTEGER or over-long. */
export const INTEGER_OVERFLOW = -2;

/** A read position that `readInteger` advances. */
export interface Cursor {
  pos: number;
}

/**
 * Reads an integer whose prefix is the low `prefixBits` bits of `bytes[cursor.pos]`
 * (the caller has checked that octet exists). Returns the value, or INTEGER_TRUNCATED /
 * INTEGER_OVERFLOW.
 */
export function readInteger(bytes: Uint8Array, end: number, cursor: Cursor, prefixBits: number): number {
  const max = (1 << prefixBits) - 1;
  let pos = cursor.pos;
  let value = bytes[pos++]! & max;
  if (value < max) {
    cursor.pos = pos;
    return value;
  }
  let multiplier = 1;
  for (let i = 0; i < 5; i++) {
    if (pos >= end) return INTEGER_TRUNCATED;
    const b = bytes[pos++]!;
    value += (b & 0x7f) * multiplier;
    if ((b & 0x80) === 0) {
      if (value > MAX_INTEGER) return INTEGER_OVERFLOW;
      cursor.pos = pos;
      return value;
    }
    multiplier *= 128;
  }
  return INTEGER_OVERFLOW;
}

/** Appends `value` with an N-bit prefix; `flags` are the bits above the prefix in the first octet. */
export function writeInteger(out: EncodeBuffer, value: number, prefixBits: number, flags: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    out.u8(flags | value);
    return;
  }
  out.u8(flags | max);
  value -= max;
  while (value >= 128) {
    out.u8((value % 128) | 0x80);
    value = Math.floor(value / 128);
  }
  out.u8(value);
}
