/** Rates, probabilities and queue limits as scenario files write them. */
import { describe, expect, it } from 'vitest';
import {
  formatQueueLimit,
  formatRate,
  looksLikeByteRate,
  parseProbability,
  parseQueueLimit,
  parseRate,
} from './units.ts';

describe('rates', () => {
  it('reads SI bit rates; a bare number is bit/s', () => {
    expect(parseRate('1Gbps')).toBe(1e9);
    expect(parseRate('100 Mbps')).toBe(100e6);
    expect(parseRate('10Mbit/s')).toBe(10e6);
    expect(parseRate('64kbps')).toBe(64e3);
    expect(parseRate('2.5G')).toBe(2.5e9);
    expect(parseRate('1.544 mbps')).toBe(1.544e6);
    expect(parseRate('9600')).toBe(9600);
    expect(parseRate(9600)).toBe(9600);
    expect(parseRate('1e6bps')).toBe(1e6);
  });

  it('refuses zero, negatives, byte rates and nonsense', () => {
    for (const bad of ['0', '-1Mbps', 'fast', '10MB/s', '10 MBps', 'Gbps', '1e999', '']) {
      expect(parseRate(bad)).toBeUndefined();
    }
    expect(parseRate(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(looksLikeByteRate('10MB/s')).toBe(true);
    expect(looksLikeByteRate('10Mbps')).toBe(false);
  });

  it('formats', () => {
    expect(formatRate(1e9)).toBe('1 Gbit/s');
    expect(formatRate(1.544e6)).toBe('1.544 Mbit/s');
    expect(formatRate(300)).toBe('300 bit/s');
  });
});

describe('probabilities', () => {
  it('fractions and percentages', () => {
    expect(parseProbability('0.1%')).toBeCloseTo(0.001, 12);
    expect(parseProbability('0.001')).toBe(0.001);
    expect(parseProbability('1e-3')).toBe(0.001);
    expect(parseProbability(0)).toBe(0);
    expect(parseProbability('150%')).toBe(1.5); // range is the caller's check
    expect(parseProbability('-0.1')).toBe(-0.1);
    expect(parseProbability('lots')).toBeUndefined();
    expect(parseProbability(Number.NaN)).toBeUndefined();
  });
});

describe('queue limits', () => {
  it('packets, or bytes with SI or binary units', () => {
    expect(parseQueueLimit(100)).toEqual({ packets: 100 });
    expect(parseQueueLimit('100 packets')).toEqual({ packets: 100 });
    expect(parseQueueLimit('64KB')).toEqual({ bytes: 64000 });
    expect(parseQueueLimit('64kB')).toEqual({ bytes: 64000 });
    expect(parseQueueLimit('64KiB')).toEqual({ bytes: 65536 });
    expect(parseQueueLimit('1.5MB')).toEqual({ bytes: 1.5e6 });
    expect(parseQueueLimit('1500B')).toEqual({ bytes: 1500 });
    for (const bad of [0, 1.5, '0', '-5', '1.5', '10 parsecs', '0.1B'])
      expect(parseQueueLimit(bad)).toBeUndefined();
    expect(formatQueueLimit({ bytes: 64000 })).toBe('64000 bytes');
  });
});
