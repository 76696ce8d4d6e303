import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordClass, RecordType } from '../../application/dns/dns-constants.ts';
import { DIG_DEFAULTS, DIG_USAGE, parseDigCommandLine, reverseName } from './dig-options.ts';

const parse = (line: string) => {
  const r = parseDigCommandLine(line === '' ? [] : line.split(' '));
  if ('error' in r) throw new Error(r.error.join('\n'));
  return r;
};

describe("dig's command line", () => {
  it('name, type and class in any order; @server and -p; defaults as dig 9.18', () => {
    const { lookups, cmd, warnings } = parse('@10.0.0.53 -p 5353 MX example.com CH +tcp');
    expect(lookups).toHaveLength(1);
    expect(lookups[0]).toEqual({
      ...DIG_DEFAULTS,
      name: 'example.com',
      type: RecordType.MX,
      qclass: RecordClass.CH,
      server: '10.0.0.53',
      port: 5353,
      tcp: true,
    });
    expect([cmd, warnings]).toEqual([true, []]);
    expect(DIG_DEFAULTS).toMatchObject({
      edns: 0,
      bufsize: 1232,
      timeout: 5,
      tries: 3,
      recurse: true,
      adflag: true,
    });
  });

  it('no name asks the root for NS, or for the type given', () => {
    expect(parse('').lookups.map((l) => [l.name, l.type])).toEqual([['.', RecordType.NS]]);
    expect(parse('mx').lookups.map((l) => [l.name, l.type])).toEqual([['.', RecordType.MX]]);
  });

  it('every further name is a lookup of its own; options before the first name are global, after a name local', () => {
    const { lookups } = parse('+norec www.example.com AAAA +short example.com MX +tries=1');
    expect(lookups.map((l) => [l.name, l.type, l.recurse, l.display.short, l.tries])).toEqual([
      ['www.example.com', RecordType.AAAA, false, true, 3],
      ['example.com', RecordType.MX, false, false, 1],
    ]);
  });

  it('+[no]cmd acts globally wherever it is; +short only when global', () => {
    expect(parse('www.example.com +nocmd').cmd).toBe(false);
    expect(parse('+short www.example.com').cmd).toBe(false);
    expect(parse('www.example.com +short').cmd).toBe(true);
    expect(parse('+noall www.example.com').cmd).toBe(false);
    const short = parse('www.example.com +short').lookups[0]!.display;
    expect(short).toEqual({
      cmd: false,
      comments: false,
      question: false,
      answer: true,
      authority: false,
      additional: false,
      stats: false,
      short: true,
    });
    const some = parse('x +noall +answer +stats').lookups[0]!.display;
    expect([some.comments, some.question, some.answer, some.stats]).toEqual([false, false, true, true]);
  });

  it('-x makes the reverse name and asks PTR; -q names a lookup; -t and -c set type and class', () => {
    expect(parse('-x 192.0.2.80').lookups.map((l) => [l.name, l.type])).toEqual([
      ['80.2.0.192.in-addr.arpa.', RecordType.PTR],
    ]);
    expect(reverseName('10.1')).toBe('1.10.in-addr.arpa.');
    expect(reverseName('1.2.3.256')).toBeUndefined();
    expect(parse('-q MX -t TXT -c IN').lookups.map((l) => [l.name, l.type, l.qclass])).toEqual([
      ['MX', RecordType.TXT, RecordClass.IN],
    ]);
  });

  it('value options: EDNS, buffer size, timeout and tries (+retry counts the extra tries)', () => {
    const [l] = parse('x +noedns +timeout=0 +retry=4 +ignore +nosearch +cd +noad').lookups;
    expect([l!.edns, l!.timeout, l!.tries, l!.ignoreTc, l!.cdflag, l!.adflag]).toEqual([
      undefined,
      1,
      5,
      true,
      true,
      false,
    ]);
    const [m] = parse('x +noedns +bufsize=4096 +edns=1').lookups;
    expect([m!.edns, m!.bufsize]).toEqual([1, 4096]);
  });

  it('warns about a type or class given twice, and ignores an unknown -t, as dig does', () => {
    expect(parse('x A MX').warnings).toEqual([';; Warning, extra type option']);
    expect(parse('x IN CH').warnings).toEqual([';; Warning, extra class option']);
    const t = parse('-t FOO x');
    expect([t.warnings, t.lookups[0]!.type]).toEqual([
      [';; Warning, ignoring invalid type FOO'],
      RecordType.A,
    ]);
  });

  it("errors read as dig's, with dig's exit statuses", () => {
    expect(parseDigCommandLine(['+frob', 'x'])).toEqual({
      error: ['Invalid option: +frob', ...DIG_USAGE],
      out: [],
      status: 1,
    });
    expect(parseDigCommandLine(['+tries', 'x'])).toMatchObject({
      error: ['Invalid option: +tries', ...DIG_USAGE],
    });
    expect(parseDigCommandLine(['-p', 'x'])).toEqual({
      error: ["dig: Couldn't parse port number"],
      out: ["invalid port number 'x': not a valid number"],
      status: 1,
    });
    expect(parseDigCommandLine(['+bufsize=99999'])).toEqual({
      error: ["dig: Couldn't parse buffer size"],
      out: ["invalid buffer size '99999': out of range"],
      status: 10,
    });
    expect(parseDigCommandLine(['-p'])).toMatchObject({ error: ['Invalid option: -p', ...DIG_USAGE] });
    expect(parseDigCommandLine(['x', '+trace'])).toEqual({
      error: ["dig: +trace is not supported by netlab's dig"],
      out: [],
      status: 1,
    });
  });

  it('never throws, whatever the words', () => {
    const word = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '+',
        '-',
        '@',
        '+no',
        '+tries=',
        '-x',
        '-p',
        '-t',
        '-c',
        '-q',
        'MX',
        'IN',
        '+short',
        '+noall',
      ),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (argv) => {
        const r = parseDigCommandLine(argv);
        if (!('error' in r)) expect(r.lookups.length).toBeGreaterThan(0);
      }),
      { numRuns: 3000 },
    );
  });
});
