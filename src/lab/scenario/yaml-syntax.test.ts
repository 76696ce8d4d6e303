/** YAML-level problems come back as ScenarioErrors with positions, like every other. */
import { describe, expect, it } from 'vitest';
import { problemLines } from './test-helpers.ts';

describe('YAML syntax errors', () => {
  it('an unclosed flow sequence', () => {
    expect(problemLines('topology:\n  nodes: [h1\n')).toEqual([
      't.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('an unterminated quote', () => {
    expect(problemLines('name: "abc\n')).toEqual(['t.yaml:2:1: invalid YAML: Missing closing "quote']);
  });

  it('tabs as indentation', () => {
    expect(problemLines('topology:\n\tnodes: {}\n')).toEqual([
      't.yaml:2:1: tabs are not allowed as indentation in YAML; indent with spaces',
    ]);
  });

  it('two documents in one file', () => {
    expect(problemLines('name: a\n---\nname: b\n')).toEqual([
      "t.yaml:2:1: a scenario file holds one YAML document; remove the '---' separator",
    ]);
  });

  it('duplicate keys, named', () => {
    expect(problemLines('topology:\n  nodes:\n    h1: {kind: host}\n    h1: {kind: host}\n')).toEqual([
      "t.yaml:4:5: duplicate key 'h1'",
    ]);
    expect(problemLines('"name": a\n"name": b\n')).toEqual(["t.yaml:2:1: duplicate key 'name'"]);
  });

  it('aliases: unknown anchors and self-containing values', () => {
    expect(problemLines('name: *nope\n')).toEqual(["t.yaml:1:7: alias '*nope' names no anchor"]);
    expect(problemLines('topology: &a\n  nodes: *a\n')).toEqual([
      "t.yaml:2:10: alias '*a' refers to a value that contains it",
    ]);
  });

  it('alias bombs are cut off', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 10; i++)
      lines.push(
        `a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    expect(problemLines(`${lines.join('\n')}\n`)).toEqual([
      't.yaml:1:1: the document expands to more than 200000 values (too many aliases?)',
    ]);
  });

  it('complex keys', () => {
    expect(problemLines('topology: {nodes: {h1: {kind: host}}}\n[1]: 2\n')).toEqual([
      't.yaml:2:1: keys must be plain words, not lists or maps',
    ]);
  });

  it('merge keys work, and explicit keys win', () => {
    const text = [
      'topology:',
      '  nodes:',
      '    h1: &host { kind: host, ip: 10.0.0.1/24 }',
      '    h2: { <<: *host, ip: 10.0.0.2/24 }',
      '  links: [[h1, h2]]',
    ].join('\n');
    expect(problemLines(text)).toEqual([]);
    expect(problemLines('topology: { <<: 3 }\n')).toEqual(["t.yaml:1:17: '<<' merges maps only"]);
  });
});
