/**
 * HPACK Huffman coding of string literals, RFC 7541 §5.2 with the code of Appendix B.
 *
 * Encoding appends each octet's code, most significant bit first, and pads the last
 * octet with the high bits of EOS (all ones).
 *
 * Decoding runs a finite-state machine four bits at a time, built once from the code
 * table at module load: a state is an internal node of the code tree, and for every
 * (state, nibble) the table holds the next state and the symbol completed on the way, if
 * any (a nibble completes at most one symbol, as the shortest code has 5 bits). A string
 * is accepted only if it ends in a state that is a run of at most 7 one-bits from the
 * root, i.e. valid padding; decoding EOS itself is an error (§5.2: "MUST be treated as a
 * decoding error").
 */
import { EOS, HUFFMAN_CODES, HUFFMAN_LENGTHS } from './huffman-code.ts';

/** Transition entry layout: bits 0-7 next state, bits 8-15 symbol, bit 16 emits, bit 17 fails. */
const EMITS = 1 << 16;
const FAILS = 1 << 17;

/** 256 internal nodes x 16 nibbles. */
const transitions = new Uint32Array(256 * 16);
/** accepting[state] = 1 when a string may end in this state (padding valid). */
const accepting = new Uint8Array(256);

buildDecoder();

function buildDecoder(): void {
  // The code tree: internal nodes 0..255 (0 = root); a child is an internal node id, or
  // (leaf) -1 - symbol. Children are filled by inserting every code.
  const child = new Int32Array(256 * 2).fill(0x7fffffff);
  let nodes = 1;
  for (let sym = 0; sym <= EOS; sym++) {
    const code = HUFFMAN_CODES[sym]!;
    const len = HUFFMAN_LENGTHS[sym]!;
    let node = 0;
    for (let i = len - 1; i >= 0; i--) {
      const bit = (code >>> i) & 1;
      const slot = node * 2 + bit;
      if (i === 0) {
        child[slot] = -1 - sym;
      } else {
        if (child[slot] === 0x7fffffff) child[slot] = nodes++;
        node = child[slot]!;
      }
    }
  }
  // Valid padding: up to 7 one-bits from the root (the root itself means no padding).
  let node = 0;
  accepting[0] = 1;
  for (let depth = 1; depth <= 7; depth++) {
    node = child[node * 2 + 1]!;
    accepting[node] = 1;
  }
  for (let state = 0; state < 256; state++) {
    for (let nibble = 0; nibble < 16; nibble++) {
      let cur = state;
      let entry = 0;
      for (let i = 3; i >= 0; i--) {
        const next = child[cur * 2 + ((nibble >>> i) & 1)]!;
        if (next < 0) {
          const sym = -1 - next;
          if (sym === EOS) entry |= FAILS;
          else entry |= EMITS | (sym << 8);
          cur = 0;
        } else {
          cur = next;
        }
      }
      transitions[state * 16 + nibble] = entry | cur;
    }
  }
}

/** Code lengths and codes as typed arrays for the hot loops. */
const LENGTHS = Uint8Array.from(HUFFMAN_LENGTHS);
const CODES = Uint32Array.from(HUFFMAN_CODES);

/**
 * The length in octets of the Huffman encoding of `s`, or -1 when `s` has a character
 * that is not an octet (above U+00FF).
 */
export function huffmanEncodedLength(s: string): number {
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 0xff) return -1;
    bits += LENGTHS[c]!;
  }
  return (bits + 7) >>> 3;
}

/**
 * Writes the Huffman encoding of `s` into `out` from `at`; `out` must have room for
 * `huffmanEncodedLength(s)` octets. Returns the offset after the last octet.
 */
export function huffmanEncodeInto(s: string, out: Uint8Array, at: number): number {
  // `acc` holds fewer than 8 pending bits between symbols, so acc << len stays below 2^31
  // for codes up to 24 bits; longer codes are split in two.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i) & 0xff;
    let code = CODES[sym]!;
    let len = LENGTHS[sym]!;
    if (len > 24) {
      const high = len - 16;
      acc = (acc << high) | (code >>> 16);
      bits += high;
      while (bits >= 8) {
        bits -= 8;
        out[at++] = acc >>> bits;
        acc &= (1 << bits) - 1;
      }
      code &= 0xffff;
      len = 16;
    }
    acc = (acc << len) | code;
    bits += len;
    while (bits >= 8) {
      bits -= 8;
      out[at++] = acc >>> bits;
      acc &= (1 << bits) - 1;
    }
  }
  if (bits > 0) out[at++] = (acc << (8 - bits)) | (0xff >>> bits);
  return at;
}

/** The Huffman encoding of `s` (characters above U+00FF taken modulo 256) as a new array. */
export function huffmanEncode(s: string): Uint8Array {
  let bits = 0;
  for (let i = 0; i < s.length; i++) bits += LENGTHS[s.charCodeAt(i) & 0xff]!;
  const out = new Uint8Array((bits + 7) >>> 3);
  huffmanEncodeInto(s, out, 0);
  return out;
}

/** Returned by `huffmanDecodeInto` when EOS is decoded. */
export const HUFFMAN_EOS = -1;
/** Returned by `huffmanDecodeInto` for invalid padding. */
export const HUFFMAN_BAD_PADDING = -2;

/** The most octets `n` Huffman-coded octets can decode to (the shortest code has 5 bits). */
export function huffmanMaxDecodedLength(n: number): number {
  return Math.floor((n * 8) / 5);
}

/**
 * Decodes `bytes[start..end)` into `out` (room for `huffmanMaxDecodedLength(end - start)`
 * octets). Returns the decoded length, or HUFFMAN_EOS / HUFFMAN_BAD_PADDING.
 */
export function huffmanDecodeInto(bytes: Uint8Array, start: number, end: number, out: Uint8Array): number {
  let state = 0;
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    let e = transitions[(state << 4) | (b >>> 4)]!;
    if (e & FAILS) return HUFFMAN_EOS;
    if (e & EMITS) out[n++] = (e >>> 8) & 0xff;
    e = transitions[((e & 0xff) << 4) | (b & 15)]!;
    if (e & FAILS) return HUFFMAN_EOS;
    if (e & EMITS) out[n++] = (e >>> 8) & 0xff;
    state = e & 0xff;
  }
  return accepting[state] ? n : HUFFMAN_BAD_PADDING;
}
