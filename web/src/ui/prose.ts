/**
 * An example's description as HTML: the few conventions the YAML descriptions use, and no
 * more (they are plain text first, for the CLI). Paragraphs are separated by blank lines;
 * a paragraph whose lines start with "- " is a list, each item running on over the
 * indented lines after it; `backticks` mark commands and filters, shown as code.
 */
import { h } from './dom.ts';

/** The text's paragraphs and lists, in order. */
export function proseBlocks(text: string): HTMLElement[] {
  return text
    .trim()
    .split(/\n\s*\n/)
    .map((block) => {
      const lines = block.split('\n');
      if (!/^\s*- /.test(lines[0]!)) return h('p', null, inline(joinLines(lines)));
      const items: string[][] = [];
      for (const line of lines) {
        if (/^\s*- /.test(line)) items.push([line.replace(/^\s*- /, '')]);
        else items.at(-1)!.push(line);
      }
      return h('ul', null, ...items.map((item) => h('li', null, inline(joinLines(item)))));
    });
}

function joinLines(lines: readonly string[]): string {
  return lines.map((l) => l.trim()).join(' ');
}

/** Text with `code` spans. */
function inline(text: string): (string | HTMLElement)[] {
  return text
    .split(/(`[^`]+`)/)
    .map((part) => (/^`[^`]+`$/.test(part) ? h('code', null, part.slice(1, -1)) : part));
}
