/**
 * dig's command line (BIND 9.18's bin/dig/dig.c `parse_args`), as a pure function shared
 * by the shell's `dig` and `netlab dig` over real sockets:
 *
 *   dig [@server] [-p port] [-t type] [-c class] [-q name] [-x addr] [name] [type] [class]
 *       [+option...] [name [type] [+option...]...]
 *
 * - Words that are a type (`MX`, `TYPE99`) or a class (`IN`, `CH`) set the current
 *   lookup's; any other word starts a new lookup for that name, which inherits the options
 *   given before the first name (global ones); options after a name apply to it alone.
 * - No name at all asks for the root's NS records (`dig` alone), or the root with the
 *   type given (`dig mx`).
 * - `+[no]cmd` always acts globally (dig(1) says so); `+short`, `+noall` and `+all`
 *   touch the banner only when global. That is why a failed lookup with a *local*
 *   `+short` still prints the banner: dig does the same.
 * - Errors read as dig's: `Invalid option: +frob` with the usage (status 1), bad values
 *   as `invalid port number 'x': not a valid number` (stdout) and `dig: Couldn't parse
 *   port number` (stderr).
 *   An unknown `-t` type or `-c` class is a warning, and ignored, as in dig.
 *
 * Left out (refused with a clear message rather than silently ignored): +trace,
 * +nssearch, +multiline, +yaml, +dnssec and other DNSSEC output, +identify, +ttlunits,
 * TSIG (-k, -y), batch files (-f), IPv6 transport (-6).
 */
import { classNumber, RecordClass, RecordType, typeNumber } from '../../application/dns/dns-constants.ts';
import { DIG_FULL_DISPLAY, type DigDisplay } from '../format/dig.ts';

export type { DigDisplay } from '../format/dig.ts';

export interface DigLookup {
  /** As typed (`www.example.com`), or `.`. */
  readonly name: string;
  readonly type: number;
  readonly qclass: number;
  /** `@server` as typed, when given (for this lookup or globally). */
  readonly server?: string;
  readonly port: number;
  readonly tcp: boolean;
  /** +ignore: take a truncated UDP answer as it is. */
  readonly ignoreTc: boolean;
  readonly recurse: boolean;
  readonly adflag: boolean;
  readonly cdflag: boolean;
  /** EDNS version to offer, or undefined for +noedns. */
  readonly edns: number | undefined;
  /** EDNS UDP payload size (+bufsize). */
  readonly bufsize: number;
  /** Seconds to wait per try (+timeout, at least 1). */
  readonly timeout: number;
  /** Tries per server (+tries; +retry=N is N + 1). */
  readonly tries: number;
  /** +search: apply the resolv.conf search list. */
  readonly search: boolean;
  readonly display: DigDisplay;
}

export interface DigCommandLine {
  /** The words after `dig`, for the banner. */
  readonly args: readonly string[];
  readonly lookups: readonly DigLookup[];
  /** Whether the banner is printed at all (a global setting). */
  readonly cmd: boolean;
  /** `;; Warning, ...` lines dig prints on stderr while parsing. */
  readonly warnings: readonly string[];
}

export interface DigUsageError {
  /** Lines for stderr. */
  readonly error: readonly string[];
  /** Lines for stdout (dig prints a bad value's first complaint there). */
  readonly out: readonly string[];
  /** dig's exit status for it (1 usage, 10 some bad values, as dig does). */
  readonly status: number;
}

export const DIG_USAGE: readonly string[] = [
  'Usage:  dig [@global-server] [domain] [q-type] [q-class] {q-opt}',
  '            {global-d-opt} host [@local-server] {local-d-opt}',
  '            [ host [@local-server] {local-d-opt} [...]]',
  '',
  'Use "dig -h" (or "dig -h | more") for complete list of options',
];

/** dig's defaults (9.18): UDP, RD and AD set, EDNS 0 with 1232 octets, 5 s, 3 tries. */
export const DIG_DEFAULTS: DigLookup = {
  name: '.',
  type: RecordType.A,
  qclass: RecordClass.IN,
  port: 53,
  tcp: false,
  ignoreTc: false,
  recurse: true,
  adflag: true,
  cdflag: false,
  edns: 0,
  bufsize: 1232,
  timeout: 5,
  tries: 3,
  search: false,
  display: DIG_FULL_DISPLAY,
};

const UNSUPPORTED = new Set([
  'trace',
  'nssearch',
  'multiline',
  'yaml',
  'dnssec',
  'identify',
  'ttlunits',
  'sigchase',
  'topdown',
  'nsid',
  'expire',
  'subnet',
  'zflag',
  'onesoa',
  'rrcomments',
  'split',
  'crypto',
  'besteffort',
  'padding',
  'tls',
  'https',
  'unknownformat',
]);

/** Options accepted and without effect here: dig's cookie and retry-on-SERVFAIL knobs. */
const NO_EFFECT = new Set(['cookie', 'fail', 'keepopen', 'qr', 'ttlid', 'class', 'defname', 'besteffort']);

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function bad(lines: string[], status: number, out: string[] = []): DigUsageError {
  return { error: lines, out, status };
}

function invalid(word: string): DigUsageError {
  return bad([`Invalid option: ${word}`, ...DIG_USAGE], 1);
}

/** dig's parse_uint: a decimal number within [0, max], or its complaint. */
function uint(text: string | undefined, max: number, what: string, status: number): number | DigUsageError {
  if (text === undefined || !/^\d+$/.test(text))
    return bad([`dig: Couldn't parse ${what}`], status, [
      `invalid ${what} '${text ?? ''}': not a valid number`,
    ]);
  const n = Number(text);
  if (n > max)
    return bad([`dig: Couldn't parse ${what}`], status, [`invalid ${what} '${text}': out of range`]);
  return n;
}

/** `1.2.3.4` → `4.3.2.1.in-addr.arpa.` (dig -x; fewer octets give a shorter name, as dig does). */
export function reverseName(address: string): string | undefined {
  const parts = address.split('.');
  if (parts.length < 1 || parts.length > 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255))
    return undefined;
  return `${parts.reverse().join('.')}.in-addr.arpa.`;
}

/** Parses the words after `dig`. */
export function parseDigCommandLine(argv: readonly string[]): DigCommandLine | DigUsageError {
  const warnings: string[] = [];
  const global: Mutable<DigLookup> = { ...DIG_DEFAULTS, display: { ...DIG_DEFAULTS.display } };
  let globalCmd = true;
  const lookups: Mutable<DigLookup>[] = [];
  // Which lookups had a type or class given, for dig's "extra type option" warning.
  const typeSet = new WeakSet<object>();
  const classSet = new WeakSet<object>();
  const current = (): Mutable<DigLookup> => lookups.at(-1) ?? global;
  const newLookup = (name: string): Mutable<DigLookup> => {
    const l: Mutable<DigLookup> = { ...global, display: { ...global.display }, name };
    if (typeSet.has(global)) typeSet.add(l);
    if (classSet.has(global)) classSet.add(l);
    lookups.push(l);
    return l;
  };
  const setType = (l: Mutable<DigLookup>, type: number): void => {
    if (typeSet.has(l) && l !== global) warnings.push(';; Warning, extra type option');
    l.type = type;
    typeSet.add(l);
  };

  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word.startsWith('@')) {
      const server = word.slice(1);
      if (server === '') return invalid(word);
      current().server = server;
      if (lookups.length === 0) global.server = server;
      continue;
    }
    if (word.startsWith('+')) {
      const r = plusOption(word, current(), lookups.length === 0);
      if (typeof r === 'object') return r;
      if (r === 'cmd-on') globalCmd = true;
      else if (r === 'cmd-off') globalCmd = false;
      continue;
    }
    if (word.length > 1 && word.startsWith('-')) {
      const flag = word[1]!;
      const takesValue = 'ptcqxbfkym'.includes(flag);
      let value: string | undefined;
      if (takesValue) {
        value = word.length > 2 ? word.slice(2) : argv[++i];
        if (value === undefined) return invalid(word);
      } else if (word.length > 2) return invalid(word);
      switch (flag) {
        case 'p': {
          const port = uint(value, 65535, 'port number', 1);
          if (typeof port === 'object') return port;
          current().port = port;
          break;
        }
        case 't': {
          const t = typeNumber(value!);
          if (t === undefined) warnings.push(`;; Warning, ignoring invalid type ${value}`);
          else setType(current(), t);
          break;
        }
        case 'c': {
          const c = classNumber(value!);
          if (c === undefined) warnings.push(`;; Warning, ignoring invalid class ${value}`);
          else {
            current().qclass = c;
            classSet.add(current());
          }
          break;
        }
        case 'q':
          newLookup(value!);
          break;
        case 'x': {
          const name = reverseName(value!);
          if (name === undefined) return bad([`Invalid IP address ${value}`], 1);
          const l = newLookup(name);
          l.type = RecordType.PTR;
          typeSet.add(l);
          break;
        }
        case '4':
          break;
        case 'r':
          break; // ~/.digrc is never read here
        case 'h':
          return bad([], 0, [...DIG_USAGE]);
        case 'b':
        case 'f':
        case 'k':
        case 'y':
        case 'm':
        case '6':
        case 'u':
        case 'v':
          return bad([`dig: ${word} is not supported by netlab's dig`], 1);
        default:
          return invalid(word);
      }
      continue;
    }
    const l = current();
    const asType = typeNumber(word);
    if (asType !== undefined) {
      setType(l, asType);
      continue;
    }
    const asClass = classNumber(word);
    if (asClass !== undefined) {
      if (classSet.has(l) && l !== global) warnings.push(';; Warning, extra class option');
      l.qclass = asClass;
      classSet.add(l);
      continue;
    }
    newLookup(word);
  }
  if (lookups.length === 0) {
    const l = newLookup('.');
    if (!typeSet.has(global)) l.type = RecordType.NS;
  }
  const cmd = globalCmd && global.display.cmd;
  return { args: [...argv], lookups, cmd, warnings };
}

type PlusResult = true | 'cmd-on' | 'cmd-off' | DigUsageError;

/** One `+[no]keyword[=value]` applied to `l`. */
function plusOption(word: string, l: Mutable<DigLookup>, isGlobal: boolean): PlusResult {
  const body = word.slice(1);
  const eq = body.indexOf('=');
  let key = (eq < 0 ? body : body.slice(0, eq)).toLowerCase();
  const value = eq < 0 ? undefined : body.slice(eq + 1);
  let on = true;
  if (key.startsWith('no') && key !== 'nssearch') {
    on = false;
    key = key.slice(2);
  }
  const d = l.display as Mutable<DigDisplay>;
  const needsNoValue = (): DigUsageError | undefined => (value === undefined ? undefined : invalid(word));
  if (UNSUPPORTED.has(key)) return bad([`dig: +${key} is not supported by netlab's dig`], 1);
  if (NO_EFFECT.has(key)) return true;
  switch (key) {
    case 'cmd':
      return needsNoValue() ?? (on ? 'cmd-on' : 'cmd-off');
    case 'comments':
    case 'comment':
      d.comments = on;
      return needsNoValue() ?? true;
    case 'question':
      d.question = on;
      return needsNoValue() ?? true;
    case 'answer':
      d.answer = on;
      return needsNoValue() ?? true;
    case 'authority':
      d.authority = on;
      return needsNoValue() ?? true;
    case 'additional':
      d.additional = on;
      return needsNoValue() ?? true;
    case 'stats':
    case 'stat':
      d.stats = on;
      return needsNoValue() ?? true;
    case 'all': {
      if (value !== undefined) return invalid(word);
      for (const k of ['comments', 'question', 'answer', 'authority', 'additional', 'stats'] as const)
        d[k] = on;
      d.cmd = on;
      return isGlobal ? (on ? 'cmd-on' : 'cmd-off') : true;
    }
    case 'short': {
      if (value !== undefined) return invalid(word);
      d.short = on;
      if (on) {
        d.cmd = false;
        d.comments = false;
        d.question = false;
        d.authority = false;
        d.additional = false;
        d.stats = false;
        d.answer = true;
      } else {
        d.cmd = true;
        d.comments = true;
        d.question = true;
        d.authority = true;
        d.additional = true;
        d.stats = true;
      }
      return isGlobal ? (on ? 'cmd-off' : 'cmd-on') : true;
    }
    case 'tcp':
    case 'vc':
      l.tcp = on;
      return needsNoValue() ?? true;
    case 'ignore':
      l.ignoreTc = on;
      return needsNoValue() ?? true;
    case 'recurse':
    case 'rec':
      l.recurse = on;
      return needsNoValue() ?? true;
    case 'adflag':
    case 'ad':
      l.adflag = on;
      return needsNoValue() ?? true;
    case 'cdflag':
    case 'cd':
      l.cdflag = on;
      return needsNoValue() ?? true;
    case 'search':
      l.search = on;
      return needsNoValue() ?? true;
    case 'edns': {
      if (!on) {
        l.edns = undefined;
        return needsNoValue() ?? true;
      }
      if (value === undefined) {
        l.edns = 0;
        return true;
      }
      const v = uint(value, 255, 'edns', 10);
      if (typeof v === 'object') return v;
      l.edns = v;
      return true;
    }
    case 'bufsize': {
      if (!on || value === undefined) return invalid(word);
      const v = uint(value, 65535, 'buffer size', 10);
      if (typeof v === 'object') return v;
      l.bufsize = v;
      if (l.edns === undefined) l.edns = 0;
      return true;
    }
    case 'timeout':
    case 'time': {
      if (!on || value === undefined) return invalid(word);
      const v = uint(value, 0xffffffff, 'timeout', 10);
      if (typeof v === 'object') return v;
      l.timeout = Math.max(1, v);
      return true;
    }
    case 'tries':
    case 'retry': {
      if (!on || value === undefined) return invalid(word);
      const v = uint(value, 0xffffffff, key === 'tries' ? 'tries' : 'retries', 10);
      if (typeof v === 'object') return v;
      l.tries = Math.max(1, key === 'tries' ? v : v + 1);
      return true;
    }
    default:
      return invalid(word);
  }
}
