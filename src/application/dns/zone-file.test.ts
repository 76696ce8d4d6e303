import { describe, expect, it } from 'vitest';
import { toHex } from '../../bytes/hex.ts';
import { RecordType } from './dns-constants.ts';
import { formatRdata } from './dns-presentation.ts';
import { parseTtl, parseZoneFile, ZoneFileError } from './zone-file.ts';

const EXAMPLE = `; example.com, in the shape of RFC 1035 §5.3's example
$ORIGIN example.com.
$TTL 1h
@   IN  SOA ns1 hostmaster (
        2024010101 ; serial
        7200       ; refresh
        3600       ; retry
        1209600    ; expire
        300 )      ; minimum
    IN  NS  ns1
    IN  NS  ns2.example.net.
    IN  MX  10 mail
ns1      A     192.0.2.53
www  600 IN A  192.0.2.80
         IN AAAA 2001:DB8:0:0::80
mail IN 1d A 192.0.2.25
web      CNAME www
@        TXT   "v=spf1 mx -all" "second \\"quoted\\" string"
semi     TXT   "a;b" plain\\059word
multi    TXT   ( "one"
                 "two" )
deep.sub A 192.0.2.99
any TYPE65280 \\# 3 010203
mx2 MX \\# 6 0014 026d7800
`;

function lines(text: string): string[] {
  const z = parseZoneFile(text, { fileName: 'db.example' });
  return z.records.map(
    (r) => `${r.name} ${r.ttl} ${RecordType.A === r.type ? 'A' : r.type} ${formatRdata(r.data)}`,
  );
}

describe('master file reading (RFC 1035 §5)', () => {
  it('reads $ORIGIN, $TTL, @, relative names, blank owners, parentheses, comments and quoted strings', () => {
    expect(lines(EXAMPLE)).toEqual([
      'example.com. 3600 6 ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 300',
      'example.com. 3600 2 ns1.example.com.',
      'example.com. 3600 2 ns2.example.net.',
      'example.com. 3600 15 10 mail.example.com.',
      'ns1.example.com. 3600 A 192.0.2.53',
      'www.example.com. 600 A 192.0.2.80',
      'www.example.com. 3600 28 2001:db8::80',
      'mail.example.com. 86400 A 192.0.2.25',
      'web.example.com. 3600 5 www.example.com.',
      'example.com. 3600 16 "v=spf1 mx -all" "second \\"quoted\\" string"',
      'semi.example.com. 3600 16 "a;b" "plain;word"',
      'multi.example.com. 3600 16 "one" "two"',
      'deep.sub.example.com. 3600 A 192.0.2.99',
      'any.example.com. 3600 65280 \\# 3 010203',
      'mx2.example.com. 3600 15 20 mx.',
    ]);
  });

  it('takes the origin from the options, and TTL from the last explicit one, then the SOA minimum', () => {
    const z = parseZoneFile('@ 100 SOA ns h 1 2 3 4 50\n NS ns\nns A 10.0.0.1\n', { origin: 'lab.' });
    expect(z.origin).toBe('lab.');
    expect(z.records.map((r) => r.ttl)).toEqual([100, 100, 100]);
    const y = parseZoneFile('$ORIGIN lab.\n@ SOA ns h 1 2 3 4 50\n NS ns\n');
    expect(y.records.map((r) => r.ttl)).toEqual([50, 50]);
  });

  it('decodes escapes in names and keeps them canonical', () => {
    const z = parseZoneFile('$ORIGIN ex.\n$TTL 1\na\\.b A 10.0.0.1\n\\065bc A 10.0.0.2\n');
    expect(z.records.map((r) => r.name)).toEqual(['a\\.b.ex.', 'Abc.ex.']);
  });

  it('reads BIND TTL units', () => {
    expect(parseTtl('1h30m')).toBe(5400);
    expect(parseTtl('2D')).toBe(172800);
    expect(parseTtl('1w')).toBe(604800);
    expect(parseTtl('10x')).toBeUndefined();
    expect(parseTtl('99999999999')).toBeUndefined();
  });

  it('stores raw data of unknown types as given', () => {
    const z = parseZoneFile('$ORIGIN ex.\n$TTL 1\nx TYPE99 \\# 2 abcd\n');
    const d = z.records[0]!.data;
    expect(d.kind === 'raw' && toHex(d.bytes)).toBe('abcd');
  });
});

describe('master file errors name the file, the line and the problem', () => {
  const cases: [string, number, RegExp][] = [
    ['$ORIGIN ex.\n$TTL 1\nwww A 300.1.2.3\n', 3, /bad IPv4 address '300.1.2.3'/],
    ['$ORIGIN ex.\n$TTL 1\n\nwww FOO x\n', 4, /unknown record type 'FOO'/],
    ['$ORIGIN ex.\nwww A 10.0.0.1\n', 2, /no TTL/],
    ['www 1 A 10.0.0.1\n', 1, /relative name 'www' before any \$ORIGIN/],
    ['$ORIGIN ex.\n$TTL 1\n@ SOA ns h ( 1 2 3\n4 5\n', 3, /'\(' is never closed/],
    ['$ORIGIN ex.\n$TTL 1\nt TXT "open\n', 3, /unterminated quoted string/],
    ['$ORIGIN ex.\n$TTL 1\n$INCLUDE other.db\n', 3, /\$INCLUDE is not supported/],
    ['$ORIGIN ex.\n$TTL 1\nwww.other. A 10.0.0.1\n', 3, /outside the zone ex\./],
    ['$ORIGIN ex.\n$TTL 1\nwww CH A 10.0.0.1\n', 3, /only class IN/],
    ['$ORIGIN ex.\n$TTL 1\nm MX mail\n', 3, /MX takes 2 fields, got 1/],
    ['$ORIGIN ex.\n$TTL 1\ns SRV 0 0 80 www\n', 3, /generic form/],
    ['$ORIGIN ex.\n$TTL 1\nx TYPE99 \\# 3 abcd\n', 3, /has 2 octets, not 3/],
    [`$ORIGIN ex.\n$TTL 1\n${'a'.repeat(64)} A 10.0.0.1\n`, 3, /label longer than 63/],
    ['$ORIGIN ex.\n$TTL 1\n  A 10.0.0.1\n', 3, /no owner name/],
    ['$ORIGIN ex.\n$TTL 1\nx 4294967295 A 10.0.0.1\n', 3, /exceeds 2147483647/],
  ];
  for (const [text, line, problem] of cases) {
    it(`line ${line}: ${problem.source}`, () => {
      try {
        parseZoneFile(text, { fileName: 'db.ex' });
        expect.unreachable('should have thrown');
      } catch (e) {
        expect(e).toBeInstanceOf(ZoneFileError);
        const z = e as ZoneFileError;
        expect(z.line).toBe(line);
        expect(z.message).toMatch(/^db\.ex:\d+: /);
        expect(z.problem).toMatch(problem);
      }
    });
  }
});

describe('hostile master files', () => {
  it('random text gives records or a ZoneFileError, never another exception', async () => {
    const fc = (await import('fast-check')).default;
    const piece = fc.constantFrom(
      '$ORIGIN ex.\n',
      '$TTL 5\n',
      '@',
      ' ',
      '(',
      ')',
      '"',
      ';c\n',
      '\n',
      'A',
      'TXT',
      'MX',
      '10',
      'www',
      '1.2.3.4',
      '\\',
      '\\#',
      'IN',
      'SOA',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (parts) => {
        try {
          parseZoneFile(parts.join(' '));
        } catch (e) {
          expect(e).toBeInstanceOf(ZoneFileError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
