/** Reading scenario files for the CLI: the file, or an example by name, with errors printed compiler-style. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario, ScenarioError, formatProblem } from '../lab/scenario/index.ts';
import type { ScenarioSpec } from '../lab/scenario/spec.ts';

/** The examples/ folder that ships with netlab. */
export const EXAMPLES_DIR = fileURLToPath(new URL('../../examples/', import.meta.url));

export function exampleNames(): string[] {
  return readdirSync(EXAMPLES_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.replace(/\.yaml$/, ''))
    .sort();
}

/** A path, or the name of an example (`star`, `star.yaml`). */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const name = basename(arg).replace(/\.ya?ml$/, '');
  const example = join(EXAMPLES_DIR, `${name}.yaml`);
  if (existsSync(example)) return example;
  return arg;
}

export type Loaded =
  | { readonly spec: ScenarioSpec; readonly warnings: string[] }
  | { readonly errors: string[] };

export function loadScenario(arg: string): Loaded {
  const path = resolveScenarioPath(arg);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'No such file or directory (and no example of that name)' : String(e);
    return { errors: [`${arg}: ${why}`] };
  }
  try {
    const { spec, warnings } = parseScenario(text, path === arg ? arg : `examples/${basename(path)}`);
    return { spec, warnings: warnings.map(formatProblem) };
  } catch (e) {
    if (e instanceof ScenarioError)
      return { errors: [e.message.split('\n')[0]!, ...e.problems.map(formatProblem)] };
    throw e;
  }
}
