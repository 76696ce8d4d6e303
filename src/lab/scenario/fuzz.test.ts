/**
 * Hostile input: whatever the text, parseScenario returns a spec or throws ScenarioError
 * with positioned problems — never another exception. Failing cases print their seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from './parse-scenario.ts';
import { ScenarioError } from './problem.ts';

function onlyScenarioErrors(text: string): void {
  try {
    const { spec } = parseScenario(text, 'fuzz.yaml');
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  } catch (e) {
    if (!(e instanceof ScenarioError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(p.line).toBeGreaterThanOrEqual(1);
      expect(p.column).toBeGreaterThanOrEqual(1);
    }
  }
}

const VALID = `name: v
topology:
  nodes:
    pc1: { kind: host, ip: 192.168.0.1/24, gateway: 192.168.0.254 }
    gw: { kind: router, interfaces: { eth0: 192.168.0.254/24, eth1: 192.168.1.1/24 }, routes: [{to: default, via: 192.168.1.2}] }
    lan: { kind: switch, aging: 10s }
    hub9: { kind: hub, rate: 10Mbps }
    pc2: { kind: host, ip: 192.168.1.2/24 }
  links:
    - endpoints: [pc1, lan]
      preset: man
      loss: 1%
    - [lan, gw]
    - [gw, hub9]
    - [pc2, hub9]
  generate: { kind: ring, routers: 3 }
script:
  - { at: 1s, node: pc1, run: ping -c 3 192.168.1.2 }
  - { at: 2s, run: link down pc1 lan }
`;

const TOKENS = [
  'topology:',
  'nodes:',
  'links:',
  'generate:',
  'script:',
  'kind:',
  'host',
  'router',
  'switch',
  'hub',
  'bus',
  'ip:',
  '10.0.0.1/24',
  'gateway:',
  'endpoints:',
  '[h1, sw1]',
  '- ',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '&a',
  '*a',
  '<<:',
  '"',
  "'",
  '#',
  '\n',
  '  ',
  '\t',
  'at:',
  'run:',
  'node:',
  '1s',
  '-1',
  '1e999',
  '.nan',
  '~',
  '!!str',
  'rate:',
  '1Gbps',
  'loss:',
  '50%',
  'queue:',
  '64KiB',
  'h1',
  'sw1',
  'r1',
  'pc1',
  'lan',
  'gw',
  'ring',
  'routers:',
  '3',
  '---',
  '?',
];

describe('fuzzing parseScenario', () => {
  it('random text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), onlyScenarioErrors), { numRuns: 300 });
  });

  it('random sequences of scenario tokens', () => {
    const text = fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }).map((t) => t.join(' '));
    fc.assert(fc.property(text, onlyScenarioErrors), { numRuns: 500 });
  });

  it('a valid file with random edits', () => {
    const edited = fc
      .tuple(fc.nat(VALID.length), fc.nat(20), fc.constantFrom(...TOKENS, '', 'x', '0', '-'))
      .map(([at, cut, insert]) => VALID.slice(0, at) + insert + VALID.slice(at + cut));
    fc.assert(fc.property(edited, onlyScenarioErrors), { numRuns: 500 });
  });

  it('generate with random options', () => {
    const option = fc.constantFrom(
      'routers',
      'hosts',
      'degree',
      'depth',
      'fanout',
      'centre',
      'inner',
      'subnet',
      'edges',
    );
    const value = fc.oneof(
      fc.integer({ min: -2, max: 40 }),
      fc.constantFrom('switch', 'hub', 'router', 'x', '10.0.0.0/29', '[[1, 2], [2, 1]]', '[[1, 9]]', '{}'),
    );
    const text = fc
      .tuple(
        fc.constantFrom('bus', 'star', 'ring', 'mesh', 'tree', 'chain'),
        fc.array(fc.tuple(option, value), { maxLength: 4 }),
      )
      .map(([kind, opts]) => {
        const unique = new Map(opts);
        const body = [...unique].map(([k, v]) => `${k}: ${v}`).join(', ');
        return `topology:\n  generate: { kind: ${kind}${body ? `, ${body}` : ''} }\n`;
      });
    fc.assert(fc.property(text, onlyScenarioErrors), { numRuns: 300 });
  });

  it('the valid base file parses', () => {
    expect(() => parseScenario(VALID, 'v.yaml')).not.toThrow();
  });
});
