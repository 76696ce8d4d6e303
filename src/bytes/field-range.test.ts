import { describe, expect, it } from 'vitest';
import { checkFieldRange } from './field-range.ts';
import { NetlabError } from './netlab-error.ts';

describe('checkFieldRange', () => {
  it('accepts the integers from 0 to the maximum', () => {
    for (const v of [0, 1, 254, 255]) expect(() => checkFieldRange('bad-x', 'ttl', v, 255)).not.toThrow();
  });

  it('refuses anything else with the code given and a message naming the field', () => {
    for (const v of [-1, 256, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      let caught: unknown;
      try {
        checkFieldRange('bad-x', 'ttl', v, 255);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(NetlabError);
      expect((caught as NetlabError).code).toBe('bad-x');
      expect((caught as NetlabError).message).toBe(`ttl must be an integer in 0..255, got ${v}`);
    }
  });
});
