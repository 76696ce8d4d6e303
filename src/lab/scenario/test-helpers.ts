/**
 * Test helpers: a scenario's problems as the `file:line:col: message` lines a user sees.
 */
import { parseScenario } from './parse-scenario.ts';
import { formatProblem, ScenarioError } from './problem.ts';

/** Every error and warning for `text`, formatted; [] for a clean file. */
export function problemLines(text: string, file = 't.yaml'): string[] {
  try {
    return parseScenario(text, file).warnings.map(formatProblem);
  } catch (e) {
    if (e instanceof ScenarioError) return e.problems.map(formatProblem);
    throw e;
  }
}

/** Joins lines into a YAML document (keeps test sources readable and line numbers obvious). */
export function yaml(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A laptop and a server `www` on one switch: lines 1–6 of a test scenario. */
export const LAPTOP_WWW: readonly string[] = [
  'topology:', // 1
  '  nodes:',
  '    laptop: { kind: host, ip: 10.0.0.10/24 }',
  '    www: { kind: host, ip: 10.0.0.80/24 }',
  '    sw1: { kind: switch }', // 5
  '  links: [[laptop, sw1], [www, sw1]]',
];
