import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NetlabError } from '../bytes/netlab-error.ts';
import {
  broadcastOf,
  formatIpv4Address,
  formatIpv4Prefix,
  isLimitedBroadcast,
  isLoopback,
  isMulticast,
  isPrivate,
  networkOf,
  parseIpv4Address,
  parseIpv4Prefix,
  prefixContains,
  prefixMask,
  readIpv4,
  writeIpv4,
} from './ipv4-address.ts';

const ip = (text: string): number => {
  const a = parseIpv4Address(text);
  if (a === undefined) throw new Error(`bad test address ${text}`);
  return a;
};

describe('parseIpv4Address / formatIpv4Address', () => {
  it('parses dotted quads to uint32', () => {
    expect(parseIpv4Address('192.168.1.10')).toBe(0xc0a8010a);
    expect(parseIpv4Address('0.0.0.0')).toBe(0);
    expect(parseIpv4Address('255.255.255.255')).toBe(0xffffffff);
    expect(parseIpv4Address(' 10.0.0.1 ')).toBe(0x0a000001);
  });

  it('rejects anything that is not four plain decimal octets', () => {
    for (const bad of [
      '',
      '1.2.3',
      '1.2.3.4.5',
      '256.0.0.1',
      '1.2.3.999',
      '010.0.0.1',
      '1.2.3.04',
      '00.0.0.0',
      '0x0a.0.0.1',
      '10.1',
      '-1.0.0.0',
      '1.2.3.4/24',
      '1..3.4',
      '1.2.3.4.',
      '１.2.3.4',
      '1.2.3.4 5',
    ]) {
      expect(parseIpv4Address(bad), bad).toBeUndefined();
    }
  });

  it('formats, including the high bit', () => {
    expect(formatIpv4Address(0xc0a8010a)).toBe('192.168.1.10');
    expect(formatIpv4Address(0xffffffff)).toBe('255.255.255.255');
    expect(formatIpv4Address(-1)).toBe('255.255.255.255');
    expect(formatIpv4Address(0)).toBe('0.0.0.0');
  });

  it('round-trips every uint32', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (n) => {
        expect(parseIpv4Address(formatIpv4Address(n))).toBe(n);
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseIpv4Address(s);
        expect(r === undefined || (Number.isInteger(r) && r >= 0 && r <= 0xffffffff)).toBe(true);
      }),
    );
  });
});

describe('prefixes', () => {
  it('keeps the address as written and defaults a bare address to /32', () => {
    expect(parseIpv4Prefix('10.0.0.1/24')).toEqual({ address: 0x0a000001, length: 24 });
    expect(parseIpv4Prefix('10.0.0.1')).toEqual({ address: 0x0a000001, length: 32 });
    expect(parseIpv4Prefix('0.0.0.0/0')).toEqual({ address: 0, length: 0 });
    expect(formatIpv4Prefix({ address: 0x0a000001, length: 24 })).toBe('10.0.0.1/24');
  });

  it('rejects bad prefixes', () => {
    for (const bad of [
      '10.0.0.1/33',
      '10.0.0.1/',
      '10.0.0.1/08',
      '10.0.0.1/-1',
      '10.0.0/8',
      '/8',
      '10.0.0.1/2/3',
      '10.0.0.1/1a',
    ]) {
      expect(parseIpv4Prefix(bad), bad).toBeUndefined();
    }
  });

  it('computes masks, networks and broadcasts', () => {
    expect(prefixMask(0)).toBe(0);
    expect(prefixMask(8)).toBe(0xff000000);
    expect(prefixMask(24)).toBe(0xffffff00);
    expect(prefixMask(31)).toBe(0xfffffffe);
    expect(prefixMask(32)).toBe(0xffffffff);
    expect(() => prefixMask(33)).toThrow(NetlabError);
    expect(() => prefixMask(-1)).toThrow(NetlabError);
    expect(() => prefixMask(1.5)).toThrow(NetlabError);

    const p = parseIpv4Prefix('192.168.1.10/24')!;
    expect(networkOf(p)).toBe(ip('192.168.1.0'));
    expect(broadcastOf(p)).toBe(ip('192.168.1.255'));
    expect(broadcastOf(parseIpv4Prefix('172.16.5.4/12')!)).toBe(ip('172.31.255.255'));
    expect(broadcastOf(parseIpv4Prefix('10.0.0.1/0')!)).toBe(0xffffffff);
    expect(networkOf(parseIpv4Prefix('10.0.0.1/0')!)).toBe(0);
    // RFC 3021: a /31 point-to-point link has no directed broadcast; nor does a /32.
    expect(broadcastOf(parseIpv4Prefix('10.0.0.0/31')!)).toBe(0xffffffff);
    expect(broadcastOf(parseIpv4Prefix('10.0.0.1/32')!)).toBe(0xffffffff);
  });

  it('tests membership', () => {
    const p = parseIpv4Prefix('10.1.2.3/16')!;
    expect(prefixContains(p, ip('10.1.0.0'))).toBe(true);
    expect(prefixContains(p, ip('10.1.255.255'))).toBe(true);
    expect(prefixContains(p, ip('10.2.0.0'))).toBe(false);
    expect(prefixContains(parseIpv4Prefix('0.0.0.0/0')!, ip('203.0.113.9'))).toBe(true);
    expect(prefixContains(parseIpv4Prefix('203.0.113.9')!, ip('203.0.113.9'))).toBe(true);
    expect(prefixContains(parseIpv4Prefix('203.0.113.9')!, ip('203.0.113.8'))).toBe(false);
    expect(prefixContains(parseIpv4Prefix('128.0.0.0/1')!, ip('200.0.0.0'))).toBe(true);
  });

  it('agrees with networkOf and broadcastOf for every prefix', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 30 }),
        fc.integer(),
        (a, len, x) => {
          const p = { address: a, length: len };
          const addr = x >>> 0;
          const inside = addr >= networkOf(p) && addr <= broadcastOf(p);
          expect(prefixContains(p, addr)).toBe(inside);
          expect(parseIpv4Prefix(formatIpv4Prefix(p))).toEqual(p);
        },
      ),
    );
  });
});

describe('address classes', () => {
  it('classifies special addresses', () => {
    expect(isLimitedBroadcast(ip('255.255.255.255'))).toBe(true);
    expect(isLimitedBroadcast(ip('192.168.1.255'))).toBe(false);
    expect(isMulticast(ip('224.0.0.1'))).toBe(true);
    expect(isMulticast(ip('239.255.255.250'))).toBe(true);
    expect(isMulticast(ip('240.0.0.0'))).toBe(false);
    expect(isMulticast(ip('223.255.255.255'))).toBe(false);
    expect(isLoopback(ip('127.0.0.1'))).toBe(true);
    expect(isLoopback(ip('127.255.0.9'))).toBe(true);
    expect(isLoopback(ip('128.0.0.1'))).toBe(false);
  });

  it('knows the RFC 1918 ranges exactly', () => {
    for (const yes of [
      '10.0.0.0',
      '10.255.255.255',
      '172.16.0.0',
      '172.31.255.255',
      '192.168.0.0',
      '192.168.255.255',
    ]) {
      expect(isPrivate(ip(yes)), yes).toBe(true);
    }
    for (const no of [
      '9.255.255.255',
      '11.0.0.0',
      '172.15.255.255',
      '172.32.0.0',
      '192.167.255.255',
      '192.169.0.0',
      '8.8.8.8',
    ]) {
      expect(isPrivate(ip(no)), no).toBe(false);
    }
  });
});

describe('readIpv4 / writeIpv4', () => {
  it('reads and writes big-endian at an offset', () => {
    const b = new Uint8Array(7);
    writeIpv4(b, 2, ip('192.168.1.10'));
    expect(Array.from(b)).toEqual([0, 0, 192, 168, 1, 10, 0]);
    expect(readIpv4(b, 2)).toBe(0xc0a8010a);
    writeIpv4(b, 3, -1);
    expect(readIpv4(b, 3)).toBe(0xffffffff);
  });
});
