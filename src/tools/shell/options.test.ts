import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  choiceValue,
  durationValue,
  integerValue,
  LONG_MAX,
  numberValue,
  stringValue,
} from './option-values.ts';
import { parseOptions } from './options.ts';

const ping = {
  program: 'ping',
  options: {
    count: {
      short: 'c',
      long: 'count',
      value: integerValue({ label: 'invalid argument', min: 1, max: LONG_MAX }),
    },
    interval: { short: 'i', value: numberValue({ label: 'bad timing interval', min: 0, max: 2147483.647 }) },
    numeric: { short: 'n', long: 'numeric' },
    audible: { short: 'a' },
    verbose: { short: 'v', multiple: true },
    ttl: { short: 't', value: integerValue({ label: 'invalid argument', min: 0, max: 255 }) },
    device: { short: 'I', value: stringValue() },
    pmtu: { short: 'M', value: choiceValue('invalid -M argument', ['do', 'dont', 'want', 'probe']) },
    header: { short: 'H', long: 'header', value: stringValue(), multiple: true },
    wait: { long: 'wait', value: durationValue({ label: 'invalid time' }) },
  },
} as const;

function ok(args: string[]) {
  const r = parseOptions(args, ping);
  if ('error' in r) throw new Error(r.error);
  return r;
}

function err(args: string[]): string {
  const r = parseOptions(args, ping);
  if (!('error' in r)) throw new Error(`expected an error for ${JSON.stringify(args)}`);
  return r.error;
}

describe('parseOptions', () => {
  it('parses short options with separate and attached values, and combined flags', () => {
    expect(ok(['-c', '3', '10.0.0.2'])).toEqual({ options: { count: 3 }, positionals: ['10.0.0.2'] });
    expect(ok(['-c3', '-n', '10.0.0.2'])).toEqual({
      options: { count: 3, numeric: true },
      positionals: ['10.0.0.2'],
    });
    expect(ok(['-anc', '2', 'h'])).toEqual({
      options: { audible: true, numeric: true, count: 2 },
      positionals: ['h'],
    });
    expect(ok(['-anc2', 'h']).options).toEqual({ audible: true, numeric: true, count: 2 });
    expect(ok(['-i', '0.2', '-t', '-0']).options).toEqual({ interval: 0.2, ttl: 0 });
  });

  it('parses long options with = and with a separate value', () => {
    expect(ok(['--count=3', 'h']).options).toEqual({ count: 3 });
    expect(ok(['--count', '4', '--numeric', 'h']).options).toEqual({ count: 4, numeric: true });
    expect(ok(['--wait=250ms']).options).toEqual({ wait: 250_000_000 });
  });

  it('permutes options after positionals like GNU getopt, and stops at --', () => {
    expect(ok(['10.0.0.2', '-c', '3'])).toEqual({ options: { count: 3 }, positionals: ['10.0.0.2'] });
    expect(ok(['-n', '--', '-c', '3'])).toEqual({ options: { numeric: true }, positionals: ['-c', '3'] });
    expect(ok(['-', '-n'])).toEqual({ options: { numeric: true }, positionals: ['-'] });
    const posix = parseOptions(['-n', 'host', '-c', '3'], { ...ping, stopAtFirstPositional: true });
    expect(posix).toEqual({ options: { numeric: true }, positionals: ['host', '-c', '3'] });
  });

  it('counts repeated flags and collects repeated values when multiple', () => {
    expect(ok(['-vvv', '-v']).options).toEqual({ verbose: 4 });
    expect(ok(['-H', 'A: 1', '--header=B: 2', '-HC: 3']).options).toEqual({
      header: ['A: 1', 'B: 2', 'C: 3'],
    });
    expect(ok(['-c', '1', '-c', '2']).options).toEqual({ count: 2 });
  });

  it('takes the next word as the value even when it starts with a dash', () => {
    expect(err(['-c', '-1', 'h'])).toBe(
      "ping: invalid argument: '-1': out of range: 1 <= value <= 9223372036854775807",
    );
    expect(ok(['-I', '-eth0']).options).toEqual({ device: '-eth0' });
  });

  it('reports errors with the wording of glibc getopt and iputils', () => {
    expect(err(['-z'])).toBe("ping: invalid option -- 'z'");
    expect(err(['-nz'])).toBe("ping: invalid option -- 'z'");
    expect(err(['-c'])).toBe("ping: option requires an argument -- 'c'");
    expect(err(['--frob'])).toBe("ping: unrecognized option '--frob'");
    expect(err(['--frob=1'])).toBe("ping: unrecognized option '--frob'");
    expect(err(['--count'])).toBe("ping: option '--count' requires an argument");
    expect(err(['--numeric=yes'])).toBe("ping: option '--numeric' doesn't allow an argument");
    expect(err(['-c', 'x'])).toBe("ping: invalid argument: 'x'");
    expect(err(['-c', ''])).toBe("ping: invalid argument: ''");
    expect(err(['-c0'])).toBe("ping: invalid argument: '0': out of range: 1 <= value <= 9223372036854775807");
    expect(err(['-c', '99999999999999999999'])).toBe(
      "ping: invalid argument: '99999999999999999999': Numerical result out of range",
    );
    expect(err(['-t', '256'])).toBe("ping: invalid argument: '256': out of range: 0 <= value <= 255");
    expect(err(['-i', 'x'])).toBe('ping: bad timing interval: x');
    expect(err(['-i', '-1'])).toBe('ping: bad timing interval: -1');
    expect(err(['-M', 'maybe'])).toBe('ping: invalid -M argument: maybe');
    expect(err(['--wait', 'soon'])).toBe("ping: invalid time: 'soon'");
  });

  it('infers the type of each option from its definition', () => {
    const { options } = ok([]);
    expectTypeOf(options.count).toEqualTypeOf<number | undefined>();
    expectTypeOf(options.numeric).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(options.verbose).toEqualTypeOf<number | undefined>();
    expectTypeOf(options.header).toEqualTypeOf<string[] | undefined>();
    expectTypeOf(options.pmtu).toEqualTypeOf<'do' | 'dont' | 'want' | 'probe' | undefined>();
  });

  it('property: random argument lists never throw', () => {
    const word = fc.oneof(
      fc.string(),
      fc.constantFrom(
        '-',
        '--',
        '-c',
        '-c3',
        '--count',
        '--count=',
        '-vvn',
        '-H',
        '--header=x',
        '--wait',
        '-i',
      ),
    );
    fc.assert(
      fc.property(fc.array(word, { maxLength: 8 }), (args) => {
        const r = parseOptions(args, ping);
        if ('error' in r) expect(r.error.startsWith('ping: ')).toBe(true);
        else expect(Array.isArray(r.positionals)).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('option values', () => {
  it('integerValue accepts what strtol accepts in base 10', () => {
    const v = integerValue({ label: 'invalid argument' });
    expect(v(' 42')).toEqual({ value: 42 });
    expect(v('+7')).toEqual({ value: 7 });
    expect(v('-7')).toEqual({ value: -7 });
    expect(v('42 ')).toEqual({ error: "invalid argument: '42 '" });
    expect(v('0x10')).toEqual({ error: "invalid argument: '0x10'" });
    expect(v('1.5')).toEqual({ error: "invalid argument: '1.5'" });
  });

  it('numberValue accepts decimal and exponent forms', () => {
    const v = numberValue({ label: 'bad linger time', min: 0 });
    expect(v('1.5')).toEqual({ value: 1.5 });
    expect(v('.5')).toEqual({ value: 0.5 });
    expect(v('2.')).toEqual({ value: 2 });
    expect(v('1e-3')).toEqual({ value: 0.001 });
    expect(v('inf')).toEqual({ error: 'bad linger time: inf' });
    expect(v('1e400')).toEqual({ error: 'bad linger time: 1e400' });
  });
});
