/**
 * examples/dns-lookup.yaml says: the resolver walks root → com → example.com for the
 * first dig (160 msec), answers the second from its cache (0 msec, TTL 290), nslookup's
 * answer is non-authoritative, the NXDOMAIN takes one round trip straight to ns1 and
 * carries the SOA, and ping reaches the web server by name. These tests hold it to that.
 */
import { describe, expect, it } from 'vitest';
import { SECOND } from '../../src/sim/time.ts';
import type { OutputLine } from '../../src/tools/shell/shell.ts';
import { pingReplies, pingSummary, runExample } from './run-example.ts';

const text = (lines: readonly OutputLine[]) => lines.map((l) => l.text);
const queryTime = (lines: readonly OutputLine[]) =>
  Number(/(\d+) msec/.exec(text(lines).find((l) => l.startsWith(';; Query time:'))!)![1]);
const answer = (lines: readonly OutputLine[]) => {
  const t = text(lines);
  const i = t.indexOf(';; ANSWER SECTION:');
  return i < 0 ? [] : t.slice(i + 1, t.indexOf('', i));
};

describe('dns-lookup: a name through the hierarchy, then from the cache', async () => {
  const r = await runExample('dns-lookup');
  const dump = r.linesOf('resolver', 'tcpdump');
  /**
   * What tcpdump on the resolver printed between two instants, with the random parts
   * (ephemeral ports, query IDs) written P and ID.
   */
  const packets = (from: number, to: number) =>
    dump
      .filter((l) => l.time >= from * SECOND && l.time < to * SECOND && / IP /.test(l.text))
      .map((l) =>
        l.text
          .replace(/^\S+ IP /, '')
          .replace(/\.(\d{4,5})\b/g, '.P')
          .replace(/: \d+/, ': ID'),
      );

  it('the first dig: the resolver asks the root, then com, then example.com; 160 msec', () => {
    const first = r.linesOf('laptop', 'dig www.example.com', 0);
    expect(answer(first)).toEqual(['www.example.com.\t300\tIN\tA\t203.0.113.10']);
    expect(text(first)).toContain(';; flags: qr rd ra; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 1');
    expect(queryTime(first)).toBe(160);
    expect(packets(1, 2)).toEqual([
      '10.0.0.10.P > 10.0.0.53.53: ID+ [1au] A? www.example.com. (44)',
      // The resolver asks without RD; referrals come back not authoritative and without
      // recursion ('-'): one NS record in authority, its glue and the OPT in additional.
      '10.0.0.53.P > 198.41.0.4.53: ID [1au] A? www.example.com. (44)',
      '198.41.0.4.53 > 10.0.0.53.P: ID- 0/1/2 (78)',
      '10.0.0.53.P > 192.5.6.30.53: ID [1au] A? www.example.com. (44)',
      '192.5.6.30.53 > 10.0.0.53.P: ID- 0/1/2 (78)',
      '10.0.0.53.P > 203.0.113.53.53: ID [1au] A? www.example.com. (44)',
      '203.0.113.53.53 > 10.0.0.53.P: ID*- 1/0/1 A 203.0.113.10 (60)',
      '10.0.0.53.53 > 10.0.0.10.P: ID 1/0/1 A 203.0.113.10 (60)',
    ]);
  });

  it('the second dig comes from the cache: nothing leaves the resolver, 0 msec, TTL ten seconds lower', () => {
    const second = r.linesOf('laptop', 'dig www.example.com', 1);
    expect(queryTime(second)).toBe(0);
    expect(answer(second)).toEqual(['www.example.com.\t290\tIN\tA\t203.0.113.10']);
    expect(text(second).find((l) => l.startsWith(';; WHEN:'))).toMatch(/ 00:00:11 UTC \d{4}$/);
    expect(packets(11, 12)).toHaveLength(2);
  });

  it('nslookup: the same address, non-authoritative', () => {
    expect(text(r.linesOf('laptop', 'nslookup'))).toEqual([
      'Server:\t\t10.0.0.53',
      'Address:\t10.0.0.53#53',
      '',
      'Non-authoritative answer:',
      'Name:\twww.example.com',
      'Address: 203.0.113.10',
      '',
    ]);
  });

  it('a name that does not exist: one round trip straight to ns1, NXDOMAIN with the SOA for 300 s', () => {
    const nx = r.linesOf('laptop', 'dig nope.example.com');
    expect(text(nx).find((l) => l.startsWith(';; ->>HEADER<<-'))).toMatch(/status: NXDOMAIN, id: \d+$/);
    expect(text(nx)).toContain(
      'example.com.\t\t300\tIN\tSOA\tns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300',
    );
    expect(queryTime(nx)).toBe(40);
    const out = packets(13, 14).filter((p) => p.startsWith('10.0.0.53.P >'));
    expect(out).toEqual(['10.0.0.53.P > 203.0.113.53.53: ID [1au] A? nope.example.com. (45)']);
  });

  it('ping www.example.com: the address from the cache at once, then 40 ms across the WAN', () => {
    const ping = r.linesOf('laptop', 'ping');
    expect(ping[0]!.text).toBe('PING www.example.com (203.0.113.10) 56(84) bytes of data.');
    expect(ping[0]!.time - 14 * SECOND).toBeLessThan(SECOND / 1000);
    const replies = pingReplies(ping);
    expect(replies.map((x) => [x.from, x.ttl])).toEqual([
      ['web', 62],
      ['web', 62],
      ['web', 62],
    ]);
    expect(replies.every((x) => x.ms > 40 && x.ms < 41)).toBe(true);
    expect(pingSummary(ping)).toEqual({ transmitted: 3, received: 3, errors: 0 });
  });

  it('runs the same every time: the same seed, the same IDs, ports and times', async () => {
    const again = await runExample('dns-lookup');
    expect(again.result.output.map((l) => `${l.time} ${l.text}`)).toEqual(
      r.result.output.map((l) => `${l.time} ${l.text}`),
    );
  });
});
