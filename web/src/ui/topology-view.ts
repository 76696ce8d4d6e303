/**
 * The topology view: the network drawn on a canvas (layout.ts decides where things go),
 * frames animated along their links, each link coloured and thickened by how busy it is,
 * cut cables dashed red, failed nodes greyed, drops flashed as a red cross at the end
 * that dropped the frame.
 *
 * Time on screen. A frame is drawn crossing its link in simulated time when that takes
 * long enough to see at the chosen speed; faster than that (a 1 µs LAN hop at ×1) it is
 * drawn over a fixed 400 ms of wall time, so traffic stays visible at any speed. When the
 * clock is paused only frames that are really on a link at that instant are drawn, where
 * they are — which is what single-stepping shows.
 *
 * Mouse: click a node or a link to open its panel, drag to pan, wheel to zoom, double
 * click to fit. Keyboard (the canvas is focusable): ←/→ pick the previous/next node, ↑/↓
 * the previous/next link, Esc clears, + − 0 zoom and fit.
 */
import { layoutTopology, type Layout, type Point } from '../layout/layout.ts';
import type { Topology } from '../engine/topology.ts';
import type { Flight } from '../engine/lab-engine.ts';
import type { Tick } from '../worker/protocol.ts';
import { h } from './dom.ts';
import { t, tx } from './i18n.ts';
import * as fmt from './format.ts';

export type Selection =
  | { readonly kind: 'node'; readonly name: string }
  | { readonly kind: 'link'; readonly index: number };

interface ActiveFlight extends Flight {
  readonly wall: number;
}

const FLIGHT_WALL_MS = 400;
const MAX_FLIGHTS = 1500;
const DROP_MS = 1200;

export const PROTOCOL_COLOURS = ['#4a5260', '#a65300', '#7a3db8', '#0b6e4f', '#0b5cad'] as const;
export const PROTOCOL_NAMES = ['other', 'ARP', 'ICMP', 'UDP', 'TCP'] as const;

/** Figures the responsiveness benchmark reads. */
export interface FrameStats {
  frames: number;
  flightsDrawn: number;
  lastDrawMs: number;
}

export class TopologyView {
  readonly element: HTMLElement;
  onSelect: (s: Selection | null) => void = () => {};
  readonly stats: FrameStats = { frames: 0, flightsDrawn: 0, lastDrawMs: 0 };
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly tooltip: HTMLElement;
  private readonly live: HTMLElement;
  private topology: Topology | null = null;
  private layout: Layout | null = null;
  private nodeIndex = new Map<string, number>();
  private linkOffsets: number[] = [];
  private linkUp: boolean[] = [];
  private nodeUp: Record<string, boolean> = {};
  private downIfaces = new Set<string>();
  private util = new Float32Array(0);
  private flights: ActiveFlight[] = [];
  private dropMarks: { link: number; end: 0 | 1; wall: number }[] = [];
  private scale = 1;
  private ox = 0;
  private oy = 0;
  private fitted = false;
  private width = 0;
  private height = 0;
  private selection: Selection | null = null;
  private hover: Selection | null = null;
  private simNow = 0;
  private tickWall = 0;
  private playing = false;
  private speed = 1;
  private drag: { x: number; y: number; ox: number; oy: number; moved: boolean } | null = null;
  /** The still layer (see renderBase) needs redrawing. */
  private dirty = true;
  private disposed = false;
  private readonly base: HTMLCanvasElement;
  private readonly baseCtx: CanvasRenderingContext2D;
  /** Screen end points of every link as the still layer drew them (4 numbers a link), and which exist. */
  private ends = new Float64Array(0);
  private has = new Uint8Array(0);
  /** Each link's drawn colour and width, to tell when a tick changes the picture. */
  private looks = new Uint8Array(0);

  constructor() {
    this.canvas = h('canvas', {
      class: 'topology-canvas',
      tabindex: 0,
      role: 'application',
      'aria-roledescription': 'network map',
    });
    this.ctx = this.canvas.getContext('2d', { alpha: false })!;
    this.base = document.createElement('canvas');
    this.baseCtx = this.base.getContext('2d', { alpha: false })!;
    this.tooltip = h('div', { class: 'map-tooltip', role: 'tooltip', hidden: true });
    this.live = h('div', { class: 'visually-hidden', 'aria-live': 'polite' });
    const zoom = (f: number) => () => this.zoomBy(f, this.width / 2, this.height / 2);
    const controls = h(
      'div',
      { class: 'map-controls' },
      h(
        'button',
        { type: 'button', onclick: zoom(1.25), 'aria-label': t('map.zoomIn'), title: t('map.zoomIn') },
        '+',
      ),
      h(
        'button',
        { type: 'button', onclick: zoom(0.8), 'aria-label': t('map.zoomOut'), title: t('map.zoomOut') },
        '−',
      ),
      h(
        'button',
        { type: 'button', onclick: () => this.fit(), 'aria-label': t('map.fit'), title: t('map.fit') },
        '⤢',
      ),
    );
    const legend = h(
      'div',
      { class: 'map-legend', 'aria-hidden': 'true' },
      PROTOCOL_NAMES.slice(1).map((name, i) =>
        h('span', null, h('i', { style: `background:${PROTOCOL_COLOURS[i + 1]}` }), name),
      ),
    );
    this.element = h('div', { class: 'topology' }, this.canvas, controls, legend, this.tooltip, this.live);
    this.canvas.setAttribute('aria-label', t('map.label'));
    new ResizeObserver(() => this.resize()).observe(this.element);
    this.bindInput();
    const frame = () => {
      if (this.disposed) return;
      this.draw();
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  /** Stops drawing (the page was rebuilt). */
  dispose(): void {
    this.disposed = true;
  }

  setTopology(topology: Topology): void {
    this.topology = topology;
    this.layout = layoutTopology(
      topology.nodes,
      topology.links.map((l) => ({ a: l.a.node, b: l.b.node })),
    );
    this.nodeIndex = new Map(topology.nodes.map((n, i) => [n.name, i]));
    // Parallel cables between the same two nodes are drawn side by side.
    const seen = new Map<string, number>();
    this.linkOffsets = topology.links.map((l) => {
      const key = l.a.node < l.b.node ? `${l.a.node}|${l.b.node}` : `${l.b.node}|${l.a.node}`;
      const k = seen.get(key) ?? 0;
      seen.set(key, k + 1);
      return k === 0 ? 0 : (k % 2 === 1 ? 1 : -1) * Math.ceil(k / 2);
    });
    this.linkUp = topology.links.map(() => true);
    this.nodeUp = {};
    this.downIfaces = new Set();
    this.util = new Float32Array(topology.links.length * 2);
    this.looks = new Uint8Array(topology.links.length);
    this.flights = [];
    this.dropMarks = [];
    this.selection = null;
    this.fitted = false;
    this.fit();
  }

  applyTick(tick: Tick): void {
    const wall = performance.now();
    this.simNow = tick.now;
    this.tickWall = wall;
    this.playing = tick.playing;
    this.speed = tick.effectiveSpeed > 0 ? tick.effectiveSpeed : tick.speed;
    if (tick.state) {
      this.linkUp = [...tick.state.links];
      this.nodeUp = { ...tick.state.nodes };
      this.downIfaces = new Set(tick.state.downIfaces);
    }
    if (tick.state) this.dirty = true;
    if (tick.utilisation.length === this.util.length) {
      for (let i = 0; i < this.util.length; i++) {
        const u = tick.utilisation[i]!;
        if (u >= 0) this.util[i] = this.util[i]! * 0.6 + u * 0.4;
      }
      // Only a link that changes colour or width changes the still layer.
      for (let i = 0; i < this.looks.length; i++) {
        const look = linkLook(Math.max(this.util[i * 2]!, this.util[i * 2 + 1]!));
        if (look !== this.looks[i]) {
          this.looks[i] = look;
          this.dirty = true;
        }
      }
    }
    for (const f of tick.flights) this.flights.push({ ...f, wall });
    if (this.flights.length > MAX_FLIGHTS) this.flights.splice(0, this.flights.length - MAX_FLIGHTS);
    for (const d of tick.drops) this.dropMarks.push({ link: d.link, end: d.end, wall });
    if (this.dropMarks.length > 300) this.dropMarks.splice(0, this.dropMarks.length - 300);
  }

  select(s: Selection | null, announce = true): void {
    this.selection = s;
    this.dirty = true;
    if (announce && s) this.live.textContent = this.describe(s);
  }

  fit(): void {
    const l = this.layout;
    if (!l || this.width === 0) return;
    const pad = 50;
    const w = Math.max(1, l.width);
    const hgt = Math.max(1, l.height);
    this.scale = Math.min((this.width - pad * 2) / w, (this.height - pad * 2) / hgt, 1.6);
    let minX = Number.POSITIVE_INFINITY;
    let minY = Number.POSITIVE_INFINITY;
    for (const p of l.positions.values()) {
      minX = Math.min(minX, p.x);
      minY = Math.min(minY, p.y);
    }
    for (const b of l.bars.values()) minX = Math.min(minX, b.x1);
    this.ox = (this.width - w * this.scale) / 2 - minX * this.scale;
    this.oy = (this.height - hgt * this.scale) / 2 - minY * this.scale;
    this.fitted = true;
    this.dirty = true;
  }

  // --- geometry ------------------------------------------------------------------------

  private screen(p: Point): Point {
    return { x: p.x * this.scale + this.ox, y: p.y * this.scale + this.oy };
  }

  private nodeRadius(): number {
    return Math.max(3, Math.min(16, 13 * this.scale));
  }

  /** Screen end points of link `i` (a bus end meets the bar under the station). */
  private linkEnds(i: number): [Point, Point] | null {
    const topo = this.topology!;
    const l = topo.links[i]!;
    const pa = this.layout!.positions.get(l.a.node);
    const pb = this.layout!.positions.get(l.b.node);
    if (!pa || !pb) return null;
    let a = this.screen(pa);
    let b = this.screen(pb);
    const barA = this.layout!.bars.get(l.a.node);
    const barB = this.layout!.bars.get(l.b.node);
    if (barA) a = this.screen({ x: pb.x, y: barA.y });
    if (barB) b = this.screen({ x: pa.x, y: barB.y });
    const k = this.linkOffsets[i] ?? 0;
    if (k !== 0) {
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const len = Math.hypot(dx, dy) || 1;
      const off = k * 6;
      a = { x: a.x - (dy / len) * off, y: a.y + (dx / len) * off };
      b = { x: b.x - (dy / len) * off, y: b.y + (dx / len) * off };
    }
    return [a, b];
  }

  private hit(x: number, y: number): Selection | null {
    const topo = this.topology;
    const layout = this.layout;
    if (!topo || !layout) return null;
    const r = this.nodeRadius() + 4;
    let best: Selection | null = null;
    let bestD = Number.POSITIVE_INFINITY;
    for (const n of topo.nodes) {
      const bar = layout.bars.get(n.name);
      if (bar) {
        const a = this.screen({ x: bar.x1, y: bar.y });
        const b = this.screen({ x: bar.x2, y: bar.y });
        const d = segmentDistance(x, y, a, b);
        if (d < 7 && d < bestD) {
          bestD = d;
          best = { kind: 'node', name: n.name };
        }
        continue;
      }
      const p = this.screen(layout.positions.get(n.name)!);
      const d = Math.hypot(p.x - x, p.y - y);
      if (d < r && d < bestD) {
        bestD = d;
        best = { kind: 'node', name: n.name };
      }
    }
    if (best) return best;
    for (let i = 0; i < topo.links.length; i++) {
      const ends = this.linkEnds(i);
      if (!ends) continue;
      const d = segmentDistance(x, y, ends[0], ends[1]);
      if (d < 6 && d < bestD) {
        bestD = d;
        best = { kind: 'link', index: i };
      }
    }
    return best;
  }

  private describe(s: Selection): string {
    const topo = this.topology;
    if (!topo) return '';
    if (s.kind === 'node') {
      const n = topo.nodes[this.nodeIndex.get(s.name) ?? -1];
      if (!n) return s.name;
      const addrs = n.interfaces.filter((i) => i.address).map((i) => `${i.name} ${i.address}`);
      return `${n.name} · ${tx(`kind.${n.kind}`, n.kind)}${addrs.length ? ` · ${addrs.join(', ')}` : ''}`;
    }
    const l = topo.links[s.index];
    if (!l) return '';
    const up = this.linkUp[s.index] !== false;
    const util = Math.max(this.util[s.index * 2] ?? 0, this.util[s.index * 2 + 1] ?? 0);
    return `${l.a.node}:${l.a.iface} ↔ ${l.b.node}:${l.b.iface} · ${fmt.rate(l.rate)} · ${fmt.duration(l.delay)} · ${
      up ? t('link.up') : t('link.down')
    } · ${Math.round(util * 100)}%`;
  }

  // --- input ---------------------------------------------------------------------------

  private bindInput(): void {
    const c = this.canvas;
    const pos = (e: MouseEvent) => {
      const r = c.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    c.addEventListener('mousedown', (e) => {
      const p = pos(e);
      this.drag = { x: p.x, y: p.y, ox: this.ox, oy: this.oy, moved: false };
    });
    window.addEventListener('mousemove', (e) => {
      const p = pos(e);
      if (this.drag) {
        const dx = p.x - this.drag.x;
        const dy = p.y - this.drag.y;
        if (Math.abs(dx) + Math.abs(dy) > 3) this.drag.moved = true;
        if (this.drag.moved) {
          this.ox = this.drag.ox + dx;
          this.oy = this.drag.oy + dy;
          this.dirty = true;
        }
        return;
      }
      if (e.target !== c) {
        if (this.hover) {
          this.hover = null;
          this.tooltip.hidden = true;
          this.dirty = true;
        }
        return;
      }
      const hit = this.hit(p.x, p.y);
      if (!same(hit, this.hover)) {
        this.hover = hit;
        this.dirty = true;
      }
      c.style.cursor = hit ? 'pointer' : 'grab';
      if (hit) {
        this.tooltip.textContent = this.describe(hit);
        this.tooltip.hidden = false;
        this.tooltip.style.left = `${Math.min(p.x + 14, this.width - 260)}px`;
        this.tooltip.style.top = `${p.y + 14}px`;
      } else this.tooltip.hidden = true;
    });
    window.addEventListener('mouseup', (e) => {
      const d = this.drag;
      this.drag = null;
      if (!d || d.moved || e.target !== c) return;
      const p = pos(e);
      const hit = this.hit(p.x, p.y);
      this.select(hit);
      this.onSelect(hit);
    });
    c.addEventListener('dblclick', () => this.fit());
    c.addEventListener(
      'wheel',
      (e) => {
        e.preventDefault();
        const p = pos(e);
        this.zoomBy(e.deltaY < 0 ? 1.15 : 1 / 1.15, p.x, p.y);
      },
      { passive: false },
    );
    c.addEventListener('keydown', (e) => this.key(e));
  }

  private key(e: KeyboardEvent): void {
    const topo = this.topology;
    if (!topo) return;
    const cycle = (kind: 'node' | 'link', delta: number) => {
      const n = kind === 'node' ? topo.nodes.length : topo.links.length;
      if (n === 0) return;
      const s = this.selection;
      let i = -1;
      if (s && s.kind === kind)
        i =
          kind === 'node'
            ? (this.nodeIndex.get((s as { name: string }).name) ?? -1)
            : (s as { index: number }).index;
      i = (i + delta + n) % n;
      if (i < 0) i = 0;
      const next: Selection = kind === 'node' ? { kind, name: topo.nodes[i]!.name } : { kind, index: i };
      this.select(next);
      this.onSelect(next);
    };
    switch (e.key) {
      case 'ArrowRight':
        cycle('node', 1);
        break;
      case 'ArrowLeft':
        cycle('node', -1);
        break;
      case 'ArrowDown':
        cycle('link', 1);
        break;
      case 'ArrowUp':
        cycle('link', -1);
        break;
      case 'Escape':
        this.select(null);
        this.onSelect(null);
        break;
      case '+':
      case '=':
        this.zoomBy(1.25, this.width / 2, this.height / 2);
        break;
      case '-':
        this.zoomBy(0.8, this.width / 2, this.height / 2);
        break;
      case '0':
        this.fit();
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private zoomBy(f: number, cx: number, cy: number): void {
    const s = Math.min(8, Math.max(0.01, this.scale * f));
    const k = s / this.scale;
    this.ox = cx - (cx - this.ox) * k;
    this.oy = cy - (cy - this.oy) * k;
    this.scale = s;
    this.dirty = true;
  }

  private resize(): void {
    const r = this.element.getBoundingClientRect();
    const dpr = window.devicePixelRatio || 1;
    this.width = Math.max(1, Math.floor(r.width));
    this.height = Math.max(1, Math.floor(r.height));
    this.canvas.width = Math.floor(this.width * dpr);
    this.canvas.height = Math.floor(this.height * dpr);
    this.canvas.style.width = `${this.width}px`;
    this.canvas.style.height = `${this.height}px`;
    this.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    this.base.width = this.canvas.width;
    this.base.height = this.canvas.height;
    this.baseCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
    if (!this.fitted) this.fit();
    this.dirty = true;
  }

  // --- drawing -------------------------------------------------------------------------

  private displayedSimTime(wall: number): number {
    if (!this.playing) return this.simNow;
    // Between ticks, extrapolate at the speed the clock is really going (at most one tick ahead).
    const ahead = Math.min(wall - this.tickWall, 50);
    return this.simNow + ahead * 1e6 * this.speed;
  }

  /**
   * The still part of the picture — links in their state and colour, buses, nodes,
   * labels — drawn into a layer of its own, redrawn only when it changes (a tick that
   * moves a link to another colour, a selection, a pan or zoom), not for every frame.
   */
  private renderBase(): void {
    const ctx = this.baseCtx;
    ctx.fillStyle = '#fbfcfd';
    ctx.fillRect(0, 0, this.width, this.height);
    const topo = this.topology;
    const layout = this.layout;
    if (!topo || !layout) return;
    const sel = this.selection;
    const hover = this.hover;
    const w = this.width;
    const hgt = this.height;
    const off = (x1: number, y1: number, x2: number, y2: number) =>
      (x1 < -20 && x2 < -20) ||
      (x1 > w + 20 && x2 > w + 20) ||
      (y1 < -20 && y2 < -20) ||
      (y1 > hgt + 20 && y2 > hgt + 20);
    // Link end points once per frame; the frames in flight reuse them.
    const n = topo.links.length;
    const ends = new Float64Array(n * 4);
    const has = new Uint8Array(n);
    this.ends = ends;
    this.has = has;
    for (let i = 0; i < n; i++) {
      const e = this.linkEnds(i);
      if (!e) continue;
      has[i] = 1;
      ends[i * 4] = e[0].x;
      ends[i * 4 + 1] = e[0].y;
      ends[i * 4 + 2] = e[1].x;
      ends[i * 4 + 3] = e[1].y;
    }
    // Links, one path per style: a thousand links cost a handful of strokes.
    const buckets = new Map<number, Path2D>();
    const down = new Path2D();
    const crosses: Point[] = [];
    for (let i = 0; i < n; i++) {
      if (!has[i]) continue;
      const x1 = ends[i * 4]!;
      const y1 = ends[i * 4 + 1]!;
      const x2 = ends[i * 4 + 2]!;
      const y2 = ends[i * 4 + 3]!;
      if (off(x1, y1, x2, y2)) continue;
      const chosen =
        (sel?.kind === 'link' && sel.index === i) || (hover?.kind === 'link' && hover.index === i);
      if (chosen) {
        ctx.beginPath();
        ctx.moveTo(x1, y1);
        ctx.lineTo(x2, y2);
        ctx.strokeStyle = '#ffbf00';
        ctx.lineWidth = 9;
        ctx.stroke();
      }
      if (this.linkUp[i] === false) {
        down.moveTo(x1, y1);
        down.lineTo(x2, y2);
        crosses.push({ x: (x1 + x2) / 2, y: (y1 + y2) / 2 });
        continue;
      }
      const key = linkLook(Math.max(this.util[i * 2] ?? 0, this.util[i * 2 + 1] ?? 0));
      let path = buckets.get(key);
      if (!path) {
        path = new Path2D();
        buckets.set(key, path);
      }
      path.moveTo(x1, y1);
      path.lineTo(x2, y2);
    }
    for (const [look, path] of buckets) {
      ctx.strokeStyle = LINK_COLOURS[look >> 4]!;
      ctx.lineWidth = 1.5 + (look & 15) / 2;
      ctx.stroke(path);
    }
    if (crosses.length) {
      ctx.setLineDash([6, 5]);
      ctx.strokeStyle = '#c62828';
      ctx.lineWidth = 2;
      ctx.stroke(down);
      ctx.setLineDash([]);
      for (const c of crosses) cross(ctx, c.x, c.y, 5, '#c62828');
    }
    // Bus bars.
    for (const [name, bar] of layout.bars) {
      const a = this.screen({ x: bar.x1, y: bar.y });
      const b = this.screen({ x: bar.x2, y: bar.y });
      const chosen =
        (sel?.kind === 'node' && sel.name === name) || (hover?.kind === 'node' && hover.name === name);
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      if (chosen) {
        ctx.strokeStyle = '#ffbf00';
        ctx.lineWidth = 12;
        ctx.stroke();
      }
      ctx.strokeStyle = this.nodeUp[name] === false ? '#b0b6c0' : '#39414d';
      ctx.lineWidth = 6;
      ctx.stroke();
      if (this.scale > 0.3) label(ctx, name, a.x - 6, a.y + 4, 'right');
    }
    // Nodes, one fill and one stroke per kind and state.
    const r = this.nodeRadius();
    const detail = r >= 6;
    const labels = r >= 7;
    const groups = new Map<string, { fill: Path2D; stroke: Path2D; kind: string; down: boolean }>();
    const marks: Point[] = [];
    const names: { text: string; x: number; y: number }[] = [];
    for (const node of topo.nodes) {
      if (layout.bars.has(node.name)) continue;
      const p = this.screen(layout.positions.get(node.name)!);
      if (p.x < -r * 2 || p.y < -r * 2 || p.x > w + r * 2 || p.y > hgt + r * 2) continue;
      const isDown = this.nodeUp[node.name] === false;
      const chosen =
        (sel?.kind === 'node' && sel.name === node.name) ||
        (hover?.kind === 'node' && hover.name === node.name);
      if (chosen) {
        ctx.beginPath();
        ctx.arc(p.x, p.y, r + 6, 0, Math.PI * 2);
        ctx.fillStyle = '#ffbf00';
        ctx.fill();
      }
      const key = `${node.kind}|${isDown}`;
      let g = groups.get(key);
      if (!g) {
        g = { fill: new Path2D(), stroke: new Path2D(), kind: node.kind, down: isDown };
        groups.set(key, g);
      }
      glyph(g.fill, g.stroke, node.kind, p.x, p.y, r, detail);
      if (isDown || node.interfaces.some((i) => this.downIfaces.has(`${node.name}:${i.name}`)))
        marks.push({ x: p.x + r * 0.8, y: p.y - r * 0.8 });
      if (labels) names.push({ text: node.name, x: p.x, y: p.y + r + 13 });
    }
    for (const g of groups.values()) {
      const [fill, stroke] = g.down
        ? ['#eceef1', '#8a94a6']
        : (GLYPH_COLOURS[g.kind] ?? ['#eceef1', '#4a5260']);
      ctx.fillStyle = fill;
      ctx.fill(g.fill);
      ctx.strokeStyle = stroke;
      ctx.lineWidth = Math.max(1, r / 7);
      ctx.stroke(g.fill);
      ctx.stroke(g.stroke);
    }
    for (const m of marks) cross(ctx, m.x, m.y, Math.max(3, r * 0.35), '#c62828');
    for (const l of names) label(ctx, l.text, l.x, l.y, 'center');
  }

  private draw(): void {
    const wall = performance.now();
    const animating = this.flights.length > 0 || this.dropMarks.length > 0;
    if (!this.dirty && !animating) return;
    const t0 = performance.now();
    if (this.dirty) {
      this.renderBase();
      this.dirty = false;
    }
    const ctx = this.ctx;
    ctx.drawImage(this.base, 0, 0, this.width, this.height);
    const ends = this.ends;
    const has = this.has;
    const w = this.width;
    const hgt = this.height;
    // Frames in flight, one path per protocol.
    const simNow = this.displayedSimTime(wall);
    let drawn = 0;
    const keep: ActiveFlight[] = [];
    const dots = PROTOCOL_COLOURS.map(() => new Path2D());
    for (const f of this.flights) {
      const span = Math.max(1, f.t1 - f.t0);
      const pSim = (simNow - f.t0) / span;
      const realMs = span / 1e6 / Math.max(this.speed, 1e-9);
      const usesSim = !this.playing || realMs >= FLIGHT_WALL_MS;
      const p = usesSim ? pSim : (wall - f.wall) / FLIGHT_WALL_MS;
      if (p >= 1) continue;
      keep.push(f);
      if (p < 0 || !has[f.link]) continue;
      const k = f.link * 4;
      const [ax, ay, bx, by] =
        f.dir === 0
          ? [ends[k]!, ends[k + 1]!, ends[k + 2]!, ends[k + 3]!]
          : [ends[k + 2]!, ends[k + 3]!, ends[k]!, ends[k + 1]!];
      const x = ax + (bx - ax) * p;
      const y = ay + (by - ay) * p;
      if (x < -5 || y < -5 || x > w + 5 || y > hgt + 5) continue;
      const path = dots[f.kind] ?? dots[0]!;
      path.moveTo(x + 4, y);
      path.arc(x, y, 4, 0, Math.PI * 2);
      drawn++;
    }
    dots.forEach((path, k) => {
      ctx.fillStyle = PROTOCOL_COLOURS[k]!;
      ctx.fill(path);
    });
    this.flights = keep;
    // Drops.
    const live: typeof this.dropMarks = [];
    for (const d of this.dropMarks) {
      const age = wall - d.wall;
      if (age > DROP_MS) continue;
      live.push(d);
      if (!has[d.link]) continue;
      const k = d.link * 4;
      const [ax, ay, bx, by] =
        d.end === 0
          ? [ends[k]!, ends[k + 1]!, ends[k + 2]!, ends[k + 3]!]
          : [ends[k + 2]!, ends[k + 3]!, ends[k]!, ends[k + 1]!];
      ctx.globalAlpha = 1 - age / DROP_MS;
      cross(ctx, ax + (bx - ax) * 0.2, ay + (by - ay) * 0.2, 6, '#c62828');
      ctx.globalAlpha = 1;
    }
    this.dropMarks = live;
    this.stats.frames++;
    this.stats.flightsDrawn = drawn;
    this.stats.lastDrawMs = performance.now() - t0;
  }
}

function same(a: Selection | null, b: Selection | null): boolean {
  if (a === null || b === null) return a === b;
  if (a.kind === 'node' && b.kind === 'node') return a.name === b.name;
  if (a.kind === 'link' && b.kind === 'link') return a.index === b.index;
  return false;
}

function segmentDistance(x: number, y: number, a: Point, b: Point): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const k = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a.x) * dx + (y - a.y) * dy) / len2));
  return Math.hypot(x - (a.x + k * dx), y - (a.y + k * dy));
}

function cross(ctx: CanvasRenderingContext2D, x: number, y: number, s: number, colour: string): void {
  ctx.beginPath();
  ctx.moveTo(x - s, y - s);
  ctx.lineTo(x + s, y + s);
  ctx.moveTo(x + s, y - s);
  ctx.lineTo(x - s, y + s);
  ctx.strokeStyle = colour;
  ctx.lineWidth = 2.5;
  ctx.stroke();
}

function label(
  ctx: CanvasRenderingContext2D,
  text: string,
  x: number,
  y: number,
  align: CanvasTextAlign,
): void {
  ctx.font = '12px system-ui, sans-serif';
  ctx.textAlign = align;
  ctx.lineWidth = 3;
  ctx.strokeStyle = '#fbfcfd';
  ctx.strokeText(text, x, y);
  ctx.fillStyle = '#1b1f24';
  ctx.fillText(text, x, y);
}

const LINK_COLOURS = ['#8a94a6', '#0b5cad', '#c77700', '#c62828'] as const;

/** How a link with utilisation `u` is drawn: colour level (high 4 bits) and width step (low 4 bits). */
function linkLook(u: number): number {
  const x = Math.min(1, Math.max(0, u));
  const level = x < 0.02 ? 0 : x < 0.3 ? 1 : x < 0.7 ? 2 : 3;
  return (level << 4) | Math.round(x * 10);
}

const GLYPH_COLOURS: Record<string, readonly [string, string]> = {
  host: ['#e8f0fe', '#0b5cad'],
  router: ['#fff1e0', '#a65300'],
  switch: ['#e6f4ea', '#0b6e4f'],
  hub: ['#f3e8ff', '#7a3db8'],
};

/** Adds a node's shape to `fill` (filled and outlined) and its inner marks to `stroke`. */
function glyph(
  fill: Path2D,
  stroke: Path2D,
  kind: string,
  x: number,
  y: number,
  r: number,
  detail: boolean,
): void {
  if (kind === 'router') {
    fill.moveTo(x + r, y);
    fill.arc(x, y, r, 0, Math.PI * 2);
    if (detail) {
      // Arrows in and out: a router's icon.
      stroke.moveTo(x - r * 0.55, y);
      stroke.lineTo(x + r * 0.55, y);
      stroke.moveTo(x, y - r * 0.55);
      stroke.lineTo(x, y + r * 0.55);
    }
  } else if (kind === 'switch') {
    fill.rect(x - r * 1.3, y - r * 0.7, r * 2.6, r * 1.4);
    if (detail) {
      stroke.moveTo(x - r * 0.8, y - r * 0.2);
      stroke.lineTo(x + r * 0.8, y - r * 0.2);
      stroke.moveTo(x + r * 0.8, y + r * 0.25);
      stroke.lineTo(x - r * 0.8, y + r * 0.25);
    }
  } else if (kind === 'hub') {
    fill.rect(x - r, y - r, r * 2, r * 2);
  } else {
    fill.roundRect(x - r, y - r * 0.8, r * 2, r * 1.6, r * 0.3);
  }
}
