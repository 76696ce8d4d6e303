/**
 * DER, the Distinguished Encoding Rules of ASN.1 (ITU-T X.690 §8 and §10): the wire format of
 * X.509 certificates, certification requests and private keys. `parseDer` turns bytes into
 * a tree of elements (tag, contents, children) whose byte strings are views of the input;
 * `DerReader` walks a constructed element's children the way the ASN.1 module describes
 * them, recording the first problem instead of throwing (like `ByteReader.overrun`).
 *
 * Strict DER only, as RFC 5280 §4.1 requires for what is signed: definite lengths in their
 * shortest form (§10.1), no indefinite length, no constructed strings, minimal INTEGERs
 * (§8.3.2), BOOLEAN true as 0xff (§11.1). Input is bounded: nesting depth and element count
 * are limited (`DerLimits`), and lengths above 2^32 are refused.
 *
 * Left out: BER (indefinite lengths, constructed strings), REAL, and the rarer universal
 * types (they parse as elements but have no typed reader).
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { decodeOid } from './oid.ts';
import { decodeDerTime, type UnixTime } from './der-time.ts';

export type TagClass = 'universal' | 'application' | 'context' | 'private';

const CLASSES: readonly TagClass[] = ['universal', 'application', 'context', 'private'];

/** Universal tag numbers used by X.509 (X.680 §8.6). */
export const Tag = {
  Boolean: 1,
  Integer: 2,
  BitString: 3,
  OctetString: 4,
  Null: 5,
  Oid: 6,
  Utf8String: 12,
  Sequence: 16,
  Set: 17,
  NumericString: 18,
  PrintableString: 19,
  T61String: 20,
  Ia5String: 22,
  UtcTime: 23,
  GeneralizedTime: 24,
  VisibleString: 26,
  UniversalString: 28,
  BmpString: 30,
} as const;

export interface DerElement {
  readonly tagClass: TagClass;
  readonly constructed: boolean;
  /** The tag number within its class. */
  readonly tag: number;
  /** The whole encoding, identifier and length included (a view of the input). */
  readonly der: Uint8Array;
  /** The contents octets (a view of the input). */
  readonly content: Uint8Array;
  /** Where the element starts in the outermost input, for error messages. */
  readonly offset: number;
  /** The children of a constructed element, in order; empty for a primitive one. */
  readonly children: readonly DerElement[];
}

export interface DerLimits {
  /** Deepest nesting accepted. Default 32 (X.509 certificates nest about 10 deep). */
  readonly maxDepth?: number;
  /** Most elements in one input. Default 50000. */
  readonly maxElements?: number;
}

export const DER_DEFAULT_LIMITS: Required<DerLimits> = { maxDepth: 32, maxElements: 50_000 };

function derError(code: string, message: string, offset?: number): ProtocolError {
  return new ProtocolError('der', code, message, offset);
}

interface ParseState {
  readonly input: Uint8Array;
  readonly limits: Required<DerLimits>;
  elements: number;
}

/** Reads one element at `start`, at most up to `end`. Returns it and where it ends. */
function parseElement(
  st: ParseState,
  start: number,
  end: number,
  depth: number,
): { el: DerElement; next: number } | ProtocolError {
  const b = st.input;
  if (++st.elements > st.limits.maxElements) {
    return derError('too-many-elements', `more than ${st.limits.maxElements} elements`, start);
  }
  if (depth > st.limits.maxDepth)
    return derError('too-deep', `nested deeper than ${st.limits.maxDepth}`, start);
  let at = start;
  if (at >= end) return derError('truncated', 'identifier octet missing', at);
  const id = b[at++]!;
  const tagClass = CLASSES[id >> 6]!;
  const constructed = (id & 0x20) !== 0;
  let tag = id & 0x1f;
  if (tag === 0x1f) {
    // High-tag-number form (X.690 §8.1.2.4): base-128, no leading 0x80, at least 31.
    tag = 0;
    for (let n = 0; ; n++) {
      if (at >= end) return derError('truncated', 'tag number cut short', at);
      const c = b[at++]!;
      if (n === 0 && c === 0x80) return derError('non-minimal-tag', 'tag number has a leading zero', at - 1);
      if (n >= 4) return derError('tag-too-large', 'tag number longer than 28 bits', at - 1);
      tag = tag * 128 + (c & 0x7f);
      if ((c & 0x80) === 0) break;
    }
    if (tag < 31) return derError('non-minimal-tag', 'high-tag-number form for a small tag', start);
  }
  if (at >= end) return derError('truncated', 'length octet missing', at);
  const first = b[at++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    return derError('indefinite-length', 'indefinite length is BER, not DER', at - 1);
  } else {
    const n = first & 0x7f;
    if (n > 4) return derError('length-too-large', `a ${n}-octet length field`, at - 1);
    if (at + n > end) return derError('truncated', 'length octets cut short', at);
    if (b[at] === 0) return derError('non-minimal-length', 'length has a leading zero octet', at);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + b[at++]!;
    if (length < 0x80) return derError('non-minimal-length', 'long form for a length below 128', at - n - 1);
  }
  const contentStart = at;
  const contentEnd = contentStart + length;
  if (contentEnd > end) {
    return derError('truncated', `contents of ${length} octets but only ${end - contentStart} left`, start);
  }
  const children: DerElement[] = [];
  if (constructed) {
    let p = contentStart;
    while (p < contentEnd) {
      const child = parseElement(st, p, contentEnd, depth + 1);
      if (child instanceof ProtocolError) return child;
      children.push(child.el);
      p = child.next;
    }
  }
  const el: DerElement = {
    tagClass,
    constructed,
    tag,
    der: b.subarray(start, contentEnd),
    content: b.subarray(contentStart, contentEnd),
    offset: start,
    children,
  };
  return { el, next: contentEnd };
}

/** Parses exactly one DER element filling `bytes`. */
export function parseDer(bytes: Uint8Array, limits: DerLimits = {}): DerElement | ProtocolError {
  const st: ParseState = { input: bytes, limits: { ...DER_DEFAULT_LIMITS, ...limits }, elements: 0 };
  const r = parseElement(st, 0, bytes.length, 0);
  if (r instanceof ProtocolError) return r;
  if (r.next !== bytes.length) {
    return derError('trailing-bytes', `${bytes.length - r.next} octets after the element`, r.next);
  }
  return r.el;
}

/** The error of a `DerReader` tree: the first problem wins, later ones are ignored. */
export interface DerErrorSink {
  error: ProtocolError | null;
  readonly protocol: string;
}

function describe(el: DerElement): string {
  return `${el.tagClass === 'universal' ? '' : `${el.tagClass} `}[${el.tag}]${el.constructed ? ' constructed' : ''}`;
}

const EMPTY = new Uint8Array(0);

/**
 * Walks the children of one constructed element in order. Every read names what it expects
 * (`what`), which becomes the message of the error if the element is missing or wrong.
 * After the first error every read returns a neutral value (0n, '', an empty view), so a
 * decoder reads a whole structure and checks `sink.error` once at the end.
 */
export class DerReader {
  private index = 0;

  constructor(
    private readonly items: readonly DerElement[],
    readonly sink: DerErrorSink,
    /** Offset reported when the list ends too early. */
    private readonly endOffset = 0,
  ) {}

  /** A reader over the children of `el`, which must be a universal SEQUENCE. */
  static of(el: DerElement, protocol: string, what: string): DerReader {
    const sink: DerErrorSink = { error: null, protocol };
    const r = new DerReader([el], sink, el.offset + el.der.length);
    return r.sequence(what);
  }

  get failed(): boolean {
    return this.sink.error !== null;
  }

  get done(): boolean {
    return this.index >= this.items.length;
  }

  /** Records a problem (only the first one sticks). */
  fail(code: string, message: string, offset?: number): void {
    this.sink.error ??= new ProtocolError(this.sink.protocol, code, message, offset);
  }

  peek(): DerElement | undefined {
    return this.sink.error ? undefined : this.items[this.index];
  }

  /** The element `ahead` places after the next one (0 is the next one), without taking it. */
  peekAt(ahead: number): DerElement | undefined {
    return this.sink.error ? undefined : this.items[this.index + ahead];
  }

  /** Whether the next element is [n] in the context class. */
  peekContext(n: number): boolean {
    const el = this.peek();
    return el !== undefined && el.tagClass === 'context' && el.tag === n;
  }

  /** The next element, whatever it is. */
  any(what: string): DerElement | undefined {
    if (this.sink.error) return undefined;
    const el = this.items[this.index];
    if (!el) {
      this.fail('missing-element', `${what} is missing`, this.endOffset);
      return undefined;
    }
    this.index++;
    return el;
  }

  /** The next element, which must be universal `tag` (primitive unless `constructed`). */
  universal(tag: number, what: string, constructed = false): DerElement | undefined {
    const el = this.any(what);
    if (!el) return undefined;
    if (el.tagClass !== 'universal' || el.tag !== tag || el.constructed !== constructed) {
      this.fail('unexpected-tag', `${what}: expected universal [${tag}], got ${describe(el)}`, el.offset);
      return undefined;
    }
    return el;
  }

  private childReader(el: DerElement | undefined): DerReader {
    if (!el) return new DerReader([], this.sink, this.endOffset);
    return new DerReader(el.children, this.sink, el.offset + el.der.length);
  }

  sequence(what: string): DerReader {
    return this.childReader(this.universal(Tag.Sequence, what, true));
  }

  set(what: string): DerReader {
    return this.childReader(this.universal(Tag.Set, what, true));
  }

  /** A reader over the children of a constructed element already taken. */
  children(el: DerElement): DerReader {
    return this.childReader(el);
  }

  /** An explicitly tagged [n] element (constructed), read as the reader of its one child. */
  explicit(n: number, what: string): DerReader {
    const el = this.any(what);
    if (!el) return this.childReader(undefined);
    if (el.tagClass !== 'context' || el.tag !== n || !el.constructed) {
      this.fail('unexpected-tag', `${what}: expected [${n}] explicit, got ${describe(el)}`, el.offset);
      return this.childReader(undefined);
    }
    return this.childReader(el);
  }

  /** Takes the next element if it is [n] in the context class; otherwise leaves it. */
  optionalContext(n: number): DerElement | undefined {
    return this.peekContext(n) ? this.any('') : undefined;
  }

  /** INTEGER as a bigint (two's complement, X.690 §8.3). */
  integer(what: string): bigint {
    const el = this.universal(Tag.Integer, what);
    if (!el) return 0n;
    const c = el.content;
    if (c.length === 0) {
      this.fail('bad-integer', `${what}: empty INTEGER`, el.offset);
      return 0n;
    }
    if (c.length > 1 && ((c[0] === 0 && (c[1]! & 0x80) === 0) || (c[0] === 0xff && (c[1]! & 0x80) !== 0))) {
      this.fail('bad-integer', `${what}: INTEGER not in its shortest form`, el.offset);
      return 0n;
    }
    let v = 0n;
    for (const byte of c) v = (v << 8n) | BigInt(byte);
    if (c[0]! & 0x80) v -= 1n << BigInt(8 * c.length);
    return v;
  }

  /** A non-negative INTEGER that fits a JS number (versions, path lengths). */
  smallInteger(what: string, max = 0x7fffffff): number {
    const v = this.integer(what);
    if (this.failed) return 0;
    if (v < 0n || v > BigInt(max)) {
      this.fail('bad-integer', `${what}: ${v} is out of range 0..${max}`);
      return 0;
    }
    return Number(v);
  }

  /** A non-negative INTEGER as its magnitude octets (no sign octet), e.g. an RSA modulus. */
  unsignedIntegerBytes(what: string): Uint8Array {
    const v = this.integer(what);
    if (this.failed) return EMPTY;
    if (v < 0n) {
      this.fail('bad-integer', `${what}: negative`);
      return EMPTY;
    }
    return bigintToBytes(v);
  }

  boolean(what: string): boolean {
    const el = this.universal(Tag.Boolean, what);
    if (!el) return false;
    if (el.content.length !== 1 || (el.content[0] !== 0 && el.content[0] !== 0xff)) {
      this.fail('bad-boolean', `${what}: BOOLEAN must be one octet 0x00 or 0xff in DER`, el.offset);
      return false;
    }
    return el.content[0] === 0xff;
  }

  null(what: string): void {
    const el = this.universal(Tag.Null, what);
    if (el && el.content.length !== 0) this.fail('bad-null', `${what}: NULL with contents`, el.offset);
  }

  oid(what: string): string {
    const el = this.universal(Tag.Oid, what);
    if (!el) return '';
    const oid = decodeOid(el.content);
    if (oid === null) {
      this.fail('bad-oid', `${what}: malformed OBJECT IDENTIFIER`, el.offset);
      return '';
    }
    return oid;
  }

  octetString(what: string): Uint8Array {
    return this.universal(Tag.OctetString, what)?.content ?? EMPTY;
  }

  /** BIT STRING contents: the bits, and how many bits of the last octet are unused. */
  bitString(what: string): { readonly bytes: Uint8Array; readonly unusedBits: number } {
    const el = this.universal(Tag.BitString, what);
    if (!el) return { bytes: EMPTY, unusedBits: 0 };
    const r = readBitString(el.content);
    if (!r) {
      this.fail('bad-bitstring', `${what}: malformed BIT STRING`, el.offset);
      return { bytes: EMPTY, unusedBits: 0 };
    }
    return r;
  }

  /** A BIT STRING that must hold whole octets (keys and signatures). */
  octetAlignedBits(what: string): Uint8Array {
    const r = this.bitString(what);
    if (!this.failed && r.unusedBits !== 0)
      this.fail('bad-bitstring', `${what}: not a whole number of octets`);
    return r.bytes;
  }

  /** Any of the character string types X.509 names use, decoded to text. */
  string(what: string): { readonly text: string; readonly tag: number } {
    const el = this.any(what);
    if (!el) return { text: '', tag: 0 };
    const text = el.tagClass === 'universal' && !el.constructed ? decodeDerString(el.tag, el.content) : null;
    if (text === null) {
      this.fail('bad-string', `${what}: not a valid character string (${describe(el)})`, el.offset);
      return { text: '', tag: 0 };
    }
    return { text, tag: el.tag };
  }

  /** UTCTime or GeneralizedTime (RFC 5280 §4.1.2.5), as seconds since 1970. */
  time(what: string): UnixTime {
    const el = this.any(what);
    if (!el) return 0;
    const t =
      el.tagClass === 'universal' &&
      !el.constructed &&
      (el.tag === Tag.UtcTime || el.tag === Tag.GeneralizedTime)
        ? decodeDerTime(el.tag === Tag.UtcTime ? 'utc' : 'generalized', el.content)
        : null;
    if (t === null) {
      this.fail('bad-time', `${what}: not a valid UTCTime or GeneralizedTime`, el.offset);
      return 0;
    }
    return t;
  }

  /** Asserts that every element was read. */
  end(what: string): void {
    const el = this.peek();
    if (el) this.fail('unexpected-element', `${what}: unexpected ${describe(el)}`, el.offset);
  }
}

/** Decodes BIT STRING contents (X.690 §8.6, §11.2: unused bits must be zero). */
export function readBitString(content: Uint8Array): { bytes: Uint8Array; unusedBits: number } | null {
  if (content.length === 0) return null;
  const unusedBits = content[0]!;
  if (unusedBits > 7 || (content.length === 1 && unusedBits !== 0)) return null;
  const bytes = content.subarray(1);
  if (unusedBits > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) return null;
  return { bytes, unusedBits };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes a character string's contents, or null when it breaks its type's alphabet. */
export function decodeDerString(tag: number, c: Uint8Array): string | null {
  switch (tag) {
    case Tag.Utf8String:
      try {
        return utf8.decode(c);
      } catch {
        return null;
      }
    case Tag.PrintableString:
      return ascii(c, (x) => /[A-Za-z0-9 '()+,\-./:=?]/.test(x));
    case Tag.NumericString:
      return ascii(c, (x) => /[0-9 ]/.test(x));
    case Tag.Ia5String:
    case Tag.VisibleString:
      return ascii(c, () => true);
    case Tag.T61String:
      // Teletex is treated as Latin-1, as OpenSSL and browsers do in practice.
      return String.fromCharCode(...c);
    case Tag.BmpString: {
      if (c.length % 2 !== 0) return null;
      let s = '';
      for (let i = 0; i < c.length; i += 2) s += String.fromCharCode((c[i]! << 8) | c[i + 1]!);
      return s;
    }
    case Tag.UniversalString: {
      if (c.length % 4 !== 0) return null;
      let s = '';
      for (let i = 0; i < c.length; i += 4) {
        const cp = ((c[i]! << 24) | (c[i + 1]! << 16) | (c[i + 2]! << 8) | c[i + 3]!) >>> 0;
        if (cp > 0x10ffff) return null;
        s += String.fromCodePoint(cp);
      }
      return s;
    }
    default:
      return null;
  }
}

function ascii(c: Uint8Array, ok: (ch: string) => boolean): string | null {
  let s = '';
  for (const byte of c) {
    if (byte > 0x7f) return null;
    const ch = String.fromCharCode(byte);
    if (!ok(ch)) return null;
    s += ch;
  }
  return s;
}

/** The big-endian magnitude of a non-negative bigint, at least one octet. */
export function bigintToBytes(v: bigint, length?: number): Uint8Array {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const n = hex.length / 2;
  const out = new Uint8Array(length ?? n);
  const pad = out.length - n;
  for (let i = 0; i < n; i++) {
    if (pad + i >= 0) out[pad + i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/** The non-negative bigint whose big-endian magnitude is `b`. */
export function bytesToBigint(b: Uint8Array): bigint {
  let v = 0n;
  for (const byte of b) v = (v << 8n) | BigInt(byte);
  return v;
}
