import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { concatBytes } from '../bytes/concat.ts';
import { fromHex, toHex } from '../bytes/hex.ts';
import { NetlabError } from '../bytes/netlab-error.ts';
import { ProtocolError } from '../bytes/protocol-error.ts';
import { SECOND } from '../sim/time.ts';
import {
  copiedOptions,
  fragmentIpv4,
  type Ipv4HeaderInit,
  type Ipv4Packet,
  parseIpv4,
  Reassembler,
  serializeIpv4,
} from './ipv4.ts';

// Linux 6.18 sending a 2000-byte UDP datagram (40000 -> 9999) from 192.168.1.10 to
// 192.168.1.1 over a 1500-byte MTU veth, captured with tshark (checksums good). The data
// is the pattern i & 0xff. The whole-datagram header is the one Linux quoted in the ICMP
// port unreachable it sent back after reassembling.
const PATTERN = Uint8Array.from({ length: 2000 }, (_, i) => i & 0xff);
const UDP_HEADER = fromHex('9c40270f07d8656a');
const LINUX_FRAGMENT_1 = concatBytes([
  fromHex('450005dc6bdd2000401165d8c0a8010ac0a80101'),
  UDP_HEADER,
  PATTERN.subarray(0, 1472),
]);
const LINUX_FRAGMENT_2 = concatBytes([
  fromHex('450002246bdd00b9401188d7c0a8010ac0a80101'),
  PATTERN.subarray(1472),
]);
const WHOLE = concatBytes([fromHex('450007ec6bdd0000401183c8c0a8010ac0a80101'), UDP_HEADER, PATTERN]);

function mustParse(bytes: Uint8Array): Ipv4Packet {
  const p = parseIpv4(bytes);
  if (p instanceof ProtocolError) throw new Error(p.toString());
  return p;
}

function code(r: unknown): string | undefined {
  return r instanceof ProtocolError ? r.code : undefined;
}

function mustFragment(bytes: Uint8Array, mtu: number): Uint8Array[] {
  const f = fragmentIpv4(bytes, mtu);
  if (f instanceof ProtocolError) throw new Error(f.toString());
  return f;
}

const BASE = { protocol: 17, source: 0x0a000001, destination: 0x0a000002 } as const;

/** A fragment of datagram `id` as a receiver parses it. */
function frag(
  id: number,
  offset: number,
  data: Uint8Array | number,
  more: boolean,
  init: Partial<Ipv4HeaderInit> = {},
) {
  const payload =
    typeof data === 'number' ? Uint8Array.from({ length: data }, (_, i) => (offset + i) & 0xff) : data;
  return mustParse(
    serializeIpv4(
      { ...BASE, identification: id, fragmentOffset: offset, moreFragments: more, ...init },
      payload,
    ),
  );
}

describe('fragmentIpv4', () => {
  it('cuts a datagram exactly as Linux does', () => {
    const f = mustFragment(WHOLE, 1500);
    expect(f.map(toHex)).toEqual([toHex(LINUX_FRAGMENT_1), toHex(LINUX_FRAGMENT_2)]);
  });

  it('returns a datagram that fits as a single view, ignoring trailing padding', () => {
    const padded = concatBytes([LINUX_FRAGMENT_2, new Uint8Array(10)]);
    const f = mustFragment(padded, 1500);
    expect(f).toHaveLength(1);
    expect(f[0]!.buffer).toBe(padded.buffer);
    expect(f[0]!.length).toBe(LINUX_FRAGMENT_2.length);
  });

  it('refuses when DF is set, as a local error for ICMP fragmentation needed', () => {
    const df = serializeIpv4({ ...BASE, dontFragment: true }, new Uint8Array(100));
    const r = fragmentIpv4(df, 68);
    expect(code(r)).toBe('dont-fragment');
    expect((r as ProtocolError).side).toBe('local');
    expect(mustFragment(df, 120)).toHaveLength(1);
  });

  it('copies only options with the copied flag into later fragments', () => {
    // Record Route (7, not copied), a NOP, and Router Alert (0x94, copied).
    const options = fromHex('07070400000000 01 94040000');
    const original = serializeIpv4({ ...BASE, identification: 9, options }, PATTERN.subarray(0, 200));
    const f = mustFragment(original, 100).map(mustParse);
    expect(toHex(f[0]!.header.options)).toBe('070704000000000194040000');
    for (const x of f.slice(1)) expect(toHex(x.header.options)).toBe('94040000');
    // First: 100 - 32 = 68 -> 64 bytes of data; then 100 - 24 = 76 -> 72; then 64 left.
    expect(f.map((x) => x.payload.length)).toEqual([64, 72, 64]);
    expect(f.map((x) => x.header.fragmentOffset)).toEqual([0, 64, 136]);
    expect(f.map((x) => x.header.moreFragments)).toEqual([true, true, false]);
    expect(copiedOptions(fromHex('0707040000000001940400000044'))).toEqual(fromHex('94040000'));
    // End of Option List ends the walk.
    expect(copiedOptions(fromHex('0094040000'))).toEqual(new Uint8Array(0));
  });

  it('reports malformed options instead of guessing', () => {
    const bad = serializeIpv4({ ...BASE, options: fromHex('83010000') }, new Uint8Array(200));
    expect(code(fragmentIpv4(bad, 100))).toBe('bad-options');
    expect(code(copiedOptions(fromHex('8305')))).toBe('bad-options');
    expect(code(copiedOptions(fromHex('83')))).toBe('bad-options');
  });

  it('refragments a fragment, keeping its offset and MF', () => {
    const f = mustFragment(LINUX_FRAGMENT_1, 576).map(mustParse);
    expect(f.map((x) => x.header.fragmentOffset)).toEqual([0, 552, 1104]);
    expect(f.every((x) => x.header.moreFragments)).toBe(true);
    const g = mustFragment(LINUX_FRAGMENT_2, 300).map(mustParse);
    expect(g.map((x) => x.header.fragmentOffset)).toEqual([1480, 1760]);
    expect(g.map((x) => x.header.moreFragments)).toEqual([true, false]);
  });

  it('rejects a fragment whose data would run past 65535, and an MTU below 68', () => {
    const evil = serializeIpv4({ ...BASE, fragmentOffset: 65528, moreFragments: true }, new Uint8Array(200));
    expect(code(fragmentIpv4(evil, 100))).toBe('too-big');
    expect(() => fragmentIpv4(WHOLE, 67)).toThrow(NetlabError);
    expect(() => fragmentIpv4(WHOLE, 1500.5)).toThrow(NetlabError);
  });

  it('passes parse errors through', () => {
    expect(code(fragmentIpv4(WHOLE.subarray(0, 100), 1500))).toBe('truncated');
  });
});

describe('Reassembler', () => {
  it('rebuilds the Linux datagram in either order', () => {
    for (const order of [
      [LINUX_FRAGMENT_1, LINUX_FRAGMENT_2],
      [LINUX_FRAGMENT_2, LINUX_FRAGMENT_1],
    ]) {
      const r = new Reassembler();
      expect(r.add(mustParse(order[0]!), 0)).toBeUndefined();
      expect(r.size).toBe(1);
      const whole = r.add(mustParse(order[1]!), 1000);
      expect(whole).toBeInstanceOf(Uint8Array);
      expect(toHex(whole as Uint8Array)).toBe(toHex(WHOLE));
      expect(r.size).toBe(0);
      expect(r.bufferedBytes).toBe(0);
      expect(r.pollAt()).toBeUndefined();
    }
  });

  it('copies fragment data, so the caller may reuse its buffers', () => {
    const r = new Reassembler();
    const a = LINUX_FRAGMENT_1.slice();
    r.add(mustParse(a), 0);
    a.fill(0);
    expect(toHex(r.add(mustParse(LINUX_FRAGMENT_2), 0) as Uint8Array)).toBe(toHex(WHOLE));
  });

  it('hands back a datagram that is not a fragment', () => {
    const r = new Reassembler();
    const d = serializeIpv4(BASE, new Uint8Array(4));
    expect(r.add(mustParse(d), 0)).toEqual(d);
    expect(r.size).toBe(0);
  });

  it('keys datagrams by source, destination, protocol and identification', () => {
    const r = new Reassembler();
    expect(r.add(frag(1, 0, 8, true), 0)).toBeUndefined();
    expect(r.add(frag(1, 8, 8, false, { protocol: 6 }), 0)).toBeUndefined();
    expect(r.add(frag(1, 8, 8, false, { source: 0x0a000009 }), 0)).toBeUndefined();
    expect(r.add(frag(1, 8, 8, false, { destination: 0x0a000009 }), 0)).toBeUndefined();
    expect(r.add(frag(2, 8, 8, false), 0)).toBeUndefined();
    expect(r.size).toBe(5);
    const whole = r.add(frag(1, 8, 8, false), 0);
    expect(whole).toBeInstanceOf(Uint8Array);
    expect(mustParse(whole as Uint8Array).payload).toEqual(Uint8Array.from({ length: 16 }, (_, i) => i));
  });

  it('ignores an exact duplicate and still completes', () => {
    const r = new Reassembler();
    const first = frag(7, 0, 16, true);
    expect(r.add(first, 0)).toBeUndefined();
    expect(code(r.add(first, 0))).toBe('duplicate');
    expect(r.size).toBe(1);
    expect(r.bufferedBytes).toBe(16);
    expect(r.add(frag(7, 16, 5, false), 0)).toBeInstanceOf(Uint8Array);
  });

  it('discards the whole datagram on overlapping fragments', () => {
    for (const [start, length, more] of [
      [8, 16, true], // straddles the end of [0, 16)
      [0, 8, true], // same start, different length
      [24, 8, true], // inside [16, 40)
      [32, 16, false], // straddles the end of [16, 40)
    ] as const) {
      const r = new Reassembler();
      r.add(frag(1, 0, 16, true), 0);
      r.add(frag(1, 16, 24, true), 0);
      expect(r.bufferedBytes).toBe(40);
      expect(code(r.add(frag(1, start, length, more), 0)), `${start}+${length}`).toBe('overlap');
      expect(r.size).toBe(0);
      expect(r.bufferedBytes).toBe(0);
    }
    // Same place, different bytes: also an overlap (a "teardrop"-style rewrite attempt).
    const r = new Reassembler();
    r.add(frag(1, 0, 16, true), 0);
    expect(code(r.add(frag(1, 0, new Uint8Array(16), true), 0))).toBe('overlap');
    expect(r.size).toBe(0);
  });

  it('rejects inconsistent ends', () => {
    const a = new Reassembler();
    a.add(frag(1, 8, 8, false), 0);
    expect(code(a.add(frag(1, 16, 8, false), 0))).toBe('inconsistent');
    expect(a.size).toBe(0);

    const b = new Reassembler();
    b.add(frag(1, 8, 8, false), 0);
    expect(code(b.add(frag(1, 16, 8, true), 0))).toBe('inconsistent');

    const c = new Reassembler();
    c.add(frag(1, 32, 8, true), 0);
    expect(code(c.add(frag(1, 8, 8, false), 0))).toBe('inconsistent');
    expect(c.bufferedBytes).toBe(0);
  });

  it('drops a non-final fragment that is not a multiple of 8, keeping the datagram', () => {
    const r = new Reassembler();
    r.add(frag(1, 0, 16, true), 0);
    expect(code(r.add(frag(1, 16, 12, true), 0))).toBe('bad-fragment');
    expect(code(r.add(frag(1, 16, 0, true), 0))).toBe('bad-fragment');
    expect(r.size).toBe(1);
    expect(r.add(frag(1, 16, 12, false), 0)).toBeInstanceOf(Uint8Array);
  });

  it('rejects datagrams that would exceed 65535 bytes (ping of death)', () => {
    const r = new Reassembler();
    r.add(frag(1, 0, 8, true), 0);
    expect(code(r.add(frag(1, 65520, 100, false), 0))).toBe('too-big');
    expect(r.size).toBe(0);
    // Exactly 65535 with a 20-byte header is fine.
    const ok = new Reassembler({ maxBytes: 70_000 });
    expect(ok.add(frag(2, 65512, 3, false), 0)).toBeUndefined();
    expect(ok.add(frag(2, 0, 65512, true), 0)).toBeInstanceOf(Uint8Array);
    // With a 24-byte first header the same data is 4 bytes too many.
    const opts = new Reassembler({ maxBytes: 70_000 });
    expect(opts.add(frag(3, 65512, 3, false), 0)).toBeUndefined();
    expect(code(opts.add(frag(3, 0, 65504, true, { options: fromHex('94040000') }), 0))).toBe('too-big');
    expect(opts.size).toBe(0);
  });

  it('limits the number of datagrams in progress', () => {
    const r = new Reassembler({ maxDatagrams: 2 });
    expect(r.add(frag(1, 0, 8, true), 0)).toBeUndefined();
    expect(r.add(frag(2, 0, 8, true), 0)).toBeUndefined();
    expect(code(r.add(frag(3, 0, 8, true), 0))).toBe('too-many-datagrams');
    expect(r.size).toBe(2);
    // Fragments of datagrams already in progress still get in.
    expect(r.add(frag(1, 8, 8, false), 0)).toBeInstanceOf(Uint8Array);
    expect(r.add(frag(3, 0, 8, true), 0)).toBeUndefined();
    expect(r.size).toBe(2);
  });

  it('limits the bytes held', () => {
    const r = new Reassembler({ maxBytes: 100 });
    expect(r.add(frag(1, 0, 64, true), 0)).toBeUndefined();
    expect(code(r.add(frag(2, 0, 64, true), 0))).toBe('memory-limit');
    expect(r.size).toBe(1);
    expect(r.bufferedBytes).toBe(64);
    // A datagram that itself outgrows the limit is given up.
    expect(code(r.add(frag(1, 64, 48, true), 0))).toBe('memory-limit');
    expect(r.size).toBe(0);
    expect(r.bufferedBytes).toBe(0);
  });

  it('expires datagrams after the timeout, with fragment zero for ICMP time exceeded', () => {
    const r = new Reassembler({ timeout: 30 * SECOND });
    const zero = frag(1, 0, 16, true);
    r.add(zero, 5 * SECOND);
    r.add(frag(2, 16, 8, false), 6 * SECOND);
    r.add(frag(1, 32, 8, false), 20 * SECOND); // does not extend the deadline
    expect(r.pollAt()).toBe(35 * SECOND);
    expect(r.expire(35 * SECOND - 1)).toEqual([]);
    const first = r.expire(35 * SECOND);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      source: BASE.source,
      destination: BASE.destination,
      protocol: 17,
      identification: 1,
    });
    expect(first[0]!.firstFragment).toEqual(serializeIpv4(zero.header, zero.payload));
    expect(r.pollAt()).toBe(36 * SECOND);
    const second = r.expire(100 * SECOND);
    expect(second).toHaveLength(1);
    expect(second[0]!.identification).toBe(2);
    expect(second[0]!.firstFragment).toBeUndefined(); // no fragment zero: no ICMP (RFC 1122 §3.3.2)
    expect(r.size).toBe(0);
    expect(r.bufferedBytes).toBe(0);
    expect(r.pollAt()).toBeUndefined();
  });

  it('validates its options', () => {
    expect(() => new Reassembler({ maxDatagrams: 0 })).toThrow(NetlabError);
    expect(() => new Reassembler({ maxBytes: -1 })).toThrow(NetlabError);
    expect(() => new Reassembler({ timeout: 0 })).toThrow(NetlabError);
    expect(() => new Reassembler({ timeout: 1.5 })).toThrow(NetlabError);
    const r = new Reassembler();
    expect([r.maxDatagrams, r.maxBytes, r.timeout]).toEqual([64, 262_144, 30 * SECOND]);
  });
});

/** Valid options: NOPs and TLV options, copied or not, within 40 bytes. */
const options = fc
  .array(
    fc.oneof(
      fc.constant([1]),
      fc
        .record({
          type: fc.integer({ min: 2, max: 255 }),
          body: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 6 }),
        })
        .map(({ type, body }) => [type, body.length + 2, ...body]),
    ),
    { maxLength: 5 },
  )
  .map((parts) => {
    const out: number[] = [];
    for (const p of parts) if (out.length + p.length <= 40) out.push(...p);
    return Uint8Array.from(out);
  });

const datagram = fc
  .record({
    identification: fc.integer({ min: 0, max: 0xffff }),
    ttl: fc.integer({ min: 1, max: 255 }),
    dscp: fc.integer({ min: 0, max: 63 }),
    options,
    length: fc.integer({ min: 0, max: 5000 }),
    seed: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ length, seed, ...init }) =>
    serializeIpv4(
      { ...BASE, ...init },
      Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff),
    ),
  );

describe('fragmentation properties', () => {
  it('fragments obey RFC 791 and reassemble in any order, with duplicates, to the original', () => {
    fc.assert(
      fc.property(
        datagram,
        fc.integer({ min: 68, max: 1500 }),
        fc.infiniteStream(fc.nat()),
        (original, mtu, rand) => {
          const pieces = mustFragment(original, mtu);
          const parsed = pieces.map(mustParse);
          const head = mustParse(original).header;
          const later = copiedOptions(head.options) as Uint8Array;
          let expectedOffset = 0;
          parsed.forEach((p, i) => {
            const last = i === parsed.length - 1;
            expect(p.header.totalLength).toBeLessThanOrEqual(mtu);
            expect(p.header.fragmentOffset).toBe(expectedOffset);
            expect(p.header.moreFragments).toBe(!last);
            if (!last) expect(p.payload.length % 8).toBe(0);
            if (i > 0) expect(p.header.options.subarray(0, later.length)).toEqual(later);
            expect(p.header.identification).toBe(head.identification);
            expect(p.header.ttl).toBe(head.ttl);
            expectedOffset += p.payload.length;
          });
          expect(expectedOffset).toBe(original.length - head.headerLength);

          if (pieces.length === 1) return; // not fragmented: nothing to reassemble
          // Shuffle, sprinkle in duplicates, and feed.
          const order = pieces.map((p) => ({ p, k: rand.next().value }));
          for (const p of pieces) if (rand.next().value % 4 === 0) order.push({ p, k: rand.next().value });
          order.sort((a, b) => a.k - b.k);
          const r = new Reassembler({ maxBytes: 70_000 });
          // Duplicates arriving after completion start a new reassembly (as in a real
          // stack) and may complete it again: every result must be the original.
          let completed = 0;
          for (const { p } of order) {
            const out = r.add(mustParse(p), 0);
            if (out instanceof Uint8Array) {
              expect(out).toEqual(original);
              completed++;
            } else if (out instanceof ProtocolError) {
              expect(out.code).toBe('duplicate');
            }
          }
          expect(completed).toBeGreaterThanOrEqual(1);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fragments of fragments reassemble to the original', () => {
    fc.assert(
      fc.property(
        datagram,
        fc.integer({ min: 300, max: 1500 }),
        fc.integer({ min: 68, max: 299 }),
        (original, mtu1, mtu2) => {
          const pieces = mustFragment(original, mtu1).flatMap((f) => mustFragment(f, mtu2));
          const r = new Reassembler({ maxBytes: 70_000 });
          const results = pieces.reverse().map((p) => r.add(mustParse(p), 0));
          for (const x of results) expect(x).not.toBeInstanceOf(ProtocolError);
          expect(results.at(-1)).toEqual(original);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('hostile fragment streams never throw and never exceed the limits', () => {
    const fragment = fc.record({
      id: fc.integer({ min: 0, max: 5 }),
      offset: fc.integer({ min: 0, max: 0x1fff }).map((n) => n * 8),
      length: fc.integer({ min: 0, max: 3000 }),
      more: fc.boolean(),
      dt: fc.integer({ min: 0, max: 20 * SECOND }),
    });
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 60 }), (list) => {
        const r = new Reassembler({ maxDatagrams: 4, maxBytes: 16_000, timeout: 30 * SECOND });
        let now = 0;
        for (const f of list) {
          now += f.dt;
          r.expire(now);
          const length = Math.min(f.length, 65_515);
          const packet = frag(f.id, f.offset, length, f.more);
          const out = r.add(packet, now);
          expect(r.size).toBeLessThanOrEqual(4);
          expect(r.bufferedBytes).toBeLessThanOrEqual(16_000);
          expect(r.bufferedBytes).toBeGreaterThanOrEqual(0);
          if (out instanceof Uint8Array) {
            expect(out.length).toBeLessThanOrEqual(65_535);
            expect(parseIpv4(out)).not.toBeInstanceOf(ProtocolError);
          }
        }
      }),
    );
  });

  it('random bytes fed as fragments never throw', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 20, maxLength: 200 }), { maxLength: 20 }), (list) => {
        const r = new Reassembler({ maxDatagrams: 3, maxBytes: 2000 });
        for (const bytes of list) {
          bytes[0] = 0x45;
          const p = parseIpv4(bytes, 0, { verifyChecksum: false });
          if (p instanceof ProtocolError) continue;
          r.add(p, 0);
          expect(fragmentIpv4(bytes, 68)).toBeDefined();
        }
      }),
    );
  });
});
