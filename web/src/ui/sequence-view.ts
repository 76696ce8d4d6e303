/**
 * The sequence view: a ladder diagram per conversation — one vertical lane per node, an
 * arrow per message from the instant it left to the instant it arrived, time flowing
 * down. Instants are spaced evenly in order (the real gaps range from nanoseconds to
 * seconds); each row gives its simulated time at the left. Notes on a lane are protocol
 * events (TCP states, DNS, HTTP). A message that never arrived ends in a cross, with the
 * reason when one was traced. Each arrow is a button: it opens that packet in the
 * inspector.
 */
import type { Diagram } from '../engine/sequence.ts';
import type { LabContext } from './context.ts';
import { h, replaceChildren, svg } from './dom.ts';
import * as fmt from './format.ts';
import { t } from './i18n.ts';

const PAGE = 300;
/** Lane spacing: as wide as the view allows for few lanes, within these bounds. */
const LANE_MIN = 170;
const LANE_MAX = 420;
const ROW = 26;
const HEAD = 34;
const LEFT = 96;
/** A pause at least this long between two instants gets a marker. */
const GAP_NS = 100_000_000;
const COLOURS: Record<string, string> = {
  ARP: '#a65300',
  ICMP: '#7a3db8',
  UDP: '#0b6e4f',
  TCP: '#0b5cad',
  IPv4: '#4a5260',
};

export class SequenceView {
  readonly element: HTMLElement;
  private readonly list: HTMLSelectElement;
  private readonly canvas: HTMLElement;
  private readonly pager: HTMLElement;
  private conversation = -1;
  private offset = 0;
  private chosenByUser = false;
  private lastTotal = -1;

  constructor(private readonly ctx: LabContext) {
    this.list = h('select', {
      class: 'conv-select',
      'aria-label': t('seq.conversation'),
      onchange: () => {
        this.conversation = Number(this.list.value);
        this.offset = 0;
        this.chosenByUser = true;
        void this.draw();
      },
    });
    this.pager = h('div', { class: 'pager' });
    this.canvas = h('div', { class: 'ladder', tabindex: 0, 'aria-label': t('seq.diagram') });
    this.element = h(
      'div',
      { class: 'sequence' },
      h(
        'div',
        { class: 'seq-toolbar' },
        h('label', null, `${t('seq.conversation')} `, this.list),
        this.pager,
      ),
      this.canvas,
    );
  }

  reset(): void {
    this.conversation = -1;
    this.offset = 0;
    this.chosenByUser = false;
    this.lastTotal = -1;
    replaceChildren(this.canvas, h('p', { class: 'muted pad' }, t('seq.empty')));
  }

  /** Fetches conversations and the current page (called while the tab is visible). */
  async refresh(): Promise<void> {
    const convs = await this.ctx.client.request({ type: 'conversations' });
    const all = convs.reduce((s, c) => s + c.messages, 0);
    if (!this.chosenByUser && convs.length > 0 && this.conversation < 0) {
      // The first TCP connection is the picture of the notes (handshake, data, close);
      // without one, everything when it fits one page, else the busiest conversation.
      const tcp = convs.find((c) => c.protocols.includes('TCP'));
      if (tcp) this.conversation = tcp.id;
      else if (all > PAGE) this.conversation = convs.reduce((a, b) => (b.messages > a.messages ? b : a)).id;
    }
    const options = [
      h('option', { value: '-1' }, t('seq.all')),
      ...convs.map((c) =>
        h(
          'option',
          { value: String(c.id) },
          `${c.a} ↔ ${c.b}${c.ports ? ` (${c.ports})` : ''} — ${c.protocols.join(', ')}, ${t('seq.messages', { n: c.messages })}`,
        ),
      ),
    ];
    replaceChildren(this.list, options);
    this.list.value = String(this.conversation);
    const total = this.conversation < 0 ? all : (convs[this.conversation]?.messages ?? 0);
    if (total !== this.lastTotal) await this.draw();
  }

  private async draw(): Promise<void> {
    const d = await this.ctx.client.request({
      type: 'ladder',
      conversation: this.conversation,
      offset: this.offset,
      limit: PAGE,
    });
    this.lastTotal = d.total;
    this.renderPager(d);
    if (d.messages.length === 0 && d.notes.length === 0) {
      replaceChildren(this.canvas, h('p', { class: 'muted pad' }, t('seq.empty')));
      return;
    }
    replaceChildren(this.canvas, this.ladder(d));
  }

  private renderPager(d: Diagram): void {
    const prev = h('button', { type: 'button', disabled: d.offset === 0 }, t('seq.earlier'));
    const next = h(
      'button',
      { type: 'button', disabled: d.offset + d.messages.length >= d.total },
      t('seq.later'),
    );
    prev.addEventListener('click', () => {
      this.offset = Math.max(0, this.offset - PAGE);
      void this.draw();
    });
    next.addEventListener('click', () => {
      this.offset += PAGE;
      void this.draw();
    });
    replaceChildren(
      this.pager,
      prev,
      h(
        'span',
        { class: 'muted' },
        t('seq.range', {
          from: d.total === 0 ? 0 : d.offset + 1,
          to: d.offset + d.messages.length,
          total: d.total,
        }),
      ),
      next,
    );
  }

  private ladder(d: Diagram): SVGSVGElement {
    const lanes = d.lanes;
    const room = (this.canvas.clientWidth || 900) - LEFT - 30;
    const lane = Math.max(LANE_MIN, Math.min(LANE_MAX, room / Math.max(1, lanes.length)));
    const laneX = new Map(lanes.map((l, i) => [l, LEFT + lane / 2 + i * lane]));
    // Every instant (a send, an arrival, a note) gets a row, in time order.
    type Instant = { time: number; order: number; key: string };
    const instants: Instant[] = [];
    d.messages.forEach((m, i) => {
      instants.push({ time: m.tx, order: i * 3, key: `t${i}` });
      instants.push({ time: m.rx ?? m.tx, order: i * 3 + (m.rx === null ? 1 : 2), key: `r${i}` });
    });
    d.notes.forEach((n, i) => {
      instants.push({ time: n.time, order: -1, key: `n${i}` });
    });
    instants.sort((a, b) => a.time - b.time || a.order - b.order);
    const rowOf = new Map<string, number>();
    instants.forEach((x, i) => {
      rowOf.set(x.key, i);
    });
    const y = (key: string) => HEAD + 12 + (rowOf.get(key) ?? 0) * ROW;
    const width = LEFT + lanes.length * lane + 20;
    const height = HEAD + 24 + instants.length * ROW;
    const root = svg('svg', {
      width,
      height,
      viewBox: `0 0 ${width} ${height}`,
      role: 'img',
      'aria-label': t('seq.diagramOf', { lanes: lanes.join(', ') }),
      class: 'ladder-svg',
    });
    root.append(
      svg(
        'defs',
        null,
        Object.entries(COLOURS).map(([p, c]) =>
          svg(
            'marker',
            {
              id: `arrow-${p}`,
              viewBox: '0 0 10 10',
              refX: 9,
              refY: 5,
              markerWidth: 7,
              markerHeight: 7,
              orient: 'auto-start-reverse',
            },
            svg('path', { d: 'M0,0 L10,5 L0,10 z', fill: c }),
          ),
        ),
      ),
    );
    for (const lane of lanes) {
      const x = laneX.get(lane)!;
      root.append(
        svg('line', { x1: x, y1: HEAD, x2: x, y2: height - 8, stroke: '#8a94a6', 'stroke-width': 1.5 }),
        svg('rect', { x: x - 60, y: 4, width: 120, height: 24, rx: 4, fill: '#eef2f7', stroke: '#8a94a6' }),
        svg('text', { x, y: 21, 'text-anchor': 'middle', class: 'lane-name' }, lane),
      );
    }
    // Rows are evenly spaced, so say where long stretches of nothing were skipped.
    for (let i = 1; i < instants.length; i++) {
      const gap = instants[i]!.time - instants[i - 1]!.time;
      if (gap < GAP_NS) continue;
      const yy = HEAD + 12 + (i - 0.5) * ROW;
      root.append(
        svg('line', {
          x1: LEFT,
          x2: width - 10,
          y1: yy,
          y2: yy,
          stroke: '#c3c9d4',
          'stroke-dasharray': '3 4',
        }),
        svg('text', { x: 6, y: yy + 4, class: 'ladder-gap' }, `+${fmt.duration(gap)}`),
      );
    }
    let lastTimeRow = -1;
    d.messages.forEach((m, i) => {
      const x1 = laneX.get(m.from);
      const x2 = laneX.get(m.to);
      if (x1 === undefined || x2 === undefined) return;
      const y1 = y(`t${i}`);
      const colour = COLOURS[m.transport] ?? '#4a5260';
      const row = rowOf.get(`t${i}`)!;
      if (row !== lastTimeRow) {
        root.append(
          svg('text', { x: 6, y: y1 + 4, class: 'ladder-time' }, fmt.seconds(m.tx).replace(' s', '')),
        );
        lastTimeRow = row;
      }
      const arrived = m.rx !== null;
      const y2 = y(`r${i}`);
      const xe = arrived ? x2 : x1 + (x2 - x1) * 0.55;
      const ye = arrived ? y2 : y1 + (y2 - y1 || ROW) * 0.55;
      const g = svg('g', {
        class: 'msg',
        tabindex: 0,
        role: 'button',
        'data-packet': m.packet,
        'aria-label': `${m.from} → ${m.to}: ${m.protocol} ${m.label}${arrived ? '' : ` (${t('seq.lost')}${m.lost ? `: ${m.lost}` : ''})`}`,
      });
      const open = () => {
        if (m.packet >= 0) this.ctx.showPacket.emit(m.packet);
      };
      g.addEventListener('click', open);
      g.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      });
      g.append(
        svg('line', {
          x1,
          y1,
          x2: xe,
          y2: ye,
          stroke: colour,
          'stroke-width': 1.8,
          'marker-end': arrived ? `url(#arrow-${COLOURS[m.transport] ? m.transport : 'IPv4'})` : undefined,
        }),
      );
      if (!arrived) {
        const s = 5;
        g.append(
          svg('path', {
            d: `M${xe - s},${ye - s} L${xe + s},${ye + s} M${xe + s},${ye - s} L${xe - s},${ye + s}`,
            stroke: '#c62828',
            'stroke-width': 2.5,
          }),
        );
      }
      const mid = (x1 + xe) / 2;
      const text = `${m.protocol} ${m.label}${arrived ? '' : ` ✕ ${m.lost ?? t('seq.lost')}`}`;
      g.append(
        // Above the arrow's start: the arrow slopes down, so the text never sits on it.
        svg(
          'text',
          { x: mid, y: y1 - 5, 'text-anchor': 'middle', class: 'msg-label' },
          clip(text, Math.max(24, Math.abs(xe - x1) / 6.2)),
        ),
        svg('title', null, text),
      );
      root.append(g);
    });
    d.notes.forEach((n, i) => {
      const x = laneX.get(n.lane);
      if (x === undefined) return;
      const yy = y(`n${i}`);
      root.append(
        svg('rect', {
          x: x - 56,
          y: yy - 10,
          width: 112,
          height: 18,
          rx: 9,
          fill: '#fff8d6',
          stroke: '#a08300',
        }),
        svg(
          'text',
          { x, y: yy + 3, 'text-anchor': 'middle', class: 'note' },
          clip(n.text, 18),
          svg('title', null, `${fmt.seconds(n.time)} ${n.text}`),
        ),
      );
    });
    return root;
  }
}

function clip(s: string, n: number): string {
  const max = Math.floor(n);
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
