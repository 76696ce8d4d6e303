/** Suggestions for misspelt keys and names: close typos get one, far-off words none. */
import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from './did-you-mean.ts';

describe('did you mean', () => {
  const keys = ['endpoints', 'preset', 'rate', 'delay', 'loss', 'duplicate', 'jitter', 'queue', 'mtu'];

  it('suggests the nearest key for typos, swaps and case', () => {
    expect(closest('dely', keys)).toBe('delay');
    expect(closest('dealy', keys)).toBe('delay');
    expect(closest('Rate', keys)).toBe('rate');
    expect(closest('endpoint', keys)).toBe('endpoints');
    expect(closest('queu', keys)).toBe('queue');
    expect(closest('mac-table-size', ['mac_table_size', 'aging'])).toBe('mac_table_size');
  });

  it('stays quiet when nothing is close', () => {
    expect(closest('bandwidth', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
    expect(closest('', keys)).toBeUndefined();
    expect(didYouMean('zzz', keys)).toBe('');
    expect(didYouMean('lose', keys)).toBe(" (did you mean 'loss'?)");
  });

  it('prefers the earlier candidate on ties', () => {
    expect(closest('h3', ['h1', 'h2'])).toBe('h1');
  });
});
