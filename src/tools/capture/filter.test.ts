import { describe, expect, it } from 'vitest';
import { fromHex } from '../../bytes/hex.ts';
import { dissect } from '../dissect/index.ts';
import { compileCaptureFilter } from './filter.ts';

const ECHO = fromHex(
  '020000000002 020000000001 0800 4500 0054 0001 4000 4001 26a6 0a000001 0a000002 0800 2cf6 1234 0001' +
    '00'.repeat(56),
);
// UDP 10.0.0.1:5353 -> 10.0.0.2:53, no checksum.
const DNS = fromHex(
  '020000000002 020000000001 0800 4500 0024 0002 0000 4011 66c5 0a000001 0a000002 14e9 0035 0010 0000 0102030405060708',
);

function matches(expr: string, frame: Uint8Array): boolean {
  const f = compileCaptureFilter(
    expr.split(' ').filter((w) => w !== ''),
    (n) => (n === 'h2' ? 0x0a000002 : undefined),
  );
  if ('error' in f) throw new Error(f.error);
  return f(frame, dissect(frame));
}

describe('capture filters', () => {
  it('match protocols, hosts, nets and ports with and/or/not and parentheses', () => {
    expect(matches('', ECHO)).toBe(true);
    expect(matches('icmp', ECHO)).toBe(true);
    expect(matches('icmp', DNS)).toBe(false);
    expect(matches('udp and port 53', DNS)).toBe(true);
    expect(matches('src port 53', DNS)).toBe(false);
    expect(matches('dst port 53', DNS)).toBe(true);
    expect(matches('port 80 or 53', DNS)).toBe(true);
    expect(matches('host 10.0.0.2', ECHO)).toBe(true);
    expect(matches('src host h2', ECHO)).toBe(false);
    expect(matches('dst h2', ECHO)).toBe(true);
    expect(matches('net 10.0.0.0/24 and not udp', ECHO)).toBe(true);
    expect(matches('!(icmp or udp)', DNS)).toBe(false);
    expect(matches('ether host 02:00:00:00:00:01', ECHO)).toBe(true);
    expect(matches('arp', ECHO)).toBe(false);
  });

  it('reports errors in tcpdump words', () => {
    const err = (expr: string) => {
      const f = compileCaptureFilter(expr.split(' '));
      return 'error' in f ? f.error : 'compiled';
    };
    expect(err('port banana')).toBe('illegal port number banana');
    expect(err('host nowhere')).toBe("unknown host 'nowhere'");
    expect(err('icmp and')).toBe('syntax error');
    expect(err('( icmp')).toBe('syntax error');
    expect(err('icmp udp')).toBe('syntax error');
  });
});
