import { describe, expect, it } from 'vitest';
import {
  type TracerouteProbe,
  tracerouteAnnotation,
  tracerouteHeaderLine,
  tracerouteHopLine,
} from './traceroute.ts';

const MS = 1_000_000;
const reply = (from: string, ms: number, extra: Partial<TracerouteProbe> = {}): TracerouteProbe =>
  ({ kind: 'reply', from, rttNs: Math.round(ms * MS), ...extra }) as TracerouteProbe;
const timeout: TracerouteProbe = { kind: 'timeout' };

describe('traceroute', () => {
  it('prints the header', () => {
    expect(tracerouteHeaderLine({ target: '10.0.2.2', address: '10.0.2.2' })).toBe(
      'traceroute to 10.0.2.2 (10.0.2.2), 30 hops max, 60 byte packets',
    );
    expect(tracerouteHeaderLine({ target: 'web', address: '10.0.2.2', maxHops: 5, packetBytes: 52 })).toBe(
      'traceroute to web (10.0.2.2), 5 hops max, 52 byte packets',
    );
  });

  it('prints a hop with three replies from one router', () => {
    const probes = [reply('10.0.0.254', 0.412), reply('10.0.0.254', 0.389), reply('10.0.0.254', 0.377)];
    expect(tracerouteHopLine(1, probes)).toBe(' 1  10.0.0.254 (10.0.0.254)  0.412 ms  0.389 ms  0.377 ms');
    expect(tracerouteHopLine(1, probes, { numeric: true })).toBe(
      ' 1  10.0.0.254  0.412 ms  0.389 ms  0.377 ms',
    );
    expect(tracerouteHopLine(12, probes, { numeric: true })).toBe(
      '12  10.0.0.254  0.412 ms  0.389 ms  0.377 ms',
    );
  });

  it('prints names and timeouts', () => {
    expect(tracerouteHopLine(2, [timeout, timeout, timeout])).toBe(' 2  * * *');
    expect(tracerouteHopLine(3, [timeout, reply('10.0.1.2', 1), reply('10.0.1.2', 2)])).toBe(
      ' 3  * 10.0.1.2 (10.0.1.2)  1.000 ms  2.000 ms',
    );
    expect(tracerouteHopLine(3, [reply('10.0.1.2', 1), timeout, reply('10.0.1.2', 2)])).toBe(
      ' 3  10.0.1.2 (10.0.1.2)  1.000 ms *  2.000 ms',
    );
    expect(tracerouteHopLine(1, [reply('10.0.0.254', 0.5, { name: 'gw.lab' })])).toBe(
      ' 1  gw.lab (10.0.0.254)  0.500 ms',
    );
  });

  it('prints a new address mid-line when another router answers', () => {
    const probes = [reply('10.0.1.2', 1), reply('10.0.2.2', 2), reply('10.0.2.2', 3)];
    expect(tracerouteHopLine(4, probes)).toBe(
      ' 4  10.0.1.2 (10.0.1.2)  1.000 ms 10.0.2.2 (10.0.2.2)  2.000 ms  3.000 ms',
    );
    expect(tracerouteHopLine(4, [reply('a', 1), reply('b', 2), reply('a', 3)], { numeric: true })).toBe(
      ' 4  a  1.000 ms b  2.000 ms a  3.000 ms',
    );
  });

  it('prints annotations after the time', () => {
    const h = tracerouteAnnotation(3, 1)!;
    const probes = [
      reply('10.0.0.254', 3000.123, { annotation: h }),
      reply('10.0.0.254', 3000.456, { annotation: h }),
    ];
    expect(tracerouteHopLine(5, probes)).toBe(' 5  10.0.0.254 (10.0.0.254)  3000.123 ms !H  3000.456 ms !H');
  });

  it('maps ICMP messages to annotations as traceroute 2.1 does', () => {
    expect(tracerouteAnnotation(11, 0)).toBeUndefined();
    expect(tracerouteAnnotation(3, 3)).toBeUndefined();
    expect(tracerouteAnnotation(0, 0)).toBeUndefined();
    expect(tracerouteAnnotation(3, 0)).toBe('!N');
    expect(tracerouteAnnotation(3, 1)).toBe('!H');
    expect(tracerouteAnnotation(3, 2)).toBe('!P');
    expect(tracerouteAnnotation(3, 4, 1400)).toBe('!F-1400');
    expect(tracerouteAnnotation(3, 5)).toBe('!S');
    expect(tracerouteAnnotation(3, 13)).toBe('!X');
    expect(tracerouteAnnotation(3, 14)).toBe('!V');
    expect(tracerouteAnnotation(3, 15)).toBe('!C');
    expect(tracerouteAnnotation(3, 77)).toBe('!<77>');
    expect(tracerouteAnnotation(11, 1)).toBe('!<11-1>');
  });
});
