/** A small SVG line chart: nice ticks on both axes, one polyline per series, a legend. */
import { svg } from './dom.ts';

export interface Series {
  readonly name: string;
  readonly colour: string;
  /** x values (simulated ns) and y values. */
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Draw as steps (a value holds until the next sample). */
  readonly step?: boolean;
}

export interface ChartOptions {
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly yFormat: (v: number) => string;
  readonly xFormat: (ns: number) => string;
}

export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

export function lineChart(series: readonly Series[], o: ChartOptions): SVGSVGElement {
  const pad = { l: 64, r: 12, t: 22, b: 34 };
  const w = o.width - pad.l - pad.r;
  const hgt = o.height - pad.t - pad.b;
  let xmin = Number.POSITIVE_INFINITY;
  let xmax = Number.NEGATIVE_INFINITY;
  let ymax = 0;
  for (const s of series) {
    for (const x of s.x) {
      xmin = Math.min(xmin, x);
      xmax = Math.max(xmax, x);
    }
    for (const y of s.y) ymax = Math.max(ymax, y);
  }
  if (!Number.isFinite(xmin)) {
    xmin = 0;
    xmax = 1;
  }
  if (xmax === xmin) xmax = xmin + 1;
  if (ymax === 0) ymax = 1;
  const yt = niceTicks(0, ymax * 1.05);
  const ytop = yt[yt.length - 1]! > 0 ? Math.max(yt[yt.length - 1]!, ymax) : ymax;
  const sx = (x: number) => pad.l + ((x - xmin) / (xmax - xmin)) * w;
  const sy = (y: number) => pad.t + hgt - (y / ytop) * hgt;
  const root = svg('svg', {
    width: o.width,
    height: o.height,
    viewBox: `0 0 ${o.width} ${o.height}`,
    class: 'chart',
    role: 'img',
    'aria-label': o.title,
  });
  root.append(svg('text', { x: pad.l, y: 14, class: 'chart-title' }, o.title));
  for (const v of yt) {
    const yy = sy(v);
    root.append(
      svg('line', { x1: pad.l, x2: pad.l + w, y1: yy, y2: yy, stroke: '#e3e7ee' }),
      svg('text', { x: pad.l - 6, y: yy + 4, 'text-anchor': 'end', class: 'tick' }, o.yFormat(v)),
    );
  }
  for (const v of niceTicks(xmin, xmax, 6)) {
    const xx = sx(v);
    root.append(
      svg('line', { x1: xx, x2: xx, y1: pad.t + hgt, y2: pad.t + hgt + 4, stroke: '#4a5260' }),
      svg('text', { x: xx, y: pad.t + hgt + 17, 'text-anchor': 'middle', class: 'tick' }, o.xFormat(v)),
    );
  }
  root.append(
    svg('line', { x1: pad.l, x2: pad.l + w, y1: pad.t + hgt, y2: pad.t + hgt, stroke: '#4a5260' }),
    svg('line', { x1: pad.l, x2: pad.l, y1: pad.t, y2: pad.t + hgt, stroke: '#4a5260' }),
  );
  series.forEach((s, k) => {
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const x = sx(s.x[i]!);
      const y = sy(s.y[i]!);
      if (s.step && i > 0) pts.push(`${x.toFixed(1)},${sy(s.y[i - 1]!).toFixed(1)}`);
      pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
    }
    root.append(
      svg('polyline', { points: pts.join(' '), fill: 'none', stroke: s.colour, 'stroke-width': 1.6 }),
    );
    const lx = pad.l + 8 + k * 150;
    root.append(
      svg('rect', { x: lx, y: o.height - 12, width: 10, height: 10, fill: s.colour }),
      svg('text', { x: lx + 14, y: o.height - 3, class: 'legend' }, s.name),
    );
  });
  return root;
}
