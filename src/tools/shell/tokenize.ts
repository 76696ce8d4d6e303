/**
 * Splits a command line into words the way a POSIX shell does (POSIX.1-2017 XCU §2.2
 * Quoting, §2.3 Token Recognition), for the subset netlab's scenario scripts and the web
 * lab's terminals need:
 *
 * - blanks (space, tab, newline; also CR, for files edited on Windows) separate words;
 * - '...' keeps everything literally, up to the next single quote;
 * - "..." keeps everything except that a backslash before $ ` " \ or newline escapes it;
 *   any other backslash stays;
 * - outside quotes a backslash makes the next character literal; backslash-newline is a
 *   line continuation and vanishes; a backslash at the very end stays (as `bash -c` does);
 * - '#' at the start of a word starts a comment that runs to the end of the line;
 * - quotes join with neighbouring text (`a'b c'd` is one word) and '' is an empty word.
 *
 * Left out, on purpose: parameter and command expansion ($x, `...`, $(...)), globbing,
 * ~ expansion, operators (| ; & && || < >) and here-documents. Their characters are
 * ordinary word characters here, so `$HOME` stays `$HOME`.
 */
import { ProtocolError } from '../../bytes/protocol-error.ts';

/** Longest command line accepted, in UTF-16 code units (a script line, not a file). */
export const MAX_COMMAND_LINE_LENGTH = 65_536;

function isBlank(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function unterminated(quote: "'" | '"', offset: number): ProtocolError {
  const code = quote === "'" ? 'unterminated-single-quote' : 'unterminated-double-quote';
  // Same wording as bash, so the message reads like a real shell's.
  return new ProtocolError(
    'shell',
    code,
    `unexpected EOF while looking for matching \`${quote}'`,
    offset,
    'local',
  );
}

/** The words of `line`, or a ProtocolError (code 'unterminated-*-quote' or 'too-long'). */
export function tokenize(line: string): string[] | ProtocolError {
  if (line.length > MAX_COMMAND_LINE_LENGTH) {
    return new ProtocolError(
      'shell',
      'too-long',
      `command line of ${line.length} characters is longer than ${MAX_COMMAND_LINE_LENGTH}`,
      MAX_COMMAND_LINE_LENGTH,
      'local',
    );
  }
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const n = line.length;
  while (i < n) {
    const c = line[i]!;
    if (!inWord) {
      if (isBlank(c)) {
        i++;
        continue;
      }
      if (c === '#') {
        while (i < n && line[i] !== '\n') i++;
        continue;
      }
      if (c === '\\' && line[i + 1] === '\n') {
        // A line continuation between words joins nothing.
        i += 2;
        continue;
      }
      inWord = true;
    }
    if (isBlank(c)) {
      words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return unterminated("'", i);
      word += line.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      const start = i;
      i++;
      for (;;) {
        if (i >= n) return unterminated('"', start);
        const d = line[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < n) {
          const e = line[i + 1]!;
          if (e === '\n') {
            i += 2;
            continue;
          }
          if (e === '$' || e === '`' || e === '"' || e === '\\') {
            word += e;
            i += 2;
            continue;
          }
        }
        word += d;
        i++;
      }
    } else if (c === '\\') {
      if (i + 1 >= n) {
        word += '\\';
        i++;
      } else if (line[i + 1] === '\n') {
        i += 2;
      } else {
        word += line[i + 1]!;
        i += 2;
      }
    } else {
      word += c;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}

const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes one word so that `tokenize` gives it back unchanged (single quotes when needed). */
export function quoteWord(word: string): string {
  if (SAFE_WORD.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The inverse of `tokenize`: a command line whose words are exactly `argv`. */
export function formatCommandLine(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}
