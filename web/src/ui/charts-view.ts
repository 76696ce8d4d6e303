/**
 * Charts: throughput per link and direction over time, TCP congestion window and RTT per
 * connection, and the page-load waterfall of HTTP exchanges (charts.ts collects them).
 * Each fills in as soon as the run has such traffic; until then it says what would show.
 */
import type { ChartData } from '../worker/protocol.ts';
import type { LabContext } from './context.ts';
import { h, replaceChildren, svg } from './dom.ts';
import * as fmt from './format.ts';
import { t } from './i18n.ts';
import { lineChart } from './line-chart.ts';
import { Tabs } from './tabs.ts';

const PALETTE = ['#0b5cad', '#c62828', '#0b6e4f', '#a65300', '#7a3db8', '#00838f', '#6d4c41', '#37474f'];

export class ChartsView {
  readonly element: HTMLElement;
  private readonly tabs: Tabs;
  private readonly throughput = h('div', { class: 'chart-pane' });
  private readonly tcp = h('div', { class: 'chart-pane' });
  private readonly waterfall = h('div', { class: 'chart-pane' });
  private chosenLinks: number[] | null = null;
  private chosenTcp: string | null = null;

  constructor(private readonly ctx: LabContext) {
    this.tabs = new Tabs(
      [
        { id: 'throughput', label: () => t('chart.throughput'), panel: this.throughput },
        { id: 'tcp', label: () => t('chart.tcp'), panel: this.tcp },
        { id: 'waterfall', label: () => t('chart.waterfall'), panel: this.waterfall },
      ],
      t('chart.kinds'),
    );
    this.tabs.onChange = () => void this.refresh();
    this.element = h('div', { class: 'charts' }, this.tabs.element);
  }

  reset(): void {
    this.chosenLinks = null;
    this.chosenTcp = null;
  }

  async refresh(): Promise<void> {
    const data = await this.ctx.client.request({
      type: 'charts',
      links: this.chosenLinks,
      tcp: this.chosenTcp,
    });
    const tab = this.tabs.selected;
    if (tab === 'throughput') this.drawThroughput(data);
    else if (tab === 'tcp') this.drawTcp(data);
    else this.drawWaterfall(data);
  }

  /** Room for a chart beside the link picker (about 250 px) in `el`. */
  private width(el: HTMLElement): number {
    return Math.max(360, Math.min(1200, (el.clientWidth || 900) - 290));
  }

  private drawThroughput(d: ChartData): void {
    const topo = this.ctx.topology;
    if (!topo) return;
    const ranked = d.totals
      .map((v, i) => ({ v, i }))
      .filter((x) => x.v > 0)
      .sort((a, b) => b.v - a.v)
      .slice(0, 16);
    if (ranked.length === 0) {
      replaceChildren(this.throughput, h('p', { class: 'muted pad' }, t('chart.noTraffic')));
      return;
    }
    const shown = new Set(d.links.map((l) => l.index));
    const picker = h(
      'fieldset',
      { class: 'chart-picker' },
      h('legend', null, t('chart.links')),
      ranked.map(({ v, i }) => {
        const l = topo.links[i]!;
        const box = h('input', { type: 'checkbox', checked: shown.has(i) });
        box.addEventListener('change', () => {
          const next = new Set(shown);
          if (box.checked) next.add(i);
          else next.delete(i);
          this.chosenLinks = [...next];
          void this.refresh();
        });
        return h('label', { class: 'check' }, box, `${l.a.node} ↔ ${l.b.node} (${fmt.bytes(v)})`);
      }),
    );
    const series = d.links.flatMap((l, k) => {
      const link = topo.links[l.index]!;
      const x = Array.from({ length: d.bins }, (_, i) => (i + 0.5) * d.binWidth);
      return [
        {
          name: `${link.a.node}→${link.b.node}`,
          colour: PALETTE[(k * 2) % PALETTE.length]!,
          x,
          y: l.series[0],
          step: true,
        },
        {
          name: `${link.b.node}→${link.a.node}`,
          colour: PALETTE[(k * 2 + 1) % PALETTE.length]!,
          x,
          y: l.series[1],
          step: true,
        },
      ].filter((s) => s.y.some((v) => v > 0));
    });
    const chart = lineChart(series, {
      width: this.width(this.throughput),
      height: 230,
      title: t('chart.throughputTitle', { bin: fmt.duration(d.binWidth) }),
      yFormat: fmt.rate,
      xFormat: (ns) => fmt.seconds(ns, 3),
    });
    replaceChildren(this.throughput, h('div', { class: 'chart-row' }, picker, chart));
  }

  private drawTcp(d: ChartData): void {
    if (!d.tcp) {
      replaceChildren(this.tcp, h('p', { class: 'muted pad' }, t('chart.noTcp')));
      return;
    }
    const select = h(
      'select',
      { 'aria-label': t('chart.connection') },
      d.tcpKeys.map((k) => h('option', { value: k, selected: k === d.tcp!.key }, k)),
    );
    select.addEventListener('change', () => {
      this.chosenTcp = select.value;
      void this.refresh();
    });
    const w = this.width(this.tcp) + 200;
    const cwnd = lineChart(
      [
        { name: 'cwnd', colour: '#0b5cad', x: d.tcp.cwnd.t, y: d.tcp.cwnd.v, step: true },
        // An infinite (initial) ssthresh is not a point on the chart.
        finite('ssthresh', '#a65300', d.tcp.ssthresh.t, d.tcp.ssthresh.v),
      ],
      {
        width: w / 2 - 10,
        height: 210,
        title: t('chart.cwndTitle'),
        yFormat: fmt.bytes,
        xFormat: (ns) => fmt.seconds(ns, 3),
      },
    );
    const rtt = lineChart(
      [
        { name: t('chart.rttSample'), colour: '#7a3db8', x: d.tcp.rtt.t, y: d.tcp.rtt.v },
        { name: 'SRTT', colour: '#0b6e4f', x: d.tcp.srtt.t, y: d.tcp.srtt.v },
      ],
      {
        width: w / 2 - 10,
        height: 210,
        title: t('chart.rttTitle'),
        yFormat: (v) => fmt.duration(v),
        xFormat: (ns) => fmt.seconds(ns, 3),
      },
    );
    replaceChildren(
      this.tcp,
      h('label', null, `${t('chart.connection')} `, select),
      h('div', { class: 'chart-row' }, cwnd, rtt),
    );
  }

  private drawWaterfall(d: ChartData): void {
    const rows = d.waterfall;
    if (rows.length === 0) {
      replaceChildren(this.waterfall, h('p', { class: 'muted pad' }, t('chart.noHttp')));
      return;
    }
    const start = Math.min(...rows.map((r) => r.connectStart ?? r.requestStart));
    const end = Math.max(...rows.map((r) => r.done ?? this.ctx.lastTick?.now ?? r.requestStart));
    const width = this.width(this.waterfall) + 200;
    const labelW = 260;
    const barW = width - labelW - 80;
    const sx = (tns: number) => labelW + ((tns - start) / Math.max(1, end - start)) * barW;
    const ROWH = 20;
    const root = svg('svg', {
      width,
      height: 30 + rows.length * ROWH,
      class: 'chart waterfall',
      role: 'img',
      'aria-label': t('chart.waterfall'),
    });
    root.append(
      svg(
        'text',
        { x: 4, y: 14, class: 'chart-title' },
        t('chart.waterfallTitle', { total: fmt.duration(end - start) }),
      ),
    );
    rows.forEach((r, i) => {
      const y = 24 + i * ROWH;
      root.append(
        svg(
          'text',
          { x: 4, y: y + 12, class: 'tick' },
          `${r.node} ${r.method} ${r.target}`.slice(0, 40),
          svg('title', null, `${r.node} → ${r.peer} ${r.method} ${r.target} ${r.status || ''}`),
        ),
      );
      if (r.connectStart !== null && r.connectEnd !== null) {
        root.append(
          svg(
            'rect',
            {
              x: sx(r.connectStart),
              y: y + 3,
              width: Math.max(1, sx(r.connectEnd) - sx(r.connectStart)),
              height: 12,
              fill: '#f0a030',
            },
            svg('title', null, `${t('chart.connect')} ${fmt.duration(r.connectEnd - r.connectStart)}`),
          ),
        );
      }
      // For https, the time between the TCP connection and the request is TLS's handshake.
      if (r.connectEnd !== null && r.requestStart > r.connectEnd) {
        root.append(
          svg(
            'rect',
            {
              x: sx(r.connectEnd),
              y: y + 3,
              width: Math.max(1, sx(r.requestStart) - sx(r.connectEnd)),
              height: 12,
              fill: '#7a3db8',
            },
            svg('title', null, `${t('chart.tls')} ${fmt.duration(r.requestStart - r.connectEnd)}`),
          ),
        );
      }
      const done = r.done ?? end;
      root.append(
        svg(
          'rect',
          {
            x: sx(r.requestStart),
            y: y + 3,
            width: Math.max(1, sx(done) - sx(r.requestStart)),
            height: 12,
            fill: r.done === null ? '#8a94a6' : '#0b5cad',
          },
          svg('title', null, `${t('chart.request')} ${fmt.duration(done - r.requestStart)}`),
        ),
        svg(
          'text',
          { x: sx(done) + 4, y: y + 12, class: 'tick' },
          `${r.status || '…'} ${fmt.duration(done - (r.connectStart ?? r.requestStart))}`,
        ),
      );
    });
    replaceChildren(
      this.waterfall,
      h(
        'p',
        { class: 'muted legend-line' },
        h('i', { class: 'sw connect' }),
        t('chart.connect'),
        ' ',
        h('i', { class: 'sw tls' }),
        t('chart.tls'),
        ' ',
        h('i', { class: 'sw request' }),
        t('chart.request'),
      ),
      root,
    );
  }
}

function finite(name: string, colour: string, x: readonly number[], y: readonly number[]) {
  const keep = y.map((v) => v < 2 ** 30);
  return { name, colour, x: x.filter((_, i) => keep[i]), y: y.filter((_, i) => keep[i]), step: true };
}
