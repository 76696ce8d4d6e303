/**
 * The panel beside the map: with nothing selected, the scenario and a list of its nodes
 * and links (the keyboard's way into the map); for a node, its terminal and its tables and
 * a power switch; for a link, its state, delay and loss (editable) and counters.
 */
import type { NodeTable } from '../engine/tables.ts';
import type { LinkInfo } from '../engine/lab-engine.ts';
import type { Tick } from '../worker/protocol.ts';
import type { LabContext } from './context.ts';
import { h, replaceChildren } from './dom.ts';
import * as fmt from './format.ts';
import { proseBlocks } from './prose.ts';
import { language, t, tx } from './i18n.ts';
import { Tabs } from './tabs.ts';
import { Terminal } from './terminal.ts';

export class SidePanel {
  readonly element: HTMLElement;
  private readonly terminals = new Map<string, Terminal>();
  private body: HTMLElement;
  private refresh: (() => void) | null = null;
  private lastRefresh = 0;

  constructor(private readonly ctx: LabContext) {
    this.body = h('div', { class: 'side-body' });
    this.element = h('aside', { class: 'side', 'aria-label': t('side.label') }, this.body);
    ctx.selected.on(() => this.show());
    this.show();
  }

  /** Output lines for terminals; periodic refresh of the open table or link. */
  applyTick(tick: Tick): void {
    if (tick.output.length > 0) {
      const byNode = new Map<string, (typeof tick.output)[number][]>();
      for (const l of tick.output) {
        const node = l.node ?? '';
        const list = byNode.get(node) ?? [];
        list.push(l);
        byNode.set(node, list);
      }
      for (const [node, lines] of byNode) this.terminals.get(node)?.write(lines);
    }
    const now = performance.now();
    if (this.refresh && now - this.lastRefresh > 500) {
      this.lastRefresh = now;
      this.refresh();
    }
  }

  /** A new run: terminals start empty. */
  reset(): void {
    this.terminals.clear();
    this.show();
  }

  private show(): void {
    this.refresh = null;
    const s = this.ctx.selection;
    const topo = this.ctx.topology;
    if (!topo || !s) this.overview();
    else if (s.kind === 'node') this.node(s.name);
    else this.link(s.index);
  }

  private overview(): void {
    const sc = this.ctx.scenario;
    const topo = this.ctx.topology;
    if (!sc || !topo) {
      replaceChildren(this.body, h('p', { class: 'muted' }, t('side.loading')));
      return;
    }
    const description = (language() === 'ko' && sc.descriptionKo) || sc.description;
    const list = h('ul', { class: 'element-list' });
    const find = h('input', {
      type: 'search',
      class: 'element-find',
      placeholder: t('side.find'),
      'aria-label': t('side.find'),
    });
    const fill = () => {
      const q = find.value.trim().toLowerCase();
      const items: HTMLElement[] = [];
      for (const n of topo.nodes) {
        if (q && !n.name.toLowerCase().includes(q) && !n.interfaces.some((i) => i.address.includes(q)))
          continue;
        if (items.length >= 60) break;
        const addr = n.interfaces.find((i) => i.address)?.address ?? '';
        items.push(
          h(
            'li',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'link-button',
                onclick: () => this.ctx.select({ kind: 'node', name: n.name }),
              },
              `${n.name}`,
              h('span', { class: 'muted' }, ` ${tx(`kind.${n.kind}`, n.kind)} ${addr}`),
            ),
          ),
        );
      }
      for (const l of topo.links) {
        const name = `${l.a.node}:${l.a.iface} ↔ ${l.b.node}:${l.b.iface}`;
        if (q && !name.toLowerCase().includes(q)) continue;
        if (items.length >= 120) break;
        items.push(
          h(
            'li',
            null,
            h(
              'button',
              {
                type: 'button',
                class: 'link-button',
                onclick: () => this.ctx.select({ kind: 'link', index: l.index }),
              },
              name,
              h('span', { class: 'muted' }, ` ${fmt.rate(l.rate)}`),
            ),
          ),
        );
      }
      replaceChildren(list, items);
    };
    find.addEventListener('input', fill);
    fill();
    replaceChildren(
      this.body,
      h('h2', { class: 'side-title' }, sc.name),
      h(
        'p',
        { class: 'muted' },
        t('side.summary', {
          nodes: sc.nodes,
          links: sc.links,
          duration: fmt.duration(sc.duration),
          seed: sc.seed,
        }),
      ),
      description ? h('div', { class: 'description' }, proseBlocks(description)) : null,
      sc.warnings.length
        ? h(
            'details',
            { class: 'warnings' },
            h('summary', null, t('side.warnings', { n: sc.warnings.length })),
            h('pre', null, sc.warnings.join('\n')),
          )
        : null,
      h('h3', null, t('side.elements')),
      find,
      list,
    );
  }

  private node(name: string): void {
    const topo = this.ctx.topology!;
    const n = topo.nodes.find((x) => x.name === name);
    if (!n) {
      this.overview();
      return;
    }
    const up = this.ctx.state?.nodes[name] ?? true;
    let terminal = this.terminals.get(name);
    if (!terminal) {
      terminal = new Terminal(name, this.ctx.scenario?.commands ?? []);
      terminal.write(this.ctx.consoles.get(name) ?? []);
      terminal.onCommand = (line) => void this.command(name, line);
      terminal.onInterrupt = () => void this.ctx.client.request({ type: 'interrupt', node: name });
      this.terminals.set(name, terminal);
    }
    const tables = h('div', { class: 'tables' }, h('p', { class: 'muted' }, t('side.loading')));
    const loadTables = () => {
      this.ctx.client.request({ type: 'tables', node: name }).then(
        (list) => renderTables(tables, list),
        (e: Error) => this.ctx.notice.emit(e.message),
      );
    };
    const tabs = new Tabs(
      [
        {
          id: 'terminal',
          label: () => t('node.terminal'),
          panel: h('div', { class: 'node-tab' }, terminal.element),
        },
        { id: 'tables', label: () => t('node.tables'), panel: h('div', { class: 'node-tab' }, tables) },
      ],
      t('node.views', { node: name }),
    );
    tabs.onChange = (id) => {
      this.refresh = id === 'tables' ? loadTables : null;
      if (id === 'tables') loadTables();
      else terminal!.focus();
    };
    const power = h(
      'button',
      {
        type: 'button',
        class: up ? 'danger' : '',
        onclick: () =>
          void this.ctx.client.request({ type: 'node', node: name, up: !up }).then(() => this.show()),
      },
      up ? t('node.powerOff') : t('node.powerOn'),
    );
    const addrs = n.interfaces.filter((i) => i.address).map((i) => `${i.name} ${i.address}`);
    replaceChildren(
      this.body,
      this.head([name, h('span', { class: 'muted' }, ` · ${tx(`kind.${n.kind}`, n.kind)}`)], power),
      addrs.length ? h('p', { class: 'muted addresses' }, addrs.join(' · ')) : null,
      up ? null : h('p', { class: 'state-down' }, t('node.isDown')),
      tabs.element,
    );
    terminal.scrollToEnd();
  }

  /** A node's or link's panel heading: back to the scenario, the title, and any controls. */
  private head(title: (string | HTMLElement)[], ...controls: HTMLElement[]): HTMLElement {
    return h(
      'div',
      { class: 'side-head' },
      h(
        'button',
        { type: 'button', class: 'back', onclick: () => this.ctx.select(null), 'aria-label': t('side.back') },
        '←',
      ),
      h('h2', { class: 'side-title' }, ...title),
      ...controls,
    );
  }

  private async command(node: string, line: string): Promise<void> {
    const client = this.ctx.client;
    try {
      const stopped = this.ctx.lastTick !== null && !this.ctx.lastTick.playing && !this.ctx.lastTick.busy;
      const { job } = await client.request({ type: 'shell', node, line });
      // A command typed while the clock is stopped would never run: start the clock for it.
      if (stopped || this.ctx.autoPlayJobs.size > 0) {
        this.ctx.autoPlayJobs.add(job);
        if (stopped) await client.request({ type: 'play' });
      }
    } catch (e) {
      this.ctx.notice.emit((e as Error).message);
    }
  }

  private link(index: number): void {
    const topo = this.ctx.topology!;
    const l = topo.links[index];
    if (!l) {
      this.overview();
      return;
    }
    const info = h('div', { class: 'link-info' });
    const delay = h('input', { type: 'number', min: 0, step: 'any', id: 'link-delay', class: 'num' });
    const loss = h('input', { type: 'number', min: 0, max: 100, step: 'any', id: 'link-loss', class: 'num' });
    const error = h('p', { class: 'error', role: 'alert' });
    let filled = false;
    const render = (li: LinkInfo) => {
      if (!filled) {
        delay.value = String(li.delay / 1e6);
        loss.value = String(+(li.loss * 100).toFixed(6));
        filled = true;
      }
      const cable = li.kind === 'cable';
      replaceChildren(
        info,
        h('p', { class: li.up ? 'state-up' : 'state-down' }, li.up ? t('link.isUp') : t('link.isDown')),
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, t('link.rate')),
          h('dd', null, fmt.rate(li.rate)),
          h('dt', null, `${l.a.node} → ${l.b.node}`),
          h(
            'dd',
            null,
            t('link.sent', { frames: fmt.count(li.txFrames[0]), bytes: fmt.bytes(li.txBytes[0]) }),
          ),
          h('dt', null, `${l.b.node} → ${l.a.node}`),
          h(
            'dd',
            null,
            t('link.sent', { frames: fmt.count(li.txFrames[1]), bytes: fmt.bytes(li.txBytes[1]) }),
          ),
          h('dt', null, t('link.drops')),
          h('dd', null, fmt.count(li.drops)),
        ),
        cable
          ? h(
              'button',
              {
                type: 'button',
                class: li.up ? 'danger' : 'primary',
                onclick: () =>
                  void this.ctx.client
                    .request({ type: 'link', link: index, up: !li.up })
                    .then(load, (e: Error) => (error.textContent = e.message)),
              },
              li.up ? t('link.cut') : t('link.restore'),
            )
          : h('p', { class: 'muted' }, t('link.attachment')),
      );
      form.hidden = !cable;
    };
    const load = () => {
      this.ctx.client
        .request({ type: 'linkInfo', link: index })
        .then(render, (e: Error) => this.ctx.notice.emit(e.message));
    };
    const form = h(
      'form',
      {
        class: 'link-form',
        onsubmit: (e: Event) => {
          e.preventDefault();
          const d = Number(delay.value);
          const p = Number(loss.value);
          if (!(Number.isFinite(d) && d >= 0) || !(Number.isFinite(p) && p >= 0 && p <= 100)) {
            error.textContent = t('link.badValues');
            return;
          }
          error.textContent = '';
          this.ctx.client
            .request({ type: 'link', link: index, delay: Math.round(d * 1e6), loss: p / 100 })
            .then(load, (err: Error) => (error.textContent = err.message));
        },
      },
      h('label', { for: 'link-delay' }, t('link.delayMs')),
      delay,
      h('label', { for: 'link-loss' }, t('link.lossPercent')),
      loss,
      h('button', { type: 'submit', class: 'primary' }, t('link.apply')),
    );
    replaceChildren(
      this.body,
      this.head([`${l.a.node}:${l.a.iface} ↔ ${l.b.node}:${l.b.iface}`]),
      info,
      form,
      error,
    );
    this.refresh = load;
    load();
  }
}

function renderTables(into: HTMLElement, tables: readonly NodeTable[]): void {
  replaceChildren(
    into,
    tables.map((tb) =>
      h(
        'section',
        { class: 'node-table' },
        h('h3', null, tx(`table.${tb.id}`, tb.id)),
        tb.rows.length === 0
          ? h('p', { class: 'muted' }, t('table.empty'))
          : h(
              'div',
              { class: 'table-scroll' },
              h(
                'table',
                null,
                h(
                  'thead',
                  null,
                  h(
                    'tr',
                    null,
                    tb.columns.map((c) => h('th', { scope: 'col' }, tx(`col.${c}`, c))),
                  ),
                ),
                h(
                  'tbody',
                  null,
                  tb.rows.map((r) =>
                    h(
                      'tr',
                      null,
                      r.map((cell) => h('td', null, cell)),
                    ),
                  ),
                ),
              ),
            ),
      ),
    ),
  );
}
