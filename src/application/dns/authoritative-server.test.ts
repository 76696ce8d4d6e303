import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { AuthoritativeServer } from './authoritative-server.ts';
import { Rcode, RecordType } from './dns-constants.ts';
import {
  type DnsMessage,
  EMPTY_MESSAGE,
  type Edns,
  parseDnsMessage,
  serializeDnsMessage,
} from './dns-message.ts';
import { formatRdata } from './dns-presentation.ts';
import { Zone } from './zone.ts';

const bigTxt = Array.from(
  { length: 30 },
  (_, i) => `big TXT "record ${String(i).padStart(2, '0')} ${'x'.repeat(40)}"`,
).join('\n');
const ZONE = `$ORIGIN example.com.
$TTL 3600
@ SOA ns1 hostmaster 1 7200 3600 1209600 300
@ NS ns1
@ MX 10 mail
ns1 A 192.0.2.53
www A 192.0.2.80
www A 192.0.2.81
mail A 192.0.2.25
alias CNAME www
ext CNAME www.example.net.
dangling CNAME nothere
loop1 CNAME loop2
loop2 CNAME loop1
a.b.c A 192.0.2.1
sub NS ns.sub
ns.sub A 192.0.2.153
${bigTxt}
`;
const server = new AuthoritativeServer([Zone.fromText(ZONE)]);
const EDNS: Edns = { udpSize: 4096, extendedRcode: 0, version: 0, dnssecOk: false, flags: 0, options: [] };

function query(name: string, type: number, extra: Partial<DnsMessage> = {}): Uint8Array {
  return serializeDnsMessage({
    ...EMPTY_MESSAGE,
    id: 0x1234,
    rd: true,
    questions: [{ name, type, class: 1 }],
    ...extra,
  });
}

function ask(name: string, type: number, extra: Partial<DnsMessage> = {}, transport: 'udp' | 'tcp' = 'udp') {
  const r = server.handle(query(name, type, extra), transport);
  const m = parseDnsMessage(r.response!);
  if (m instanceof ProtocolError) throw new Error(m.toString());
  const text = (list: DnsMessage['answers']) =>
    list.map((x) => `${x.name} ${x.ttl} ${x.type} ${formatRdata(x.data)}`);
  return { r, m, answers: text(m.answers), authority: text(m.authority), additional: text(m.additional) };
}

describe('authoritative answers', () => {
  it('answers with AA, the RRset, RD copied and RA clear', () => {
    const { r, m, answers } = ask('www.example.com.', RecordType.A);
    expect(r.outcome).toBe('answer');
    expect(m).toMatchObject({ id: 0x1234, qr: true, aa: true, rd: true, ra: false, tc: false, rcode: 0 });
    expect(answers).toEqual(['www.example.com. 3600 1 192.0.2.80', 'www.example.com. 3600 1 192.0.2.81']);
  });

  it('produces the exact bytes: question echoed, owners compressed to it', () => {
    const bytes = server.handle(query('www.example.com.', RecordType.A), 'udp').response!;
    expect(toHex(bytes)).toBe(
      '12348500000100020000000003777777076578616d706c6503636f6d0000010001' +
        'c00c000100010000 0e100004c0000250'.replace(/ /g, '') +
        'c00c00010001 00000e10 0004 c0000251'.replace(/ /g, ''),
    );
  });

  it('matches names without regard to case and echoes the question as asked', () => {
    const { m, answers } = ask('WwW.ExAmPlE.cOm.', RecordType.A);
    expect(m.questions[0]!.name).toBe('WwW.ExAmPlE.cOm.');
    expect(answers).toHaveLength(2);
  });

  it('chases a CNAME inside the zone, and stops at one leaving it', () => {
    expect(ask('alias.example.com.', RecordType.A).answers).toEqual([
      'alias.example.com. 3600 5 www.example.com.',
      'www.example.com. 3600 1 192.0.2.80',
      'www.example.com. 3600 1 192.0.2.81',
    ]);
    expect(ask('ext.example.com.', RecordType.A).answers).toEqual([
      'ext.example.com. 3600 5 www.example.net.',
    ]);
    expect(ask('alias.example.com.', RecordType.CNAME).answers).toEqual([
      'alias.example.com. 3600 5 www.example.com.',
    ]);
  });

  it('puts MX exchange addresses in the additional section', () => {
    const { additional } = ask('example.com.', RecordType.MX);
    expect(additional).toEqual(['mail.example.com. 3600 1 192.0.2.25']);
  });

  it('answers NXDOMAIN with the SOA, its TTL capped by the minimum (RFC 2308)', () => {
    const { r, m, authority } = ask('nope.example.com.', RecordType.A);
    expect(r.outcome).toBe('nxdomain');
    expect(m).toMatchObject({ aa: true, rcode: Rcode.NXDOMAIN, answers: [] });
    expect(authority).toEqual([
      'example.com. 300 6 ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300',
    ]);
  });

  it('answers NXDOMAIN after a dangling CNAME, keeping the CNAME (RFC 6604)', () => {
    const { m, answers } = ask('dangling.example.com.', RecordType.A);
    expect(m.rcode).toBe(Rcode.NXDOMAIN);
    expect(answers).toEqual(['dangling.example.com. 3600 5 nothere.example.com.']);
  });

  it('answers NODATA for a missing type and for an empty non-terminal', () => {
    for (const name of ['www.example.com.', 'b.c.example.com.', 'c.example.com.']) {
      const { r, m, authority } = ask(name, RecordType.MX);
      expect(r.outcome, name).toBe('nodata');
      expect(m).toMatchObject({ aa: true, rcode: 0, answers: [] });
      expect(authority).toHaveLength(1);
    }
  });

  it('refers queries below a delegation to the child with NS and glue, AA clear', () => {
    const { r, m, authority, additional } = ask('host.sub.example.com.', RecordType.A);
    expect(r.outcome).toBe('referral');
    expect(m).toMatchObject({ aa: false, rcode: 0, answers: [] });
    expect(authority).toEqual(['sub.example.com. 3600 2 ns.sub.example.com.']);
    expect(additional).toEqual(['ns.sub.example.com. 3600 1 192.0.2.153']);
  });

  it('answers ANY with every RRset at the name', () => {
    expect(ask('www.example.com.', RecordType.ANY).answers).toHaveLength(2);
    expect(ask('example.com.', RecordType.ANY).answers.map((a) => a.split(' ')[2])).toEqual(['6', '2', '15']);
  });

  it('answers SERVFAIL to a CNAME loop', () => {
    expect(ask('loop1.example.com.', RecordType.A).m.rcode).toBe(Rcode.SERVFAIL);
  });
});

describe('refusals and errors', () => {
  it('REFUSED for a zone it does not serve', () => {
    const { r, m } = ask('www.example.org.', RecordType.A);
    expect(r.outcome).toBe('refused');
    expect(m).toMatchObject({ rcode: Rcode.REFUSED, aa: false, answers: [] });
  });

  it('FORMERR with the same ID for a malformed query, and for two questions', () => {
    const r = server.handle(fromHex('abcd0100000100000000000003777777'), 'udp');
    expect(r.outcome).toBe('formerr');
    expect(r.error?.code).toBe('bad-count');
    expect(toHex(r.response!)).toBe('abcd81010000000000000000');
    const two = query('a.example.com.', 1, {
      questions: [
        { name: 'a.example.com.', type: 1, class: 1 },
        { name: 'b.example.com.', type: 1, class: 1 },
      ],
    });
    expect(server.handle(two, 'udp').outcome).toBe('formerr');
  });

  it('never answers responses or runts', () => {
    expect(server.handle(query('www.example.com.', 1, { qr: true }), 'udp')).toMatchObject({
      response: null,
      outcome: 'ignored',
    });
    expect(server.handle(fromHex('1234'), 'udp').response).toBeNull();
  });

  it('NOTIMP for other opcodes and zone transfers, BADVERS for EDNS version 1', () => {
    expect(ask('example.com.', 1, { opcode: 2 }).m.rcode).toBe(Rcode.NOTIMP);
    expect(ask('example.com.', RecordType.AXFR).m.rcode).toBe(Rcode.NOTIMP);
    const { m } = ask('example.com.', 1, { edns: { ...EDNS, version: 1 } });
    expect(m.rcode | (m.edns!.extendedRcode << 4)).toBe(Rcode.BADVERS);
  });
});

describe('UDP size limits and truncation', () => {
  it('cuts a large answer to 512 octets over UDP with TC set; TCP gets it whole', () => {
    const udp = ask('big.example.com.', RecordType.TXT);
    expect(udp.r.response!.length).toBeLessThanOrEqual(512);
    expect(udp.r.truncated).toBe(true);
    expect(udp.m).toMatchObject({ tc: true, answers: [] });
    const tcp = ask('big.example.com.', RecordType.TXT, {}, 'tcp');
    expect(tcp.m.tc).toBe(false);
    expect(tcp.answers).toHaveLength(30);
    expect(tcp.r.response!.length).toBeGreaterThan(1232);
  });

  it('uses the EDNS size offered, capped at 1232, and answers with an OPT record', () => {
    const r = ask('big.example.com.', RecordType.TXT, { edns: EDNS });
    expect(r.m.tc).toBe(true);
    expect(r.m.edns?.udpSize).toBe(1232);
    const small = ask('www.example.com.', RecordType.A, { edns: { ...EDNS, udpSize: 100 } });
    expect(small.m).toMatchObject({ tc: false, edns: { udpSize: 1232, version: 0 } });
  });
});
