/**
 * The web lab's own layering: the engine and the layout are environment-neutral like the
 * simulator's core (they run in the worker and in these tests), so no DOM, no timers, no
 * real clock, no Math.random; nothing in web/src uses Node. Only the worker adapter and the
 * page keep real time.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const WEB = join(import.meta.dirname, '..', '..', 'web', 'src');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.ts$/.test(n) ? [p] : [];
  });
}

/** The source without comments, so documentation may name what the code must not use. */
function code(path: string): string {
  return readFileSync(path, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('web lab architecture', () => {
  const all = files(WEB);

  it('finds the app', () => {
    expect(all.length).toBeGreaterThan(20);
  });

  it('uses nothing from Node anywhere in web/src', () => {
    const bad = all.filter((f) => /from\s+['"]node:|\brequire\(|\bprocess\.|\bBuffer\b/.test(code(f)));
    expect(bad.map((f) => relative(WEB, f))).toEqual([]);
  });

  it('keeps the engine and the layout free of the DOM, timers, the real clock and Math.random', () => {
    const neutral = all.filter((f) => /[\\/](engine|layout)[\\/]/.test(f));
    expect(neutral.length).toBeGreaterThan(8);
    const forbidden =
      /\b(setTimeout|setInterval|requestAnimationFrame|Date\.now|new Date\b|Math\.random|performance\.now|document\.|window\.|localStorage|self\.)/;
    const bad = neutral.filter((f) => forbidden.test(code(f))).map((f) => relative(WEB, f));
    expect(bad).toEqual([]);
  });

  it('imports the engine from the page only for types, so the simulation stays in the worker', () => {
    const ui = all.filter((f) => /[\\/]ui[\\/]/.test(f));
    const runtime = ui.filter((f) =>
      /^\s*import\s+(?!type\b)[^;]*from\s+['"]\.\.\/engine\/(lab-engine|sequence|charts|tables|packet-store)\.ts['"]/m.test(
        readFileSync(f, 'utf8'),
      ),
    );
    expect(runtime.map((f) => relative(WEB, f))).toEqual([]);
  });
});
