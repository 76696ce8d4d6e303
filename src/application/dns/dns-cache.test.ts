import { describe, expect, it } from 'vitest';
import { SECOND } from '../../sim/time.ts';
import { DnsCache } from './dns-cache.ts';
import type { DnsRecord } from './dns-message.ts';

const a = (name: string, address: string, ttl: number): DnsRecord => ({
  name,
  type: 1,
  class: 1,
  ttl,
  data: { kind: 'a', address },
});
const soa: DnsRecord = {
  name: 'example.com.',
  type: 6,
  class: 1,
  ttl: 3600,
  data: { kind: 'soa', mname: 'ns.', rname: 'h.', serial: 1, refresh: 2, retry: 3, expire: 4, minimum: 60 },
};

describe('the resolver cache', () => {
  it('counts TTLs down in time and forgets an entry when its TTL runs out', () => {
    const c = new DnsCache();
    c.putRRset([a('www.example.com.', '192.0.2.1', 100), a('www.example.com.', '192.0.2.2', 100)], 0);
    // Whole seconds of the clock, as BIND counts: 100 - 30 at t = 30.5 s.
    expect(c.get('WWW.example.com.', 1, 30.5 * SECOND)).toEqual({
      kind: 'positive',
      records: [a('www.example.com.', '192.0.2.1', 70), a('www.example.com.', '192.0.2.2', 70)],
    });
    expect(c.get('www.example.com.', 1, 100 * SECOND)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('says the full TTL within the second it stored the answer, one less at the next tick', () => {
    const c = new DnsCache();
    c.putRRset([a('www.example.com.', '192.0.2.1', 300)], 0.12 * SECOND);
    const ttl = (t: number) => c.ttlLeft('www.example.com.', 1, t);
    expect([ttl(0.12 * SECOND + 8000), ttl(0.999 * SECOND), ttl(SECOND), ttl(299.5 * SECOND)]).toEqual([
      300, 300, 299, 1,
    ]);
    expect(ttl(300 * SECOND)).toBeUndefined();
  });

  it('caches NXDOMAIN for every type and NODATA per type, for min(SOA TTL, MINIMUM)', () => {
    const c = new DnsCache();
    expect(c.putNegative('nope.example.com.', 1, 'nxdomain', soa, 0)).toBe(60);
    expect(c.get('nope.example.com.', 28, 10 * SECOND)).toMatchObject({ kind: 'nxdomain', soa: { ttl: 50 } });
    c.putNegative('www.example.com.', 15, 'nodata', soa, 0);
    expect(c.get('www.example.com.', 15, 0)?.kind).toBe('nodata');
    expect(c.get('www.example.com.', 1, 0)).toBeUndefined();
    expect(c.get('nope.example.com.', 1, 60 * SECOND)).toBeUndefined();
    expect(c.putNegative('x.example.com.', 1, 'nxdomain', undefined, 0)).toBe(0);
  });

  it('is bounded: the least recently used entry goes first', () => {
    const c = new DnsCache({ maxEntries: 3 });
    for (const n of ['a', 'b', 'c']) c.putRRset([a(`${n}.test.`, '10.0.0.1', 60)], 0);
    c.get('a.test.', 1, 0);
    c.putRRset([a('d.test.', '10.0.0.1', 60)], 0);
    expect(c.entries(0).map((e) => e.name)).toEqual(['c.test.', 'a.test.', 'd.test.']);
    expect(c.evictions).toBe(1);
  });

  it('does not let glue replace a live answer, caps TTLs, and never caches TTL 0', () => {
    const c = new DnsCache({ maxTtl: 1000 });
    c.putRRset([a('ns.test.', '10.0.0.1', 5000)], 0, 'answer');
    expect(c.putRRset([a('ns.test.', '10.6.6.6', 60)], 0, 'glue')).toBe(false);
    expect(c.entries(0)).toMatchObject([
      { name: 'ns.test.', ttl: 1000, rank: 'answer', records: [{ data: { address: '10.0.0.1' } }] },
    ]);
    expect(c.putRRset([a('zero.test.', '10.0.0.2', 0)], 0)).toBe(false);
  });
});
