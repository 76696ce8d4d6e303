import { describe, expect, it } from 'vitest';
import { parseRequestTarget } from './request-target.ts';

describe('request targets as paths', () => {
  it.each([
    ['/', '/', ''],
    ['/index.html?lang=en&x=%20', '/index.html', 'lang=en&x=%20'],
    ['/a/./b/../c', '/a/c', ''],
    ['/a/b/..', '/a/', ''],
    ['/../../etc/passwd', '/etc/passwd', ''],
    ['/%2e%2e/%2E%2E/secret', '/secret', ''],
    ['/caf%C3%A9', '/café', ''],
    ['http://example.com/x/y?z', '/x/y', 'z'],
    ['http://example.com', '/', ''],
    ['*', '*', ''],
  ])('%s -> %s', (target, path, query) => {
    expect(parseRequestTarget(target)).toEqual({ path, query });
  });

  it.each(['/a%2Fb', '/a%00b', '/a%5cb', '/%ff', '/%zz', 'index.html'])('refuses %s', (target) => {
    expect(parseRequestTarget(target)).toBeUndefined();
  });
});
