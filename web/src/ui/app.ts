/**
 * The web lab's page: the controls on top, the map with the panel of what is selected,
 * and below them the packets, the ladders, the charts, the timeline and the scenario
 * library. The app routes the worker's ticks to the views, polls the views that show
 * derived data while they are visible, and rebuilds the page in the other language when
 * it is switched (the run, in the worker, is untouched).
 */
import type { Reloaded, Replies, Tick } from '../worker/protocol.ts';
import { ChartsView } from './charts-view.ts';
import type { LabClient } from './client.ts';
import { LabContext } from './context.ts';
import { Controls } from './controls.ts';
import { download, h, replaceChildren } from './dom.ts';
import { EXAMPLES } from './examples.ts';
import { language, type Language, setLanguage, t } from './i18n.ts';
import { LibraryView } from './library-view.ts';
import { PacketsView } from './packets-view.ts';
import { SequenceView } from './sequence-view.ts';
import { SidePanel } from './side-panel.ts';
import { Tabs } from './tabs.ts';
import { TimelineView } from './timeline-view.ts';
import { TopologyView } from './topology-view.ts';

/** What `npm start` prints, and what the lab opens with. */
export const TOUR = EXAMPLES.some((e) => e.name === 'tour') ? 'tour' : 'default';

interface Views {
  controls: Controls;
  topology: TopologyView;
  side: SidePanel;
  packets: PacketsView;
  sequence: SequenceView;
  charts: ChartsView;
  timeline: TimelineView;
  library: LibraryView;
  bottom: Tabs;
}

export class App {
  private ctx: LabContext;
  private views: Views | null = null;
  private readonly notice: HTMLElement;
  private lastPoll = 0;
  private polling = false;
  private bottomSize = 0.44;

  constructor(
    private readonly root: HTMLElement,
    private readonly client: LabClient,
  ) {
    this.ctx = new LabContext(client);
    this.notice = h('div', { class: 'notice', role: 'alert', hidden: true });
    client.ticks.on((tick) => this.tick(tick));
    client.reloads.on((r) => this.reloaded(r));
    this.build();
    const poll = () => {
      void this.poll();
      window.setTimeout(poll, 250);
    };
    poll();
  }

  /** Loads scenario text; resolves with the problems when it does not parse. */
  async load(text: string, fileName: string, seed?: number): Promise<string[] | null> {
    let r: Replies['load'];
    try {
      r = await this.client.request({
        type: 'load',
        text,
        fileName,
        ...(seed === undefined ? {} : { seed }),
      });
    } catch (e) {
      // Valid as a file but impossible to build (a runtime limit): said like a problem.
      return [`${fileName}: ${(e as Error).message}`];
    }
    if (!r.ok) return r.problems;
    this.ctx.source = text;
    this.views?.library.setSource(text, fileName);
    return null;
  }

  /** Loads an example by name (the tour when unknown). */
  async loadExample(name: string | null, seed?: number): Promise<void> {
    const ex = EXAMPLES.find((e) => e.name === name) ?? EXAMPLES.find((e) => e.name === TOUR) ?? EXAMPLES[0];
    if (!ex) return;
    const problems = await this.load(ex.text, ex.fileName, seed);
    if (problems) this.showNotice(problems.join('\n'));
  }

  private build(): void {
    const old = this.ctx;
    const ctx = new LabContext(this.client);
    Object.assign(ctx, {
      scenario: old.scenario,
      topology: old.topology,
      source: old.source,
      lastTick: old.lastTick,
      state: old.state,
      selection: old.selection,
    });
    for (const [k, v] of old.consoles) ctx.consoles.set(k, v);
    for (const j of old.autoPlayJobs) ctx.autoPlayJobs.add(j);
    ctx.timeline.push(...old.timeline);
    this.ctx = ctx;
    if (this.views) {
      this.views.controls.dispose();
      this.views.topology.dispose();
    }
    document.documentElement.lang = language();
    document.title = t('app.title');

    const controls = new Controls(ctx);
    const topology = new TopologyView();
    const side = new SidePanel(ctx);
    const packets = new PacketsView(ctx);
    const sequence = new SequenceView(ctx);
    const charts = new ChartsView(ctx);
    const timeline = new TimelineView(ctx);
    const library = new LibraryView(ctx);
    library.onLoad = (text, fileName) => this.load(text, fileName);
    topology.onSelect = (s) => ctx.select(s);
    ctx.selected.on((s) => topology.select(s, false));
    ctx.notice.on((m) => this.showNotice(m));
    ctx.showPacket.on(() => bottom.select('packets'));

    const maximise = h(
      'button',
      {
        type: 'button',
        class: 'maximise',
        'aria-pressed': 'false',
        onclick: () => {
          const on = !this.root.classList.contains('bottom-max');
          this.root.classList.toggle('bottom-max', on);
          maximise.setAttribute('aria-pressed', String(on));
        },
      },
      t('app.maximise'),
    );
    const bottom = new Tabs(
      [
        { id: 'packets', label: () => t('tab.packets'), panel: packets.element },
        { id: 'sequence', label: () => t('tab.sequence'), panel: sequence.element },
        { id: 'charts', label: () => t('tab.charts'), panel: charts.element },
        { id: 'timeline', label: () => t('tab.timeline'), panel: timeline.element },
        { id: 'library', label: () => t('tab.library'), panel: library.element },
      ],
      t('app.views'),
      maximise,
    );
    bottom.onChange = () => {
      this.lastPoll = 0;
      void this.poll();
    };
    const lang = h(
      'select',
      {
        'aria-label': t('app.language'),
        onchange: (e: Event) => {
          setLanguage((e.target as HTMLSelectElement).value as Language);
          this.build();
        },
      },
      h('option', { value: 'en', selected: language() === 'en' }, 'English'),
      h('option', { value: 'ko', selected: language() === 'ko' }, '한국어'),
    );
    const downloads = h(
      'div',
      { class: 'downloads', role: 'group', 'aria-label': t('app.downloads') },
      h('button', { type: 'button', onclick: () => void this.downloadPcap() }, `⬇ ${t('app.pcap')}`),
      h(
        'button',
        { type: 'button', class: 'download-keylog', onclick: () => void this.downloadKeyLog() },
        `⬇ ${t('app.keylog')}`,
      ),
      h('button', { type: 'button', onclick: () => void this.downloadTrace() }, `⬇ ${t('app.trace')}`),
    );
    const splitter = h('div', {
      class: 'splitter',
      role: 'separator',
      tabindex: 0,
      'aria-orientation': 'horizontal',
      'aria-label': t('app.splitter'),
      'aria-valuemin': 15,
      'aria-valuemax': 85,
    });
    this.bindSplitter(splitter);
    replaceChildren(
      this.root,
      h(
        'header',
        { class: 'top' },
        h('h1', { class: 'brand' }, 'netlab', h('span', null, t('app.lab'))),
        controls.element,
        h('div', { class: 'top-right' }, downloads, lang),
      ),
      h('main', { class: 'middle', 'aria-label': t('app.map') }, topology.element, side.element),
      splitter,
      h('section', { class: 'bottom', 'aria-label': t('app.views') }, bottom.element),
      this.notice,
    );
    this.applySplit();
    this.views = { controls, topology, side, packets, sequence, charts, timeline, library, bottom };
    if (ctx.topology) topology.setTopology(ctx.topology);
    if (ctx.state && ctx.lastTick)
      topology.applyTick({ ...ctx.lastTick, state: ctx.state, flights: [], drops: [] });
    if (ctx.selection) topology.select(ctx.selection, false);
    if (ctx.source && ctx.scenario) library.setSource(ctx.source, ctx.scenario.fileName);
    packets.reset();
    sequence.reset();
    timeline.reset();
    (window as unknown as { netlabFrameStats: unknown }).netlabFrameStats = topology.stats;
    (window as unknown as { netlabPacketList: unknown }).netlabPacketList = packets.list;
  }

  private tick(tick: Tick): void {
    const ctx = this.ctx;
    ctx.lastTick = tick;
    if (tick.state) ctx.state = tick.state;
    ctx.record(tick.output);
    if (ctx.autoPlayJobs.size > 0 && tick.jobEnds.length > 0) {
      for (const j of tick.jobEnds) ctx.autoPlayJobs.delete(j.job);
      if (ctx.autoPlayJobs.size === 0 && tick.playing) void this.client.request({ type: 'pause' });
    }
    const v = this.views;
    if (!v) return;
    v.controls.applyTick(tick);
    v.topology.applyTick(tick);
    v.side.applyTick(tick);
    v.packets.applyTick(tick);
    v.timeline.write(tick.output);
    document.body.dataset.simTime = String(tick.now);
    document.body.dataset.playing = String(tick.playing);
    document.body.dataset.ended = String(tick.ended);
  }

  private reloaded(r: Reloaded): void {
    const ctx = this.ctx;
    ctx.scenario = r.scenario;
    ctx.topology = r.topology;
    ctx.state = null;
    ctx.lastTick = null;
    ctx.clearOutput();
    ctx.autoPlayJobs.clear();
    if (r.reason !== 'seek' || !ctx.selection) ctx.selection = null;
    const v = this.views;
    if (!v) return;
    v.controls.setSeed(r.scenario.seed);
    v.topology.setTopology(r.topology);
    v.side.reset();
    v.packets.reset();
    v.sequence.reset();
    v.charts.reset();
    v.timeline.reset();
    document.body.dataset.scenario = r.scenario.name;
    // The address says what to reload: an example by name (a file of your own cannot be named there).
    if (EXAMPLES.some((e) => e.name === r.scenario.name && e.fileName === r.scenario.fileName))
      history.replaceState(
        null,
        '',
        `#example=${encodeURIComponent(r.scenario.name)}&seed=${r.scenario.seed}`,
      );
    else history.replaceState(null, '', location.pathname + location.search);
  }

  /** Refreshes the ladder or the charts while their tab is open. */
  private async poll(): Promise<void> {
    const v = this.views;
    if (!v || this.polling || !this.ctx.scenario) return;
    const now = performance.now();
    const tab = v.bottom.selected;
    const every = tab === 'charts' ? 1000 : 500;
    if (now - this.lastPoll < every) return;
    this.lastPoll = now;
    this.polling = true;
    try {
      if (tab === 'sequence') await v.sequence.refresh();
      else if (tab === 'charts') await v.charts.refresh();
    } catch (e) {
      this.showNotice((e as Error).message);
    } finally {
      this.polling = false;
    }
  }

  private async downloadPcap(): Promise<void> {
    const name = this.ctx.scenario?.name ?? 'netlab';
    const r = await this.client.request({ type: 'pcap' });
    download(`${name}.pcap`, r.chunks as BlobPart[], 'application/vnd.tcpdump.pcap');
    if (!r.complete) this.showNotice(t('app.pcapPartial', { n: r.packets }));
  }

  /** The run's NSS key log beside its pcap: `tshark -r tour.pcap -o tls.keylog_file:tour.keylog`. */
  private async downloadKeyLog(): Promise<void> {
    const name = this.ctx.scenario?.name ?? 'netlab';
    const r = await this.client.request({ type: 'keylog' });
    if (r.lines === 0) {
      this.showNotice(t('app.keylogEmpty'));
      return;
    }
    download(`${name}.keylog`, [r.text], 'text/plain');
  }

  private async downloadTrace(): Promise<void> {
    const name = this.ctx.scenario?.name ?? 'netlab';
    this.showNotice(t('app.tracePreparing'));
    const r = await this.client.request({ type: 'trace' });
    this.notice.hidden = true;
    download(`${name}.trace.jsonl`, r.chunks, 'application/x-ndjson');
  }

  private showNotice(message: string): void {
    this.notice.textContent = message;
    this.notice.hidden = false;
    window.clearTimeout(Number(this.notice.dataset.timer ?? 0));
    this.notice.dataset.timer = String(window.setTimeout(() => (this.notice.hidden = true), 6000));
  }

  private applySplit(): void {
    this.root.style.setProperty('--bottom', `${Math.round(this.bottomSize * 100)}%`);
    this.root
      .querySelector('.splitter')
      ?.setAttribute('aria-valuenow', String(Math.round((1 - this.bottomSize) * 100)));
  }

  private bindSplitter(el: HTMLElement): void {
    const set = (bottom: number) => {
      this.bottomSize = Math.min(0.85, Math.max(0.15, bottom));
      this.applySplit();
    };
    el.addEventListener('pointerdown', (e) => {
      el.setPointerCapture(e.pointerId);
      const move = (ev: PointerEvent) => {
        const r = this.root.getBoundingClientRect();
        set((r.bottom - ev.clientY) / (r.height - 48));
      };
      const up = () => {
        el.removeEventListener('pointermove', move);
        el.removeEventListener('pointerup', up);
      };
      el.addEventListener('pointermove', move);
      el.addEventListener('pointerup', up);
    });
    el.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowUp') set(this.bottomSize + 0.05);
      else if (e.key === 'ArrowDown') set(this.bottomSize - 0.05);
      else return;
      e.preventDefault();
    });
  }
}
