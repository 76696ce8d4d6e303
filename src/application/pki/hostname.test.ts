import { describe, expect, it } from 'vitest';
import { dnsNameMatches } from './hostname.ts';

describe('host names against subjectAltName (RFC 6125 §6.4)', () => {
  it.each([
    ['www.example.com', 'www.example.com', true],
    ['WWW.Example.COM', 'www.example.com', true],
    ['www.example.com.', 'www.example.com', true],
    ['www.example.com', 'example.com', false],
    ['*.example.com', 'www.example.com', true],
    ['*.example.com', 'WWW.EXAMPLE.COM', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', '.example.com', false],
    ['*.com', 'example.com', false],
    ['w*.example.com', 'www.example.com', false],
    ['www.*.com', 'www.example.com', false],
    ['*.*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'xn--bcher-kva.example.com', false],
    ['', 'example.com', false],
  ])('%s vs %s: %s', (pattern, host, want) => {
    expect(dnsNameMatches(pattern, host)).toBe(want);
  });
});
