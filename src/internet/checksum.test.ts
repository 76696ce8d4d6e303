import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../bytes/hex.ts';
import { finishChecksum, internetChecksum, onesComplementSum, updateChecksum16 } from './checksum.ts';
import { decrementTtl, serializeIpv4 } from './ipv4.ts';
import { pseudoHeaderSum } from './pseudo-header.ts';

describe('internetChecksum (RFC 1071)', () => {
  it('matches the RFC 1071 §3 worked example', () => {
    // Words 0001 f203 f4f5 f6f7 sum to 2ddf0, folded ddf2; the checksum is its complement.
    const b = fromHex('0001f203f4f5f6f7');
    expect(onesComplementSum(b)).toBe(0x2ddf0);
    expect(internetChecksum(b)).toBe(0x220d);
  });

  it('verifies a header that carries its checksum to 0', () => {
    // A Linux ping's IPv4 header (checksum a489).
    expect(internetChecksum(fromHex('4500004c12cc40004001a489c0a8010ac0a80101'))).toBe(0);
  });

  it('pads an odd byte on the right', () => {
    expect(internetChecksum(fromHex('ab'))).toBe(~0xab00 & 0xffff);
    expect(internetChecksum(fromHex('12345678ab'), 1, 4)).toBe(internetChecksum(fromHex('345678')));
  });
});

describe('pseudoHeaderSum', () => {
  it('equals summing the 12 pseudo-header bytes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 0xffff }),
        (src, dst, proto, len) => {
          const b = new Uint8Array(12);
          const v = new DataView(b.buffer);
          v.setUint32(0, src);
          v.setUint32(4, dst);
          b[9] = proto;
          v.setUint16(10, len);
          expect(finishChecksum(pseudoHeaderSum(src, dst, proto, len))).toBe(internetChecksum(b));
        },
      ),
    );
  });
});

describe('updateChecksum16 (RFC 1624)', () => {
  const header = fc.record({
    protocol: fc.integer({ min: 0, max: 255 }),
    source: fc.integer({ min: 0, max: 0xffffffff }),
    destination: fc.integer({ min: 0, max: 0xffffffff }),
    ttl: fc.integer({ min: 1, max: 255 }),
    identification: fc.integer({ min: 0, max: 0xffff }),
    dontFragment: fc.boolean(),
    dscp: fc.integer({ min: 0, max: 63 }),
  });

  it('a TTL decrement updated incrementally equals a full recomputation', () => {
    fc.assert(
      fc.property(header, (init) => {
        const b = serializeIpv4(init, new Uint8Array(0));
        const old = (b[8]! << 8) | b[9]!;
        const incremental = updateChecksum16((b[10]! << 8) | b[11]!, old, old - 0x100);
        b[8] = init.ttl - 1;
        b[10] = 0;
        b[11] = 0;
        expect(incremental).toBe(internetChecksum(b, 0, 20));
      }),
    );
  });

  it('decrementTtl keeps the header valid all the way down to 0', () => {
    fc.assert(
      fc.property(header, (init) => {
        const b = serializeIpv4(init, new Uint8Array(0));
        for (let ttl = init.ttl; ttl > 0; ttl--) {
          expect(decrementTtl(b)).toBe(ttl - 1);
          expect(internetChecksum(b, 0, 20)).toBe(0);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('any 16-bit word change equals recomputation when another word is non-zero', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 4, maxLength: 64 }).filter((b) => b.length % 2 === 0),
        fc.nat(),
        fc.integer({ min: 0, max: 0xffff }),
        (data, at, word) => {
          // Real headers always have a non-zero word elsewhere (IPv4's version): keep one.
          data[0] = data[0]! | 0x40;
          const i = 2 + 2 * (at % ((data.length - 2) / 2));
          const before = internetChecksum(data);
          const old = (data[i]! << 8) | data[i + 1]!;
          data[i] = word >> 8;
          data[i + 1] = word & 0xff;
          expect(updateChecksum16(before, old, word)).toBe(internetChecksum(data));
        },
      ),
    );
  });
});

describe('onesComplementSum fast path', () => {
  it('equals the plain 16-bit sum at every offset, length and buffer alignment', () => {
    const plain = (b: Uint8Array, s: number, e: number) => {
      let sum = 0;
      for (let i = s; i < e; i += 2) sum += (b[i]! << 8) | (i + 1 < e ? b[i + 1]! : 0);
      return finishChecksum(sum);
    };
    const base = new Uint8Array(1600);
    for (let i = 0; i < base.length; i++) base[i] = (i * 131 + 7) & 0xff;
    for (const shift of [0, 1, 2, 3]) {
      const bytes = base.subarray(shift);
      for (const start of [0, 1, 2, 3, 34, 35]) {
        for (const len of [0, 1, 63, 64, 65, 66, 67, 1480, 1481, 1500]) {
          const end = Math.min(bytes.length, start + len);
          expect(finishChecksum(onesComplementSum(bytes, start, end)), `${shift}/${start}/${len}`).toBe(
            plain(bytes, start, end),
          );
        }
      }
    }
  });
});
