/**
 * Every scenario in examples/ parses with no errors and no warnings, explains itself in
 * English and Korean, and survives a JSON round trip (the web lab posts specs to a worker).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatProblem } from './problem.ts';
import { parseScenario } from './parse-scenario.ts';

const dir = new URL('../../../examples/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

describe('examples', () => {
  it('are all here', () => {
    expect(files).toEqual(
      expect.arrayContaining([
        'default.yaml',
        'bus-sniffing.yaml',
        'star.yaml',
        'star-centre-failure.yaml',
        'ring-failure.yaml',
        'mesh-resilience.yaml',
        'tree.yaml',
        'bottleneck.yaml',
        'lan-man-wan.yaml',
        'arp-spoofing.yaml',
        'ttl-traceroute.yaml',
        'latency-rtt.yaml',
      ]),
    );
  });

  for (const file of files) {
    it(`${file} parses cleanly`, () => {
      const { spec, warnings } = parseScenario(readFileSync(new URL(file, dir), 'utf8'), file);
      expect(warnings.map(formatProblem)).toEqual([]);
      expect(spec.name).toBe(file.replace(/\.yaml$/, ''));
      expect(spec.description.length).toBeGreaterThan(100);
      expect(spec.descriptionKo).toMatch(/[가-힣]/);
      expect(spec.script.length).toBeGreaterThan(0);
      expect(spec.script.every((s) => s.at < spec.duration)).toBe(true);
      expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    });
  }
});
