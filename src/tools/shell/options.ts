/**
 * A small getopt_long for the tools' flags, behaving like glibc's getopt_long(3) so that
 * `ping -c3 -n 10.0.0.2`, `ping 10.0.0.2 -c 3`, `netstat -an` and `curl --header=X` all
 * parse as on Linux, with the same error messages:
 *
 *   ping: invalid option -- 'z'
 *   ping: option requires an argument -- 'c'
 *   ping: unrecognized option '--frob'
 *   ping: option '--count' requires an argument
 *   ping: option '--numeric' doesn't allow an argument
 *
 * Short flags combine (`-an`); a short option's value is the rest of the word or the next
 * word (`-c3`, `-c 3`, even `-c -1`); long options take `--name=value` or `--name value`;
 * `--` ends the options; a lone `-` is a positional. Options and positionals may mix (GNU
 * permutation) unless the spec asks to stop at the first positional (POSIXLY_CORRECT).
 * Values go through the option's converter (see option-values.ts), whose error text
 * follows the program name: `ping: invalid argument: 'x'`.
 *
 * Left out: abbreviated long options (`--cou` for `--count`), optional arguments (`::`),
 * and the usage text real tools print after an error (the caller appends its own).
 */

/** What a value converter returns: the value, or the message that follows "program: ". */
export type ValueResult<T> = { readonly value: T } | { readonly error: string };

export interface OptionDef<T = unknown> {
  /** One character: `c` for `-c`. */
  readonly short?: string;
  /** The long name without dashes: `count` for `--count`. */
  readonly long?: string;
  /** Present when the option takes an argument: converts and validates it. */
  readonly value?: (text: string) => ValueResult<T>;
  /**
   * Keep every occurrence: options with a value collect an array (`-H a -H b`), flags
   * count (`-vvv` gives 3). Otherwise the last value wins and a flag is `true`.
   */
  readonly multiple?: boolean;
}

export interface OptionsSpec {
  /** Program name that starts every error message: `ping`. */
  readonly program: string;
  /** Options by the key they get in the result. */
  readonly options: Readonly<Record<string, OptionDef>>;
  /** Stop at the first positional; later words are positionals even if they start with '-'. */
  readonly stopAtFirstPositional?: boolean;
}

type ValueOf<D> = D extends { readonly value: (text: string) => ValueResult<infer T> }
  ? D extends { readonly multiple: true }
    ? T[]
    : T
  : D extends { readonly multiple: true }
    ? number
    : boolean;

/** The parsed options: only those present on the command line have a key. */
export type ParsedOptions<S extends OptionsSpec> = {
  -readonly [K in keyof S['options']]?: ValueOf<S['options'][K]>;
};

export type ParseOptionsResult<S extends OptionsSpec> =
  | { readonly options: ParsedOptions<S>; readonly positionals: string[] }
  | { readonly error: string };

interface Found {
  readonly key: string;
  readonly def: OptionDef;
}

/**
 * Parses `args` (the words after the command name) against `spec`. Never throws on user
 * input; throws only if the spec itself is malformed (a programming mistake).
 */
export function parseOptions<const S extends OptionsSpec>(
  args: readonly string[],
  spec: S,
): ParseOptionsResult<S> {
  const byShort = new Map<string, Found>();
  const byLong = new Map<string, Found>();
  for (const [key, def] of Object.entries(spec.options)) {
    if (def.short !== undefined) {
      if (def.short.length !== 1 || def.short === '-')
        throw new TypeError(`bad short option '${def.short}' for ${key}`);
      byShort.set(def.short, { key, def });
    }
    if (def.long !== undefined) byLong.set(def.long, { key, def });
  }

  const options: Record<string, unknown> = Object.create(null);
  const positionals: string[] = [];
  const program = spec.program;

  const store = (found: Found, text: string | undefined): string | undefined => {
    const { key, def } = found;
    if (def.value === undefined) {
      options[key] = def.multiple ? ((options[key] as number | undefined) ?? 0) + 1 : true;
      return undefined;
    }
    const converted = def.value(text ?? '');
    if ('error' in converted) return `${program}: ${converted.error}`;
    if (def.multiple) {
      const list = (options[key] as unknown[] | undefined) ?? [];
      list.push(converted.value);
      options[key] = list;
    } else {
      options[key] = converted.value;
    }
    return undefined;
  };

  let i = 0;
  while (i < args.length) {
    const arg = args[i]!;
    i++;
    if (arg === '--') {
      positionals.push(...args.slice(i));
      break;
    }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const found = byLong.get(name);
      if (!found) return { error: `${program}: unrecognized option '${eq < 0 ? arg : arg.slice(0, eq)}'` };
      let text: string | undefined;
      if (found.def.value !== undefined) {
        if (eq >= 0) text = arg.slice(eq + 1);
        else if (i < args.length) text = args[i++]!;
        else return { error: `${program}: option '--${name}' requires an argument` };
      } else if (eq >= 0) {
        return { error: `${program}: option '--${name}' doesn't allow an argument` };
      }
      const err = store(found, text);
      if (err !== undefined) return { error: err };
      continue;
    }
    if (arg.length > 1 && arg.startsWith('-')) {
      for (let j = 1; j < arg.length; j++) {
        const ch = arg[j]!;
        const found = byShort.get(ch);
        if (!found) return { error: `${program}: invalid option -- '${ch}'` };
        if (found.def.value === undefined) {
          const err = store(found, undefined);
          if (err !== undefined) return { error: err };
          continue;
        }
        let text: string;
        if (j + 1 < arg.length) text = arg.slice(j + 1);
        else if (i < args.length) text = args[i++]!;
        else return { error: `${program}: option requires an argument -- '${ch}'` };
        const err = store(found, text);
        if (err !== undefined) return { error: err };
        break;
      }
      continue;
    }
    positionals.push(arg);
    if (spec.stopAtFirstPositional) {
      positionals.push(...args.slice(i));
      break;
    }
  }
  return { options: options as ParsedOptions<S>, positionals };
}
