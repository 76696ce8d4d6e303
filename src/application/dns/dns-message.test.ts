import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../bytes/byte-writer.ts';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { className, opcodeName, RecordType, rcodeName, typeName } from './dns-constants.ts';
import {
  type DnsMessage,
  type DnsRecord,
  EMPTY_MESSAGE,
  NameCompressor,
  parseDnsMessage,
  serializeDnsMessage,
} from './dns-message.ts';
import { labelsToName, readName } from './dns-name.ts';
import { formatRdata } from './dns-presentation.ts';

const VECTORS = new URL('../../../vectors/dns/', import.meta.url);
const rfc = JSON.parse(readFileSync(new URL('rfc1035-compression.json', VECTORS), 'utf8')) as {
  names: { offset: number; name: string; wire: string }[];
  buffer_hex: string;
};
interface Capture {
  file: string;
  query_hex: string;
  response_hex: string;
  query_text: string[];
  response_text: string[];
}
const captures = (
  JSON.parse(readFileSync(new URL('dnslib-captures.json', VECTORS), 'utf8')) as { captures: Capture[] }
).captures;

function mustParse(bytes: Uint8Array): DnsMessage {
  const m = parseDnsMessage(bytes);
  if (m instanceof ProtocolError) throw new Error(m.toString());
  return m;
}

function code(r: unknown): string | undefined {
  return r instanceof ProtocolError ? r.code : undefined;
}

describe('RFC 1035 §4.1.4 compression example', () => {
  const buffer = fromHex(rfc.buffer_hex);

  it('reads every name back from its offset', () => {
    for (const n of rfc.names) {
      const r = readName(buffer, n.offset);
      if (r instanceof ProtocolError) throw new Error(r.toString());
      expect(r.name).toBe(n.name);
      expect(r.next).toBe(n.offset + n.wire.length / 2);
    }
  });

  it('writes the same 94 octets, pointing at the earliest suffix', () => {
    const w = new ByteWriter();
    const c = new NameCompressor();
    for (const n of rfc.names) {
      while (w.length < n.offset) w.u8(0);
      c.write(w, n.name);
    }
    while (w.length < buffer.length) w.u8(0);
    expect(toHex(w.finish())).toBe(rfc.buffer_hex);
  });
});

function headerText(m: DnsMessage): string[] {
  const flags = (['qr', 'aa', 'tc', 'rd', 'ra', 'ad', 'cd'] as const).filter((f) => m[f]);
  const ar = m.additional.length + (m.edns ? 1 : 0);
  return [
    `;; ->>HEADER<<- opcode: ${opcodeName(m.opcode)}, status: ${rcodeName(m.rcode)}, id: ${m.id}`,
    `;; flags: ${flags.join(' ')}; QUERY: ${m.questions.length}, ANSWER: ${m.answers.length}, AUTHORITY: ${m.authority.length}, ADDITIONAL: ${ar}`,
  ];
}

const DECODED = new Set(['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'MX', 'SOA', 'TXT']);
const RECORD_LINE = /^(\S+)\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$/;

describe('dnslib captures: 66 real query/response pairs', () => {
  it('parses every query and response to its exact end, matching the header text', () => {
    expect(captures.length).toBe(66);
    for (const c of captures) {
      const q = mustParse(fromHex(c.query_hex));
      const r = mustParse(fromHex(c.response_hex));
      expect(headerText(q), c.file).toEqual(c.query_text.slice(0, 2));
      expect(headerText(r), c.file).toEqual(c.response_text.slice(0, 2));
      expect(r.id).toBe(q.id);
      expect(r.questions).toEqual(q.questions);
    }
  });

  it('decodes A, AAAA, NS, CNAME, PTR, MX, SOA and TXT data exactly as the text shows it', () => {
    let checked = 0;
    for (const c of captures) {
      const r = mustParse(fromHex(c.response_hex));
      const records = [...r.answers, ...r.authority, ...r.additional];
      const lines = c.response_text.filter((l) => !l.startsWith(';') && l.trim() !== '');
      const opt = r.edns ? 1 : 0;
      // dnslib prints the OPT record among the additional records; we lift it out.
      expect(lines.length - (lines.some((l) => /\sOPT\s/.test(l)) ? opt : 0), c.file).toBe(records.length);
      const textRecords = lines.filter((l) => !/\sOPT\s/.test(l));
      records.forEach((rec, i) => {
        const m = RECORD_LINE.exec(textRecords[i]!);
        expect(m, textRecords[i]).not.toBeNull();
        expect([rec.name, String(rec.ttl), className(rec.class), typeName(rec.type)]).toEqual([
          m![1],
          m![2],
          m![3],
          m![4],
        ]);
        if (DECODED.has(typeName(rec.type))) {
          expect(formatRdata(rec.data), c.file).toBe(m![5]);
          checked++;
        }
      });
    }
    expect(checked).toBe(122);
  });

  it('re-serializes every query, and every response whose server compressed as we do, byte for byte', () => {
    let exact = 0;
    for (const c of captures) {
      expect(toHex(serializeDnsMessage(mustParse(fromHex(c.query_hex)))), c.file).toBe(c.query_hex);
      const again = serializeDnsMessage(mustParse(fromHex(c.response_hex)));
      // Whatever the compression, the message means the same.
      expect(mustParse(again)).toEqual(mustParse(fromHex(c.response_hex)));
      if (toHex(again) === c.response_hex) exact++;
    }
    expect(exact).toBe(captures.length);
  });

  it('reads EDNS from the DNSSEC queries: version 0, DO set, UDP size', () => {
    const c = captures.find((x) => x.file.endsWith('cloudflare.com-A-dnssec'))!;
    const q = mustParse(fromHex(c.query_hex));
    expect(q.edns).toMatchObject({ version: 0, dnssecOk: true, extendedRcode: 0 });
    const r = mustParse(fromHex(c.response_hex));
    expect(c.response_text).toContain(`; EDNS: version: 0, flags: do; udp: ${r.edns!.udpSize}`);
  });
});

describe('parse errors on hostile input', () => {
  const header = (qd: number, an = 0, ns = 0, ar = 0) =>
    `1234 0100 ${[qd, an, ns, ar].map((n) => n.toString(16).padStart(4, '0')).join('')}`;

  it('rejects a pointer to itself, a forward pointer and two pointers chasing each other', () => {
    expect(code(parseDnsMessage(fromHex(`${header(1)} c00c 0001 0001`)))).toBe('bad-pointer');
    expect(code(parseDnsMessage(fromHex(`${header(1)} c010 0001 0001 00`)))).toBe('bad-pointer');
    // Name at 12: label 'a' then pointer to 17; at 17 a pointer back to 12.
    expect(code(parseDnsMessage(fromHex(`${header(1)} 0161 c011 c00c 0001 0001`)))).toBe('bad-pointer');
  });

  it('rejects a name of more than 255 octets built from backward pointers', () => {
    const label = `3f${'61'.repeat(63)}`;
    const ptr = (to: number) => `c${to.toString(16).padStart(3, '0')}`;
    // Question at 12: one 63-octet label (65 octets + 4). Answer 1 at 81: its owner adds a
    // label and points at 12; its CNAME data at 157 adds one more and points at 81 (3
    // labels, 193 octets: fine). Answer 2's owner adds a fourth: 4 * 64 + 1 > 255.
    const rr = (owner: string, rdata: string) =>
      `${owner} 0005 0001 00000000 ${(rdata.replace(/ /g, '').length / 2).toString(16).padStart(4, '0')} ${rdata}`;
    const hex = `${header(1, 2)} ${label}00 0005 0001 ${rr(`${label}${ptr(12)}`, `${label}${ptr(81)}`)} ${rr(`${label}${ptr(157)}`, '00')}`;
    expect(code(parseDnsMessage(fromHex(hex)))).toBe('name-too-long');
    // The first answer alone is fine and its data has three labels.
    const first = mustParse(
      fromHex(`${header(1, 1)} ${label}00 0005 0001 ${rr(`${label}${ptr(12)}`, `${label}${ptr(81)}`)}`),
    );
    expect(first.answers[0]!.data).toEqual({ kind: 'name', target: `${'a'.repeat(63)}.`.repeat(3) });
  });

  it('rejects counts that cannot fit before allocating anything', () => {
    expect(code(parseDnsMessage(fromHex(header(0xffff, 0xffff, 0xffff, 0xffff))))).toBe('bad-count');
    expect(code(parseDnsMessage(fromHex(`${header(1)} 00 0001`)))).toBe('bad-count');
  });

  it('rejects extended label types, bad RDATA lengths and trailing bytes', () => {
    expect(code(parseDnsMessage(fromHex(`${header(1)} 4100 0001 0001`)))).toBe('bad-label-type');
    expect(code(parseDnsMessage(fromHex(`${header(0, 1)} 00 0001 0001 00000000 0003 010203`)))).toBe(
      'bad-rdata',
    );
    expect(code(parseDnsMessage(fromHex(`${header(0, 1)} 00 0005 0001 00000000 0002 0000`)))).toBe(
      'bad-rdata',
    );
    expect(code(parseDnsMessage(fromHex(`${header(1)} 00 0001 0001 ff`)))).toBe('trailing-bytes');
  });

  it('rejects a second OPT record and an OPT in the answer section', () => {
    const opt = '00 0029 1000 00000000 0000';
    expect(code(parseDnsMessage(fromHex(`${header(0, 0, 0, 2)} ${opt} ${opt}`)))).toBe('bad-opt');
    expect(code(parseDnsMessage(fromHex(`${header(0, 1)} ${opt}`)))).toBe('bad-opt');
  });

  it('gives a typed error for every strict prefix of a real response', () => {
    const full = fromHex(captures.find((c) => c.file.endsWith('iana.org-NS'))!.response_hex);
    for (let n = 0; n < full.length; n++)
      expect(parseDnsMessage(full.subarray(0, n))).toBeInstanceOf(ProtocolError);
  });

  it('random bytes and bit flips of real messages give a message or a ProtocolError, never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 300 }), (b) => {
        const r = parseDnsMessage(b);
        if (!(r instanceof ProtocolError)) expect(() => serializeDnsMessage(r)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
    const samples = captures.slice(0, 20).map((c) => fromHex(c.response_hex));
    fc.assert(
      fc.property(fc.nat(19), fc.nat(10_000), fc.nat(7), (i, at, bit) => {
        const b = samples[i]!.slice();
        b[at % b.length]! ^= 1 << bit;
        const r = parseDnsMessage(b);
        if (!(r instanceof ProtocolError)) expect(parseDnsMessage(serializeDnsMessage(r))).toEqual(r);
      }),
      { numRuns: 3000 },
    );
  });
});

const label = fc.uint8Array({ minLength: 1, maxLength: 63 });
const name = fc
  .array(label, { maxLength: 6 })
  .filter((ls) => ls.reduce((n, l) => n + l.length + 1, 1) <= 255)
  .map(labelsToName);
const ttl = fc.integer({ min: 0, max: 0x7fffffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const ipv4 = fc.ipV4();
const record: fc.Arbitrary<DnsRecord> = fc.oneof(
  fc.record({ name, ttl, address: ipv4 }).map((r) => ({
    name: r.name,
    type: 1,
    class: 1,
    ttl: r.ttl,
    data: { kind: 'a' as const, address: r.address },
  })),
  fc
    .record({
      name,
      ttl,
      words: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 }),
    })
    .map((r) => {
      const b = new Uint8Array(16);
      r.words.forEach((w, i) => {
        b[2 * i] = w >> 8;
        b[2 * i + 1] = w & 0xff;
      });
      return b;
    })
    .chain((b) =>
      fc.record({ name, ttl }).map((r) => {
        const m = parseDnsMessage(
          serializeDnsMessage({
            ...EMPTY_MESSAGE,
            answers: [{ name: '.', type: 28, class: 1, ttl: 0, data: { kind: 'raw', bytes: b } }],
          }),
        ) as DnsMessage;
        return { ...m.answers[0]!, name: r.name, ttl: r.ttl };
      }),
    ),
  fc.record({ name, ttl, target: name, type: fc.constantFrom(2, 5, 12) }).map((r) => ({
    name: r.name,
    type: r.type,
    class: 1,
    ttl: r.ttl,
    data: { kind: 'name' as const, target: r.target },
  })),
  fc.record({ name, ttl, preference: fc.integer({ min: 0, max: 0xffff }), exchange: name }).map((r) => ({
    name: r.name,
    type: 15,
    class: 1,
    ttl: r.ttl,
    data: { kind: 'mx' as const, preference: r.preference, exchange: r.exchange },
  })),
  fc
    .record({ name, ttl, mname: name, rname: name, n: fc.array(u32, { minLength: 5, maxLength: 5 }) })
    .map((r) => ({
      name: r.name,
      type: 6,
      class: 1,
      ttl: r.ttl,
      data: {
        kind: 'soa' as const,
        mname: r.mname,
        rname: r.rname,
        serial: r.n[0]!,
        refresh: r.n[1]!,
        retry: r.n[2]!,
        expire: r.n[3]!,
        minimum: r.n[4]!,
      },
    })),
  fc
    .record({
      name,
      ttl,
      strings: fc.array(fc.uint8Array({ maxLength: 255 }), { minLength: 1, maxLength: 4 }),
    })
    .map((r) => ({
      name: r.name,
      type: 16,
      class: 1,
      ttl: r.ttl,
      data: { kind: 'txt' as const, strings: r.strings },
    })),
  fc
    .record({ name, ttl, type: fc.constantFrom(33, 99, 257, 65534), bytes: fc.uint8Array({ maxLength: 64 }) })
    .map((r) => ({
      name: r.name,
      type: r.type,
      class: 1,
      ttl: r.ttl,
      data: { kind: 'raw' as const, bytes: r.bytes },
    })),
);

const message: fc.Arbitrary<DnsMessage> = fc.record({
  id: fc.integer({ min: 0, max: 0xffff }),
  qr: fc.boolean(),
  opcode: fc.integer({ min: 0, max: 15 }),
  aa: fc.boolean(),
  tc: fc.boolean(),
  rd: fc.boolean(),
  ra: fc.boolean(),
  z: fc.boolean(),
  ad: fc.boolean(),
  cd: fc.boolean(),
  rcode: fc.integer({ min: 0, max: 15 }),
  questions: fc.array(
    fc.record({
      name,
      type: fc.integer({ min: 0, max: 0xffff }).filter((t) => t !== 41),
      class: fc.constantFrom(1, 3, 255),
    }),
    { maxLength: 2 },
  ),
  answers: fc.array(record, { maxLength: 5 }),
  authority: fc.array(record, { maxLength: 3 }),
  additional: fc.array(record, { maxLength: 3 }),
});
const edns = fc.record({
  udpSize: fc.integer({ min: 512, max: 0xffff }),
  extendedRcode: fc.integer({ min: 0, max: 255 }),
  version: fc.integer({ min: 0, max: 255 }),
  dnssecOk: fc.boolean(),
  flags: fc.integer({ min: 0, max: 0x7fff }),
  options: fc.array(
    fc.record({ code: fc.integer({ min: 0, max: 0xffff }), data: fc.uint8Array({ maxLength: 20 }) }),
    {
      maxLength: 3,
    },
  ),
});

describe('round trip', () => {
  it('parse(serialize(m)) is m, with and without compression, with and without EDNS', () => {
    fc.assert(
      fc.property(message, fc.option(edns, { nil: undefined }), fc.boolean(), (m, e, compress) => {
        const full = e ? { ...m, edns: e } : m;
        const bytes = serializeDnsMessage(full, { compress });
        expect(mustParse(bytes)).toEqual(full);
      }),
      { numRuns: 500 },
    );
  });

  it('compression never makes a message longer, and names read back in the case they were written', () => {
    fc.assert(
      fc.property(message, (m) => {
        expect(serializeDnsMessage(m).length).toBeLessThanOrEqual(
          serializeDnsMessage(m, { compress: false }).length,
        );
      }),
      { numRuns: 200 },
    );
    const m: DnsMessage = {
      ...EMPTY_MESSAGE,
      questions: [{ name: 'WWW.Example.COM.', type: 1, class: 1 }],
      answers: [
        { name: 'www.example.com.', type: 1, class: 1, ttl: 5, data: { kind: 'a', address: '192.0.2.1' } },
      ],
    };
    const bytes = serializeDnsMessage(m);
    // Differently-cased copies are not compressed against each other, so each reads back as written.
    const back = mustParse(bytes);
    expect(back.questions[0]!.name).toBe('WWW.Example.COM.');
    expect(back.answers[0]!.name).toBe('www.example.com.');
    const same = serializeDnsMessage({ ...m, answers: [{ ...m.answers[0]!, name: 'WWW.Example.COM.' }] });
    expect(toHex(same.subarray(33, 35))).toBe('c00c');
  });
});

describe('truncation to maxSize', () => {
  const many: DnsRecord[] = Array.from({ length: 40 }, (_, i) => ({
    name: 'big.example.',
    type: RecordType.TXT,
    class: 1,
    ttl: 60,
    data: { kind: 'txt' as const, strings: [new Uint8Array(20).fill(0x61 + (i % 26))] },
  }));
  const small: DnsRecord = {
    name: 'ns.example.',
    type: 1,
    class: 1,
    ttl: 60,
    data: { kind: 'a', address: '192.0.2.53' },
  };

  it('drops a whole RRset that does not fit and sets TC, keeping the OPT record', () => {
    const m: DnsMessage = {
      ...EMPTY_MESSAGE,
      qr: true,
      questions: [{ name: 'big.example.', type: 16, class: 1 }],
      answers: many,
      edns: { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, flags: 0, options: [] },
    };
    const full = serializeDnsMessage(m);
    expect(full.length).toBeGreaterThan(512);
    const cut = mustParse(serializeDnsMessage(m, { maxSize: 512 }));
    expect(cut.tc).toBe(true);
    expect(cut.answers).toEqual([]);
    expect(cut.edns?.udpSize).toBe(1232);
    expect(mustParse(full).tc).toBe(false);
  });

  it('keeps the RRsets that fit; an additional record that does not fit does not set TC', () => {
    const m: DnsMessage = {
      ...EMPTY_MESSAGE,
      qr: true,
      answers: [small],
      additional: many,
    };
    const cut = mustParse(serializeDnsMessage(m, { maxSize: 512 }));
    expect(cut.tc).toBe(false);
    expect(cut.answers).toEqual([small]);
    expect(cut.additional).toEqual([]);
    const bytes = serializeDnsMessage({ ...m, answers: [small, ...many] }, { maxSize: 200 });
    expect(bytes.length).toBeLessThanOrEqual(200);
    expect(mustParse(bytes)).toMatchObject({ tc: true, answers: [small], additional: [] });
  });
});
