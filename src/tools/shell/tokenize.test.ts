import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError } from '../../bytes/protocol-error.ts';
import { formatCommandLine, MAX_COMMAND_LINE_LENGTH, quoteWord, tokenize } from './tokenize.ts';

describe('tokenize', () => {
  // Expected words checked against bash 5.2 (`f(){ printf '%s\0' "$@"; }; f LINE`).
  const cases: [string, string[]][] = [
    ['ping -c 3 10.0.0.2', ['ping', '-c', '3', '10.0.0.2']],
    ['  lead   trail  ', ['lead', 'trail']],
    ['\t\ta\tb', ['a', 'b']],
    ["a'b c'd", ['ab cd']],
    ['"a \\" \\$ \\\\ \\x" e', ['a " $ \\ \\x', 'e']],
    ["a\\ b c\\\\d \\'q", ['a b', 'c\\d', "'q"]],
    ['echo \'\' "" x', ['echo', '', '', 'x']],
    ['""', ['']],
    ['echo a#b # comment here', ['echo', 'a#b']],
    ["echo \\#notcomment '#' x", ['echo', '#notcomment', '#', 'x']],
    ['echo "multi\nline" z', ['echo', 'multi\nline', 'z']],
    ['a\\\nb', ['ab']],
    ['x \\\n y', ['x', 'y']],
    ['"x\\\ny"', ['xy']],
    ['"a"\'b\'c', ['abc']],
    ['tail\\', ['tail\\']],
    ["'a\\b'", ['a\\b']],
    ['"\\a\\n"', ['\\a\\n']],
    // No expansion and no operators: their characters are plain word characters.
    ['echo $HOME `x` | y; z', ['echo', '$HOME', '`x`', '|', 'y;', 'z']],
    // Unlike a shell, a newline does not end the command: it is one more blank.
    ['one # c\ntwo', ['one', 'two']],
    ['', []],
    ['   # only a comment', []],
    ['curl -H "Host: example.com" http://10.0.0.2/', ['curl', '-H', 'Host: example.com', 'http://10.0.0.2/']],
  ];
  it.each(cases)('%j', (line, words) => {
    expect(tokenize(line)).toEqual(words);
  });

  it('reports unterminated quotes as typed errors with the opening offset', () => {
    const single = tokenize("echo 'abc");
    expect(single).toBeInstanceOf(ProtocolError);
    expect(single).toMatchObject({
      protocol: 'shell',
      code: 'unterminated-single-quote',
      offset: 5,
      side: 'local',
    });
    expect((single as ProtocolError).message).toBe("unexpected EOF while looking for matching `''");
    const double = tokenize('echo x"ab\\"');
    expect(double).toMatchObject({ code: 'unterminated-double-quote', offset: 6 });
    expect((double as ProtocolError).message).toBe('unexpected EOF while looking for matching `"\'');
  });

  it('rejects lines longer than the limit', () => {
    expect(tokenize('a'.repeat(MAX_COMMAND_LINE_LENGTH + 1))).toMatchObject({ code: 'too-long' });
    expect(tokenize('a'.repeat(MAX_COMMAND_LINE_LENGTH))).toEqual(['a'.repeat(MAX_COMMAND_LINE_LENGTH)]);
  });

  it('quoteWord leaves plain words alone and quotes the rest', () => {
    expect(quoteWord('10.0.0.2')).toBe('10.0.0.2');
    expect(quoteWord('--count=3')).toBe('--count=3');
    expect(quoteWord('')).toBe("''");
    expect(quoteWord('a b')).toBe("'a b'");
    expect(quoteWord("it's")).toBe("'it'\\''s'");
    expect(quoteWord('#x')).toBe("'#x'");
  });

  it('property: random strings never throw and give words or a typed error', () => {
    const chars = fc.constantFrom(...' \t\n\r\'"\\#ab$`;|'.split(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: chars, maxLength: 40 })), (line) => {
        const r = tokenize(line);
        if (!(r instanceof ProtocolError)) for (const w of r) expect(typeof w).toBe('string');
      }),
      { numRuns: 3000 },
    );
  });

  it('property: formatCommandLine and tokenize are inverse', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { maxLength: 6 }), (argv) => {
        expect(tokenize(formatCommandLine(argv))).toEqual(argv);
      }),
      { numRuns: 2000 },
    );
  });
});
