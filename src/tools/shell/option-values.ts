/**
 * Value converters for `parseOptions`, with the error wording of the Linux tools:
 *
 * - `integerValue` parses like strtol(3) in base 10 and reports like iputils'
 *   strtol_or_err(): `invalid argument: 'x'` and
 *   `invalid argument: '0': out of range: 1 <= value <= 9223372036854775807`
 *   (the label is the caller's: iputils 2021+ says "invalid argument" for -c, -s, -t, -w);
 * - `numberValue` parses like strtod(3) (decimal only) and reports `label: text`, as
 *   iputils does for -i and -W (`bad timing interval: x`);
 * - `durationValue` accepts netlab durations (`10ms`, `1.5s`, bare seconds) in ns;
 * - `choiceValue` accepts one of a fixed set of words (`invalid -M argument: x`).
 *
 * Left out: hexadecimal/octal integers and strtod's hex floats, infinities and NaN.
 */
import { parseDuration, type Time } from '../../sim/time.ts';
import type { ValueResult } from './options.ts';

/** LONG_MAX on 64-bit Linux: the upper bound iputils uses for counts. */
export const LONG_MAX = 9_223_372_036_854_775_807n;
const LONG_MIN = -9_223_372_036_854_775_808n;

export interface IntegerValueOptions {
  /** Message start: 'invalid argument'. */
  readonly label: string;
  readonly min?: number | bigint;
  readonly max?: number | bigint;
}

/** A base-10 integer within [min, max] (defaults: the safe-integer range). */
export function integerValue(opts: IntegerValueOptions): (text: string) => ValueResult<number> {
  const min = BigInt(opts.min ?? Number.MIN_SAFE_INTEGER);
  const max = BigInt(opts.max ?? Number.MAX_SAFE_INTEGER);
  return (text) => {
    // strtol skips leading white space, takes a sign and digits, and must end the string.
    const m = /^[ \t\n\v\f\r]*([+-]?\d+)$/.exec(text);
    if (!m) return { error: `${opts.label}: '${text}'` };
    const n = BigInt(m[1]!);
    if (n > LONG_MAX || n < LONG_MIN)
      return { error: `${opts.label}: '${text}': Numerical result out of range` };
    if (n < min || n > max)
      return { error: `${opts.label}: '${text}': out of range: ${min} <= value <= ${max}` };
    return { value: Number(n) };
  };
}

export interface NumberValueOptions {
  /** Message start: 'bad timing interval'. */
  readonly label: string;
  readonly min?: number;
  readonly max?: number;
}

/** A finite decimal number within [min, max]. */
export function numberValue(opts: NumberValueOptions): (text: string) => ValueResult<number> {
  const min = opts.min ?? Number.NEGATIVE_INFINITY;
  const max = opts.max ?? Number.POSITIVE_INFINITY;
  return (text) => {
    if (!/^[ \t\n\v\f\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text))
      return { error: `${opts.label}: ${text}` };
    const n = Number(text.trim());
    if (!Number.isFinite(n) || n < min || n > max) return { error: `${opts.label}: ${text}` };
    return { value: n };
  };
}

export interface DurationValueOptions {
  /** Message start: 'invalid time interval'. */
  readonly label: string;
  readonly min?: Time;
  readonly max?: Time;
}

/** A duration in simulated nanoseconds: `250ms`, `1.5s`, `2` (seconds). */
export function durationValue(opts: DurationValueOptions): (text: string) => ValueResult<Time> {
  return (text) => {
    const t = parseDuration(text);
    if (t === undefined || t < (opts.min ?? 0) || t > (opts.max ?? Number.MAX_SAFE_INTEGER)) {
      return { error: `${opts.label}: '${text}'` };
    }
    return { value: t };
  };
}

/** One of `choices`, exactly. */
export function choiceValue<const C extends string>(
  label: string,
  choices: readonly C[],
): (text: string) => ValueResult<C> {
  return (text) =>
    (choices as readonly string[]).includes(text) ? { value: text as C } : { error: `${label}: ${text}` };
}

/** Any text, unchanged (an interface name, a URL, a header). */
export function stringValue(): (text: string) => ValueResult<string> {
  return (text) => ({ value: text });
}
