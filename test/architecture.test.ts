/**
 * The layering rules of DESIGN.md, enforced: imports point down the layers, and the
 * environment-neutral core (everything outside src/real and src/cli) uses no Node module,
 * no real clock, no real timers and no Math.random. Test files may use Node (they read
 * vectors from disk); the code they test may not.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');

/** Lower number = lower layer. A file may import its own layer or lower ones. */
const LAYERS: Record<string, number> = {
  bytes: 0,
  sim: 1,
  link: 2,
  internet: 3,
  transport: 4,
  application: 5,
  tools: 6,
  lab: 7,
  real: 8,
  cli: 9,
};
const NEUTRAL_EXEMPT = new Set(['real', 'cli']);

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.tsx?$/.test(name)) out.push(p);
  }
  return out;
}

function layerOf(path: string): string {
  return relative(src, path).split(/[\\/]/)[0]!;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) out.push((m[1] ?? m[2])!);
  return out;
}

const sources = files(src).filter((f) => !/\.test\.tsx?$/.test(f));

describe('architecture', () => {
  it('knows every top-level folder of src/', () => {
    const folders = readdirSync(src).filter((n) => statSync(join(src, n)).isDirectory());
    expect(folders.filter((f) => !(f in LAYERS))).toEqual([]);
  });

  it('finds the imports it checks (the check itself works)', () => {
    const all = sources.flatMap((f) => importsOf(readFileSync(f, 'utf8')));
    expect(all.filter((s) => s.startsWith('.')).length).toBeGreaterThan(200);
    expect(
      importsOf("import { a } from '../link/x.ts';\nexport * from './y.ts';\nconst m = import('./z.ts');"),
    ).toEqual(['../link/x.ts', './y.ts', './z.ts']);
  });

  it('imports point down the layers', () => {
    const bad: string[] = [];
    for (const file of sources) {
      const from = layerOf(file);
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = resolve(dirname(file), spec);
        if (!target.startsWith(src)) {
          bad.push(`${relative(root, file)} imports ${spec}, outside src/`);
          continue;
        }
        const to = layerOf(target);
        if (LAYERS[to]! > LAYERS[from]!)
          bad.push(`${relative(root, file)} (${from}) imports ${spec} (${to})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('the core is environment-neutral', () => {
    const bad: string[] = [];
    const forbidden =
      /\bfrom\s+['"]node:|require\(['"]node:|\bBuffer\.|\bDate\.now\(|\bnew Date\(\)|\bMath\.random\(|\bsetTimeout\(|\bsetInterval\(|\bprocess\./;
    for (const file of sources) {
      if (NEUTRAL_EXEMPT.has(layerOf(file))) continue;
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (/^\s*(\*|\/\/)/.test(line)) return; // comments may name what is forbidden
        if (forbidden.test(line)) bad.push(`${relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(bad).toEqual([]);
  });

  it('the core imports no package that needs Node', () => {
    const allowed = /^(yaml|@noble\/(hashes|curves|ciphers)(\/.*)?|micro-rsa-dsa-dh(\/.*)?)$/;
    const bad: string[] = [];
    for (const file of sources) {
      if (NEUTRAL_EXEMPT.has(layerOf(file))) continue;
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) continue;
        if (!allowed.test(spec)) bad.push(`${relative(root, file)} imports ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });
});
