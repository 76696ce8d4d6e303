import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { DerReader, parseDer, Tag } from './der.ts';
import * as der from './der-encode.ts';
import { decodeOid, encodeOid } from './oid.ts';

describe('DER elements', () => {
  it('parses a known encoding into a tree of views', () => {
    // SEQUENCE { INTEGER 5, OCTET STRING 'ab', [0] { NULL } } (X.690 §8.9 style)
    const bytes = fromHex('300b020105040261 62a0020500'.replace(/\s/g, ''));
    const el = parseDer(bytes);
    expect(el).not.toBeInstanceOf(ProtocolError);
    const e = el as Exclude<typeof el, ProtocolError>;
    expect(e.tag).toBe(Tag.Sequence);
    expect(e.children.map((c) => [c.tagClass, c.tag, c.constructed])).toEqual([
      ['universal', 2, false],
      ['universal', 4, false],
      ['context', 0, true],
    ]);
    expect(e.children[1]!.content.buffer).toBe(bytes.buffer);
    expect(toHex(e.children[2]!.der)).toBe('a0020500');
  });

  it('reads long-form lengths and high tag numbers', () => {
    const content = new Uint8Array(300).fill(7);
    const long = der.octetString(content);
    expect(toHex(long.subarray(0, 4))).toBe('0482012c');
    const el = parseDer(long) as { content: Uint8Array };
    expect(el.content.length).toBe(300);
    const high = parseDer(fromHex('9f2a0101')) as { tag: number; tagClass: string };
    expect([high.tagClass, high.tag]).toEqual(['context', 42]);
  });

  const bad: [string, string][] = [
    ['3080020100 0000', 'indefinite-length'],
    ['04810100', 'non-minimal-length'],
    ['0482000100', 'non-minimal-length'],
    ['0485010000000000', 'length-too-large'],
    ['0403aabb', 'truncated'],
    ['020100ff', 'trailing-bytes'],
    ['', 'truncated'],
    ['1f0101', 'non-minimal-tag'],
  ];
  it.each(bad)('refuses %s as %s', (hex, code) => {
    const r = parseDer(fromHex(hex.replace(/\s/g, '')));
    expect(r).toBeInstanceOf(ProtocolError);
    expect((r as ProtocolError).code).toBe(code);
  });

  it('limits nesting depth and element count', () => {
    let nested = der.nullValue();
    for (let i = 0; i < 40; i++) nested = der.sequence(nested);
    expect((parseDer(nested) as ProtocolError).code).toBe('too-deep');
    const many = der.sequence(...Array.from({ length: 200 }, () => der.nullValue()));
    expect((parseDer(many, { maxElements: 100 }) as ProtocolError).code).toBe('too-many-elements');
  });

  it('never throws on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const r = parseDer(bytes);
        if (!(r instanceof ProtocolError)) expect(r.der.length).toBe(bytes.length);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('DER values', () => {
  it("encodes INTEGERs in minimal two's complement (X.690 §8.3)", () => {
    expect(toHex(der.integer(0))).toBe('020100');
    expect(toHex(der.integer(127))).toBe('02017f');
    expect(toHex(der.integer(128))).toBe('02020080');
    expect(toHex(der.integer(-128))).toBe('020180');
    expect(toHex(der.integer(-129))).toBe('0202ff7f');
    expect(toHex(der.integer(65537))).toBe('0203010001');
  });

  it('round-trips integers of any size and sign', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(1n << 600n), max: 1n << 600n }), (v) => {
        const r = DerReader.of(parseDer(der.sequence(der.integer(v))) as never, 'der', 'test');
        expect(r.integer('v')).toBe(v);
        expect(r.sink.error).toBeNull();
      }),
    );
  });

  it('refuses non-minimal INTEGERs', () => {
    const r = DerReader.of(parseDer(fromHex('300402020001')) as never, 'der', 't');
    r.integer('x');
    expect(r.sink.error?.code).toBe('bad-integer');
  });

  it('encodes known object identifiers', () => {
    expect(toHex(encodeOid('1.2.840.113549.1.1.11'))).toBe('2a864886f70d01010b');
    expect(toHex(encodeOid('2.5.29.17'))).toBe('551d11');
    expect(toHex(encodeOid('2.999.3'))).toBe('883703');
    expect(decodeOid(fromHex('2a8648ce3d030107'))).toBe('1.2.840.10045.3.1.7');
    expect(decodeOid(fromHex('2a80'))).toBeNull();
    expect(decodeOid(fromHex('2a8001'))).toBeNull();
  });

  it('round-trips object identifiers', () => {
    const oid = fc
      .tuple(
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 39 }),
        fc.array(fc.nat(), { maxLength: 8 }),
      )
      .map(([a, b, rest]) => [a, b, ...rest].join('.'));
    fc.assert(
      fc.property(oid, (o) => {
        expect(decodeOid(encodeOid(o))).toBe(o);
      }),
    );
  });

  it('round-trips strings, booleans, bit strings and times through a reader', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }),
        fc.boolean(),
        fc.uint8Array({ maxLength: 40 }),
        fc.integer({ min: -631152000, max: 4102444799 }),
        (s, b, bits, t) => {
          const bytes = der.sequence(der.utf8String(s), der.boolean(b), der.bitString(bits), der.time(t));
          const r = DerReader.of(parseDer(bytes) as never, 'der', 'test');
          expect(r.string('s').text).toBe(s);
          expect(r.boolean('b')).toBe(b);
          expect(r.octetAlignedBits('bits')).toEqual(bits);
          expect(r.time('t')).toBe(t);
          r.end('test');
          expect(r.sink.error).toBeNull();
        },
      ),
    );
  });

  it('writes UTCTime until 2049 and GeneralizedTime from 2050 (RFC 5280 §4.1.2.5)', () => {
    expect(new TextDecoder().decode(der.time(Date.UTC(2049, 11, 31, 23, 59, 59) / 1000).subarray(2))).toBe(
      '491231235959Z',
    );
    expect(toHex(der.time(Date.UTC(2050, 0, 1) / 1000).subarray(0, 2))).toBe('180f');
  });

  it('refuses impossible dates and non-Z times', () => {
    for (const text of ['250431000000Z', '251301000000Z', '2501010000Z', '250101000000+0100']) {
      const el = der.sequence(new Uint8Array([Tag.UtcTime, text.length, ...new TextEncoder().encode(text)]));
      const r = DerReader.of(parseDer(el) as never, 'der', 't');
      r.time('t');
      expect(r.sink.error?.code, text).toBe('bad-time');
    }
  });

  it('sorts SET OF members by encoding (X.690 §11.6)', () => {
    expect(toHex(der.setOf(der.integer(3), der.integer(1), der.integer(2)))).toBe('3109020101020102020103');
  });

  it('reports the first error and neutral values afterwards', () => {
    const r = DerReader.of(parseDer(der.sequence(der.nullValue())) as never, 'der', 't');
    expect(r.integer('first')).toBe(0n);
    expect(r.oid('second')).toBe('');
    expect(r.sink.error?.message).toContain('first');
  });
});
