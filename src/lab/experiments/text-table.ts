/**
 * The plain-text tables experiments print: a header row and rows of cells, two spaces
 * apart, each column as wide as its widest cell; labels left-aligned, figures right-aligned.
 */
import { MILLISECOND, type Time } from '../../sim/time.ts';

export interface TextTableOptions {
  /** Least width of a figure column. Default 10. */
  readonly minWidth?: number;
  /** Columns (by index) that hold labels, left-aligned. Default [0]. */
  readonly left?: readonly number[];
}

/** Lines of a table. */
export function textTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  options: TextTableOptions = {},
): string[] {
  const left = new Set(options.left ?? [0]);
  const minWidth = options.minWidth ?? 10;
  const widths = head.map((h, i) =>
    Math.max(left.has(i) ? 0 : minWidth, h.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (left.has(i) ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)];
}

/** Milliseconds with one decimal: `652.4`. */
export function ms(t: Time): string {
  return (t / MILLISECOND).toFixed(1);
}

/** A duration as the row label shows it: `50 ms`, `0.5 ms`. */
export function msLabel(t: Time): string {
  return `${ms(t).replace(/\.0$/, '')} ms`;
}

/** A loss probability as people write it: `0%`, `0.5%`, `2%`. */
export function percent(p: number): string {
  return `${Number((p * 100).toPrecision(6))}%`;
}
