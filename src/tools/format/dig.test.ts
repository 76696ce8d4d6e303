import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { typeName } from '../../application/dns/dns-constants.ts';
import { type DnsMessage, parseDnsMessage } from '../../application/dns/dns-message.ts';
import { fromHex } from '../../bytes/hex.ts';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { digLines, digMessageLines, digRecordLine, digShortLines, digWhen, digFailureLines } from './dig.ts';
import { nslookupLines } from './nslookup.ts';

interface Capture {
  file: string;
  response_hex: string;
  response_text: string[];
}
const captures = (
  JSON.parse(readFileSync(new URL('../../../vectors/dns/dnslib-captures.json', import.meta.url), 'utf8')) as {
    captures: Capture[];
  }
).captures;

function parse(hex: string): DnsMessage {
  const m = parseDnsMessage(fromHex(hex));
  if (m instanceof ProtocolError) throw new Error(m.toString());
  return m;
}

/** expand(1): tabs to the next multiple of 8. */
function expandTabs(line: string): string {
  let out = '';
  for (const ch of line) out += ch === '\t' ? ' '.repeat(8 - (out.length % 8)) : ch;
  return out;
}

const DECODED = new Set(['A', 'AAAA', 'NS', 'CNAME', 'PTR', 'MX', 'SOA', 'TXT']);

describe('dig sections match dig-style text of 66 real responses', () => {
  it('prints header, question and record lines in the same columns', () => {
    let compared = 0;
    for (const c of captures) {
      const m = parse(c.response_hex);
      const all = [...m.answers, ...m.authority, ...m.additional];
      if (m.edns || !all.every((r) => DECODED.has(typeName(r.type)))) continue;
      // dnslib pads with printf widths where dig uses tabs; they agree while names fit their column.
      if (m.questions.some((q) => q.name.length >= 30) || all.some((r) => r.name.length >= 23)) continue;
      const ours = digMessageLines(m)
        .filter((l) => l !== '')
        .map(expandTabs);
      expect(ours, c.file).toEqual(c.response_text);
      compared++;
    }
    expect(compared).toBe(30);
  });

  it('prints every decoded record of the others, EDNS ones included, as the text does', () => {
    for (const c of captures) {
      const m = parse(c.response_hex);
      for (const r of [...m.answers, ...m.authority, ...m.additional]) {
        if (DECODED.has(typeName(r.type)) && r.name.length < 23)
          expect(c.response_text, c.file).toContain(expandTabs(digRecordLine(r)));
      }
    }
  });
});

// Real dig 9.18.49 (Debian 12) asking netlab's real-mode server for www.example.com A.
const REAL_DIG = [
  '',
  '; <<>> DiG 9.18.49-1~deb12u3-Debian <<>> @127.0.0.1 -p 34183 www.example.com A',
  '; (1 server found)',
  ';; global options: +cmd',
  ';; Got answer:',
  ';; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 45665',
  ';; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1',
  ';; WARNING: recursion requested but not available',
  '',
  ';; OPT PSEUDOSECTION:',
  '; EDNS: version: 0, flags:; udp: 1232',
  ';; QUESTION SECTION:',
  ';www.example.com.\t\tIN\tA',
  '',
  ';; ANSWER SECTION:',
  'www.example.com.\t3600\tIN\tA\t192.0.2.80',
  '',
  ';; Query time: 4 msec',
  ';; SERVER: 127.0.0.1#34183(127.0.0.1) (UDP)',
  ';; WHEN: Tue Dec 01 19:10:39 UTC 2026',
  ';; MSG SIZE  rcvd: 60',
  '',
];
const RESPONSE =
  'b26185000001000100000001037777770765' +
  '78616d706c6503636f6d0000010001c00c000100010000' +
  '0e100004c000025000002904d0000000000000';

describe('the whole dig output', () => {
  it('is line for line what real dig printed for the same answer', () => {
    const m = parse(RESPONSE);
    expect(m.id).toBe(45665);
    const lines = digLines({
      args: ['@127.0.0.1', '-p', '34183', 'www.example.com', 'A'],
      version: '9.18.49-1~deb12u3-Debian',
      serverGiven: true,
      response: m,
      server: { address: '127.0.0.1', port: 34183 },
      transport: 'udp',
      rttNs: 4_700_000,
      whenMs: Date.UTC(2026, 11, 1, 19, 10, 39),
      size: fromHex(RESPONSE).length,
    });
    expect(lines).toEqual(REAL_DIG);
  });

  it('formats WHEN from the simulated clock, +short, truncation and failures', () => {
    expect(digWhen(0)).toBe('Thu Jan 01 00:00:00 UTC 1970');
    expect(digWhen(86_400_000 * 366 + 3_723_000)).toBe('Sat Jan 02 01:02:03 UTC 1971');
    expect(digShortLines(parse(RESPONSE))).toEqual(['192.0.2.80']);
    const l = digLines({
      args: ['x'],
      serverGiven: false,
      response: parse(RESPONSE),
      server: { address: '10.0.0.53', port: 53 },
      transport: 'tcp',
      retriedOverTcp: true,
      rttNs: 12_999_999,
      whenMs: 0,
      size: 60,
    });
    expect(l.slice(0, 4)).toEqual([
      ';; Truncated, retrying in TCP mode.',
      '',
      '; <<>> DiG 9.18-netlab <<>> x',
      ';; global options: +cmd',
    ]);
    expect(l).toContain(';; Query time: 12 msec');
    expect(l).toContain(';; SERVER: 10.0.0.53#53(10.0.0.53) (TCP)');
    expect(
      digFailureLines(['x'], { address: '127.0.0.1', port: 9 }, ['timed out', 'timed out'], {
        serverGiven: true,
      }),
    ).toEqual([
      ';; communications error to 127.0.0.1#9: timed out',
      ';; communications error to 127.0.0.1#9: timed out',
      '',
      '; <<>> DiG 9.18-netlab <<>> x',
      '; (1 server found)',
      ';; global options: +cmd',
      ';; no servers could be reached',
    ]);
  });

  it('moves a long owner name one space past its column, as BIND does', () => {
    const line = digRecordLine({
      name: 'a-very-long-name.example.com.',
      type: 1,
      class: 1,
      ttl: 5,
      data: { kind: 'a', address: '10.0.0.1' },
    });
    expect(line).toBe('a-very-long-name.example.com. 5\tIN\tA\t10.0.0.1');
  });
});

describe('nslookup', () => {
  const server = { address: '127.0.0.1', port: 50113 };
  it('prints the answer as real nslookup 9.18 does', () => {
    const a = parse(RESPONSE);
    const out = nslookupLines({ name: 'www.example.com', server, responses: [a, { ...a, answers: [] }] });
    expect(out).toEqual({
      lines: [
        'Server:\t\t127.0.0.1',
        'Address:\t127.0.0.1#50113',
        '',
        'Name:\twww.example.com',
        'Address: 192.0.2.80',
        '',
      ],
      status: 0,
    });
    const nonAuth = nslookupLines({ name: 'www.example.com', server, responses: [{ ...a, aa: false }] });
    expect(nonAuth.lines[3]).toBe('Non-authoritative answer:');
  });

  it('prints NXDOMAIN and exits 1', () => {
    const nx = { ...parse(RESPONSE), rcode: 3, answers: [] };
    expect(nslookupLines({ name: 'nope.example.com', server, responses: [nx] })).toEqual({
      lines: [
        'Server:\t\t127.0.0.1',
        'Address:\t127.0.0.1#50113',
        '',
        "** server can't find nope.example.com: NXDOMAIN",
        '',
      ],
      status: 1,
    });
  });
});
