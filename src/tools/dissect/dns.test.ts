import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../bytes/hex.ts';
import {
  type DnsMessage,
  type DnsRecord,
  EMPTY_MESSAGE,
  serializeDnsMessage,
} from '../../application/dns/dns-message.ts';
import { TcpdumpPrinter } from '../format/tcpdump.ts';
import { tcpdumpDnsText } from '../format/tcpdump-dns.ts';
import { dnsFrame } from './dns-test-frames.ts';
import { dissect } from './index.ts';

const vectors = JSON.parse(
  readFileSync(new URL('../../../vectors/dns/dnslib-captures.json', import.meta.url), 'utf8'),
) as { captures: { file: string; query_hex: string; response_hex: string }[] };
const capture = (suffix: string) => vectors.captures.find((c) => c.file.endsWith(suffix))!;

const EDNS = { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, flags: 0, options: [] };
const rr = (name: string, type: number, data: DnsRecord['data'], ttl = 300): DnsRecord => ({
  name,
  type,
  class: 1,
  ttl,
  data,
});
const QUERY: DnsMessage = {
  ...EMPTY_MESSAGE,
  id: 0x1a2b,
  rd: true,
  ad: true,
  questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
  edns: EDNS,
};
const ANSWER: DnsMessage = {
  ...QUERY,
  qr: true,
  ra: true,
  ad: false,
  answers: [rr('www.example.com.', 1, { kind: 'a', address: '203.0.113.10' })],
};
const SOA = rr('example.com.', 6, {
  kind: 'soa',
  mname: 'ns1.example.com.',
  rname: 'hostmaster.example.com.',
  serial: 1,
  refresh: 7200,
  retry: 3600,
  expire: 1209600,
  minimum: 300,
});
const NXDOMAIN: DnsMessage = {
  ...QUERY,
  qr: true,
  aa: true,
  ad: false,
  rcode: 3,
  questions: [{ name: 'nope.example.com.', type: 1, class: 1 }],
  authority: [SOA],
};

describe('the DNS layer of the dissector', () => {
  it('decodes a query: header fields where they are, the question, Wireshark’s info line', () => {
    const frame = dnsFrame(serializeDnsMessage(QUERY));
    const d = dissect(frame);
    expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'UDP', 'DNS']);
    expect(d.protocol).toBe('DNS');
    expect(d.info).toBe('Standard query 0x1a2b A www.example.com OPT');
    const dns = d.layers[3]!;
    expect(dns.title).toBe('Domain Name System (query)');
    expect(dns.problem).toBeUndefined();
    const f = (name: string) => dns.fields.find((x) => x.name === name)!;
    expect([f('Transaction ID').value, f('Transaction ID').offset, f('Transaction ID').length]).toEqual([
      '0x1a2b',
      42,
      2,
    ]);
    expect(f('Flags').value).toBe('0x0120 Standard query');
    expect(f('Questions').value).toBe('1');
    // The question: 17 octets of name, then type and class.
    expect(f('Queries').children![0]).toEqual({
      name: 'Query',
      value: 'www.example.com: type A, class IN',
      offset: 54,
      length: 21,
    });
    expect(f('Additional records').children![0]!.value).toBe(
      '<Root>: type OPT, UDP payload size 1232, version 0',
    );
    expect(f('Additional records').children![0]!.offset).toBe(75);
  });

  it('decodes responses: answers, the rcode by Wireshark’s name, authority records in the info', () => {
    const a = dissect(dnsFrame(serializeDnsMessage(ANSWER), { sport: 53, dport: 40000 }));
    expect(a.info).toBe('Standard query response 0x1a2b A www.example.com A 203.0.113.10 OPT');
    expect(a.layers[3]!.fields.find((x) => x.name === 'Answers')!.children![0]!.value).toBe(
      'www.example.com: type A, class IN, addr 203.0.113.10',
    );
    const nx = dissect(dnsFrame(serializeDnsMessage(NXDOMAIN), { sport: 53, dport: 40000 }));
    expect(nx.info).toBe(
      'Standard query response 0x1a2b No such name A nope.example.com SOA ns1.example.com OPT',
    );
    expect(nx.layers[3]!.fields.find((x) => x.name === 'Flags')!.value).toBe(
      '0x8503 Standard query response, No such name',
    );
  });

  it('locates every record of a real referral (NS records and glue, compressed names)', () => {
    const c = capture('iana.org-NS');
    const bytes = fromHex(c.response_hex);
    const d = dissect(dnsFrame(bytes, { sport: 53, dport: 40000 }));
    const dns = d.layers[3]!;
    expect(dns.problem).toBeUndefined();
    const sections = ['Queries', 'Answers', 'Authoritative nameservers', 'Additional records'];
    const records = dns.fields.filter((f) => sections.includes(f.name)).flatMap((f) => f.children!);
    expect(records.length).toBeGreaterThan(4);
    // Back to back from the end of the header to the end of the message.
    expect(records[0]!.offset).toBe(42 + 12);
    for (let i = 1; i < records.length; i++)
      expect(records[i]!.offset).toBe(records[i - 1]!.offset + records[i - 1]!.length);
    const last = records.at(-1)!;
    expect(last.offset + last.length).toBe(42 + bytes.length);
  });

  it('marks a message the codec refuses as malformed, and never throws on random payloads', () => {
    const d = dissect(dnsFrame(new Uint8Array([1, 2, 3, 4, 5])));
    expect([d.protocol, d.info]).toEqual(['DNS', '[Malformed Packet]']);
    expect(d.layers[3]!.problem).toMatch(/^Malformed/);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), fc.boolean(), (payload, query) => {
        const x = dissect(dnsFrame(payload, query ? {} : { sport: 53, dport: 999 }));
        expect(x.layers.at(-1)!.protocol).toBe('DNS');
      }),
      { numRuns: 2000 },
    );
  });

  it('leaves UDP to other ports alone', () => {
    const d = dissect(dnsFrame(serializeDnsMessage(QUERY), { sport: 1000, dport: 2000 }));
    expect(d.layers.map((l) => l.protocol)).toEqual(['ETH', 'IPv4', 'UDP']);
  });
});

describe("tcpdump's DNS line", () => {
  const line = (m: DnsMessage, sport = 40000, dport = 53, options = {}) => {
    const frame = dnsFrame(serializeDnsMessage(m), { sport, dport });
    return new TcpdumpPrinter({ numeric: true, ...options }).line(0, frame, dissect(frame)).slice(16);
  };

  it('a stub query, a dig query with EDNS, and their answers', () => {
    const stub = { ...QUERY, id: 6879, ad: false, edns: undefined };
    expect(line(stub)).toBe('IP 10.0.0.5.40000 > 10.0.0.53.53: 6879+ A? www.example.com. (33)');
    expect(line({ ...stub, edns: EDNS })).toBe(
      'IP 10.0.0.5.40000 > 10.0.0.53.53: 6879+ [1au] A? www.example.com. (44)',
    );
    expect(line({ ...ANSWER, id: 6879, edns: undefined }, 53, 40000)).toBe(
      'IP 10.0.0.53.53 > 10.0.0.5.40000: 6879 1/0/0 A 203.0.113.10 (49)',
    );
    expect(
      new TcpdumpPrinter()
        .line(0, dnsFrame(serializeDnsMessage(stub)), dissect(dnsFrame(serializeDnsMessage(stub))))
        .slice(16),
    ).toBe('IP 10.0.0.5.40000 > 10.0.0.53.domain: 6879+ A? www.example.com. (33)');
  });

  it('flags of responses: rcode, * for AA, - without RA; several records joined by commas', () => {
    expect(line({ ...NXDOMAIN, id: 6879 }, 53, 40000)).toBe(
      'IP 10.0.0.53.53 > 10.0.0.5.40000: 6879 NXDomain*- 0/1/1 (96)',
    );
    const chain: DnsMessage = {
      ...ANSWER,
      id: 7,
      edns: undefined,
      answers: [
        rr('alias.example.com.', 5, { kind: 'name', target: 'www.example.com.' }),
        rr('www.example.com.', 1, { kind: 'a', address: '192.0.2.80' }),
      ],
      questions: [{ name: 'alias.example.com.', type: 1, class: 1 }],
    };
    expect(tcpdumpDnsText(chain, 66)).toBe('7 2/0/0 CNAME www.example.com., A 192.0.2.80 (66)');
    const mx: DnsMessage = {
      ...ANSWER,
      id: 8,
      aa: true,
      ra: false,
      answers: [rr('example.com.', 15, { kind: 'mx', preference: 10, exchange: 'mail.example.com.' })],
    };
    expect(tcpdumpDnsText(mx, 70)).toBe('8*- 1/0/1 MX mail.example.com. 10 (70)');
    expect(tcpdumpDnsText(mx, 70, true)).toBe('8*- 1/0/1 example.com. MX mail.example.com. 10 (70)');
    const soa = { ...mx, answers: [SOA] };
    expect(tcpdumpDnsText(soa, 90)).toBe('8*- 1/0/1 SOA (90)');
    expect(tcpdumpDnsText(soa, 90, true)).toBe(
      '8*- 1/0/1 example.com. SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300 (90)',
    );
  });

  it('odd queries: other classes and types, several questions, flags a query should not carry', () => {
    const odd: DnsMessage = {
      ...EMPTY_MESSAGE,
      id: 9,
      z: true,
      questions: [
        { name: 'version.bind.', type: 16, class: 3 },
        { name: '.', type: 65000, class: 1 },
      ],
    };
    expect(tcpdumpDnsText(odd, 40)).toBe('9 [b2&3=0x40] [2q] TXT CHAOS? version.bind. Type65000? . (40)');
  });

  it('a malformed DNS payload prints as tcpdump marks it', () => {
    const frame = dnsFrame(new Uint8Array([1, 2, 3]));
    expect(new TcpdumpPrinter({ numeric: true }).line(0, frame, dissect(frame)).slice(16)).toBe(
      'IP 10.0.0.5.40000 > 10.0.0.53.53: [|domain]',
    );
  });
});
