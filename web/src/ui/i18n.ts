/**
 * English and Korean. The browser's language picks the default (Korean for `ko`, English
 * otherwise); a choice made with the switch is remembered. `{name}` in a message is
 * replaced by the parameter of that name. Every key exists in both languages: the
 * Korean table is typed against the English one, and a test checks both are complete.
 */
import { EN } from './messages-en.ts';
import { KO } from './messages-ko.ts';

export type MessageKey = keyof typeof EN;
export type Language = 'en' | 'ko';

const TABLES: Record<Language, Record<string, string>> = { en: EN, ko: KO };
const STORAGE_KEY = 'netlab.language';

let current: Language = initial();

function initial(): Language {
  const fromHash = /(?:^|[#&])lang=(en|ko)\b/.exec(globalThis.location?.hash ?? '')?.[1];
  if (fromHash === 'en' || fromHash === 'ko') return fromHash;
  try {
    const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'ko') return saved;
  } catch {
    // Storage may be off (private mode, file:// in some browsers): the browser's language decides.
  }
  return pickLanguage(globalThis.navigator?.languages ?? [globalThis.navigator?.language ?? 'en']);
}

/** The browser's preferred languages → the lab's language. */
export function pickLanguage(preferred: readonly string[]): Language {
  for (const l of preferred) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'ko') return 'ko';
    if (base === 'en') return 'en';
  }
  return 'en';
}

export function language(): Language {
  return current;
}

export function setLanguage(l: Language): void {
  current = l;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, l);
  } catch {
    // Not remembered; still switched.
  }
}

export function format(template: string, params?: Record<string, string | number>): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

export function t(key: MessageKey, params?: Record<string, string | number>): string {
  return format(TABLES[current][key] ?? EN[key], params);
}

/** For keys built at run time (a table a new layer adds): the fallback when not translated. */
export function tx(key: string, fallback: string): string {
  return TABLES[current][key] ?? (EN as Record<string, string>)[key] ?? fallback;
}
