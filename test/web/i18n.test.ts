/** The page's two languages: complete, with the same parameters, and picked from the browser. */
import { describe, expect, it } from 'vitest';
import { format, pickLanguage } from '../../web/src/ui/i18n.ts';
import { EN } from '../../web/src/ui/messages-en.ts';
import { KO } from '../../web/src/ui/messages-ko.ts';

const params = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('languages', () => {
  it('has every message in English and Korean, with the same parameters, none left in English', () => {
    expect(Object.keys(KO).sort()).toEqual(Object.keys(EN).sort());
    for (const [key, en] of Object.entries(EN)) {
      const ko = KO[key as keyof typeof EN];
      expect(ko.trim(), key).not.toBe('');
      expect(params(ko), key).toEqual(params(en));
    }
    // Korean text is Korean: only names, protocol words and examples stay in Latin letters.
    const untranslated = Object.entries(KO).filter(
      ([k, v]) => v === EN[k as keyof typeof EN] && /[a-z]{4,}/.test(v),
    );
    expect(untranslated.map(([k]) => k).sort()).toEqual(['app.pcap', 'col.cwnd', 'terminal.placeholder']);
  });

  it('follows the browser: Korean for ko, English otherwise', () => {
    expect(pickLanguage(['ko-KR', 'en-US'])).toBe('ko');
    expect(pickLanguage(['ko'])).toBe('ko');
    expect(pickLanguage(['en-GB', 'ko'])).toBe('en');
    expect(pickLanguage(['fr-FR', 'ko-KR'])).toBe('ko');
    expect(pickLanguage(['de'])).toBe('en');
    expect(pickLanguage([])).toBe('en');
  });

  it('fills parameters', () => {
    expect(format(EN['pkt.countFiltered'], { n: 3, total: 69 })).toBe('3 of 69 packets');
    expect(format(KO['pkt.countFiltered'], { n: 3, total: 69 })).toBe('패킷 69개 중 3개');
  });
});
