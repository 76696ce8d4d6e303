/**
 * dig's display options, nslookup's per-type text and host's sentences, against lines
 * captured from BIND 9.18's tools (Debian 12) asking netlab's server for this zone:
 *
 *   @ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300 / @ NS ns1 / @ MX 10 mail
 *   www A 192.0.2.80 / www AAAA 2001:db8::80 / mail A 192.0.2.25 / alias CNAME www
 *
 * (test/interop/dns-tools.test.ts runs the real tools beside ours, when installed.)
 */
import { describe, expect, it } from 'vitest';
import { EMPTY_MESSAGE, type DnsMessage, type DnsRecord } from '../../application/dns/dns-message.ts';
import { DIG_FULL_DISPLAY, type DigDisplay, digLines } from './dig.ts';
import { hostMessageLines, hostRecordLine, hostServerLines } from './host.ts';
import { nslookupMessageLines, nslookupRecordLines, nslookupServerLines } from './nslookup.ts';

const rr = (name: string, type: number, data: DnsRecord['data'], ttl = 3600): DnsRecord => ({
  name,
  type,
  class: 1,
  ttl,
  data,
});
const SOA = rr(
  'example.com.',
  6,
  {
    kind: 'soa',
    mname: 'ns1.example.com.',
    rname: 'hostmaster.example.com.',
    serial: 2024010101,
    refresh: 7200,
    retry: 3600,
    expire: 1209600,
    minimum: 300,
  },
  300,
);
const WWW_A = rr('www.example.com.', 1, { kind: 'a', address: '192.0.2.80' });
const EDNS = { udpSize: 1232, extendedRcode: 0, version: 0, dnssecOk: false, flags: 0, options: [] };

/** The server's answer to `www.example.com A` (rd set, aa, no ra), as real dig saw it. */
const ANSWER: DnsMessage = {
  ...EMPTY_MESSAGE,
  id: 15212,
  qr: true,
  aa: true,
  rd: true,
  questions: [{ name: 'www.example.com.', type: 1, class: 1 }],
  answers: [WWW_A],
  edns: EDNS,
};

function dig(display: Partial<DigDisplay>): string[] {
  return digLines({
    args: ['@127.0.0.1', '-p', '5391', 'www.example.com'],
    serverGiven: true,
    response: ANSWER,
    server: { address: '127.0.0.1', port: 5391 },
    transport: 'udp',
    rttNs: 0,
    whenMs: 0,
    size: 60,
    display: { ...DIG_FULL_DISPLAY, ...display },
  });
}

const HEADER = [
  ';; Got answer:',
  ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 15212',
  ';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1',
  ';; WARNING: recursion requested but not available',
  '',
  ';; OPT PSEUDOSECTION:',
  '; EDNS: version: 0, flags:; udp: 1232',
];
const STATS = [
  ';; Query time: 0 msec',
  ';; SERVER: 127.0.0.1#5391(127.0.0.1) (UDP)',
  ';; WHEN: Thu Jan 01 00:00:00 UTC 1970',
  ';; MSG SIZE  rcvd: 60',
  '',
];
const none = {
  cmd: false,
  comments: false,
  question: false,
  answer: false,
  authority: false,
  additional: false,
  stats: false,
};

describe("dig's display options drop their parts as dig 9.18 does", () => {
  it('+noall +answer: the record alone; +noall: nothing', () => {
    expect(dig({ ...none, answer: true })).toEqual(['www.example.com.\t3600\tIN\tA\t192.0.2.80']);
    expect(dig(none)).toEqual([]);
  });

  it('+nocomments: no header, OPT, titles or section blank lines; the stats keep theirs', () => {
    expect(dig({ comments: false })).toEqual([
      '',
      '; <<>> DiG 9.18-netlab <<>> @127.0.0.1 -p 5391 www.example.com',
      '; (1 server found)',
      ';; global options: +cmd',
      ';www.example.com.\t\tIN\tA',
      'www.example.com.\t3600\tIN\tA\t192.0.2.80',
      ...STATS,
    ]);
  });

  it('+nocmd +noquestion: the OPT pseudo-section runs straight into the answer', () => {
    expect(dig({ cmd: false, question: false })).toEqual([
      ...HEADER,
      ';; ANSWER SECTION:',
      'www.example.com.\t3600\tIN\tA\t192.0.2.80',
      '',
      ...STATS,
    ]);
  });

  it('+noall +comments +answer, and +noall +stats', () => {
    expect(dig({ ...none, comments: true, answer: true })).toEqual([
      ...HEADER,
      ';; ANSWER SECTION:',
      'www.example.com.\t3600\tIN\tA\t192.0.2.80',
      '',
    ]);
    expect(dig({ ...none, stats: true })).toEqual(STATS);
  });

  it('+short: the data only; the server as named in SERVER', () => {
    expect(dig({ short: true })).toEqual(['192.0.2.80']);
    const named = digLines({
      args: ['@ns1', 'www.example.com'],
      serverGiven: true,
      response: ANSWER,
      server: { address: '192.0.2.53', port: 53 },
      serverName: 'ns1',
      transport: 'tcp',
      rttNs: 20_500_000,
      whenMs: 7000,
      size: 60,
    });
    expect(named.slice(-5, -1)).toEqual([
      ';; Query time: 20 msec',
      ';; SERVER: 192.0.2.53#53(ns1) (TCP)',
      ';; WHEN: Thu Jan 01 00:00:07 UTC 1970',
      ';; MSG SIZE  rcvd: 60',
    ]);
  });
});

describe("nslookup's text for each type", () => {
  it('MX, NS, CNAME with data as dig writes it; SOA over eight lines; A in other sections', () => {
    expect(
      nslookupRecordLines(
        rr('example.com.', 15, { kind: 'mx', preference: 10, exchange: 'mail.example.com.' }),
        'answer',
      ),
    ).toEqual(['example.com\tmail exchanger = 10 mail.example.com.']);
    expect(
      nslookupRecordLines(rr('example.com.', 2, { kind: 'name', target: 'ns1.example.com.' }), 'answer'),
    ).toEqual(['example.com\tnameserver = ns1.example.com.']);
    expect(nslookupRecordLines(SOA, 'answer')).toEqual([
      'example.com',
      '\torigin = ns1.example.com',
      '\tmail addr = hostmaster.example.com',
      '\tserial = 2024010101',
      '\trefresh = 7200',
      '\tretry = 3600',
      '\texpire = 1209600',
      '\tminimum = 300',
    ]);
    expect(nslookupRecordLines(WWW_A, 'answer')).toEqual(['Name:\twww.example.com', 'Address: 192.0.2.80']);
    expect(nslookupRecordLines(WWW_A, 'additional')).toEqual([
      'www.example.com\tinternet address = 192.0.2.80',
    ]);
    expect(
      nslookupRecordLines(rr('x.', 99, { kind: 'raw', bytes: new Uint8Array([1]) }), 'answer')[0],
    ).toMatch(/^x\trdata_99 = /);
  });

  it('NODATA: "No answer" for a -type query; for the default lookups only when A and AAAA are both empty', () => {
    const empty = { ...ANSWER, answers: [] };
    const q = (type: number, defaultLookups: boolean, state = { aNoAnswer: false }) =>
      nslookupMessageLines(empty, { textname: 'www.example.com', type, defaultLookups }, state).lines;
    expect(q(16, false)).toEqual(["*** Can't find www.example.com: No answer"]);
    const state = { aNoAnswer: false };
    expect(q(1, true, state)).toEqual([]);
    expect(q(28, true, state)).toEqual(["*** Can't find www.example.com: No answer"]);
    expect(q(28, true)).toEqual([]);
  });

  it('a non-authoritative MX answer names where authoritative answers are', () => {
    const m = {
      ...ANSWER,
      aa: false,
      ra: true,
      answers: [rr('example.com.', 15, { kind: 'mx', preference: 10, exchange: 'mail.example.com.' })],
    };
    expect(
      nslookupMessageLines(
        m,
        { textname: 'example.com', type: 15, defaultLookups: false },
        { aNoAnswer: false },
      ),
    ).toEqual({
      lines: [
        'Non-authoritative answer:',
        'example.com\tmail exchanger = 10 mail.example.com.',
        '',
        'Authoritative answers can be found from:',
      ],
      failed: false,
    });
    expect(nslookupServerLines({ address: '192.0.2.53', port: 53 }, 'ns1')).toEqual([
      'Server:\t\tns1',
      'Address:\t192.0.2.53#53',
      '',
    ]);
  });
});

describe("host's sentences", () => {
  it('one per record; other types "has TYPE record"', () => {
    expect(hostRecordLine(WWW_A)).toBe('www.example.com has address 192.0.2.80');
    expect(hostRecordLine(rr('www.example.com.', 28, { kind: 'aaaa', address: '2001:db8::80' }))).toBe(
      'www.example.com has IPv6 address 2001:db8::80',
    );
    expect(hostRecordLine(rr('alias.example.com.', 5, { kind: 'name', target: 'www.example.com.' }))).toBe(
      'alias.example.com is an alias for www.example.com.',
    );
    expect(hostRecordLine(SOA)).toBe(
      'example.com has SOA record ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300',
    );
    expect(hostServerLines({ address: '127.0.0.1', port: 5391 })).toEqual([
      'Using domain server:',
      'Name: 127.0.0.1',
      'Address: 127.0.0.1#5391',
      'Aliases: ',
      '',
    ]);
  });

  it('NXDOMAIN ends the lookups; an empty answer is silent unless -t asked for the type', () => {
    const nx = {
      ...ANSWER,
      rcode: 3,
      answers: [],
      questions: [{ name: 'nope.example.com.', type: 1, class: 1 }],
    };
    expect(
      hostMessageLines(nx, { name: 'nope.example.com', type: 1, typeGiven: false, first: true }),
    ).toEqual({
      lines: ['Host nope.example.com not found: 3(NXDOMAIN)'],
      failed: true,
    });
    const empty = { ...ANSWER, answers: [] };
    expect(
      hostMessageLines(empty, { name: 'www.example.com', type: 16, typeGiven: true, first: true }).lines,
    ).toEqual(['www.example.com has no TXT record']);
    expect(
      hostMessageLines(empty, { name: 'www.example.com', type: 15, typeGiven: false, first: false }).lines,
    ).toEqual([]);
  });
});
