/**
 * The header (or trailer) section of an HTTP message: an ordered list of field lines
 * (RFC 9110 §5). Order and the sender's spelling of names are kept, because they are what
 * curl -v and the trace show; lookups are case-insensitive (§5.1).
 *
 * A list field that arrives in several lines is the same as one line with the values
 * joined by commas (§5.3); `get` joins them that way, `getAll` keeps them apart. Values
 * are binary strings (one char per octet, see field-syntax.ts).
 *
 * A HeaderList is immutable once built; `with`/`without` return new lists.
 */
import { NetlabError } from '../../bytes/netlab-error.ts';
import { isFieldValue, isToken, splitList } from './field-syntax.ts';

/** What APIs accept where headers are given: a list, a record, or name/value pairs. */
export type HeaderInit =
  | HeaderList
  | Readonly<Record<string, string | number>>
  | readonly (readonly [string, string])[];

export class HeaderList {
  /** Names as sent. */
  readonly names: readonly string[];
  /** Lower-case names, index for index with `names`. */
  readonly keys: readonly string[];
  readonly values: readonly string[];

  /** Takes the arrays as they are: callers (the parser) have validated them. */
  constructor(names: readonly string[] = [], values: readonly string[] = [], keys?: readonly string[]) {
    this.names = names;
    this.values = values;
    this.keys = keys ?? names.map((n) => n.toLowerCase());
  }

  static readonly EMPTY = new HeaderList();

  /**
   * Builds a list from what an API user gave, validating names (tokens) and values
   * (field-value: no CR, LF or NUL, no leading or trailing whitespace). Throws a
   * NetlabError: a bad header given by local code is a programming error, and it is what
   * stops header injection.
   */
  static from(init: HeaderInit | undefined): HeaderList {
    if (init === undefined) return HeaderList.EMPTY;
    if (init instanceof HeaderList) return init;
    const pairs: readonly (readonly [string, string])[] = Array.isArray(init)
      ? (init as readonly (readonly [string, string])[])
      : Object.entries(init as Record<string, string | number>).map(([k, v]) => [k, String(v)] as const);
    const names: string[] = [];
    const values: string[] = [];
    for (const [name, value] of pairs) {
      checkField(name, value);
      names.push(name);
      values.push(value);
    }
    return new HeaderList(names, values);
  }

  get size(): number {
    return this.names.length;
  }

  has(name: string): boolean {
    return this.keys.indexOf(name.toLowerCase()) >= 0;
  }

  /** The value, or the values of every line with that name joined by ', '; undefined when absent. */
  get(name: string): string | undefined {
    const key = name.toLowerCase();
    let out: string | undefined;
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === key) out = out === undefined ? this.values[i]! : `${out}, ${this.values[i]!}`;
    }
    return out;
  }

  /** The value of each line with that name, in order. */
  getAll(name: string): string[] {
    const key = name.toLowerCase();
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.values[i]!);
    return out;
  }

  /** The elements of a list field over all its lines, lower-cased: `Connection: close, Upgrade` -> ['close', 'upgrade']. */
  tokens(name: string): string[] {
    const out: string[] = [];
    for (const v of this.getAll(name)) for (const item of splitList(v)) out.push(item.toLowerCase());
    return out;
  }

  /** Whether a list field contains the token (case-insensitive): `hasToken('connection', 'close')`. */
  hasToken(name: string, token: string): boolean {
    return this.tokens(name).includes(token.toLowerCase());
  }

  /** A copy with one more line at the end (validated). */
  with(name: string, value: string): HeaderList {
    checkField(name, value);
    return new HeaderList([...this.names, name], [...this.values, value], [...this.keys, name.toLowerCase()]);
  }

  /** A copy with the lines of `name` replaced by one line (appended at the end when absent). */
  set(name: string, value: string): HeaderList {
    checkField(name, value);
    const key = name.toLowerCase();
    const at = this.keys.indexOf(key);
    if (at < 0) return this.with(name, value);
    const names: string[] = [];
    const values: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      if (this.keys[i] === key) {
        if (i !== at) continue;
        names.push(name);
        values.push(value);
      } else {
        names.push(this.names[i]!);
        values.push(this.values[i]!);
      }
    }
    return new HeaderList(names, values);
  }

  /** A copy without the lines named (case-insensitive). */
  without(...names: string[]): HeaderList {
    const drop = new Set(names.map((n) => n.toLowerCase()));
    const keep: number[] = [];
    for (let i = 0; i < this.keys.length; i++) if (!drop.has(this.keys[i]!)) keep.push(i);
    if (keep.length === this.keys.length) return this;
    return new HeaderList(
      keep.map((i) => this.names[i]!),
      keep.map((i) => this.values[i]!),
      keep.map((i) => this.keys[i]!),
    );
  }

  /** [name, value] pairs in order, names as sent. */
  entries(): [string, string][] {
    return this.names.map((n, i) => [n, this.values[i]!]);
  }
}

function checkField(name: string, value: string): void {
  if (!isToken(name))
    throw new NetlabError('http-bad-field-name', `not a valid header name: ${JSON.stringify(name)}`);
  if (!isFieldValue(value)) {
    throw new NetlabError(
      'http-bad-field-value',
      `not a valid value for ${name}: ${JSON.stringify(value.slice(0, 60))} (CR, LF, NUL and edge whitespace are not allowed)`,
    );
  }
}
