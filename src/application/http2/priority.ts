/**
 * Extensible priorities, RFC 9218: the urgency (0 most urgent to 7, default 3) and
 * incremental flag (default false) of a response, carried by the Priority request
 * header and by PRIORITY_UPDATE frames in the same syntax — a Structured Fields
 * dictionary (RFC 8941 §3.2) such as `u=1, i`.
 *
 * The parser reads the dictionary members it needs and skips the rest (§4: unknown
 * parameters are ignored; values out of range or of the wrong type are ignored too, and
 * the default applies). A value that is not a dictionary at all yields the defaults.
 * RFC 7540 stream dependencies are not used (RFC 9113 §5.3.2).
 */

export interface Priority {
  /** 0 (most urgent) to 7. */
  readonly urgency: number;
  readonly incremental: boolean;
}

export const DEFAULT_PRIORITY: Priority = { urgency: 3, incremental: false };

const KEY = /^[a-z*][a-z0-9_\-.*]*/;

/** Parses a Priority field value; anything unusable falls back to the defaults. */
export function parsePriority(value: string, base: Priority = DEFAULT_PRIORITY): Priority {
  let urgency = base.urgency;
  let incremental = base.incremental;
  for (const rawMember of splitMembers(value)) {
    const member = rawMember.trim();
    if (member === '') continue;
    const key = KEY.exec(member)?.[0];
    if (!key) return base;
    let rest = member.slice(key.length);
    let item: string | true = true;
    if (rest.startsWith('=')) {
      const semi = rest.indexOf(';');
      item = (semi < 0 ? rest.slice(1) : rest.slice(1, semi)).trim();
      rest = semi < 0 ? '' : rest.slice(semi);
    }
    if (key === 'u') {
      if (typeof item === 'string' && /^-?\d{1,15}$/.test(item)) {
        const n = Number(item);
        if (n >= 0 && n <= 7) urgency = n;
      }
    } else if (key === 'i') {
      if (item === true || item === '?1') incremental = true;
      else if (item === '?0') incremental = false;
    }
  }
  return { urgency, incremental };
}

/** Splits at commas that are not inside a quoted string. */
function splitMembers(value: string): string[] {
  const out: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(value.slice(start, i));
      start = i + 1;
    }
  }
  out.push(value.slice(start));
  return out;
}

/** The field value for `p`, leaving out defaults: `u=1, i`, `i`, or '' for the defaults. */
export function formatPriority(p: Priority): string {
  const parts: string[] = [];
  if (p.urgency !== DEFAULT_PRIORITY.urgency) parts.push(`u=${p.urgency}`);
  if (p.incremental) parts.push('i');
  return parts.join(', ');
}
