/**
 * Building DER (X.690 §10): each function returns one complete element, so structures are
 * written the way their ASN.1 reads, `sequence(integer(2n), oid(Oid.commonName), ...)`.
 * Lengths are always definite and minimal, INTEGERs minimal two's complement, SET OF
 * sorted by encoding (§11.6), times per RFC 5280 §4.1.2.5.
 */
import { encodeOid } from './oid.ts';
import { encodeDerTime, type UnixTime } from './der-time.ts';
import { Tag } from './der.ts';

function lengthOctets(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  while (n > 0) {
    out.unshift(n & 0xff);
    n = Math.floor(n / 256);
  }
  return [0x80 | out.length, ...out];
}

/** An element from its identifier octet and contents. */
export function tlv(identifier: number, ...contents: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const c of contents) size += c.length;
  const len = lengthOctets(size);
  const out = new Uint8Array(1 + len.length + size);
  out[0] = identifier;
  out.set(len, 1);
  let at = 1 + len.length;
  for (const c of contents) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

const CONSTRUCTED = 0x20;
const CONTEXT = 0x80;

export function sequence(...items: readonly Uint8Array[]): Uint8Array {
  return tlv(Tag.Sequence | CONSTRUCTED, ...items);
}

/** SET OF: members sorted by their encodings, as DER requires. */
export function setOf(...items: readonly Uint8Array[]): Uint8Array {
  const sorted = [...items].sort(compareBytes);
  return tlv(Tag.Set | CONSTRUCTED, ...sorted);
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** INTEGER from a bigint (any sign) in minimal two's complement. */
export function integer(v: bigint | number): Uint8Array {
  let x = BigInt(v);
  const bytes: number[] = [];
  if (x >= 0n) {
    do {
      bytes.unshift(Number(x & 0xffn));
      x >>= 8n;
    } while (x > 0n);
    if (bytes[0]! & 0x80) bytes.unshift(0);
  } else {
    do {
      bytes.unshift(Number(x & 0xffn));
      x >>= 8n;
    } while (x < -1n);
    if (!(bytes[0]! & 0x80)) bytes.unshift(0xff);
  }
  return tlv(Tag.Integer, Uint8Array.from(bytes));
}

/** INTEGER from an unsigned big-endian magnitude (an RSA modulus, a serial number). */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const m = magnitude.subarray(i);
  if (m.length === 0) return tlv(Tag.Integer, new Uint8Array(1));
  return m[0]! & 0x80 ? tlv(Tag.Integer, Uint8Array.of(0), m) : tlv(Tag.Integer, m);
}

export function boolean(v: boolean): Uint8Array {
  return tlv(Tag.Boolean, Uint8Array.of(v ? 0xff : 0));
}

export function nullValue(): Uint8Array {
  return tlv(Tag.Null);
}

export function oid(dotted: string): Uint8Array {
  return tlv(Tag.Oid, encodeOid(dotted));
}

export function octetString(b: Uint8Array): Uint8Array {
  return tlv(Tag.OctetString, b);
}

export function bitString(b: Uint8Array, unusedBits = 0): Uint8Array {
  return tlv(Tag.BitString, Uint8Array.of(unusedBits), b);
}

const enc = new TextEncoder();

export function utf8String(s: string): Uint8Array {
  return tlv(Tag.Utf8String, enc.encode(s));
}

export function printableString(s: string): Uint8Array {
  return tlv(Tag.PrintableString, enc.encode(s));
}

export function ia5String(s: string): Uint8Array {
  return tlv(Tag.Ia5String, enc.encode(s));
}

/** Whether `s` fits PrintableString's alphabet (X.680 §41.4). */
export function isPrintable(s: string): boolean {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s);
}

/** UTCTime or GeneralizedTime, whichever RFC 5280 §4.1.2.5 prescribes for the year. */
export function time(t: UnixTime): Uint8Array {
  const { kind, text } = encodeDerTime(t);
  return tlv(kind === 'utc' ? Tag.UtcTime : Tag.GeneralizedTime, enc.encode(text));
}

/** [n] EXPLICIT: a constructed context element wrapping complete elements. */
export function explicit(n: number, ...inner: readonly Uint8Array[]): Uint8Array {
  return tlv(CONTEXT | CONSTRUCTED | n, ...inner);
}

/** [n] IMPLICIT on a primitive type: the contents with a context tag. */
export function contextPrimitive(n: number, contents: Uint8Array): Uint8Array {
  return tlv(CONTEXT | n, contents);
}

/** [n] IMPLICIT on a constructed type (SEQUENCE, SET): the children with a context tag. */
export function contextConstructed(n: number, ...children: readonly Uint8Array[]): Uint8Array {
  return tlv(CONTEXT | CONSTRUCTED | n, ...children);
}
